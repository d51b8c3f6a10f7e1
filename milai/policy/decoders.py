"""Decoders for the encodings a model can be asked to answer in, beyond plain base64/hex
tokens: percent-encoding, quoted-printable, HTML entities, ``\\u``/``\\x`` escapes, a
text inside a JSON string (``"SECRET\\nThe plan"``), hex with separators or
``0x`` prefixes, base32, ascii85/base85, URL-safe base64 and base64 wrapped over lines
(MIME), binary octets (``01010011 01000101``), code point lists (``U+0053 U+0045``),
UTF-7 shift sequences (``+AFMARQ-``), with UTF-8 or UTF-16 text inside, and characters
escaped by their Unicode names (``\\N{LATIN CAPITAL LETTER S}``).

The scanner gives each complete line that holds a trigger to ``decode_line_candidates``;
every candidate is scanned again as a text of its own (bounded depth). Decoding never
grows the text (every decoder here shrinks it), each decoder is linear, and the work is
limited per line, so time and memory stay bounded whatever the input.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import html
import re
import unicodedata
import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import unquote_to_bytes

from milai import _budget
from milai._lazyre import lazy_compile
from milai.policy.normalise import terminal_shown

if TYPE_CHECKING:
    import bz2
    import lzma

MAX_LINE = 1 << 16  # a longer line is decoded in windows of this size
# Consecutive windows share this many characters: more than the most any detection inside
# a long line spans (a base64 token, 4,100 characters, is the longest), so whatever one
# cut splits lies whole in the next window (a reversed ``…TERCES POT…`` across a cut).
LINE_OVERLAP = 1 << 13
_MIN_TEXT = 2  # decoded text shorter than this carries no marking ("S" alone is none)

# ``%53``, and the ``%u0053`` of IIS and ECMAScript's escape() (a UTF-16 unit, four digits).
_PERCENT = r"%(?:[0-9A-Fa-f]{2}|[uU][0-9A-Fa-f]{4})"
# Two in a row ("x=AB" is code), or one byte above ASCII in capitals as encoders write it, a
# Latin-1 or cp1252 letter or mark alone (``K=F6ln``, ``=DCbersicht``, `` =96 ``): after a
# blank and before a letter, a blank or the end, or between two letters.
_QUOTED_PRINTABLE = (
    r"=(?:[0-9A-Fa-f]{2}=[0-9A-Fa-f]{2}"
    r"|(?<=(?<![^\s])=)[89A-F][0-9A-F](?![^A-Za-z \t\r\n])"
    r"|(?<=[A-Za-z]=)[89A-F][0-9A-F](?=[A-Za-z]))"
)
# A numeric reference may end without its ";" (HTML5 decodes ``&#x53&#x45``: a parse error).
_ENTITY = r"&(?:#[0-9]{1,7};?|#[xX][0-9A-Fa-f]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};)"
_ESCAPE = r"\\(?:u\{[0-9A-Fa-f]{1,6}\}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|x[0-9A-Fa-f]{2}|[0-7]{3})"
_HEX_SEQ = (
    r"(?<![0-9A-Za-z])(?:0[xX])?[0-9A-Fa-f]{2}"
    r"(?:(?:[ \t:,;\-]{1,3}|[ \t]*,?[ \t]*)(?:0[xX])?[0-9A-Fa-f]{2}){2,}(?![0-9A-Za-z])"
)
_HEX_SEQ_SEPARATED = (
    r"(?<![0-9A-Za-z])(?:0[xX])?[0-9A-Fa-f]{2}"
    r"(?:(?:[ \t:,;\-]{1,3}(?:0[xX])?|0[xX])[0-9A-Fa-f]{2}){2,}(?![0-9A-Za-z])"
)
# xxd's hex, two bytes a group (``4e41 544f 2053 4543 5245 540a``), its last group one
# byte when the length is odd; three groups or more.
_HEX_GROUPED = (
    r"(?<![0-9A-Za-z])[0-9A-Fa-f]{4}(?:(?:[ \t][0-9A-Fa-f]{4}){2,}(?:[ \t][0-9A-Fa-f]{2})?"
    # a short line's two groups, its line feed last (``4355 490a``: "CUI\n"), or alone after
    # them (``4355 490d 0a``: "CUI\r\n"; ``43c9 8449 0a``: C, a look-alike's two bytes, I)
    r"|[ \t][0-9A-Fa-f]{2}0[aA]|[ \t][0-9A-Fa-f]{4}[ \t]0[aA])(?![0-9A-Za-z])"
)
_BASE32 = r"(?<![A-Za-z0-9])(?=[A-Z2-7]*[2-7=]|[A-Z2-7]{10})[A-Z2-7]{8,}={0,6}(?![A-Za-z0-9])"
# Base32 in lower case (``i5cuqrkjju======``, as some tools write it): a run of eight or
# more with a digit next to a letter in it, padded, or of 16 letters (a shorter run of
# letters alone is a word).
_BASE32_LOWER = (
    r"(?<![A-Za-z0-9])(?=[a-z2-7]*(?:[a-z][2-7]|[2-7][a-z]|=)|[a-z]{16})[a-z2-7]{8,}={0,6}"
    r"(?![A-Za-z0-9])"
)
_URLSAFE = r"(?<![\w-])(?=[\w-]*[-_])(?=[\w-]*\d)[A-Za-z0-9_-]{12,}={0,2}(?![\w-])"
_ASCII85 = r"<~[!-u\s]{2,}?~>"
_MIME_LINE = r"[ \t]*[A-Za-z0-9+/_-]{16,}={0,2}[ \t]*"
_BINARY = r"(?<![0-9A-Za-z])[01]{8}(?:[ \t,;:\-]{0,3}[01]{8})+"  # no end test: linear
_CODE_POINT = r"[Uu]\+[0-9A-Fa-f]{4,6}"
_CODE_POINTS = r"(?<![0-9A-Za-z])" + _CODE_POINT + r"(?:[ \t,;]{0,3}" + _CODE_POINT + r")+"
# A shift sequence of two characters or more (six base64 characters) with a letter among
# its first six: a phone number (+35262112345) is none.
_UTF7 = r"\+(?=[0-9+/]{0,5}[A-Za-z])[A-Za-z0-9/][A-Za-z0-9+/]{5,}"

# An RFC 2047 encoded word (a mail header pasted as text, an mbox, a log):
# ``=?utf-8?Q?NATO_SECRET?=``, ``=?UTF-8?B?U0VDUkVU?=``.
_ENCODED_WORD = r"=\?[A-Za-z0-9_\-]{1,40}(?:\*[A-Za-z\-]{1,20})?\?[QqBb]\?[!->@-~]{1,400}?\?="

# PostgreSQL's string with Unicode escapes (``U&'\0053\0045CRET'``, ``U&'\+000053'``), its
# escape character another one after UESCAPE (``U&'!0053!0045CRET' UESCAPE '!'``).
# A string up to 4,000 characters (a line of markup in escapes), linear: possessive.
_SQL_UNICODE = (
    r"(?<![\w&])[Uu]&'(?P<body>(?:[^'\n]|''){1,4000}+)'"
    r"(?:[^\S\n]{1,8}(?i:uescape)[^\S\n]{1,8}'(?P<escape>[^'\n\s0-9A-Fa-f+\"])')?"
)

# RTF: a byte of the document's code page (``TR\'c8S`` is TRÈS: Word and WordPad write every
# accented letter so), a Unicode escape (``\u200?``), a group in capitals (``{\caps nato}``).
_RTF_TRIGGER = r"\\'[0-9A-Fa-f]{2}|\\u-?\d{1,5}|\\s?caps\b"
_RTF_UNICODE = r"\\u-?\d{1,5} ?(?:\?|\\'[0-9A-Fa-f]{2})?"
_RTF_ESCAPE = lazy_compile(
    r"\\'(?P<byte>[0-9A-Fa-f]{2})|(?P<units>(?:" + _RTF_UNICODE + r"){1,400})"
)
_RTF_UNIT = lazy_compile(r"\\u(-?\d{1,5})")
_RTF_CAPS = lazy_compile(r"\{\\s?caps[^\S\n]?(?P<text>[^{}\\\n]{1,400})\}")

# What makes a line worth decoding, each alternative once, with whether it starts with a
# literal. TRIGGER_RE is their alternation, searched over many lines at once, at C speed.
# TRIGGER_RE tried at every character is slow (about 40 ns a character: several of its
# alternatives start with a letter class). ``trigger_lines`` finds the same lines: the
# alternatives that start with a literal are searched as they are (``_LITERAL_LED``); each
# of the others has a literal-led stand-in (``_STAND_INS``) that matches wherever it does
# (and more), searched in a copy of the text translated to the few classes it reads; each
# line a stand-in finds is then tried with TRIGGER_RE itself.
# One pattern each: ``re`` finds a pattern's literal first character fast, but tries an
# alternation of different first characters at every character (``U&'`` and ``u&'`` are
# two alternatives, not ``[Uu]&'``).
_TRIGGERS: tuple[tuple[str, bool], ...] = (
    (r"=\?[A-Za-z0-9_\-]{1,40}\?[QqBb]\?", True),
    (_RTF_TRIGGER, True),
    (r"U&'", True),
    (r"u&'", True),
    (_PERCENT, True),
    (_QUOTED_PRINTABLE, True),
    (r"&#|&[A-Za-z]{2,31};", True),
    (r'\\[uUx0-7n"\\]', True),
    (r"\\N\{", True),
    (r"<~", True),
    (
        r"(?:0[xX])?[0-9A-Fa-f]{2}[ \t:,;\-]{1,3}(?:0[xX])?[0-9A-Fa-f]{2}[ \t:,;\-]{1,3}"
        r"(?:0[xX])?[0-9A-Fa-f]{2}",
        False,
    ),
    (r"0[xX][0-9A-Fa-f]{2}", True),
    (
        r"[0-9A-Fa-f]{4}[ \t](?:[0-9A-Fa-f]{4}[ \t](?:[0-9A-Fa-f]{4}|0[aA])|[0-9A-Fa-f]{2}0[aA])",
        False,
    ),
    # base32: a digit anywhere in eight capitals (unpadded: I5CUQRKJJU), padding, or
    # ten capitals (KNCUGUSFKQ); in lower case, a digit next to a letter in eight
    # characters, or 16 letters
    (r"[A-Z2-7]{7}[2-7=]|[A-Z2-7]{10}|(?=[A-Z2-7]{8})[A-Z]{0,7}[2-7]", False),
    (r"(?=[a-z2-7]{8})[a-z2-7]{0,6}(?:[a-z][2-7]|[2-7][a-z])|[a-z]{16}|[a-z2-7]{8}=", False),
    (r"[A-Za-z0-9][-_][\w-]{9}|(?<=[\w-]{9})[-_][A-Za-z0-9]", False),
    (r"(?m:^" + _MIME_LINE + r"$)", False),
    (r"[01]{8}[ \t,;:\-]{0,3}[01]{8}", False),
    (r"U\+[0-9A-Fa-f]{4}", True),
    (r"u\+[0-9A-Fa-f]{4}", True),
    (_UTF7, True),
)
TRIGGER_RE = lazy_compile("|".join(alternative for alternative, _ in _TRIGGERS))
_LITERAL_LED = tuple(re.compile(alternative) for alternative, led in _TRIGGERS if led)


def _class_table(classes: dict[str, str], high: str = ".") -> bytes:
    """A ``bytes.translate`` table: each listed character to its class letter, bytes
    0x80-0xFF (every non-ASCII character, see ``one_byte``) to ``high``, the rest to "."."""
    table = bytearray(b"." * 128 + high.encode() * 128)
    for chars, letter in classes.items():
        for ch in chars:
            table[ord(ch)] = ord(letter)
    return bytes(table)


_HEX_DIGITS = "0123456789abcdefABCDEF"
_BASE32_LOWER_CLASSES = _class_table({"abcdefghijklmnopqrstuvwxyz": "l", "234567": "d", "=": "="})


def _around_pair(pair: bytes) -> bytes:
    """A pair of classes with, around it, six more of ``[ld]``: k before, 6 - k after."""
    sides = [
        (rb"(?<=[ld]{%d})" % k if k else b"") + (rb"(?=..[ld]{%d})" % (6 - k) if k < 6 else b"")
        for k in range(7)
    ]
    return b"(?:" + b"|".join(sides) + b")" + pair


_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ALNUM = _UPPER + _UPPER.lower() + "0123456789"
# (table, literal, stand-in): a stand-in's classes contain the alternative's, and each of
# its matches starts with the literal, found with ``bytes.find`` (a fast search) where it
# is rare; ``literal`` None: searched with the pattern (its literal start is common).
_HEX_CLASSES = _class_table({_HEX_DIGITS: "h", " \t:,;-": "s", "xX": "x"})
_STAND_INS: tuple[tuple[bytes, bytes | None, re.Pattern[bytes]], ...] = (
    (  # hex with separators: 2-digit groups; "0x" reads as a digit then x
        _HEX_CLASSES,
        None,
        re.compile(rb"hhs{1,3}(?:hx)?hhs{1,3}(?:hx)?hh"),
    ),
    (  # xxd's hex: three groups of four digits, or two (the last ends a line: "0a");
        # its stand-in is a literal of classes, found with ``bytes.find`` (searched as a
        # pattern, h{4} retried at every hex letter of every word: 20 times slower)
        _HEX_CLASSES,
        b"hhhhshhhh",
        re.compile(rb"h{4}sh{4}"),
    ),
    (  # binary octets: two groups of eight 0/1 digits (hex digits here: the same
        # translation as hex), up to three separators between
        _HEX_CLASSES,
        b"h" * 8,
        re.compile(rb"h{8}s{0,3}h{8}"),
    ),
    (  # base32: 7 of [A-Z2-7], then one more or "="
        _class_table({_UPPER + "234567": "B", "=": "="}),
        b"BBBBBBB",
        re.compile(rb"BBBBBBB[B=]"),
    ),
    # base32 in lower case: a digit next to a letter, in a run of eight characters or more
    # of [a-z2-7] (the run around the pair is checked on both sides: fixed widths)
    *((_BASE32_LOWER_CLASSES, pair, re.compile(_around_pair(pair))) for pair in (b"ld", b"dl")),
    (_BASE32_LOWER_CLASSES, b"l" * 16, re.compile(rb"l{16}")),
    *(  # padded: eight of [a-z2-7], then "="
        (_BASE32_LOWER_CLASSES, last + b"=", re.compile(rb"(?<=[ld]{7})" + last + b"="))
        for last in (b"l", b"d")
    ),
    (  # URL-safe base64 (a dash or underscore early or late in the run): [\w-] is any
        # non-ASCII character too
        _class_table({_ALNUM: "a", "-_": "-"}, high="w"),
        b"-",
        re.compile(rb"(?<=a)-[aw-]{9}|(?<=[aw-]{9})-a"),
    ),
    _BASE64_RUN := (  # a line of base64 (MIME): 16 of its characters in a row
        _class_table({_ALNUM + "+/_-": "b"}),
        b"b" * 16,
        re.compile(rb"b{16}"),
    ),
)


def line_windows(length: int) -> list[tuple[int, int]]:
    """The windows (start, end) a line of ``length`` characters is read in: the whole line
    up to ``MAX_LINE``; beyond it, windows of ``MAX_LINE`` that overlap by ``LINE_OVERLAP``,
    at fixed offsets from the line's start (a stream and the whole text cut alike)."""
    windows = [(0, min(length, MAX_LINE))]
    start = 0
    while start + MAX_LINE < length:
        start += MAX_LINE - LINE_OVERLAP
        windows.append((start, min(start + MAX_LINE, length)))
    return windows


