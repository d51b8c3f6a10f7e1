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

from milai.audit import GENESIS, AuditIntegrityError, AuditLog, _log
from milai.audit._entry import canonical_json
from tests.audit.support import HMAC_KEY, TestSigner, event, verify_signature


def test_entries_chain_and_carry_a_mac_over_their_content(
    audit_log: AuditLog, log_path: Path
) -> None:
    first = audit_log.append(event(1))
    second = audit_log.append(event(2))

    lines = log_path.read_bytes().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [1, 2]
    assert (first.prev, second.prev) == (GENESIS, hashlib.sha256(lines[0]).hexdigest())
    assert second.digest == hashlib.sha256(lines[1]).hexdigest()
    body = canonical_json(
        {"seq": 2, "time": second.time, "event": second.event, "prev": second.prev}
    )
    assert second.mac == hmac.new(HMAC_KEY, body, hashlib.sha256).hexdigest()
    assert second.time.endswith("Z") and second.timestamp.utcoffset() == timedelta(0)
    assert list(audit_log.entries()) == [first, second]


def test_the_log_is_born_private_and_the_folder_must_exist(
    audit_log: AuditLog, log_path: Path, tmp_path: Path
) -> None:
    audit_log.append(event(1))
    assert stat.S_IMODE(log_path.stat().st_mode) == 0o600

    with pytest.raises(FileNotFoundError):
        AuditLog(tmp_path / "missing" / "audit.log", HMAC_KEY).append(event(1))


def test_a_symlink_in_place_of_the_log_is_refused(log_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.log"
    log_path.symlink_to(target)

    with pytest.raises(OSError):
        AuditLog(log_path, HMAC_KEY).append(event(1))
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


@pytest.mark.parametrize(("key", "every"), [(bytes(31), 100), (bytes(32), 0)])
def test_a_short_key_or_no_cadence_is_refused(log_path: Path, key: bytes, every: int) -> None:
    with pytest.raises(ValueError):
        AuditLog(log_path, key, checkpoint_every=every)


def test_a_checkpoint_is_signed_into_the_sidecar_every_n_entries(audit_log: AuditLog) -> None:
    for n in range(12):
        audit_log.append(event(n))

    sidecar = [json.loads(line) for line in audit_log.checkpoints_path.read_bytes().splitlines()]
    assert [checkpoint["seq"] for checkpoint in sidecar] == [5, 10]
    assert sidecar[1]["head"] == audit_log.entry(10).digest
    assert sidecar[1]["public_key"] == TestSigner().public_key_bytes().hex()
    assert stat.S_IMODE(audit_log.checkpoints_path.stat().st_mode) == 0o600
    assert audit_log.verify(verify_signature=verify_signature).checkpoints_checked == 2


def test_without_a_signer_no_sidecar_is_written(log_path: Path) -> None:
    log = AuditLog(log_path, HMAC_KEY, checkpoint_every=1)
    log.append(event(1))
    assert not log.checkpoints_path.exists()
    assert log.verify().checkpoints_checked == 0


def test_appending_after_a_forged_last_entry_is_refused(
    audit_log: AuditLog, log_path: Path
) -> None:
    audit_log.append(event(1))
    audit_log.append(event(2))
    log_path.write_bytes(log_path.read_bytes().replace(b'"n":2', b'"n":3'))
    size = log_path.stat().st_size

    with pytest.raises(AuditIntegrityError) as caught:
        audit_log.append(event(3))
    assert str(caught.value) == (
        "audit log fails verification: the last entry is damaged "
        "(MAC does not match (entry edited or forged)); "
        "nothing was appended"
    )
    assert log_path.stat().st_size == size


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
    assert audit_log.verify().entries == 1
    with pytest.raises(OSError):
        audit_log.append(event(2))
