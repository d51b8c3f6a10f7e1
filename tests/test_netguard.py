"""Nothing leaves the machine: the audit hook refuses sockets and name lookups."""

from __future__ import annotations

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


def test_cli_entry_point_installs_the_guard_first() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.argv=['milai','--version']; "
            "from milai.__main__ import main\n"
            "try:\n main()\nexcept SystemExit:\n pass\n"
            "from milai import netguard; print(netguard.is_installed())",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.splitlines() == ["milai 0.1.0", "True"]
