"""Regular expressions built from a policy's markings and keywords, tolerant of evasion.

Patterns run over the skeleton view (see ``normalise``), so case, accents, width forms
and non-ASCII look-alikes are already folded. What is left is handled here:

* ASCII look-alikes that UTS #39 lists (``0``/``O``, ``1``/``l``/``I``/``|``, ``rn``/``m``)
  become character classes or alternatives;
* letters may be spaced out with separators (``S E C R E T``, ``S.E.C.R.E.T``);
* a marking counts only where it stands as a marking: a banner or header line, a
  bracketed tag at the start of a line (subject lines included), or a portion mark in
  brackets at the start of a paragraph, also inside quoted (``>``) text.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from functools import cache

from milai._lazyre import lazy_compile
from milai.policy.normalise import skeleton, terminal_shown

# A separator is anything but a letter, a digit or a new line (the skeleton view has
# already turned "_" into a space).
SEP = r"[^\w\n]"
WS = r"[^\S\n]"
_PUNCT = r"[^\w\s]"
# Inside a marking word, in a marking context: repeated separators (S . . E, S||E), each
# punctuation mark with a few blanks before it. Blanks and punctuation are disjoint, so
# the pattern stays linear however the gap is written.
_LETTER_GAP = "(?:" + WS + "{0,4}" + _PUNCT + "){0,4}" + WS + "{0,4}"
_LETTER_GAP_WIDTH = 4 * 5 + 4
# Between the words of a marking: a few separators, and wide gaps (justified or OCR text).
_WORD_GAP = "(?:" + WS + "{0,6}" + _PUNCT + "){0,3}" + WS + "{0,80}"
_WORD_GAP_WIDTH = 3 * 7 + 80
# The same across a line break, for markings split over lines (TOP / SECRET, SE- / CRET,
# one letter per line): the next line may be indented, quoted or start with markup
# (**TOP** / **SECRET**).
_NEXT_LINE = "(?:\n" + WS + "{0,80}(?:" + _PUNCT + WS + "{0,4}){0,8})?"
_ML_LETTER_GAP = _LETTER_GAP + _NEXT_LINE
_ML_WORD_GAP = _WORD_GAP + _NEXT_LINE

# Digit and symbol substitutions (leetspeak), accepted for marking letters in marking
# contexts only; 0 and 1 are already UTS #39 look-alikes of o and l.
LEET = {"4": "a", "@": "a", "3": "e", "5": "s", "$": "s", "7": "t", "!": "i", "8": "b", "9": "g"}
# The same, for a keyword's (codeword's) letters: 6 for G too (0 for O and 1, | for I are
# look-alikes, read everywhere). A keyword's word keeps at least half its letters as letters
# (``keyword_leet_ok``), so that a word with digits in it is not read as a codeword.
KEYWORD_LEET = {**LEET, "6": "g"}
_SPACED_GAP = SEP + "{1,3}"  # letter-spaced keyword
# Between a keyword's words: a few separators, or a line break with a blank or none on
# each side (BLUE / HERON split over two lines, as a marking's words may be). No wider
# than the separators: the pattern's reach, and so what a stream holds back, stays.
_KEYWORD_WORD_GAP = "(?:" + SEP + "{0,3}|" + WS + "?\n" + WS + "?)"

DEFAULT_HEADER_LABELS = (
    "classification",
    "security classification",
    "classification level",
    "security level",
    "classification de securite",
    "niveau de securite",
    "classified",
    "niveau de classification",
    "classement",
    "marquage",
    "marking",
    "einstufung",
    "vs-einstufung",
    "geheimhaltungsgrad",
    "klassifizierung",
    "klassifikatioun",
    "klassifizeierung",
    "rubricering",
    "rubriceringsniveau",
    "classificatie",
    # IGI 1300: a "mention de protection" (Diffusion Restreinte) is no classification level
    "mention de protection",
    "niveau de protection",
    "geheimhaltungsstufe",
    "klassifizierungsstufe",
    "klassifizierungsvermerk",
    # a CSV column's name in a national form (red team 10: ``VS-Grad``)
    "vs-grad",
    "vs-stufe",
    "rubriceringsgraad",
    "classificatieniveau",
    "degre de classification",
    "klassifikatiounsgrad",
)
DEFAULT_SUBJECT_LABELS = (
    "subject",
    "subj",
    "objet",
    "sujet",
    "betreff",
    "betr",
    "onderwerp",
    "concerne",
    "re",
    "fw",
    "fwd",
    "tr",
    "aw",
    "wg",
    "antw",
)


@cache
def _ascii_groups() -> tuple[frozenset[str], ...]:
    """Lower-cased ASCII spellings that UTS #39 declares confusable, merged."""
    from milai.policy._confusables import ASCII_CLASSES

    # the skeleton keeps ß as one character; OCR reads a "d" as "cl" (as it reads an "m" as
    # "rn", which UTS #39 lists): CONFICLENTIAL
    groups: list[set[str]] = [{"ss", "ß"}, {"cl", "d"}]
    for members in ASCII_CLASSES:
        lowered = {m.lower() for m in members}
        for group in groups:
            if group & lowered:
                group |= lowered
                break
        else:
            groups.append(lowered)
    return tuple(frozenset(g) for g in groups)


@cache
def _squeeze_table() -> dict[int, str]:
    """Each confusable spelling → one canonical spelling, the longest (m → rn, ß → ss).

    Expanding rather than contracting keeps squeezing character by character, so the
    squeezed start of a text is the start of the squeezed text (the gate relies on it).
    """
    table: dict[int, str] = {}
    for group in _ascii_groups():
        canonical = max(sorted(group), key=lambda m: (len(m), m.isalpha()))
        for member in group:
            if len(member) == 1 and member != canonical:
                table[ord(member)] = canonical
    # A canonical spelling's own letters squeezed too (d → cl → ci: "cl" squeezes to "ci").
    return {key: value.translate(table) for key, value in table.items()}


def _keep(ch: str) -> bool:
    return ch.isalnum() or ch == "|"


# What ``_keep`` drops, as one C-level pattern: for a single character ``\w`` is exactly
# ``str.isalnum()`` plus "_" (both are Py_UNICODE_ISALNUM), so this deletes everything
# but letters, digits and "|".
_DROP_RE = lazy_compile(r"[^\w|]|_")


def squeeze(view: str) -> str:
    """Letters and digits only, ASCII look-alikes folded: how markings are compared."""
    return _DROP_RE.sub("", view).translate(_squeeze_table())


def keyword_squeeze(view: str) -> str:
    """``squeeze`` that reads a keyword's leetspeak digits and symbols (``KEYWORD_LEET``) as
    the letters they stand for."""
    return squeeze(view.translate(_keyword_leet_table()))


def keyword_leet_ok(found: str, keyword: str) -> bool:
    """Whether ``found`` (view text a keyword pattern matched) leaves enough of
    ``keyword``'s letters as letters: each of its words (the whole keyword, where ``found``
    cannot be laid over its words) written with a digit or symbol for a letter keeps at
    least half its letters and at least three as letters (``N1GHTJ4R``: 2 of 8 swapped;
    ``N!6H7J4R``: 4 of 8; not ``5!1V3R``: 4 of 6, nor ``B3-57`` for BEST). A keyword's own
    digits (``KIRCHBERG-7``) are no substitutes. Only text with a leetspeak symbol in it is
    held to this (0, 1 and | are look-alikes, read as before)."""
    if not any(ch in KEYWORD_LEET for ch in found):
        return True
    kept = words(keyword)
    parts = [squeeze(word) for word in kept]  # m squeezes to rn, d to ci: as the text's
    ends = list(itertools.accumulate(len(part) for part in parts))
    key = "".join(parts)
    swapped = [0] * len(parts)
    position, word = 0, 0
    for ch in found:
        letters = keyword_squeeze(ch)
        if not letters:
            continue  # a separator
        while word < len(ends) - 1 and position >= ends[word]:
            word += 1
        if not ch.isalpha() and key[position : position + 1].isalpha():
            swapped[word] += 1
        position += len(letters)
    if position != len(key):  # a bar read as a gap (N|I|G…): the whole keyword
        return _enough_kept(sum(swapped), sum(map(len, kept)))
    return all(_enough_kept(count, len(word)) for count, word in zip(swapped, kept, strict=True))


def _enough_kept(swapped: int, letters: int) -> bool:
    return not swapped or (2 * swapped <= letters and letters - swapped >= 3)


def marking_squeeze(view: str) -> str:
    """``squeeze`` that reads leetspeak digits and symbols as the letters they stand for
    (how the gate compares the start of a line with the markings' keys)."""
    return squeeze(view.translate(_leet_table()))


def squeeze_is_unsure(view: str) -> bool:
    """Whether the squeeze of ``view`` cannot rule a match out: "|" is a letter (l, I) to
    the squeeze but may be a gap to the patterns (S|E|C|R|E|T, SE|CRET, K|E|Y|M|A|T), so a
    text that holds one is never ruled out by its squeeze (the gate's release checks)."""
    return "|" in view


@cache
def _struck_page_re() -> re.Pattern[str]:
    return re.compile(
        f"(?<=~~){WS}{{0,3}}(?:{_PAGE_WORDS}|{_PAGE_BARE}){{0,2}}{_STRUCK_MARKUP}(?<!~~)",
        re.IGNORECASE,
    )


_SUBSTITUTED_NUMBER_RE = lazy_compile(r"(?<=~>)\d{1,4}")


@cache
def _keyword_leet_table() -> dict[int, str]:
    return {ord(symbol): letter for symbol, letter in KEYWORD_LEET.items()}


