"""``milai ask``: a question answered from the corpus, through the one gated pipeline, with
its sources.

Only passages at or below min(clearance, the model's accreditation, the output level) are
ranked; the prompt holds the best of them and the question, and takes their level. When no
passage at those levels matches, the model is not asked: a note says so (exit 0).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from milai.cli import _options as opts
from milai.cli._app import app, emit_block_json, emit_json, open_context, say
from milai.cli.run import StdoutStream, blocked_json, report_result, run_json, stopped_json
from milai.engine import SamplingParams
from milai.errors import Blocked, UsageError
from milai.settings import Sampling, resolve_clearance, resolve_out_level

if TYPE_CHECKING:
    from milai.context import Context
    from milai.corpus import Hit
    from milai.corpus._prompt import Source
    from milai.engine import LoadOptions
    from milai.pipeline import GateFactory, ModelInfo
    from milai.policy import Decision, Policy

MAX_K = 50
NO_SOURCES = "no sources at your clearance"


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question.")],
    collection: Annotated[
        str | None, typer.Option("--collection", "-c", help="Only this collection.")
    ] = None,
    clearance: opts.Clearance = None,
    out_level: Annotated[
        str | None, typer.Option("--out-level", help="Highest level the answer may carry.")
    ] = None,
    model: opts.Model = None,
    k: Annotated[int, typer.Option("--k", help="Passages to give the model.")] = 5,
    max_tokens: opts.MaxTokens = 512,
    temperature: opts.Temperature = None,
    seed: opts.Seed = None,
    top_p: opts.TopP = None,
    top_k: opts.TopK = None,
    repeat_penalty: opts.RepeatPenalty = None,
    chat_format: opts.ChatFormat = None,
    context_tokens: opts.ContextTokens = None,
    threads: opts.Threads = None,
    json_output: opts.JsonOutput = False,
) -> None:
    """Answer a question from the documents you may read, citing its sources.

    Passages above min(your clearance, the model's accreditation) are never ranked, never
    given to the model and never counted. No passage at your levels: a note, exit 0.
    """
    from milai.corpus import check_collection
    from milai.corpus._prompt import ASK_SYSTEM, build_prompt
    from milai.events import Retrieved

    flags = opts.generation_flags(
        max_tokens,
        seed,
        Sampling(temperature, top_p, top_k, repeat_penalty, context_tokens, threads),
        chat_format,
    )
    if not 1 <= k <= MAX_K:
        raise UsageError(f"--k must be between 1 and {MAX_K}")
    if not question.strip():
        raise UsageError("empty question")
    if collection is not None:
        check_collection(collection)
    context = open_context()
    generation = flags.settle(context.settings)
    params, options = generation.params, generation.load
    policy = context.policy()
    level = resolve_clearance(policy, clearance, context.settings)
    sink_level = resolve_out_level(policy, level, out_level)
    pipeline = context.pipeline(policy)
    model_name = context.model_name(model)
    model_info = pipeline.models.model(model_name)
    limit = policy.lower(level, model_info.level, sink_level)
    asked = _Asked(context, policy, model_info, level, sink_level, question, collection, params)
    question_decision = asked.gate_question(pipeline.gate, json_output)
    hits, embedder = _retrieve(
        context, policy, (question, question_decision), limit, k, collection, options
    )
    if not hits:
        asked.no_sources(question_decision, json_output)
        say(f"milai: {NO_SOURCES} ({limit})")
        return
    sources, refused = _sources_the_policy_allows(policy, context.corpus.sources(hits))
    if refused:
        say(f"milai: {refused} source(s) left out: the policy blocks them in a prompt")
    if not sources:
        asked.no_sources(question_decision, json_output)
        say(f"milai: {NO_SOURCES} ({limit})")
        return
    sources = _with_gated_names(policy, limit, sources)
    prompt = build_prompt(
        question,
        sources,
        context_tokens=options.context_tokens,
        max_tokens=params.max_tokens,
    )
    if prompt.left_out or prompt.trimmed:
        cut = " and the last one cut" if prompt.trimmed else ""
        # Counted among the sources that could be given (the policy's refusals are said
        # above): both numbers are of passages the asker may read.
        say(
            f"milai: {prompt.left_out} of {len(sources)} sources left out{cut} to fit the "
            f"model's context ({options.context_tokens} tokens)"
        )
    retrieved = Retrieved(
        question_digest=context.digest(question),
        passages=tuple((source.passage_id, source.level) for source in prompt.sources),
        collection=collection,
        left_out=prompt.left_out,
        context_tokens=options.context_tokens,
        embedder=embedder,
    )
    collected: list[str] = []
    stream = StdoutStream()
    session = pipeline.session(
        model_name,
        clearance=level,
        out_level=sink_level,
        load_options=options,
        command="ask",
        system=ASK_SYSTEM,
    )
    try:
        with session:
            result = session.turn(
                prompt.text,
                params,
                collected.append if json_output else stream,
                retrieved=retrieved,
            )
    except Blocked as blocked:
        if json_output:
            emit_block_json(
                {**blocked_json(blocked, session, params), "sources": [], "left_out": 0}
            )
        raise
    except BrokenPipeError:
        return
    if json_output:
        cited = [source.to_json() for source in prompt.sources]
        emit_json({**run_json(result), "sources": cited, "left_out": prompt.left_out})
    else:
        stream.finish()
        _print_sources(prompt.sources)
    report_result(result, json_output=json_output)


def _retrieve(
    context: Context,
    policy: Policy,
    question: tuple[str, Decision],
    limit: str,
    k: int,
    collection: str | None,
    options: LoadOptions,
) -> tuple[list[Hit], str | None]:
    """The ``k`` best passages for ``question`` (its text and the gate's decision on it) at
    or below ``limit``, and the sha256 of the embedding model when they were ranked hybrid:
    with the vault's embedding model when the question is at or below its accreditation,
    by BM25 alone otherwise."""
    from milai.corpus import readable_at, retrieve, retrieve_hybrid

    text, decision = question
    may_read = readable_at(policy, limit)
    with context.embedder(options.threads) as embedder:
        if embedder is None or policy.above(decision.level, embedder.level):
            return retrieve(context.corpus, text, may_read, k, collection), None
        [vector] = embedder.engine.embed([text])
    found = retrieve_hybrid(context.corpus, text, vector, embedder.sha256, may_read, k, collection)
    if found.unembedded:
        say(
            f"milai: {found.unembedded} document(s) at your clearance have no vectors: "
            "ranked by their words alone (`milai docs embed` gives them vectors)"
        )
    return found.hits, embedder.sha256


def _sources_the_policy_allows(policy: Policy, sources: list[Source]) -> tuple[list[Source], int]:
    """The sources whose text no rule blocks in a prompt (a codeword, keying material), and
    how many others there were: one such passage must not sink every answer it ranks in."""
    from milai.policy import Action, check_text

    allowed = [
        source
        for source in sources
        if check_text(policy, source.text, direction="prompt").action != Action.BLOCK
    ]
    return allowed, len(sources) - len(allowed)


def _with_gated_names(policy: Policy, limit: str, sources: list[Source]) -> list[Source]:
    """``sources`` with each document name and title that the gate would not let into the
    prompt or out to the asker at ``limit`` (a marking above it, a codeword, personal data)
    replaced by the document's id: names are printed and prompted, so they are gated too.
    (``docs add`` raises a document whose name is marked; this covers names added before,
    or a policy changed since.)"""
    from dataclasses import replace

    from milai.corpus import name_lines
    from milai.policy import Action, check_text

    def passes(text: str) -> bool:
        for direction in ("prompt", "output"):
            decision = check_text(policy, text, direction=direction)
            if decision.action in (Action.BLOCK, Action.REDACT) or policy.above(
                decision.level, limit
            ):
                return False
        return True

    gated = []
    for source in sources:
        stand_in = "document " + source.passage_id.partition(":")[0]
        doc = source.doc if passes(name_lines(source.doc)) else stand_in
        title = source.title if passes(source.title) else stand_in
        gated.append(replace(source, doc=doc, title=title))
    return gated


def _print_sources(sources: tuple[Source, ...]) -> None:
    lines = ["", "Sources:"]
    for number, source in enumerate(sources, start=1):
        page = (
            "" if source.page is None or source.part.startswith("page") else f", page {source.page}"
        )
        lines.append(f"  [{number}] {source.doc}, {source.part}{page}, {source.level}")
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()


class _Asked:
    """A question before the model sees it: gated alone first (a question the gate refuses
    is never used to search), and recorded when it ends there."""

    def __init__(
        self,
        context: Context,
        policy: Policy,
        model: ModelInfo,
        clearance: str,
        out_level: str,
        question: str,
        collection: str | None,
        params: SamplingParams,
    ) -> None:
        self.context = context
        self.params = params
        self.policy = policy
        self.model = model
        self.clearance = clearance
        self.out_level = out_level
        self.question = question
        self.event: dict[str, Any] = {
            "command": "ask",
            "phase": "outcome",
            "model": {"name": model.name, "sha256": model.sha256},
            "policy": {"name": policy.name, "sha256": policy.sha256},
            "clearance": clearance,
            "out_level": out_level,
            "stage": "prompt",
            "retrieved": {
                "question_digest": context.digest(question),
                "collection": collection,
                "passages": [],
            },
        }

    def gate_question(self, gate_factory: GateFactory, json_output: bool) -> Decision:
        """The question's decision. Raises ``Blocked`` (recorded) when the gate refuses
        it: above min(clearance, model accreditation), or a blocking rule."""
        gate = gate_factory(
            self.policy,
            clearance=self.clearance,
            model_level=self.model.level,
            out_level=self.out_level,
        )
        try:
            return gate.check_prompt(self.question)
        except Blocked as blocked:
            found = blocked.decision
            findings = getattr(found, "findings", ())
            self.context.record(
                {
                    **self.event,
                    "decision": "block",
                    "levels": {"prompt": getattr(found, "level", self.policy.lowest)},
                    "rules": sorted({finding.rule for finding in findings}),
                }
            )
            if json_output:
                from dataclasses import replace

                from milai.policy import Action, Decision

                if not isinstance(found, Decision):
                    found = Decision(Action.BLOCK, self.policy.lowest, (), self.policy.info)
                data = stopped_json(replace(found, action=Action.BLOCK), self.model, self.params)
                emit_json({**data, "message": blocked.message, "sources": [], "left_out": 0})
            raise

    def no_sources(self, decision: Decision, json_output: bool) -> None:
        """Nothing at the allowed levels matches: the model is not asked; recorded."""
        self.context.record(
            {
                **self.event,
                "decision": "no-sources",
                "levels": {"prompt": decision.level},
                "rules": sorted({finding.rule for finding in decision.findings}),
            }
        )
        if json_output:
            data = stopped_json(decision, self.model, self.params)
            emit_json({**data, "sources": [], "left_out": 0, "note": NO_SOURCES})
