"""The pipeline's audit sink on a real vault: a `started` entry is on disk (fsync-ed, and
the vault's head record with it) before `started` returns, so a killed run leaves it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from milai.context import _AuditSink, open_audit_log
from milai.events import Named, Outcome, RunEvent, Stage
from milai.vault import KeySource, Vault

RUN_ID = "0123456789abcdef"


EVENT = RunEvent(
    command="run",
    model=Named("m", "ab" * 32),
    policy=Named("milai-default", "cd" * 32),
    clearance="SECRET",
    out_level="SECRET",
    sampling={"seed": 7},
    prompt_digest="ef" * 32,
    prompt_chars=12,
    run_id=RUN_ID,
)


@pytest.fixture
def vault(tmp_path: Path) -> tuple[Path, Vault]:
    home = tmp_path / "home"
    return home, Vault.create(home, KeySource(key_file=tmp_path / "vault.key"))


def test_started_is_durable_before_it_returns(
    vault: tuple[Path, Vault], monkeypatch: pytest.MonkeyPatch
) -> None:
    home, opened = vault
    synced: list[str] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    sink = _AuditSink(open_audit_log(home, opened))
    sink.preflight()
    sink.started(EVENT)

    assert str(home / "audit.log") in synced
    fresh = open_audit_log(home, Vault.open(home, KeySource(key_file=home.parent / "vault.key")))
    assert fresh.verify().no_outcome == (1,)  # a new reader sees it: the vault's head too
    sink.record(EVENT.finished(Outcome.BLOCK, Stage.OUTPUT))
    report = fresh.verify()
    assert (report.entries, report.no_outcome) == (2, ())
    assert [entry.event["phase"] for entry in fresh.entries()] == ["started", "outcome"]


KILLED_RUN = """
import os, signal, sys
from pathlib import Path
from milai.context import _AuditSink, open_audit_log
from milai.events import Named, Outcome, RunEvent, Stage
from milai.vault import KeySource, Vault
home = Path(sys.argv[1])
sink = _AuditSink(open_audit_log(home, Vault.open(home, KeySource(key_file=Path(sys.argv[2])))))
class Started:
    def started_json(self):
        return {"command": "run", "phase": "started", "run_id": "0123456789abcdef"}
sink.started(Started())
os.kill(os.getpid(), signal.SIGKILL)  # the model would run here
"""


def test_a_run_killed_after_started_leaves_it_on_record(vault: tuple[Path, Vault]) -> None:
    home, opened = vault
    key = home.parent / "vault.key"
    child = subprocess.run(
        [sys.executable, "-c", KILLED_RUN, str(home), str(key)],
        env={**os.environ, "PYTHONPATH": os.getcwd()},
        check=False,
    )
    assert child.returncode == -9

    log = open_audit_log(home, opened)
    report = log.verify()
    assert (report.entries, report.no_outcome) == (1, (1,))
    summary = report.summary()
    assert "1 run(s) or act(s) with no outcome (killed, or still running): entry 1" in summary
