"""A PDF content stream's text as the page shows it, for a content stream pasted or
written as text (``BT /F1 12 Tf 200 800 Td (TR\\310S SECRET UE) Tj ET``).

The strings that the text-showing operators draw (``Tj``, ``'``, ``"`` and the arrays of
``TJ``) are decoded as a viewer decodes them: a literal string's escapes (``\\310`` is
octal for È in PDFDocEncoding, which is Latin-1 for letters; ``\\(``, ``\\)``, ``\\\\``,
``\\n``…) and a hexadecimal string's bytes. Strings drawn one after another on the same
line of the page join (``[(SEC) -20 (RET)] TJ``, ``(SEC) Tj (RET) Tj``): a kerning of a
fifth of an em or more in a ``TJ`` array is a space, as text extractors read it, and a
move to a new line (``T*``, ``'``, ``"``, ``Td``/``TD`` downwards, ``Tm``) a line break.
Fonts with their own encodings (``Identity-H``) are not decoded: their codes are no text.

PostScript's text operators are read alike (``250 800 moveto (NATO SECRET) show``): the
string that ``show`` and its kin (``ashow``, ``widthshow``, ``kshow``, ``xshow``…) draw,
strings shown one after another joined (``(NATO ) show (SECRET) show``), a ``moveto`` to
another height or an ``rmoveto`` up or down a line break; ``showpage`` ends a page's text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from milai._lazyre import lazy_compile

# Where a line may show text: a string, a hexadecimal string or an array, then a
# text-showing operator (a cheap first look at a line).
# One character class first: ``re`` then skips to it at C speed.
SHOW_RE = lazy_compile(
    r"[)>\]](?:[^\S\n]{0,8}(?:T[jJ]|(?:[ackxy]|xy)?show|a?widthshow)|[^\S\n]{1,8}['\"])"
    r"(?![\w'\"])"
)
_TOKEN_RE = lazy_compile(
    r"\((?P<string>(?:[^()\\\n]|\\.|\((?:[^()\\\n]|\\.){0,100}\)){0,200})\)"
    r"|<(?P<hex>[0-9A-Fa-f \t]{0,400})>"
    r"|(?P<open>\[)|(?P<close>\])"
    r"|(?P<number>[+-]?(?:\d{1,12}(?:\.\d{0,12})?|\.\d{1,12}))"
    r"|(?P<name>/[^\s/\[\]()<>{}%]{0,64})"
    r"|(?P<dict><<|>>|[{}])"
    r"|(?P<comment>%[^\n]*)"
    r"|(?P<op>[A-Za-z*]{1,12}|['\"])"
    r"|(?P<other>\S)"
)
_ESCAPE_RE = lazy_compile(r"\\(?:(?P<octal>[0-7]{1,3})|(?P<char>.))")
_ESCAPED = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}
# The longest operator of the PDF content stream syntax (BDC, EMC…): a longer word is prose.
_LONGEST_OPERATOR = 3
_SPACE_KERNING = -200  # thousandths of an em: a move right this far is a space
_NEW_LINE_OPERATORS = frozenset({"T*", "Tm"})
_PS_SHOW_ALL = frozenset("show ashow cshow kshow xshow yshow xyshow widthshow awidthshow".split())
# PostScript's operators that a page's text is drawn among (longer than PDF's).
_PS_OPERATORS = _PS_SHOW_ALL | frozenset(
    "moveto rmoveto lineto rlineto showpage setfont findfont scalefont selectfont makefont"
    " setrgbcolor setgray setcmykcolor gsave grestore newpath closepath stroke fill translate"
    " rotate scale setlinewidth stringwidth currentpoint bind exch"
    " save restore def dup pop get add sub mul div neg index roll load begin end".split()
)
# PDF's own operators, as written: a PostScript line holds these and PostScript's only.
_PDF_OPERATORS = frozenset(
    "Tj TJ Td TD Tm T* BT ET Tf Tc Tw Tz TL Tr Ts cm q Q g G rg RG k K re f f* S s n w m l c"
    " h W W* cs CS sc SC scn SCN gs Do BDC BMC EMC".split()
)
_MAX_SHOWN = 4096  # a text object read in pieces past this (memory stays bounded)


class Shown(NamedTuple):
    """Text a page shows, with each character's offset in the line it came from, where a
    blank stands that a reader may not show (``seams``: a ``moveto`` along the line), and
    the pieces of it (``quiet``: each piece's line's start and end, the piece's first
    offset and end: what the page's reading decides, see ``PageText.take``)."""

    text: str
    offsets: list[int]
    seams: Sequence[int] = ()
    quiet: Sequence[tuple[int, int, int, int]] = ()


def _literal(body: str, at: int) -> Shown:
    """A literal string's text (``body`` between its brackets, at offset ``at``)."""
    text: list[str] = []
    offsets: list[int] = []
    done = 0
    for escape in _ESCAPE_RE.finditer(body):
        text.append(body[done : escape.start()])
        offsets.extend(range(at + done, at + escape.start()))
        octal, char = escape.group("octal"), escape.group("char")
        text.append(chr(int(octal, 8) & 0xFF) if octal else _ESCAPED.get(char, char))
        offsets.append(at + escape.start())
        done = escape.end()
    text.append(body[done:])
    offsets.extend(range(at + done, at + len(body)))
    return Shown("".join(text), offsets)


def _hexadecimal(body: str, at: int) -> Shown:
    """A hexadecimal string's text: UTF-16 after its byte order mark, else Latin-1."""
    digits = [(at + i, ch) for i, ch in enumerate(body) if not ch.isspace()]
    if len(digits) % 2:
        digits.append((digits[-1][0], "0"))
    data = bytes.fromhex("".join(ch for _, ch in digits))
    places = [digits[i][0] for i in range(0, len(digits), 2)]
    if data[:2] == b"\xfe\xff" and len(data) % 2 == 0:
        text = data[2:].decode("utf-16-be", "replace")
        return Shown(text, places[2::2][: len(text)])
    return Shown(data.decode("latin-1"), places)


_DESCRIPTION = _PS_OPERATORS | _PDF_OPERATORS
_PS_HINT_RE = lazy_compile(r"show|moveto")


def _described(line: str) -> bool:
    """Whether ``line`` is nothing but page description: operands, PostScript's and PDF's
    operators, comments."""
    for token in _TOKEN_RE.finditer(line):
        kind = token.lastgroup
        if kind == "other":
            return False
        if kind == "op" and token.group() not in _DESCRIPTION:
            return False
    return True


class PageText:
    """The text that the lines of a content stream show so far (``read_line``); what one
    text object shows is joined, and ``take`` hands it over when it ends."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self.offsets: list[int] = []
        self.length = 0
        self.ended: list[Shown] = []  # text objects that ended (``ET``), not taken yet
        self.y: float | None = None  # PostScript's current height (``moveto``)
        self.postscript = False  # whether the line being read is page description
        self.seams: list[int] = []
        # The pieces shown (``Shown.quiet``) and the start of the first source line that
        # showed one, since the last ``take``; the source line being read: its start and
        # end, and its pieces not taken yet (first offset and end).
        self.quiet: list[tuple[int, int, int, int]] = []
        self.first_line = -1
        self.line_start = 0
        self.line_end = 0
        self.line_pieces: list[tuple[int, int]] = []

    @property
    def start(self) -> int | None:
        """The offset of the first character shown and not taken, None when none is."""
        if self.ended:
            return self.ended[0].offsets[0]
        return self.offsets[0] if self.offsets else None

    def _add(self, shown: Shown) -> None:
        self.text.append(shown.text)
        self.offsets.extend(shown.offsets)
        self.length += len(shown.text)
        if not shown.offsets or not shown.text.strip():
            return  # a line break or a blank between pieces
        if self.first_line < 0:
            self.first_line = self.line_start
        self.line_pieces.append((min(shown.offsets), max(shown.offsets) + 1))

    def _break(self, separator: str, at: int) -> None:
        if self.length:
            self._add(Shown(separator, [at]))

    def read_line(self, line: str, at: int) -> bool:
        """Read one line of a content stream at offset ``at``; whether it is content
        stream syntax (operands and operators), which keeps a text object open."""
        self.line_start, self.line_end = at, at + len(line)
        self.line_pieces = []
        syntax = self._read_line(line, at)
        self._quiet_line()
        return syntax

    def _quiet_line(self) -> None:
        start, end = self.line_start, self.line_end
        self.quiet += [(start, end, low, high) for low, high in self.line_pieces]
        self.line_pieces = []

    def _read_line(self, line: str, at: int) -> bool:
        operands: list[Shown | float] = []
        array: list[Shown | float] | None = None
        syntax = True
        # PostScript's operators count on a line of page description only: in prose,
        # "studies (secret) show that" draws nothing
        self.postscript = _PS_HINT_RE.search(line) is not None and _described(line)
        for token in _TOKEN_RE.finditer(line):
            kind = token.lastgroup
            if kind == "string":
                value: Shown | float = _literal(token.group("string"), at + token.start() + 1)
            elif kind == "hex":
                value = _hexadecimal(token.group("hex"), at + token.start() + 1)
            elif kind == "number":
                value = float(token.group())
            elif kind == "open":
                array = []
                continue
            elif kind == "close":
                if array is not None:
                    operands.append(self._joined(array, at + token.start()))
                array = None
                continue
            elif kind == "op":
                self._operator(token.group(), operands, at + token.start())
                syntax = syntax and (
                    len(token.group()) <= _LONGEST_OPERATOR or token.group() in _PS_OPERATORS
                )
                operands = []
                continue
            else:
                syntax = syntax and kind != "other"
                continue
            if array is not None:
                array.append(value)
            else:
                operands.append(value)
        return syntax

    @staticmethod
    def _joined(array: list[Shown | float], at: int) -> Shown:
        """A ``TJ`` array's strings as one, a wide kerning a space."""
        text: list[str] = []
        offsets: list[int] = []
        for item in array:
            if isinstance(item, Shown):
                text.append(item.text)
                offsets.extend(item.offsets)
            elif item <= _SPACE_KERNING and text:
                text.append(" ")
                offsets.append(offsets[-1] if offsets else at)
        return Shown("".join(text), offsets)

    def _operator(self, name: str, operands: list[Shown | float], at: int) -> None:
        strings = [item for item in operands if isinstance(item, Shown)]
        numbers = [item for item in operands if not isinstance(item, Shown)]
        if name in ("BT", "ET"):
            shown = self.take()
            if shown is not None:
                self.ended.append(shown)
        elif name in ("Tj", "TJ", "'", '"') and strings:
            if name in ("'", '"'):
                self._break("\n", at)
            self._add(strings[-1])
        elif name in _NEW_LINE_OPERATORS or (name in ("Td", "TD") and numbers[-1:] != [0.0]):
            self._break("\n", at)
        elif not self.postscript:
            return
        elif name in _PS_SHOW_ALL:
            drawn = [item for item in strings if item.text]  # not xshow's array of widths
            if drawn:
                self._add(drawn[-1])
        elif name in ("moveto", "rmoveto") and numbers:
            y = numbers[-1]
            if (y != self.y) if name == "moveto" else (y != 0.0):
                self._break("\n", at)
            elif self.length and self.text[-1][-1:] not in (" ", "\n"):
                # along the line: a gap a reader sees as a blank, or none (read both ways)
                self.seams.append(self.length)
                self._add(Shown(" ", [at]))
            self.y = y if name == "moveto" else (self.y or 0.0) + y
        elif name == "showpage":
            shown = self.take()
            if shown is not None:
                self.ended.append(shown)

    @property
    def full(self) -> bool:
        return self.length > _MAX_SHOWN

    def take(self) -> Shown | None:
        """What was shown since the last ``take`` (None when nothing was)."""
        # A content stream's source line is page description: what it shows is pieces of
        # the page's lines, which the page's reading decides, not the line's own readers
        # (``72 700 moveto (SECRET) show``, one word of a sentence a line, is no banner).
        self._quiet_line()  # the pieces the line being read showed so far are the page's
        shown = Shown("".join(self.text), self.offsets, self.seams, self.quiet)
        self.quiet, self.seams, self.first_line = [], [], -1
        if not self.length:
            return None
        self.text, self.offsets, self.length = [], [], 0
        return shown
