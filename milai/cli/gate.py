"""Commands on text and policies: ``check``, ``redact``, ``policy validate|show|test``."""

from __future__ import annotations

import codecs
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from milai.cli._app import app, emit_json, open_context, say
from milai.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from milai.context import Context
    from milai.policy import Policy

policy_app = typer.Typer(
    help="Validate, show and test classification policies.", no_args_is_help=True
)
app.add_typer(policy_app, name="policy")

CHUNK_CHARS = 1 << 20


def iter_text(source: str | None) -> Iterator[str]:
    """Decode PATH, ``-`` or piped stdin as UTF-8 in chunks (memory flat in the input size).

    Raises ``UsageError`` for unreadable or non-UTF-8 input.
    """
    name = "stdin" if source in (None, "-") else str(source)
    if source in (None, "-"):
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("no input: give PATH, or pipe text on stdin")
        yield from _decode_chunks(sys.stdin.buffer, name)
        return
    try:
        handle = open(str(source), "rb")
    except IsADirectoryError:
        raise UsageError(f"{source} is a directory") from None
    except OSError as error:
        raise UsageError(f"cannot read {source}: {error.strerror}") from None
    with handle:
        yield from _decode_chunks(handle, name)


def _decode_chunks(handle: IO[bytes], name: str) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    offset = 0
    while True:
        data = handle.read(CHUNK_CHARS)
        try:
            text = decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            raise UsageError(
                f"{name} is not valid UTF-8 text (bad byte at offset {offset + error.start})"
            ) from None
        offset += len(data)
        if text:
            yield text
        if not data:
            return


def _policy_and_audit(policy_file: Path | None) -> tuple[Policy, Context | None]:
    """The policy in force, and the context whose audit log records the decision (when a
    vault exists to keep one)."""
    context = open_context()
    policy = context.policy(policy_file)
    return policy, context if context.has_vault() else None


@app.command()
def check(
    path: Annotated[str | None, typer.Argument(help="File to check, or - for stdin.")] = None,
    policy_file: Annotated[Path | None, typer.Option("--policy", help="Policy YAML file.")] = None,
    clearance: Annotated[
        str | None, typer.Option("--clearance", help="Block text above this level.")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="Show findings in the text.")] = False,
) -> None:
    """Classify text: its level, its findings, and what the policy decides (exit 3: block)."""
    from milai.policy import check_stream, check_text

    policy, audit = _policy_and_audit(policy_file)
    if clearance is not None:
        clearance = policy.canonical_level(clearance)
    if explain:
        text = "".join(iter_text(path))
        decision = check_text(policy, text, clearance=clearance)
    else:
        decision = check_stream(policy, iter_text(path), clearance=clearance)
    if audit is not None:
        audit.record(_check_event("check", policy, decision, clearance))
    if json_output:
        emit_json(decision.to_json())
    elif explain:
        from milai.cli.render import explain_decision

        explain_decision(text, decision)
    else:
        sys.stdout.write(f"{decision.action} {decision.level}\n")
        for finding in decision.findings:
            sys.stdout.write(
                f"  {finding.rule} {finding.kind} {finding.level} {finding.action} "
                f"[{finding.start}:{finding.end}]\n"
            )
    if decision.action == "block":
        raise typer.Exit(int(ExitCode.BLOCKED))


@app.command()
def redact(
    path: Annotated[str | None, typer.Argument(help="File to redact, or - for stdin.")] = None,
    policy_file: Annotated[Path | None, typer.Option("--policy", help="Policy YAML file.")] = None,
) -> None:
    """Write the text with every redacted or blocked span replaced."""
    from milai.policy import redact_stream

    policy, audit = _policy_and_audit(policy_file)
    chars = 0
    outcome = "error"
    try:
        for piece in redact_stream(policy, iter_text(path)):
            chars += len(piece)
            sys.stdout.write(piece)
        sys.stdout.flush()
        outcome = "redact"
    except BrokenPipeError:
        outcome = "interrupted"
        raise
    finally:
        if audit is not None:
            audit.record(
                {
                    "command": "redact",
                    "policy": {"name": policy.name, "sha256": policy.sha256},
                    "decision": outcome,
                    "output_chars": chars,
                }
            )


def policy_view(policy: Any) -> dict[str, Any]:
    """The effective policy as plain data: scale, markings per level, detectors, rules."""
    spec = policy.spec
    markings: dict[str, list[dict[str, Any]]] = {level: [] for level in spec.scale}
    for marking in spec.markings:
        markings[marking.level].append(
            {"text": marking.text, "schemes": list(marking.schemes), "portion": marking.portion}
        )
    return {
        "name": policy.name,
        "version": policy.version,
        "sha256": policy.sha256,
        "description": spec.description,
        "scale": list(spec.scale),
        "markings": markings,
        "detectors": [
            {
                "id": d.id,
                "kind": d.kind,
                "level": d.level,
                "validator": d.validator,
                "keywords": list(d.keywords),
                "pattern": d.pattern,
                "description": d.description,
            }
            for d in spec.detectors
        ],
        "rules": [
            {
                "id": r.id,
                "action": str(r.action),
                "directions": sorted(r.directions),
                "detector": r.detector,
                "kind": r.kind,
                "level": r.level,
                "description": r.description,
            }
            for r in spec.rules
        ],
        "tests": len(spec.tests),
        "record_text": spec.record_text,
    }


def _check_event(command: str, policy: Any, decision: Any, clearance: str | None) -> dict[str, Any]:
    return {
        "command": command,
        "policy": {"name": policy.name, "sha256": policy.sha256},
        "clearance": clearance,
        "levels": {"input": decision.level},
        "decision": str(decision.action),
        "rules": sorted({finding.rule for finding in decision.findings}),
    }


@policy_app.command("validate")
def policy_validate(file: Annotated[Path, typer.Argument(help="Policy YAML file.")]) -> None:
    """Check a policy file; one line per error with its YAML line (exit 2 if any)."""
    from milai.policy import validate_policy

    errors = validate_policy(file)
    for error in errors:
        sys.stderr.write(error + "\n")
    if errors:
        raise typer.Exit(int(ExitCode.USAGE))
    say(f"milai: {file} is valid")


@policy_app.command("show")
def policy_show(
    file: Annotated[
        Path | None, typer.Argument(help="Policy file (default: the one in force).")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the effective policy."""
    policy = open_context().policy(file)
    view = policy_view(policy)
    if json_output:
        emit_json(view)
        return
    from milai.cli.render import policy_tables

    policy_tables(view)


@policy_app.command("test")
def policy_test(
    file: Annotated[
        Path | None, typer.Argument(help="Policy file (default: the one in force).")
    ] = None,
) -> None:
    """Run the policy's embedded tests (exit 1 if any fails, like `opa test`)."""
    from milai.policy import run_policy_tests

    policy = open_context().policy(file)
    results = run_policy_tests(policy)
    if not results:
        raise UsageError(f"{policy.name} has no embedded tests")
    failed = [result for result in results if not result.passed]
    for result in failed:
        sys.stdout.write(
            f"FAIL {result.name}: expected {result.expected_decision} {result.expected_level}, "
            f"got {result.got_decision} {result.got_level}\n"
        )
    sys.stdout.write(f"{policy.name}: {len(results) - len(failed)}/{len(results)} tests passed\n")
    if failed:
        raise typer.Exit(int(ExitCode.INTERNAL))