def one_byte(text: str) -> bytes:
    """One byte per character: Latin-1, every other character a byte in 0x80-0xFF."""
    return text.encode("latin-1", _ONE_BYTE_ERRORS)


_ONE_BYTE_ERRORS = "milai-policy-one-byte"
codecs.register_error(
    _ONE_BYTE_ERRORS,
    lambda error: ("\x81" * (error.end - error.start), error.end),  # type: ignore[attr-defined]
)


def trigger_lines(
    text: str, end: int | None = None, raw: bytes | None = None
) -> list[tuple[int, int]]:
    """The lines of ``text[:end]`` (start, end without the new line) where TRIGGER_RE
    matches, in order: exactly those, found fast. ``raw``: ``one_byte(text)`` when the
    caller has it already."""
    end = len(text) if end is None else end
    starts: set[int] = set()

    def add(at: int) -> None:
        starts.add(text.rfind("\n", 0, at) + 1)

    for literal_led in _LITERAL_LED:
        for match in literal_led.finditer(text, 0, end):
            add(match.start())
    raw = one_byte(text[:end]) if raw is None else raw[:end]
    translated: dict[bytes, bytes] = {}  # stand-ins that read the same classes share them
    for table, literal, stand_in in _STAND_INS:
        classes = translated.get(table)
        if classes is None:
            classes = translated[table] = raw.translate(table)
        if literal is None:
            for found in stand_in.finditer(classes):
                add(found.start())
            continue
        at = classes.find(literal)
        while at >= 0:
            if stand_in.match(classes, at) is None:
                at = classes.find(literal, at + 1)
                continue
            add(at)  # one is enough: on to the next line
            at = raw.find(b"\n", at)
            at = -1 if at < 0 else classes.find(literal, at)
    lines: list[tuple[int, int]] = []
    for start in sorted(starts):
        line_end = text.find("\n", start, end)
        line_end = end if line_end < 0 else line_end
        if TRIGGER_RE.search(text, start, line_end) is not None:
            lines.append((start, line_end))
    return lines


# Where, in an unfinished line, an encoded run could already have started.
# Every "a word that holds X" pattern below is anchored at the word's start ((?<!\S)) and
# looks ahead lazily: an unanchored \S*X\S* retries from every letter of a long word that
# has no X, which is quadratic in the word's length (a 20 KB line of '&#' took a minute).
_PARTIAL_RE = lazy_compile(
    r"(?<!\S)(?=\S*?(?:%|&|\\|<~|0[xX]|[_=-]|[Uu](?:\+|\Z)|\+))"
    r"|(?<!\S)[0-9A-Fa-f]{2}(?=[ \t:,;\-]|$)|(?<!\S)[0-9A-Fa-f]{4}(?=[ \t]|$)"
    r"|[A-Z2-7]{7}|(?<!\S)[A-Za-z0-9+/_-]{16}|(?<!\S)[01]{8}|(?<!\S)[01]{1,7}\Z"
    # a string still open at the end of the line, or one with an escape in it: it may be a
    # JSON string with escaped new lines or quotes, whose text starts at its opening quote
    r'|"(?=(?:[^"\\\n]|\\.)*$)|"(?=[^"\\\n]*\\)'
)