@cache
def _leet_table() -> dict[int, str]:
    return {ord(symbol): letter for symbol, letter in LEET.items()}


def _spellings(ch: str, rot13: bool = False) -> tuple[str, ...]:
    """What one view character can stand for in a squeezed key ("" for a separator);
    with ``rot13``, its rot13 letter too."""
    table = _squeeze_table()
    options: list[str] = []
    if _keep(ch):
        options.append(table.get(ord(ch), ch))
        if ch == "|":
            options.append("")  # S|E|C|R|E|T: a bar is a separator as often as an l
    else:
        options.append("")
    letter = LEET.get(ch)
    if letter is not None:
        options.append(table.get(ord(letter), letter))
    if rot13 and ch.isascii() and ch.isalpha():
        turned = ch.translate(_ROT13)
        options.append(table.get(ord(turned), turned))
    return tuple(options)


def split_markings(
    view: str, keys: frozenset[str], longest: int, rot13: bool = False
) -> list[tuple[int, int, str]]:
    """Split a run of markings (as matched in the view) into the span and key of each.

    A letter or digit belongs to a key; a separator does not; a leetspeak digit or symbol
    (``5``, ``$``) may stand for a letter or, for symbols, be a separator; with
    ``rot13``, a letter may stand for its rot13 letter (a ``Rot13Spelling`` mixes both).
    The run is cut into keys, the longest first; an empty list when it cannot be.
    """
    options = [_spellings(ch, rot13) for ch in view]
    if "~~" in view:
        # a page number after a struck marking is no part of the next one
        # (``~~UNCLASSIFIED~~ Page 2 SECRET``, see ``_MSEP``)
        for page in _struck_page_re().finditer(view):
            options[page.start() : page.end()] = [("",)] * (page.end() - page.start())
    if "~>" in view:
        # a page number glued after CriticMarkup's substitution may be no part of the new
        # marking (``~>76SECRET``, see ``_MSEP``), or its leetspeak letters (``~>5ECRET``)
        for glued in _SUBSTITUTED_NUMBER_RE.finditer(view):
            for at in range(*glued.span()):
                options[at] = (*options[at], "")
    by_first: dict[str, list[str]] = {}
    for key in sorted(keys, key=len, reverse=True):
        by_first.setdefault(key[:1], []).append(key)
    memo: dict[int, list[tuple[int, int, str]] | None] = {}

    def ends(at: int, key: str, offset: int) -> Iterable[int]:
        """View positions where ``key[offset:]`` can end when read from ``at``."""
        if offset == len(key):
            yield at
            return
        if at == len(view):
            return
        for option in options[at]:
            if option == "":
                if offset:  # separators inside a key, never before it
                    yield from ends(at + 1, key, offset)
            elif key.startswith(option, offset):
                yield from ends(at + 1, key, offset + len(option))

    def cut(at: int) -> list[tuple[int, int, str]] | None:
        while at < len(view) and options[at] == ("",):
            at += 1
        if at == len(view):
            return []
        if at in memo:
            return memo[at]
        result = None
        firsts = {option[:1] for option in options[at] if option}
        candidates = sorted(
            (key for first in firsts for key in by_first.get(first, [])), key=len, reverse=True
        )
        for key in candidates:
            for end in ends(at, key, 0):
                rest = cut(end)
                if rest is not None:
                    result = [(at, _trim_end(view, at, end), key), *rest]
                    break
            if result is not None:
                break
        if result is None and "" in options[at]:
            result = cut(at + 1)  # a symbol that is a separator here, not a letter
        memo[at] = result
        return result

    found = cut(0) or []
    found.sort(key=lambda part: (part[0], -len(part[2])))
    return found


def _trim_end(view: str, start: int, end: int) -> int:
    """The end of a key's span without the separators it may have swallowed."""
    while end > start + 1 and not _keep(view[end - 1]) and view[end - 1] not in LEET:
        end -= 1
    return end


def marking_key(text: str) -> str:
    """The comparison key of a policy marking or keyword (used to detect duplicates)."""
    return squeeze(skeleton(text))


def slug(text: str) -> str:
    """``NATO SECRET`` → ``nato-secret`` (rule ids of markings)."""
    return "-".join(words(text)) or "marking"


def words(text: str) -> list[str]:
    """The words of a policy string, in skeleton form."""
    return list(_words(text))


@cache
def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in re.split(r"[^\w]+|_", skeleton(text)) if w)


@cache
def _multi_spellings() -> tuple[str, ...]:
    """The confusable spellings longer than one character, the longest first."""
    return tuple(
        sorted((m for g in _ascii_groups() for m in g if len(m) > 1), key=len, reverse=True)
    )


@cache
def _unit_spellings(token: str, leet: bool) -> tuple[str, ...]:
    group = set(next((g for g in _ascii_groups() if token in g), frozenset({token})))
    if leet:
        group |= {symbol for symbol, letter in LEET.items() if letter in group}
    # A spelling of several letters, each letter in its own spellings: "ss" (ß) spelt 5s,
    # $$; "cl" (d, as OCR reads it) spelt c1, cI.
    for spelling in [g for g in group if len(g) > 1]:
        choices = [
            [member for member in _unit_spellings(ch, leet) if len(member) == 1] for ch in spelling
        ]
        group |= {"".join(chars) for chars in itertools.product(*choices)}
    return tuple(sorted(group, key=lambda m: (len(m), m)))


@cache
def _units(word: str, leet: bool = False) -> tuple[tuple[str, ...], ...]:
    """Split a skeleton word into units, each with its confusable spellings (and, with
    ``leet``, the digits and symbols that stand for its letter)."""
    multi = _multi_spellings()
    units: list[tuple[str, ...]] = []
    index = 0
    while index < len(word):
        token = next((m for m in multi if word.startswith(m, index)), word[index])
        units.append(_unit_spellings(token, leet))
        index += len(token)
    return tuple(units)


@cache
def _keyword_units(word: str) -> tuple[tuple[str, ...], ...]:
    """``_units`` of a keyword's word, each with the leetspeak digits and symbols
    (``KEYWORD_LEET``) that stand for its letters (``keyword_leet_ok`` limits how many)."""
    units: list[tuple[str, ...]] = []
    for spellings in _units(word):
        group = set(spellings)
        for spelling in spellings:
            choices = [
                [ch, *(symbol for symbol, letter in KEYWORD_LEET.items() if letter == ch)]
                for ch in spelling
            ]
            group |= {"".join(chars) for chars in itertools.product(*choices)}
        units.append(tuple(sorted(group, key=lambda m: (len(m), m))))
    return tuple(units)


@cache
def _unit_regex(spellings: tuple[str, ...], gap: str) -> str:
    singles = [s for s in spellings if len(s) == 1]
    parts: list[str] = []
    if len(singles) == 1:
        parts.append(re.escape(singles[0]))
    elif singles:
        parts.append("[" + "".join(re.escape(s) for s in singles) + "]")
    by_length: dict[int, list[str]] = {}
    for spelling in spellings:
        if len(spelling) > 1:
            by_length.setdefault(len(spelling), []).append(spelling)
    for group in by_length.values():
        # ss, 5s, s5, 55, $s…: one class per position when the spellings are all of their
        # combinations (a shorter pattern, compiled faster).
        positions = [sorted({s[i] for s in group}) for i in range(len(group[0]))]
        if len(group) > 1 and len(group) == _product(len(p) for p in positions):
            parts.append(gap.join(_char_class(p) for p in positions))
        else:
            parts += [gap.join(re.escape(ch) for ch in s) for s in group]
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


def _product(sizes: Iterable[int]) -> int:
    total = 1
    for size in sizes:
        total *= size
    return total


def _char_class(chars: list[str]) -> str:
    if len(chars) == 1:
        return re.escape(chars[0])
    return "[" + "".join(re.escape(ch) for ch in chars) + "]"


@cache
def lenient_width(text: str, multiline: bool = False) -> int:
    """The most view characters ``marks_regex`` lets one marking span."""
    extra = max_width(_NEXT_LINE) if multiline else 0
    letter_gap, word_gap = _LETTER_GAP_WIDTH + extra, _WORD_GAP_WIDTH + extra
    total = 0
    for word_index, word in enumerate(_words(text)):
        units = _units(word, leet=True)
        total += word_gap * (word_index > 0) + letter_gap * (len(units) - 1)
        total += sum(_unit_width(unit, letter_gap) for unit in units)
    return total


@cache
def _unit_width(spellings: tuple[str, ...], letter_gap: int) -> int:
    return max(len(s) + letter_gap * (len(s) - 1) for s in spellings)


@cache
def max_width(pattern: str) -> int:
    from milai.policy.regexcheck import max_width as width

    return width(pattern)


# A superset of every gap above, letter or word, on one line or across lines: what the
# marking prefilter allows between letters (short to parse; never the final word).
_LOOSE_GAP_WIDTH = 256
_NON_WORD = lazy_compile(r"\W")


def _marking_units(text: str) -> list[tuple[tuple[str, ...], ...]]:
    """Each word of a marking as its units (each with its spellings, leetspeak too)."""
    if isinstance(text, Rot13Spelling):
        return [_rot13_units(word) for word in _words(text.original)]
    return [_units(word, leet=True) for word in _words(text)]


def _lenient_tokens(text: str, multiline: bool = False) -> list[str]:
    """Regex pieces of one marking: letters (leetspeak too), separators allowed everywhere
    (with ``multiline``, line breaks between letters and words too)."""
    letter_gap = _ML_LETTER_GAP if multiline else _LETTER_GAP
    word_gap = _ML_WORD_GAP if multiline else _WORD_GAP
    tokens: list[str] = []
    for word_index, units in enumerate(_marking_units(text)):
        for unit_index, unit in enumerate(units):
            if unit_index:
                tokens.append(letter_gap)
            elif word_index:
                tokens.append(word_gap)
            tokens.append(_unit_regex(unit, letter_gap))
    return tokens


