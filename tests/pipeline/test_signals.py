"""SIGTERM and SIGHUP take Ctrl-C's path (interfaces.md §5): the run's outcome is recorded
as interrupted and the exit code is 130. A real ``milai run`` process, a synthetic model in
a real vault, and an engine that never stops (``fake_milai``)."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest

from tests.cli.fixtures import interruptible
from tests.pipeline.fake_milai import audit_events, command, environment, make_vault


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_vault(tmp_path_factory.mktemp("signals"))


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_mid_stream_records_interrupted_and_exits_130(
    home: Path, signum: signal.Signals
) -> None:
    process = subprocess.Popen(
        command("run", "--seed", "1", "Tell a long tale."),
        env=environment(home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=interruptible,
    )
    assert process.stdout is not None
    head = process.stdout.read(40)  # streaming now
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert head.startswith(b"The tide comes in.")
    assert process.returncode == 130
    assert b"Traceback" not in stderr
    started, outcome = audit_events(home)[-2:]
    assert started["phase"] == "started"
    assert outcome["phase"] == "outcome"
    assert outcome["run_id"] == started["run_id"]
    assert outcome["decision"] == "interrupted"
    assert isinstance(outcome["output_chars"], int) and outcome["output_chars"] >= 40
