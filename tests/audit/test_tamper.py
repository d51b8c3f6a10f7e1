"""Hostile logs: every kind of tampering is caught at the position where it happened."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from milai.audit import AuditIntegrityError, AuditLog
from milai.errors import ExitCode, VaultIntegrityError
from tests.audit.support import (
    FIXTURES,
    FileState,
    fixed_signer,
    open_log,
    state_path,
    verify_signature,
)

FixtureCopy = Callable[[str], Path]
SEAL_KEY = FIXTURES / "clean.seal-key"


def open_fixture(path: Path) -> AuditLog:
    return open_log(path, fixed_signer())


def test_the_clean_fixture_verifies(fixture_copy: FixtureCopy) -> None:
    report = open_fixture(fixture_copy("clean.log")).verify(
        checkpoint=fixture_copy("checkpoint-8.json"),
        verify_signature=verify_signature,
        seal_key=SEAL_KEY,
        generation=3,
    )

    assert (report.entries, report.torn_tail, report.checkpoints_checked) == (8, False, 2)
    assert report.sealed and report.no_outcome == ()
    assert report.summary().startswith("verified 8 entries (head ")
    assert "sealed: every MAC checked against the seal key" in report.summary()


@pytest.mark.parametrize(
    ("fixture", "sequence", "reason"),
    [
        (
            "edited-byte-entry-3.log",
            3,
            "entry cannot be decrypted (edited, forged, moved, or sealed under another key)",
        ),
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
        (
            "forged-entry-inserted-at-3.log",
            3,
            "entry cannot be decrypted (edited, forged, moved, or sealed under another key)",
        ),
        (
            "truncated-after-6.log",
            7,
            "log ends at entry 6 but the vault recorded 8 entries (truncated, rolled back "
            "or deleted)",
        ),
        (
            "older-copy-at-4.log",
            5,
            "log ends at entry 4 but the vault recorded 8 entries (truncated, rolled back "
            "or deleted)",
        ),
    ],
)
def test_tampered_logs_fail_at_their_position(
    fixture_copy: FixtureCopy, fixture: str, sequence: int, reason: str
) -> None:
    with pytest.raises(AuditIntegrityError) as caught:
        open_fixture(fixture_copy(fixture)).verify()

    assert caught.value.sequence == sequence
    assert str(caught.value) == f"audit log fails verification at entry {sequence}: {reason}"
    assert isinstance(caught.value, VaultIntegrityError)
    assert caught.value.exit_code == ExitCode.VAULT


def test_a_rewrite_by_a_key_holder_is_caught_by_the_seal_key(fixture_copy: FixtureCopy) -> None:
    log = open_fixture(fixture_copy("rewritten-after-5.log"))
    # Chain, encryption and the vault's head all agree: they hold every current key...
    assert log.verify().entries == 8
    assert log.entry(6).event["rewritten"] is True

    with pytest.raises(AuditIntegrityError) as caught:
        log.verify(seal_key=SEAL_KEY)  # ...but not the ratchet key entry 6 was sealed with
    assert caught.value.sequence == 6
    assert "MAC does not match the seal key's ratchet" in str(caught.value)

    with pytest.raises(AuditIntegrityError) as caught:
        log.verify(checkpoint=fixture_copy("checkpoint-8.json"), verify_signature=verify_signature)
    assert caught.value.reason.startswith("head hash differs from checkpoint checkpoint-8.json")


@pytest.mark.parametrize(
    ("fixture", "sequence"), [("truncated-after-6.log", 7), ("older-copy-at-4.log", 5)]
)
def test_a_vault_rolled_back_with_its_log_fails_against_an_exported_checkpoint(
    fixture_copy: FixtureCopy, fixture: str, sequence: int
) -> None:
    path = fixture_copy(fixture)
    log = open_fixture(path)
    cut = len(path.read_bytes().splitlines())
    store = FileState(state_path(path))
    state = store.state()
    lines = path.read_bytes().splitlines()
    # The whole folder as it stood back then: the state's head matches the shorter log.
    store.save(
        replace(
            state, seq=cut, head=hashlib.sha256(lines[-1]).hexdigest(), checkpoints=0
        ).to_bytes()
    )
    assert log.verify().entries == cut  # from inside, an older copy of everything is sound

    with pytest.raises(AuditIntegrityError) as caught:
        log.verify(checkpoint=fixture_copy("checkpoint-8.json"), verify_signature=verify_signature)
    assert caught.value.sequence == sequence
    assert "but checkpoint checkpoint-8.json covers entry 8" in str(caught.value)


def test_a_vault_older_than_the_exported_checkpoint_fails(fixture_copy: FixtureCopy) -> None:
    log = open_fixture(fixture_copy("clean.log"))
    checkpoint = fixture_copy("checkpoint-8.json")
    verified = log.verify(checkpoint=checkpoint, verify_signature=verify_signature, generation=3)
    assert verified.checkpoints_checked == 2

    with pytest.raises(AuditIntegrityError) as caught:
        log.verify(checkpoint=checkpoint, verify_signature=verify_signature, generation=2)
    assert caught.value.reason == (
        "the vault is at generation 2, older than checkpoint checkpoint-8.json "
        "(generation 3): the vault was rolled back"
    )


def test_truncation_below_a_sidecar_checkpoint_is_caught(fixture_copy: FixtureCopy) -> None:
    path = fixture_copy("clean.log")
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:3]))

    with pytest.raises(AuditIntegrityError) as caught:
        open_fixture(path).verify(verify_signature=verify_signature)

    assert caught.value.sequence == 4
    assert "checkpoint 1 in clean.log.checkpoints covers entry 5" in str(caught.value)


def test_a_deleted_sidecar_is_caught(fixture_copy: FixtureCopy) -> None:
    log = open_fixture(fixture_copy("clean.log"))
    log.checkpoints_path.unlink()

    with pytest.raises(AuditIntegrityError) as caught:
        log.verify(verify_signature=verify_signature)
    assert caught.value.reason == (
        "clean.log.checkpoints holds 0 checkpoints but the vault recorded 1 (deleted or truncated)"
    )


def test_a_log_replaced_with_an_older_copy_and_its_sidecar_is_caught(
    fixture_copy: FixtureCopy, tmp_path: Path
) -> None:
    path = fixture_copy("clean.log")
    older = tmp_path / "older"
    older.mkdir()
    log = open_fixture(path)
    for n in range(7):
        if n == 2:
            for name in (path.name, log.checkpoints_path.name):
                shutil.copy2(path.parent / name, older / name)
        log.append({"command": "run", "n": n})
    for name in (path.name, log.checkpoints_path.name):
        shutil.copy2(older / name, path.parent / name)

    with pytest.raises(AuditIntegrityError) as caught:
        log.verify()
    assert caught.value.sequence == 11
    assert "log ends at entry 10 but the vault recorded 15 entries" in str(caught.value)
    with pytest.raises(AuditIntegrityError, match="holds 2 checkpoints but the vault recorded 3"):
        log.verify(verify_signature=verify_signature)


def test_a_deleted_log_fails(fixture_copy: FixtureCopy) -> None:
    path = fixture_copy("clean.log")
    path.unlink()

    with pytest.raises(AuditIntegrityError, match="does not exist but the vault recorded 8"):
        open_fixture(path).verify()
    with pytest.raises(AuditIntegrityError, match="vault recorded 8 entries"):
        open_fixture(path).append({"command": "run"})


def test_a_log_never_written_verifies_empty(log_path: Path) -> None:
    log = open_log(log_path)
    assert log.verify().entries == 0
    log.start()
    assert log.verify().entries == 0
    assert list(log.entries()) == []


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"", "not a valid JSON entry"),
        (b"[]", "not an audit entry (wrong fields)"),
        (b"[" * 100_000 + b"]" * 100_000, "not a valid JSON entry"),
        (
            b'{"mac":"%s","prev":"%s","sealed":NaN,"seq":2}' % (b"0" * 64, b"0" * 64),
            "not a valid JSON entry",
        ),
        (
            b'{"mac":"00","prev":"00","sealed":"","seq":2}',
            "not an audit entry (wrong field types)",
        ),
        (
            b'{"mac":"%s","prev":"%s","sealed":"!!","seq":2}' % (b"0" * 64, b"0" * 64),
            "not an audit entry (bad ciphertext)",
        ),
        (
            b'{"event":{"command":"run"},"mac":"%s","prev":"%s","seq":2,"time":"x"}'
            % (b"0" * 64, b"0" * 64),
            "a plaintext entry (a log written before entries were encrypted, or forged)",
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
    log.append({"command": "run"})
    log_path.write_bytes(log_path.read_bytes().replace(b'"seq":1', b'"seq": 1'))

    with pytest.raises(AuditIntegrityError, match="not in canonical form") as caught:
        log.verify()
    assert caught.value.sequence == 1


def test_entries_stop_at_the_first_bad_one(fixture_copy: FixtureCopy) -> None:
    stream = open_fixture(fixture_copy("deleted-entry-4.log")).entries()
    seen: list[int] = []
    with pytest.raises(AuditIntegrityError):
        seen.extend(entry.seq for entry in stream)
    assert seen == [1, 2, 3]


def test_a_log_under_another_vaults_key_fails_at_entry_1(
    fixture_copy: FixtureCopy, tmp_path: Path
) -> None:
    path = fixture_copy("clean.log")
    other = tmp_path / "other.log"
    open_log(other).append({"command": "run"})
    shutil.copy2(state_path(other), state_path(path))  # another vault's state, same head?
    store = FileState(state_path(path))
    clean = FileState(state_path(FIXTURES / "clean.log")).state()
    store.save(replace(store.state(), seq=clean.seq, head=clean.head).to_bytes())

    with pytest.raises(AuditIntegrityError, match="cannot be decrypted") as caught:
        open_fixture(path).verify()
    assert caught.value.sequence == 1


def test_another_logs_seal_key_is_refused(fixture_copy: FixtureCopy, tmp_path: Path) -> None:
    other = open_log(tmp_path / "other.log")
    other.export_seal_key(tmp_path / "other.seal-key")

    with pytest.raises(AuditIntegrityError) as caught:
        open_fixture(fixture_copy("clean.log")).verify(seal_key=tmp_path / "other.seal-key")
    assert caught.value.reason.startswith("the seal key is for another audit log")


CLEAN = (FIXTURES / "clean.log").read_bytes()
CLEAN_LINE_ENDS = [i for i, byte in enumerate(CLEAN) if byte == ord("\n")]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(offset=st.integers(0, len(CLEAN) - 2), value=st.integers(0, 255))
def test_any_edited_byte_fails_at_its_entry(tmp_path: Path, offset: int, value: int) -> None:
    # The final newline is left out: removing it makes entry 8 a torn tail, which is the
    # same as cutting the log short (the vault's head catches it).
    if CLEAN[offset] == value:
        value ^= 0x01
    edited = bytearray(CLEAN)
    edited[offset] = value
    path = tmp_path / f"edited-{offset}-{value}.log"
    path.write_bytes(bytes(edited))
    shutil.copy2(state_path(FIXTURES / "clean.log"), state_path(path))
    entry_at_offset = 1 + sum(1 for end in CLEAN_LINE_ENDS if end < offset)

    with pytest.raises(AuditIntegrityError) as sealed:
        open_log(path).verify(seal_key=SEAL_KEY)
    assert sealed.value.sequence == entry_at_offset
    # Without the seal key a MAC is not checked: an edited MAC shows in the next entry's
    # chain (or, for the last entry, in the vault's head).
    with pytest.raises(AuditIntegrityError) as unsealed:
        open_log(path).verify()
    assert unsealed.value.sequence in (entry_at_offset, entry_at_offset + 1)