def _symbol_only(spelling: str) -> bool:
    """Whether a spelling has no letter or digit ($ for s, $$ for ss, | for l)."""
    return _NON_WORD.sub("", spelling) == ""


def _loose_gap(markings: Iterable[str]) -> tuple[str, str]:
    """The prefilter's gap: any run of non-word characters, taken whole (possessive), as
    wide as the most that can stand between two letters or digits of a marking: a gap
    before each of the longest run of units spelt by symbols alone, those symbols, and
    the gap after them; and the same width for a look into such a run."""
    run = longest = symbols = 0
    for marking in markings:
        for unit in (unit for units in _marking_units(marking) for unit in units):
            widths = [len(s) for s in unit if _symbol_only(s)]
            run = run + 1 if widths else 0
            longest = max(longest, run)
            symbols = max(symbols, *widths, 0)
        run = 0
    width = _LOOSE_GAP_WIDTH * (longest + 1) + symbols * longest
    return rf"\W{{0,{width}}}+", rf"\W{{0,{width}}}?"


def _loose_tokens(text: str, gaps: tuple[str, str], letters: int | None = None) -> list[str]:
    """Regex pieces of one marking for the prefilter, a superset of ``_lenient_tokens``
    with any gaps (new lines included) that no input can make backtrack.

    A symbol that stands for a letter ($ for s, @ for a, | for l) is also a gap
    character, so a gap written as ``\\W{0,256}`` before each letter let a run of ``$``
    be cut into letters and gaps in very many ways (``d31f1`` and 512 ``$``: a second).
    Here only letters and digits are matched one by one: each spelling is reduced to its
    letters and digits, and the run of non-word characters before each one is taken
    whole (``gaps[0]``, possessive). A unit that some spelling writes in symbols alone
    may be left out where one of those symbols lies in the run ahead (its symbols are in
    that run). The first unit, written in symbols, starts with one of its own symbols.
    With ``letters``, only the first few units.

    Every whole pattern's match is matched from the same place (the letters and digits
    of a marking in order, only non-word characters between them, each unit left out
    written in symbols in the run after the last letter), and it ends at the marking's
    last letter or digit or after its first symbol: what follows there is a non-word
    character or what followed the marking, so the look after the marking in
    ``banner_prefilter_regex`` still holds."""
    gap, ahead = gaps
    units = [unit for units in _marking_units(text) for unit in units][:letters]
    tokens: list[str] = []
    for index, unit in enumerate(units):
        reduced = {_NON_WORD.sub("", s) for s in unit} - {""}
        body = _unit_regex(tuple(sorted(reduced, key=lambda m: (len(m), m))), gap)
        symbols = sorted({ch for s in unit if _symbol_only(s) for ch in s})
        firsts = sorted({s[0] for s in unit if _NON_WORD.match(s[0])})
        if index == 0:
            if firsts:  # $ECRET, $$ for ss, $s: a symbol first, then letters or a run
                rest = f"(?:{gap}{body})" + ("?" if symbols else "")
                body = f"(?:{body}|{_char_class(firsts)}{rest})"
            tokens.append(body)
        elif symbols:
            tokens.append(f"(?:{gap}{body}|(?={ahead}{_char_class(symbols)}))")
        else:
            tokens.append(f"{gap}{body}")
    return tokens


def trie_regex(sequences: Iterable[list[str]]) -> str:
    """One alternation for many token sequences, sharing prefixes (fast to match)."""
    root: dict[str, dict[str, object]] = {}
    end = ""
    for sequence in sequences:
        node: dict[str, object] = root  # type: ignore[assignment]
        for token in sequence:
            node = node.setdefault(token, {})  # type: ignore[assignment]
        node[end] = {}

    def emit(node: dict[str, object]) -> str:
        alternatives = [
            token + emit(child)  # type: ignore[arg-type]
            for token, child in node.items()
            if token != end
        ]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        return f"(?:{body})?" if end in node else body

    return emit(root)  # type: ignore[arg-type]


def marks_regex(markings: Iterable[str], multiline: bool = False) -> str:
    """Any of the markings, letter spacing, leetspeak and look-alikes allowed (and, with
    ``multiline``, line breaks between letters and words)."""
    return trie_regex(_lenient_tokens(m, multiline) for m in markings)


_ROT13 = str.maketrans("abcdefghijklmnopqrstuvwxyz", "nopqrstuvwxyzabcdefghijklm")


def rot13(text: str) -> str:
    """``text`` with its ASCII letters turned by rot13 (the others as they are)."""
    return text.translate(_ROT13_BOTH_CASES)


class Rot13Spelling(str):
    """The rot13 spelling of a marking (``frperg``), read letter by letter as either the
    rot13 letter or the marking's own: rot13 turns ASCII letters only, so look-alikes
    (small capitals, lunate sigma), leetspeak digits and symbols (``5``, ``$``) keep the
    marking's own letters, whether they were put in before rot13 or after it.
    ``original`` is the marking's skeleton text."""

    original: str

    def __new__(cls, text: str, original: str) -> Rot13Spelling:
        spelling = super().__new__(cls, text)
        spelling.original = original
        return spelling


@cache
def _rot13_units(word: str) -> tuple[tuple[str, ...], ...]:
    """The units of a marking's word (``_units`` with leetspeak), each also spelt as its
    rot13 letters and their own look-alikes and leetspeak."""
    units = _units(word, leet=True)
    rotated = _units(word.translate(_ROT13), leet=True)
    if len(rotated) != len(units):  # a multi-letter unit (rn, ss) on one side only
        rotated = tuple(() for _ in units)
    return tuple(
        tuple(sorted(set(own) | set(turned) | _half_turned(own), key=lambda m: (len(m), m)))
        for own, turned in zip(units, rotated, strict=True)
    )


def _half_turned(spellings: tuple[str, ...]) -> set[str]:
    """Each ASCII letter of each spelling as itself or its rot13 letter (ss: sf, fs, ff),
    digits and symbols as they are: rot13 leaves them, so a unit spelt half in leetspeak
    is half turned too (5s: 5f, a CUI in leetspeak then rot13)."""
    found: set[str] = set()
    for spelling in spellings:
        if spelling.isascii() and any(ch.isalpha() for ch in spelling):
            choices = [(ch, ch.translate(_ROT13)) if ch.isalpha() else (ch,) for ch in spelling]
            found |= {"".join(chars) for chars in itertools.product(*choices)}
    return found


_ROT13_BOTH_CASES = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "nopqrstuvwxyzabcdefghijklmNOPQRSTUVWXYZABCDEFGHIJKLM",
)


def marking_variants(text: str) -> list[str]:
    """The ways a marking is written to slip past a reader who looks for it: reversed
    (plain, or stored reversed behind a right-to-left override), rot13, and both.

    Short markings (``CUI``) get none: their variants are everyday words.
    """
    skeleton_text = " ".join(words(text))
    if len(squeeze(skeleton_text)) < 5:
        return []
    reversed_text = skeleton_text[::-1]
    found = [
        reversed_text,
        Rot13Spelling(skeleton_text.translate(_ROT13), skeleton_text),
        reversed_text.translate(_ROT13),
    ]
    # rot13 turns only ASCII letters: TRÈS is GEÈF, not GERF.
    rotated = " ".join(words(text.translate(_ROT13_BOTH_CASES)))
    found += [rotated, rotated[::-1]]
    return [v for v in dict.fromkeys(found) if v != skeleton_text]


def portion_regex(portions: Iterable[str]) -> str:
    """Portion-mark letters (``TS``, ``S``, ``CTS``), look-alikes allowed, no spacing."""
    sequences = []
    for text in portions:
        sequences.append([_unit_regex(unit, "") for w in words(text) for unit in _units(w)])
    return trie_regex(sequences)


def _label_regex(labels: Iterable[str]) -> str:
    # Label words may run together (securityClassification, niveau_de_classification).
    alternatives = sorted(
        {(SEP + "{0,3}").join(re.escape(w) for w in words(label)) for label in labels},
        key=len,
        reverse=True,
    )
    return "(?:" + "|".join(a for a in alternatives if a) + ")"


# An HTML meta element or a name/value pair names the field, then gives its value in a
# second attribute: <meta name="classification" content="SECRET">.
_META_VALUE = "(?:" + WS + "{1,8}(?:content|value))?"


# YAML node properties before a value: a tag (!!str, !secret), an anchor (&level).
_YAML_PROPERTIES = r"(?:(?:!{1,2}[a-z0-9\-]{0,30}|&[a-z0-9\-]{1,30})" + WS + "{1,4}){0,3}"


# The rest of a key whose domain prefix starts with the label: the domain's other parts,
# then the name after its slash (``classification.mil/level``, ``classification.acme.eu/
# tier``); each part possessive, so a key is read one way.
_DOMAIN_KEY_TAIL = r"(?:(?:\.[a-z0-9][a-z0-9\-]{0,23}+){1,4}+/[a-z0-9][a-z0-9_.\-]{0,40}+)?"


