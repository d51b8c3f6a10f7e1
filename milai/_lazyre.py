"""Regular expressions compiled when first used.

Most of the gate's patterns serve kinds of text that a given check never sees (a 1 KB
everyday text needs few of them), and ``re`` parses and compiles a pattern in pure Python,
a few milliseconds per kilobyte, at every start.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, cast

# What a compiled pattern offers, forwarded by ``_LazyPattern``.
_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split")


class _LazyPattern:
    """Stands for ``re.compile(pattern, flags)``: compiles it when one of its methods is
    first called, then keeps the compiled pattern's bound methods as its own attributes
    (they shadow the class's forwarding methods), so that every later call costs one
    attribute lookup, as a compiled pattern's does. Two threads may both compile it: the
    results are equal."""

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self.given_flags = flags  # as given; ``flags`` is the compiled pattern's
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiled now if it was not yet)."""
        compiled = self._compiled
        if compiled is None:
            compiled = re.compile(self.pattern, self.given_flags)
            for name in _METHODS:
                setattr(self, name, getattr(compiled, name))
            self._compiled = compiled
        return compiled

    @property
    def flags(self) -> int:
        return self.compiled().flags

    @property
    def groups(self) -> int:
        return self.compiled().groups

    @property
    def groupindex(self) -> Any:
        return self.compiled().groupindex

    def __repr__(self) -> str:
        return f"lazy_compile({self.pattern!r})"


def _forward(name: str) -> Callable[..., Any]:
    def method(self: _LazyPattern, *args: Any, **kwargs: Any) -> Any:
        return getattr(self.compiled(), name)(*args, **kwargs)

    method.__name__ = name
    return method


for _name in _METHODS:
    setattr(_LazyPattern, _name, _forward(_name))


def lazy_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled when first used.

    The result has a compiled pattern's methods and ``pattern``, ``flags``, ``groups``
    and ``groupindex``; it is not an ``re.Pattern`` instance (``re``'s own functions
    and ``isinstance`` do not take it), so use it for a module's or object's own
    patterns, through their methods.
    """
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))
