"""A marking spelled down a structure, one letter or one word per unit: the items of a
list (``1. TOP`` / ``2. SECRET``), paragraphs (``S``, a blank line, ``E``…), the rows of a
table's column (``| N | north |`` / ``| A | alpha |``…), the values of consecutive keys
(``{"1": "S", "2": "E", …}``, one per line or on one line). A reader reads such a
structure top to bottom (a line of pairs, left to right) and so joins its units; the gate
does too.

A line is cut into cells at ``|``, commas, semicolons and tabs (not those that indent it);
a cell is a unit when it holds one letter or one word, after a list marker, a key and its
``:`` or ``=``, quotes and emphasis. Units of the same column on consecutive lines (up to
two blank lines between) make a run; so do the pair values of one line. A run is read from
each of its units in turn: the longest stretch of two units or more whose letters, squeezed
as a marking's key is, are a marking's own key (not its reversed or rot13 spelling). The
reader decides a start once the stretch from it can grow no more (its letters are no key's
prefix), so a stream reads what the whole text reads, and holds back only the units of a
stretch that may still grow.

Only units written in capitals count (``detect._unit_in_capitals``): real markings are
printed so, and a list of words in prose case (``1. Top`` / ``2. Secret garden``) is a
list, not a banner.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import NamedTuple

from milai._lazyre import lazy_compile
from milai.policy.normalise import LINE_BREAKS

# Where a line is cut into cells.
CELL_SPLIT_RE = lazy_compile(r"[|\t,;]")
# The blanks at most between two units of a run (paragraphs, a loose list).
MAX_BLANK_LINES = 2
# A unit's cell: an opening bracket (a one-line object), a list marker, a key, quotes or
# emphasis, one token (a letter, a word, a word with hyphens: VS-NfD), closing marks.
# Each part is a bounded run that the next part cannot start with, taken possessively (a
# key's words before its ":", the token's characters before its closing marks), or a short
# alternation, so a cell costs a bounded number of attempts per character.
# A Roman numeral is a marker too (``i.``, ``iv)``, ``XII.``), up to 39.
_MARKER = r"(?:\d{1,3}[.)]|[a-z][.)]|[ivx]{2,6}+[.)]|[IVX]{1,6}+[.)]|\(\w{1,3}\)|[-*+.#>]{1,3})"
_KEY = (
    r"(?:\"[^\"\n]{0,40}+\"|'[^'\n]{0,40}+'"
    r"|[\w.\-]{1,40}+(?:[^\S\n][\w.\-]{1,40}+){0,3}+)"
)
_OPENING = r"[\"'`*~<\[(]{0,4}+"
_UNIT_WORD = r"(?P<token>[\w$@!]{1,40}+(?:[-.][\w$@!]{1,40}+){0,3}+)"
_CLOSING = r"[\"'`*~>\])}.:?]{0,4}+"
CELL_RE = lazy_compile(
    r"[^\S\n]{0,80}+[\[{(]?[^\S\n]{0,8}+"
    rf"(?:{_MARKER}[^\S\n]{{1,8}}+)?"
    rf"(?:(?P<key>{_KEY})[^\S\n]{{0,8}}+[:=][^\S\n]{{0,8}}+)?"
    rf"{_OPENING}{_UNIT_WORD}{_CLOSING}[^\S\n]{{0,8}}+[\]}})]?[^\S\n]{{0,80}}+"
)
# Where a cell that may be a unit begins, after a new line or a separator (searched from
# that character: a class of first characters is found fast). A tab is a blank in the
# views: a tab-separated line is found in the original text.
CANDIDATE_RE = lazy_compile(r"[\n|,;]" + CELL_RE.pattern + r"(?=[\n|,;])")
# A cell with a letter, a digit or a leetspeak symbol that may stand for one (``$``, ``@``,
# ``!``): not a blank, a rule (``|---|``) or an empty cell.
CONTENT_RE = lazy_compile(r"[^\W_]|[$@!]")
# What may close a unit's word: quotes, emphasis, brackets, a full stop, blanks.
_CLOSING_CHARS = frozenset("\"'`*~>])}.:? \t")
_WORD_CHARS = frozenset("$@!-.")
_LONGEST_WORD = 200


class Unit(NamedTuple):
    """A unit of a run: its letters squeezed (``key``), where it stands in the original
    text, where in the view (what a stream holds back), and whether it is one letter."""

    key: str
    start: int
    end: int
    at: int
    letter: bool = True


def cells(line: str, tabs: Sequence[int] = ()) -> list[tuple[int, int]]:
    """The spans of ``line``'s cells, in order (one cell when it has no separator); the
    offsets in ``tabs`` are separators too (tabs, which the views show as blanks)."""
    cuts = sorted([(found.start(), found.end()) for found in CELL_SPLIT_RE.finditer(line)])
    if tabs:
        cuts = sorted(cuts + [(tab, tab + 1) for tab in tabs if 0 <= tab < len(line)])
    spans = []
    start = 0
    for cut_start, cut_end in cuts:
        spans.append((start, cut_start))
        start = cut_end
    spans.append((start, len(line)))
    return spans


def cutting_tab(text: str, start: int, end: int) -> int:
    """The first tab in ``text[start:end]`` that cuts its line into cells, or -1: one
    after a character that is not a blank on its line (tabs that indent a line cut none)."""
    tab = text.find("\t", start, end)
    while tab >= 0:
        before = tab
        while before > 0 and text[before - 1] in " \t":
            before -= 1
        if before > 0 and text[before - 1] not in LINE_BREAKS:
            return tab
        tab = text.find("\t", tab + 1, end)
    return -1


def last_word(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of the word that ends ``text[start:end]`` (closing marks after it aside),
    or None when there is none; of a long word, its last ``_LONGEST_WORD`` characters
    (already more than any marking's key squeezes from)."""
    while end > start and text[end - 1] in _CLOSING_CHARS:
        end -= 1
    first = end
    while first > start and (text[first - 1].isalnum() or text[first - 1] in _WORD_CHARS):
        first -= 1
        if end - first >= _LONGEST_WORD:
            break
    return None if first == end else (first, end)


