"""The write-ahead ``started`` entry: on disk (fsync-ed) before ``append`` returns, its head
recorded in the vault with the next entry (one fsync on the way to the model instead of a
vault-state commit); never more than that one entry unrecorded."""

from __future__ import annotations

from pathlib import Path

from milai.audit import AuditLog
from tests.audit.support import FileState, event, state_path


def started(run_id: str) -> dict[str, object]:
    return {"command": "run", "phase": "started", "run_id": run_id}


def outcome(run_id: str) -> dict[str, object]:
    return {"command": "run", "phase": "outcome", "run_id": run_id, "decision": "allow"}


def _log(path: Path) -> tuple[AuditLog, FileState]:
    store = FileState(state_path(path))
    return AuditLog(path, store), store


def test_started_is_on_disk_and_recorded_with_the_outcome(log_path: Path) -> None:
    log, store = _log(log_path)
    log.append(event(1))
    saves = store.saves
    log.append(started("a" * 16))
    assert store.saves == saves  # the vault's state is not rewritten for it
    assert log_path.read_bytes().count(b"\n") == 2  # but the line is there
    assert store.state().seq == 1
    report = log.verify()
    assert report.entries == 2 and report.vault_lagged and report.no_outcome == (2,)
    log.append(outcome("a" * 16))
    assert store.state().seq == 3 and store.state().size == log_path.stat().st_size
    report = log.verify()
    assert report.entries == 3 and not report.vault_lagged and report.no_outcome == ()


def test_a_killed_run_is_adopted_and_never_two_entries_go_unrecorded(log_path: Path) -> None:
    log, store = _log(log_path)
    log.append(started("a" * 16))  # then the process is killed: no outcome
    after_kill, _ = _log(log_path)
    after_kill.check_tail()
    after_kill.append(started("b" * 16))  # adopts entry 1, so this one is recorded at once
    assert store.state().seq == 2
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