def field_regex(labels: Iterable[str]) -> str:
    """A classification field anywhere in a line: a JSON or YAML key, an XML attribute
    (``"classification":"SECRET"``, ``ism:classification='TS'``, ``securityClassification
    = SECRET``, ``classification: !!str SECRET``). The value is group ``double``,
    ``single`` or ``entity`` when quoted (up to its closing quote), else ``value`` (up to a
    delimiter): the last group matched.

    A lower-case word may be glued before the label (``dataClassification``). A key with a
    domain's prefix names the field by its prefix too, as Kubernetes labels and annotations
    do (``classification.mil/level: TOP_SECRET``; ``example.org/classification`` is a key
    that ends in the label)."""
    return (
        r"(?<![a-z0-9])[a-z]{0,12}"
        + _label_regex(labels)
        + _DOMAIN_KEY_TAIL
        + r"(?:[\"'\]]|&quot;)?"
        + _META_VALUE
        + WS
        + r"{0,3}(?:[:=]>?|=)"
        + WS
        + r"{0,3}\[?"
        + WS
        + r"{0,3}"
        + _YAML_PROPERTIES
        + r"(?:\"(?P<double>[^\"\n]{1,400})\"|'(?P<single>[^'\n]{1,400})'"
        + r"|&quot;(?P<entity>[^&\n]{1,400})&quot;"
        # a markup comment may cut an unquoted value: RESTRI<!-- x -->CTED
        + r"|(?P<value>(?:[^\"'\n,;{}<>\[\]]|<!--(?:[^\-\n]|-(?!->)){0,80}-->){1,400}))"
    )


def field_anchors(labels: Iterable[str]) -> tuple[str, ...]:
    """A literal that every label holds (its longest word): where a field can be."""
    return tuple(sorted({max(words(label), key=len) for label in labels if words(label)}))


def cell_label_regex(labels: Iterable[str]) -> str:
    """A CSV header cell that names a classification column (whole cell): a label, glued
    to a word before it or after separators (``dataClassification``, ``protective_marking``,
    ``security-classification``)."""
    return r"(?:[a-z]{1,12}" + SEP + "{0,3})?" + _label_regex(labels)


# A tag: HTML's; BBCode's (forum posts, and what a model asked for BBCode writes: ``[b]``,
# ``[size=5]``, ``[url=https://…]``, ``[quote="jm"]``; not ``[s]`` or ``[u]``, a portion
# mark's letters); an emoji shortcode as chat exports keep it (``:lock:``,
# ``:red_circle:``), which also reads an AsciiDoc attribute's or a reST field's name
# (``:revremark: NATO SECRET``).
_BBCODE_NAMES = (
    r"b|i|size|colou?r|font|url|quote|cent(?:er|re)|left|right|code|spoiler|highlight|h[1-6]"
    r"|strike|sub|sup|align|indent|noparse|email|table|tr|td|th|list|\*"
)
BBCODE = r"\[/?(?:" + _BBCODE_NAMES + r")(?:=[^\[\]\n]{1,60})?\]"
_BBCODE = BBCODE
_SHORTCODE = r":[a-z0-9+\-]{1,30}(?:[_ ][a-z0-9+\-]{1,30}){0,3}:(?![^\W_])"  # "_": " " in skel
_TAG = r"<[a-z/!?][^<>\n]{0,60}>"
# BBCode tags and emoji shortcodes after a struck marking, before the next (``_MSEP``).
_STRUCK_MARKUP = "(?:(?:" + _BBCODE + "|" + _SHORTCODE + ")" + WS + "{0,3}){0,3}"
# Before a banner, each of them (a shortcode among the markup tokens: ``~~:lock: *SECRET*``);
# after it, ``_TAIL_RE`` reads a BBCode tag as a bracket and
# a shortcode as punctuation around a word (one reading each: two would be exponential).
_LEAD_TAG = "(?:" + _TAG + "|" + _BBCODE + ")"
# A LaTeX command, with an environment name (\textbf, \begin{center}, \section*), and a
# wide gap after it (a centred banner: \centerline{\large      SECRET}).
_LATEX = r"\\[a-z]{1,20}\*?(?:\{[a-z]{1,20}\})?(?:[^\S\n]{5,80}(?=\S))?"
# An AsciiDoc role before formatted text ([.big]#SECRET#).
_ROLE = r"\[\.[a-z][a-z0-9_\-]{0,30}\]"
# What documents put before a banner: indentation (PDF and OCR text centre it with dozens
# of blanks), quoting, a paragraph number or letter, markup (HTML tags, Markdown
# emphasis and headings, table bars, quotes, guillemets, "//").
# Wrapper brackets as markup: a run of two or more ([[ SECRET ]], ((SECRET - DRAFT))), or
# one before more markup ([ # SECRET ]); a single bracket before the marking is the
# banner's own opening bracket, so that "[SECRET] convoy" stays a bracketed subject tag.
# A leetspeak symbol after a single bracket starts the marking ([$ECRET]), not markup.
# A run is cut one way only (pieces of four, shorter pieces among its last seven brackets):
# cut every way, a line of 32 brackets took seconds (exponential).
_RUN_BRACKET = (
    r"[\[(](?:" + WS + r"{0,4}[\[(]){3}"
    r"|[\[(](?:" + WS + r"{0,4}[\[(]){1,2}(?!(?:" + WS + r"{0,4}[\[(]){4})"
    r"|[\[(](?=" + WS + r"{0,4}[^\w\s\[($@!])"
)
_MARKUP_SYMBOLS = "[-*=#~`\"'<>/\\\\:;.•·|+\u2013\u2014{!?%\\]^]"
# A markup word: what a renderer reads as syntax, not as text, before a marking. A word of
# two or more letters with markup after it (``!!! danger "SECRET"``, ``.. note:: SECRET``,
# ``{{< banner "SECRET" >}}``, a Textile block ``h1. SECRET``), a block's kind glued to its
# fence (``:::warning SECRET``), up to three words in square brackets (a task box ``[x]``,
# a converter's shape name ``[TextBox 12]``, a footnote
# label ``[^1]:``) or a comment keyword (``REM``). Each ends on markup or a blank, never on
# a letter, so a marking after it is read from its first letter.
_MARKUP_WORD = (
    rf"(?:\[\^?[a-z0-9][a-z0-9_\-]{{0,19}}+(?:{WS}[a-z0-9][a-z0-9_.\-]{{0,19}}+){{0,2}}\]"
    # a full stop, "!", "?" or ";" before a blank ends a sentence (Hello! SECRET), save
    # after a Textile block's name (h1. bq. fn1.); one colon or "=" ends a field's name,
    # whose value counts in capitals only (``title: Top Secret``, see ``FieldUnit``)
    rf"|\^?[a-z0-9][a-z0-9_\-]{{1,19}}+{WS}{{0,4}}+(?![.!?;](?:{WS}|\n|$)|:(?!:)|=)"
    rf"{_MARKUP_SYMBOLS}"
    rf"|(?<![^\W_])(?:h[1-6]|bq|bc|fn\d{{1,3}}|u[1-6]|od|op|sa\d{{1,3}})\."
    rf"|(?<=[:!?~`]{{3}})[a-z][a-z0-9_\-]{{0,19}}+{WS}{{1,4}}+"
    rf"|(?<![^\W_])(?:rem|erz){WS}{{1,4}}+"
    # struck-through text (``~~NON CLASSIFIÉ~~ SECRET``; a struck marking is read too)
    r"|~~[^~\n]{1,60}+~~)"
)


def _markup(*, words: bool, lazy: bool, words_first: bool = False) -> str:
    """What documents put before a banner (see above), with markup words or without.

    A markup word may be a marking too (``[SECRET] TOP SECRET``, ``- SECRET - NATO
    SECRET``): a banner line reads its tokens lazily, so the reading whose markings start
    first is tried first and no marking is taken for markup while another reading keeps it.
    """
    # (Razor's comment opens with ``@*``: ``@* NATO SECRET *@``)
    token = f"{_SHORTCODE}|{_MARKUP_SYMBOLS}|{_ROLE}|{_RUN_BRACKET}|{_LATEX}|@\\*"
    if words:
        token = f"{_MARKUP_WORD}|{token}" if words_first else f"{token}|{_MARKUP_WORD}"
    loop = "{0,12}?" if lazy else "{0,12}"
    return (
        f"(?:{_LEAD_TAG}{WS}{{0,4}}){{0,4}}"
        f"(?:(?:{token}){WS}{{0,4}}){loop}"
        # a wide gap after markup: a centred banner in quotes or brackets (“      SECRET”)
        f"(?:(?<=[^\\w\\s]){WS}{{5,80}})?"
        f"(?:{_LEAD_TAG}{WS}{{0,4}}){{0,4}}"
    )


