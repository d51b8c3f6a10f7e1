"""The guard's two openings for remote engines stay narrow: one pinned IP and port, one name
lookup during ``engine add``; everything else is refused as before."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import pytest

from tests.cli.fixtures import run_traced
from tests.remote.conftest import REPLY, FakeServer, Home


def guarded(code: str) -> list[str]:
    script = "from milai import netguard\nnetguard.install()\n" + textwrap.dedent(code)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


ATTEMPT = """
    import socket
    from milai.errors import NetworkRefused
    def attempt(label, action):
        try:
            action()
        except NetworkRefused as refused:
            print(label, "refused", refused.message.split(")")[0] + ")")
        except OSError as error:
            print(label, "allowed", type(error).__name__)
        else:
            print(label, "allowed")
"""


def test_only_the_allowed_destination_is_reached(fake_server: FakeServer) -> None:
    port = fake_server.port
    lines = guarded(
        ATTEMPT
        + f"""
    attempt("before", lambda: socket.create_connection(("127.0.0.1", {port})))
    netguard.allow("127.0.0.1", {port})
    attempt("allowed", lambda: socket.socket().connect(("127.0.0.1", {port})))
    attempt("other-port", lambda: socket.socket().connect(("127.0.0.1", {port + 1})))
    attempt("other-host", lambda: socket.socket().connect(("127.0.0.2", {port})))
    attempt("by-name", lambda: socket.socket().connect(("localhost", {port})))
    attempt("lookup", lambda: socket.getaddrinfo("localhost", {port}))
    attempt("create_connection", lambda: socket.create_connection(("127.0.0.1", {port})))
    attempt("udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
    attempt("unix", lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM))
    attempt("bind", lambda: socket.socket().bind(("127.0.0.1", 0)))
    with netguard.resolving("localhost"):
        attempt("resolving", lambda: socket.getaddrinfo("localhost", {port}))
        attempt("resolving-other", lambda: socket.getaddrinfo("example.org", 80))
    attempt("after", lambda: socket.getaddrinfo("localhost", {port}))
    """
    )
    assert lines == [
        "before refused network access refused (socket.getaddrinfo)",
        "allowed allowed",
        "other-port refused network access refused (socket.connect)",
        "other-host refused network access refused (socket.connect)",
        "by-name refused network access refused (socket.connect)",
        "lookup refused network access refused (socket.getaddrinfo)",
        "create_connection refused network access refused (socket.getaddrinfo)",
        "udp refused network access refused (socket.__new__)",
        "unix refused network access refused (socket.__new__)",
        "bind refused network access refused (socket.bind)",
        "resolving allowed",
        "resolving-other refused network access refused (socket.getaddrinfo)",
        "after refused network access refused (socket.getaddrinfo)",
    ]


def test_a_bad_allowance_is_refused() -> None:
    lines = guarded(
        """
    for address, port in (("localhost", 80), ("127.0.0.1", 0), ("127.0.0.1", 70000)):
        try:
            netguard.allow(address, port)
        except ValueError:
            print("refused", address, port)
    print(netguard.allowed())
    """
    )
    assert lines == [
        "refused localhost 80",
        "refused 127.0.0.1 0",
        "refused 127.0.0.1 70000",
        "[]",
    ]


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_a_whole_remote_run_reaches_exactly_one_destination(
    home: Home, fake_server: FakeServer
) -> None:
    added = home.milai("engine", "add", "fake", "--url", fake_server.url, "--level", "UNCLASSIFIED")
    assert added.returncode == 0, added.stderr
    trace = home.path.parent / "trace.txt"
    env = {"MILAI_HOME": str(home.path), "MILAI_KEY_FILE": str(home.key)}
    result = run_traced(trace, "run", "--model", "fake", "hello", env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "".join(REPLY) + "\n"
    calls = [line.split(None, 1)[1] for line in trace.read_text().splitlines() if "(" in line]
    connects = [call for call in calls if call.startswith("connect(")]
    assert len(connects) == 1, calls
    assert f"sin_port=htons({fake_server.port})" in connects[0]
    assert 'sin_addr=inet_addr("127.0.0.1")' in connects[0]
    sockets = [call for call in calls if call.startswith("socket(")]
    assert len(sockets) == 1 and "AF_INET, SOCK_STREAM" in sockets[0], calls
    assert not [call for call in calls if call.startswith(("bind(", "sendmsg(", "listen("))]
