"""Letters doubled (``SSEECCRREETT  UUEE``, the blanks doubled too) or a filler letter at
every other place, after, between or before the letters (``NxAxTxOx xSxExCxRxExT``): a
reader drops the pair's second letter, or the filler, and reads what is left.

A line is read so, as a text of its own (``DecodeUnit``), when one of its words is wholly
doubled, or alternates with one filler letter, and read so holds a marking word of five
letters or more, or a codeword's (the words ``CipherWords`` takes): everyday words are
neither (``bookkeeper``, ``Mississippi`` and ``aardvark`` have single letters too; ``AABBCC``,
``xxxx`` and ``XoXoXo`` read as no such word). The line's other words are read the same
way where they are doubled or hold the same filler (``NNAATTOO``, ``NxAxTxOx``), and stand
as written where not. The reading is shorter than the line: each of its characters keeps
the span of the characters it was read from (a pair, a letter and its filler), and hits
lie on those spans.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from milai.policy._ciphers import alternation, long_words

# Runs of letters (``[^\W\d_]``) and of anything else, the line in order.
_RUN_RE = re.compile(r"[^\W\d_]+|[\W\d_]+")
# The letters that end a text, and that start one (a word around a search's hit).
_LETTERS_END_RE = re.compile(r"[^\W\d_]*\Z")
_LETTERS_START_RE = re.compile(r"[^\W\d_]*")
_WORD_REACH = 256  # a word's letters looked at before and after a hit, at most
# The ASCII letters that end a text's lowercase ASCII copy.
_ASCII_END_RE = re.compile(rb"[a-z]+\Z")
_PAIRS = ""  # the mode of a line read with its pairs undone (else: its filler letter)


def _pairs(run: str) -> bool:
    """Whether ``run`` is all pairs of one character (``SSEE``, two blanks)."""
    return len(run) % 2 == 0 and run[::2] == run[1::2]


def _unfilled(run: str, filler: str) -> str | None:
    """The letters of ``run`` with ``filler`` taken out where it stands at every other
    place (after or between the letters, else before them), or None."""
    if len(run) < 2:
        return None  # a letter alone is a word as written
    if run[1::2] == filler * (len(run) // 2):
        return run[::2]
    if run[::2] == filler * ((len(run) + 1) // 2):
        return run[1::2]
    return None


def _read_line(line: str, mode: str) -> tuple[str, list[int]]:
    """``line`` read in ``mode`` (``_PAIRS``, or a filler letter): the reading, and where
    each of its characters starts in ``line`` (and, last, the line's end)."""
    reading: list[str] = []
    starts: list[int] = []
    for match in _RUN_RE.finditer(line):
        run, at = match.group(), match.start()
        if mode == _PAIRS:
            if _pairs(run):
                reading.append(run[::2])
                starts.extend(range(at, match.end(), 2))
                continue
        elif run == mode:
            # the filler alone, after a character that is no letter (``Gx.x xGx``): it
            # belongs to the character before it
            continue
        elif run[0].isalpha():
            letters = _unfilled(run, mode)
            if letters is not None:
                # each letter with the filler after it (a filler before the letters: the
                # one before it; one after them too: the last letter's)
                reading.append(letters)
                starts.extend(range(at, match.end(), 2)[: len(letters)])
                continue
        reading.append(run)
        starts.extend(range(at, match.end()))
    return "".join(reading), [*starts, len(line)]


class FillerWords:
    """The marking and codeword words (five letters or more) whose doubled or filled
    spelling makes a line worth reading with its pairs or filler taken out."""

    def __init__(self, words: Iterable[str]) -> None:
        found = long_words(words)
        self.words = tuple(found)
        # the word's letters with a letter after each but the last (a pair's second or a
        # filler), on a text's one-byte copy in small letters; the reach of one, and a
        # filler before it
        self.longest = 2 * max(map(len, found), default=0)
        self.prefixes = frozenset(word[:size] for word in found for size in range(1, len(word) + 1))
        self.word_re = re.compile(alternation(found, "[a-z]").encode()) if found else None

    def _mode(self, token: str) -> str | None:
        """How ``token`` (a run of letters) reads as a word that holds a marking word: its
        pairs undone (``_PAIRS``) or its filler letter taken out; None if it does not."""
        modes = [_PAIRS] if _pairs(token) else []
        modes += [token[1], token[0]]  # a filler after (or between) the letters, or before
        for mode in modes:
            letters = token[::2] if mode == _PAIRS else _unfilled(token, mode)
            if letters is not None and any(word in letters.lower() for word in self.words):
                return mode
        return None

    def first(self, text: str, start: int = 0) -> int | None:
        """Where the first doubled or filled spelling of a word in ``text`` (from
        ``start``) may be, or None."""
        if self.word_re is None:
            return None
        found = self.word_re.search(text.encode("ascii", "replace").lower(), start)
        return None if found is None else found.start()

    def lines(self, text: str, raw: bytes) -> list[tuple[int, int, str, list[int]]]:
        """The lines of ``text`` (``raw``: its one-byte copy) with a doubled or filled word
        that holds a marking word: (line start, line end, the line read, where each of its
        characters starts in the line), each line once per mode."""
        found: list[tuple[int, int, str, list[int]]] = []
        if self.word_re is None:
            return found
        seen: set[tuple[int, str]] = set()
        for match in self.word_re.finditer(raw.lower()):
            at = match.start()
            before = _LETTERS_END_RE.search(text, max(0, at - _WORD_REACH), at)
            after = _LETTERS_START_RE.match(text, at, at + len(match.group()) + _WORD_REACH)
            if before is None or after is None:
                continue
            mode = self._mode(text[before.start() : after.end()])
            if mode is None:
                continue
            start = text.rfind("\n", 0, at) + 1
            if (start, mode) in seen:
                continue
            seen.add((start, mode))
            stop = text.find("\n", at)
            stop = len(text) if stop < 0 else stop
            reading, starts = _read_line(text[start:stop], mode)
            found.append((start, stop, reading, starts))
        return found

    def open_word(self, text: str) -> bool:
        """Whether ``text`` (an unfinished line's end) ends with letters that may still grow
        into a doubled or filled word holding a marking word."""
        if not self.prefixes:
            return False
        tail = _ASCII_END_RE.search(text[-self.longest :].encode("ascii", "replace").lower())
        if tail is None:
            return False
        run = tail.group().decode()
        if len(run) <= 2:
            return True  # a letter and its pair or filler, or a filler and a letter
        # the run may have started before the tail: read from either of its first two
        return any(self._may_grow(run[skip:]) for skip in (0, 1))

    def _may_grow(self, run: str) -> bool:
        """Whether the letters ``run`` (three or more, small) are a doubled or filled
        spelling's start whose reading ends with a marking word's start."""
        readings = [run[::2]] if _pairs(run[: len(run) // 2 * 2]) else []
        readings += [
            letters
            for letters in (_unfilled(run, run[1]), _unfilled(run, run[0]))
            if letters is not None
        ]
        return any(
            letters[at:] in self.prefixes for letters in readings for at in range(len(letters))
        )
