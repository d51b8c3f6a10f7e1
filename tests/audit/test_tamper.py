"""Hostile logs: every kind of tampering is caught at the position where it happened."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from milai.audit import AuditIntegrityError, AuditLog
from milai.errors import ExitCode, VaultIntegrityError
from tests.audit.support import FIXTURES, HMAC_KEY, TestSigner, verify_signature

FixtureCopy = Callable[[str], Path]


def open_log(path: Path) -> AuditLog:
    return AuditLog(path, HMAC_KEY, TestSigner(), checkpoint_every=5)


def test_the_clean_fixture_verifies(fixture_copy: FixtureCopy) -> None:
    report = open_log(fixture_copy("clean.log")).verify(
        checkpoint=fixture_copy("checkpoint-8.json"), verify_signature=verify_signature
    )

    assert (report.entries, report.torn_tail, report.checkpoints_checked) == (8, False, 2)
    assert report.summary().startswith("verified 8 entries (head ")


@pytest.mark.parametrize(
    ("fixture", "sequence", "reason"),
    [
        ("edited-byte-entry-3.log", 3, "MAC does not match (entry edited or forged)"),
        (
            "deleted-entry-4.log",
            4,
            "sequence number is 5, expected 4 (entry deleted, inserted or reordered)",
        ),
        (
            "swapped-entries-5-6.log",
            5,
            "sequence number is 6, expected 5 (entry deleted, inserted or reordered)",
        ),
        ("forged-entry-inserted-at-3.log", 3, "MAC does not match (entry edited or forged)"),
    ],
)
def test_tampered_entries_fail_at_their_position(
    fixture_copy: FixtureCopy, fixture: str, sequence: int, reason: str
) -> None:
    with pytest.raises(AuditIntegrityError) as caught:
        open_log(fixture_copy(fixture)).verify()

    assert caught.value.sequence == sequence
    assert str(caught.value) == f"audit log fails verification at entry {sequence}: {reason}"
    assert isinstance(caught.value, VaultIntegrityError)
    assert caught.value.exit_code == ExitCode.VAULT


@pytest.mark.parametrize(
    ("fixture", "sequence", "reason"),
    [
        (
            "truncated-after-6.log",
            7,
            "log ends at entry 6 but checkpoint checkpoint-8.json covers "
            "entry 8 (truncated, or replaced by an older copy)",
        ),
        (
            "older-copy-at-4.log",
            5,
            "log ends at entry 4 but checkpoint checkpoint-8.json covers "
            "entry 8 (truncated, or replaced by an older copy)",
        ),
        (
            "rewritten-after-5.log",
            8,
            "head hash differs from checkpoint checkpoint-8.json (log rewritten or replaced)",
        ),
    ],
)
def test_shortened_or_replaced_logs_fail_against_an_exported_checkpoint(
    fixture_copy: FixtureCopy, fixture: str, sequence: int, reason: str
) -> None:
    log = open_log(fixture_copy(fixture))
    assert log.verify().entries < 9  # on its own, each still looks like a sound log

    with pytest.raises(AuditIntegrityError) as caught:
        log.verify(checkpoint=fixture_copy("checkpoint-8.json"), verify_signature=verify_signature)

    assert caught.value.sequence == sequence
    assert str(caught.value) == f"audit log fails verification at entry {sequence}: {reason}"


def test_truncation_below_a_sidecar_checkpoint_is_caught(fixture_copy: FixtureCopy) -> None:
    path = fixture_copy("clean.log")
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:3]))

    with pytest.raises(AuditIntegrityError) as caught:
        open_log(path).verify(verify_signature=verify_signature)

    assert caught.value.sequence == 4
    assert "checkpoint 1 in clean.log.checkpoints covers entry 5" in str(caught.value)


def test_a_log_replaced_with_an_older_copy_and_its_sidecar_is_caught(
    fixture_copy: FixtureCopy, tmp_path: Path
) -> None:
    path = fixture_copy("clean.log")
    older = tmp_path / "older"
    older.mkdir()
    log = open_log(path)
    for n in range(7):
        if n == 2:
            for name in (path.name, log.checkpoints_path.name):
                shutil.copy2(path.parent / name, older / name)
        log.append({"command": "run", "n": n})
    exported = log.write_checkpoint(tmp_path)
    for name in (path.name, log.checkpoints_path.name):
        shutil.copy2(older / name, path.parent / name)

    assert log.verify(verify_signature=verify_signature).entries == 10
    with pytest.raises(AuditIntegrityError) as caught:
        log.verify(checkpoint=exported, verify_signature=verify_signature)
    assert caught.value.sequence == 11
    assert "log ends at entry 10 but checkpoint audit-checkpoint-15.json" in str(caught.value)


def test_a_deleted_log_fails(fixture_copy: FixtureCopy) -> None:
    path = fixture_copy("clean.log")
    path.unlink()

    with pytest.raises(AuditIntegrityError, match="does not exist") as caught:
        open_log(path).verify()
    assert caught.value.sequence is None
    assert list(open_log(path).entries()) == []


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"", "not a valid JSON entry"),
        (b"[]", "not an audit entry (wrong fields)"),
        (b"[" * 100_000 + b"]" * 100_000, "not a valid JSON entry"),
        (
            b'{"event":{"command":NaN},"mac":"%s","prev":"%s","seq":2,"time":"x"}'
            % (b"0" * 64, b"0" * 64),
            "not a valid JSON entry",
        ),
        (
            b'{"event":{},"mac":"00","prev":"00","seq":1,"time":"x"}',
            "not an audit entry (wrong field types)",
        ),
    ],
)
def test_garbage_lines_fail(log_path: Path, line: bytes, reason: str) -> None:
    log = open_log(log_path)
    log.append({"command": "run"})
    with log_path.open("ab") as out:
        out.write(line + b"\n")

    with pytest.raises(AuditIntegrityError) as caught:
        log.verify()
    assert (caught.value.sequence, caught.value.reason) == (2, reason)


def test_a_respelled_but_equal_entry_fails(log_path: Path) -> None:
    log = open_log(log_path)
    log.append({"command": "run", "text_chars": 1})
    log_path.write_bytes(log_path.read_bytes().replace(b'"text_chars":1', b'"text_chars": 1'))

    with pytest.raises(AuditIntegrityError, match="not in canonical form") as caught:
        log.verify()
    assert caught.value.sequence == 1


def test_entries_stop_at_the_first_bad_one(fixture_copy: FixtureCopy) -> None:
    stream = open_log(fixture_copy("deleted-entry-4.log")).entries()
    seen: list[int] = []
    with pytest.raises(AuditIntegrityError):
        seen.extend(entry.seq for entry in stream)
    assert seen == [1, 2, 3]


def test_a_log_under_another_key_fails_at_entry_1(fixture_copy: FixtureCopy) -> None:
    with pytest.raises(AuditIntegrityError, match="MAC does not match") as caught:
        AuditLog(fixture_copy("clean.log"), bytes(32)).verify()
    assert caught.value.sequence == 1


CLEAN = (FIXTURES / "clean.log").read_bytes()
CLEAN_LINE_ENDS = [i for i, byte in enumerate(CLEAN) if byte == ord("\n")]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(offset=st.integers(0, len(CLEAN) - 2), value=st.integers(0, 255))
def test_any_edited_byte_fails_at_its_entry(tmp_path: Path, offset: int, value: int) -> None:
    # The final newline is left out: removing it makes entry 8 a torn tail, which is the
    # same as cutting the log short (test_crash covers it; checkpoints catch it).
    if CLEAN[offset] == value:
        value ^= 0x01
    edited = bytearray(CLEAN)
    edited[offset] = value
    path = tmp_path / f"edited-{offset}-{value}.log"
    path.write_bytes(bytes(edited))
    entry_at_offset = 1 + sum(1 for end in CLEAN_LINE_ENDS if end < offset)

    with pytest.raises(AuditIntegrityError) as caught:
        open_log(path).verify()
    assert caught.value.sequence == entry_at_offset
