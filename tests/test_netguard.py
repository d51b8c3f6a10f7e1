"""Nothing leaves the machine: the audit hook refuses sockets and name lookups."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest


def run_guarded(code: str) -> subprocess.CompletedProcess[str]:
    script = "from milai import netguard\nnetguard.install()\n" + textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize(
    ("attempt", "event"),
    [
        ("import socket; socket.socket()", "socket.__new__"),
        ("import socket; socket.getaddrinfo('localhost', 80)", "socket.getaddrinfo"),
        ("import socket; socket.gethostbyname('localhost')", "socket.gethostbyname"),
        ("import socket; socket.create_connection(('127.0.0.1', 9))", "socket.getaddrinfo"),
        ("import urllib.request; urllib.request.urlopen('http://127.0.0.1:9/')", "socket"),
    ],
)
def test_network_attempts_are_refused(attempt: str, event: str) -> None:
    result = run_guarded(f"""
        from milai.errors import NetworkRefused
        try:
            {attempt}
        except NetworkRefused as refused:
            print("refused:", refused)
        else:
            print("ALLOWED")
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("refused: network access refused (" + event)


# Run in a fresh interpreter: a spy on netguard.install notes which modules are already
# loaded when the guard goes in, then milai's real entry point runs.
ENTRY_POINT_SPY = """
import json, socket, sys
from milai import netguard

loaded_at_install = []
real_install = netguard.install

def spy():
    loaded_at_install.extend(sorted(sys.modules))
    real_install()

netguard.install = spy
sys.argv = ["milai", "--help"]  # --version alone answers before the guard (nothing runs)
from milai.__main__ import main
try:
    main()
except SystemExit:
    pass
try:
    socket.socket()
    refused = False
except Exception as error:
    refused = type(error).__name__ == "NetworkRefused"
print(json.dumps({"loaded": loaded_at_install, "refused": refused}))
"""

# What may be loaded before the guard: the guard itself and what it needs, nothing that
# could open a socket at import time (the CLI, Typer, Rich, llama.cpp, cryptography…).
ALLOWED_BEFORE_THE_GUARD = {"milai", "milai.__main__", "milai.errors", "milai.netguard"}


def _start_up_modules() -> set[str]:
    bare = subprocess.run(
        [sys.executable, "-c", "import json, sys; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return set(json.loads(bare.stdout))


def test_cli_entry_point_installs_the_guard_before_importing_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-c", ENTRY_POINT_SPY],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    *help_text, report_line = result.stdout.splitlines()
    assert any("Usage" in line for line in help_text), result.stdout
    report = json.loads(report_line)
    assert report["loaded"], "the entry point never installed the guard"
    # What the interpreter loads at start-up and the standard library aside (nothing there
    # opens a socket on import), only the guard and what it needs.
    early = {
        name
        for name in set(report["loaded"]) - _start_up_modules()
        if name.partition(".")[0] not in sys.stdlib_module_names
    }
    assert early <= ALLOWED_BEFORE_THE_GUARD, sorted(early - ALLOWED_BEFORE_THE_GUARD)
    assert report["refused"], "the guard does not hold after the CLI ran"
