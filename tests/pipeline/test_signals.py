"""SIGTERM and SIGHUP take Ctrl-C's path (interfaces.md §5): the run's outcome is recorded
as interrupted and the exit code is 130. A real ``milai run`` process, a synthetic model in
a real vault, and an engine that never stops (``slow_milai``)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.vault.vault_synthetic import gguf_bytes

ROOT = Path(__file__).resolve().parents[2]


def _milai(home: Path, *args: str, slow: bool = False) -> list[str]:
    module = "tests.pipeline.slow_milai" if slow else "milai"
    return [sys.executable, "-m", module, *args]


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "MILAI_HOME": str(home), "PYTHONPATH": str(ROOT)}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("signals")
    home, model = root / "home", root / "model.gguf"
    model.write_bytes(gguf_bytes(4096))
    for args in (
        ("init", "--key-file", str(root / "vault.key")),
        ("model", "import", str(model), "--name", "endless", "--level", "UNCLASSIFIED"),
    ):
        done = subprocess.run(
            _milai(home, *args), env=_env(home), capture_output=True, check=False, timeout=60
        )
        assert done.returncode == 0, done.stderr
    return home


def _audit(home: Path) -> list[dict[str, object]]:
    shown = subprocess.run(
        _milai(home, "audit", "show", "--json"),
        env=_env(home),
        capture_output=True,
        check=False,
        timeout=60,
        text=True,
    )
    assert shown.returncode == 0, shown.stderr
    return [json.loads(line)["event"] for line in shown.stdout.splitlines()]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_mid_stream_records_interrupted_and_exits_130(
    template: Path, signum: signal.Signals
) -> None:
    process = subprocess.Popen(
        _milai(template, "run", "--seed", "1", "Tell a long tale.", slow=True),
        env=_env(template),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    head = process.stdout.read(40)  # streaming now
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert head.startswith(b"The tide comes in.")
    assert process.returncode == 130
    assert b"Traceback" not in stderr
    started, outcome = _audit(template)[-2:]
    assert started["phase"] == "started"
    assert outcome["phase"] == "outcome"
    assert outcome["run_id"] == started["run_id"]
    assert outcome["decision"] == "interrupted"
    assert isinstance(outcome["output_chars"], int) and outcome["output_chars"] >= 40
