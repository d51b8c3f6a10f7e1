"""What the vault remembers, through the CLI: the audit log, replay, chat and its history."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import time
from pathlib import Path

import pytest

from tests.cli.fixtures import MilaiRunner, controlling_terminal, milai_command
from tests.helpers import demo_model_file

pytestmark = pytest.mark.model

QUESTION = "Name three capitals in Europe."


def audit_events(milai: MilaiRunner) -> list[dict]:  # type: ignore[type-arg]
    result = milai("audit", "show", "--json")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_runs_and_checks_are_audited_and_the_log_verifies(
    vault_home: Path, milai: MilaiRunner
) -> None:
    assert milai("run", "--max-tokens", "4", "--seed", "5", QUESTION).returncode == 0
    assert milai("run", "Explain the KEYMAT rules.").returncode == 3
    assert milai("check", "-", input="NATO SECRET\nnote\n").returncode == 0
    entries = audit_events(milai)
    commands = [entry["event"]["command"] for entry in entries]
    assert commands[-3:] == ["run", "run", "check"]
    ran, blocked, checked = (entry["event"] for entry in entries[-3:])
    assert ran["decision"] == "allow" and ran["sampling"]["seed"] == 5
    assert ran["usage"]["completion_tokens"] >= 1
    assert blocked["decision"] == "block" and "keying-material" in blocked["rules"]
    assert checked["levels"] == {"input": "SECRET"}
    assert QUESTION not in json.dumps(entries)  # no text in the log by default
    verified = milai("audit", "verify")
    assert verified.returncode == 0
    assert verified.stderr.startswith("milai: audit log verified ")


def test_an_edited_audit_log_exits_4_naming_the_entry(vault_home: Path, milai: MilaiRunner) -> None:
    for _ in range(3):
        assert milai("check", "-", input="hello").returncode == 0
    log = vault_home / "audit.log"
    assert b"allow" not in log.read_bytes()  # entries are encrypted at rest
    lines = log.read_bytes().splitlines(keepends=True)
    at = lines[1].index(b'"sealed":"') + 30
    lines[1] = (
        lines[1][:at] + (b"A" if lines[1][at : at + 1] != b"A" else b"B") + lines[1][at + 1 :]
    )
    log.write_bytes(b"".join(lines))
    result = milai("audit", "verify")
    assert result.returncode == 4
    assert result.stderr.startswith("milai: error: audit log fails verification at entry 2")


def test_truncation_is_caught_by_the_vault_and_by_an_exported_checkpoint(
    vault_home: Path, milai: MilaiRunner, tmp_path: Path
) -> None:
    for _ in range(3):
        milai("check", "-", input="hello")
    exported = milai("audit", "checkpoint", str(tmp_path))
    assert exported.returncode == 0, exported.stderr
    [checkpoint] = tmp_path.glob("audit-checkpoint-*.json")
    log = vault_home / "audit.log"
    log.write_bytes(b"".join(log.read_bytes().splitlines(keepends=True)[:-1]))
    assert milai("audit", "verify").returncode == 4  # the vault recorded the head...
    result = milai("audit", "verify", "--checkpoint", str(checkpoint))
    assert result.returncode == 4  # ...and so did the checkpoint


def test_export_is_json_lines_with_a_summary(vault_home: Path, milai: MilaiRunner) -> None:
    milai("check", "-", input="hello")
    result = milai("audit", "export")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[-1]["record"] == "summary"
    assert records[-1]["status"] == "verified"
    assert all(r["verified"] for r in records[:-1])


def test_replay_of_a_seeded_run_matches(
    vault_home: Path, milai: MilaiRunner, tmp_path: Path
) -> None:
    ran = milai(
        "run",
        "--json",
        "--seed",
        "42",
        "--temperature",
        "0.8",
        "--max-tokens",
        "24",
        "Summarise",
        input="The meeting moved to Tuesday.",
    )
    assert ran.returncode == 0, ran.stderr
    seq = str(audit_events(milai)[-1]["seq"])
    replayed = milai("replay", seq, "Summarise", "--json", input="The meeting moved to Tuesday.")
    assert replayed.returncode == 0, replayed.stderr
    outcome = json.loads(replayed.stdout)
    assert outcome["match"] is True
    assert outcome["seed"] == 42
    other = milai("replay", seq, "Summarise", input="A different note.")
    assert other.returncode == 2
    assert "prompt differs" in other.stderr
    policy = tmp_path / "policy.yaml"
    policy.write_text(Path("policies/default.yaml").read_text() + "\n# changed\n")
    assert milai("settings", "set", "policy", str(policy)).returncode == 0
    changed = milai("replay", seq, "Summarise", input="The meeting moved to Tuesday.")
    assert changed.returncode == 4
    assert "policy in force" in changed.stderr


def _read_until(fd: int, needle: bytes, timeout: float = 180) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"timed out waiting for {needle!r}; got {seen[-400:]!r}"
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen


def test_chat_on_a_terminal(vault_home: Path, milai: MilaiRunner) -> None:
    assert milai("settings", "set", "ceiling", "SECRET").returncode == 0
    imported = milai(
        "model",
        "import",
        str(demo_model_file()),
        "--name",
        "smollm2-restricted",
        "--level",
        "RESTRICTED",
    )
    assert imported.returncode == 0, imported.stderr
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        milai_command(
            "chat",
            "--model",
            "smollm2-restricted",
            "--clearance",
            "RESTRICTED",
            "--max-tokens",
            "16",
            "--seed",
            "1",
        ),
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        close_fds=True,
        env={**os.environ, "TERM": "dumb", "COLUMNS": "100"},
        preexec_fn=controlling_terminal,
    )
    os.close(secondary)
    try:
        _read_until(primary, b"[UNCLASSIFIED] > ")
        os.write(primary, b"Say hello.\r")
        _read_until(primary, b"[UNCLASSIFIED] > ")
        os.write(primary, b"Explain the KEYMAT rules.\r")
        blocked = _read_until(primary, b"[UNCLASSIFIED] > ")
        assert b"milai: blocked:" in blocked and b"keying-material" in blocked
        os.write(primary, b"[NATO RESTRICTED] Summarise the exercise.\r")
        _read_until(primary, b"[RESTRICTED] > ")
        os.write(primary, b"/level\r")
        level = _read_until(primary, b"[RESTRICTED] > ")
        assert b"conversation level RESTRICTED, clearance RESTRICTED" in level
        time.sleep(0.5)  # a person, not a race with readline setting up the line
        os.write(primary, b"\x03")  # Ctrl-C at the prompt: a fresh prompt, not an exit
        _read_until(primary, b"[RESTRICTED] > ")
        assert process.poll() is None
        os.write(primary, b"Write a very long story about the sea.\r")
        time.sleep(0.3)
        os.write(primary, b"\x03")  # Ctrl-C during (or just after) a reply: the session stays
        time.sleep(1.0)
        _read_until(primary, b"[RESTRICTED] > ")
        assert process.poll() is None
        time.sleep(0.5)
        os.write(primary, b"\x04")  # Ctrl-D
        assert process.wait(timeout=60) == 0
    finally:
        process.kill()
        os.close(primary)
    listed = json.loads(milai("history", "list", "--json").stdout)
    assert [c["level"] for c in listed] == ["RESTRICTED"]
    conversation = listed[0]["id"]
    refused = milai("history", "show", conversation, "--clearance", "UNCLASSIFIED")
    assert refused.returncode == 3
    shown = milai("history", "show", conversation, "--clearance", "RESTRICTED")
    assert shown.returncode == 0
    assert "Say hello." in shown.stdout
    assert b"Say hello." not in b"".join(
        p.read_bytes() for p in vault_home.rglob("*") if p.is_file()
    )


def test_an_unwritable_checkpoint_path_is_a_usage_error(
    vault_home: Path, milai: MilaiRunner
) -> None:
    milai("check", "-", input="hello")
    result = milai("audit", "checkpoint", "/proc/nope/checkpoint.json")
    assert result.returncode == 2
    assert result.stderr.startswith("milai: error: cannot write a checkpoint to /proc/nope/")
