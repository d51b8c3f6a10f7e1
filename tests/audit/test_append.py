"""Appending: what an entry holds, how the file is created, and what is refused."""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from milai.audit import GENESIS, AuditIntegrityError, AuditLog, _log
from milai.audit._entry import canonical_json
from milai.errors import VaultError
from milai.vault import _fs
from tests.audit.support import (
    FileState,
    event,
    fixed_signer,
    open_log,
    state_path,
    verify_signature,
)


def test_entries_chain_carry_a_ratchet_mac_and_hold_only_ciphertext(
    audit_log: AuditLog, log_path: Path
) -> None:
    audit_log.start()
    seed = FileState(state_path(log_path)).state().seed
    assert seed is not None
    first = audit_log.append(event(1))
    second = audit_log.append(event(2))

    lines = log_path.read_bytes().splitlines()
    stored = [json.loads(line) for line in lines]
    assert [line["seq"] for line in stored] == [1, 2]
    assert all(set(line) == {"seq", "prev", "sealed", "mac"} for line in stored)
    assert (first.prev, second.prev) == (GENESIS, hashlib.sha256(lines[0]).hexdigest())
    assert second.digest == hashlib.sha256(lines[1]).hexdigest()
    # The MAC of entry 2 is under K(2) = HKDF(K(1), "next"), K(1) = HKDF(seed, "start").
    key_2 = hkdf(hkdf(seed, b"milai audit ratchet v1: start"), b"milai audit ratchet v1: next")
    body = canonical_json(
        {
            "format": "milai-audit-entry-v2",
            "seq": 2,
            "prev": second.prev,
            "sealed": stored[1]["sealed"],
        }
    )
    mac_key = hkdf(key_2, b"milai audit ratchet v1: entry mac")
    assert second.mac == hmac.new(mac_key, body, hashlib.sha256).hexdigest()
    assert second.time.endswith("Z") and second.timestamp.utcoffset() == timedelta(0)
    assert list(audit_log.entries()) == [first, second]
    assert b"demo" not in log_path.read_bytes() and b"allow" not in log_path.read_bytes()


