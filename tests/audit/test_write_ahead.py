"""The write-ahead ``started`` entry: on disk (fsync-ed) and recorded in the vault before
``append`` returns, so it cannot be cut off unnoticed; a process killed between an entry's
line and its record leaves the vault one entry behind, never two."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from milai.audit import AuditIntegrityError, AuditLog
from tests.audit.support import FileState, event, state_path


def started(run_id: str) -> dict[str, object]:
    return {"command": "run", "phase": "started", "run_id": run_id}


def outcome(run_id: str) -> dict[str, object]:
    return {"command": "run", "phase": "outcome", "run_id": run_id, "decision": "allow"}


def _log(path: Path) -> tuple[AuditLog, FileState]:
    store = FileState(state_path(path))
    return AuditLog(path, store), store


def test_started_is_on_disk_and_recorded_at_once(log_path: Path) -> None:
    log, store = _log(log_path)
    log.append(event(1))
    saves = store.saves
    log.append(started("a" * 16))
    assert store.saves == saves + 1  # recorded in the vault before append returns
    assert log_path.read_bytes().count(b"\n") == 2
    assert store.state().seq == 2 and store.state().size == log_path.stat().st_size
    report = log.verify()
    assert report.entries == 2 and not report.vault_lagged and report.no_outcome == (2,)
    log.append(outcome("a" * 16))
    assert store.state().seq == 3 and store.state().size == log_path.stat().st_size
    report = log.verify()
    assert report.entries == 3 and not report.vault_lagged and report.no_outcome == ()


def test_a_killed_runs_started_entry_cannot_be_cut_off(log_path: Path) -> None:
    # Whoever can write the log, and wants a killed run forgotten, cuts its entry off.
    log, _ = _log(log_path)
    log.append(event(1))
    before = log_path.stat().st_size
    log.append(started("a" * 16))  # then the run is killed
    with log_path.open("r+b") as handle:
        handle.truncate(before)
    after_kill, _ = _log(log_path)
    with pytest.raises(AuditIntegrityError):
        after_kill.check_tail()
    with pytest.raises(AuditIntegrityError):
        after_kill.append(event(3))


def test_a_killed_run_is_adopted_and_never_two_entries_go_unrecorded(log_path: Path) -> None:
    log, store = _log(log_path)
    log.append(started("a" * 16))  # then the process is killed: no outcome
    after_kill, _ = _log(log_path)
    after_kill.check_tail()
    after_kill.append(started("b" * 16))
    assert store.state().seq == 2 and log_path.read_bytes().count(b"\n") == 2
    after_kill.append(outcome("b" * 16))
    report = after_kill.verify()
    assert (report.entries, report.no_outcome, report.vault_lagged) == (3, (1,), False)


def test_interleaved_runs_of_two_processes(log_path: Path) -> None:
    first, store = _log(log_path)
    second, _ = _log(log_path)
    first.append(started("a" * 16))
    second.append(started("b" * 16))
    first.append(outcome("a" * 16))
    second.append(outcome("b" * 16))
    report = first.verify()
    assert (report.entries, report.no_outcome, report.vault_lagged) == (4, (), False)
    assert store.state().seq == 4


def test_other_entries_are_recorded_at_once(log_path: Path) -> None:
    log, store = _log(log_path)
    for n in range(3):
        log.append(event(n))
        assert store.state().seq == n + 1
    log.append(outcome("c" * 16))
    assert store.state().seq == 4


class _DiesAfterTheLine(FileState):
    """A vault state store whose next save never happens: the process died after writing
    and syncing a log line, before recording it in the vault."""

    armed = False

    def save(self, data: bytes) -> None:
        if self.armed:
            raise SystemExit("killed")
        super().save(data)


def test_a_crash_before_any_record_leaves_the_log_one_entry_past_the_vault(log_path: Path) -> None:
    # A run's started entry is deferred; then the process dies after writing its outcome line,
    # before the vault records it (kill -9 at the end of a run, or of a batch line).
    store = _DiesAfterTheLine(state_path(log_path))
    log = AuditLog(log_path, store)
    log.append(event(1))
    log.append(started("a" * 16))
    real_write = log._write_entry

    def write_then_die(*args: Any, **kwargs: Any) -> Any:
        store.armed = True
        return real_write(*args, **kwargs)

    log._write_entry = write_then_die  # type: ignore[method-assign]
    with pytest.raises(SystemExit):
        log.append(outcome("a" * 16))
    assert log_path.read_bytes().count(b"\n") == 3  # the outcome line is on disk
    after_kill, after_store = _log(log_path)
    after_kill.check_tail()  # not "the log ends at entry 3, not at entry 1"
    after_kill.append(started("b" * 16))
    after_kill.append(outcome("b" * 16))
    report = after_kill.verify()
    assert (report.entries, report.no_outcome, report.vault_lagged) == (5, (), False)
    assert after_store.state().seq == 5
