"""What one check may unpack in all: its decompression budget.

A few bytes of gzip, or of a zip (a Word document written in base64), open to a megabyte
of text, and what opens may hold more of them: each payload is bounded on its own, but
nested payloads multiply. So the gate gives each check one ``Budget`` (the top scanner
owns it, ``budgeted`` makes it current while the scanner reads), and every decompression
made meanwhile, at any depth, is charged to it: ``policy.decoders.inflate``, the zip
members a document reader unpacks, the text of a document opened inside the text. Past it
nothing more is opened, and ``refused`` says so: the scanner reports it, and the check
blocks (what was not read may hold anything). Outside a check (``milai check`` of a Word
file, read by ``documents`` under its own ``Limits``) no budget applies.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

LEAST = 4 << 20  # bytes a check may unpack, whatever its length
RATIO = 16  # and this many more for each character of its text read so far


class Budget:
    """One check's budget: ``LEAST`` bytes and ``RATIO`` more a character read (``allow``)."""

    __slots__ = ("allowance", "refused", "used")

    def __init__(self) -> None:
        self.allowance = LEAST
        self.used = 0
        self.refused = False

    def allow(self, characters: int) -> None:
        self.allowance = LEAST + RATIO * characters


_CURRENT: ContextVar[Budget | None] = ContextVar("milai_budget", default=None)


@contextmanager
def budgeted(budget: Budget) -> Iterator[None]:
    """Charge what is unpacked meanwhile (in this thread or task) to ``budget``."""
    token = _CURRENT.set(budget)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def room() -> int | None:
    """What the current check may still unpack; None outside a check. At 0, nothing more
    is opened, and the budget says it refused."""
    budget = _CURRENT.get()
    if budget is None:
        return None
    left = max(0, budget.allowance - budget.used)
    if left == 0:
        budget.refused = True
    return left


def take(amount: int) -> bool:
    """Charge ``amount`` bytes unpacked; False (and refused) when that goes past the budget."""
    budget = _CURRENT.get()
    if budget is None:
        return True
    budget.used += amount
    if budget.used > budget.allowance:
        budget.refused = True
        return False
    return True


def refuse() -> None:
    """Say that something was left unread for the current check's bounds (it blocks)."""
    budget = _CURRENT.get()
    if budget is not None:
        budget.refused = True
