"""The text that a document format's text elements carry, joined as a reader sees it, for a
document written as text over several lines (an OCR's ALTO or hOCR output, an SVG drawing,
a TEI text, HTML, a ZPL label).

Markup: the text content of successive elements in document order and the text an ALTO
``<String CONTENT="…"/>`` carries in its attribute. A word element (ALTO's ``String``,
hOCR's ``ocrx_word`` span, TEI's ``<w>``) is a word: a blank stands between two of them,
as ALTO's ``<SP/>`` does; its ``<HYP/>`` is the hyphen that ends a line. An inline element
(``span``, SVG's ``tspan``, ``b``, Word's runs ``w:r`` and ``w:t``…) shows its text against
its neighbour's: only blanks part them, and a line break in the source between two of them
is read both ways (SVG drops it, HTML shows a blank). Any other element (ALTO's
``TextLine``, hOCR's ``ocr_line``, SVG's ``text``, ``p``, ``div``, ``br``, Word's ``w:p``),
and a ``tspan`` moved to another line (``dy``, a new ``y``), starts a new line of the text;
the text of ``script`` and ``style`` is not shown.

ZPL: a field's data (``^FO50,50^A0N,40,40^FDNATO SECRET^FS``, its ``^FH`` hexadecimal
escapes decoded), a field at a new height a new line; two fields at one height are read
side by side both ways (a blank between them or none).

A document is read over the consecutive lines that hold markup or ZPL commands.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple, Protocol

from milai._lazyre import lazy_compile

# A line that holds a tag, or starts with a ZPL command (a cheap first look).
CANDIDATE_RE = lazy_compile(r"<[A-Za-z/]|(?m:^)[^\S\n]{0,8}[\^~][A-Z]")
# Every CANDIDATE_RE match holds one of these, at most 8 characters after its start.
_CANDIDATE_SCREEN_RE = lazy_compile(r"[<^~]")
_TAG_TOKEN_RE = lazy_compile(
    r"<(?P<close>/)?(?P<name>[A-Za-z][\w:.\-]{0,40})(?P<attrs>(?:[^<>\"'\n]|\"[^\"\n]{0,400}\""
    r"|'[^'\n]{0,400}'){0,2000}?)(?P<empty>/)?>"
    r"|<!--.{0,400}?-->|<[!?][^<>\n]{0,400}>"
    r"|(?P<text>[^<\n]{1,4096})"
    r"|<"
)
_ZPL_TOKEN_RE = lazy_compile(r"[\^~](?P<command>[A-Z@][A-Z0-9@]?)(?P<args>[^\^~\n]{0,4096})")
_ATTRIBUTE_RE = lazy_compile(
    r"(?<![\w:\-])(?P<name>[A-Za-z][\w:.\-]{0,40})[^\S\n]{0,3}=[^\S\n]{0,3}"
    r"(?:\"(?P<double>[^\"\n]{0,400})\"|'(?P<single>[^'\n]{0,400})'|(?P<bare>[^\s\"'>]{1,400}))"
)
_REFERENCE_RE = lazy_compile(
    r"&(?:(?P<name>quot|amp|lt|gt|apos|nbsp)|#(?P<number>[xX][0-9A-Fa-f]{1,6}|[0-9]{1,7}));"
)
_ENTITIES = {"quot": '"', "amp": "&", "lt": "<", "gt": ">", "apos": "'", "nbsp": "\u00a0"}
_ZPL_HEX_RUN_RE = lazy_compile(r"(?:_[0-9A-Fa-f]{2}){1,400}")
_MAX_SHOWN = 4096  # a document read in pieces past this (memory stays bounded)
_MAX_DEPTH = 64  # open elements remembered

# Elements whose text a reader sees side by side with their neighbours' (HTML's inline
# elements, SVG's, TEI's and ODF's); their local names.
_INLINE = frozenset(
    "a abbr b bdi bdo big cite code del dfn em font i ins kbd mark q s samp small span strike"
    " strong sub sup time tt u var tspan tref textpath hi seg emph foreign name persname"
    " placename orgname date num term c pc g bookmark bookmark-start bookmark-end"
    " soft-page-break reference-mark reference-mark-start reference-mark-end".split()
)
# Office Open XML's runs and their text (Word's ``w:r``/``w:t``, DrawingML's ``a:r``/``a:t``).
_RUNS = frozenset({"w:r", "w:t", "a:r", "a:t", "w:ins", "w:smarttag", "w:hyperlink"})
_SPACES = frozenset({"sp", "space", "text:s", "text:tab", "w:tab"})
_HIDDEN = frozenset({"script", "style"})
# Elements whose attributes are read: ALTO's String and HYP (``CONTENT``), hOCR's spans
# (``class``), SVG's text and tspan (``y``, ``dy``).
_READ_ATTRIBUTES = frozenset({"string", "hyp", "span", "tspan", "text"})
# Separators, weakest first: none, a line break in the source between inline elements
# (read both ways), a blank, a new line.
_NONE, _EITHER, _BLANK, _LINE = range(4)
# What an element's start and end put between its text and its neighbours' (by its kind):
# SVG text placed at a height (``placed``) starts a line, and one at the last one's height
# (``beside``) stands beside it, read both ways; either ends with a line break read so.
_OPENED = {"word": _BLANK, "line": _LINE, "placed": _LINE, "beside": _EITHER}
_CLOSED = {"word": _BLANK, "line": _LINE, "placed": _EITHER, "beside": _EITHER}


class Shown(NamedTuple):
    """The text a document shows, each character's original offset, where a blank stands
    that a reader may not show (a line break between inline elements: ``seams``), and the
    pieces of it that source lines with a format element's tag show (``quiet``: each
    piece's line's start and end, the piece's first offset and end; see ``take``)."""

    text: str
    offsets: list[int]
    seams: list[int]
    quiet: list[tuple[int, int, int, int]]