def _word_holding(pattern: str) -> re.Pattern[str]:
    """Whole words (runs of non-space) that hold a match of ``pattern``, in linear time."""
    return re.compile(r"(?<!\S)(?=\S*?" + pattern + r")\S+")


_PERCENT_RUN = _word_holding(_PERCENT)
_QUOTED_PRINTABLE_RUN = _word_holding(_QUOTED_PRINTABLE)
_SQL_UNICODE_RUN = lazy_compile(_SQL_UNICODE)
_PERCENT_U_UNITS = lazy_compile(r"(?:%[uU][0-9A-Fa-f]{4})+|(?:%[0-9A-Fa-f]{2})+")
_QUOTED_PRINTABLE_BYTES = lazy_compile(r"(?:=[0-9A-Fa-f]{2})+")
# A double-quoted string with backslash escapes (JSON, JavaScript, C, Python).
_QUOTED_STRING = lazy_compile(r'"((?:[^"\\\n]|\\.)*)"')
_ENTITY_RUN = _word_holding(_ENTITY)
_BINARY_RUN = lazy_compile(_BINARY)
_CODE_POINT_RUN = lazy_compile(_CODE_POINTS)
_CODE_POINT_ONE = lazy_compile(r"[Uu]\+([0-9A-Fa-f]{4,6})")
_UTF7_RUN = _word_holding(_UTF7)
# Encoded words in a row (blanks between them are dropped when they are decoded).
_ENCODED_WORDS_RUN = lazy_compile(f"{_ENCODED_WORD}(?:[ \t]{{1,8}}{_ENCODED_WORD})*")
# A header folded between two encoded words (a line break, then blanks): RFC 2047 drops it
# too, and mail encoders fold a long subject there, often inside a word's letters.
_FOLD = r"[ \t]{0,8}\r?\n[ \t]{1,8}"
_FOLDED_WORDS_RUN = lazy_compile(rf"{_ENCODED_WORD}(?:(?:[ \t]{{1,8}}|{_FOLD}){_ENCODED_WORD})*")
_ENCODED_WORD_ONE = lazy_compile(
    r"=\?(?P<charset>[A-Za-z0-9_\-]{1,40})(?:\*[A-Za-z\-]{1,20})?\?(?P<kind>[QqBb])\?"
    r"(?P<text>[!->@-~]{1,400}?)\?=(?:(?:[ \t]{1,8}|" + _FOLD + r")(?==\?))?"
)
# A line that ends with an encoded word (a fold may continue its run on the next line), and
# one that starts with blanks and an encoded word (it continues a run from the line above).
_ENDS_WITH_WORD = lazy_compile(rf"{_ENCODED_WORD}[ \t]{{0,8}}\r?\Z")
_CONTINUES_RUN = lazy_compile(rf"[ \t]{{1,8}}{_ENCODED_WORD}")
MAX_FOLDED_LINES = 64  # a run folded over more lines is read in pieces of this many
_ESCAPE_RUN = _word_holding(_ESCAPE)
# The escapes alone, without the rest of their word: a byte-string literal's prefix and
# quotes (b'\x53\x45', b"\123\105") would glue a letter to the decoded text.
_ESCAPES_ONLY = lazy_compile("(?:" + _ESCAPE + ")+")
_ENTITY_ONE = lazy_compile(_ENTITY)
_ESCAPE_ONE = lazy_compile(_ESCAPE)
_HEX_RUN = lazy_compile(_HEX_SEQ_SEPARATED)
_HEX_PAIR = lazy_compile(r"(?:0[xX])?([0-9A-Fa-f]{2})")
_HEX_GROUPED_RUN = lazy_compile(_HEX_GROUPED)
_BASE32_RUN = lazy_compile(_BASE32)
_BASE32_LOWER_RUN = lazy_compile(_BASE32_LOWER)
_URLSAFE_RUN = lazy_compile(_URLSAFE)
_ASCII85_RUN = lazy_compile(_ASCII85)
# Raw ascii85 and base85 (Python's a85encode/b85encode, RFC 1924, git's binary patches): no
# delimiter, and an alphabet of nearly all printable ASCII. A word is tried when it holds a
# symbol that prose words and most code tokens do not (a full stop, comma, colon, slash,
# hyphen, apostrophe or underscore is no evidence) besides two kinds of letters or digits:
# random words so chosen decode to bytes that are no readable text.
_RAW85_SYMBOLS = r"""[!"#$%&()*+;<=>?@\[\\\]^`{|}~]"""
RAW85_SYMBOL = lazy_compile(_RAW85_SYMBOLS)
# A word of 8 printable ASCII characters or more that holds one of those symbols and two of
# capitals, small letters and digits: searched in C, word starts only, each look linear.
_RAW85_WORD = lazy_compile(
    r"(?<!\S)(?=[!-~]{8})(?=\S*?" + _RAW85_SYMBOLS + r")"
    r"(?:(?=\S*?[A-Z])(?=\S*?[a-z0-9])|(?=\S*?[a-z])(?=\S*?[0-9]))"
    r"[!-~]+(?!\S)"
)
_RAW85_AROUND = "\"'`()[]<>{}.,;:"
_RAW85_MAX = 8192  # a longer word is no answer a model writes in one piece
# A one-character prefix on each line of a block: a quote's "> ", a comment's "#" (a
# diff's "+" and "-" are in the alphabet already; ``decode_block`` drops them).
_MIME_PREFIX = r"(?:[ \t]*[>#|;!*%])?"
# The first line may follow text on its line ("Antwort: RVUgVE9Q…"), after a blank.
_MIME_BLOCK = lazy_compile(
    r"(?m:(?:^"
    + _MIME_PREFIX
    + r"|(?<=[ \t]))"
    + _MIME_LINE
    + r"\n(?:^"
    + _MIME_PREFIX
    + _MIME_LINE
    + r"\n){0,4095}^"
    + _MIME_PREFIX
    + r"[ \t]*[A-Za-z0-9+/_-]{2,}={0,2}[ \t]*$)"
)
_MIME_LINE_RE = lazy_compile(_MIME_PREFIX + _MIME_LINE)
_MIME_LINE_PREFIX = lazy_compile(r"(?m:^[ \t]*[>#|;!*%+\-][ \t]?)")
_MIME_FIRST_RE = lazy_compile(r"[ \t][A-Za-z0-9+/_-]{16,}={0,2}[ \t]*\Z")


class Candidate(NamedTuple):
    """A decoded stretch of a line: how it was encoded, its text, where it was."""

    encoding: str
    text: str
    start: int  # in the line
    end: int


def readable(text: str) -> bool:
    """Mostly printable text with a letter in it: what a decoded marking looks like (a
    terminal's text as a terminal shows it: colours and overstrikes are no binary; an ESC
    without a control sequence is)."""
    if "\x1b[" in text or "\b" in text:
        text = terminal_shown(text)
    if len(text) < _MIN_TEXT:
        return False
    # Any blank counts: a no-break space (&nbsp;) is not "printable" to Python, nor is
    # Word's cell mark BEL (read as a tab: detect.CELL_MARK); format characters (bidi
    # overrides, zero-width) are neither: the views drop and report them.
    printable = sum(1 for ch in text if ch.isprintable() or ch.isspace() or ch == "\x07")
    hidden = sum(1 for ch in text if not ch.isprintable() and unicodedata.category(ch) == "Cf")
    # No letter is fine when the text is itself numeric entities or escapes (&#67;&#79;…,
    # \103\117…): an encoding inside an encoding, decoded in turn.
    lettered = (
        any(ch.isalpha() for ch in text)
        or "&#" in text
        or "\\" in text
        or _BINARY_RUN.search(text) is not None  # binary octets: no letter either
    )
    return printable >= 0.95 * (len(text) - hidden) and lettered


# Compressed data: gzip (1f 8b, deflate), zlib (78 then a second byte that makes the pair a
# multiple of 31: 78 01/5e/9c/da), bzip2 ("BZh" and a block size), xz (fd "7zXZ" 00) and
# LZMA's older format ("]" 00 00). A base64 or hex payload
# that decodes to one (a ConfigMap's ``binaryData: motd.gz: H4sI…``, ``echo … | base64 -d |
# gunzip``) is decompressed, bounded: at most ``_INFLATE_RATIO`` times its size and never
# more than ``_INFLATE_MOST`` bytes (a bomb stops there; its start is read), in input steps
# of ``_INFLATE_STEP`` (time stays linear in what comes out). Payloads nest (a gzip whose
# text holds more base64 gzip), so a check has a budget too (``milai._budget``); a payload
# cut short by either bound is not read whole, and the check blocks.
_INFLATE_MOST = 1 << 20
_INFLATE_RATIO = 64
_INFLATE_LEAST = 1 << 16  # a short payload may still hold a page of text
_INFLATE_STEP = 1 << 12


def _decompressor(
    raw: bytes,
) -> zlib._Decompress | bz2.BZ2Decompressor | lzma.LZMADecompressor | None:
    """A decompressor for ``raw`` when it starts with a compression magic, else None."""
    if raw[:3] == b"\x1f\x8b\x08":
        return zlib.decompressobj(wbits=31)
    if len(raw) >= 2 and raw[0] == 0x78 and (raw[0] << 8 | raw[1]) % 31 == 0:
        return zlib.decompressobj()
    if raw[:3] == b"BZh" and raw[3:4].isdigit() and raw[3:4] != b"0":
        import bz2  # only for a bzip2 payload: rare, and a few milliseconds of every start

        return bz2.BZ2Decompressor()
    if raw[:6] == b"\xfd7zXZ\x00" or (raw[:1] == b"]" and raw[1:3] == b"\x00\x00"):
        import lzma  # xz, and LZMA's older format (its properties byte, a dictionary's size)

        return lzma.LZMADecompressor()
    return None


