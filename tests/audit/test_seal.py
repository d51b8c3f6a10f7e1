"""Forward-secure sealing, write-ahead entries and encryption at rest: what a later key
holder cannot hide, what a killed run leaves, and what the file on disk gives away."""

from __future__ import annotations

import hashlib
import json
import stat
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from milai.audit import AuditIntegrityError, AuditLog, SealKey
from milai.errors import ExitCode, UsageError
from tests.audit.support import FileState, event, open_log, state_path

MODEL_NAME = "mistral-7b-kestrel"
EVENTS = [
    {
        "command": "run",
        "phase": "outcome",
        "run_id": f"{n:016x}",
        "decision": "block" if n == 3 else "allow",
        "model": {"name": MODEL_NAME, "sha256": "ab" * 32},
        "policy": {"name": "nato-eu", "sha256": "cd" * 32, "path": "/srv/policies/nato.yaml"},
        "clearance": "CONFIDENTIAL",
        "levels": {"prompt": "TOP SECRET", "output": "RESTRICTED"},
        "rules": ["codeword.BLUEHARBOUR", "marking.cosmic"],
    }
    for n in range(1, 7)
]


@pytest.fixture
def sealed(tmp_path: Path) -> tuple[AuditLog, Path]:
    """A log of EVENTS whose seal key was exported first, as `milai init` advises."""
    log = open_log(tmp_path / "audit.log")
    log.start()
    seal_key = tmp_path / "usb" / "seal.key"
    seal_key.parent.mkdir()
    log.export_seal_key(seal_key)
    for one in EVENTS:
        log.append(one)
    return log, seal_key


def rewrite_from(log: AuditLog, k: int, change: dict[str, object]) -> None:
    """What someone holding the vault's keys now can do: cut the log before entry ``k``,
    roll the vault's recorded head back to match, and append entry ``k`` changed and the
    later ones again, with the current ratchet key (the only one the vault still has)."""
    entries = list(log.entries())
    lines = log.path.read_bytes().splitlines(keepends=True)
    store = FileState(state_path(log.path))
    current = store.state()
    log.path.write_bytes(b"".join(lines[: k - 1]))
    head = hashlib.sha256(lines[k - 2].rstrip(b"\n")).hexdigest()
    rolled_back = replace(current, seq=k - 1, head=head, size=len(b"".join(lines[: k - 1])))
    store.save(rolled_back.to_bytes())
    log.append({**entries[k - 1].event, **change})
    for entry in entries[k:]:
        log.append(entry.event)


@pytest.mark.parametrize("k", [2, 4, 7])
def test_rewriting_entry_k_with_the_current_key_is_caught_by_the_seal_key(
    sealed: tuple[AuditLog, Path], k: int
) -> None:
    log, seal_key = sealed
    assert log.verify(seal_key=seal_key).sealed
    rewrite_from(log, k, {"decision": "allow", "rules": []})  # entry 5 was the block

    rewritten = log.verify()  # chain, encryption and the vault's head agree...
    assert rewritten.entries == 8 and log.entry(k).event["rules"] == []
    with pytest.raises(AuditIntegrityError) as caught:
        log.verify(seal_key=seal_key)  # ...the ratchet does not
    assert caught.value.sequence == k
    assert caught.value.exit_code == ExitCode.VAULT
    assert "MAC does not match the seal key's ratchet" in caught.value.reason


def test_a_log_restarted_from_a_new_seed_is_caught(sealed: tuple[AuditLog, Path]) -> None:
    log, seal_key = sealed
    entries = [entry.event for entry in log.entries()]
    log.path.unlink()
    state_path(log.path).unlink()
    for one in entries:
        log.append(one)

    assert log.verify().entries == 8  # the export (started, outcome) and EVENTS
    with pytest.raises(AuditIntegrityError, match="the seal key is for another audit log"):
        log.verify(seal_key=seal_key)


