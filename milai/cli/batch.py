"""``milai batch``: OpenAI Batch API requests in, OpenAI batch output out, every line gated."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from milai.cli import _options as opts
from milai.cli._app import app, open_context, say, state
from milai.errors import ExitCode, UsageError
from milai.settings import Sampling, resolve_clearance, resolve_out_level

# The batch runner and the schema validator (jsonschema) load only when `milai batch` runs:
# every other command pays nothing for them at start-up.
if TYPE_CHECKING:
    from milai.batch import BatchSummary, LineOutcome
    from milai.structured import OutputSchema

MAX_CONCURRENCY = 64  # milai.batch.MAX_CONCURRENCY, without importing the runner here

SHOWN_PROBLEMS = 20  # problem lines named on stderr; OUT and the summary hold them all

# Paragraphs without hard line breaks: the help formatter wraps them to the terminal.
BATCH_HELP = "\n\n".join(
    [
        ("Run a file of OpenAI Batch API requests through the policy gate and the model."),
        (
            'IN.jsonl holds one request a line: {"custom_id", "method": "POST", "url": '
            '"/v1/chat/completions", "body": {"messages", "max_tokens", "temperature", "seed", '
            '"top_p", "response_format"}} (body.model is ignored: every line runs on --model). '
            'OUT.jsonl gets one entry a line in the OpenAI batch output format ({"id", '
            '"custom_id", "response": {"status_code", "request_id", "body"}, "error"}) plus '
            'milai\'s "decision", "level", "findings" and "prompt_findings". A blocked line has '
            '"response": null and "error": {"code": "blocked", "rules": [...]}, never the text; a'
            " bad line has an error with its code (invalid_json, invalid_request, invalid_url, "
            'invalid_schema, duplicate_custom_id) and "line". An answer that does not match its '
            'JSON schema has code "schema".'
        ),
        (
            "IN.jsonl may be - to read the requests from stdin (OUT must be a file). OUT's "
            "entries are in IN's order, each on disk before the next is written. Re-running "
            "with the same OUT skips the custom_ids it already holds, so a killed or "
            "interrupted batch resumes where it stopped (from stdin too: give the same lines)."
        ),
        (
            "--concurrency N (a remote engine only; a local model is refused) keeps N lines in "
            "flight, each on its own connection and gated on its own; an answer waits for the "
            "lines before it to be written, so OUT stays in IN's order."
        ),
        (
            "Exit codes: 0 the batch completed (OUT holds an entry for every line) and nothing "
            "in OUT was blocked; 3 it completed and at least one line (in this run or an earlier "
            "one) was blocked or withheld by the policy; 2, 4, 5 or 130 it stopped before the "
            "end (bad options, IN or OUT unusable, vault, model, interrupted): fix the cause "
            "and re-run to resume. Bad lines and schema failures are entries in OUT, counted "
            f"on stderr (the first {SHOWN_PROBLEMS} also named there), and do not change the "
            "exit code."
        ),
    ]
)


@contextmanager
def _progress(total: int | None) -> Iterator[Callable[[LineOutcome], None]]:
    """Report each line: a Rich progress bar on a terminal, one stderr line per problem
    (the first ``SHOWN_PROBLEMS`` of them: OUT holds every one, the summary counts them)."""
    started = time.monotonic()
    tokens = 0
    problems = _ProblemLines()
    if total is None:

        def plain(outcome: LineOutcome) -> None:
            problems.say(outcome, say)

        yield plain
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from milai.cli.render import stderr

    with Progress(
        "batch",
        BarColumn(),
        MofNCompleteColumn(),
        "lines",
        "{task.fields[rate]}",
        TimeRemainingColumn(),
        console=stderr,
        transient=True,
    ) as progress:
        task = progress.add_task("batch", total=total, rate="")

        def update(outcome: LineOutcome) -> None:
            nonlocal tokens
            tokens += outcome.completion_tokens
            elapsed = time.monotonic() - started
            rate = f"{tokens / elapsed:.1f} tokens/s" if elapsed > 0 and tokens else ""
            problems.say(outcome, lambda line: progress.console.print(line, markup=False))
            progress.update(task, advance=1, rate=rate)

        yield update


class _ProblemLines:
    """Names a batch's first problems on stderr, then says once that the rest go unnamed:
    a binary or foreign IN would otherwise write a line for each of its thousands of lines."""

    def __init__(self) -> None:
        self.count = 0

    def say(self, outcome: LineOutcome, write: Callable[[str], None]) -> None:
        if outcome.status not in ("blocked", "failed", "invalid"):
            return
        self.count += 1
        if self.count <= SHOWN_PROBLEMS:
            which = f" ({outcome.custom_id})" if outcome.custom_id else ""
            write(f"milai: line {outcome.line}{which}: {outcome.status}: {outcome.message}")
        elif self.count == SHOWN_PROBLEMS + 1:
            write("milai: further problems are not named here (OUT has an entry for each)")


def _summary_line(summary: BatchSummary) -> str:
    parts = [f"{summary.ok} ok", f"{summary.blocked} blocked"]
    parts += [f"{summary.failed} failed", f"{summary.invalid} invalid"]
    if summary.skipped:
        parts.append(f"{summary.skipped} already in OUT")
    return f"milai: batch: {summary.lines} lines: " + ", ".join(parts)


@app.command(help=BATCH_HELP)
def batch(
    source: Annotated[Path, typer.Argument(metavar="IN.jsonl", help="Batch requests.")],
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="OUT.jsonl", help="Batch output (appended).")
    ],
    model: opts.Model = None,
    clearance: opts.Clearance = None,
    out_level: Annotated[
        str | None, typer.Option("--out-level", help="Highest level an answer may carry.")
    ] = None,
    schema_file: Annotated[
        Path | None,
        typer.Option("--schema", metavar="FILE.json", help="JSON Schema for lines without one."),
    ] = None,
    max_tokens: opts.LineMaxTokens = 512,
    temperature: opts.LineTemperature = None,
    top_p: opts.LineTopP = None,
    top_k: opts.LineTopK = None,
    repeat_penalty: opts.LineRepeatPenalty = None,
    concurrency: Annotated[
        int,
        typer.Option(
            "--concurrency", help="Lines in flight at a time (above 1: remote engines only)."
        ),
    ] = 1,
    chat_format: opts.ChatFormat = None,
    threads: opts.Threads = None,
    context_tokens: opts.ContextTokens = None,
) -> None:
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise UsageError(f"--concurrency must be between 1 and {MAX_CONCURRENCY}")
    flags = opts.generation_flags(
        max_tokens,
        None,  # each line draws its own seed
        Sampling(temperature, top_p, top_k, repeat_penalty, context_tokens, threads),
        chat_format,
    )
    from_stdin = str(source) == "-"
    if str(out) == "-":
        raise UsageError("OUT must be a file, not - (it is read back to resume a batch)")
    if from_stdin and (sys.stdin is None or sys.stdin.isatty()):
        raise UsageError("no input: give IN.jsonl, or - with the requests piped on stdin")
    if not from_stdin and _same_file(source, out):
        raise UsageError("IN and OUT are the same file")
    from milai.batch import BatchOutput, BatchRunner, count_lines, open_source
    from milai.structured import load_schema

    schema: OutputSchema | None = load_schema(schema_file) if schema_file else None
    with nullcontext(sys.stdin.buffer) if from_stdin else open_source(source) as requests:
        context = open_context()
        generation = flags.settle(context.settings)
        policy = context.policy()
        level = resolve_clearance(policy, clearance, context.settings)
        sink_level = resolve_out_level(policy, level, out_level)
        runner = BatchRunner(
            pipeline=context.pipeline(policy),
            model_name=context.model_name(model),
            clearance=level,
            out_level=sink_level,
            load_options=generation.load,
            defaults=generation.params,
            schema=schema,
            concurrency=concurrency,
        )
        runner.check()
        # stdin cannot be counted ahead: its problems are named as they come, without a bar
        total = count_lines(source) if sys.stderr.isatty() and not from_stdin else None
        with BatchOutput(out) as output, _progress(total) as report:
            summary = runner.run(requests, output, report)
            blocked = bool(output.blocked)
    if state.verbose or summary.lines != summary.ok + summary.skipped:
        say(_summary_line(summary))
    if blocked:
        raise typer.Exit(int(ExitCode.BLOCKED))


def _same_file(first: Path, second: Path) -> bool:
    from milai.batch import BatchFileError

    try:
        return first.resolve() == second.resolve() or (second.exists() and first.samefile(second))
    except OSError as error:
        raise BatchFileError(f"cannot read {first}: {error.strerror}") from None