def compressed(raw: bytes) -> bool:
    """Whether ``raw`` starts with a compression magic (``inflate`` reads it)."""
    return _decompressor(raw) is not None


def inflate(raw: bytes) -> bytes | None:
    """The decompressed start of compressed ``raw`` (``_decompressor``), bounded in size
    (``_INFLATE_MOST``, ``_INFLATE_RATIO``); what came out before a corrupt or truncated
    part is kept. None when ``raw`` is not compressed or nothing came out."""
    decompressor = _decompressor(raw)
    if decompressor is None:
        return None
    most = min(_INFLATE_MOST, max(_INFLATE_LEAST, _INFLATE_RATIO * len(raw)))
    room = _budget.room()
    if room == 0:
        return None
    limit = most if room is None else min(most, room)
    out = bytearray()
    try:
        for at in range(0, len(raw), _INFLATE_STEP):
            out += decompressor.decompress(raw[at : at + _INFLATE_STEP], limit - len(out))
            if len(out) >= limit or decompressor.eof:
                break
    except (zlib.error, OSError, EOFError, ValueError):
        pass  # a corrupt tail: what came out before it is read
    except Exception as error:  # lzma's own (imported only where a payload is one)
        import lzma

        if not isinstance(error, lzma.LZMAError):
            raise
    _budget.take(len(out))
    if len(out) >= limit and not decompressor.eof:
        _budget.refuse()  # cut short by a bound: the rest is not read
    return bytes(out) or None


def decode_text_bytes(raw: bytes) -> str | None:
    """Readable text from decoded bytes: UTF-8, or UTF-16 or UTF-32 (with or without a BOM), else a
    legacy code page's (``legacy_text``); from compressed bytes (gzip, zlib, bzip2), the
    text they decompress to."""
    inflated = inflate(raw)
    if inflated is not None:
        raw = inflated
    attempts: list[str] = []
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        attempts.append("utf-32")
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        attempts.append("utf-16")
    attempts.append("utf-8")
    if b"\x00\x00" in raw and len(raw) % 4 == 0 and raw.count(0) * 4 >= len(raw) * 2:
        # UTF-32 without a BOM: Latin text is three zero bytes a character, after its
        # letter (little-endian) or before it
        big_endian = raw[3::4].count(0) < raw[0::4].count(0)
        attempts += ["utf-32-be", "utf-32-le"] if big_endian else ["utf-32-le", "utf-32-be"]
    if b"\x00" in raw and len(raw) % 2 == 0:
        # Latin text in UTF-16 has its zero bytes first (big-endian) or second: try the
        # byte order they point to first, since the other one reads as CJK letters.
        big_endian = raw[0::2].count(0) > raw[1::2].count(0)
        attempts += ["utf-16-be", "utf-16-le"] if big_endian else ["utf-16-le", "utf-16-be"]
    utf8 = True
    for codec in attempts:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            utf8 = utf8 and codec != "utf-8"
            continue
        if readable(text) and (codec in ("utf-8", "utf-16", "utf-32") or _alphabetic(text)):
            return text
    # a legacy code page's reading holds no control character: only bytes that are no UTF-8
    return None if utf8 else legacy_text(raw)


# A text in a one-byte code page is no UTF-8 (``NATO SECRET - Übersicht`` in cp1252, its
# dash an en dash: 0x96 and 0xDC stop the decoding, and the whole payload went unread).
# Random bytes (keys, images, hashes) decode in such a code page to "printable" junk, so a
# legacy reading must be real text: three quarters or more of its bytes what text is
# written in (printable ASCII and blanks, or EBCDIC's letters, digits and blank: counted
# at C speed first), the decoded text mostly letters and blanks, with a word, no control
# character, and every other character a letter or a typographer's mark.
_LEGACY_WESTERN = ("cp1252", "cp850", "cp437")
_LEGACY_EBCDIC = ("cp037", "cp500", "cp273")  # US, international, German (cp1141's letters)
_ASCII_TEXT_BYTES = bytes(range(0x20, 0x7F)) + b"\t\n\r"
_EBCDIC_TEXT_BYTES = (
    b"\x40\x4b\x6b\x05\x25\x15\x0d"  # blank, full stop, comma, tab, line feeds
    + bytes([*range(0x81, 0x8A), *range(0x91, 0x9A), *range(0xA2, 0xAA)])
    + bytes([*range(0xC1, 0xCA), *range(0xD1, 0xDA), *range(0xE2, 0xEA), *range(0xF0, 0xFA)])
)
# The letters and marks a Western text writes beyond ASCII most: a code page whose reading
# has more of them is the one it was written in (cp850's È is cp1252's Ô).
_LEGACY_COMMON = frozenset(
    "ÀÂÄÇÈÉÊËÎÏÖÙÛÜàâäçèéêëîïöùûüßñÑáíóúÁÍÓÚåÅæÆøØ«»°€§£\xa0"
    "\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2026"  # dashes, quotes, ellipsis
)
_LEGACY_WORD = lazy_compile(r"[A-Za-z]{3}")
_LEGACY_LEAST = 4  # a word of three letters and a byte that is no UTF-8
_LEGACY_CASE_SHIFT = lazy_compile(r"[^\W\d_](?<=[^\W\d_A-Z\u00c0-\u00de])[A-Z\u00c0-\u00de]")


def legacy_text(raw: bytes) -> str | None:
    """``raw`` read in a one-byte code page (cp1252, cp850, cp437; EBCDIC: cp037, cp500,
    cp273) when that reading is real text (``_legacy_real``), the likeliest first; None
    when none is."""
    if len(raw) < _LEGACY_LEAST:
        return None
    if 4 * len(raw.translate(None, _ASCII_TEXT_BYTES)) <= len(raw):
        codecs_tried = _LEGACY_WESTERN
    elif 4 * len(raw.translate(None, _EBCDIC_TEXT_BYTES)) <= len(raw):
        codecs_tried = _LEGACY_EBCDIC
    else:
        return None
    best: tuple[int, str] | None = None
    for codec in codecs_tried:
        text = raw.decode(codec, "replace")
        if not _legacy_real(text):
            continue
        score = sum(1 for ch in text if ch in _LEGACY_COMMON or (ch.isascii() and ch.isalpha()))
        if best is None or score > best[0]:
            best = (score, text)
    return None if best is None else best[1]


def _legacy_real(text: str) -> bool:
    """Whether a one-byte code page's reading of bytes is text: three quarters or more of
    it ASCII, three quarters letters and blanks (an eighth at most ASCII punctuation and
    symbols), a word of three ASCII letters, few small letters before a capital, nothing
    beyond ASCII but letters inside words and typographer's marks beside blanks, and no
    control character."""
    beyond = [at for at, ch in enumerate(text) if not ch.isascii()]
    if 4 * len(beyond) > len(text) or _LEGACY_WORD.search(text) is None:
        return False
    for at in beyond:  # a letter inside a word, a mark next to a blank
        around = text[max(0, at - 1) : at] + text[at + 1 : at + 2]
        if not (
            any(ch.isalpha() for ch in around)
            if text[at].isalpha()
            else text[at] in _LEGACY_COMMON and (not around.strip() or len(around) < 2)
        ):
            return False
    if any((ch < " " and ch not in "\t\n\r") or ch == "\x7f" for ch in text):
        return False
    worded = sum(1 for ch in text if ch.isalpha() or ch in " \t\n\r")
    marks = sum(1 for ch in text if ch.isascii() and not (ch.isalnum() or ch.isspace()))
    # words in one case or capitalised: random letters change case inside a word ("YqdÄ")
    shifts = len(_LEGACY_CASE_SHIFT.findall(text))
    return 4 * worded >= 3 * len(text) and 8 * marks <= len(text) and 16 * shifts <= len(text)


