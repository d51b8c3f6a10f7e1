"""``milai run``: one gated generation, streamed to stdout or as one JSON object.

Also what ``run``, ``chat`` and ``ask`` share: the system text, the stream to stdout, the
report after a reply, and the ``run --json`` object.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from milai.cli import _options as opts
from milai.cli._app import (
    app,
    compose_prompt,
    decode_utf8,
    emit_block_json,
    emit_json,
    open_context,
    say,
    state,
)
from milai.errors import Blocked, UsageError
from milai.files import read_small_file
from milai.settings import Sampling, resolve_clearance, resolve_out_level

if TYPE_CHECKING:
    from milai.documents import Document
    from milai.engine import LoadOptions, SamplingParams, Timings, Usage
    from milai.pipeline import ModelInfo, RunResult, Session
    from milai.policy import Decision

MAX_SYSTEM_FILE = 1 << 20

RUN_INPUT_HELP = (
    "The material (stdin, or --input PATH) may be a document: .docx, .odt, .pdf, .html, .eml, "
    "Markdown or UTF-8 text, told apart by content. A document is read whole, every part "
    "(headers, footers, comments, tracked deletions, properties and sensitivity labels, every "
    "PDF page), and gated whole before the model sees any of it. Sampling and loading flags "
    "left out take the administrator's defaults (milai settings set), else the built-in ones."
)


def system_text(system: str | None, system_file: Path | None) -> str | None:
    """The system prompt from ``--system`` or ``--system-file PATH|-``.

    Raises ``UsageError`` for both at once, an unreadable, oversized or non-UTF-8 file.
    """
    if system_file is None:
        return system
    if system is not None:
        raise UsageError("give --system or --system-file, not both")
    if str(system_file) != "-":
        data = read_small_file(system_file, "system file", MAX_SYSTEM_FILE)
        return decode_utf8(data, f"system file {system_file}")
    data = sys.stdin.buffer.read(MAX_SYSTEM_FILE + 1)
    if len(data) > MAX_SYSTEM_FILE:
        raise UsageError(f"the system text on stdin is larger than {MAX_SYSTEM_FILE} bytes")
    return decode_utf8(data, "the system text on stdin")


def stdin_is_a_terminal() -> bool:
    return sys.stdin is None or sys.stdin.isatty()


@dataclass(frozen=True)
class RunInput:
    """What ``run`` was given: the prompt text the gate and the model see, and where the
    material in it came from (its document, and where that starts in the prompt)."""

    text: str
    document: Document | None = None
    material_start: int = 0

    def part_at(self, offset: int) -> str:
        """The part of the input holding character ``offset`` of ``text``: ``instruction``
        for PROMPT, else the material's part (``body`` for plain text)."""
        if offset < self.material_start:
            return "instruction"
        if self.document is None:
            return "body"
        return self.document.part_at(offset - self.material_start)

    @property
    def format(self) -> str | None:
        return self.document.format if self.document is not None else None


def read_run_input(instruction: str | None, source: Path | None, *, stdin: bool) -> RunInput:
    """PROMPT and the material: the document or text at ``source`` (a path, or ``-`` for
    stdin), else stdin when ``stdin`` allows it and it is not a terminal. A document (Word,
    OpenDocument, PDF, HTML, e-mail) is sniffed by content and read whole, every part; plain
    text is taken as it is.

    Raises ``UsageError`` (exit 2) for unreadable, malformed, encrypted, hostile or
    oversized input, and for an empty prompt; ``Blocked`` (exit 3) for a document that
    holds documents nested too deep to read (what they hold is unknown).
    """
    from milai.cli.gate import read_material, refuse_unread
    from milai.documents import Limits

    material: str | None = None
    document = None
    if source is not None or (stdin and not stdin_is_a_terminal()):
        read = read_material(source or "-")
        document = read.document
        refuse_unread(read.name, document, "the model is given nothing")
        if document is not None:
            material = document.text
        else:
            pieces: list[str] = []
            size = 0
            limit = Limits().max_text_chars
            for piece in read.text_chunks():
                size += len(piece)
                if size > limit:
                    raise UsageError(f"{read.name} is longer than {limit} characters")
                pieces.append(piece)
            material = "".join(pieces)
    text = compose_prompt(instruction, material)
    if material is None or not material.strip():
        start = len(text)  # all of it is PROMPT
    elif instruction is None or not instruction.strip():
        start = 0
    else:
        start = len(instruction) + 2  # PROMPT, a blank line, the material
    return RunInput(text, document, start)


