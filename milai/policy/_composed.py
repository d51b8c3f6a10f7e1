"""A Caesar shift over another obfuscation: ``ᔕVᑕIᗴᖶ`` (look-alikes, the ASCII letters
among them shifted), ``$KIX37`` (leetspeak), ``Z*L*J*Y*L*A`` (letters spaced out),
``gThIgXrItS`` (odd case), ``AM<!-- f -->KZMB`` (a comment inside the word).

A model asked for two obfuscations at once shifts the ASCII letters it writes and leaves
what the other spelling put in their place: a look-alike, a digit or a symbol stands for
its own letter, unshifted. The plain reader (``_transforms.ShiftedWords``) reads words of
plain capitals only; this one reads the words that such a pairing leaves:

* each ASCII letter is a shifted letter (its case aside), each look-alike or leetspeak
  character a letter as written; comments (``<!-- … -->``) are taken out, and letters
  spaced out by one repeated separator are joined;
* a word is read when it is a marking word of ``MIN_SHIFTED`` letters or more, letter for
  letter, under one shift (not 0, not rot13's 13, read elsewhere) that at least
  ``MIN_AGREEING`` ASCII letters agree on; the line is then shifted back and read as a
  text of its own, so it raises only where the ordinary readers find a marking there.

The lines worth that look are found by one ``bytes`` search of the one-byte copy of the
text (``decoders.one_byte``) for the evidence these pairings leave and prose does not: a
capital next to a look-alike, a digit or a leetspeak symbol, odd case inside a word
(``ThI``), a comment opener, three letters spaced by the same separator.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections.abc import Iterable
from functools import cache

from milai._lazyre import lazy_compile
from milai.policy._transforms import MIN_SHIFTED, shift_back_table
from milai.policy.normalise import skeleton_char

MIN_AGREEING = 2  # ASCII letters of the word that agree on its shift
# The first two ASCII letters of a marking spelled over words lie within its first
# letters: the shift is read from them (the rest must agree).
_PAIR_REACH = 16

# Leetspeak characters and the letters they stand for (generators' and people's choices).
_LEET = {
    "0": "o", "1": "il", "3": "e", "4": "a", "5": "s", "6": "g", "7": "t", "8": "b", "9": "g",
    "@": "a", "$": "s", "!": "i", "|": "il", "+": "t",
}  # fmt: skip
_PROTOTYPES = {"l": "il", "0": "o", "1": "il"}


# The one-byte copy (``decoders.one_byte``: a character above Latin-1 is 0x81) as kinds of
# character: "A" a capital (ASCII or Latin-1), "a" a small letter, "X" a character above
# Latin-1, a Latin letter with a stroke (Ø ø), a digit or a leetspeak symbol, "s" a blank
# or a separator (a new line too), anything else a blank.
def _kind(byte: int) -> bytes:
    ch = chr(byte)
    if byte in (0x81, 0xD8, 0xF8) or ch in "013456789@$!":  # 2 and 6 stand for no letter
        return b"X"
    if ch.isalpha():
        return b"A" if ch.isupper() else b"a"
    if ch in " \t\n*.|_/\\:~+=#-":
        return b"s"
    return b" "


_KINDS = b"".join(_kind(byte) for byte in range(256))
# Evidence that a pairing leaves and prose does not, with where it points (the character
# as written, or the first spaced letter): a capital beside a look-alike, a digit or a
# leetspeak symbol; odd case inside a word (ThI); three capitals spaced by separators.
_EVIDENCE = (
    (b"AX", 1), (b"XA", 0), (b"AaA", 0), (b"sAsAs", 1), (b"sAssAss", 1), (b"sAsssAs", 1),
)  # fmt: skip
_COMMENT_OPENER = b"<!--"
_COMMENT_CLOSER = "-->"
_LETTER = r"[^\W\d_]"
# Letters spaced out by one repeated separator (one to three characters). A letter glued
# to the last one is taken off by the caller (``_spaced_runs``): a look-ahead that fails
# at the end would make every start of a long run scan it to its end again.
_SPACED = lazy_compile(
    rf"(?<!{_LETTER}){_LETTER}(?P<sep>(?:[^\w\n]|_){{1,3}})(?:{_LETTER}(?P=sep))+{_LETTER}"
)
# A word as these pairings write it: anything but blanks and ASCII punctuation (a
# look-alike may be a combining sign, as an anusvara for O), leetspeak symbols included.
_TOKEN = lazy_compile(r"(?:[^\s!-/:-@\[-`{-~]|[@$!|+])+")
_WORD_SYMBOLS = "@$!|+<-"


@cache
def _fixed(ch: str) -> str:
    """The letters (lower case) that the non-shifted character ``ch`` may stand for."""
    leet = _LEET.get(ch)
    if leet is not None:
        return leet
    folded = skeleton_char(ch)
    if len(folded) != 1 or not folded.isascii() or not folded.isalnum():
        return ""
    # UTS #39 folds a capital I to its prototype l, a look-alike of O may fold to 0
    return _PROTOTYPES.get(folded, folded)


def _wordish(ch: str) -> bool:
    """A character that a word of these pairings is made of: an ASCII letter or digit,
    a leetspeak symbol, a comment's opener, a character that stands for a letter."""
    return (ch.isascii() and (ch.isalnum() or ch in _WORD_SYMBOLS)) or bool(_fixed(ch))


