"""``milai run``: one gated generation, streamed to stdout or as one JSON object.

Also the options and renderers that ``run`` and ``chat`` share: sampling, loading, the
system text, and the ``run --json`` object.
"""

from __future__ import annotations

import secrets
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from milai.cli._app import (
    app,
    compose_prompt,
    decode_utf8,
    emit_json,
    open_context,
    read_stdin_text,
    say,
    state,
)
from milai.engine import LoadOptions, SamplingParams, physical_cores
from milai.errors import Blocked, UsageError
from milai.files import read_small_file
from milai.settings import resolve_clearance, resolve_out_level

if TYPE_CHECKING:
    from milai.pipeline import ModelInfo, RunResult, Session
    from milai.policy import Decision

MAX_SEED = 2**32 - 1
MIN_CONTEXT_TOKENS = 512  # llama.cpp enlarges smaller contexts and the binding mis-sizes them
MAX_SYSTEM_FILE = 1 << 20

# Options shared by `run` and `chat`.
SystemText = Annotated[
    str | None,
    typer.Option("--system", help="System prompt (visible to other users in the process list)."),
]
SystemFile = Annotated[
    str | None,
    typer.Option(
        "--system-file",
        help="Read the system prompt from PATH, or from stdin with -.",
        metavar="PATH|-",
    ),
]
Temperature = Annotated[float, typer.Option("--temperature", help="0 is greedy.")]
Seed = Annotated[int | None, typer.Option("--seed", help="Sampling seed (recorded).")]
TopP = Annotated[float, typer.Option("--top-p", help="Nucleus sampling: keep this much mass.")]
TopK = Annotated[int, typer.Option("--top-k", help="Sample among the K likeliest (0: all).")]
RepeatPenalty = Annotated[
    float, typer.Option("--repeat-penalty", help="Penalise repeated tokens (1.0: off).")
]
ContextTokens = Annotated[
    int | None, typer.Option("--ctx", help="Context window in tokens (default 4096).")
]
Threads = Annotated[
    int | None, typer.Option("--threads", help="CPU threads (default: the physical cores).")
]
ChatFormat = Annotated[
    str | None, typer.Option("--chat-format", help="Chat format if the model has no template.")
]


def sampling_params(
    max_tokens: int,
    temperature: float,
    seed: int | None,
    *,
    top_p: float = SamplingParams.top_p,
    top_k: int = SamplingParams.top_k,
    repeat_penalty: float = SamplingParams.repeat_penalty,
) -> SamplingParams:
    """Validated sampling parameters; a fresh random seed when none is given (it is recorded).

    Raises ``UsageError``.
    """
    if max_tokens < 1:
        raise UsageError("--max-tokens must be at least 1")
    if not 0.0 <= temperature <= 5.0:
        raise UsageError("--temperature must be between 0 and 5")
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise UsageError(f"--seed must be between 0 and {MAX_SEED}")
    if not 0.0 < top_p <= 1.0:
        raise UsageError("--top-p must be above 0 and at most 1")
    if top_k < 0:
        raise UsageError("--top-k must be 0 (no limit) or more")
    if not 0.0 < repeat_penalty <= 10.0:
        raise UsageError("--repeat-penalty must be above 0 and at most 10")
    if seed is None:
        seed = secrets.randbelow(MAX_SEED)
    return SamplingParams(
        max_tokens=max_tokens,
        temperature=temperature,
        seed=seed,
        top_p=top_p,
        top_k=top_k,
        repeat_penalty=repeat_penalty,
    )


def load_options(
    chat_format: str | None, context_tokens: int | None, threads: int | None
) -> LoadOptions:
    """Validated load options. Raises ``UsageError``."""
    if threads is not None and threads < 1:
        raise UsageError("--threads must be at least 1")
    if context_tokens is not None and context_tokens < MIN_CONTEXT_TOKENS:
        raise UsageError(f"--ctx must be at least {MIN_CONTEXT_TOKENS} tokens")
    return LoadOptions(
        chat_format=chat_format,
        threads=threads if threads is not None else physical_cores(),
        context_tokens=context_tokens if context_tokens is not None else LoadOptions.context_tokens,
        use_mlock=True,
    )


def system_text(system: str | None, system_file: str | None) -> str | None:
    """The system prompt from ``--system`` or ``--system-file PATH|-``.

    Raises ``UsageError`` for both at once, an unreadable, oversized or non-UTF-8 file.
    """
    if system_file is None:
        return system
    if system is not None:
        raise UsageError("give --system or --system-file, not both")
    if system_file != "-":
        data = read_small_file(Path(system_file), "system file", MAX_SYSTEM_FILE)
        return decode_utf8(data, f"system file {system_file}")
    data = sys.stdin.buffer.read(MAX_SYSTEM_FILE + 1)
    if len(data) > MAX_SYSTEM_FILE:
        raise UsageError(f"the system text on stdin is larger than {MAX_SYSTEM_FILE} bytes")
    return decode_utf8(data, "the system text on stdin")


