"""What a new analyst and an operator tripped on (tests/cli/NEWUSER.md): each test fails
without its fix."""

from __future__ import annotations

import subprocess
import sys

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