_MARKUP = _markup(words=False, lazy=False)
_NUMBERING = (
    r"(?:(?:[-*•·+]|\d{1,3}(?:\.\d{1,3}){0,4}[.)]?|[a-z][.)]|[ivx]{2,5}[.)]|\(\d{1,3}\)"
    r"|\([ivx]{1,5}\)|\([a-z]\)|\[\d{1,3}\])"
    + WS
    + "{1,4}"
    # a portion mark glued after its paragraph number or letter: b.(S) 3.1)(C) iv.(S) (a)(S)
    + r"|(?:\d{1,3}(?:\.\d{1,3}){0,4}|[a-z]|[ivx]{2,5})[.)](?=\()|\([a-z]\)(?=\())?"
    # a page number glued to the banner (pdftotext without -layout: ``3NATO SECRET``), or a
    # print file's carriage control in column 1 (``1NATO SECRET``), or to the markup before
    # it (``7(((TOP SECRET)))``, ``36[b]NATO SECRET[/b]``, ``2:lock: *SECRET*``): in capitals
    # only (``_glued_in_capitals``)
    + r"(?:\d{1,4}+(?=[a-z]|[\[(<*_`:~#{\"']))?"
)
# A page number glued to the marking after markup or a label (``[.header]#5CONFIDENTIAL#``,
# ``Classification = 78CONFIDENTIEL LUX``, ``[Deleted: 13SECRET]``), or to a leetspeak
# digit that starts it (``2670P SECR3T``: 26, then T0P); not after a letter (a word's own
# digits). In capitals only (``_glued_in_capitals``).
_GLUED_NUMBER = r"(?:(?<![^\W\d_])\d{1,4}(?=[a-z0-9$@!|(\[]))?"
# Furniture words other than a page's that a number follows on a banner's line (en, fr,
# de, nl, lb; skeleton view: ``Säit`` is ``sait``).
_FURNITURE_NUMBERED = (
    r"copy|copie|kopie|exemplaire|exemplar|exemplaar|ausfertigung|slide|folie|diapositive|"
    r"diapo|dia|sheet|blatt|feuille|feuillet|sait|blat"
)
# The page words in rot13 (a text a model was asked to answer in rot13): Cntr 3 bs 7.
_PAGE_WORDS_ROT13 = "cntr|cntrf|ct|c|frvgr|f|cntvan|oym|oynq"
# Footer furniture printed before the marking (``Page 3 of 7    SECRET``, ``Page 2 NATO
# RESTRICTED``): a page number, then blanks or a bar. A sentence that starts with "Page 3"
# is no banner all the same: words after the marking fail its tail, and a one-word marking
# in title case alone is a heading (``_is_heading``).
_PAGE_WORDS = (
    r"(?:page|pages|pg|p|seite|s|pagina|blz|blad|"
    # the other furniture that numbers a page, a copy or a slide (``Copy 3 of 5``,
    # ``Exemplaire n° 2``, ``Ausfertigung 2``, ``Folie 4``, ``Säit 2``, ``Sheet 2``)
    + _FURNITURE_NUMBERED
    + "|"
    + _PAGE_WORDS_ROT13
    + r")\.?"
    + WS
    + r"{0,2}(?:(?:n#|no|nr)\.?"
    + WS
    + r"{0,2})?\d{1,4}(?:"
    + WS
    + r"{0,2}(?:of|sur|de|von|van|vun|bs|fhe|qr|iba|ina|iha|/)"
    + WS
    + r"{0,2}\d{1,4})?(?:"
    + WS
    + r"{1,80}+|"
    + WS
    + r"{0,4}[|\-\u2013\u2014]"
    + WS
    + "{1,8}+)"
)
# A page number without a word (``- 3 -``, ``3/12``), then blanks (a tab is a blank here).
_PAGE_BARE = (
    r"(?:[\-\u2013\u2014]"
    + WS
    + r"{0,2}\d{1,4}"
    + WS
    + r"{0,2}[\-\u2013\u2014]|\d{1,4}/\d{1,4})"
    + WS
    + "{1,80}+"
)
# Up to two page numbers (a footer printed over another: ``p. 7 Page 1/9 - SECRET``).
_PAGE_FIRST = "(?:" + _PAGE_WORDS + "|" + _PAGE_BARE + "){0,2}"


def _page_markup(*, words: bool) -> str:
    """Markup before a footer's page number (``// Page 3 SECRET``, ``<!-- - 2 - SECRET
    -->``): the markup loop, bound to a whole page number that follows it. A banner line
    tries it last (``lazy``), so that it never takes a marking another reading keeps
    (``SECRET - Page 3 - UNCLASSIFIED``)."""
    token = f"{_TAG}|{_MARKUP_SYMBOLS}|{_ROLE}|{_RUN_BRACKET}"
    if words:
        token += f"|{_MARKUP_WORD}"
    return f"(?:(?:{token}){WS}{{0,4}}){{1,8}}(?=(?:{_PAGE_WORDS}|{_PAGE_BARE}))"


# The blank runs before the marking and the quote bars are taken whole (possessive): what
# follows each one starts with no blank or takes the rest (the markup takes more bars), so
# no match needs a run cut short; cut every way, a line of blanks or of "| | |" took
# 30-100 ms (blank runs between markup, whose wide gap needs what precedes it, keep their
# choices).
# A log line's prefix before its message (``Mar 12 10:00:00 host exporter[231]: [SECRET]
# export started``): a time stamp (ISO 8601, syslog, a clock) with the host and program
# that end with a colon, a level word (INFO, [warn]), known logfmt keys with their values
# (``ts=… level=info``), a container runtime's stream (``stdout F``). A level's value is
# a level word only: ``level=TOP_SECRET`` is no prefix that leaves "SECRET" to read.
_CLOCK = r"\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?"
_LOG_TIME = (
    r"(?:\d{4}-\d{2}-\d{2}(?:[t ]" + _CLOCK + r")?(?:z|[+\-]\d{2}:?\d{2})?"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    + WS
    + r"{1,2}\d{1,2}"
    + WS
    + _CLOCK
    + "|"
    + _CLOCK
    + ")"
)
_LOG_LEVEL = r"(?:trace|debug|info|notice|warn|warning|error|err|crit|critical|alert|fatal)"
_LOG_WORD = (
    r"(?:\[?" + _LOG_LEVEL + r"\]?"
    r"|(?:level|lvl|severity)="
    + _LOG_LEVEL
    + r"|(?:ts|time|timestamp|t)="
    + _LOG_TIME
    + r"|(?:host|hostname|app|service|logger|caller|component|module|pid|tid|thread)"
    r"=[\w.\-/:]{1,64}"
    r"|std(?:out|err)(?:" + WS + r"{1,2}[fp])?)"
)
# A commit's abbreviated or full hash, letters and digits both (``git log --oneline``:
# ``3f2a9c1a [NATO SECRET] convoy``; a boundary commit's ``^`` in ``git blame``), then
# perhaps a path and a group in brackets (blame's ``(Jean Muller 2025-03-11 10:14:02 +0100
# 1)``, log's decorations ``(HEAD -> main)``).
_COMMIT = (
    r"\^?(?=[0-9]{0,39}[a-f])(?=[a-f]{0,39}[0-9])[0-9a-f]{7,40}(?![\w\-])"
    r"(?:"
    + WS
    + r"{1,4}[\w.\-/]{1,120}(?="
    + WS
    + r"{1,4}\())?(?:"
    + WS
    + r"{1,4}\([^()\n]{1,120}\))?"
)
# A log line starts with a time stamp (and, in syslog, the host and program before a
# colon), a time or level key, or a level in brackets; level words, keys and a stream
# may follow. Few first characters: the prefix is tried at every line's start.
_LOG_START = (
    "(?:"
    + _LOG_TIME
    + "(?:(?:"
    + WS
    + r"{1,4}[\w.\-]{1,64})?"
    + WS
    + r"{1,4}[\w.\-/]{1,64}(?:\[\d{1,10}\])?:|:)?"
    + r"|(?:ts|time|timestamp)="
    + _LOG_TIME
    + r"|(?:level|lvl|severity)="
    + _LOG_LEVEL
    + r"|\["
    + _LOG_LEVEL
    + r"\]|"
    + _COMMIT
    + ")"
)
_LOG_PREFIX = "(?:" + _LOG_START + WS + "{1,4}(?:" + _LOG_WORD + ":?" + WS + "{1,4}){0,5})?"


# The empty cells of a spreadsheet's merged title row before its one full cell, exported to
# CSV (``,,,NATO SECRET,,,``): the cell is read as a line.
_EMPTY_CELLS = "(?:,{1,64}+" + WS + "{0,4})?"


# A table's bar that OCR read as a letter (``l NATO SECRET l``, ``I NATO SECRET I``): a lone
# l or I, then blanks and a word of two letters or more (not a marking spelled letter by
# letter: ``L U X``). Whether the line's end has its pair is ``_banner_hits``'s to say.
_OCR_BAR = "[li](?=" + WS + "{1,8}[a-z]{2})"


def _line_start(possessive: str) -> str:
    """What may stand before a lead's page number and numbering: blanks, empty cells, a log's
    prefix, quote bars (``>``, ``|``, an OCR's l or I); ``possessive``: "+" (the lead) or ""
    (the readings, which must give characters back)."""
    return (
        WS
        + "{0,120}"
        + possessive
        + _EMPTY_CELLS
        + _LOG_PREFIX
        + "(?:(?:[>|]|"
        + _OCR_BAR
        + ")"
        + WS
        + "{0,8}"
        + possessive
        + "){0,8}"
        + possessive
    )


def _lead(*, words: bool, lazy: bool, words_first: bool = False) -> str:
    return (
        _line_start("+")
        + f"(?:{_page_markup(words=words)})?{'?' if lazy else ''}"
        + _PAGE_FIRST
        + WS
        + "{0,80}"
        + _NUMBERING
        + _markup(words=words, lazy=lazy, words_first=words_first)
        + _GLUED_NUMBER
    )


LEAD = _lead(words=False, lazy=False)
# The lead with markup words (``!!! danger "``, ``.. note::``), as a banner line reads it
# (lazily, see ``_markup``) and as a look at a line's start takes it (the longest).
_LEAD_READ = _lead(words=True, lazy=True)
LEAD_WORDS = _lead(words=True, lazy=False)
# The same, a token read as a markup word before it is read as symbols: a greedy match
# stops at the first token that no alternative takes, so the symbols of ``[^2]:`` or
# ``~~NON CLASSIFIÉ~~`` (a footnote label, a struck marking) end LEAD_WORDS before the word
# does; a look at a line's start takes the ends of both (``word_lead_ends``).
LEAD_WORDS_FIRST = _lead(words=True, lazy=False, words_first=True)