def stdin_is_a_terminal() -> bool:
    return sys.stdin is None or sys.stdin.isatty()


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


@app.command()
def run(
    prompt: Annotated[
        str | None, typer.Argument(help="The instruction; stdin adds the material.")
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="Model name in the vault.")
    ] = None,
    system: SystemText = None,
    system_file: SystemFile = None,
    max_tokens: Annotated[int, typer.Option("--max-tokens", help="Most tokens to generate.")] = 512,
    temperature: Temperature = 0.2,
    seed: Seed = None,
    top_p: TopP = SamplingParams.top_p,
    top_k: TopK = SamplingParams.top_k,
    repeat_penalty: RepeatPenalty = SamplingParams.repeat_penalty,
    clearance: Annotated[
        str | None, typer.Option("--clearance", help="Your clearance level.")
    ] = None,
    out_level: Annotated[
        str | None, typer.Option("--out-level", help="Highest level the output may carry.")
    ] = None,
    label: Annotated[
        bool, typer.Option("--label", help="Print the output's level banner above and below.")
    ] = False,
    chat_format: ChatFormat = None,
    context_tokens: ContextTokens = None,
    threads: Threads = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    schema_file: Annotated[
        Path | None,
        typer.Option("--schema", metavar="FILE.json", help="Answer JSON matching this schema."),
    ] = None,
) -> None:
    """Run one prompt through the policy gate and the model."""
    params = sampling_params(
        max_tokens, temperature, seed, top_p=top_p, top_k=top_k, repeat_penalty=repeat_penalty
    )
    schema = None
    if schema_file is not None:
        from milai.structured import load_schema  # jsonschema loads only for --schema

        schema = load_schema(schema_file)
    if schema is not None:
        params = replace(params, json_schema=schema.text)
    options = load_options(chat_format, context_tokens, threads)
    if system_file == "-" and prompt is None:
        raise UsageError(
            "stdin cannot carry both the system text (--system-file -) and the prompt",
            hint="give PROMPT as an argument, or the system text in a file",
        )
    system_prompt = system_text(system, system_file)
    material = None if system_file == "-" else read_stdin_text()
    text = compose_prompt(prompt, material)
    context = open_context()
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
            result = session.turn(text, params, collected.append if buffered else stream)
            if state.verbose and session.engine_loaded:
                report_memory_lock(options)
    except Blocked as blocked:
        if json_output:
            emit_json(blocked_json(blocked, session, params))
        raise
    except BrokenPipeError:
        return
    if json_output:
        emit_json(run_json(result))
    elif label:
        banner = policy.banner(result.level)
        sys.stdout.write(f"{banner}\n{result.text}\n{banner}\n")
    else:
        stream.finish()
    report_result(result)


def report_result(result: RunResult) -> None:
    """The lines on stderr after a reply: timings with -v, a stop at the token limit, and
    the findings that did something."""
    if state.verbose:
        report_timings(result)
    if result.finish_reason == "length":
        say(f"milai: output stopped at --max-tokens {result.params.max_tokens}")
    for finding in (*result.prompt_decision.findings, *result.decision.findings):
        if finding.action != "allow":
            say(f"milai: {finding.action}: rule {finding.rule} ({finding.kind}, {finding.level})")


def run_json(result: RunResult) -> dict[str, Any]:
    """The ``run --json`` object of docs/DESIGN.md."""
    return {
        "text": result.text,
        **_decision_json(result.decision),
        "model": _model_json(result.model),
        "usage": result.usage.to_json(),
        "timings": result.timings.to_json(),
        "seed": result.params.seed,
        "finish_reason": result.finish_reason,
        "prompt_findings": [f.to_json() for f in result.prompt_decision.findings],
        "run_id": result.run_id,
    }


def blocked_json(blocked: Blocked, session: Session, params: SamplingParams) -> dict[str, Any]:
    """The ``run --json`` object for a blocked or withheld run: no text, and why."""
    from dataclasses import replace

    from milai.policy import Action, Decision

    policy = session.pipeline.policy
    decision = blocked.decision
    if not isinstance(decision, Decision):
        decision = Decision(Action.BLOCK, policy.lowest, (), policy.info)
    return {
        "text": "",
        **_decision_json(replace(decision, action=Action.BLOCK)),
        "model": _model_json(session.model),
        "usage": session.usage.to_json(),
        "timings": session.timings.to_json(),
        "seed": params.seed,
        "finish_reason": None,
        "message": blocked.message,
    }


def _decision_json(decision: Decision) -> dict[str, Any]:
    return {
        "decision": str(decision.action),
        "level": decision.level,
        "findings": [finding.to_json() for finding in decision.findings],
        "policy": {"name": decision.policy.name, "sha256": decision.policy.sha256},
    }


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
