"""Leetspeak with symbols (``5EC|2E7``, ``$ECRE+ UE``, ``|\\|470 53CR37``, ``(0NFIDENTIAL``,
``S3CR€T UE``): a word whose symbols, read as the letters they stand for, spell the start
of a marking. Each line that holds one is given back with its symbols read so, and the
gate reads that as a text of its own, where a marking counts only in a marking context
(a banner line, a bracketed tag, a field's value): ``5EC|2E7`` in a sentence stays prose.

Bounded so that prose and code do not explode: a word is a run of letters, digits and the
symbols below, at most ``_LONGEST`` characters; only its symbols are read, ``(`` only
inside a word without ``)``, ``+`` never first; and the word, with
its digit leetspeak read too (``marking_squeeze``), must be the start of a marking's key
(two characters at least: ``C++``, ``a|2``, ``€5`` spell none).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

from milai._lazyre import lazy_compile

# Symbol runs and the letter each stands for; the longest first.
_SEQUENCES = (
    ("|\\|", "n"),
    ("|-|", "h"),
    ("|2", "r"),
    ("|<", "k"),
    ("€", "e"),
    ("£", "e"),
    ("¢", "c"),
    ("(", "c"),
    ("+", "t"),
)
# What a word must hold to be read so (every run above starts with one).
_SYMBOLS = "|€£¢(+"
_SYMBOL_RE = lazy_compile(f"[{re.escape(_SYMBOLS)}]")
_LONGEST = 40
# A word: letters, digits, the digit leetspeak's symbols and the symbols above.
_TOKEN_RE = lazy_compile(r"(?:[^\W_]|[$@!|\\<€£¢()+\-]){1,80}")
_MIN_KEY = 2


class SymbolLeet:
    """The start of every marking's key, as ``squeeze`` gives it: what a word must spell."""

    def __init__(self, keys: Iterable[str], squeeze: Callable[[str], str]) -> None:
        self.key_set = frozenset(keys)
        self.keys = sorted(self.key_set)
        # the same words come back in code and logs: each is squeezed once
        self.squeeze = lru_cache(maxsize=4096)(squeeze)
        self.read = lru_cache(maxsize=4096)(self._read)

    def _prefix(self, squeezed: str) -> bool:
        at = bisect_left(self.keys, squeezed)
        return at < len(self.keys) and self.keys[at].startswith(squeezed)

    def _read(self, token: str) -> str | None:
        """``token`` with its symbols read as letters; None when it holds none."""
        if len(token) > _LONGEST or not any(ch in _SYMBOLS for ch in token):
            return None
        out: list[str] = []
        at = 0
        changed = False
        upper = not any(ch.islower() for ch in token)
        while at < len(token):
            if token[at] not in _SYMBOLS:
                out.append(token[at])
                at += 1
                continue
            for sequence, letter in _SEQUENCES:
                if not token.startswith(sequence, at):
                    continue
                if sequence == "(" and (")" in token or at + 1 >= len(token)):
                    continue
                if sequence == "+" and at == 0:
                    continue
                out.append(letter.upper() if upper else letter)
                at += len(sequence)
                changed = True
                break
            else:
                out.append(token[at])
                at += 1
        if not changed:
            return None
        return "".join(out)

    def word(self, token: str, before: str = "") -> str | None:
        """``token`` with its symbols read as letters, when they spell a marking's start,
        alone or after ``before`` (the words before it, as they read)."""
        word = self.read(token)
        if word is None:
            return None
        squeezed = self.squeeze(word)
        if (len(squeezed) >= _MIN_KEY and self._prefix(squeezed)) or squeezed in self.key_set:
            return word  # a marking's start, or a short marking whole (``(UI``, ``N|2``)
        after = squeezed
        for earlier in reversed(before.split()):  # after the last word, two, three
            after = self.squeeze(earlier) + after
            if self._prefix(after):
                return word
        return None

    def _words(self, line: str) -> Iterator[tuple[re.Match[str], str | None]]:
        """Each word of ``line`` and, for one that ``lines`` reads, how it reads."""
        before: list[str] = []
        for token in _TOKEN_RE.finditer(line):
            word = self.word(token.group(), " ".join(before))
            yield token, word
            read = word if word is not None else self.read(token.group())
            before = [*before[-2:], token.group() if read is None else read]

    def lines(self, text: str) -> list[tuple[int, int, str]]:
        """(first such word's start, line's end, the line rewritten) for each line of
        ``text`` that holds a word whose symbols spell a marking's start (the text's end
        ends its last line, as it does for the other rewritten readings)."""
        found: list[tuple[int, int, str]] = []
        start = 0
        while start < len(text):
            # a line without a symbol reads nothing: go to the line of the next symbol
            symbol = _SYMBOL_RE.search(text, start)
            if symbol is None:
                break
            start = text.rfind("\n", start, symbol.start()) + 1 or start
            end = text.find("\n", start)
            if end < 0:
                end = len(text)
            read = self.read_line(text[start:end])
            if read is not None:
                found.append((start + read[0], end, read[1]))
            start = end + 1
        return found

    def read_line(self, line: str) -> tuple[int, str] | None:
        """Where ``line``'s first word in symbols starts, and the line with every such word
        read as its letters (``£U`` before ``7OP 5€C|2£+``); None if it holds none."""
        if not any(ch in _SYMBOLS for ch in line):
            return None
        words = list(self._words(line))
        first = next((token.start() for token, word in words if word is not None), -1)
        if first < 0:
            return None
        pieces: list[str] = []
        last = 0
        for token, _ in words:
            word = self.read(token.group())
            if word is not None:
                pieces += [line[last : token.start()], word]
                last = token.end()
        return first, "".join([*pieces, line[last:]])

    def first(self, text: str, since: int) -> int | None:
        """The start of the first complete word at or after ``since`` that ``lines`` reads
        (``text`` starts at its line's start, or a word's reach before ``since``)."""
        for token, word in self._words(text):
            if token.end() >= len(text):
                return None  # the last word may still grow
            if token.end() > since and word is not None:
                return token.start()
        return None

    def open_stretch(self, text: str) -> int | None:
        """The start of the word at the end of ``text`` if it may still grow into one that
        ``lines`` reads: it holds a symbol, or spells a marking's start (or nothing yet)."""
        tail = None
        for token in _TOKEN_RE.finditer(text, max(0, len(text) - _LONGEST - 1)):
            tail = token
        if tail is None or tail.end() < len(text) or tail.end() - tail.start() > _LONGEST:
            return None
        partial = tail.group()
        if any(ch in _SYMBOLS for ch in partial):
            return tail.start()
        squeezed = self.squeeze(partial)
        if not squeezed or self._prefix(squeezed):
            return tail.start()
        return None