def _prefix_of_any(sorted_keys: Sequence[str], prefix: str) -> bool:
    at = bisect_left(sorted_keys, prefix)
    return at < len(sorted_keys) and sorted_keys[at].startswith(prefix)


def word_ends(words: Sequence[str]) -> frozenset[int]:
    """Where a key's words (squeezed) begin and end in the key: 0, then each word's end."""
    ends = {0}
    at = 0
    for word in words:
        at += len(word)
        ends.add(at)
    return frozenset(ends)


def _whole_words(units: Sequence[Unit], start: int, end: int, ends: frozenset[int]) -> bool:
    """Whether every unit of ``units[start:end]`` longer than a letter holds whole words of
    the key (``GEHE`` / ``IM`` is a word cut in two, not a word a unit)."""
    at = 0
    for unit in units[start:end]:
        after = at + len(unit.key)
        if not unit.letter and (at not in ends or after not in ends):
            return False
        at = after
    return True


def read_run(
    units: Sequence[Unit],
    sorted_keys: Sequence[str],
    keys: dict[str, frozenset[int]],
    final: bool,
) -> tuple[list[tuple[int, int, str]], int]:
    """The markings spelled by ``units``: (first unit, unit after the last, key) of each,
    and how many leading units are decided (no later unit can change what they read).

    From each unit in turn, the longest stretch of two units or more, one letter or whole
    words of the key each (``keys`` gives each key's word ends), whose joined keys are a
    marking's key; after a marking, the next start is the unit after it. A start is
    decided once its joined keys are no key's prefix, or at the run's end (``final``)."""
    found: list[tuple[int, int, str]] = []
    start = 0
    count = len(units)
    while start < count:
        joined = ""
        best: tuple[int, str] | None = None
        end = start
        while end < count:
            joined += units[end].key
            end += 1
            if not _prefix_of_any(sorted_keys, joined):
                break
            ends = keys.get(joined)
            if end - start >= 2 and ends is not None and _whole_words(units, start, end, ends):
                best = (end, joined)
        else:
            if not final:
                return found, start  # the stretch from here may still grow
        if best is None:
            start += 1
        else:
            found.append((start, best[0], best[1]))
            start = best[0]
    return found, start