def _attributes(attrs: str) -> dict[str, tuple[str, int]]:
    """A tag's attributes by lower-case name: their values and where each starts in
    ``attrs``."""
    found: dict[str, tuple[str, int]] = {}
    for attribute in _ATTRIBUTE_RE.finditer(attrs):
        group = next(g for g in ("double", "single", "bare") if attribute[g] is not None)
        found[attribute["name"].lower()] = (attribute[group], attribute.start(group))
    return found


class DocumentText:
    """The text that the lines of a document show so far (``read_line``); ``take`` hands
    it over."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self.offsets: list[int] = []
        self.seams: list[int] = []
        self.length = 0
        self.pending = _NONE
        # Whether a reader sees what the lines' own readers do not: two pieces from two
        # lines of the source on one line of the text, a word glued across a tag, a format's
        # own text elements (a word element, a tspan, a Word run) or a ZPL field's data
        # (glued to its command).
        self.joined = False
        self.source = 0  # the line of the source being read (counted)
        self.last_source = -1  # the line of the source the last piece came from
        self.stack: list[str] = []  # the open elements' kinds
        self.hidden = 0  # open script and style elements
        self.y: str | None = None  # the last field's or tspan's height
        self.opened = False  # whether the last line read held markup or ZPL commands
        # The pieces that source lines with a format element's tag showed (``Shown.quiet``)
        # and the start of the first source line that showed text, since the last
        # ``take``; the source line being read: its start and end, its pieces (first offset
        # and end) and whether a format element's tag (a word element, a tspan, a Word run,
        # an SVG text at a height) stands on it.
        self.quiet: list[tuple[int, int, int, int]] = []
        self.first_line = -1
        self.line_start = 0
        self.line_end = 0
        self.line_pieces: list[tuple[int, int]] = []
        self.line_element = False

    @property
    def start(self) -> int | None:
        return self.offsets[0] if self.offsets else None

    @property
    def full(self) -> bool:
        """Whether to read what was shown so far: past ``_MAX_SHOWN`` at a new line, or
        four times as long."""
        return self.length > _MAX_SHOWN and (self.pending == _LINE or self.length > 4 * _MAX_SHOWN)

    def _separate(self, separator: int) -> None:
        self.pending = max(self.pending, separator)

    def _add(self, text: str, offsets: Sequence[int]) -> None:
        if not text:
            return
        if self.length:
            at = self.offsets[-1]
            if self.pending != _LINE and self.source != self.last_source:
                self.joined = True
            elif self.pending == _NONE and self.text[-1][-1:].isalnum() and text[0].isalnum():
                self.joined = True
            if self.pending == _LINE:
                self.text.append("\n")
            elif self.pending in (_BLANK, _EITHER):
                if self.pending == _EITHER:
                    self.seams.append(self.length)
                self.text.append(" ")
            if self.pending != _NONE:
                self.offsets.append(at)
                self.length += 1
        self.last_source = self.source
        self.pending = _NONE
        self.text.append(text)
        self.offsets.extend(offsets)
        self.length += len(text)
        if self.first_line < 0:
            self.first_line = self.line_start
        self.line_pieces.append((min(offsets), max(offsets) + 1))

    def _text(self, text: str, offsets: Sequence[int]) -> None:
        """Text between tags (each character's offset): its character references decoded,
        its blanks at either end a blank."""
        if "&" in text:
            text, offsets = _unescaped(text, offsets)
        stripped = text.strip()
        if not stripped:
            if text:
                self._separate(_BLANK)
            return
        lead = len(text) - len(text.lstrip())
        if lead:
            self._separate(_BLANK)
        self._add(stripped, offsets[lead : lead + len(stripped)])
        if len(text.rstrip()) < len(text):
            self._separate(_BLANK)

    def read_line(self, line: str, at: int) -> bool:
        """Read one line at offset ``at``; whether it holds markup or ZPL commands (which
        keep the document open)."""
        self.source += 1
        self.line_start, self.line_end = at, at + len(line)
        self.line_pieces = []
        self.line_element = False
        self.opened = self._line(line, at)
        if self.line_element:
            self.quiet += [(at, self.line_end, low, high) for low, high in self.line_pieces]
        return self.opened

    def _line(self, line: str, at: int) -> bool:
        if line.lstrip()[:1] in ("^", "~"):
            self._zpl(line, at)
            return True
        if "<" not in line:
            return False
        # blanks that indent a line or end it are no text's (a line break is read both ways)
        stripped = line.strip()
        at += len(line) - len(line.lstrip())
        line = stripped
        tags = 0
        for token in _TAG_TOKEN_RE.finditer(line):
            text = token.group("text")
            if text is not None:
                if not self.hidden:
                    start = at + token.start()
                    self._text(text, range(start, start + len(text)))
                continue
            name = token.group("name")
            if name is None:
                continue
            tags += 1
            self._tag(name, token, at)
        if not tags:
            return False
        self._separate(_EITHER)  # the line's end: a blank in HTML, none in SVG
        return True

    def _tag(self, name: str, token: re.Match[str], at: int) -> None:
        lower = name.lower()
        local = lower if lower.startswith(("text:", "w:tab")) else lower.rsplit(":", 1)[-1]
        closing, empty = token.group("close") is not None, token.group("empty") is not None
        if closing:
            kind = self.stack.pop() if self.stack else "line"
            if kind == "hidden":
                self.hidden = max(0, self.hidden - 1)
            self._separate(_CLOSED.get(kind, _NONE))
            return
        # only the elements whose attributes say what they are, or carry text, are parsed
        attrs = _attributes(token.group("attrs")) if local in _READ_ATTRIBUTES else {}
        kind = self._kind(lower, local, attrs)
        if kind in ("word", "beside") or local == "tspan" or lower in _RUNS:
            self.joined = True  # a format's own text elements: the line readers know HTML's
            self.line_element = True
        if kind == "space":
            self._separate(_BLANK)
            return
        content = attrs.get("content")
        if kind == "hyphen":
            if content is not None:
                self.pending = _NONE
                start = at + token.start("attrs") + content[1]
                self._add(content[0], range(start, start + len(content[0])))
            return
        if kind == "placed":
            self.line_element = True
        self._separate(_OPENED.get(kind, _NONE))
        if kind == "word" and content is not None:
            start = at + token.start("attrs") + content[1]
            self._text(content[0], range(start, start + len(content[0])))
            self._separate(_BLANK)
        if empty:
            return
        if kind == "hidden":
            self.hidden += 1
        if len(self.stack) < _MAX_DEPTH:
            self.stack.append(kind)

    def _kind(self, lower: str, local: str, attrs: dict[str, tuple[str, int]]) -> str:
        """What an element is to a reader: a word, inline text, a space, a hyphen, hidden
        text or a line of its own."""
        if local in _SPACES:
            return "space"
        if local == "hyp":
            return "hyphen"
        if local in _HIDDEN:
            return "hidden"
        if local == "w" or (local == "string" and "content" in attrs):
            return "word"
        classes = attrs.get("class", ("", 0))[0].split()
        if "ocrx_word" in classes:
            return "word"
        if any(name.startswith(("ocr_", "ocrx_")) for name in classes):
            return "line"
        if local == "tspan":
            return self._tspan(attrs)
        if local == "text" and "y" in attrs:
            # SVG text placed at a height: beside the text before it at the same height
            y = attrs["y"][0]
            beside = self.y is not None and y == self.y
            self.y = y
            return "beside" if beside else "placed"
        return "inline" if local in _INLINE or lower in _RUNS else "line"

    def _tspan(self, attrs: dict[str, tuple[str, int]]) -> str:
        """An SVG ``tspan``: inline, unless it moves the text to another line."""
        dy = attrs.get("dy", ("", 0))[0].strip()
        y = attrs.get("y", (None, 0))[0]
        moved = bool(dy) and dy.strip("0. ") != ""
        if y is not None:
            moved = moved or (self.y is not None and y != self.y)
            self.y = y
        return "line" if moved else "inline"

    def _zpl(self, line: str, at: int) -> None:
        """A line of ZPL commands: each field's data, a field at a new height on a new
        line, one at the same height beside the one before (read both ways)."""
        hexadecimal = False
        for token in _ZPL_TOKEN_RE.finditer(line):
            command, args = token.group("command"), token.group("args")
            if command in ("FO", "FT"):
                y = args.split(",")[1].strip() if "," in args else None
                self.pending = _EITHER if y is not None and y == self.y else _LINE
                self.y = y
            elif command == "FH":
                hexadecimal = True
            elif command in ("FD", "FV"):
                start = at + token.start("args")
                if hexadecimal:
                    self._text(*_zpl_hex(args, start))
                else:
                    self._text(args, range(start, start + len(args)))
                self.joined = True  # glued to its command, a field's data is read here only
            elif command == "FS":
                hexadecimal = False
                self._separate(_LINE)

    def take(self) -> Shown | None:
        """What was shown since the last ``take`` (None when the lines' own readers read
        all of it: see ``joined``)."""
        joined, length = self.joined, self.length
        # What a source line with a format element's tag shows is words (or pieces) of the
        # lines of the text: the text's reading decides what they are, not the line's own
        # readers, which cut it into cells at the tags (a marking word in capitals inside an
        # OCR'd sentence, one ``String`` a line or a ``TextLine`` a line, is no banner).
        shown = Shown("".join(self.text), self.offsets, self.seams, self.quiet)
        self.text, self.offsets, self.seams, self.quiet = [], [], [], []
        self.length = 0
        self.first_line = -1
        self.joined = False
        self.pending = _NONE
        return shown if joined and length else None

    def reset(self) -> None:
        """The document ended: forget its open elements too."""
        self.take()
        self.stack.clear()
        self.hidden = 0
        self.y = None
        self.opened = False


def _unescaped(text: str, offsets: Sequence[int]) -> tuple[str, list[int]]:
    """``text`` with XML's character references decoded (``&quot;``, ``&#83;``,
    ``&#x53;``), each at its ``&``'s offset."""
    out: list[str] = []
    places: list[int] = []
    done = 0
    for reference in _REFERENCE_RE.finditer(text):
        out.append(text[done : reference.start()])
        places.extend(offsets[done : reference.start()])
        name, number = reference.group("name"), reference.group("number")
        if name is not None:
            char = _ENTITIES[name]
        else:
            code = int(number[1:], 16) if number[0] in "xX" else int(number)
            char = chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else ""
        out.append(char)
        places.extend([offsets[reference.start()]] * len(char))
        done = reference.end()
    out.append(text[done:])
    places.extend(offsets[done:])
    return "".join(out), places


def _zpl_hex(data: str, at: int) -> tuple[str, list[int]]:
    """A ZPL field's data with its ``^FH`` escapes (``_4E``) decoded: a run of them is
    UTF-8 (``^CI28``) where it decodes so, else Latin-1."""
    text: list[str] = []
    offsets: list[int] = []
    done = 0
    for run in _ZPL_HEX_RUN_RE.finditer(data):
        text.append(data[done : run.start()])
        offsets.extend(range(at + done, at + run.start()))
        places = [at + run.start() + 3 * i for i in range(len(run.group()) // 3)]
        raw = bytes(int(run.group()[i + 1 : i + 3], 16) for i in range(0, len(run.group()), 3))
        try:
            decoded = raw.decode("utf-8")
        except UnicodeDecodeError:
            decoded = raw.decode("latin-1")
        if len(decoded) == len(raw):
            offsets.extend(places)
        else:  # each character at its first byte's escape
            starts = [i for i, byte in enumerate(raw) if byte & 0xC0 != 0x80]
            offsets.extend(places[i] for i in starts)
        text.append(decoded)
        done = run.end()
    text.append(data[done:])
    offsets.extend(range(at + done, at + len(data)))
    return "".join(text), offsets


class Seamed(Protocol):
    """A text shown with its characters' offsets and its seams (``Shown``, a page's)."""

    @property
    def text(self) -> str: ...
    @property
    def offsets(self) -> Sequence[int]: ...
    @property
    def seams(self) -> Sequence[int]: ...


def without_seams(shown: Seamed) -> tuple[str, list[int], list[int]]:
    """The text with the blanks at its seams taken out (as SVG shows a line break between
    two tspans), its offsets, and where each seam now falls."""
    text: list[str] = []
    offsets: list[int] = []
    seams: list[int] = []
    done = 0
    for seam in shown.seams:
        text.append(shown.text[done:seam])
        offsets.extend(shown.offsets[done:seam])
        seams.append(len(offsets))
        done = seam + 1
    text.append(shown.text[done:])
    offsets.extend(shown.offsets[done:])
    return "".join(text), offsets, seams


def search_candidate(text: str, pos: int = 0) -> re.Match[str] | None:
    """``CANDIDATE_RE.search(text, pos)``, tried only just before each ``<``, ``^`` or
    ``~`` (``re`` tries the pattern's line-start branch at every position of a text)."""
    while (screen := _CANDIDATE_SCREEN_RE.search(text, pos)) is not None:
        at = screen.start()
        # a match that holds this character starts at most 8 blanks before it, and ends
        # the character after it; none starts between ``pos`` and there (no such character)
        found = CANDIDATE_RE.search(text, max(pos, at - 8), at + 2)
        if found is not None:
            return found
        pos = at + 1
    return None
