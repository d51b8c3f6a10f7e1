"""Lists of markings on one line, in brackets: ``["SECRET", "REL TO USA, FVEY"]``,
``{ SECRET, TOP_SECRET }``, ``("UNCLASSIFIED", "SECRET")``, an SQL row.

One rule decides both ways. A list whose items are all markings or caveats, its markings
of one level, is a marking (with its caveats). A list of two or more distinct levels is a
vocabulary (an enum, a tuple of choices, a scale), not a marking: nothing in it counts,
whatever else reads it (a banner line, a cell).

A union of quoted strings (``type Level = 'RESTRICTED' | 'SECRET'``, TypeScript's and
Python's typing ``|``) joins the rule on the vocabulary side only: two levels or more are
a vocabulary; a union of one level is no marking list (it is a type), and is left to the
other readers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from milai._lazyre import lazy_compile

if TYPE_CHECKING:
    from milai.policy.schema import MarkingSpec

# A bracketed run without brackets inside; the possessive run stops at the first bracket,
# so each open bracket costs the run up to the next one (linear on any line).
LIST_RE = lazy_compile(r"[\[({](?P<items>[^\[\](){}\n]{1,400}+)[\])}]")
# One item, quoted or bare, then a comma or the end of the list.
_ITEM_RE = lazy_compile(
    r"(?:\"(?P<double>[^\"\n]{0,200}+)\"|'(?P<single>[^'\n]{0,200}+)'"
    r"|`(?P<tick>[^`\n]{0,200}+)`|(?P<bare>[^,\"'`\n]{0,200}+))[^\S\n]{0,40}+(?:,|\Z)"
)
# Two quoted strings or more joined by "|" on one line (a union type). Each item is one
# quoted run (possessive, no quote inside), so an attempt costs at most its chain.
_QUOTED = r"(?:\"[^\"\n]{0,200}+\"|'[^'\n]{0,200}+'|`[^`\n]{0,200}+`)"
UNION_RE = lazy_compile(_QUOTED + r"(?:[^\S\n]{0,40}+\|[^\S\n]{0,40}+" + _QUOTED + ")++")
_UNION_ITEM_RE = lazy_compile(_QUOTED)
# A regular expression's group of alternatives (``(TOP SECRET|SECRET|CONFIDENTIAL)``,
# ``(?:SECRET|CONFIDENTIAL)``, ``(?P<level>…|…)``), or a quoted string that is nothing but
# alternatives (``r"SECRET|CONFIDENTIAL"``): two items or more, no bracket inside.
_ALTERNATIVE = r"[^()\[\]|\n\"'`]{1,200}+"
ALTERNATION_RE = lazy_compile(
    r"\((?:\?(?::|P?<[A-Za-z_]\w{0,30}+>|[aiLmsux]{1,6}+:))?"
    r"(?P<group>" + _ALTERNATIVE + r"(?:\|" + _ALTERNATIVE + r")++)\)"
    r"|(?P<quote>[\"'`/])(?P<string>" + _ALTERNATIVE + r"(?:\|" + _ALTERNATIVE + r")++)(?P=quote)"
)
# An optional group glued before or after the alternatives (``(?:NATO )?(SECRET|…)``,
# ``(SECRET|…)(?: UE)?``): the same expression.
_OPTIONAL_BEFORE_RE = lazy_compile(r"\((?:\?:)?[^()|\n]{1,60}+\)[?*]\Z")
_OPTIONAL_AFTER_RE = lazy_compile(r"\((?:\?:)?[^()|\n]{1,60}+\)[?*]")
# A regular expression's anchors and escapes at an alternative's ends (``\bSECRET``, ``^``).
_ANCHORS_RE = lazy_compile(r"\A(?:\\[bBAZ<>]|[\^$])++|(?:\\[bBAZ<>]|[\^$])++\Z")
# Where one list's items are the columns of the next ones (an SQL row: INSERT INTO t
# (a, classification) VALUES ('x', 'SECRET')).
_VALUES_RE = lazy_compile(r"[^\S\n]{0,40}+values[^\S\n]{0,40}+\Z", re.IGNORECASE)


class Item(NamedTuple):
    """An item of a list: its text (quotes off) and span in the line."""

    text: str
    start: int
    end: int


class ListRead(NamedTuple):
    """A list on a line: its span, its items, the marking of each (None: no marking)."""

    start: int
    end: int
    items: tuple[Item, ...]
    markings: tuple[MarkingSpec | None, ...]

    @property
    def vocabulary(self) -> bool:
        """Two or more distinct levels: a vocabulary, not a marking."""
        return len({m.level for m in self.markings if m is not None}) >= 2


def items(line: str, start: int, end: int) -> tuple[Item, ...] | None:
    """The items of ``line[start:end]`` (a list's content): two or more, or None."""
    found: list[Item] = []
    at = start
    content = line[:end]
    while at < end:
        while at < end and content[at] in " \t":
            at += 1
        match = _ITEM_RE.match(content, at)
        if match is None or match.end() == at:
            return None
        group = match.lastgroup or "bare"
        text = match.group(group)
        item_start, item_end = match.span(group)
        if group == "bare":
            stripped = text.strip()
            item_start += len(text) - len(text.lstrip())
            item_end = item_start + len(stripped)
            text = stripped
        found.append(Item(text, item_start, item_end))
        at = match.end()
    if content[end - 1 : end] == ",":
        found.append(Item("", end, end))
    return tuple(found) if len(found) >= 2 else None


def lists(line: str, read: Callable[[str], MarkingSpec | None]) -> list[ListRead]:
    """The bracketed lists of two items or more on ``line`` (original text), each item
    with the marking that ``read`` finds it to be."""
    found: list[ListRead] = []
    if "," not in line:
        return found
    for match in LIST_RE.finditer(line):
        start, end = match.span("items")
        if "," not in match.group("items"):
            continue
        parts = items(line, start, end)
        if parts is None:
            continue
        found.append(
            ListRead(match.start(), match.end(), parts, tuple(read(i.text) for i in parts))
        )
    return found


def unions(line: str, read: Callable[[str], MarkingSpec | None]) -> list[ListRead]:
    """The unions of quoted strings on ``line`` (``'RESTRICTED' | 'SECRET'``), each item
    (quotes off) with the marking that ``read`` finds it to be."""
    found: list[ListRead] = []
    if "|" not in line:
        return found
    for match in UNION_RE.finditer(line):
        parts = tuple(
            Item(quoted.group()[1:-1], quoted.start() + 1, quoted.end() - 1)
            for quoted in _UNION_ITEM_RE.finditer(line, match.start(), match.end())
        )
        found.append(
            ListRead(match.start(), match.end(), parts, tuple(read(i.text) for i in parts))
        )
    return found


def alternations(line: str, read: Callable[[str], MarkingSpec | None]) -> list[ListRead]:
    """The alternatives of a regular expression on ``line`` (``(TOP SECRET|SECRET)``,
    ``r"SECRET|CONFIDENTIAL"``), each with the marking that ``read`` finds it to be; the
    span takes in an optional group glued on either side (``(?:NATO )?``)."""
    found: list[ListRead] = []
    if "|" not in line:
        return found
    for match in ALTERNATION_RE.finditer(line):
        group = "group" if match.group("group") is not None else "string"
        at = match.start(group)
        parts: list[Item] = []
        for piece in match.group(group).split("|"):
            text = _ANCHORS_RE.sub("", piece).strip()
            parts.append(Item(text, at, at + len(piece)))
            at += len(piece) + 1
        start, end = match.span()
        before = _OPTIONAL_BEFORE_RE.search(line, max(0, start - 66), start)
        after = _OPTIONAL_AFTER_RE.match(line, end)
        start = before.start() if before is not None else start
        end = after.end() if after is not None else end
        found.append(ListRead(start, end, tuple(parts), tuple(read(i.text) for i in parts)))
    return found


def vocabulary_spans(line: str, read: Callable[[str], MarkingSpec | None]) -> list[tuple[int, int]]:
    """The spans of ``line`` that are vocabularies: lists, unions of quoted strings or a
    regular expression's alternatives, of two or more levels."""
    return [
        (found.start, found.end)
        for found in (*lists(line, read), *unions(line, read), *alternations(line, read))
        if found.vocabulary
    ]


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` lies inside one of ``spans``."""
    return any(low <= start and end <= high for low, high in spans)


def column_values(reads: list[ListRead], line: str, is_label: Callable[[str], bool]) -> list[Item]:
    """Values of a labelled column in SQL rows: when a list of names (one of them a
    classification label) is followed on its line by ``VALUES`` and lists of as many
    items, each such list's item in that column."""
    found: list[Item] = []
    for number, columns in enumerate(reads):
        labelled = [index for index, item in enumerate(columns.items) if is_label(item.text)]
        if not labelled:
            continue
        following = reads[number + 1 :]
        if not following or _VALUES_RE.match(line, columns.end, following[0].start) is None:
            continue
        for row in following:
            if len(row.items) == len(columns.items):
                found += [row.items[index] for index in labelled]
    return found


def marking_items(read: ListRead) -> list[tuple[Item, MarkingSpec]]:
    """The markings of a list that is a marking: its markings of one level, every other
    item in capitals as caveats are (``"REL TO USA, FVEY"``, ``"NOFORN"``, ``"GBR"``) or
    empty. None of them when it is anything else (a vocabulary, a list of words)."""
    found: list[tuple[Item, MarkingSpec]] = []
    for item, marking in zip(read.items, read.markings, strict=True):
        if marking is not None:
            found.append((item, marking))
        elif any(ch.islower() for ch in item.text):
            return []
    if len({marking.level for _, marking in found}) != 1:
        return []
    return found