class StdoutStream:
    """Writes released text as it comes; a reader that goes away ends the run quietly."""

    def __init__(self) -> None:
        self.closed = False
        self.last = ""

    def __call__(self, text: str) -> None:
        if self.closed:
            return
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
            self.last = text
        except BrokenPipeError:
            self.closed = True
            raise

    def finish(self) -> None:
        if not self.closed and self.last and not self.last.endswith("\n"):
            self("\n")


@app.command(epilog=RUN_INPUT_HELP)
def run(
    prompt: Annotated[
        str | None,
        typer.Argument(help="The instruction; stdin or --input adds the material."),
    ] = None,
    model: opts.Model = None,
    input_path: Annotated[
        Path | None,
        typer.Option(
            "--input",
            "-i",
            metavar="PATH|-",
            help="Read the material from PATH (a document or text; - for stdin) instead of stdin.",
        ),
    ] = None,
    system: opts.SystemText = None,
    system_file: opts.SystemFile = None,
    max_tokens: opts.MaxTokens = 512,
    temperature: opts.Temperature = None,
    seed: opts.Seed = None,
    top_p: opts.TopP = None,
    top_k: opts.TopK = None,
    repeat_penalty: opts.RepeatPenalty = None,
    clearance: opts.Clearance = None,
    out_level: Annotated[
        str | None, typer.Option("--out-level", help="Highest level the output may carry.")
    ] = None,
    label: Annotated[
        bool, typer.Option("--label", help="Print the output's level banner above and below.")
    ] = False,
    chat_format: opts.ChatFormat = None,
    context_tokens: opts.ContextTokens = None,
    threads: opts.Threads = None,
    json_output: opts.JsonOutput = False,
    schema_file: Annotated[
        Path | None,
        typer.Option("--schema", metavar="FILE.json", help="Answer JSON matching this schema."),
    ] = None,
) -> None:
    """Run one prompt through the policy gate and the model."""
    flags = opts.generation_flags(
        max_tokens,
        seed,
        Sampling(temperature, top_p, top_k, repeat_penalty, context_tokens, threads),
        chat_format,
    )
    schema = None
    if schema_file is not None:
        from milai.structured import load_schema  # jsonschema loads only for --schema

        schema = load_schema(schema_file)
    stdin_system = str(system_file) == "-"
    if stdin_system and (str(input_path) == "-" or (input_path is None and prompt is None)):
        raise UsageError(
            "stdin cannot carry both the system text (--system-file -) and the prompt",
            hint="give PROMPT as an argument or the material with --input PATH, or the "
            "system text in a file",
        )
    system_prompt = system_text(system, system_file)
    given = read_run_input(prompt, input_path, stdin=not stdin_system)
    for note in given.document.skipped if given.document is not None else ():
        say(f"milai: note: not read: {note}")
    context = open_context()
    generation = flags.settle(context.settings)
    params = generation.params
    if schema is not None:
        params = replace(params, json_schema=schema.text)
    options = generation.load
    policy = context.policy()
    level = resolve_clearance(policy, clearance, context.settings)
    sink_level = resolve_out_level(policy, level, out_level)
    buffered = json_output or label
    collected: list[str] = []
    stream = StdoutStream()
    pipeline = context.pipeline(policy)
    if schema is not None:
        # Grammar-constrained, held to the end, gated as JSON and validated (exit 5 if not).
        from milai.structured import structured_gate_factory

        pipeline = replace(pipeline, gate=structured_gate_factory(schema))
    session = pipeline.session(
        context.model_name(model),
        clearance=level,
        out_level=sink_level,
        load_options=options,
        system=system_prompt,
    )
    try:
        with session:
            result = session.turn(given.text, params, collected.append if buffered else stream)
            if state.verbose and session.engine_loaded:
                report_memory_lock(options)
    except Blocked as blocked:
        # Blocked before the model was loaded: the prompt's decision, its offsets into the
        # input (after, the output's).
        prompt_input = None if session.engine_loaded else given
        if json_output:
            emit_block_json(blocked_json(blocked, session, params, prompt_input))
        if prompt_input is not None and prompt_input.document is not None:
            blocked.message += f" (in the document's {_where(blocked, prompt_input)})"
        raise
    except BrokenPipeError:
        return
    if json_output:
        emit_json(run_json(result, given))
    elif label:
        banner = policy.banner(result.level)
        sys.stdout.write(f"{banner}\n{result.text}\n{banner}\n")
    else:
        stream.finish()
    report_result(result, json_output=json_output)


def report_result(result: RunResult, *, json_output: bool) -> None:
    """The lines on stderr after a reply: timings with -v, a stop at the token limit (not
    with ``--json``, whose ``finish_reason: "length"`` says it: a script reading stdout needs
    no stderr line), and the findings that did something."""
    if state.verbose:
        report_timings(result)
    if result.finish_reason == "length" and not json_output:
        say(f"milai: output stopped at --max-tokens {result.params.max_tokens}")
    for finding in (*result.prompt_decision.findings, *result.decision.findings):
        if finding.action != "allow":
            say(f"milai: {finding.action}: rule {finding.rule} ({finding.kind}, {finding.level})")


