"""Letter ciphers a model can be asked to answer in: Atbash (each letter's mirror in the
alphabet, A↔Z, B↔Y…, either case: ``MZGL HVXIVG`` is NATO SECRET), ROT47 (each printable
ASCII character but the blank turned by 47 of the 94: ``}p%~ $t r#t%``) and a QWERTY
keyboard shift (each letter typed one key to the right, ``MSYP DRVTRY``, or to the left,
``BSRI AWXEWR``; a row's last key typed to the right is the key past it, ``YP[`` is TOP,
or the row's first, ``YPQ``; a row's first typed to the left, the row's last). All keep
every character in its place.

A line is read deciphered, as a text of its own (``DecodeUnit``), when its deciphered
text holds a marking word of five letters or more (a marking's words above the lowest
level, ``CipherWords``) as a word of its own: what everyday text deciphers to is no
such word (``HVXIVG`` and ``$tr#t%`` are no words either), and the line read deciphered
counts only what the gate reads in any text: a marking in a marking context, in a case a
marking is written in (rot13's guards). Shorter markings (CUI, VS-NfD) are not read so,
as their rot13 spellings are not: deciphered, short words are everyday ones. A detector's
keyword words (codewords) of five letters or more count as marking words do.

A label at the line's start (``classification:``, ``ROT47:``) deciphers to junk, and the
gate reads no marking after junk on its line: the line is read with its label as written
and the rest deciphered too, a label that names a cipher blanked (``_labelled``). ROT47
turns plain marks glued to its words into letters (``}xvw%yp#?``): a line in ROT47 is also
read with such marks as written (``_unglued``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from milai.policy.decoders import one_byte

_LOWER = "abcdefghijklmnopqrstuvwxyz"
_UPPER = _LOWER.upper()
ATBASH = str.maketrans(_LOWER + _UPPER, _LOWER[::-1] + _UPPER[::-1])
_PRINTABLE = "".join(map(chr, range(33, 127)))
ROT47 = str.maketrans(_PRINTABLE, _PRINTABLE[47:] + _PRINTABLE[:47])
# QWERTY's letter rows: a keyboard shift is read back one key the other way along its row
# (the row wraps round); typed to the right, a row's last key may be the key past it.
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_PAST_ROW = "[;,"  # past p, l, m
_PAST_KEYS = _PAST_ROW + "{:<"  # and in capitals
_BACK = "".join(row[-1] + row[:-1] for row in _ROWS)  # typed right, read one key left
_ON = "".join(row[1:] + row[0] for row in _ROWS)  # typed left, read one key right
_KEYS = "".join(_ROWS)
_CAPS = _KEYS.upper()
KEYBOARD_RIGHT = str.maketrans(_KEYS + _CAPS, _BACK + _BACK.upper())
KEYBOARD_LEFT = str.maketrans(_KEYS + _CAPS, _ON + _ON.upper())
# typed right, the keys past the rows as the rows' last letters (the letters as above)
KEYBOARD_PAST = str.maketrans(_KEYS + _CAPS + _PAST_KEYS, _BACK + _BACK.upper() + "plmPLM")
CIPHERS = (
    ("atbash", ATBASH),
    ("rot47", ROT47),
    ("keyboard-right", KEYBOARD_RIGHT),
    ("keyboard-right", KEYBOARD_PAST),
    ("keyboard-left", KEYBOARD_LEFT),
)
# The same on a text's one-byte copy (``decoders.one_byte``), then in small letters: the
# search for marking words runs over bytes, in C, without a case-blind pattern.
_BYTES_TABLES = tuple(bytes(table.get(byte, byte) for byte in range(256)) for _, table in CIPHERS)
MIN_LETTERS = 5  # a marking word shorter than this deciphers from everyday words
_LETTERS = frozenset((_LOWER + _UPPER).encode())
# A label at a line's start, before its ciphered text: a few words and a colon, an equals
# sign or an arrow (``Subject:``, ``classification =``, ``Here it is in ROT47:``), a
# bracketed word (``(atbash)``, ``[ROT-47]``) or a cipher's name alone (``ROT47 …``).
# Deciphered, it is junk (ROT47 turns ``classification:`` into ``4=2DD:7:42E:@?i``): the
# gate reads no marking after junk on its line.
_NAMES = r"rot[ _-]?47|atbash|keyboard[ _-]shift(?:ed)?"
_LABEL_RE = re.compile(
    r"[ \t]*(?:[(\[][\w .-]{1,40}[)\]]|\w[\w .'/-]{0,40}?[ \t]*(?::|=>?|->)"
    rf"|(?i:{_NAMES})(?=[ \t]))[ \t]*"
)
# A label that names a cipher: what follows it is the message, a line of its own.
_NAMED_RE = re.compile(rf"{_NAMES}|qwerty|cipher", re.IGNORECASE)
# Marks that ROT47 turns into letters (``?`` is ``n``, ``(`` is ``W``): glued to a word in
# ROT47 inside plain text (``Status of }xvw%yp#?``, ``"}p%~ $tr#t%"``), with no letter or
# digit past it, such a mark is plain punctuation: the line is read with the marks at its
# marking words' ends, and at the line's, as written too (opening marks before, closing
# ones after): all the marks there (``)?``), or the outermost one (``{&))`` is ``LUX)``,
# ``)`` being ROT47's ``X``). Not ``!``: it is ROT47's ``P``, the end of ``TOP``.
_OPENING, _CLOSING = "(\"'", "?:;\"')"
# a bracket or a double quote opening any word: ROT47's ``W`` and ``Q`` begin no marking word
_OPENED_RE = re.compile(r"(?:^|(?<=[ \t]))[(\"]+")
_GLUE = frozenset((_OPENING + _CLOSING).encode())


def long_words(words: Iterable[str]) -> list[str]:
    """The ASCII words of ``MIN_LETTERS`` letters or more among ``words``, in small
    letters, each once, longest first (an alternation tries them in that order)."""
    found = {
        word.lower()
        for word in words
        if len(word) >= MIN_LETTERS and word.isascii() and word.isalpha()
    }
    return sorted(found, key=lambda word: (-len(word), word))


def alternation(words: list[str], between: str) -> str:
    """A pattern for any of ``words`` (``long_words``), ``between`` between two letters: one
    branch a first letter, so that the search tries one a position (a third faster)."""
    by_first: dict[str, list[str]] = {}
    for word in words:
        by_first.setdefault(word[0], []).append(word)
    return "|".join(
        f"{first}{between}(?:" + "|".join(between.join(word[1:]) for word in group) + ")"
        for first, group in by_first.items()
    )


class CipherWords:
    """The marking words that make a line worth reading deciphered, and the search for
    them in a text's deciphered copy."""

    def __init__(self, words: Iterable[str]) -> None:
        found = long_words(words)
        # a word's letters, a blank between two of them at most (a model's answer in a
        # cipher splits words: ``$t r#t%``); the reach of a word, blanks and all
        self.longest = 2 * max(map(len, found), default=0)
        self.prefixes = frozenset(word[:size] for word in found for size in range(1, len(word)))
        # literal small letters, an optional blank between them, no letter after: linear
        # (the blank is no letter: no character can belong to two repeats); the letter
        # before is looked at by hand (a lookbehind first costs the search its speed)
        words = "(?:" + alternation(found, "[ \t]?") + ")"
        self.word_re = re.compile((words + "(?![A-Za-z])").encode()) if found else None
        # in ROT47 the letter after is looked at by hand too (a glued mark: ``_GLUE``)
        self.glued_re = re.compile(words.encode()) if found else None

    def _words(self, raw: bytes, cipher: int, start: int = 0) -> Iterable[re.Match[bytes]]:
        """The marking words (as words of their own) in ``raw`` deciphered by the cipher
        ``CIPHERS[cipher]``."""
        if self.word_re is None or self.glued_re is None:
            return
        deciphered = raw.translate(_BYTES_TABLES[cipher]).lower()
        if CIPHERS[cipher][1] is ROT47:
            for match in self.glued_re.finditer(deciphered, start):
                at, end = match.span()
                if _edge(raw, deciphered, at - 1, -1) and _edge(raw, deciphered, end, 1):
                    yield match
            return
        for match in self.word_re.finditer(deciphered, start):
            at = match.start()
            if at == 0 or deciphered[at - 1] not in _LETTERS:
                yield match

    def _deciphered(self, text: str, raw: bytes, start: int, end: int, cipher: int) -> str:
        """The line ``text[start:end]`` deciphered. Typed right, a key past a row (``[;,``,
        ``{:<``) is the row's last letter in a marking word found, before a letter (``[G[``:
        PFP), or after one where it is past p (``YP[``: TOP), in the case of the letter next
        to it; elsewhere it is the character it is (``Answer:``, ``DRVTRY,``)."""
        table = CIPHERS[cipher][1]
        line = text[start:end]
        if table is not KEYBOARD_PAST:
            return line.translate(table)
        chars = list(line.translate(KEYBOARD_RIGHT))
        found = {at for word in self._words(raw[start:end], cipher) for at in range(*word.span())}
        for at, key in enumerate(line):
            if key not in _PAST_KEYS:
                continue
            before = chars[at - 1] if at else ""
            after = line[at + 1 : at + 2]
            if at in found or after.isalpha() or (before.isalpha() and key in "[{"):
                letter = key.translate(KEYBOARD_PAST)
                near = before if before.isalpha() else after
                chars[at] = letter.upper() if near.isupper() or key in "{:<" else letter
        return "".join(chars)

    def first(self, text: str, start: int = 0) -> int | None:
        """Where the first word of ``text`` (from ``start``) that a cipher turns into a
        marking word starts, or None."""
        raw = one_byte(text)
        found = [
            next(iter(self._words(raw, cipher, start)), None) for cipher in range(len(CIPHERS))
        ]
        return min((match.start() for match in found if match is not None), default=None)

    def lines(self, text: str, raw: bytes | None = None) -> list[tuple[int, int, str, str]]:
        """The lines of ``text`` (``raw``: its ``one_byte`` copy) whose deciphered copy holds
        a marking word: (line start, line end, the line deciphered, the cipher's name), each
        line once per cipher."""
        found: list[tuple[int, int, str, str]] = []
        if self.word_re is None:
            return found
        raw = one_byte(text) if raw is None else raw
        for cipher, (name, _) in enumerate(CIPHERS):
            done = -1
            for match in self._words(raw, cipher):
                if match.start() < done:
                    continue
                start = text.rfind("\n", 0, match.start()) + 1
                end = text.find("\n", match.end())
                end = len(text) if end < 0 else end
                deciphered = self._deciphered(text, raw, start, end, cipher)
                written = text[start:end]
                readings = [deciphered]
                if name == "rot47":
                    words = [word.span() for word in self._words(raw[start:end], cipher)]
                    readings += [
                        _unglued(written, deciphered, words, whole) for whole in (True, False)
                    ]
                word = match.start() - start
                for line in (
                    *((start, end, reading, name) for reading in readings),
                    *(_labelled(written, reading, word, start, name) for reading in readings),
                ):
                    # typed right, read both ways past the rows alike
                    if line is not None and line not in found:
                        found.append(line)
                done = end
        return found

    def open_word(self, text: str) -> bool:
        """Whether ``text`` (an unfinished line's end) ends with the start of a word that a
        cipher may still turn into a marking word (a blank between its letters allowed)."""
        if not self.prefixes or not text:
            return False
        tail = text[-self.longest :]
        for _, table in CIPHERS:
            deciphered = tail.translate(table)
            start = len(deciphered)
            # back over letters and single blanks; each letter after a blank or at the
            # run's start may begin the word
            while start > 0:
                ch = deciphered[start - 1]
                if ch in " \t":
                    if start >= 2 and deciphered[start - 2] in " \t":
                        break
                elif not (ch.isascii() and ch.isalpha()):
                    break
                start -= 1
            run = deciphered[start:]
            for at in range(len(run)):
                if run[at] not in " \t" and (at == 0 or run[at - 1] in " \t"):
                    letters = run[at:].replace(" ", "").replace("\t", "").lower()
                    if letters in self.prefixes:
                        return True
        return False


