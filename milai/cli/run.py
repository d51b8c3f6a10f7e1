"""``milai run``: one gated generation, streamed to stdout or as one JSON object."""

from __future__ import annotations

import secrets
import sys
from dataclasses import replace
from typing import Annotated

import typer

from milai.cli._app import app, emit_json, open_context, read_stdin_text, say, state
from milai.engine import LoadOptions, SamplingParams
from milai.errors import UsageError
from milai.pipeline import RunResult, compose_prompt
from milai.settings import resolve_clearance, resolve_out_level

MAX_SEED = 2**32 - 1


def sampling_params(max_tokens: int, temperature: float, seed: int | None) -> SamplingParams:
    """Validated sampling parameters; a fresh random seed when none is given (it is recorded).

    Raises ``UsageError``.
    """
    if max_tokens < 1:
        raise UsageError("--max-tokens must be at least 1")
    if not 0.0 <= temperature <= 5.0:
        raise UsageError("--temperature must be between 0 and 5")
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise UsageError(f"--seed must be between 0 and {MAX_SEED}")
    if seed is None:
        seed = secrets.randbelow(MAX_SEED)
    return SamplingParams(max_tokens=max_tokens, temperature=temperature, seed=seed)


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
    system: Annotated[str | None, typer.Option("--system", help="System prompt.")] = None,
    max_tokens: Annotated[int, typer.Option("--max-tokens", help="Most tokens to generate.")] = 512,
    temperature: Annotated[float, typer.Option("--temperature", help="0 is greedy.")] = 0.2,
    seed: Annotated[int | None, typer.Option("--seed", help="Sampling seed (recorded).")] = None,
    clearance: Annotated[
        str | None, typer.Option("--clearance", help="Your clearance level.")
    ] = None,
    out_level: Annotated[
        str | None, typer.Option("--out-level", help="Highest level the output may carry.")
    ] = None,
    label: Annotated[
        bool, typer.Option("--label", help="Print the output's level banner above and below.")
    ] = False,
    chat_format: Annotated[
        str | None, typer.Option("--chat-format", help="Chat format if the model has no template.")
    ] = None,
    threads: Annotated[int | None, typer.Option("--threads", help="CPU threads.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Run one prompt through the policy gate and the model."""
    params = sampling_params(max_tokens, temperature, seed)
    if threads is not None and threads < 1:
        raise UsageError("--threads must be at least 1")
    text = compose_prompt(prompt, read_stdin_text())
    context = open_context()
    policy = context.policy()
    level = resolve_clearance(policy, clearance, context.settings)
    sink_level = resolve_out_level(policy, level, out_level)
    options = LoadOptions(chat_format=chat_format, use_mlock=True)
    if threads is not None:
        options = replace(options, threads=threads)
    buffered = json_output or label
    collected: list[str] = []
    stream = StdoutStream()
    try:
        result = context.pipeline(policy).run(
            text,
            model_name=context.model_name(model),
            clearance=level,
            out_level=sink_level,
            params=params,
            system=system,
            load_options=options,
            emit=collected.append if buffered else stream,
        )
    except BrokenPipeError:
        return
    if json_output:
        emit_json(result.to_json())
    elif label:
        banner = policy.banner(result.level)
        sys.stdout.write(f"{banner}\n{result.text}\n{banner}\n")
    else:
        stream.finish()
    if state.verbose:
        report_timings(result)
    for finding in (*result.prompt_decision.findings, *result.decision.findings):
        if finding.action != "allow":
            say(f"milai: {finding.action}: rule {finding.rule} ({finding.kind}, {finding.level})")


def report_timings(result: RunResult) -> None:
    timings = result.timings.to_json()
    say(
        f"milai: {result.usage.completion_tokens} tokens, {timings['tokens_per_s']} tokens/s, "
        f"load {timings['load_s']} s, first token {timings['first_token_s']} s, "
        f"seed {result.params.seed}, level {result.level}"
    )