def _reading(*, pages: bool, numbering: bool) -> str:
    """The plain lead read with its page numbers or its numbering or neither."""
    return (
        _line_start("")
        + (f"(?:{_page_markup(words=False)})?" + _PAGE_FIRST if pages else "")
        + WS
        + "{0,80}"
        + (_NUMBERING if numbering else "")
        + _MARKUP
    )


# The lead read without its page numbers, its numbering or both: letters that the lead
# takes greedily (``S. E. C. R. E. T``: "S." is a list letter) may be the marking's own. The
# regular expressions try every reading; a look at a line's start (``line_outlook``) tries
# these too.
LEAD_READINGS = (
    _reading(pages=True, numbering=False),
    _reading(pages=False, numbering=True),
    _reading(pages=False, numbering=False),
)

# Between markings: a separator, or the end of a struck-through one (``~~UNCLASSIFIED~~
# SECRET``: both are read, so the higher wins whichever is struck), the new one perhaps
# in emphasis or quotes (``~~UNCLASSIFIED~~ **SECRET**``).
_MSEP = (
    WS
    # CriticMarkup's substitution, a page number perhaps glued after it (``~>76SECRET``)
    + r"{0,3}(?:(?:[/|,;+&\-\u2013\u2014]|~>"
    + _GLUED_NUMBER
    + r"|~~"
    + WS
    + "{0,3}"
    # a page number after the struck marking (``~~UNCLASSIFIED~~ Page 2 SECRET``), BBCode
    # tags or emoji shortcodes (``~~UNCLASSIFIED~~[size=5]SECRET``, ``~~UNCLASSIFIED~~
    # :lock: SECRET``)
    + _PAGE_FIRST
    + _STRUCK_MARKUP
    + "[*_`\"'«“\\[({]{0,3})"
    + WS
    + "{0,3})?"
)
# Word's reviewing pane pasted as text: a change's kind, then the text changed, in
# brackets (``[Deleted: SECRET] UNCLASSIFIED``, ``[Inserted: NATO SECRET]``); both read.
REVIEW_WORDS = (
    "deleted",
    "inserted",
    "moved",
    "formatted",
    "geloscht",
    "eingefugt",
    "supprime",
    "insere",
    "verwijderd",
    "ingevoegd",
)
_REVIEW = "(?:(?:" + "|".join(REVIEW_WORDS) + ")" + WS + "{0,3}:" + WS + "{0,3})?"
# A footer's furniture glued to the banner (pdftotext without -layout: ``COSMIC TOP
# SECRETPage 2 of 4``, ``SECRETAnnex``), or a title glued after it (``NATO SECRETAnnex B to
# OPORD 3/24``): a word of letters; which glued words count, in which case, is
# ``_glued_in_capitals``'s to say (the skeleton view has no case).
GLUED_FURNITURE_WORDS = r"(?:page|seite|pagina|blz|annexe?|anlage|bijlage|copy|ref)(?![a-z])"
_GLUED_FURNITURE = "(?=" + GLUED_FURNITURE_WORDS + ")"


def _glued_title(markings: Iterable[str]) -> str:
    """Where a title may be glued to a marking of two words or more (``NATO SECRETAnnex B to
    OPORD 3/24``): after its last word, two letters. One word glued to letters is a longer
    word (``Secretary``), which the prefilter keeps out of the large patterns."""
    spellings = [
        spelling
        for marking in markings
        for spelling in (
            (marking, marking.original) if isinstance(marking, Rot13Spelling) else (marking,)
        )
    ]  # a rot13 spelling stands for the marking's own letters too
    lasts = sorted({found[-1] for spelling in spellings if len(found := words(spelling)) > 1})
    if not lasts:
        return "(?!)"
    return "(?:" + "|".join(f"(?<=[^\\w\\n]{re.escape(last)})" for last in lasts) + ")(?=[a-z]{2})"


_CONTROLS = WS + "{0,2}//?" + WS + r"{0,2}[a-z0-9](?:[a-z0-9,\-/]|" + WS + "){0,80}"
# After the separator, quotes and markup, or a wide gap (forms and PDF text align values).
# A dot leader between a label and its value, as forms and tables of contents print it
# (``CLASSIFICATION . . . . SECRET LUX``, ``Classification ........ SECRET``), is one too.
_LABEL_SEP = (
    "(?:" + WS + "|[\"'*`\\]])" + "{0,4}(?:[:\\-\u2013|=>]|(?:\\." + WS + "{0,2}){3,40}+)"
    "(?:" + WS + "{0,80}(?:[\"'*`<>]" + WS + "{0,4}){1,6}|" + WS + "{0,80})"
)
# After a label's separator: markup, and page numbers (``Classification: Page 2 SECRET``).
_AFTER_LABEL = _MARKUP + _PAGE_FIRST + _GLUED_NUMBER
_TAIL_WIDTH = 160
# The most markings a banner's body repeats on one line (a watermark line of a PDF page
# repeats its banner across the page; more is read as text).
_REPEATS = 64
# A banner written letter by letter may be followed by text written the same way (the
# whole line spaced out: S E C R E T   t h e   p l a n), longer than the tail above: such
# a tail is one letter or digit after each gap, up to this many.
_SPACED_TAIL_LETTERS = 1000
# The tail reaches the end of its line or the banner fails: its repeats are possessive,
# so that a long line fails once, not once for every way the body before it could end.
_TAIL = (
    f"(?:[^\\n]{{0,{_TAIL_WIDTH}}}+"
    f"|(?:[^\\w\\n]{{1,12}}+[^\\W_]){{1,{_SPACED_TAIL_LETTERS}}}+[^\\w\\n]{{0,8}}+)(?=\\n)"
)
_COPYRIGHT = (
    r"(?:" + WS + r"{0,3}\d|[^\n]{0,40}?(?:copyright|courtesy|©|all rights|tous droits|"
    r"droits reserves|alle rechte|crown|photo|credit|getty|reuters|afp))"
)


def context_regex(
    markings: Iterable[str],
    portions: Iterable[str],
    caveats: Iterable[str],
    labels: Iterable[str],
    *,
    marks: str | None = None,
) -> str:
    """Markings where they stand as markings; every match starts at a new line.

    Groups: ``body`` (one or more markings) with ``open`` when bracketed, ``label`` when
    a label (Classification:, Betreff:) precedes it, ``ctl`` for controls or caveats and
    ``tail`` for what follows on the line (checked by ``banner_tail_ok``); or ``pmark``
    (a portion mark, or a single letter that may be a list item) with ``pcav`` (its
    caveats), ``glued`` when a letter follows the bracket directly, ``next`` (the first
    character of the paragraph) and ``copyright`` when a ``(C)`` is a copyright notice.
    """
    marking_list = list(markings)
    if marks is None:
        marks = marks_regex(marking_list)
    banner = _banner(marks, caveats, labels, _MSEP, _glued_title(marking_list))
    return f"\\n{_LEAD_READ}(?:{banner}|{_portion(portions)})"


def banner_prefilter_regex(
    markings: Iterable[str],
    labels: Iterable[str],
    letters: int | None = None,
    caveats: Iterable[str] = (),
) -> str:
    """Where a banner of ``context_regex`` or ``multiline_regex`` can start: the same new
    line, lead, labels and bracket, then the first marking (or, with ``letters``, its
    first few letters) with any non-word characters between its letters.

    Every match of either pattern's banner branch starts where this one matches (this is
    the start of the same path, with looser gaps), so a new line where it does not match
    needs neither pattern. It is a few kilobytes; they are a few hundred.

    A whole first marking (no ``letters``) must also be followed by what can follow it in
    those patterns: a character that is no ASCII letter or digit (a separator, controls,
    a closing bracket, the tail, the end of the line), or, glued to it, the start of
    another marking (its first letters, as above) or of a caveat. "Secretary" and
    "Geheimdienst" at the start of a line then need neither large pattern.
    """
    label_list = list(labels)
    label = f"(?:{_label_regex(label_list)}{_LABEL_SEP}{_AFTER_LABEL}){{0,3}}" if label_list else ""
    marking_list = list(markings)
    gaps = _loose_gap(marking_list)
    marks = trie_regex(_loose_tokens(m, gaps, letters) for m in marking_list)
    follows = ""
    if letters is None:
        glued = [trie_regex(_loose_tokens(m, gaps, 4) for m in marking_list)]
        caveat_list = list(caveats)
        if caveat_list:
            glued.append(_label_regex(caveat_list))
        follows = (
            f"(?:(?![a-z0-9])|{_GLUED_FURNITURE}|{_glued_title(marking_list)}"
            f"|(?={'|'.join(glued)}))"
        )
    opened = f"(?:[\\[(]{WS}{{0,80}}+{_REVIEW}{_PAGE_FIRST}{_GLUED_NUMBER})?"
    return f"\\n{LEAD_WORDS}{label}{opened}{_MSEP}(?:{marks}){follows}"


def portion_context_regex(portions: Iterable[str]) -> str:
    """The portion-mark branch of ``context_regex`` alone. Where no banner can start (see
    ``banner_prefilter_regex``), its match is exactly ``context_regex``'s."""
    return f"\\n{_LEAD_READ}{_portion(portions)}"


