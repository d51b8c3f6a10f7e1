"""Text that a format labels, where a marking stands after the label's syntax (red team 12):

- **an iCalendar or vCard property's value** inside a calendar or a contact (after a
  ``BEGIN:VCALENDAR``, ``VEVENT``, ``VTODO``, ``VJOURNAL`` or ``VCARD`` line, until its
  ``END``): a labelled field, so a marking in capitals anywhere in it counts
  (``SUMMARY:Briefing NATO SECRET``, ``NOTE:Contact for SECRET UE matters``,
  ``CATEGORIES:Logistics,NATO SECRET``); each run of up to ``_RUN_WORDS`` words that start
  and end with a capital is a cell, the words cut at blanks, commas, semicolons and the
  format's backslash escapes (``\\,``, ``\\n``). ``CLASS:`` is an access class, no text;
- **an Org heading's title** without its TODO keyword, priority cookie and tags (``* TODO
  NATO CONFIDENTIAL``, ``** DONE [#A] SECRET UE annex``, ``* NATO SECRET :ops:plan:``),
  read as a heading's line is: the title, and its first words as a subject's;
- **a Markdown link reference definition's title** (``[1]: https://x.example/a "NATO
  SECRET"``, in single quotes or brackets too);
- **an XML processing instruction's text** (``<?classification NATO SECRET?>``): its
  content after the target, and its first words; its pseudo-attributes are quoted values,
  read as any (``<?security-marking level="SECRET UE"?>``). The XML declaration
  (``<?xml …?>``) and a stylesheet's link are markup.

Each candidate is a cell (``detect.CellUnit``), read as a line of its own: a whole marking
in capitals, as on a banner line (``SUMMARY:Secret Santa party``, ``* TODO secret recipe``,
``"The Secret History"`` stay prose).
"""

from __future__ import annotations

import re
from itertools import islice

from milai._lazyre import lazy_compile

# The lines that open and close a calendar's or a contact's components (RFC 5545, 6350).
_EDGE_RE = lazy_compile(
    r"[^\S\n]{0,64}(BEGIN|END)[^\S\n]{0,3}:[^\S\n]{0,3}"
    r"(?:VCALENDAR|VEVENT|VTODO|VJOURNAL|VCARD|VALARM|VFREEBUSY|VTIMEZONE)[^\S\n]{0,8}",
    re.I,
)
_MAX_DEPTH = 8
# A property line: its name in any case (RFC 5545 3.1; an access class's ``CLASS`` aside),
# a vCard group before it (``item1.``), its parameters, the colon and the value.
_PROPERTY_RE = lazy_compile(
    r"[^\S\n]{0,64}(?!CLASS[;:])(?:[A-Z][A-Z0-9\-]{0,40}\.)?[A-Z][A-Z0-9\-]{0,40}"
    r"(?:;[\w\-]{1,30}=(?:\"[^\"\n]{0,60}\"|[^;:\n\"]{0,60})){0,8}[^\S\n]{0,3}:",
    re.I,
)
# A value's words: cut at blanks, commas, semicolons and a backslash (an escape's).
_VALUE_WORD_RE = lazy_compile(r"[^\s,;\\]+")
_CAPITAL_RE = lazy_compile(r"[A-Z\u00c0-\u00de]")
# The most words of a cell in a value (the longest marking has four: VS-NUR FÜR DEN
# DIENSTGEBRAUCH, COSMIC TOP SECRET ATOMAL; one more for its caveat).
_RUN_WORDS = 5
_MAX_VALUE = 2000
# The most words with a capital a value's cells start at (each cell is a line's reading: a
# value written all in capitals costs that many); a marking after them is a known miss.
_MAX_STARTS = 48

# An Org heading's start: its stars, a TODO keyword in capitals (the usual ones, and
# those configurations commonly add), a priority cookie; the title runs to the line's end,
# less its tags (``_ORG_TAGS_RE``, the last word).
_ORG_HEADING_RE = lazy_compile(
    r"\*{1,12}[^\S\n]+"
    r"(?P<keyword>(?:TODO|DONE|NEXT|WAIT|WAITING|HOLD|STARTED|DOING|ACTIVE|IN-PROGRESS"
    r"|INPROGRESS|CANCELLED|CANCELED|KILL|KILLED|SOMEDAY|MAYBE|DELEGATED|PROJ|PROJECT"
    r"|FIXME|FIXED|BUG|REPORT|IDEA|REVIEW|BLOCKED|PENDING|DEFERRED|OPEN|CLOSED|COMMENT"
    r"|APPT|MEETING|PHONE|NOTE)[^\S\n]+)?"
    r"(?P<priority>\[#[A-Z0-9]{1,2}\][^\S\n]+)?"
    r"(?=\S)"
)
_ORG_TAGS_RE = lazy_compile(r":(?:[\w@#%]{1,40}:){1,16}")
_MAX_TITLE = 400
_TITLE_WORD_RE = lazy_compile(r"\S+")
_FIRST_WORDS = 4

# A Markdown link reference definition (CommonMark 4.7): its label, its destination and
# its title in double or single quotes or in brackets.
_LINK_DEFINITION_RE = lazy_compile(
    r"[^\S\n]{0,3}\[[^\[\]\n]{1,200}\]:[^\S\n]{0,8}(?:<[^<>\n]{0,2000}>|[^\s<>]{1,2000})"
    r"[^\S\n]{1,8}(?:\"(?P<double>[^\"\n]{1,400})\"|'(?P<single>[^'\n]{1,400})'"
    r"|\((?P<bracket>[^()\n]{1,400})\))[^\S\n]*$"
)

