"""The no-network guard: an interpreter audit hook that refuses sockets and name lookups.

Installed by ``milai.__main__`` before anything else is imported. Audit hooks cannot be
removed, so once installed the guard holds for the life of the process.
"""

from __future__ import annotations

import sys
from typing import Any

from milai.errors import NetworkRefused

_REFUSED_EVENTS = frozenset(
    {
        "socket.__new__",
        "socket.bind",
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.getnameinfo",
        "socket.sendto",
        "socket.sendmsg",
    }
)

_installed = False


def _refuse_network(event: str, args: tuple[Any, ...]) -> None:
    if event in _REFUSED_EVENTS:
        raise NetworkRefused(
            f"network access refused ({event}): milai never uses the network",
            hint="this is an air-gapped tool; report what tried to connect",
        )


def install() -> None:
    """Install the guard once; later calls do nothing."""
    global _installed
    if not _installed:
        sys.addaudithook(_refuse_network)
        _installed = True


def is_installed() -> bool:
    return _installed