def run_json(result: RunResult, given: RunInput | None = None) -> dict[str, Any]:
    """The ``run --json`` object of docs/DESIGN.md; with ``given``, each prompt finding names its
    ``part`` (``instruction``, or the material's: ``body``, ``header``, ``page 2``…)."""
    data = {
        "text": result.text,
        **_decision_json(result.decision),
        "model": _model_json(result.model),
        "usage": result.usage.to_json(),
        "timings": result.timings.to_json(),
        "seed": result.params.seed,
        "finish_reason": result.finish_reason,
        "prompt_findings": _findings_json(result.prompt_decision, given),
        "run_id": result.run_id,
    }
    if given is not None:
        data["input_format"] = given.format
    return data


def blocked_json(
    blocked: Blocked, session: Session, params: SamplingParams, given: RunInput | None = None
) -> dict[str, Any]:
    """The ``run --json`` object for a blocked or withheld run: no text, and why. ``given``
    when the prompt was blocked: its findings then name their ``part``."""
    from dataclasses import replace

    from milai.policy import Action, Decision

    policy = session.pipeline.policy
    decision = blocked.decision
    if not isinstance(decision, Decision):
        decision = Decision(Action.BLOCK, policy.lowest, (), policy.info)
    data = stopped_json(
        replace(decision, action=Action.BLOCK),
        session.model,
        params,
        usage=session.usage,
        timings=session.timings,
    )
    data["message"] = blocked.message
    if given is not None:
        data["findings"] = _findings_json(decision, given)
        data["input_format"] = given.format
    return data


def stopped_json(
    decision: Decision,
    model: ModelInfo,
    params: SamplingParams,
    *,
    usage: Usage | None = None,
    timings: Timings | None = None,
) -> dict[str, Any]:
    """The ``run --json`` object of a turn that released no text (blocked, or the model
    never asked): ``decision`` says why; the usage and timings are those of the model
    when it was loaded, else zero."""
    from milai.engine import Timings, Usage

    return {
        "text": "",
        **_decision_json(decision),
        "model": _model_json(model),
        "usage": (usage or Usage()).to_json(),
        "timings": (timings or Timings()).to_json(),
        "seed": params.seed,
        "finish_reason": None,
    }


def _where(blocked: Blocked, given: RunInput) -> str:
    """The parts of the input that hold the findings at the blocked prompt's level."""
    from milai.policy import Decision

    decision = blocked.decision
    if not isinstance(decision, Decision):
        return "text"
    parts = [
        given.part_at(f.start)
        for f in decision.findings
        if f.level == decision.level and f.rule != "level-above-clearance"
    ]
    return ", ".join(dict.fromkeys(parts)) or "text"


def _decision_json(decision: Decision) -> dict[str, Any]:
    return {
        "decision": str(decision.action),
        "level": decision.level,
        "findings": [finding.to_json() for finding in decision.findings],
        "policy": {"name": decision.policy.name, "sha256": decision.policy.sha256},
    }


def _findings_json(decision: Decision, given: RunInput | None) -> list[dict[str, Any]]:
    """A decision's findings on the prompt, each with its ``part`` when the input is known."""
    findings = [finding.to_json() for finding in decision.findings]
    if given is not None:
        for finding in findings:
            finding["part"] = given.part_at(finding["start"])
    return findings


def _model_json(model: ModelInfo) -> dict[str, str]:
    return {"name": model.name, "sha256": model.sha256}


def report_timings(result: RunResult) -> None:
    timings = result.timings.to_json()
    say(
        f"milai: {result.usage.completion_tokens} tokens, {timings['tokens_per_s']} tokens/s, "
        f"load {timings['load_s']} s, first token {timings['first_token_s']} s, "
        f"seed {result.params.seed}, level {result.level}"
    )


def report_memory_lock(options: LoadOptions) -> None:
    """With -v: whether the decrypted weights are locked in RAM or could reach swap
    (llama.cpp only warns when mlock fails, so milai reads VmLck itself)."""
    from milai.vault import memory_lock_status

    status = memory_lock_status()
    locked_mib = status["vm_locked_bytes"] / 2**20
    if status["swap_enabled"] and (not options.use_mlock or locked_mib < 1):
        say(f"milai: model pages could reach swap: {locked_mib:.0f} MiB locked")
    else:
        swap = "on" if status["swap_enabled"] else "off"
        say(f"milai: model pages: {locked_mib:.0f} MiB locked in memory; swap {swap}")