def bytes_text(raw: bytes) -> str:
    """A few bytes an escape spelled (percent, quoted-printable, ``\\x``): UTF-8 (a stray
    byte among UTF-8 sequences as U+FFFD), else cp1252 (the five bytes it leaves undefined
    as Latin-1)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if _UTF8_SEQUENCE.search(raw.decode("latin-1")) is not None:
        return raw.decode("utf-8", "replace")
    return raw.decode("cp1252", _CP1252_ERRORS)


# A UTF-8 sequence of two bytes or more (the bytes as Latin-1 characters).
_UTF8_SEQUENCE = lazy_compile(
    r"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


_CP1252_ERRORS = "milai-policy-latin-1"
codecs.register_error(
    _CP1252_ERRORS,
    lambda error: (
        error.object[error.start : error.end].decode("latin-1"),  # type: ignore[attr-defined]
        error.end,  # type: ignore[attr-defined]
    ),
)


_ALPHABETS_END = "\u0590"  # Latin, Greek, Cyrillic and Armenian letters lie below it


def _alphabetic(text: str) -> bool:
    """Whether most letters of ``text`` are in the alphabets markings and their look-alikes
    are written in. Random bytes read as UTF-16 without a BOM are letters from all over the
    BMP (CJK, Hangul: "printable"), a text in its alphabets at the rate of 2 %: base64 of
    noise would otherwise be rescanned, and its format characters reported as hidden."""
    letters = [ch for ch in text if ch.isalpha()]
    return 2 * sum(1 for ch in letters if ch < _ALPHABETS_END) >= len(letters)


def decode_base64(token: str, *, urlsafe: bool = False) -> str | None:
    """Readable text from a base64 token of any length (padding optional)."""
    raw = base64_bytes(token, urlsafe=urlsafe)
    return None if raw is None else decode_text_bytes(raw)


def base64_bytes(token: str, *, urlsafe: bool = False) -> bytes | None:
    """The bytes of a base64 token of any length (padding optional); None if it is not."""
    stripped = re.sub(r"\s+", "", token).rstrip("=")
    if urlsafe:
        stripped = stripped.replace("-", "+").replace("_", "/")
    if len(stripped) % 4 == 1:
        stripped = stripped[:-1]
    if not stripped:
        return None
    try:
        return base64.b64decode(stripped + "=" * (-len(stripped) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def decode_pieces(pieces: list[str]) -> str | None:
    """Readable text from the pieces of an encoded token (``_pieces``) joined: hex, base32
    or base64 (standard or URL-safe), in that order, as its alphabet allows; or, pieces
    that each carry their own base64 padding, each decoded and their bytes joined."""
    text = _decode_joined("".join(pieces))
    if text is None and any(piece.endswith("=") for piece in pieces[:-1]):
        raws = [base64_bytes(piece) for piece in pieces]
        if all(raw is not None for raw in raws):
            text = decode_text_bytes(b"".join(raw for raw in raws if raw is not None))
    return text


def _decode_joined(token: str) -> str | None:
    if _HEX_ONLY.fullmatch(token) is not None and len(token) % 2 == 0:
        text = _decode_hex(token)
        if text is not None:
            return text
    if _BASE32_ONLY.fullmatch(token) is not None:
        text = _decode_base32(token)
        if text is not None:
            return text
    return decode_base64(token) or decode_base64(token, urlsafe=True)


_HEX_ONLY = lazy_compile(r"[0-9A-Fa-f]+")
_BASE32_ONLY = lazy_compile(r"[A-Z2-7]+=*")


def _decode_base32(token: str) -> str | None:
    stripped = token.rstrip("=")
    try:
        raw = base64.b32decode(stripped + "=" * (-len(stripped) % 8), casefold=True)
    except (binascii.Error, ValueError):
        return None
    return decode_text_bytes(raw)


def _decode_hex(run: str) -> str | None:
    pairs = _HEX_PAIR.findall(run)
    return decode_text_bytes(bytes.fromhex("".join(pairs)))


def _unescape(text: str) -> str:
    r"""``\u0053``, ``\x53``, ``\123``, ``\u{53}`` → characters; runs of ``\x`` and octal
    escapes as UTF-8 bytes (a byte string: b"\303\210" is È), else Latin-1. One pass: an
    escape that decoding makes (``\x5cx41`` is ``\x41``) is left for the next reading."""

    def one(match: re.Match[str]) -> str:
        found = match.group()
        if match.group("bytes") is not None:
            raw = bytes(
                int(part[1:], 16) if part[0] == "x" else int(part, 8)
                for part in _BYTE_ESCAPE_ONE.findall(found)
            )
            return bytes_text(raw)
        body = found[1:]
        if body[0] == "u" and body[1:2] == "{":
            code = int(body[2:-1], 16)
        elif body[0] in "uU":
            code = int(body[1:], 16)
        else:
            code = int(body, 8)
        return chr(code) if code <= 0x10FFFF else ""

    text = _UNESCAPE.sub(one, text)
    if _SURROGATE_RE.search(text) is None:
        return text
    # \ud83c\udd72: JSON and JavaScript write an astral character as two surrogates.
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


# Python's and Perl's escape of a character by its Unicode name (``\N{LATIN CAPITAL LETTER
# S}``; Perl's ``\N{U+53}`` too): a name has at most 88 characters, and a run of escapes is
# decoded as a whole (a marking spelled a character a name).
_NAMED_ESCAPE = r"\\N\{(?:[A-Za-z][A-Za-z0-9 \-]{0,87}+|U\+[0-9A-Fa-f]{1,6}+)\}"
_NAMED_RUN = lazy_compile(f"(?:{_NAMED_ESCAPE})++")
_NAMED_ONE = lazy_compile(_NAMED_ESCAPE)


def _unname(text: str) -> str:
    """``\\N{NAME}`` escapes → their characters; a name that Unicode does not know stays
    as written."""

    def one(match: re.Match[str]) -> str:
        name = match.group()[3:-1]
        if name[:2] in ("U+", "u+"):
            code = int(name[2:], 16)
            return chr(code) if code <= 0x10FFFF else match.group()
        try:
            return unicodedata.lookup(name)
        except KeyError:
            return match.group()

    return _NAMED_ONE.sub(one, text)


_SURROGATE_RE = lazy_compile("[\ud800-\udfff]")
_BYTE_ESCAPE = r"\\(?:x[0-9A-Fa-f]{2}|[0-3][0-7]{2})"  # a byte: \x53, \123
_UNESCAPE = lazy_compile(f"(?P<bytes>(?:{_BYTE_ESCAPE})+)|{_ESCAPE}")
_BYTE_ESCAPE_ONE = lazy_compile(r"\\(x[0-9A-Fa-f]{2}|[0-3][0-7]{2})")


def _decode_sql_unicode(body: str, escape: str) -> str:
    """A PostgreSQL ``U&'…'`` string's text: ``escape`` then four hex digits or "+" and six
    (a surrogate pair is one character), two escapes one, a doubled quote one quote."""
    mark = re.escape(escape)
    units = re.sub(
        mark + r"(?:([0-9A-Fa-f]{4})|\+([0-9A-Fa-f]{6})|" + mark + ")",
        lambda m: (
            chr(min(int(m.group(1) or m.group(2) or "0", 16), 0x10FFFF))
            if m.group(1) or m.group(2)
            else escape
        ),
        body.replace("''", "'"),
    )
    return units.encode("utf-16-be", "surrogatepass").decode("utf-16-be", "replace")


def _unpercent_units(text: str) -> str:
    """``%u0053`` units (IIS, ECMAScript's escape()) → characters, a surrogate pair as one
    (``%uD835%uDC12``), a lone surrogate U+FFFD; ``%XX`` bytes as UTF-8, in the same pass
    (a "%" that a unit decodes to starts nothing; bytes that are no UTF-8 as cp1252:
    ``bytes_text``). Each run shrinks."""

    def one(match: re.Match[str]) -> str:
        found = match.group()
        if found[1] not in "uU":
            return bytes_text(unquote_to_bytes(found))
        units = bytes.fromhex("".join(found[at + 2 : at + 6] for at in range(0, len(found), 6)))
        return units.decode("utf-16-be", errors="replace")

    return _PERCENT_U_UNITS.sub(one, text)


def unpercent(text: str) -> str:
    """Percent-encoding: ``%XX`` bytes as UTF-8 (else cp1252), and ``%u`` units."""
    return _unpercent_units(text)


def unpercent_plus(text: str) -> str:
    """As ``unpercent``, a "+" read as a blank (a form's encoding)."""
    return unpercent(text.replace("+", " "))


def _unquote_printable(text: str) -> str:
    """``=53=45=43`` → ``SEC``: quoted-printable bytes, read as UTF-8 (else Latin-1)."""

    def one_run(match: re.Match[str]) -> str:
        return bytes_text(bytes.fromhex(match.group().replace("=", "")))

    return _QUOTED_PRINTABLE_BYTES.sub(one_run, text)


def _decode_encoded_words(text: str) -> str:
    """``text`` with its RFC 2047 encoded words decoded (a word whose charset or bytes do
    not decode is read as UTF-8, else Latin-1); blanks between two of them dropped."""

    def one(match: re.Match[str]) -> str:
        payload = match.group("text")
        if match.group("kind") in "Qq":
            raw = _QUOTED_PRINTABLE_BYTES.sub(
                lambda m: bytes.fromhex(m.group().replace("=", "")).decode("latin-1"),
                payload.replace("_", " "),
            ).encode("latin-1", "replace")
        else:
            decoded = base64_bytes(payload)
            if decoded is None:
                return match.group()
            raw = decoded
        for codec in (match.group("charset"), "utf-8", "latin-1"):
            try:
                return raw.decode(codec)
            except (LookupError, UnicodeDecodeError):
                continue
        return match.group()  # pragma: no cover (latin-1 decodes any bytes)

    return _ENCODED_WORD_ONE.sub(one, text)


def folded_encoded_words(region: str) -> list[Candidate]:
    """Runs of encoded words folded over lines (``Subject: =?utf-8?Q?NATO_SEC?=`` / `` =?
    utf-8?Q?RET?=``), each decoded with its folds dropped: the run alone, and its lines
    joined with the run decoded in place (``Subject: NATO SECRET``). Offsets in ``region``;
    the runs on one line are ``decode_line_candidates``'s."""
    found: list[Candidate] = []
    for match in _FOLDED_WORDS_RUN.finditer(region):
        run = match.group()
        if "\n" not in run:
            continue
        text = _decode_encoded_words(run)
        if text == run or not (readable(text) or text.strip().isprintable()):
            continue
        found.append(Candidate("rfc2047", text, match.start(), match.end()))
        line_start = region.rfind("\n", 0, match.start()) + 1
        line_end = region.find("\n", match.end())
        line_end = len(region) if line_end < 0 else line_end
        joined = region[line_start : match.start()] + text + region[match.end() : line_end]
        found.append(Candidate("rfc2047", joined, match.start(), match.end()))
    return found


def encoded_words_tail(text: str) -> int | None:
    """Where, in complete lines (``text`` ends with a new line), a run of encoded words
    that the next line may continue (folded) starts: the start of its first line. None
    when the last line does not end with an encoded word."""
    if not text.endswith("\n") or "?=" not in text[-420:]:
        return None
    end = len(text) - 1
    line_start = text.rfind("\n", 0, end) + 1
    if _ENDS_WITH_WORD.search(text, line_start, end) is None:
        return None
    for _ in range(MAX_FOLDED_LINES):
        if line_start == 0 or _CONTINUES_RUN.match(text, line_start) is None:
            break
        above = text.rfind("\n", 0, line_start - 1) + 1
        if _ENDS_WITH_WORD.search(text, above, line_start - 1) is None:
            break
        line_start = above
    return line_start


def _rtf_escape(match: re.Match[str]) -> str:
    units = match.group("units")
    if units is None:
        return bytes.fromhex(match.group("byte")).decode("cp1252", "replace")
    # UTF-16 code units, signed above 32767; a letter beyond the BMP is two of them
    raw = b"".join((int(code) % 0x10000).to_bytes(2, "little") for code in _RTF_UNIT.findall(units))
    return raw.decode("utf-16-le", "replace")


def _decode_rtf(text: str) -> str:
    r"""RTF's escapes in ``text`` decoded (code page 1252, as Word writes them) and its
    ``{\caps …}`` groups in capitals, as a reader sees them."""
    text = _RTF_ESCAPE.sub(_rtf_escape, text)
    return _RTF_CAPS.sub(lambda m: "{" + m.group("text").upper() + "}", text)


def _add_encoded_words(found: list[Candidate], line: str) -> None:
    """Each run of encoded words, and the whole line, with its encoded words decoded. A
    charset names them text: no letter is needed (a marking in symbol look-alikes)."""
    runs = _runs(_ENCODED_WORDS_RUN, line)
    if not runs:
        return
    pieces = [*runs, (0, len(line))] if len(runs) > 1 or runs[0] != (0, len(line)) else runs
    for start, end in pieces:
        text = _decode_encoded_words(line[start:end])
        if text != line[start:end] and (readable(text) or text.strip().isprintable()):
            if (start, end) == (0, len(line)):
                start, end = runs[0][0], runs[-1][1]
            found.append(Candidate("rfc2047", text, start, end))


def _decode_binary(run: str) -> str | None:
    bits = re.sub(r"[^01]", "", run)
    if len(bits) % 8:
        return None
    return decode_text_bytes(bytes(int(bits[i : i + 8], 2) for i in range(0, len(bits), 8)))


def _decode_code_points(run: str) -> str:
    codes = (int(code, 16) for code in _CODE_POINT_ONE.findall(run))
    text = "".join(chr(code) for code in codes if code <= 0x10FFFF)
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _decode_utf7(text: str) -> str:
    """UTF-7 (RFC 2152) of ``text``: ``+AFMARQBD-`` → ``SEC``; unchanged when it is none,
    or when what its shifted runs decode to is not in the alphabets markings are written in
    (``_alphabetic``: a ``+`` in base64 noise shifts into random UTF-16)."""
    try:
        decoded = text.encode("ascii").decode("utf-7")
    except UnicodeError:
        return text
    return decoded if _alphabetic("".join(ch for ch in decoded if ch > "\x7f")) else text


def _add_json_strings(found: list[Candidate], line: str) -> None:
    """Strings with escapes (``{"answer": "SECRET\\nThe plan"}``, a JSON document or an
    escaped encoding inside a JSON string): a text of its own, whose lines start where its
    escaped new lines end them."""
    import json  # only lines with an escaped new line need it

    for match in _QUOTED_STRING.finditer(line):
        body = match.group(1)
        if "\\" not in body:
            continue
        try:
            text = json.loads(f'"{body}"')
        except ValueError:
            continue  # not JSON's escapes (a regular expression, a Windows path)
        if readable(text):
            found.append(Candidate("json-string", text, match.start(), match.end()))


def _runs(regex: re.Pattern[str], line: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in regex.finditer(line)]


def _add_textual(
    found: list[Candidate],
    name: str,
    line: str,
    runs: list[tuple[int, int]],
    decode: list[object],
) -> None:
    """Candidates for an encoding that decodes in place: each run, and the whole line."""
    if not runs:
        return
    first, last = runs[0][0], runs[-1][1]
    pieces = [(start, end) for start, end in runs]
    if len(runs) > 1:
        pieces.append((first, last))
    for start, end in pieces:
        for decoder in decode:
            text = decoder(line[start:end])  # type: ignore[operator]
            if text != line[start:end] and readable(text):
                found.append(Candidate(name, text, start, end))
    for decoder in decode:
        whole = decoder(line)  # type: ignore[operator]
        if whole != line and readable(whole):
            found.append(Candidate(name, whole, first, last))


def decode_line_candidates(line: str) -> list[Candidate]:
    """Every decoding of ``line`` (one line, no new line) worth scanning again."""
    found: list[Candidate] = []
    if "%" in line:
        runs = _runs(_PERCENT_RUN, line)
        _add_textual(found, "percent", line, runs, [unpercent, unpercent_plus])
    if "=" in line:
        runs = _runs(_QUOTED_PRINTABLE_RUN, line)
        _add_textual(found, "quoted-printable", line, runs, [_unquote_printable])
        if "=?" in line:
            _add_encoded_words(found, line)
    if "\\" in line:
        _add_json_strings(found, line)
        rtf = [(m.start(), m.end()) for m in _RTF_ESCAPE.finditer(line)]
        rtf += [(m.start(), m.end()) for m in _RTF_CAPS.finditer(line)]
        _add_textual(found, "rtf", line, sorted(rtf), [_decode_rtf])
    if "&'" in line:
        for match in _SQL_UNICODE_RUN.finditer(line):
            escape = match.group("escape") or "\\"
            string = _decode_sql_unicode(match.group("body"), escape)
            # read even with no escape (or no letter: 🆂🅴🅲…) in it: the U& before its
            # quote hides the string from a cell
            if len(string.strip()) >= _MIN_TEXT:
                found.append(Candidate("sql-unicode", string, match.start(), match.end()))
    if "+" in line:
        for match in _CODE_POINT_RUN.finditer(line):
            points = _decode_code_points(match.group())
            if readable(points):
                found.append(Candidate("code-points", points, match.start(), match.end()))
        _add_textual(found, "utf-7", line, _runs(_UTF7_RUN, line), [_decode_utf7])
    for match in _BINARY_RUN.finditer(line):
        text = _decode_binary(match.group())
        if text is not None:
            found.append(Candidate("binary", text, match.start(), match.end()))
    if "&" in line:
        _add_textual(found, "html-entity", line, _runs(_ENTITY_RUN, line), [html.unescape])
    if "\\N{" in line:
        _add_textual(found, "named-escape", line, _runs(_NAMED_RUN, line), [_unname])
    if "\\" in line:
        words = _runs(_ESCAPE_RUN, line)
        _add_textual(found, "escape", line, words, [_unescape])
        alone = [run for run in _runs(_ESCAPES_ONLY, line) if run not in words]
        _add_textual(found, "escape", line, alone, [_unescape])
    for match in _HEX_RUN.finditer(line):
        text = _decode_hex(match.group())
        if text is not None:
            found.append(Candidate("hex", text, match.start(), match.end()))
    for match in _HEX_GROUPED_RUN.finditer(line):
        text = _decode_hex(match.group())
        if text is not None:
            found.append(Candidate("hex", text, match.start(), match.end()))
    for run in (_BASE32_RUN, _BASE32_LOWER_RUN):
        for match in run.finditer(line):
            text = _decode_base32(match.group())
            if text is not None:
                found.append(Candidate("base32", text, match.start(), match.end()))
    for match in _URLSAFE_RUN.finditer(line):
        text = decode_base64(match.group(), urlsafe=True)
        if text is not None:
            found.append(Candidate("base64url", text, match.start(), match.end()))
    if "<~" in line:
        for match in _ASCII85_RUN.finditer(line):
            try:
                raw = base64.a85decode(match.group(), adobe=True, ignorechars=b" \t\r\n")
            except ValueError:
                continue
            text = decode_text_bytes(raw)
            if text is not None:
                found.append(Candidate("ascii85", text, match.start(), match.end()))
    return found


def raw85_candidates(text: str) -> list[Candidate]:
    """Raw ascii85 and base85 words of ``text`` (``raw85_words``) that decode to readable
    text."""
    found: list[Candidate] = []
    for start, end in raw85_words(text):
        word = text[start:end]
        for decoder in (base64.a85decode, base64.b85decode):
            try:
                raw = decoder(word)
            except ValueError:
                continue
            decoded = decode_text_bytes(raw)
            if decoded is not None:
                # every readable edge is read: a wrong one decodes to a stray last letter
                if not any(decoded == other.text for other in found[-12:]):
                    found.append(Candidate("base85", decoded, start, end))
                break
    return found


def raw85_words(text: str) -> list[tuple[int, int]]:
    """The words of ``text`` that may be raw ascii85 or base85 (``_RAW85_WORD``), in order;
    a word that ends with punctuation, or stands in quotes or brackets, is tried without
    them too (right after it)."""
    words: list[tuple[int, int]] = []
    for match in _raw85_matches(text):
        start, end = match.span()
        if end - start > _RAW85_MAX:
            continue
        # also without up to two opening and three closing quotes or brackets ("…"},
        # ('…');): the alphabet holds them too, so which belong to the word is not known
        for first in _stripped(text, start, end, 1, 2):
            for last in _stripped(text, end - 1, first, -1, 3):
                if last - first >= 8 and _RAW85_WORD.fullmatch(text[first:last]):
                    words.append((first, last))
    return words


def _stripped(text: str, at: int, bound: int, step: int, most: int) -> list[int]:
    """A word's possible edges from its character at ``at``: the word's own edge, then past
    up to ``most`` characters of ``_RAW85_AROUND`` inwards (``step``: 1 from the start, -1
    from the last character), never reaching ``bound``."""
    edge = 0 if step > 0 else 1  # a start is the character's offset, an end the next one
    edges = [at + edge]
    while len(edges) <= most and at + step != bound and text[at] in _RAW85_AROUND:
        at += step
        edges.append(at + edge)
    return edges


def mime_blocks(text: str, raw: bytes | None = None) -> list[tuple[int, int]]:
    """Spans of base64 wrapped over two or more lines (MIME, PEM-style, any width).

    A block's first line holds 16 base64 characters in a row, found fast; only those
    lines are tried, at their start and after each blank, leftmost first, as
    ``_MIME_BLOCK.finditer`` would. ``raw``: ``one_byte(text)`` when the caller has it.
    """
    table, literal, _ = _BASE64_RUN
    classes = (one_byte(text) if raw is None else raw).translate(table)
    spans: list[tuple[int, int]] = []
    done = 0
    at = classes.find(literal)
    while at >= 0:
        line_start = max(text.rfind("\n", 0, at) + 1, done)
        line_end = text.find("\n", at)
        line_end = len(text) if line_end < 0 else line_end
        found = None
        for start in _block_starts(text, line_start, line_end):
            found = _MIME_BLOCK.match(text, start)
            if found is not None:
                break
        if found is None:
            at = classes.find(literal, line_end)
            continue
        spans.append(found.span())
        done = found.end()
        at = classes.find(literal, done)
    return spans


def _block_starts(text: str, start: int, end: int) -> list[int]:
    """Where in ``text[start:end]`` a wrapped block may start: there, and after a blank.

    After the first blank of a run only: a block matches after any blank of the run or
    after none (its lines start with any blanks), so trying each made a line of blanks
    quadratic (16,000 blanks after a base64 run: over 10 s)."""
    return [start, *(blank.end() for blank in _BLANK_RE.finditer(text, start, end))]


_BLANK_RE = lazy_compile(r"(?<![ \t])[ \t]")


def mime_tail(text: str) -> int | None:
    """Where, in complete lines (``text`` ends with a new line), a wrapped base64 block
    that the next line may continue starts: its last lines are base64 lines, the first of
    them perhaps after other text. None when the last line is no base64 line."""
    if not text.endswith("\n"):
        return None
    end = len(text) - 1
    start: int | None = None
    for _ in range(4096):
        line_start = text.rfind("\n", 0, end) + 1
        line = text[line_start:end]
        if _MIME_LINE_RE.fullmatch(line):
            start = line_start
            if line_start == 0:
                break
            end = line_start - 1
            continue
        first = _MIME_FIRST_RE.search(line)
        if first is not None:
            start = line_start + first.start() + 1
        break
    return start


def decode_block(block: str) -> list[Candidate]:
    """A line-wrapped base64 block, joined and decoded (standard and URL-safe)."""
    found: list[Candidate] = []
    for urlsafe in (False, True):
        text = decode_base64(block, urlsafe=urlsafe)
        if text is not None:
            found.append(Candidate("base64-wrapped", text, 0, len(block)))
            break
    # Each line after a one-character prefix (a diff's "+", a quote's "> "): the lines
    # without it, when every line but the first has one (the first may follow text). Read
    # even when the block decodes with its prefixes: a diff's "-" is URL-safe base64's
    # too, and the lines with it may decode to UTF-16 that looks like text.
    lines = block.split("\n")
    if len(lines) > 1 and all(_MIME_LINE_PREFIX.match(line) for line in lines[1:]):
        joined = "\n".join(_MIME_LINE_PREFIX.sub("", line, count=1) for line in lines)
        text = decode_base64(joined)
        if text is not None:
            # The run starts after the first line's prefix: a stream may have let it go.
            first = _MIME_LINE_PREFIX.match(lines[0])
            found.append(Candidate("base64-wrapped", text, first.end() if first else 0, len(block)))
    return found


def packed_block(block: str) -> bool:
    """Whether the wrapped base64 ``block`` (``mime_blocks``) holds compressed data that
    decompresses to text (as ``decode_block`` reads it, its lines' prefixes dropped too):
    noise that starts like a compression magic by chance decodes to nothing."""
    lines = block.split("\n")
    joined = [block]
    if len(lines) > 1 and all(_MIME_LINE_PREFIX.match(line) for line in lines[1:]):
        joined.append("\n".join(_MIME_LINE_PREFIX.sub("", line, count=1) for line in lines))
    for text, urlsafe in ((text, urlsafe) for text in joined for urlsafe in (False, True)):
        raw = base64_bytes(text, urlsafe=urlsafe)
        if raw is not None and compressed(raw) and decode_text_bytes(raw) is not None:
            return True
    return False


def partial_start(line: str) -> int | None:
    """In an unfinished line, where the first encoded run could already have begun."""
    match = _PARTIAL_RE.search(line)
    return None if match is None else match.start()


def raw85_start(text: str) -> int | None:
    """The start of the first word of ``text`` (complete words) that ``raw85_words`` would
    try; an unfinished word may become one as soon as it holds a symbol (``RAW85_SYMBOL``)."""
    match = next(_raw85_matches(text), None)
    return None if match is None else match.start()


def _raw85_matches(text: str) -> Iterator[re.Match[str]]:
    """``_RAW85_WORD.finditer(text)``, found from the symbols (rare in prose, and searched
    at C speed) instead of trying every position."""
    searched = 0  # the text before it is read: each character is looked at a bounded
    symbol = RAW85_SYMBOL.search(text)  # number of times
    while symbol is not None:
        at = symbol.start()
        start = max(searched - 1, text.rfind(" ", searched, at), text.rfind("\n", searched, at))
        start += 1
        blank = _LAST_BLANK.search(text, start, at)  # a tab, a no-break space…
        start = start if blank is None else blank.end()
        match = _RAW85_WORD.match(text, start)
        if match is not None:
            yield match
            end = match.end()
        else:
            found = _BLANK.search(text, at)
            end = len(text) if found is None else found.start()
        searched = end
        symbol = RAW85_SYMBOL.search(text, end)


_BLANK = lazy_compile(r"\s")
_LAST_BLANK = lazy_compile(r"\s(?=\S*\Z)")


# uuencode: a ``begin <mode> <name>`` line, lines that each start with their length in
# bytes (a character from " " to "_"; "M" is a full line of 45) then groups of four
# characters from " " to "_" (or "`" for a blank), a "`" or blank line and ``end``. A mail
# part with ``Content-Transfer-Encoding: x-uuencode`` carries the same block. Each line
# is decoded on its own (``binascii.a2b_uu``): a block cut anywhere still reads up to it.
_UU_BEGIN = lazy_compile(r"(?m:^[ \t]{0,8}begin(?:-base64)?[ \t]{1,8}[0-7]{3,4}[ \t]{1,8}\S)")
_UU_LINE = lazy_compile(r"[ -`]{1,90}")
_UU_END = lazy_compile(r"[ \t]{0,8}end[ \t]{0,8}\r?")
UU_MOST_LINES = 4096  # a longer block is held and read this far (as a wrapped base64 block)


def uu_open_start(text: str) -> int | None:
    """Where, in complete lines (``text`` ends with a new line), a uuencoded block that the
    next lines may continue starts (its ``begin`` line, only uuencoded lines after it, and
    fewer than ``UU_MOST_LINES`` of them), or None."""
    if "begin" not in text or not text.endswith("\n"):
        return None
    start = None
    for match in _UU_BEGIN.finditer(text):
        start = match.start()
    if start is None:
        return None
    after = text[start:]
    if after.count("\n") > UU_MOST_LINES:
        return None
    for line in after.split("\n")[1:-1]:
        line = line.rstrip("\r")
        if _UU_END.fullmatch(line) or not _UU_LINE.fullmatch(line):
            return None  # ended, or no uuencoded line: the block is over
    return start


def uu_candidates(text: str) -> list[Candidate]:
    """The uuencoded blocks of ``text`` (a ``begin`` line, then its lines up to ``end``,
    the first line that is no uuencoded line, or ``UU_MOST_LINES`` lines), decoded to
    readable text: each a candidate spanning its lines."""
    found: list[Candidate] = []
    if "begin" not in text:
        return found
    for match in _UU_BEGIN.finditer(text):
        body = text.find("\n", match.end())
        if body < 0:
            continue
        at = body + 1
        chunks: list[bytes] = []
        end = at
        for _ in range(UU_MOST_LINES):
            if at >= len(text):
                break
            line_end = text.find("\n", at)
            line_end = len(text) if line_end < 0 else line_end
            line = text[at:line_end].rstrip("\r")
            if _UU_END.fullmatch(line) or not _UU_LINE.fullmatch(line):
                break
            try:
                chunks.append(binascii.a2b_uu(line))
            except binascii.Error:
                # encoders that drop a line's trailing blanks: pad it to its stated length
                try:
                    size = (ord(line[0]) - 32) & 0x3F
                    chunks.append(binascii.a2b_uu(line.ljust(1 + (size + 2) // 3 * 4)))
                except (binascii.Error, IndexError):
                    break
            end = at = line_end + 1
        decoded = decode_text_bytes(b"".join(chunks)) if chunks else None
        if decoded is not None:
            found.append(Candidate("uuencode", decoded, body + 1, max(body + 1, end - 1)))
    return found


# Dump tools' rows: an offset of 6 to 8 hex or octal digits (xxd's with a colon), then the
# bytes: xxd's two-byte groups (``4e41 544f``, as written) or od -x's and hexdump's
# little-endian 16-bit words (``414e 4f54``: each pair swapped), od -X's 32-bit words,
# single bytes (``hexdump -C``, ``xxd -g1``, ``od -tx1``), xxd -b's binary octets, and
# od -c's and od -b's four-character fields (``   N``, ``  \n``, `` 116``); a text column
# after them (``  NATO SECRET.``, ``|NATO SECRET.|``) is left: the bytes say the same. The
# rows in a row are joined, offsets dropped, so a marking cut between two rows reads (both
# byte orders of grouped hex are tried); od's ``*`` and its last offset alone go on a run.
# A run longer than ``DUMP_MOST_ROWS`` is read in pieces of that many rows.
DUMP_MOST_ROWS = 1024
_DUMP_ROW = lazy_compile(
    r"[ \t]{0,8}(?P<offset>[0-9A-Fa-f]{6,8})(?P<colon>:?)(?P<data>(?:[ \t][^\r\n]*)?)\r?"
)
_DUMP_ROW_START = lazy_compile(r"[ \t]{0,8}[0-9A-Fa-f]{6,8}:?[ \t]")
_DUMP_CONTINUED = lazy_compile(r"[ \t]{0,8}(?:\*|[0-9A-Fa-f]{6,8}:?)[ \t]*\r?")
_DUMP_FIELDS = lazy_compile(r"(?:   [^ ]|  \\[0abfnrtv]| [0-7]{3}|    |  \*\*)+")
_DUMP_SHOWN = lazy_compile(r"   [^ \n]")  # od -c's character field (od -b has none)
_DUMP_FIELD_ESCAPES = {"0": 0, "a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}
# Where a row's groups end: its end, or two blanks or a bar before its text column (the
# longest such run: a text column that starts with a hex word, "  BEPERKTE", is text).
_DUMP_END = r"(?=[ \t]{2}|[ \t]*\||[ \t]*\Z)"
_DUMP_GROUPS = (  # (kind, its groups)
    ("binary", lazy_compile(r"(?:[ \t][01]{8}(?![0-9A-Fa-f]))+" + _DUMP_END)),
    ("hex4", lazy_compile(r"(?:[ \t][0-9A-Fa-f]{8}(?![0-9A-Fa-f]))+" + _DUMP_END)),
    (
        "hex2",
        lazy_compile(
            r"(?:[ \t][0-9A-Fa-f]{4}(?![0-9A-Fa-f]))+(?:[ \t][0-9A-Fa-f]{2}(?!\S))?" + _DUMP_END
        ),
    ),
    ("hex1", lazy_compile(r"(?:[ \t]{1,2}[0-9A-Fa-f]{2}(?![0-9A-Fa-f]))+" + _DUMP_END)),
)
_DUMP_OD_WIDTH = 64  # od -c's bytes a row at most (-w64): a row shorter than its offsets
# say (octal, od's own) lost its trailing blanks
_DUMP_ROW_CLASSES = b"hhhhhhs"  # an offset then a blank or colon, in _HEX_CLASSES


class _DumpRun(NamedTuple):
    """Dump rows in a row: where they start and end in the text, their kind (with xxd's
    colon or without), how many rows, and each data row's bytes as written."""

    start: int
    end: int
    kind: str
    rows: int
    data: list[bytes]


def _dump_row(line: str) -> tuple[str, bytes, int | None] | None:
    """A dump row's kind, bytes as written and octal offset (None when it is none); ("",
    b"", None) for a row that goes on any run (od's ``*``, its last offset alone); None
    when ``line`` is no dump row."""
    if _DUMP_CONTINUED.fullmatch(line):
        return "", b"", None
    match = _DUMP_ROW.fullmatch(line)
    if match is None:
        return None
    data, colon = match.group("data"), match.group("colon")
    if len(data) % 4 == 0 and _DUMP_FIELDS.fullmatch(data):
        offset = match.group("offset")
        octal = None if offset.strip("01234567") else int(offset, 8)
        return colon + "fields", bytes(_dump_fields(data)), octal
    for kind, groups in _DUMP_GROUPS:
        found = groups.match(data)
        if found is None:
            continue
        groups_found = found.group().split()
        if kind == "binary":
            return colon + kind, bytes(int(octet, 2) for octet in groups_found), None
        return colon + kind, bytes.fromhex("".join(groups_found)), None
    return None


def _dump_fields(data: str) -> Iterator[int]:
    """od -c's (or od -b's) four-character fields as bytes (a character as UTF-8)."""
    for at in range(0, len(data), 4):
        field = data[at : at + 4]
        if field == "    ":
            yield 32
        elif field == "  **":
            continue  # GNU od: a character's further bytes, printed with its first
        elif field[2] == "\\":
            yield _DUMP_FIELD_ESCAPES[field[3]]
        elif field[1] != " ":
            yield int(field[1:], 8)
        else:
            yield from field[3].encode()


def _dump_runs(text: str, raw: bytes | None = None) -> list[_DumpRun]:
    """The runs of dump rows in ``text`` (``raw``: ``one_byte(text)``), in order: each from
    a data row to the last row of its kind after it (or ``DUMP_MOST_ROWS`` rows)."""
    classes = (one_byte(text) if raw is None else raw).translate(_HEX_CLASSES)
    runs: list[_DumpRun] = []
    done = 0
    at = classes.find(_DUMP_ROW_CLASSES)
    while at >= 0:
        line_start = text.rfind("\n", 0, at) + 1
        if line_start < done:
            at = classes.find(_DUMP_ROW_CLASSES, done)
            continue
        run = _dump_run(text, line_start) if _DUMP_ROW_START.match(text, line_start) else None
        if run is None:
            line_end = text.find("\n", at)
            if line_end < 0:
                break
            at = classes.find(_DUMP_ROW_CLASSES, line_end)
            continue
        runs.append(run)
        done = run.end
        at = classes.find(_DUMP_ROW_CLASSES, done)
    return runs


def _dump_run(text: str, start: int) -> _DumpRun | None:
    """The run of dump rows that starts with a data row at ``start``, or None."""
    kind = ""
    data: list[bytes] = []
    offset: int | None = None
    rows = 0
    at = end = start
    while at <= len(text) and rows < DUMP_MOST_ROWS:
        line_end = text.find("\n", at)
        line_end = len(text) if line_end < 0 else line_end
        row = _dump_row(text[at:line_end])
        if row is None or (row[0] and kind and row[0] != kind) or not (kind or row[0]):
            break
        if row[0]:
            if offset is not None and row[2] is not None:
                width = row[2] - offset
                if len(data[-1]) < width <= _DUMP_OD_WIDTH:
                    data[-1] = data[-1].ljust(width)  # its trailing blanks were stripped
            kind, offset = row[0], row[2]
            data.append(row[1])
        rows += 1
        end = line_end
        at = line_end + 1
    return _DumpRun(start, end, kind, rows, data) if data else None


def dump_candidates(text: str, raw: bytes | None = None) -> list[Candidate]:
    """Each run of dump rows (``_dump_runs``) decoded to readable text: its bytes joined,
    grouped hex in both byte orders. ``raw``: ``one_byte(text)`` when the caller has it."""
    found: list[Candidate] = []
    for run in _dump_runs(text, raw):
        if len(run.data) == 1 and _DUMP_SHOWN.search(text, run.start, run.end):
            continue  # od -c's one row: its characters are shown as they are, spaced out
        joined = b"".join(run.data)
        readings = [joined]
        width = 2 if run.kind.endswith("hex2") else 4 if run.kind.endswith("hex4") else 0
        if width:
            swapped = b"".join(
                row[at : at + width][::-1] for row in run.data for at in range(0, len(row), width)
            )
            readings.append(swapped.rstrip(b"\x00"))  # od pads an odd length with a zero
        seen: set[str] = set()
        for reading in readings:
            decoded = decode_text_bytes(reading)
            if decoded is not None and decoded not in seen:
                seen.add(decoded)
                found.append(Candidate("dump", decoded, run.start, run.end))
    return found


def dump_row_begins(head: str) -> bool:
    """Whether an unfinished line that starts with ``head`` (its first characters) may be a
    dump row: an offset and a blank, or what may still grow into one."""
    return _DUMP_HEAD.match(head) is not None


_DUMP_HEAD = lazy_compile(r"[ \t]{0,8}(?:[0-9A-Fa-f]{6,8}:?[ \t]|[0-9A-Fa-f]{1,8}:?\Z)")
DUMP_HEAD_LENGTH = 18  # what ``dump_row_begins`` reads: blanks, an offset, a colon, a blank


def dump_open_start(text: str) -> int | None:
    """Where, in complete lines (``text`` ends with a new line), a run of dump rows that
    the next line may continue starts (its last row is the last line, and it has fewer
    than ``DUMP_MOST_ROWS`` rows), or None."""
    if not text.endswith("\n"):
        return None
    last = text.rfind("\n", 0, len(text) - 1) + 1
    if _dump_row(text[last:-1]) is None:
        return None
    runs = _dump_runs(text)
    if runs and runs[-1].end >= len(text) - 1 and runs[-1].rows < DUMP_MOST_ROWS:
        return runs[-1].start
    return None
