"""What the vault remembers: ``audit show|verify|export|checkpoint|seal-key export``,
``replay``, and ``history list|show|export|purge``."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from milai.cli._app import app, emit_json, open_context, say
from milai.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from milai.context import Context

audit_app = typer.Typer(
    help="Show, verify and export the tamper-evident audit log.", no_args_is_help=True
)
history_app = typer.Typer(
    help="Saved chat conversations (encrypted, with levels).", no_args_is_help=True
)
app.add_typer(audit_app, name="audit")
app.add_typer(history_app, name="history")


def _when(value: str | None, flag: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{flag} wants an ISO date or time, e.g. 2026-11-27T09:00") from None


seal_key_app = typer.Typer(
    help="The auditor's verification seed (forward-secure sealing).", no_args_is_help=True
)
audit_app.add_typer(seal_key_app, name="seal-key")

SealKeyOption = Annotated[
    Path | None,
    typer.Option("--seal-key", help="The seal key file (catches a rewrite by a key holder)."),
]
CheckpointOption = Annotated[
    Path | None, typer.Option("--checkpoint", help="An exported checkpoint file.")
]


def _vault_generation(context: Context) -> int:
    return context.vault.generation


@dataclass(frozen=True)
class _Shown:
    """An entry as `audit show` presents it: a `started` entry with no outcome says so."""

    seq: int
    time: str
    event: dict[str, Any]


@audit_app.command("show")
def audit_show(
    seq: Annotated[int | None, typer.Argument(help="One entry by sequence number.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="ISO date/time.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="ISO date/time.")] = None,
    command: Annotated[str | None, typer.Option("--command", help="e.g. run, check.")] = None,
    decision: Annotated[
        str | None,
        typer.Option("--decision", help="allow|warn|redact|block|interrupted|error|done"),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="JSON Lines output.")] = False,
) -> None:
    """Show audit entries, decrypted (they are checked as they are read). A run that was
    started but recorded no outcome (killed) shows as "no outcome"."""
    from milai.audit import filter_entries
    from milai.events import Outcome

    decisions = [str(outcome) for outcome in Outcome]
    if decision is not None and decision not in decisions:
        raise UsageError(
            f"--decision {decision!r} is not a decision", hint="one of " + ", ".join(decisions)
        )
    log = open_context().audit
    with log.entries() as stream:
        every = list(stream)
        unfinished = set(stream.no_outcome)
    if seq is not None:
        # log.entry raises the usage error that names the range when there is no such entry
        entries = [entry for entry in every if entry.seq == seq] or [log.entry(seq)]
    else:
        entries = list(
            filter_entries(
                every,
                since=_when(since, "--since"),
                until=_when(until, "--until"),
                command=command,
                decision=decision,
            )
        )
    if json_output:
        for entry in entries:
            shown = entry.to_json()
            if entry.seq in unfinished:
                shown["no_outcome"] = True
            emit_json(shown)
        return
    from milai.cli.render import audit_table

    audit_table(
        [
            _Shown(
                entry.seq,
                entry.time,
                {**entry.event, "decision": "no outcome"}
                if entry.seq in unfinished
                else entry.event,
            )
            for entry in entries
        ]
    )


@audit_app.command("verify")
def audit_verify(
    checkpoint: CheckpointOption = None,
    seal_key: SealKeyOption = None,
) -> None:
    """Verify every vault file's digest and the whole log against the vault's record of its
    head (exit 4 naming the first bad file or entry); --seal-key checks every entry's seal,
    --checkpoint an exported checkpoint."""
    from milai.vault import verify_signature

    context = open_context()
    if context.has_vault():
        context.vault.verify_files()  # every record's digest, read by this command or not
    report = context.audit.verify(
        checkpoint=checkpoint,
        verify_signature=verify_signature,
        seal_key=seal_key,
        generation=_vault_generation(context) if checkpoint is not None else None,
    )
    say(f"milai: audit log {report.summary()}")


@audit_app.command("export")
def audit_export(
    checkpoint: CheckpointOption = None,
    seal_key: SealKeyOption = None,
) -> None:
    """Write the log, decrypted, as JSON Lines for a SIEM, with its verification status
    (exit 4 if bad)."""
    from milai.vault import verify_signature

    context = open_context()
    context.audit.export_jsonl(
        sys.stdout,
        checkpoint=checkpoint,
        verify_signature=verify_signature,
        seal_key=seal_key,
        generation=_vault_generation(context) if checkpoint is not None else None,
    )


@audit_app.command("checkpoint")
def audit_checkpoint(
    out: Annotated[Path, typer.Argument(help="File or folder (e.g. on removable media).")],
) -> None:
    """Write a signed checkpoint of the log's head and the vault's generation, to detect
    truncation and rollback later."""
    context = open_context()
    try:
        written = context.audit.write_checkpoint(out, generation=_vault_generation(context))
    except OSError as error:
        raise UsageError(f"cannot write a checkpoint to {out}: {error.strerror}") from None
    say(f"milai: checkpoint written to {written}")


@seal_key_app.command("export")
def seal_key_export(
    out: Annotated[Path, typer.Argument(help="A new file, on removable media.")],
) -> None:
    """Write the auditor's verification seed, once; the vault then forgets it."""
    open_context().audit.export_seal_key(out)
    say(
        f"milai: audit seal key written to {out}; keep it offline: "
        "`milai audit verify --seal-key PATH` checks every entry with it"
    )


