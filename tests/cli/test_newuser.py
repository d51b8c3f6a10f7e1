"""What a new analyst and an operator tripped on (tests/cli/NEWUSER.md): each test fails
without its fix."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# Ctrl-C while milai is still importing: stands in for the signal by raising where the
# entry point installs the network guard, before the CLI is imported.
_CTRL_C_AT_START_UP = """
import sys
from milai import netguard

def interrupted() -> None:
    raise KeyboardInterrupt

netguard.install = interrupted
sys.argv = ["milai", "check", "-"]
from milai.__main__ import main
main()
"""


def test_ctrl_c_during_start_up_is_exit_130_without_a_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _CTRL_C_AT_START_UP],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert (result.returncode, result.stdout, result.stderr) == (130, "", "")


def _with_stdout_a_closed_pipe(*args: str) -> subprocess.CompletedProcess[str]:
    """``milai ARGS | head -c 0``, without the race: the reader is gone before milai writes."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [sys.executable, "-m", "milai", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)


@pytest.mark.parametrize(
    "args",
    [("policy", "show"), ("policy", "show", "--json"), ("check", "--explain", "-")],
    ids=["rich-tables", "json", "rich-explanation"],
)
def test_a_reader_that_goes_away_ends_milai_quietly(args: tuple[str, ...]) -> None:
    result = _with_stdout_a_closed_pipe(*args)
    assert (result.returncode, result.stderr) == (0, "")
