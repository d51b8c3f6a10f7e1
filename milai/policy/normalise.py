"""Normalisation: the views that detection matches against, and the maps back to the original.

Every character of the original text is normalised on its own, never with what follows it,
so the view of ``a + b`` is the view of ``a`` followed by the view of ``b`` read after ``a``
(``normalise(b, before=a)``): this is what lets the streaming gate reach exactly the
whole-text decision whatever the chunking.

Three views are built for each piece of text:

* the **skeleton** view, for markings and codewords: NFKD, combining marks dropped,
  casefolded, Unicode UTS #39 confusables folded to their ASCII prototypes;
* the **text** view, for regular-expression detectors (IBAN, e-mail…): NFKC, lower case;
* the **class** view, one character per original character, that finds base64/hex runs.

In all three, default-ignorable and bidi control characters (and C0/C1 controls) vanish and
are reported, and line separators become ``\\n``. Three things a terminal shows are read as it
shows them: a Windows line end (``\\r\\n``) is one line break and a letter struck over itself
with a backspace (``S\\bS``, as ``nroff`` writes bold) is one letter, each decided by the
characters before it (``before``, the end of the text already read, keeps a stream's views
those of the whole text); a whole colour sequence (``\\x1b[1;31m``) vanishes and is reported
like a control character (a scanner holds an unfinished one back, so a stream never splits
it). None of them hides a letter that is not shown another way (see ``_TERMINAL_RE``).

Text made only of ASCII and the common Western characters of Windows-1252 (French, German,
Luxembourgish, Dutch…) takes a fast path through C-level ``translate``; any other character
goes through the per-character functions, whose results are cached.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

# Unicode Default_Ignorable_Code_Point (DerivedCoreProperties.txt), which includes the
# bidi controls (LRM, RLM, ALM, LRE…RLO, LRI…PDI). Characters of general category Cf and
# the C0/C1 controls are added per character below.
_DEFAULT_IGNORABLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)

# What a renderer shows as a new line; all of them become "\n" in the views.
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_KEPT_CONTROLS = frozenset("\t") | LINE_BREAKS


def is_hidden(ch: str) -> bool:
    """True for characters that render as nothing: default-ignorables, format, controls."""
    if ch in _KEPT_CONTROLS:
        return False
    if re.match(f"[{_DEFAULT_IGNORABLE}]", ch):  # re caches the compiled class
        return True
    category = unicodedata.category(ch)
    return category in ("Cf", "Cc")


@cache
def _fold_table() -> dict[str, str]:
    """Non-ASCII character → ASCII (its UTS #39 prototype), loaded on first need.

    Letters and digits fold to their prototype, in lower case; punctuation folds to the
    first character of its ASCII prototype (“ → ", not ''), one character, since to a
    pattern every punctuation mark is just a separator.
    """
    from milai.policy._confusables import TO_ASCII

    return {
        source: prototype.casefold() if _has_alnum(prototype) else prototype[0]
        for source, prototype in TO_ASCII.items()
    }


@cache
def _lookalike_table() -> dict[str, str]:
    """Look-alikes that UTS #39 misses or NFKD breaks (small capitals, turned letters…)."""
    from milai.policy._lookalikes import LETTERS

    return LETTERS


def _has_alnum(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


# Punctuation and symbols without an ASCII look-alike still fold by their Unicode general
# category, so that the views of Western text stay one byte per character (fast regexes).
_CATEGORY_FOLD = {"Pd": "-", "Ps": "(", "Pe": ")", "Pi": '"', "Pf": '"', "Pc": " ", "Po": "."}


def _strip_marks(text: str) -> str:
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith("M"))


def _fold_punctuation(ch: str, symbols: bool) -> str:
    """ASCII for a non-ASCII punctuation mark (and symbol, when ``symbols``), else ``ch``."""
    category = unicodedata.category(ch)
    if category[0] == "P" or (symbols and category[0] == "S"):
        prototype = _fold_table().get(ch)
        if prototype is not None and not _has_alnum(prototype):
            return prototype
        if category in ("Ps", "Pe") and "QUOTATION" in unicodedata.name(ch, ""):
            return '"'  # German „…“ and the CJK 〝…〞 quote: no bracket (Unicode files them so)
        return _CATEGORY_FOLD.get(category, "#")
    return ch


def skeleton_char(ch: str) -> str:
    """The skeleton view of one character (markings and codewords match this)."""
    if is_hidden(ch):
        return ""
    if ch in LINE_BREAKS:
        return "\n"
    if ch.isspace() or ch == "_":
        return " "  # "_" too: it spaces letters out like a space does (S_E_C_R_E_T)
    if ch.isascii():
        return ch.lower()
    if ch in "ßẞ":
        # Casefolding gives "ss" (two characters, slow path for all German text); keep
        # one character and let the patterns accept "ss" and "ß" alike.
        return "ß"
    letter = _lookalike_table().get(ch)
    if letter is not None:
        return letter  # before NFKD: it would break some (lunate sigma) or drop them (marks)
    table = _fold_table()
    out = []
    for c in _strip_marks(unicodedata.normalize("NFKD", ch)):
        # The character's own prototype first: Greek capital nu looks like N even
        # though its lower case looks like v.
        if c in table:
            out.append(table[c])
            continue
        for lower in _strip_marks(c.casefold()):
            if lower.isascii():
                out.append(lower)
            elif lower in table:
                out.append(table[lower])
            else:
                out.append(_fold_punctuation(lower, symbols=True))
    return "".join(out)


def text_char(ch: str) -> str:
    """The text view of one character (regular-expression detectors match this)."""
    if is_hidden(ch):
        return ""
    if ch in LINE_BREAKS:
        return "\n"
    if ch.isspace():
        return " "
    normal = unicodedata.normalize("NFKC", ch).lower()
    return "".join(c if c.isascii() else _fold_punctuation(c, symbols=False) for c in normal)


def class_char(ch: str) -> str:
    """The class view of one ASCII character: U upper, l lower, d digit, p + or /, e =."""
    if "A" <= ch <= "Z":
        return "U"
    if "a" <= ch <= "z":
        return "l"
    if "0" <= ch <= "9":
        return "d"
    if ch in "+/":
        return "p"
    if ch == "=":
        return "e"
    return " "


def skeleton(text: str) -> str:
    """The skeleton of a whole string (policy markings and keywords are compiled from it)."""
    return normalise(text).skel


# --- the fast path: ASCII and the Windows-1252 repertoire -----------------------------

# Every character that cp1252 cannot encode becomes this byte, which cp1252 never
# produces (0x81 is undefined there): the encoder keeps one byte per character, and the
# byte is flagged slow like the characters the fast tables cannot handle.
_SLOW_BYTE = 0x81
_SLOW_ERRORS = "milai-policy-slow"
codecs.register_error(
    _SLOW_ERRORS,
    lambda error: (bytes([_SLOW_BYTE]) * (error.end - error.start), error.end),  # type: ignore[attr-defined]
)


class _FastTables(NamedTuple):
    skel_bytes: bytes  # bytes.translate tables over Latin-1 or cp1252 bytes
    text_bytes: bytes
    class_bytes: bytes
    slow_cp1252: bytes  # byte → 1 when its cp1252 character needs the slow path
    slow_latin1: bytes  # the same for Latin-1 bytes (0x80-0x9F are C1 controls there)
    text_upper: bytes  # text-view bytes in 0x80-0x9F: decode them as cp1252, not Latin-1


@cache
def _fast_tables() -> _FastTables:
    # Slow bytes translate to a space: their views are spliced in afterwards.
    skel_bytes = bytearray(b" " * 256)
    text_bytes = bytearray(b" " * 256)
    class_bytes = bytearray(b" " * 256)
    slow = bytearray(b"\x01" * 256)
    for code in range(256):
        try:
            ch = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            continue
        if is_hidden(ch):
            continue
        skel, text = skeleton_char(ch), text_char(ch)
        if len(skel) != 1 or len(text) != 1:
            continue
        try:
            skel_byte, text_byte = skel.encode("latin-1"), text.encode("cp1252")
        except UnicodeEncodeError:
            continue  # the skeleton must stay in Latin-1: it is decoded as such
        skel_bytes[code] = skel_byte[0]
        text_bytes[code] = text_byte[0]
        class_bytes[code] = ord(class_char(ch))
        slow[code] = 0
    slow_latin1 = bytearray(slow)
    slow_latin1[0x80:0xA0] = b"\x01" * 32
    upper = bytes(sorted({b for b in text_bytes if 0x80 <= b < 0xA0}))
    return _FastTables(
        bytes(skel_bytes),
        bytes(text_bytes),
        bytes(class_bytes),
        bytes(slow),
        bytes(slow_latin1),
        upper,
    )


class Special(NamedTuple):
    """One original character whose view is not exactly one character long."""

    view_start: int
    view_len: int
    orig: int


class Normalised(NamedTuple):
    """The views of one piece of text; positions are relative to the piece."""

    skel: str
    text: str
    classes: str
    skel_specials: list[Special]
    text_specials: list[Special]
    hidden: list[tuple[int, int]]  # runs of hidden characters, original positions


@cache
def _slow_char(ch: str) -> tuple[str, str, bool]:
    return skeleton_char(ch), text_char(ch), is_hidden(ch)


# A terminal's colour sequence (SGR: ``\x1b[1;31m``) vanishes whole; of another control
# sequence only its ESC and bracket do: its parameters and final letter (a cursor move's
# ``\x1b[5C``, an erase's ``\x1b[K``) and the text of an operating-system command (a window
# title, a hyperlink) are read as written, since reading them as a terminal does would let
# a sequence hide a marking's letters or digits (``\x1b[SECRET`` scrolls and shows ECRET,
# ``\x1b[5ECRET`` moves down and shows ECRET). A stream never splits a colour sequence: the
# scanner holds back a piece's unfinished one (``SGR_START``) until the next piece.
_TERMINAL_RE = re.compile(r"\x1b\[(?:[0-9;:]{0,32}m)?")
# The start of a colour sequence that a piece may end with (matched from its last ESC).
SGR_START = re.compile(r"\x1b(?:\[[0-9;:]{0,32})?")
SGR_LONGEST = 35
# How much of the text before a piece decides its views.
CONTEXT = 2


def _shown(piece: str, before: str) -> tuple[set[int], set[int]]:
    """Positions of ``piece`` whose views are empty because of what precedes them (see the
    module's docstring): the hidden ones (escape sequences, a letter struck over itself)
    and the line feeds of Windows line ends (not reported)."""
    hidden: set[int] = set()
    crlf: set[int] = set()
    if "\r" in piece or before.endswith("\r"):
        at = piece.find("\n")
        while at >= 0:
            if (piece[at - 1] if at else before[-1:]) == "\r":
                crlf.add(at)
            at = piece.find("\n", at + 1)
    if "\x1b" in piece:
        for match in _TERMINAL_RE.finditer(piece):
            hidden.update(range(match.start(), match.end()))
    tail = before[-2:]
    if "\b" in piece or "\b" in tail:
        joined = tail + piece
        at = joined.find("\b", 1)
        while at >= 0:
            if len(tail) <= at + 1 < len(joined) and joined[at + 1] == joined[at - 1] != "\b":
                hidden.add(at + 1 - len(tail))
            at = joined.find("\b", at + 1)
    return hidden, crlf


def terminal_shown(text: str) -> str:
    """``text`` without what a terminal does not show (escape sequences, a letter struck
    over itself): the letters whose case a reader sees."""
    kept = terminal_kept(text)
    return text if kept is None else "".join(text[i] for i in kept)


def terminal_kept(text: str) -> list[int] | None:
    """The offsets of ``text`` that a terminal shows (``terminal_shown``), or None when
    it shows all of them."""
    if "\x1b" not in text and "\b" not in text:
        return None
    gone, _ = _shown(text, "")
    return [i for i, ch in enumerate(text) if i not in gone and ch != "\b"]


def normalise(piece: str, before: str = "", unshown: Sequence[tuple[int, int]] = ()) -> Normalised:
    """Build the three views of ``piece`` (any string; no error is raised); ``before`` is
    the text read before it, when ``piece`` continues a stream. The spans ``unshown``
    (sorted, apart: markup comments against a word) vanish from the skeleton and text
    views, unreported; the class view keeps them.

    One byte per character (Latin-1, else cp1252 with a placeholder for what it cannot
    encode), three C-level ``bytes.translate`` passes, then the few characters outside
    the fast repertoire are looked up one by one and spliced in.
    """
    tables = _fast_tables()
    try:
        raw = piece.encode("latin-1")
        slow_table = tables.slow_latin1
    except UnicodeEncodeError:
        raw = piece.encode("cp1252", _SLOW_ERRORS)
        slow_table = tables.slow_cp1252
    text_raw = raw.translate(tables.text_bytes)
    text_codec = "latin-1"
    if not piece.isascii() and any(b in text_raw for b in tables.text_upper):
        text_codec = "cp1252"  # the few text-view characters in 0x80-0x9F (€, œ, š…)
    skel = raw.translate(tables.skel_bytes).decode("latin-1")
    text = text_raw.decode(text_codec)
    classes = raw.translate(tables.class_bytes).decode("latin-1")  # slow characters: " "
    flags = raw.translate(slow_table)
    gone: set[int] = set()
    quiet: set[int] = set()
    if before or "\r" in piece or "\x1b" in piece or "\b" in piece or unshown:
        gone, quiet = _shown(piece, before)
        for start, end in unshown:
            quiet.update(range(start, end))
        if gone or quiet:
            marked = bytearray(flags)
            for at in (*gone, *quiet):
                marked[at] = 1
            flags = bytes(marked)
    at = flags.find(1)
    if at < 0:
        return Normalised(skel, text, classes, [], [], [])
    skel_parts: list[str] = []
    text_parts: list[str] = []
    skel_specials: list[Special] = []
    text_specials: list[Special] = []
    hidden: list[tuple[int, int]] = []
    skel_len = text_len = 0
    done = 0
    while at >= 0:
        if at > done:
            skel_parts.append(skel[done:at])
            text_parts.append(text[done:at])
            skel_len += at - done
            text_len += at - done
        if at in gone or at in quiet:
            skel_view = text_view = ""
            is_hidden_char = at in gone
        else:
            skel_view, text_view, is_hidden_char = _slow_char(piece[at])
        if len(skel_view) != 1:
            skel_specials.append(Special(skel_len, len(skel_view), at))
        if len(text_view) != 1:
            text_specials.append(Special(text_len, len(text_view), at))
        if is_hidden_char:
            if hidden and hidden[-1][1] == at:
                hidden[-1] = (hidden[-1][0], at + 1)
            else:
                hidden.append((at, at + 1))
        skel_parts.append(skel_view)
        text_parts.append(text_view)
        skel_len += len(skel_view)
        text_len += len(text_view)
        done = at + 1
        at = flags.find(1, done)
    skel_parts.append(skel[done:])
    text_parts.append(text[done:])
    return Normalised(
        "".join(skel_parts),
        "".join(text_parts),
        classes,
        skel_specials,
        text_specials,
        hidden,
    )


class OffsetMap:
    """Maps positions in a view back to positions in the original text.

    Between special characters a view and the original advance together, so the map
    stores only the specials (absolute positions) and the offset after each.
    """

    def __init__(self, delta: int) -> None:
        self._base_delta = delta  # original = view + delta before the first special
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._origs: list[int] = []
        self._deltas: list[int] = []

    def add(self, view_start: int, view_len: int, orig: int) -> None:
        self._starts.append(view_start)
        self._ends.append(view_start + view_len)
        self._origs.append(orig)
        self._deltas.append(orig + 1 - (view_start + view_len))

    def to_orig(self, view_pos: int) -> int:
        """The original position of the character at ``view_pos`` (or of the end)."""
        index = bisect_right(self._starts, view_pos) - 1
        if index < 0:
            return view_pos + self._base_delta
        if view_pos < self._ends[index]:
            return self._origs[index]
        return view_pos + self._deltas[index]

    def to_view(self, orig: int) -> int:
        """The first view position whose original position is ``orig`` or later (where
        a removed character was, the view character after it)."""
        index = bisect_right(self._origs, orig) - 1
        if index < 0:
            return orig - self._base_delta
        if orig == self._origs[index]:
            return self._starts[index]
        return orig - self._deltas[index]

    def span(self, view_start: int, view_end: int) -> tuple[int, int]:
        """The original span covering the view span (``view_end`` exclusive, non-empty)."""
        return self.to_orig(view_start), self.to_orig(view_end - 1) + 1

    def trim(self, view_pos: int) -> None:
        """Forget specials that end before ``view_pos`` (memory stays flat)."""
        index = bisect_right(self._ends, view_pos)
        # Keep a little slack so trimming is amortised, not done on every feed.
        if index < 256:
            return
        self._base_delta = self._deltas[index - 1]
        del self._starts[:index], self._ends[:index], self._origs[:index], self._deltas[:index]
