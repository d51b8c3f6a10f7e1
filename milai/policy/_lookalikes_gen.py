"""Generate ``_lookalikes.py``: look-alikes of Latin letters that UTS #39 misses or that NFKD
breaks before the confusables fold (developer tool).

UTS #39 has no prototype for small capitals (``ᴇ``, ``ʀ``), negative squared or circled
letters (``🅂``, ``🅢``), regional-indicator letters (``🇸``), Latin letters with a stroke,
hook, oblique stroke or bar (``ƀ``, ``ɗ``, ``ł``, ``ꞩ``, ``ʉ``), turned letters (``ǝ``,
``ɹ``, upside-down writing); and
NFKD turns a few look-alikes into something else first (lunate sigma U+03F2 → final
sigma; the Telugu and Kannada anusvara U+0C02 U+0C82, which look like ``o``, are marks that
the fold would drop). Their Unicode names say which letter they are: this generator reads
them from ``unicodedata`` (so the table follows the interpreter's Unicode version). The
Canadian syllabics that "fancy text" generators use as Latin capitals (SHA for S, CARRIER
GA for E) are listed by hand, since their names do not say so; so are the "faux
Cyrillic" and Greek letters of display type (Я for R, Є and Ξ for E).

Run ``python -m milai.policy._lookalikes_gen`` to rewrite the vendored file; a test checks
that the vendored file is what this generator produces.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

TARGET = Path(__file__).with_name("_lookalikes.py")

_NAMED = [
    re.compile(r"LATIN LETTER SMALL CAPITAL (?P<x>[A-Z])$"),
    re.compile(r"LATIN LETTER SMALL CAPITAL (?:TURNED|REVERSED) (?P<x>[A-Z])$"),
    re.compile(r"(?:NEGATIVE )?(?:SQUARED|CIRCLED) LATIN CAPITAL LETTER (?P<x>[A-Z])$"),
    re.compile(r"REGIONAL INDICATOR SYMBOL LETTER (?P<x>[A-Z])$"),
    re.compile(
        r"LATIN (?:SMALL|CAPITAL) LETTER (?P<x>[A-Z]) WITH (?:STROKE|HOOK|BAR|TAIL|"
        r"CURL|LOOP|TOPBAR|MIDDLE TILDE|RETROFLEX HOOK|PALATAL HOOK|DESCENDER|"
        r"DIAGONAL STROKE|OBLIQUE STROKE|LONG LEG|FISHHOOK|BELT|SWASH TAIL|LEFT HOOK|"
        r"STROKE THROUGH DESCENDER)(?: AND .*)?$"
    ),
    re.compile(r"LATIN (?:SMALL|CAPITAL) LETTER (?:TURNED|REVERSED|INVERTED) (?P<x>[A-Z])$"),
    re.compile(r"LATIN (?:SMALL|CAPITAL) LETTER (?P<x>[A-Z]) BAR$"),  # U BAR: Ʉ ʉ
    re.compile(r"LATIN SMALL LETTER DOTLESS (?P<x>[A-Z])(?: WITH STROKE)?$"),
    re.compile(r"MATHEMATICAL .* (?:CAPITAL|SMALL) (?P<x>[A-Z])$"),
]

# Upside-down writing borrows letters that are not turned versions of themselves.
_UPSIDE_DOWN = {
    "\u0254": "c",  # LATIN SMALL LETTER OPEN O (upside-down c)
    "\u025f": "f",  # DOTLESS J WITH STROKE (upside-down f)
    "\u0183": "g",  # B WITH TOPBAR (upside-down g)
    "\u1d09": "i",  # TURNED I
    "\u0279": "r",  # TURNED R
    "\u0287": "t",  # TURNED T
    "\u01dd": "e",  # TURNED E
    "\u0250": "a",  # TURNED A
    "\u029e": "k",  # TURNED K
    "\u0265": "h",  # TURNED H
    "\u026f": "m",  # TURNED M
    "\u028c": "v",  # TURNED V
    "\u028d": "w",  # TURNED W
    "\u028e": "y",  # TURNED Y
    "\u0131": "i",  # DOTLESS I
}

# Look-alikes of "o" that NFKD or mark stripping would lose, and the lunate sigmas.
_EXTRA = {
    "\u0c02": "o",  # TELUGU SIGN ANUSVARA
    "\u0c82": "o",  # KANNADA SIGN ANUSVARA
    "\u0d02": "o",  # MALAYALAM SIGN ANUSVARA
    "\u0d82": "o",  # SINHALA SIGN ANUSVARAYA
    "\u0c66": "o",  # TELUGU DIGIT ZERO
    "\u0ce6": "o",  # KANNADA DIGIT ZERO
    "\u0d66": "o",  # MALAYALAM DIGIT ZERO
    "\u0966": "o",  # DEVANAGARI DIGIT ZERO
    "\u09e6": "o",  # BENGALI DIGIT ZERO
    "\u0b66": "o",  # ORIYA DIGIT ZERO
    "\u0ae6": "o",  # GUJARATI DIGIT ZERO
    "\u0e50": "o",  # THAI DIGIT ZERO
    "\u03f2": "c",  # GREEK LUNATE SIGMA SYMBOL
    "\u03f9": "c",  # GREEK CAPITAL LUNATE SIGMA SYMBOL
    "\u037b": "c",  # GREEK SMALL REVERSED LUNATE SIGMA SYMBOL
    "\u03fd": "c",  # GREEK CAPITAL REVERSED LUNATE SIGMA SYMBOL
    "\u2c65": "a",  # LATIN SMALL LETTER A WITH STROKE
    "\u023a": "a",  # LATIN CAPITAL LETTER A WITH STROKE
    "\u0246": "e",  # LATIN CAPITAL LETTER E WITH STROKE
    "\u0247": "e",  # LATIN SMALL LETTER E WITH STROKE
    "\u00f8": "o",  # LATIN SMALL LETTER O WITH STROKE
    "\u00d8": "o",  # LATIN CAPITAL LETTER O WITH STROKE
    "\u0111": "d",  # D WITH STROKE
    "\u0110": "d",
    "\u0127": "h",  # H WITH STROKE
    "\u0126": "h",
    "\u0142": "l",  # L WITH STROKE
    "\u0141": "l",
    "\u0167": "t",  # T WITH STROKE
    "\u0166": "t",
}

# Canadian syllabics that "fancy text" generators use as a Latin alphabet (SHA, CARRIER GA,
# TA, TLHI, CARRIER GA, T for SECRET): UTS #39 folds some of that alphabet (CARRIER KHE for
# B, TLHI for R, KI for P, TE for U, a runic K, a Cherokee Y) but not these.
_SYLLABICS = {
    "\u15e9": "a",  # CARRIER PO
    "\u15c5": "a",  # CARRIER GHO
    "\u1455": "c",  # TA
    "\u15f4": "e",  # CARRIER GA
    "\u156e": "e",  # TTHA
    "\u161c": "g",  # CARRIER JJU
    "\u14f0": "i",  # SII
    "\u144e": "n",  # TI
    "\u15dd": "o",  # CARRIER THO
    "\u146b": "q",  # KE
    "\u1515": "s",  # SHA
    "\u15b6": "t",  # BLACKFOOT WO
    "\u15ef": "w",  # CARRIER GU
    "\u1614": "z",  # CARRIER JU
}


# "Faux Cyrillic" and Greek letters that fancy-text generators and display type use for
# the Latin letters they resemble (Я for R, Є and Ξ for E, И for N, Д and Λ for A); UTS
# #39 folds only the true look-alikes (Cyrillic ES, TE, DZE).
_FAUX = {
    "\u042f": "r",  # CYRILLIC CAPITAL LETTER YA
    "\u044f": "r",
    "\u0404": "e",  # CYRILLIC CAPITAL LETTER UKRAINIAN IE
    "\u0454": "e",
    "\u042d": "e",  # CYRILLIC CAPITAL LETTER E (reversed E)
    "\u044d": "e",
    "\u0418": "n",  # CYRILLIC CAPITAL LETTER I (reversed N)
    "\u0438": "n",
    "\u0419": "n",  # SHORT I
    "\u0439": "n",
    "\u0414": "a",  # CYRILLIC CAPITAL LETTER DE
    "\u0434": "a",
    "\u0426": "u",  # CYRILLIC CAPITAL LETTER TSE
    "\u0446": "u",
    "\u0428": "w",  # CYRILLIC CAPITAL LETTER SHA
    "\u0448": "w",
    "\u0429": "w",  # SHCHA
    "\u0449": "w",
    "\u0424": "o",  # CYRILLIC CAPITAL LETTER EF
    "\u0444": "o",
    "\u0427": "y",  # CYRILLIC CAPITAL LETTER CHE
    "\u0447": "y",
    "\u0411": "b",  # CYRILLIC CAPITAL LETTER BE
    "\u042c": "b",  # SOFT SIGN
    "\u044c": "b",
    "\u042a": "b",  # HARD SIGN
    "\u044a": "b",
    "\u039e": "e",  # GREEK CAPITAL LETTER XI
    "\u03a3": "e",  # GREEK CAPITAL LETTER SIGMA
    "\u039b": "a",  # GREEK CAPITAL LETTER LAMDA
    "\u0394": "a",  # GREEK CAPITAL LETTER DELTA
    "\u03a0": "n",  # GREEK CAPITAL LETTER PI
    "\u03a6": "o",  # GREEK CAPITAL LETTER PHI
    "\u0398": "o",  # GREEK CAPITAL LETTER THETA
    "\u03b8": "o",
}


# Braille's letter cells, Grade 1 (uncontracted) as every braille alphabet chart prints
# them: a-j in the top two rows, k-t the same with dot 3, u-z with dots 3 and 6 (w apart).
# A cell has no case (the capital sign, dot 6, is a cell of its own and stays a symbol).
_BRAILLE_DOTS = (
    "1 12 14 145 15 124 1245 125 24 245 13 123 134 1345 135 1234 12345 1235 234 2345 "
    "136 1236 2456 1346 13456 1356"
).split()
_BRAILLE = {
    chr(0x2800 + sum(1 << (int(dot) - 1) for dot in dots)): chr(ord("a") + index)
    for index, dots in enumerate(_BRAILLE_DOTS)
}


def build() -> dict[str, str]:
    table: dict[str, str] = {}
    for code in range(0x80, 0x20000):
        ch = chr(code)
        name = unicodedata.name(ch, "")
        if not name:
            continue
        for pattern in _NAMED:
            found = pattern.match(name)
            if found is not None:
                table[ch] = found.group("x").lower()
                break
    table.update(_UPSIDE_DOWN)
    table.update(_EXTRA)
    table.update(_SYLLABICS)
    table.update(_FAUX)
    table.update(_BRAILLE)
    return dict(sorted(table.items()))


def render(table: dict[str, str]) -> str:
    lines = [
        '"""Look-alikes of Latin letters that UTS #39 misses or NFKD breaks: GENERATED, do not',
        "edit.",
        "",
        f"Unicode {unicodedata.unidata_version} names, read by ``milai.policy._lookalikes_gen``;",
        "regenerate with ``python -m milai.policy._lookalikes_gen``.",
        '"""',
        "",
        "# character -> the lower-case ASCII letter it passes for",
        "LETTERS: dict[str, str] = {",
    ]
    lines += [f"    {ch!a}: {letter!r}," for ch, letter in table.items()]
    lines += ["}", ""]
    return "\n".join(lines)


def main() -> int:
    TARGET.write_text(render(build()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