# An XML processing instruction: its target and its text, on one line.
_INSTRUCTION_RE = lazy_compile(
    r"<\?(?P<target>[A-Za-z_][\w.\-:]{0,60})[^\S\n]+(?P<text>[^?\s][^?\n]{0,399})\?>"
)
_MARKUP_TARGETS = frozenset({"xml", "xml-stylesheet", "xml-model", "php", "php-xml"})


def calendar_edge(line: str) -> int:
    """+1 for a line that opens a calendar's or a contact's component, -1 for one that
    closes it, 0 for any other line."""
    if len(line) > 120:
        return 0
    edge = _EDGE_RE.fullmatch(line)
    if edge is None:
        return 0
    return 1 if edge.group(1).upper() == "BEGIN" else -1


def next_depth(depth: int, line: str) -> int:
    """How deep in calendar components the line after ``line`` stands."""
    return min(_MAX_DEPTH, max(0, depth + calendar_edge(line)))


def _unescaped(text: str, start: int, end: int) -> tuple[int, int]:
    """A value's word without the letter of a line break's escape before it (``\\n``)."""
    if start and text[start - 1] == "\\" and text[start] in "nN":
        return start + 1, end
    return start, end


def property_cells(text: str) -> list[tuple[int, int]]:
    """The runs of words of a calendar's or a contact's property value in ``text`` (a line
    inside one) that may be a marking in capitals: from a word that holds a capital to
    another, up to ``_RUN_WORDS`` words."""
    prop = _PROPERTY_RE.match(text)
    if prop is None:
        return []
    end = min(len(text), prop.end() + _MAX_VALUE)
    if _CAPITAL_RE.search(text, prop.end(), end) is None:
        return []
    words = [
        _unescaped(text, *word.span()) for word in _VALUE_WORD_RE.finditer(text, prop.end(), end)
    ]
    words = [(start, stop) for start, stop in words if stop > start]
    capital = [_CAPITAL_RE.search(text, start, stop) is not None for start, stop in words]
    spans: list[tuple[int, int]] = []
    starts = 0
    for first, (start, _) in enumerate(words):
        if not capital[first]:
            continue
        starts += 1
        if starts > _MAX_STARTS:
            break
        for last in range(first, min(len(words), first + _RUN_WORDS)):
            if capital[last]:
                spans.append((start, words[last][1]))
    return spans


def _first_words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The whole of ``text[start:end]`` and its first words, each a cell."""
    words = _TITLE_WORD_RE.finditer(text, start, end)
    return [(start, end), *((start, word.end()) for word in islice(words, _FIRST_WORDS))]


def org_heading_cells(text: str) -> list[tuple[int, int]]:
    """An Org heading's title without its keyword, priority and tags, and its first words;
    nothing when the heading has none of them (a plain heading is a banner line)."""
    if not text.startswith("*"):
        return []
    heading = _ORG_HEADING_RE.match(text)
    if heading is None:
        return []
    start = heading.end()
    end = min(len(text.rstrip()), start + _MAX_TITLE)
    tags = text.rfind(" ", start, end)
    tags = max(tags, text.rfind("\t", start, end))
    tagged = tags > start and _ORG_TAGS_RE.fullmatch(text, tags + 1, end) is not None
    if tagged:
        end = len(text[start:tags].rstrip()) + start
    if not (tagged or heading.group("keyword") or heading.group("priority")):
        return []
    if end <= start or _CAPITAL_RE.search(text, start, end) is None:
        return []
    return _first_words(text, start, end)


# A link reference definition's label and the start of its destination.
_LINK_LABEL_RE = lazy_compile(r"[^\S\n]{0,3}\[(?P<label>[^\[\]\n]{1,200})\]:[^\S\n]{0,8}[^\s\"'(]")


def link_label(line: str, start: int, end: int) -> bool:
    """Whether ``line[start:end]`` lies in a link reference definition's label, written
    with a small letter (``[secret]: https://x.example/s``: a name the text links by)."""
    label = _LINK_LABEL_RE.match(line)
    if label is None or not label.start("label") <= start < end <= label.end("label"):
        return False
    return any(ch.islower() for ch in line[start:end])


def link_title_cells(text: str) -> list[tuple[int, int]]:
    """A Markdown link reference definition's title."""
    if "]:" not in text:
        return []
    definition = _LINK_DEFINITION_RE.match(text)
    if definition is None:
        return []
    for name in ("double", "single", "bracket"):
        if definition.group(name) is not None:
            return [definition.span(name)]
    return []


def instruction_cells(text: str) -> list[tuple[int, int]]:
    """An XML processing instruction's text after its target, and its first words (not
    the declaration's, a stylesheet's or a script's)."""
    if "<?" not in text:
        return []
    spans: list[tuple[int, int]] = []
    for instruction in _INSTRUCTION_RE.finditer(text):
        if instruction.group("target").lower() in _MARKUP_TARGETS:
            continue
        start, end = instruction.span("text")
        if _CAPITAL_RE.search(text, start, end) is not None:
            spans += _first_words(text, start, end)
    return spans


def labelled_cells(text: str) -> list[tuple[int, int]]:
    """The cells of a line that a link reference definition or a processing instruction
    labels (a calendar's values: ``property_cells``; an Org heading's title:
    ``org_heading_cells``)."""
    return link_title_cells(text) + instruction_cells(text)