def hkdf(key: bytes, info: bytes) -> bytes:
    """RFC 5869 HKDF-SHA256 with no salt, from ``cryptography`` (the test's own oracle)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(key)


def test_the_vault_keeps_only_the_next_ratchet_key_and_the_head(
    audit_log: AuditLog, log_path: Path
) -> None:
    audit_log.start()
    store = FileState(state_path(log_path))
    start = store.state()
    entries = [audit_log.append(event(n)) for n in range(3)]

    state = store.state()
    assert (state.seq, state.head) == (3, entries[-1].digest)
    key = start.key
    used = []
    for _ in range(3):
        used.append(key)
        key = hkdf(key, b"milai audit ratchet v1: next")
    assert state.key == key  # K(4): the next entry's
    assert not set(used) & {state.key, state.cipher_key}
    assert all(old.hex() not in store.path.read_text() for old in used)


def test_the_log_is_born_private_and_the_folder_must_exist(
    audit_log: AuditLog, log_path: Path, tmp_path: Path
) -> None:
    audit_log.append(event(1))
    assert stat.S_IMODE(log_path.stat().st_mode) == 0o600

    with pytest.raises(VaultError, match="cannot lock the audit log"):
        open_log(tmp_path / "missing" / "audit.log").append(event(1))


def test_a_symlink_in_place_of_the_log_is_refused(log_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.log"
    log_path.symlink_to(target)

    with pytest.raises(AuditIntegrityError, match=f"{log_path.name} is not a regular file"):
        open_log(log_path).append(event(1))
    assert not target.exists()


def test_the_returned_entry_is_what_reads_back(audit_log: AuditLog) -> None:
    original = {"command": "run", "levels": ("SECRET", "TOP SECRET")}
    entry = audit_log.append(original)
    original["command"] = "changed afterwards"

    assert entry.event == {"command": "run", "levels": ["SECRET", "TOP SECRET"]}
    assert audit_log.entry(1) == entry


@pytest.mark.parametrize(
    ("bad_event", "error"),
    [
        (["command", "run"], TypeError),
        ({"command": "run", "seed": object()}, TypeError),
        ({"decision": "allow"}, ValueError),
        ({"command": ""}, ValueError),
        ({"command": "run", "temperature": float("nan")}, ValueError),
        ({"command": "run", "prompt": "the secret question"}, ValueError),
        ({"command": "run", "output": "the secret answer"}, ValueError),
    ],
)
def test_bad_events_are_refused_and_nothing_is_written(
    audit_log: AuditLog, log_path: Path, bad_event: object, error: type[Exception]
) -> None:
    with pytest.raises(error):
        audit_log.append(bad_event)  # type: ignore[arg-type]
    assert not log_path.exists()


def test_no_cadence_is_refused(log_path: Path) -> None:
    with pytest.raises(ValueError):
        open_log(log_path, every=0)


def test_a_checkpoint_is_signed_into_the_sidecar_every_n_entries(audit_log: AuditLog) -> None:
    for n in range(12):
        audit_log.append(event(n))

    sidecar = [json.loads(line) for line in audit_log.checkpoints_path.read_bytes().splitlines()]
    assert [checkpoint["seq"] for checkpoint in sidecar] == [5, 10]
    assert sidecar[1]["head"] == audit_log.entry(10).digest
    assert sidecar[1]["public_key"] == fixed_signer().public_key_bytes().hex()
    assert sidecar[1]["generation"] is None  # the sidecar rolls back with the vault
    assert stat.S_IMODE(audit_log.checkpoints_path.stat().st_mode) == 0o600
    assert audit_log.verify(verify_signature=verify_signature).checkpoints_checked == 2


def test_without_a_signer_no_sidecar_is_written(log_path: Path) -> None:
    log = open_log(log_path, every=1)
    log.append(event(1))
    assert not log.checkpoints_path.exists()
    assert log.verify().checkpoints_checked == 0


def test_appending_after_a_forged_last_entry_is_refused(
    audit_log: AuditLog, log_path: Path
) -> None:
    audit_log.append(event(1))
    audit_log.append(event(2))
    lines = log_path.read_bytes().splitlines(keepends=True)
    log_path.write_bytes(lines[0] + lines[1].replace(b'"seq":2', b'"seq":3'))
    size = log_path.stat().st_size

    with pytest.raises(AuditIntegrityError) as caught:
        audit_log.append(event(3))
    assert str(caught.value) == (
        "audit log fails verification: the log ends at entry 3, not at entry 2 as the "
        "vault recorded (truncated, rolled back or rewritten); nothing was appended"
    )
    assert log_path.stat().st_size == size


@pytest.mark.parametrize("keep", [0, 1])
def test_appending_after_a_cut_or_deleted_log_is_refused(
    audit_log: AuditLog, log_path: Path, keep: int
) -> None:
    for n in range(3):
        audit_log.append(event(n))
    log_path.write_bytes(b"".join(log_path.read_bytes().splitlines(keepends=True)[:keep]))

    with pytest.raises(AuditIntegrityError, match=r"vault recorded 3 entries|as the vault"):
        audit_log.append(event(3))
    with pytest.raises(AuditIntegrityError):
        audit_log.check_tail()


def test_an_entry_written_but_not_yet_recorded_in_the_vault_is_adopted(
    audit_log: AuditLog, log_path: Path
) -> None:
    audit_log.append(event(1))
    store = FileState(state_path(log_path))
    before = store.load()
    audit_log.append(event(2))
    assert before is not None
    store.save(before)  # as if killed between writing entry 2 and recording it

    report = audit_log.verify()
    assert (report.entries, report.vault_lagged) == (2, True)
    assert "not yet recorded in the vault" in report.summary()
    audit_log.check_tail()
    audit_log.append(event(3))
    assert (store.state().seq, audit_log.verify().vault_lagged) == (3, False)


def test_entries_behind_the_vaults_back_are_refused(audit_log: AuditLog, log_path: Path) -> None:
    audit_log.append(event(1))
    store = FileState(state_path(log_path))
    before = store.load()
    audit_log.append(event(2))
    audit_log.append(event(3))
    assert before is not None
    store.save(before)  # the vault's state rolled back two entries

    with pytest.raises(AuditIntegrityError, match="log has 3 entries but the vault recorded 1"):
        audit_log.verify()
    with pytest.raises(AuditIntegrityError, match="nothing was appended"):
        audit_log.append(event(4))


def test_a_log_with_entries_and_no_vault_state_is_refused(
    audit_log: AuditLog, log_path: Path
) -> None:
    audit_log.append(event(1))
    state_path(log_path).unlink()

    for attempt in (audit_log.verify, audit_log.check_tail, lambda: audit_log.append(event(2))):
        with pytest.raises(AuditIntegrityError, match="holds no audit state"):
            attempt()


def test_each_append_records_the_head_in_the_vault_once(log_path: Path) -> None:
    store = FileState(state_path(log_path))
    log = AuditLog(log_path, store, None)
    log.start()
    saves = store.saves
    log.append(event(1))
    assert store.saves == saves + 1


def test_a_torn_sidecar_line_is_skipped_then_repaired(audit_log: AuditLog) -> None:
    for n in range(5):
        audit_log.append(event(n))
    with audit_log.checkpoints_path.open("ab") as sidecar:
        sidecar.write(b'{"format":"milai-au')

    assert audit_log.verify(verify_signature=verify_signature).checkpoints_checked == 1
    for n in range(5):
        audit_log.append(event(n))
    assert audit_log.verify(verify_signature=verify_signature).checkpoints_checked == 2
    assert audit_log.checkpoints_path.read_bytes().count(b"\n") == 2


@pytest.mark.parametrize("errno_value", [errno.EROFS, errno.EACCES])
def test_reading_works_where_no_lock_file_can_be_made(
    audit_log: AuditLog, monkeypatch: pytest.MonkeyPatch, errno_value: int
) -> None:
    audit_log.append(event(1))

    def refuse(path: Path, *, shared: bool = False) -> None:
        raise OSError(errno_value, os.strerror(errno_value), str(path))

    monkeypatch.setattr(_log, "locked", refuse)
    monkeypatch.setattr(_fs, "locked", refuse)
    assert audit_log.verify().entries == 1
    with pytest.raises(VaultError, match="cannot lock the audit log"):
        audit_log.append(event(2))