def evidence_start(line: str, at: int) -> int:
    """Where the stretch that evidence at ``at`` belongs to starts: its word (for a
    comment, the word before it), as ``_wordish`` characters make it."""
    start = at
    while start > 0 and _wordish(line[start - 1]):
        start -= 1
    return start


class _Letters:
    """A line's letters as these pairings leave them, in parallel lists."""

    __slots__ = ("codes", "composed", "fixed", "starts")

    def __init__(self) -> None:
        self.codes: list[int] = []  # an ASCII letter's capital's code (shifted), or -1
        self.fixed: list[str] = []  # the letters a character as written stands for
        self.starts: list[int] = []  # the index of each word's first letter
        # how many letters so far are written with another spelling (as written, spaced
        # out, in odd case, joined across a comment)
        self.composed: list[int] = []


class ComposedShifts:
    """A policy's markings (above the lowest level) and their words, as capitals
    (``MIN_SHIFTED`` letters or more), indexed for the shift of their first two ASCII
    letters wherever they stand (``_PAIR_REACH``)."""

    def __init__(self, words: Iterable[str], markings: Iterable[str] = ()) -> None:
        # a marking's words count as markings of their own (RESTREINT in RESTREINT UE)
        phrases = {_ascii_letters(marking) for marking in markings} | {
            word.upper() for word in words if word.isascii() and word.isalpha()
        }
        phrases = {phrase for phrase in phrases if len(phrase) >= MIN_SHIFTED}
        self.longest = max(map(len, phrases), default=0)
        # Each phrase under each pair of offsets of its first two ASCII letters, with the
        # distance between its letters there.
        self.by_pair: dict[tuple[int, int, int], list[str]] = {}
        for phrase in sorted(phrases):
            reach = min(len(phrase), _PAIR_REACH)
            for first in range(reach):
                for second in range(first + 1, reach):
                    distance = (ord(phrase[second]) - ord(phrase[first])) % 26
                    self.by_pair.setdefault((first, second, distance), []).append(phrase)

    def _letters(self, line: str) -> _Letters:
        """``line``'s letters, words apart, as these pairings leave them."""
        joined = _uncommented(line)
        letters = _Letters()
        codes, fixed, starts, composed = (
            letters.codes,
            letters.fixed,
            letters.starts,
            letters.composed,
        )
        spaced = _spaced_runs(joined)
        spaced.append((len(joined) + 1, len(joined) + 1, 1))
        at, run, count = 0, 0, 0
        for token in _TOKEN.finditer(joined):
            start, end = token.span()
            if start < at:
                continue
            while spaced[run][1] <= start:
                run += 1
            run_start, run_end, step = spaced[run]
            if run_start <= start < run_end:
                word = joined[run_start:run_end:step]
                spelled, at = True, run_end
            elif end - start > self.longest:
                continue  # too long to be a phrase's word (a base64 run, a long URL)
            else:
                word = joined[start:end]
                spelled = (joined is not line and word not in line) or not _plain(word)
            first = True
            for ch in word:
                if "A" <= ch <= "Z" or "a" <= ch <= "z":
                    codes.append(ord(ch.upper()))
                    fixed.append("")
                else:
                    reads = _fixed(ch)
                    if not reads:
                        first = True
                        continue
                    codes.append(-1)
                    fixed.append(reads)
                if first:
                    starts.append(len(codes) - 1)
                first = False
                count += spelled or codes[-1] < 0
                composed.append(count)
        return letters

    def _phrase_shift(self, line: str) -> int | None:
        """The shift under which words of ``line`` spell one of the markings, letter for
        letter (at least one of them written with another spelling, two ASCII letters
        at least), or None. Each word start is tried only against the markings whose
        letters differ as the first two ASCII letters from there do (one look-up)."""
        letters = self._letters(line)
        codes, composed = letters.codes, letters.composed
        ends = {*letters.starts, len(codes)}
        shifted = [i for i, code in enumerate(codes) if code >= 0]
        for i in letters.starts:
            pair = bisect_left(shifted, i)
            if pair + 1 >= len(shifted) or shifted[pair + 1] - i >= _PAIR_REACH:
                continue
            first, second = shifted[pair], shifted[pair + 1]
            distance = (codes[second] - codes[first]) % 26
            before = composed[i - 1] if i else 0
            for phrase in self.by_pair.get((first - i, second - i, distance), ()):
                end = i + len(phrase)
                if end in ends and composed[end - 1] > before:
                    shift = _phrase_at(letters, i, phrase)
                    if shift is not None:
                        return shift
        return None

    def line_shift(self, line: str) -> int | None:
        """The shift of the first composed shifted marking word of ``line`` (or of its
        words that spell a marking), or None."""
        return self._phrase_shift(line)

    def lines(self, text: str, raw: bytes) -> list[tuple[int, int, str]]:
        """The lines of ``text`` (``raw``: its one-byte copy) that hold a composed shifted
        marking word: (where the first evidence's word starts, the line's end, the
        whole line shifted back)."""
        if not self.by_pair:
            return []
        found: list[tuple[int, int, str]] = []
        line_end = -1
        for position in _evidence(text, raw):
            if position < line_end:
                continue  # that line is read already
            line_start = text.rfind("\n", 0, position) + 1
            line_end = text.find("\n", position)
            line_end = len(text) if line_end < 0 else line_end
            line = text[line_start:line_end]
            shift = self.line_shift(line)
            if shift is not None:
                at = line_start + evidence_start(line, position - line_start)
                found.append((at, line_end, line.translate(shift_back_table(shift))))
        return found

    def first_evidence(self, text: str, raw: bytes, start: int = 0) -> int | None:
        """Where the stretch of the first evidence in ``text`` from ``start`` starts."""
        if not self.by_pair:
            return None
        positions = _evidence(text, raw, start, first=True)
        return evidence_start(text, positions[0]) if positions else None

    @staticmethod
    def open_stretch(text: str) -> int | None:
        """Where the stretch at the end of the unfinished line ``text`` starts that may
        still grow into evidence: its last word, with the one-letter words spaced out
        before it (W I H), or the word before an unclosed comment; None if there is none."""
        end = len(text)
        opener = text.rfind("<!--")
        if opener >= 0 and text.find("-->", opener) < 0:
            return evidence_start(text, opener)
        start = evidence_start(text, end)
        while True:  # one-letter words spaced out before it (W I H, S . E . C)
            gap = start
            while gap > 0 and start - gap < 3 and not _wordish(text[gap - 1]):
                gap -= 1
            word = evidence_start(text, gap)
            if gap == start or gap - word != 1 or not text[word].isalpha():
                break
            start = word
        return start if start < end else None


