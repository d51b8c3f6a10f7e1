"""A whole document written in base64 inside a text (Microsoft Graph's ``"contentBytes":
"UEsDB…"``, a ``data:application/pdf;base64,…`` URI, an ``<attachment
encoding="base64">`` wrapped over lines): a run that starts as a zip (``UEsDB``: Word,
OpenDocument) or a PDF (``JVBERi0``) is decoded when it ends, opened by the documents
reader (its own limits) and its text scanned as a text of its own; its findings land on
the run (``documents._base64_documents`` does the same for a file read as a document).

The stream holds the run from its first character until it ends: the document's words
are known only then. A run is base64 characters (JSON's ``\\/`` and ``\\n`` escapes too),
its lines apart by blanks; it ends at its padding, at anything else, or after a line
shorter than 16 characters (its last, or a word of prose after it: read with it, and
without it when that does not open). Read incrementally: each character is looked at
once, however the run arrives; a run longer than ``MAX_RUN_CHARS`` is given up (not held
further) and the check blocks (``_budget.refuse``: rule ``decompression-budget``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from milai import _budget
from milai._lazyre import lazy_compile
from milai.documents._base64_runs import MIN_LINE, START_RE, STARTS

if TYPE_CHECKING:
    from milai.policy.detect import Scanner

MAX_RUN_CHARS = 24 << 20  # a document of 16 MiB or so, in base64: held whole at most
_RUN_CHARS_RE = lazy_compile(r"[A-Za-z0-9+/_\\-]*")
_GAP_RE = lazy_compile(r"[ \t\r\n]*")


class RunState:
    """Where the unit stands: ``looked`` (original offset) searched for a run's start, and
    ``floor``, before which no run starts (the end of the last run read: a search looks back
    a few characters for a start cut by a chunk, never into a run already read); an open
    run's start, where its current line started, where its last complete line ended, and
    how far it is read."""

    __slots__ = ("at", "floor", "line_start", "lines_end", "looked", "run_start")

    def __init__(self) -> None:
        self.looked = 0
        self.floor = 0
        self.run_start = -1
        self.line_start = -1
        self.lines_end = -1  # the end of the run's lines before the current one
        self.at = -1


def _tail_prefix(text: str) -> int:
    """How many characters at the end of ``text`` could begin a run's start."""
    for size in range(min(len(text), 6), 0, -1):
        tail = text[-size:]
        if any(start.startswith(tail) for start in STARTS):
            return size
    return 0


def hold_from(scanner: Scanner, state: RunState) -> int:
    """The original offset before which no finding of this reading can start."""
    if state.run_start >= 0:
        return state.run_start
    base = scanner.orig_base
    tail = scanner.orig[max(0, state.looked - base - 8) :]
    return scanner.orig_end - _tail_prefix(tail)


def needed_from(state: RunState) -> int:
    """The original offset from which the reading still needs the original text."""
    if state.run_start >= 0:
        return state.run_start
    return max(0, state.looked - 8)


def scan_runs(scanner: Scanner, state: RunState, final: bool, read: _Read, unread: _Unread) -> None:
    """Look at what arrived since the last scan; each run that ended is read (``read``:
    its text, start and end; True when it opened, False when it is no document, None when
    it is one that does not open: then, read neither with its last line nor without it,
    ``unread`` is told its start and end)."""
    base = scanner.orig_base
    orig = scanner.orig
    end = scanner.orig_end
    while True:
        if state.run_start < 0:
            since = max(base, state.looked - 8, state.floor)
            chunk = orig[since - base :]
            if "UEsDB" not in chunk and "JVBERi0" not in chunk:
                state.looked = end
                return
            found = START_RE.search(orig, since - base)
            if found is None:
                state.looked = end
                return
            state.run_start = state.line_start = state.at = base + found.start()
            state.lines_end = -1
        ended = _read_on(orig, base, end, state, final)
        if ended is None:
            if state.at - state.run_start > MAX_RUN_CHARS:
                _budget.refuse()  # given up unread: what it holds is unknown, it blocks
                state.looked = state.floor = state.at
                state.run_start = -1
            return
        start, lines_end = state.run_start, state.lines_end
        state.run_start = -1
        state.looked = state.floor = max(ended, start + 1)
        if ended - start > MAX_RUN_CHARS:
            _budget.refuse()
            continue
        opened = read(orig[start - base : ended - base], start, ended)
        if not opened and lines_end > start:
            # its last line may be a word after it (``…AAAA thanks``): without it
            again = read(orig[start - base : lines_end - base], start, ended)
            opened = True if again else None if None in (opened, again) else False
        if opened is None:
            unread(start, ended)


def _read_on(orig: str, base: int, end: int, state: RunState, final: bool) -> int | None:
    """Read the open run on from ``state.at``; where it ends, or None while it may go on."""
    while True:
        run = _RUN_CHARS_RE.match(orig, state.at - base)
        at = state.at if run is None else base + run.end()  # ``*``: it always matches
        state.at = at
        if at >= end and not final:
            return None
        line = at - state.line_start
        if state.lines_end >= 0 and line < MIN_LINE:
            # A short line: the run's last, or a word after it (prose): read both ways
            # (``scan_runs``); the run goes on no further.
            return at
        if at < end and orig[at - base] == "=":
            pads = 1 + (at + 1 < end and orig[at + 1 - base] == "=")
            if at + pads >= end and not final and pads < 2:
                return None  # one "=" so far: a second may follow
            return at + pads
        if at >= end or orig[at - base] not in " \t\r\n":
            return at
        gap = _GAP_RE.match(orig, at - base)
        after = at if gap is None else base + gap.end()
        if after >= end and not final:
            return None  # the next line may follow: wait (re-read from the gap)
        state.lines_end = at
        state.line_start = state.at = after
        if after >= end:
            return at


def document_text(data: bytes) -> str | None:
    """The text of the document ``data``, read by the documents reader; None when it does
    not read (damaged, refused, too large, or documents nested in it too deep to open)."""
    from milai.documents import DocumentError, read_document

    if _budget.room() == 0:
        return None
    try:
        document = read_document(data, "base64 document")
    except DocumentError:
        return None
    except (RecursionError, MemoryError, ValueError):
        return None
    if document.unread:  # documents nested in it past the reader's depth: not read whole
        return None
    text = document.text
    if not _budget.take(len(text)):  # a few bytes of zip open to pages: charged as unpacked
        return None
    return text


if TYPE_CHECKING:
    from collections.abc import Callable

    _Read = Callable[[str, int, int], bool | None]
    _Unread = Callable[[int, int], None]