def portion_screen_regex(portions: Iterable[str]) -> str:
    """What every match of ``portion_context_regex`` holds on its line, its lookaheads
    included: a slash (a caveat, or the ``//`` or ``/NF`` that a mark without brackets
    needs), or a mark in brackets closed with no caveat (``(S)``, ``[ts]``: without a slash
    a mark's caveats are empty). A few hundred bytes where that pattern (the line's lead
    included) is a few kilobytes: ``ScreenedPattern`` compiles it only once this one finds
    something. Neither reads past the new line that ends the line it starts on.
    """
    portion_list = list(portions)
    marks = portion_regex(portion_list) if portion_list else "(?!)"
    # led by one class of first characters: ``re`` skips in C all that is not in it
    return f"[/(\\[](?:(?<=/)|{WS}{{0,2}}(?:{marks}|[a-z]){WS}{{0,2}}[)\\]])"


def multiline_regex(
    markings: Iterable[str], labels: Iterable[str] = (), *, marks: str | None = None
) -> str:
    """Banner lines whose marking is split over lines (``TOP`` / ``SECRET``, ``SE-`` /
    ``CRET``, one letter per line); every match starts at a new line. Lead, label and
    markup as on a banner line (``Classification: TOP`` / ``SECRET``), punctuation
    markup at the start and end of each line (``**TOP**`` / ``**SECRET**``), a bracket,
    markings (repeated too), then the banner's furniture on its last line (``SECRET -
    DRAFT``). Groups ``label``, ``body`` and ``tail`` as in ``context_regex``. What may
    follow the marking is bound by ``banner_prefilter_regex`` (see ``_banner``).
    """
    if marks is None:
        marks = marks_regex(markings, multiline=True)
    label_list = list(labels)
    label = ""
    if label_list:
        label = f"(?P<label>(?:{_label_regex(label_list)}{_LABEL_SEP}{_AFTER_LABEL}){{1,3}})?"
    return (
        f"\\n{_LEAD_READ}{label}(?:[\\[(]{WS}{{0,2}}{_REVIEW})?"
        # repeated markings: after the first, any gap a marking's words may have (which
        # holds every separator: either one, an empty gap was read two ways, exponential)
        f"(?P<body>(?:(?:(?<![^\\W_]){_MSEP}|(?<=[^\\W_]){_ML_WORD_GAP})(?:{marks})){{1,16}})"
        f"(?P<ctl>)(?![a-z0-9])"
        f"(?P<tail>[^\\n]{{0,{_TAIL_WIDTH}}}+)(?=\\n)"
    )


def _banner(
    marks: str, caveats: Iterable[str], labels: Iterable[str], msep: str, glued_title: str
) -> str:
    caveat_list = list(caveats)
    caveat = ""
    if caveat_list:
        caveat = (
            "(?:"
            + _MSEP
            + _label_regex(caveat_list)
            + "(?:"
            + WS
            + r"{1,3}[a-z0-9](?:[a-z0-9,\-/]|"
            + WS
            + "){0,60})?)?"
        )
    label_list = list(labels)
    label = ""
    if label_list:
        label = f"(?P<label>(?:{_label_regex(label_list)}{_LABEL_SEP}{_AFTER_LABEL}){{1,3}})?"
    # The rule for extending this: ``banner_prefilter_regex`` lets a line through only if
    # its first marking is followed by no ASCII letter or digit, or by the start of a glued
    # marking or caveat. Anything new allowed right after a marking (a control or caveat
    # that starts with a letter or digit, glued) must be added to its ``follows`` too;
    # ``test_the_guard_fires_for_every_context_match`` checks the two agree.
    body = f"(?P<body>(?:{msep}(?:{marks})){{1,{_REPEATS}}})(?P<ctl>(?:{_CONTROLS})?{caveat})"
    return (
        f"{label}(?:(?P<open>[\\[(]){WS}{{0,80}}+{_REVIEW}{_PAGE_FIRST}{_GLUED_NUMBER})?{body}"
        # in brackets, furniture may stand before the closing one: [SECRET    3 March 2025]
        f"(?:(?![a-z0-9])|{_GLUED_FURNITURE}|{glued_title})(?P<tail>(?(open)(?:[^\\[\\]()\\n]|\\([^()\\n]{{0,40}}\\)){{0,80}}+(?=[\\])])|{_TAIL}))"
        f"(?(open)[\\])])"
    )


# The number of a section or paragraph that a portion mark may follow after markup or in
# an outline the lead's numbering does not read (it reads ``1.``, ``2.1``, ``a)``, ``(iv)``
# before markup): a Markdown heading's or bold number (``### 3.1 (S)``, ``**1. (S)**``), a
# legal section (``§ 3 (S)``, ``Art. 4 (C)``; § is "." in the skeleton), an outline that
# mixes numbers and letters (``1.a (S)``, ``A.1.2 (TS)``, a digit among its parts).
_SECTION_WORD = (
    r"(?:\.{1,2}|(?:art|arts|article|artikel|sect|section|sec|para|paragraph|paragraphe|"
    r"abs|absatz|ziff|ziffer|chap|chapter|chapitre|kapitel|hoofdstuk|annex|annexe|anlage|"
    r"bijlage|clause|lid)\.?)"
)
_OUTLINE_PART = r"(?:\d{1,3}|[a-z]|[ivx]{2,5})"
PORTION_OUTLINE = (
    rf"(?:{_SECTION_WORD}{WS}{{0,2}}{_OUTLINE_PART}(?:\.{_OUTLINE_PART}){{0,4}}[.)]?"
    rf"|(?=[a-z.]{{0,20}}\d){_OUTLINE_PART}(?:\.{_OUTLINE_PART}){{1,4}}[.)]?"
    rf"|{_OUTLINE_PART}[.)])"
)

# What a line's start (after its lead) may hold while such a number is forming: a section
# word, then letters, digits, points up to a blank and a bracket or the end so far.
PORTION_OUTLINE_FORMING = (
    rf"(?:{_SECTION_WORD}{WS}{{0,2}})?[a-z0-9.)]{{1,24}}(?:{WS}{{0,4}}[(\[]|{WS}{{0,4}}$)"
)

# A chord in square brackets, as ChordPro and chord charts put it before a lyric's syllable
# ([C], [G7], [Am], [F#m], [Bbmaj7], [Dsus4], [C/E]). One more on the rest of the line
# makes the line a chord chart's, its first [C] a chord, not a portion mark: one with more
# than its letter, or a letter alone glued to a syllable ([G]frère), so that "see annex
# [B]." stays a reference. Only the line: an attempt at a line's start may look no further
# than its end (what a stream holds back); ``ContextUnit`` remembers the chart's lines.
# Words that cite a lettered item before it (an annex, an option, a figure: en/fr/de/nl/lb).
_REFERENCE_WORDS = (
    "annex",
    "annexe",
    "appendix",
    "anlage",
    "bijlage",
    "option",
    "figure",
    "table",
    "see",
    "voir",
    "siehe",
    "zie",
    "item",
    "point",
    "answer",
    "note",
    "ref",
    "section",
    "box",
    "case",
    "variant",
    "variante",
)
_CHORD_NAME = (
    r"\[[a-g](?:(?:#|b)(?:maj|min|m|dim|aug|sus|add)?\d{0,2}|(?:maj|min|m|dim|aug|sus|add)\d{0,2}"
    r"|\d{1,2})(?:sus\d|add\d{1,2})?(?:/[a-g](?:#|b)?)?\]"
)
_CHORD_AHEAD = (
    r"[^\n]{0,120}?(?:"
    + _CHORD_NAME
    + r"|\[[a-g](?:/[a-g](?:#|b)?)?\](?=[^\W\d_])"
    # or alone before a blank and a lyric's word, after a word that names no reference
    # (``[C] Country roads, take me [G] home``; ``see annex [B] for details`` cites one),
    # a letter other than C (a portion mark's too: ``route [C] in annex B`` names one)
    + r"|"
    + "".join(f"(?<!{word}[^\\S\\n])" for word in _REFERENCE_WORDS)
    + r"\[[abd-g](?:/[a-g](?:#|b)?)?\][^\S\n]{1,3}[^\W\d_])"
)


def _portion(portions: Iterable[str]) -> str:
    portion_list = list(portions)
    portion_marks = portion_regex(portion_list) if portion_list else "(?!)"
    return (
        # a section's number after markup, or an outline's (see ``PORTION_OUTLINE``)
        f"(?P<outline>{PORTION_OUTLINE}{WS}{{1,4}}(?=[(\\[]))?"
        # in round brackets, or square ones ([S] The convoy…; ``ContextUnit`` asks more of them)
        # a letter alone only in round brackets: [x] is a task box (``- [x] SECRET``)
        f"(?:(?P<paren>[(\\[]){WS}{{0,2}})?(?P<pmark>{portion_marks}|(?<!\\[)[a-z])"
        # without brackets (TS//SCI, S//NF alone on a line), only with a // control, or
        # with one / and a control of two letters or more that ends the line (TS/SCI, S/NF)
        f"(?(paren)|(?={WS}{{0,2}}(?://|/[a-z]{{2,12}}{WS}{{0,40}}\n)))"
        f"(?P<pcav>(?:{WS}{{0,2}}//?{WS}{{0,2}}[a-z0-9][a-z0-9 ,\\-]{{0,40}}){{0,4}})"
        # the closing bracket, then the emphasis that wraps the mark (``**(S)** The plan``)
        f"(?(paren){WS}{{0,2}}[)\\]]\\*{{0,3}}+(?:{WS}{{0,4}}:(?P<colon>)|(?P<glued>(?=[a-z\"'])))?"
        f"(?:{WS}|(?=\\n)|(?(glued)|(?(colon)(?=[a-z\"'])|(?!))))"
        f"|(?=[^\\S\\n]{{0,40}}\\n))"
        f"(?={WS}{{0,4}}(?P<next>[^\\s]?))"
        f"(?:(?={_COPYRIGHT})(?P<copyright>))?"
        f"(?:(?={_CHORD_AHEAD})(?P<chords>))?"
    )