def _edge(raw: bytes, deciphered: bytes, at: int, step: int) -> bool:
    """Whether a word in ROT47 may end (``step`` 1) or start (-1) next to ``at`` of ``raw``
    (``deciphered``: its ROT47 reading): no letter there deciphered, or a mark glued to it
    (``_GLUE``) with no letter or digit past it as written."""
    if at < 0 or at >= len(raw) or deciphered[at] not in _LETTERS:
        return True
    past = at + step
    return raw[at] in _GLUE and not (0 <= past < len(raw) and chr(raw[past]).isalnum())


def _unglued(line: str, deciphered: str, words: list[tuple[int, int]], whole: bool) -> str:
    """``deciphered`` (``line`` in ROT47) with the marks glued to its ``words`` and to its
    ends as written (``_GLUE``): all of them at each place (``whole``), or the outermost."""
    chars = list(deciphered)

    def keep(start: int, stop: int, outermost: int) -> None:
        if start < stop:
            if not whole:
                start, stop = outermost, outermost + 1
            chars[start:stop] = line[start:stop]

    for opened in _OPENED_RE.finditer(line):
        chars[opened.start() : opened.end()] = opened.group()
    first, last = len(line) - len(line.lstrip()), len(line.rstrip())
    at = first  # the line's first word: the opening marks it starts with
    while at < last and line[at] in _OPENING:
        at += 1
    keep(first, at, first)
    at = last  # its last word: the closing marks it ends with
    while at > first and line[at - 1] in _CLOSING:
        at -= 1
    keep(at, last, last - 1)
    for begin, end in words:  # a marking word: opening marks before it, closing ones after
        at = begin
        while at > 0 and line[at - 1] in _OPENING:
            at -= 1
        if at == 0 or line[at - 1] in " \t":
            keep(at, begin, at)
        at = end
        while at < len(line) and line[at] in _CLOSING:
            at += 1
        if at == len(line) or line[at] in " \t":
            keep(end, at, at - 1)
    return "".join(chars)


def _labelled(
    line: str, deciphered: str, word: int, start: int, name: str
) -> tuple[int, int, str, str] | None:
    """The line ``line`` (at ``start``), whose marking word starts at ``word``, read with
    the label before it as written and the rest deciphered (``_LABEL_RE``); a label that
    names a cipher (``ROT47:``, ``(atbash)``) is blanked: the rest is read as a line of its
    own. None when no label ends before the word."""
    label = _LABEL_RE.match(line)
    if label is None or label.end() > word:
        return None
    end = label.end()
    kept = " " * end if _NAMED_RE.search(line, 0, end) else line[:end]
    return (start, start + len(line), kept + deciphered[end:], name)
