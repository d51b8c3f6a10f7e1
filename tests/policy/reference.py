"""A reference detector: slow, simple, obviously correct on the cases it covers.

It reads a text line by line and knows two things only:

* a **banner line**: after decoration (blanks, ``* # / | - = : . " '``, one pair of
  brackets) is taken off both ends, and CAPCO controls after ``//`` are set aside, the
  line's words are one or more of the policy's markings, separated by blanks or by one of
  ``/ | , ;``; the line holds no lower-case letter (banners are printed in capitals);
* a **portion mark**: a paragraph that starts with a bracketed multi-letter portion mark
  (``(TS)``, ``(NS//REL TO …)``), then a blank and a capital letter.

When a banner line can be cut into markings in more than one way (``NATO SECRET ATOMAL``
is one marking, or ``NATO SECRET`` then ``ATOMAL``), it takes the most lenient reading:
the reference must never claim more than the gate has to find. Case is compared after
NFKC, accents removed and casefolding; nothing else is folded, decoded or guessed.

The fast gate must read every text at least at the reference's level (soundness), and at
exactly the reference's level on texts made only of clean banners, portion marks and prose
(see test_policy_reference.py).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from milai.policy import Policy

_DECORATION = " \t*#/|-=:.\"'"
_SEPARATOR = re.compile(r"([ \t]*[/|,;\-][ \t]*|[ \t]+)")
_BETWEEN_MARKINGS = re.compile(r"[ \t]{0,3}[/|,;][ \t]{0,3}|[ \t]{1,3}")
# Inside a marking, the gate may read any of these as the gap between its words
# (NATO SECRET / ATOMAL is NATO SECRET ATOMAL): the most lenient reading.
_BETWEEN_WORDS = re.compile(r"[ \t]{1,6}|[ \t]{0,3}[/|,;\-][ \t]{0,3}")
_PORTION = re.compile(r"[ \t]*\(([A-Z]{2,5})((?://[A-Z][A-Z0-9 ,/-]{0,40})?)\)[ \t]+[A-Z]")


def fold(text: str) -> str:
    """NFKC, accents off, casefolded (ß → ss)."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@cache
def _markings(policy: Policy) -> tuple[dict[str, str], dict[str, str]]:
    """Banner markings (folded, words joined by one space) and portion marks → level."""
    banners: dict[str, str] = {}
    portions: dict[str, str] = {}
    for marking in policy.spec.markings:
        key = " ".join(re.findall(r"[^\W_]+", fold(marking.text)))
        table = portions if marking.portion else banners
        # Two schemes may give one string two levels (never in the shipped policies):
        # keep the lower one, the reference never claims more than it must.
        if key not in table or policy.above(table[key], marking.level):
            table[key] = marking.level
    return banners, portions


def _strip_decoration(line: str) -> str:
    line = line.strip(_DECORATION)
    if len(line) >= 2 and (line[0], line[-1]) in (("[", "]"), ("(", ")")):
        line = line[1:-1].strip(" \t")
    return line


def _lenient_level(policy: Policy, body: str) -> str | None:
    """The lowest level over every way of cutting ``body`` into markings (None: no way).

    ``body`` alternates words and separators; a marking is a run of words joined by blanks
    or one separator (VS-NfD), and markings are joined by a few blanks or one of
    ``/ | , ;``.
    """
    banners, _ = _markings(policy)
    parts = _SEPARATOR.split(fold(body))
    words, gaps = parts[0::2], parts[1::2]
    if not all(re.fullmatch(r"[^\W_]+", word) for word in words):
        return None
    best: dict[int, str | None] = {len(words): policy.lowest}

    def from_(start: int) -> str | None:
        """The lowest worst level of the markings from word ``start`` to the end."""
        if start in best:
            return best[start]
        result: str | None = None
        for end in range(start + 1, len(words) + 1):
            inner = gaps[start : end - 1]
            if not all(_BETWEEN_WORDS.fullmatch(gap) for gap in inner):
                break
            level = banners.get(" ".join(words[start:end]))
            if level is None:
                continue
            if end < len(words) and not _BETWEEN_MARKINGS.fullmatch(gaps[end - 1]):
                continue
            rest = from_(end)
            if rest is None:
                continue
            worst = policy.higher(level, rest)
            result = worst if result is None else policy.lower(result, worst)
        best[start] = result
        return result

    return from_(0)


def banner_level(policy: Policy, line: str) -> str | None:
    """The level of a banner line, or None when the line is no banner."""
    if any(ch.islower() for ch in line):
        return None
    body = _strip_decoration(_strip_decoration(line).split("//", 1)[0])
    if not body or not any(ch.isalnum() for ch in body):
        return None
    return _lenient_level(policy, body)


def portion_level(policy: Policy, line: str) -> str | None:
    """The level of a bracketed multi-letter portion mark that opens a paragraph."""
    match = _PORTION.match(line)
    if match is None:
        return None
    _, portions = _markings(policy)
    return portions.get(fold(match.group(1)))


def reference_level(policy: Policy, text: str) -> str:
    """The highest level the reference finds in ``text`` (the policy's lowest if none)."""
    found = policy.lowest
    for line in re.split(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]", text):
        for level in (banner_level(policy, line), portion_level(policy, line)):
            if level is not None:
                found = policy.higher(found, level)
    return found