def _evidence(text: str, raw: bytes, start: int = 0, first: bool = False) -> list[int]:
    """Where ``text`` (``raw``: its one-byte copy) holds evidence from ``start``, in
    order (only the first, when ``first``): a few ``bytes`` searches; a character above
    Latin-1 counts only when it stands for a letter (not a curly quote)."""
    # blanks around: a text's first and last letters stand apart, as on a line of a text
    kinds = b"s" + raw.translate(_KINDS) + b"s"
    found: list[int] = []
    for literal, offset in _EVIDENCE:
        at = kinds.find(literal, start)
        while at >= 0:
            position = at - 1 + offset
            if position >= start and (raw[position] != 0x81 or _letter_or_blank(text[position])):
                found.append(position)
                if first:
                    break
            at = kinds.find(literal, at + 1)
    at = raw.find(_COMMENT_OPENER, start)
    while at >= 0:
        found.append(at)
        at = -1 if first else raw.find(_COMMENT_OPENER, at + 1)
    found.sort()
    return found[:1] if first else found


def _spaced_runs(line: str) -> list[tuple[int, int, int]]:
    """The runs of letters spaced out in ``line``: (start, end, step), three letters or
    more, none glued to a letter after it (its last letter then belongs to that word)."""
    runs = []
    for run in _SPACED.finditer(line):
        start, end = run.span()
        step = len(run.group("sep")) + 1
        if end < len(line) and line[end].isalpha():
            end -= step
        if (end - start) // step >= 2:
            runs.append((start, end, step))
    return runs


