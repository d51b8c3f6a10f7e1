"""``milai.__main__.run`` ends the process without the interpreter's teardown, and keeps what
that teardown guarantees: exit handlers, flushed output, waiting for live threads, and the
interpreter's own report (exit 120) when the output cannot be written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import milai

ROOT = Path(milai.__file__).resolve().parents[1]

# Run the command as the console script does, with a handler and what each test adds first.
SCRIPT = """
import atexit, sys, threading, time
atexit.register(lambda: sys.stderr.write("exit handler ran\\n"))
{setup}
sys.argv = ["milai", "--version"]
from milai.__main__ import run
run()
"""


def _milai(setup: str = "", stdout: int = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    # Buffered output, as in a terminal session (the test runner's may say unbuffered).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-c", SCRIPT.format(setup=setup)],
        env=env,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        check=False,
    )


def test_output_is_flushed_and_exit_handlers_run() -> None:
    # Written but not flushed before the end: only the exit's flush puts it out.
    done = _milai('sys.stdout.write("pending ")')
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"pending milai {milai.__version__}\n"
    assert done.stderr == "exit handler ran\n"


def test_a_live_thread_is_waited_for() -> None:
    thread = (
        "threading.Thread(target=lambda: (time.sleep(0.5), print('thread finished', "
        "flush=True))).start()"
    )
    done = _milai(thread)
    assert done.returncode == 0, done.stderr
    assert "thread finished" in done.stdout
    assert done.stderr.count("exit handler ran") == 1


def test_output_that_cannot_be_written_is_reported_as_the_interpreter_does() -> None:
    read, write = os.pipe()
    os.close(read)  # the reader went away before anything was written
    try:
        done = _milai(stdout=write)
    finally:
        os.close(write)
    assert done.returncode == 120, done.stderr
    assert "BrokenPipeError" in done.stderr
    assert done.stderr.count("exit handler ran") == 1