@app.command()
def replay(
    seq: Annotated[int, typer.Argument(help="Audit entry of the `run` or `ask` to replay.")],
    prompt: Annotated[
        str | None, typer.Argument(help="The same PROMPT (or QUESTION) as then.")
    ] = None,
    system: Annotated[str | None, typer.Option("--system", help="The same --system.")] = None,
    clearance: Annotated[
        str | None,
        typer.Option("--clearance", help="Your clearance: an entry run above it is refused."),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Re-run a recorded `run` or `ask` with its model, policy, parameters and seed; compare
    outputs (exit 4 when they differ; 5 for a remote engine, whose model milai cannot check).

    Texts are never recorded: give the same PROMPT, stdin and --system again (for `ask`,
    the same QUESTION: its passages are read again from the corpus).
    """
    from milai.cli.run import read_run_input
    from milai.replay import recorded_run, replay_entry

    context = open_context()
    event = recorded_run(context, seq)  # a wrong SEQ is said before the prompt is asked for
    # The same reading as `run`: a document on stdin is extracted the same way (a run that
    # took --input PATH is replayed with `< PATH`).
    given = read_run_input(prompt, None, stdin=True)
    outcome = replay_entry(context, seq, event, given.text, system, clearance=clearance)
    engine = outcome.get("engine")
    if json_output:
        emit_json(outcome)
    else:
        verdict = "matches" if outcome["match"] else "DIFFERS from"
        where = f" on remote engine {engine['name']}" if engine else ""
        say(f"milai: replayed entry {seq}{where}: the output {verdict} the recorded one")
        if engine:
            say(f"milai: note: {outcome['note']}")
            for key in engine["changed"]:
                was, now = engine["recorded"][key], engine["replayed"][key]
                say(f"milai: note: {key} was {was} then, {now} now")
    if not outcome["match"]:
        # A local model is in the vault, so a different output means something in milai's
        # keeping changed (exit 4). A remote engine's model cannot be checked: exit 5.
        raise typer.Exit(int(ExitCode.MODEL if engine else ExitCode.VAULT))


@history_app.command("list")
def history_list(
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List saved conversations with their levels."""
    from milai.history import list_conversations

    rows = [c.summary() for c in list_conversations(open_context().vault.records)]
    if json_output:
        emit_json(rows)
        return
    for row in rows:
        sys.stdout.write(
            f"{row['id']}  {row['level']:<13} {row['turns']:>3} turns  {row['model']}\n"
        )


def _readable_conversation(conversation_id: str, clearance: str | None) -> Any:
    from milai.history import load_conversation, readable
    from milai.settings import resolve_clearance

    context = open_context()
    policy = context.policy()
    level = resolve_clearance(policy, clearance, context.settings)
    return readable(policy, load_conversation(context.vault.records, conversation_id), level)


@history_app.command("show")
def history_show(
    conversation_id: str,
    clearance: Annotated[str | None, typer.Option("--clearance", help="Your clearance.")] = None,
) -> None:
    """Print a conversation (refused above your clearance)."""
    conversation = _readable_conversation(conversation_id, clearance)
    for turn in conversation.turns:
        sys.stdout.write(f"[{turn['level']}] you: {turn['user']}\n")
        sys.stdout.write(f"[{turn['level']}] model: {turn['assistant']}\n\n")


@history_app.command("export")
def history_export(
    conversation_id: str,
    clearance: Annotated[str | None, typer.Option("--clearance", help="Your clearance.")] = None,
) -> None:
    """Print a conversation as JSON (refused above your clearance)."""
    from dataclasses import asdict

    emit_json(asdict(_readable_conversation(conversation_id, clearance)))


@history_app.command("purge")
def history_purge(
    conversation_id: Annotated[str | None, typer.Argument(help="One id; all if omitted.")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Purge all without asking.")] = False,
) -> None:
    """Delete saved conversations."""
    from milai.history import purge

    if conversation_id is None and not yes:
        raise UsageError("purging every conversation needs --yes")
    context = open_context()
    with context.act("history.purge", conversation=conversation_id or "all") as done:
        done["purged"] = count = purge(context.vault.records, conversation_id)
    say(f"milai: purged {count} conversation(s)")
