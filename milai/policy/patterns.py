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

import re
from collections.abc import Iterable
from functools import cache

from milai.policy.normalise import skeleton

# A separator is anything but a letter, a digit or a new line (the skeleton view has
# already turned "_" into a space).
SEP = r"[^\w\n]"
WS = r"[^\S\n]"
_LETTER_GAP = SEP + "{0,3}"  # inside a marking word, in a marking context
_WORD_GAP = SEP + "{0,6}"  # between the words of a marking
_SPACED_GAP = SEP + "{1,3}"  # letter-spaced keyword
_KEYWORD_WORD_GAP = SEP + "{0,3}"

DEFAULT_HEADER_LABELS = (
    "classification",
    "security classification",
    "classification level",
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
    "classificatie",
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

    groups: list[set[str]] = [{"ss", "ß"}]  # the skeleton keeps ß as one character
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
    return table


def _keep(ch: str) -> bool:
    return ch.isalnum() or ch == "|"


# What ``_keep`` drops, as one C-level pattern: for a single character ``\w`` is exactly
# ``str.isalnum()`` plus "_" (both are Py_UNICODE_ISALNUM), so this deletes everything
# but letters, digits and "|".
_DROP_RE = re.compile(r"[^\w|]|_")


def squeeze(view: str) -> str:
    """Letters and digits only, ASCII look-alikes folded: how markings are compared."""
    return _DROP_RE.sub("", view).translate(_squeeze_table())


def split_markings(view: str, keys: frozenset[str], longest: int) -> list[tuple[int, int]]:
    """Split a run of markings (as matched in the view) into the span of each marking.

    The text is squeezed as in ``squeeze`` while remembering where each squeezed letter
    came from, then cut into marking keys, longest first.
    """
    table = _squeeze_table()
    letters: list[str] = []
    origins: list[int] = []
    for at, ch in enumerate(view):
        if _keep(ch):
            for letter in table.get(ord(ch), ch):
                letters.append(letter)
                origins.append(at)
    cuts = _cut("".join(letters), 0, keys, longest, {})
    return [(origins[i], origins[j - 1] + 1) for i, j in cuts or []]


def _cut(
    text: str,
    start: int,
    keys: frozenset[str],
    longest: int,
    memo: dict[int, list[tuple[int, int]] | None],
) -> list[tuple[int, int]] | None:
    if start == len(text):
        return []
    if start in memo:
        return memo[start]
    result = None
    for end in range(min(len(text), start + longest), start, -1):
        if text[start:end] in keys:
            rest = _cut(text, end, keys, longest, memo)
            if rest is not None:
                result = [(start, end), *rest]
                break
    memo[start] = result
    return result


def marking_key(text: str) -> str:
    """The comparison key of a policy marking or keyword (used to detect duplicates)."""
    return squeeze(skeleton(text))


def slug(text: str) -> str:
    """``NATO SECRET`` → ``nato-secret`` (rule ids of markings)."""
    return "-".join(words(text)) or "marking"


def words(text: str) -> list[str]:
    """The words of a policy string, in skeleton form."""
    return [w for w in re.split(r"[^\w]+|_", skeleton(text)) if w]


def _units(word: str) -> list[tuple[str, ...]]:
    """Split a skeleton word into units, each with its confusable spellings."""
    groups = _ascii_groups()
    multi = sorted((m for g in groups for m in g if len(m) > 1), key=len, reverse=True)
    units: list[tuple[str, ...]] = []
    index = 0
    while index < len(word):
        token = next((m for m in multi if word.startswith(m, index)), word[index])
        group = next((g for g in groups if token in g), frozenset({token}))
        units.append(tuple(sorted(group, key=lambda m: (len(m), m))))
        index += len(token)
    return units


def _unit_regex(spellings: tuple[str, ...], gap: str) -> str:
    singles = [s for s in spellings if len(s) == 1]
    parts: list[str] = []
    if len(singles) == 1:
        parts.append(re.escape(singles[0]))
    elif singles:
        parts.append("[" + "".join(re.escape(s) for s in singles) + "]")
    parts += [gap.join(re.escape(ch) for ch in s) for s in spellings if len(s) > 1]
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


def lenient_width(text: str) -> int:
    """The most view characters ``marks_regex`` lets one marking span."""
    total = 0
    for word_index, word in enumerate(words(text)):
        units = _units(word)
        total += 6 * (word_index > 0) + 3 * (len(units) - 1)
        total += sum(max(4 * len(s) - 3 for s in unit) for unit in units)
    return total


def _lenient_tokens(text: str) -> list[str]:
    """Regex pieces of one marking: letters, with separators allowed everywhere."""
    tokens: list[str] = []
    for word_index, word in enumerate(words(text)):
        if word_index:
            tokens.append(_WORD_GAP)
        for unit_index, unit in enumerate(_units(word)):
            if unit_index:
                tokens.append(_LETTER_GAP)
            tokens.append(_unit_regex(unit, _LETTER_GAP))
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


def marks_regex(markings: Iterable[str]) -> str:
    """Any of the markings, letter spacing and look-alikes allowed."""
    return trie_regex(_lenient_tokens(m) for m in markings)


def portion_regex(portions: Iterable[str]) -> str:
    """Portion-mark letters (``TS``, ``S``, ``CTS``), look-alikes allowed, no spacing."""
    sequences = []
    for text in portions:
        sequences.append([_unit_regex(unit, "") for w in words(text) for unit in _units(w)])
    return trie_regex(sequences)


def _label_regex(labels: Iterable[str]) -> str:
    alternatives = sorted(
        {(SEP + "{1,3}").join(re.escape(w) for w in words(label)) for label in labels},
        key=len,
        reverse=True,
    )
    return "(?:" + "|".join(a for a in alternatives if a) + ")"


LEAD = (
    WS + "{0,40}(?:[>|]" + WS + "{0,8}){0,8}"
    r"(?:(?:[-*•·]|\d{1,3}[.)])" + WS + "{1,4})?"
)
_DECO = r"(?:[-*=#~\u2013\u2014\u2022|]" + WS + "{0,3}){0,12}"
_MSEP = WS + r"{0,3}(?:[/|,;+&\-\u2013\u2014]" + WS + "{0,3})?"
_CONTROLS = WS + "{0,2}//" + WS + r"{0,2}[a-z0-9](?:[a-z0-9,\-/]|" + WS + "){0,80}"
_COPYRIGHT = r"(?:\d|copyright|©|all rights|tous droits|alle rechte)"


def context_regex(
    markings: Iterable[str],
    portions: Iterable[str],
    caveats: Iterable[str],
    labels: Iterable[str],
    *,
    marks: str | None = None,
) -> str:
    """Markings where they stand as markings; every match starts at a new line.

    Groups: ``body`` (one or more markings) with ``open`` when bracketed, or ``pmark``
    (a portion mark, or a single letter that may be a list item) with ``copyright``
    set when a ``(C)`` is followed by a year or a copyright notice.
    """
    if marks is None:
        marks = marks_regex(markings)
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
    label = "(?:" + _label_regex(labels) + WS + r"{0,4}[:\-\u2013]" + WS + "{0,6}){0,3}"
    body = f"(?P<body>(?:{_MSEP}(?:{marks})){{1,4}})(?:{_CONTROLS})?{caveat}"
    bracketed = (
        f"{label}{_DECO}(?:(?P<open>[\\[(]){WS}{{0,2}})?{body}"
        f"(?(open){WS}{{0,2}}[\\])]|)"
        f"(?:{WS}{{0,3}}{_DECO}{WS}{{0,40}}(?=\\n)|(?(open)|(?!)))"
    )
    portion_list = list(portions)
    portion_marks = portion_regex(portion_list) if portion_list else "(?!)"
    portion = (
        f"\\({WS}{{0,2}}(?P<pmark>{portion_marks}|[a-z])"
        f"(?:{WS}{{0,2}}//{WS}{{0,2}}[a-z0-9][a-z0-9 ,\\-]{{0,40}}){{0,4}}"
        f"{WS}{{0,2}}\\)(?:{WS}|(?=\\n))"
        f"(?:(?={WS}{{0,3}}{_COPYRIGHT})(?P<copyright>))?"
    )
    return f"\\n{LEAD}(?:{bracketed}|{portion})"


def keyword_alternatives(keywords: Iterable[str]) -> list[tuple[str, str]]:
    """The alternatives of ``keyword_regex``, each with the plain character it starts with."""
    alternatives: list[tuple[str, str]] = []
    for keyword in keywords:
        word_regexes: list[list[tuple[str, str]]] = []
        for word in words(keyword):
            units = _units(word)
            dense = "".join(_unit_regex(u, "") for u in units[1:])
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
