"""The network guard: an interpreter audit hook that refuses sockets and name lookups.

Installed by ``milai.__main__`` before anything else is imported. Audit hooks cannot be
removed, so once installed the guard holds for the life of the process.

Two narrow openings exist, both for remote engines an administrator configured:
``allow(address, port)`` lets TCP sockets connect to exactly that IP address and port (the
address pinned when the engine was added, read back from the vault), and ``resolving(host)``
lets ``engine add`` look up that one name while it pins the address. Everything else —
other destinations, host names given to ``connect``, UDP, binding, every other lookup — is
refused as before. The openings guard against accidents and libraries that phone home; code
running inside the process could call them too, as it could any other function.
"""

from __future__ import annotations

import _socket as socket  # the C module: ``socket`` costs ~10 ms at every start
import ipaddress
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from milai.errors import NetworkRefused

_REFUSED_EVENTS = frozenset(
    {
        "socket.bind",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.getnameinfo",
        "socket.sendto",
        "socket.sendmsg",
    }
)
_INTERNET_FAMILIES = frozenset({int(socket.AF_INET), int(socket.AF_INET6)})

_installed = False
_allowed: set[tuple[str, int]] = set()
_resolvable: set[str] = set()


def _refuse(event: str, why: str = "milai never uses the network") -> NetworkRefused:
    return NetworkRefused(
        f"network access refused ({event}): {why}",
        hint="this is an air-gapped tool; report what tried to connect",
    )


def _destination(address: object) -> tuple[str, int] | None:
    """``(ip, port)`` for an internet socket address whose host is an IP literal, else None
    (a host name given to ``connect`` would be resolved behind the guard's back)."""
    if not isinstance(address, tuple) or len(address) < 2:
        return None
    host, port = address[0], address[1]
    if not isinstance(host, str) or not isinstance(port, int):
        return None
    try:
        return str(ipaddress.ip_address(host)), port
    except ValueError:
        return None


def _guard(event: str, args: tuple[Any, ...]) -> None:
    if not event.startswith("socket."):
        return
    if event in _REFUSED_EVENTS:
        raise _refuse(event)
    if event == "socket.__new__":
        # (socket, family, type, proto): only TCP over IPv4/IPv6, and only once an engine
        # destination was allowed; where it may connect is decided at connect.
        family, kind = args[1], args[2]
        stream = isinstance(kind, int) and kind & socket.SOCK_STREAM == socket.SOCK_STREAM
        if not (_allowed and family in _INTERNET_FAMILIES and stream):
            raise _refuse(event)
    elif event == "socket.connect":
        destination = _destination(args[1])
        if destination is None or destination not in _allowed:
            raise _refuse(event, "only the configured engines may be reached")
    elif event == "socket.getaddrinfo":
        host = args[0]
        name = host.decode("ascii", "replace") if isinstance(host, bytes) else host
        if not (isinstance(name, str) and name.lower() in _resolvable):
            raise _refuse(event)


def allow(address: str, port: int) -> None:
    """Let TCP sockets connect to exactly ``address`` (an IP literal) and ``port``.

    Raises ``ValueError`` when ``address`` is not an IP address or ``port`` is out of range.
    """
    if not 0 < port < 65536:
        raise ValueError(f"port {port} is out of range")
    _allowed.add((str(ipaddress.ip_address(address)), port))


@contextmanager
def resolving(host: str) -> Iterator[None]:
    """Within the block, name lookups of ``host`` (and only it) are allowed."""
    name = host.lower()
    _resolvable.add(name)
    try:
        yield
    finally:
        _resolvable.discard(name)


def allowed() -> list[tuple[str, int]]:
    """The destinations allowed so far (for ``doctor`` and tests)."""
    return sorted(_allowed)


def install() -> None:
    """Install the guard once; later calls do nothing."""
    global _installed
    if not _installed:
        sys.addaudithook(_guard)
        _installed = True


def is_installed() -> bool:
    return _installed