def test_the_seal_key_is_exported_once_private_and_then_forgotten(
    sealed: tuple[AuditLog, Path], tmp_path: Path
) -> None:
    log, seal_key = sealed
    assert stat.S_IMODE(seal_key.stat().st_mode) == 0o600
    fields = json.loads(seal_key.read_text())
    assert set(fields) == {"format", "log_id", "seed"}
    state = FileState(state_path(log.path)).state()
    assert state.seed is None and state.exported is not None
    assert fields["seed"] not in state_path(log.path).read_text()
    started, done = log.entry(1).event, log.entry(2).event
    assert started == {
        "command": "audit.seal-key-export",
        "phase": "started",
        "run_id": started["run_id"],
    }
    assert done == {**started, "phase": "outcome", "decision": "done"}

    with pytest.raises(UsageError, match="already exported") as again:
        log.export_seal_key(tmp_path / "second.key")
    assert again.value.exit_code == ExitCode.USAGE
    assert not (tmp_path / "second.key").exists()


def test_the_seal_key_never_overwrites_a_file(tmp_path: Path) -> None:
    log = open_log(tmp_path / "audit.log")
    taken = tmp_path / "taken"
    taken.write_text("the auditor's notes")

    with pytest.raises(UsageError, match="refusing to overwrite"):
        log.export_seal_key(taken)
    assert taken.read_text() == "the auditor's notes"
    log.export_seal_key(tmp_path / "free")  # the refusal did not use up the export
    assert SealKey.read(tmp_path / "free").log_id == FileState(state_path(log.path)).state().log_id


@pytest.mark.parametrize("content", [b"", b"{}", b"not json", b'{"format": "x"}'])
def test_a_file_that_is_not_a_seal_key_is_a_usage_error(
    sealed: tuple[AuditLog, Path], tmp_path: Path, content: bytes
) -> None:
    log, _ = sealed
    bad = tmp_path / "bad.key"
    bad.write_bytes(content)
    with pytest.raises(UsageError, match="is not a milai audit seal key"):
        log.verify(seal_key=bad)
    with pytest.raises(UsageError, match="cannot read seal key"):
        log.verify(seal_key=tmp_path / "missing.key")


def test_until_the_seal_key_is_exported_verify_says_so(tmp_path: Path) -> None:
    log = open_log(tmp_path / "audit.log")
    log.append(event(1))
    assert "the seal key was never exported" in log.verify().summary()
    log.export_seal_key(tmp_path / "seal.key")
    assert "seal not checked (give --seal-key" in log.verify().summary()


def test_a_started_run_with_no_outcome_is_reported_not_failed(tmp_path: Path) -> None:
    log = open_log(tmp_path / "audit.log")
    log.append({"command": "run", "phase": "started", "run_id": "a" * 16})
    log.append({"command": "run", "phase": "outcome", "run_id": "a" * 16, "decision": "allow"})
    log.append({"command": "run", "phase": "started", "run_id": "b" * 16})  # killed
    log.append({"command": "check", "decision": "allow"})
    log.append({"command": "run", "phase": "outcome", "run_id": "c" * 16, "decision": "block"})

    report = log.verify()
    assert report.no_outcome == (3,)
    summary = report.summary()
    assert "1 run(s) or act(s) with no outcome (killed, or still running): entry 3" in summary
    with log.entries() as stream:
        assert [entry.seq for entry in stream] == [1, 2, 3, 4, 5]
    assert stream.no_outcome == (3,)


def test_nothing_is_readable_in_the_files_at_rest(sealed: tuple[AuditLog, Path]) -> None:
    log, _ = sealed
    raw = log.path.read_bytes()
    for secret in (
        MODEL_NAME,
        "nato-eu",
        "/srv/policies",
        "CONFIDENTIAL",
        "TOP SECRET",
        "RESTRICTED",
        "BLUEHARBOUR",
        "block",
        "allow",
        "command",
        f"{datetime.now(UTC).year}-",  # times are sealed too
    ):
        assert secret.encode() not in raw, secret
    assert log.entry(5).event["rules"] == ["codeword.BLUEHARBOUR", "marking.cosmic"]


def test_an_entry_moved_to_another_position_does_not_decrypt(
    sealed: tuple[AuditLog, Path],
) -> None:
    log, _ = sealed
    lines = [json.loads(line) for line in log.path.read_bytes().splitlines()]
    lines[3]["sealed"], lines[4]["sealed"] = lines[4]["sealed"], lines[3]["sealed"]
    log.path.write_bytes(
        b"".join(
            json.dumps(line, sort_keys=True, separators=(",", ":")).encode() + b"\n"
            for line in lines
        )
    )
    with pytest.raises(AuditIntegrityError, match="cannot be decrypted") as caught:
        log.verify()
    assert caught.value.sequence == 4