def _uncommented(line: str) -> str:
    """``line`` without its complete comments (``<!-- … -->``), in one pass."""
    opener = line.find("<!--")
    if opener < 0:
        return line
    pieces = []
    last = 0
    while opener >= 0:
        closer = line.find(_COMMENT_CLOSER, opener + 4)
        if closer < 0:
            break  # no comment closes after this opener: the rest stays
        pieces.append(line[last:opener])
        last = closer + len(_COMMENT_CLOSER)
        opener = line.find("<!--", last)
    pieces.append(line[last:])
    return "".join(pieces)


def _letter_or_blank(ch: str) -> bool:
    """A character above Latin-1 that stands for a letter, or a blank that spaces letters
    out (the Braille blank, wide spaces); not a curly quote or a dash."""
    return bool(_fixed(ch)) or ch == "\u2800" or ch.isspace()


def _phrase_at(letters: _Letters, start: int, phrase: str) -> int | None:
    """The shift under which ``letters`` from ``start`` spell ``phrase``, or None."""
    shift = -1
    agreeing = 0
    codes, fixed = letters.codes, letters.fixed
    for k, letter in enumerate(phrase):
        code = codes[start + k]
        if code >= 0:
            distance = (code - ord(letter)) % 26
            if shift < 0:
                shift = distance
            elif distance != shift:
                return None
            agreeing += 1
        elif letter.lower() not in fixed[start + k]:
            return None
    if agreeing < MIN_AGREEING or shift in (0, 13):
        return None
    return shift


def _ascii_letters(marking: str) -> str:
    """A marking's letters in ASCII capitals (accents dropped): TRÈS SECRET → TRESSECRET."""
    decomposed = unicodedata.normalize("NFKD", marking.upper())
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalpha())


def _plain(word: str) -> bool:
    """A word of plain capitals (the plain reader's), or one in prose case (lower case,
    or a capital then lower case): no composed reading."""
    if not word.isascii() or not word.isalpha():
        return False
    return word.isupper() or word.islower() or (word[0].isupper() and word[1:].islower())
