"""Tracked changes pasted as text: Word's reviewing pane (``[Inserted: …]``,
``[Deleted: …] UNCLASSIFIED``, in the languages the gate reads) and CriticMarkup
(``{~~UNCLASSIFIED~>SECRET~~}``, ``{++…++}``, ``{--…--}``).

The changed text is what a reader of the document reads as a line: each pane's text is
read again as a text of its own, so that everything the readers find at a line's start
(markup around a banner, BBCode, a title before it, a strike, a comment, a page number
glued to it, an indent) counts there too. A pane is found from its opener in a
lower-cased one-byte copy of the text (one search, its first byte a literal); its text
runs to the bracket that closes it on its line (brackets inside it counted), or to the
line's end. A pane in rot13 (``[Qryrgrq: FRPERG]``) is found from its turned words.
"""

from __future__ import annotations

import codecs
import re
from functools import cache

_WORDS = (
    "deleted",
    "inserted",
    "moved",
    "formatted",
    "gelöscht",
    "eingefügt",
    "supprimé",
    "inséré",
    "verwijderd",
    "ingevoegd",
)
_ENGLISH = _WORDS[:4]
_TURNED = tuple(codecs.encode(word, "rot13") for word in _ENGLISH)
_OPENER_SOURCE = (
    rb"\[[ \t]{0,3}(?:"
    + b"|".join(word.encode("latin-1") for word in (*_WORDS, *_TURNED))
    + rb")[ \t]{0,3}:|\{~~|\{\+\+|\{--"
)


@cache
def _opener() -> re.Pattern[bytes]:
    """The openers' pattern, compiled on first need (a bytes pattern)."""
    return re.compile(_OPENER_SOURCE)


# Each Latin-1 byte to its lower case (every one lowers to one Latin-1 byte).
_LOWER = bytes(ord(chr(code).lower()) for code in range(256))
_CLOSERS = {"{~~": "~~}", "{++": "++}", "{--": "--}"}
OPENER_REACH = 24  # the longest opener, blanks included, and a byte more


def _search(lowered: bytes, start: int) -> re.Match[bytes] | None:
    """The first opener in ``lowered`` from ``start``: one search, whose first byte is a
    bracket or a brace (``re`` skips to those in C; a Python loop over every bracket of a
    JSON text cost 7x as much)."""
    return _opener().search(lowered, start)


def _pane_end(text: str, start: int, end: int, opener: str) -> tuple[int, int]:
    """Where the pane whose text starts at ``start`` ends (the text's end, the closer's
    end), on its line (up to ``end``)."""
    closer = _CLOSERS.get(opener)
    if closer is not None:
        at = text.find(closer, start, end)
        return (at, at + len(closer)) if at >= 0 else (end, end)
    depth = 1
    for at in range(start, end):
        ch = text[at]
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return at, at + 1
    return end, end


def panes(text: str, raw: bytes) -> list[tuple[int, int, str]]:
    """The panes of ``text`` (``raw``: its one-byte copy), line by line: (where the
    line's first pane opens, where its last pane's text ends, the panes' texts, each a
    line, and each side of a CriticMarkup substitution a line): one reading a line. A pane
    without a capital letter is prose (``The recipe is {~~secret~>well known~~}``), as a
    cell in lower case is: it is not read again."""
    lowered = raw.translate(_LOWER)
    found: list[tuple[int, int, str]] = []
    opener = _search(lowered, 0)
    line_end = -1
    texts: list[str] = []
    first = last = 0
    while opener is not None:
        start = opener.end()
        if start > line_end:  # a new line: the last one's panes are one text
            if texts:
                found.append((first, last, "\n".join(texts)))
            texts = []
            first = opener.start()
            line_end = text.find("\n", start)
            line_end = len(text) if line_end < 0 else line_end
        kind = text[opener.start() : opener.end()] if text[opener.start()] == "{" else "["
        inner_end, after = _pane_end(text, start, line_end, kind)
        inner = text[start:inner_end]
        if kind == "{~~":
            inner = inner.replace("~>", "\n")
        if any(ch.isupper() for ch in inner):  # prose case is prose: {~~secret~>known~~}
            texts.append(inner)
            last = inner_end
        elif not texts:
            first = after  # an empty pane opens nothing
        opener = _search(lowered, max(after, start))
    if texts:
        found.append((first, last, "\n".join(texts)))
    return found


def first_opener(raw: bytes, start: int = 0) -> int | None:
    """Where the first pane opens in ``raw`` (a one-byte copy) from ``start``."""
    opener = _search(raw.translate(_LOWER), start)
    return None if opener is None else opener.start()


def open_opener(text: str) -> int | None:
    """Where a bracket or brace near the end of the unfinished ``text`` may still open a
    pane (nothing closes it after it), or None."""
    low = max(0, len(text) - OPENER_REACH)
    at = max(text.rfind("[", low), text.rfind("{", low))
    if at < 0 or "]" in text[at:] or "}" in text[at:]:
        return None
    return at
