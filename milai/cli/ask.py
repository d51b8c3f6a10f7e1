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
from milai.cli._app import app, emit_json, open_context, say
from milai.cli.run import StdoutStream, blocked_json, report_result, run_json
from milai.engine import SamplingParams
from milai.errors import Blocked, UsageError
from milai.settings import Sampling, resolve_clearance, resolve_out_level

if TYPE_CHECKING:
    from milai.context import Context
    from milai.corpus._prompt import Source
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
    from milai.corpus import check_collection, readable_at, retrieve
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
    asked = _Asked(context, policy, model_info, level, sink_level, question, collection)
    question_decision = asked.gate_question(pipeline.gate, json_output)
    hits = retrieve(context.corpus, question, readable_at(policy, limit), k, collection)
    if not hits:
        asked.no_sources(question_decision, params, json_output)
        say(f"milai: {NO_SOURCES} ({limit})")
        return
    sources, refused = _sources_the_policy_allows(policy, context.corpus.sources(hits))
    if refused:
        say(f"milai: {refused} source(s) left out: the policy blocks them in a prompt")
    if not sources:
        asked.no_sources(question_decision, params, json_output)
        say(f"milai: {NO_SOURCES} ({limit})")
        return
    prompt = build_prompt(
        question,
        sources,
        context_tokens=options.context_tokens,
        max_tokens=params.max_tokens,
    )
    if prompt.left_out or prompt.trimmed:
        cut = " and the last one cut" if prompt.trimmed else ""
        say(
            f"milai: {prompt.left_out} of {len(hits)} sources left out{cut} to fit the "
            f"model's context ({options.context_tokens} tokens)"
        )
    retrieved = Retrieved(
        question_digest=context.digest(question),
        passages=tuple((source.passage_id, source.level) for source in prompt.sources),
        collection=collection,
        left_out=prompt.left_out,
        context_tokens=options.context_tokens,
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
            emit_json({**blocked_json(blocked, session, params), "sources": []})
        raise
    except BrokenPipeError:
        return
    if json_output:
        cited = [source.to_json() for source in prompt.sources]
        emit_json({**run_json(result), "sources": cited, "left_out": prompt.left_out})
    else:
        stream.finish()
        _print_sources(prompt.sources)
    report_result(result)


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
    ) -> None:
        self.context = context
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
                emit_json(
                    {
                        "text": "",
                        "decision": "block",
                        "level": getattr(found, "level", self.policy.lowest),
                        "findings": [finding.to_json() for finding in findings],
                        "policy": {"name": self.policy.name, "sha256": self.policy.sha256},
                        "sources": [],
                        "message": blocked.message,
                    }
                )
            raise

    def no_sources(self, decision: Decision, params: SamplingParams, json_output: bool) -> None:
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
            emit_json(
                {
                    "text": "",
                    "decision": str(decision.action),
                    "level": decision.level,
                    "findings": [finding.to_json() for finding in decision.findings],
                    "policy": {"name": self.policy.name, "sha256": self.policy.sha256},
                    "model": {"name": self.model.name, "sha256": self.model.sha256},
                    "usage": {"prompt_tokens": 0, "completion_tokens": 0},
                    "timings": {"load_s": 0.0, "first_token_s": None, "tokens_per_s": None},
                    "seed": params.seed,
                    "finish_reason": None,
                    "sources": [],
                    "note": NO_SOURCES,
                }
            )
