"""The vault records the log's length through its last entry, so a line repeated, added or
removed behind its back is refused before anything is appended (not only by a full
``verify``); a state written before lengths were kept still works."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from milai.audit import AuditIntegrityError, AuditLog
from tests.audit.support import FileState, event, state_path


def _log_of(path: Path, entries: int) -> AuditLog:
    log = AuditLog(path, FileState(state_path(path)))
    for n in range(entries):
        log.append(event(n))
    return log


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda lines: [*lines, lines[-1]], id="last-entry-repeated"),
        pytest.param(lambda lines: [*lines[:2], *lines[3:]], id="middle-entry-removed"),
        pytest.param(lambda lines: [lines[0], *lines], id="first-entry-repeated"),
    ],
)
def test_a_log_of_another_length_is_refused(log_path: Path, change: object) -> None:
    log = _log_of(log_path, 5)
    before = log_path.read_bytes()
    log_path.write_bytes(b"".join(change(_lines(log_path))))  # type: ignore[operator]
    changed = log_path.read_bytes()
    for attempt in (log.check_tail, lambda: log.append(event(9))):
        with pytest.raises(AuditIntegrityError, match="bytes long through entry 5"):
            attempt()
    assert log_path.read_bytes() == changed != before  # nothing appended


def test_the_length_follows_every_append_and_a_crash_after_writing(log_path: Path) -> None:
    log = _log_of(log_path, 3)
    state = FileState(state_path(log_path))
    assert state.state().size == log_path.stat().st_size
    saved = state.load()
    log.append(event(3))  # written; then the vault is rolled back one entry, as by a crash
    assert saved is not None
    state.save(saved)
    log.check_tail()
    log.append(event(4))
    assert state.state().seq == 5 and state.state().size == log_path.stat().st_size
    assert log.verify().entries == 5


def test_a_state_from_before_lengths_still_opens(log_path: Path) -> None:
    log = _log_of(log_path, 2)
    fields = json.loads(state_path(log_path).read_bytes())
    del fields["size"]
    state_path(log_path).write_text(json.dumps(fields, sort_keys=True))
    log.append(event(2))
    assert FileState(state_path(log_path)).state().size == log_path.stat().st_size
    assert log.verify().entries == 3


@pytest.mark.parametrize("size", [-1, "12", None, True])
def test_a_malformed_length_is_refused(log_path: Path, size: object) -> None:
    log = _log_of(log_path, 1)
    fields = json.loads(state_path(log_path).read_bytes())
    fields["size"] = size
    state_path(log_path).write_text(json.dumps(fields, sort_keys=True))
    with pytest.raises(AuditIntegrityError, match="malformed"):
        log.append(event(1))