# What may follow a banner on its line (``tail``): punctuation and decoration, closing
# markup, a bracketed caveat (NOFORN), EYES ONLY with its countries, a page number, a
# document or copy reference; words only after a dash, bar, slash or colon (SECRET - DRAFT).
_FURNITURE_WORDS = (
    r"page|pages|pg|p|seite|s|pagina|blz|blad|of|sur|de|von|van|vun|ref|réf|reference|"
    r"référence|az|aktenzeichen|kenmerk|no|nr|n°|n#|dossier|doc|copy|exemplaire|kopie|exemplar|"
    r"ausfertigung|draft|projet|brouillon|entwurf|ontwerp|concept|annex|annexe|anlage|bijlage|"
    r"amtlich|geheimgehalten"
)
# Dates in footers (12 mars 2025, March 12, 2025, 3. Mäerz 2025), in the skeleton view.
_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|janvier|fevrier|mars|avril|"
    r"mai|juin|juillet|aout|septembre|octobre|novembre|decembre|januar|februar|marz|juni|"
    r"juli|oktober|dezember|januari|februari|maart|mei|augustus|maerz|abrell|mee"
)
_DATE = (
    r"\d{1,2}\.?[^\S\n]{0,2}(?:" + _MONTHS + r")\.?[^\S\n]{0,2}\d{2,4}"
    r"|(?:" + _MONTHS + r")\.?[^\S\n]{0,2}\d{1,2},?[^\S\n]{0,2}\d{4}"
)
# The same month names as printed (for the capitals check of the original tail).
_MONTHS_PRINTED = _MONTHS + r"|février|décembre|août|märz|mäerz|abrëll"
# A heading's attributes after it (pandoc, kramdown, MkDocs: ``# SECRET {#banner .c}``).
# Taken out of a tail before it is read, like a link's target below.
_ATTRIBUTES_RE = lazy_compile(r"[^\S\n]\{[^\S\n]{0,2}[#.][^{}\n]{0,80}\}")
_TAIL_RE = lazy_compile(
    r"(?:[^\w\n]|" + _TAG + r"|\([^()\n]{1,40}\)|\[[^\[\]\n]{1,40}\]"
    r"|(?:[a-z]{2,4}(?:[^\S\n]{0,2}[/,][^\S\n]{0,2}[a-z]{2,4}){0,8}[^\S\n]{1,3})?eyes[^\S\n]{1,3}only"
    r"|(?:" + _FURNITURE_WORDS + r")\.?(?=[^a-z]|$)"
    r"|"
    + _DATE
    + r"|"
    + _LATEX
    # a reference or number: a whole run, never a piece of one (pieces backtracked
    # exponentially on a digit-heavy tail that does not match: 1.4 s for 70 characters)
    + r"|(?<![a-z0-9])[a-z]{0,12}[/\-._]{0,2}\d[a-z0-9/\-._]{0,40}(?![a-z0-9/\-._])"
    # (after "~~", what replaces a marking struck through: ~~SECRET~~ OFFEN)
    r"|(?<=[-\u2013\u2014|/:•~;,])[^\S\n]*[a-z]{1,20}(?:[^\S\n]{1,3}[a-z]{1,20}){0,3}"
    # after a wide gap, words that name a document reference (COUNCIL DOC 1234/25)
    r"|(?<=[^\S\n]{3})[a-z]{2,20}(?:[^\S\n]{1,3}[a-z]{2,20}){0,3}"
    r"(?=[^\S\n]{1,3}[a-z]{0,12}[/\-._]{0,2}\d))*"
)
_TAIL_WORDS_RE = lazy_compile(
    r"<[^<>]*>|(?-i:\[/?[a-z*][a-z0-9]{0,9}(?:=[^\[\]\n]{0,60})?\]|:[a-z0-9_+\-]{1,30}:)"
    r"|\\[a-z]{1,20}\*?(?:\{[a-z]{1,20}\})?|(?<!\w)(?:"
    + _FURNITURE_WORDS
    + r"|"
    + _MONTHS_PRINTED
    + r"|eyes|only)(?!\w)",
    re.IGNORECASE,
)


# The law or article that classifies a document, cited in brackets after its marking, in
# any case (Belgium's ``GEHEIM (Wet van 11.12.1998)``, ``SECRET (Loi du 11.12.1998)``,
# ``SECRET (Art. 4)``): a law's or an article's word and a number.
_LEGAL_REFERENCE_RE = lazy_compile(
    r"\([^\S\n]{0,2}(?:art(?:icle|ikel|\.)?|§{1,2}|loi|law|act|wet|gesetz|d[ée]cret|decree"
    r"|arr[êe]t[ée]|besluit|verordnung|r[èe]glement|regulation|directive|d[ée]cision|beschluss"
    r"|vsa|kb|ar)(?![^\W\d_])[^()\n]{0,30}\d[^()\n]{0,20}\)",
    re.IGNORECASE,
)
# A Markdown link's or image's target after its text (``![SECRET](img/banner.png "x")``):
# taken out of a tail before it is read (in the tail's pattern, "](x)" could also be read as
# a bracket and a bracketed caveat: two readings a link, exponential).
_LINK_TARGET_RE = lazy_compile(r"\]\([^()\s]{1,200}(?:[^\S\n]{1,3}\"[^\"\n]{0,80}\")?\)")

# A value assigned to the name: ``SECRET = 3``, ``TOP_SECRET := 4`` (source code).
_ASSIGNMENT_RE = lazy_compile(r"[^\S\n]{0,8}:?=(?!=)[^\S\n]{0,8}[\w\"'(\[{\-]")


def banner_tail_ok(tail: str, original: str) -> bool:
    """Whether ``tail`` (skeleton view) and its ``original`` text are banner furniture.

    Real banners are printed in capitals: beyond the furniture words (page, ref, copy…)
    the original may hold no lower-case letter. A value assigned to the marking
    (``SECRET = 3`` in an enum) makes it a name in source code, not a banner.
    """
    if not tail.strip():
        return True
    tail, original = _LINK_TARGET_RE.sub("]", tail), _LINK_TARGET_RE.sub("]", original)
    tail, original = _ATTRIBUTES_RE.sub("", tail), _ATTRIBUTES_RE.sub("", original)
    if _ASSIGNMENT_RE.match(tail) is not None:
        return False
    if _TAIL_RE.fullmatch(tail) is None:
        return False
    rest = _TAIL_WORDS_RE.sub("", terminal_shown(original))
    return not any(ch.islower() for ch in rest)


def tail_cites_law(tail: str, original: str) -> bool:
    """Whether ``tail`` is banner furniture once the law or article cited in brackets
    (``_LEGAL_REFERENCE_RE``, in any case) is taken out of its ``original``: asked only of
    a marking in capitals (``Top Secret (Act 2)`` is a play's)."""
    cited = _LEGAL_REFERENCE_RE.sub("", original)
    return len(cited) < len(original) and banner_tail_ok(tail, cited)


_KEYWORD_CUT = r"[\-./*:+~]"
_KEYWORD_PART = 3  # the fewest letters on each side of a blank inside a keyword's word


def _keyword_cut(index: int, units: int) -> str:
    """What may cut a keyword's word before its unit ``index`` (of ``units``)."""
    if min(index, units - index) >= _KEYWORD_PART:
        return "(?:" + _KEYWORD_CUT + "|" + WS + ")?"
    return _KEYWORD_CUT + "?"


def keyword_alternatives(keywords: Iterable[str]) -> list[tuple[str, str]]:
    """The alternatives of ``keyword_regex``, each with the plain character it starts with."""
    alternatives: list[tuple[str, str]] = []
    for keyword in keywords:
        word_regexes: list[list[tuple[str, str]]] = []
        for word in words(keyword):
            units = _keyword_units(word)
            # a hyphen may join the letters of a word (NIGHT-JAR), as in a marking (SE-CRET),
            # and so may one of the other marks that cut an identifier or a filename
            # (NIGHT.JAR, NIGHT/JAR, NIGHT*JAR, NIGHT·JAR); a blank (NIGHT JAR, NIGHT_JAR,
            # Operation Night Jar) only between two parts of three letters or more, so that
            # a short keyword is not read in two words of prose (ATLAS in "at las").
            dense = "".join(
                _keyword_cut(index, len(units)) + _unit_regex(u, "")
                for index, u in enumerate(units[1:], start=1)
            )
            spaced = "".join(_SPACED_GAP + _unit_regex(u, _SPACED_GAP) for u in units[1:])
            rest = f"(?:{dense}|{spaced})" if len(units) > 1 else ""
            word_regexes.append(
                [
                    (
                        s[0],
                        re.escape(s[0])
                        + (_SPACED_GAP.join(re.escape(c) for c in s[1:]) if len(s) > 1 else "")
                        + rest,
                    )
                    for s in units[0]
                ]
            )
        tail = "".join(
            _KEYWORD_WORD_GAP + "(?:" + "|".join(w for _, w in alts) + ")"
            for alts in word_regexes[1:]
        )
        alternatives += [(first, regex + tail) for first, regex in word_regexes[0]]
    return alternatives


KEYWORD_END = r"(?![^\W_])"


def keyword_regex(keywords: Iterable[str]) -> str:
    """Keywords anywhere, as words: dense or fully letter-spaced, look-alikes allowed.

    Each alternative starts with a plain character, so ``re`` can skip ahead quickly;
    the word boundary before a keyword is checked by the scanner.
    """
    alternatives = keyword_alternatives(keywords)
    return "(?:" + "|".join(regex for _, regex in alternatives) + ")" + KEYWORD_END
