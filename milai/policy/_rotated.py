"""Upside-down writing (``ʇǝɹɔǝs``, ``ꓕƎꓤƆƎS``): a line turned half a circle reads right
to left in turned letters. The rotated reading of such a line is its characters in reverse
order, each turned letter read as the letter it is a turned form of.

The turned letters come from Unicode data where the data says so: every look-alike of
``_lookalikes`` whose name is a TURNED, REVERSED or INVERTED letter, and the letterlike
symbols named TURNED … CAPITAL X. Those whose names do not say it (the Lisu letters that
upside-down text generators use as turned capitals, OPEN O for a turned C, FOR ALL, UP TACK,
KOMI DE, CARRIER THA) are listed by hand, and the lower-case letters that turn into one
another (``d``/``p``, ``b``/``q``, ``n``/``u``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_BY_HAND = {
    "\ua4d5": "T",  # LISU LETTER THA (turned T)
    "\ua4e4": "R",  # LISU LETTER ZA (turned R)
    "\ua4d8": "K",  # LISU LETTER KHA
    "\ua4db": "C",  # LISU LETTER CHA
    "\ua4de": "F",  # LISU LETTER TSHA
    "\ua4e5": "V",  # LISU LETTER NGA
    "\ua4e8": "G",  # LISU LETTER HHA
    "\ua4ed": "B",  # LISU LETTER GHA
    "\ua4ef": "A",  # LISU LETTER AE
    "\ua4f1": "E",  # LISU LETTER EU
    "\ua4f5": "U",  # LISU LETTER UE
    "\ua4f6": "L",  # LISU LETTER UH
    "\ua4f7": "D",  # LISU LETTER OE
    "\ua4d2": "P",  # LISU LETTER PHA
    "\u0186": "C",  # LATIN CAPITAL LETTER OPEN O
    "\u0254": "c",  # LATIN SMALL LETTER OPEN O
    "\u025f": "f",  # LATIN SMALL LETTER DOTLESS J WITH STROKE
    "\u0183": "g",  # LATIN SMALL LETTER B WITH TOPBAR
    "\u2200": "A",  # FOR ALL
    "\u22a5": "T",  # UP TACK
    "\u0500": "P",  # CYRILLIC CAPITAL LETTER KOMI DE
    "\u15e1": "D",  # CANADIAN SYLLABICS CARRIER THA
    "\u2132": "F",  # TURNED CAPITAL F
    "\u214e": "f",  # TURNED SMALL F
    "\u2229": "U",  # INTERSECTION
    "\u039b": "V",  # GREEK CAPITAL LETTER LAMDA
}
# ASCII letters and brackets that are each other turned half a circle.
_ASCII_TURNS = {
    "d": "p", "p": "d", "b": "q", "q": "b", "n": "u", "u": "n", "M": "W", "W": "M",
    "(": ")", ")": "(", "[": "]", "]": "[", "{": "}", "}": "{", "<": ">", ">": "<",
}  # fmt: skip
_TURNED_NAME = re.compile(r"\b(?:TURNED|REVERSED|INVERTED)\b")
_LETTERLIKE = re.compile(
    r"(?:TURNED (?:SANS-SERIF )?(?:CAPITAL|SMALL)|LATIN EPIGRAPHIC LETTER (?:REVERSED|INVERTED))"
    r" (?P<x>[A-Z])$"
)
MIN_TURNED = 2  # turned letters on a line before it is read rotated


@cache
def turned_letters() -> dict[str, str]:
    """Turned letter → the letter (its case kept) it is a turned form of."""
    from milai.policy._lookalikes import LETTERS

    table: dict[str, str] = {}
    for ch, letter in LETTERS.items():
        name = unicodedata.name(ch, "")
        if _TURNED_NAME.search(name):
            table[ch] = letter.upper() if "CAPITAL" in name else letter
    letterlike = [*range(0x2100, 0x2150), *range(0xA7F0, 0xA800)]  # ⅁ ⅂ ⅄, epigraphic ꟽ
    for code in letterlike:
        found = _LETTERLIKE.match(unicodedata.name(chr(code), ""))
        if found is not None:
            letter = found.group("x")
            table[chr(code)] = letter.lower() if "SMALL" in found.group() else letter
    table.update(_BY_HAND)
    return table


@cache
def turned_re() -> re.Pattern[str]:
    """One turned letter (a line that holds ``MIN_TURNED`` of them is read rotated)."""
    return re.compile("[" + "".join(re.escape(ch) for ch in sorted(turned_letters())) + "]")


@cache
def _rotation() -> dict[int, str]:
    table = {ord(ch): letter for ch, letter in turned_letters().items()}
    table.update({ord(a): b for a, b in _ASCII_TURNS.items()})
    return table


def rotated(line: str) -> str:
    """``line`` turned half a circle: reversed, each turned letter read as its letter (the
    same length, character for character)."""
    return line[::-1].translate(_rotation())
