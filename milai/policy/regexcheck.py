"""Static checks of policy regular expressions, from the parse tree of Python's ``re``.

A policy's regex runs over every prompt and output, so the loader refuses patterns that
could backtrack catastrophically (nested or overlapping quantifiers), that can match
empty or unbounded text, or that could never match the lower-cased text view. It also
derives what the streaming gate needs: how far a match can reach, how far lookbehinds
look back, and which characters can occur in a match.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

# The parse tree is the only way to see quantifier structure; ``re._parser`` is private
# but stable in practice (CPython 3.11+, which this project requires). Typed as Any.
_parser: Any = importlib.import_module("re._parser")
_const: Any = importlib.import_module("re._constants")

MAX_REACH = 512  # longest stretch of text one match may examine
_SPLIT_BUDGET = 4096  # most ways a nested quantifier may split one stretch of text

_SAMPLE = (
    "".join(chr(c) for c in range(32, 127))
    + "\t\n\r\x0b\x0c\xa0\u2003\u3000\u00e9\u00e8\u00c9\u00df\u00fc\u00dc\u00e7\u0153"
    + "\u00e6\u00f8\u00c6\u0131\u0130\u0416\u0436\u03a3\u03c3\u4e2d\u0663\u00b2_"
    + "\u20ac\u2019\u201c\u201d\u00ab\u00bb\u2013\u2014\u2026"
)

_CATEGORY_TESTS: dict[Any, re.Pattern[str]] = {
    _const.CATEGORY_DIGIT: re.compile(r"\d"),
    _const.CATEGORY_NOT_DIGIT: re.compile(r"\D"),
    _const.CATEGORY_SPACE: re.compile(r"\s"),
    _const.CATEGORY_NOT_SPACE: re.compile(r"\S"),
    _const.CATEGORY_WORD: re.compile(r"\w"),
    _const.CATEGORY_NOT_WORD: re.compile(r"\W"),
}

_REPEATS = (_const.MAX_REPEAT, _const.MIN_REPEAT, _const.POSSESSIVE_REPEAT)


class RegexFacts(NamedTuple):
    """What the scanner needs to know about a compiled detector pattern."""

    reach: int  # characters an attempt may examine from its start, lookaheads included
    lookbehind: int  # characters an attempt may examine before its start
    allowed: Callable[[str], bool]  # can this character occur in what an attempt examines?
    literals: tuple[str, ...]  # literal strings every match contains


class _CharSet:
    """A set of characters, as a membership test (classes can be infinite)."""

    def __init__(self) -> None:
        self.tests: list[Callable[[str], bool]] = []

    def add(self, test: Callable[[str], bool]) -> None:
        self.tests.append(test)

    def update(self, other: _CharSet) -> None:
        self.tests.extend(other.tests)

    def __contains__(self, ch: str) -> bool:
        return any(test(ch) for test in self.tests)

    def overlaps(self, other: _CharSet, universe: Iterable[str]) -> bool:
        return any(ch in self and ch in other for ch in universe)


def _anything(ch: str) -> bool:
    return True


def _same_letter(literal: str) -> Callable[[str], bool]:
    lowered = literal.lower()
    return lambda ch: ch.lower() == lowered


def _in_class(items: list[tuple[Any, Any]], ignore_case: bool) -> Callable[[str], bool]:
    def test(ch: str) -> bool:
        variants = {ch, ch.lower(), ch.upper()} if ignore_case else {ch}
        negate = False
        hit = False
        for op, av in items:
            if op is _const.NEGATE:
                negate = True
            elif op is _const.LITERAL:
                hit = hit or chr(av) in variants
            elif op in (_const.RANGE, _const.RANGE_UNI_IGNORE):
                low, high = av
                hit = hit or any(low <= ord(v) <= high for v in variants)
            elif op is _const.CATEGORY:
                pattern = _CATEGORY_TESTS.get(av)
                hit = hit or (pattern is None or pattern.match(ch) is not None)
        return hit != negate

    return test


class _Analyser:
    def __init__(self, ignore_case: bool) -> None:
        self.errors: list[str] = []
        self.ignore_case = ignore_case
        self.allowed = _CharSet()
        self.literal_chars: set[str] = set()
        self.lookbehind = 0
        self.lookahead_reach = 0
        self.upper_case_reported = False

    # -- character sets -------------------------------------------------------------
    def node_chars(self, op: Any, av: Any) -> _CharSet:
        chars = _CharSet()
        if op is _const.LITERAL:
            literal: str = chr(av)
            self.literal_chars.add(literal)
            if self.ignore_case:
                chars.add(_same_letter(literal))
            else:
                chars.add(literal.__eq__)
        elif op is _const.NOT_LITERAL:
            chars.add(chr(av).__ne__)
        elif op is _const.ANY:
            chars.add(_anything)
        elif op is _const.IN:
            chars.add(_in_class(av, self.ignore_case))
        return chars

    def first(self, seq: list[tuple[Any, Any]]) -> tuple[_CharSet, bool]:
        """Characters that can start ``seq``, and whether ``seq`` can match empty."""
        result = _CharSet()
        for op, av in seq:
            chars, nullable = self.first_of(op, av)
            result.update(chars)
            if not nullable:
                return result, False
        return result, True

    def first_of(self, op: Any, av: Any) -> tuple[_CharSet, bool]:
        if op in (_const.LITERAL, _const.NOT_LITERAL, _const.ANY, _const.IN):
            return self.node_chars(op, av), False
        if op is _const.SUBPATTERN:
            return self.first(list(av[3]))
        if op is _const.ATOMIC_GROUP:
            return self.first(list(av))
        if op in _REPEATS:
            chars, nullable = self.first(list(av[2]))
            return chars, nullable or av[0] == 0
        if op is _const.BRANCH:
            result = _CharSet()
            any_nullable = False
            for alternative in av[1]:
                chars, nullable = self.first(list(alternative))
                result.update(chars)
                any_nullable = any_nullable or nullable
            return result, any_nullable
        return _CharSet(), True  # assertions, anchors: zero-width

    def chars_of(self, seq: list[tuple[Any, Any]]) -> _CharSet:
        """Every character that ``seq`` can consume."""
        result = _CharSet()
        for op, av in seq:
            if op in (_const.LITERAL, _const.NOT_LITERAL, _const.ANY, _const.IN):
                result.update(self.node_chars(op, av))
            elif op is _const.SUBPATTERN:
                result.update(self.chars_of(list(av[3])))
            elif op is _const.ATOMIC_GROUP:
                result.update(self.chars_of(list(av)))
            elif op in _REPEATS:
                result.update(self.chars_of(list(av[2])))
            elif op is _const.BRANCH:
                for alternative in av[1]:
                    result.update(self.chars_of(list(alternative)))
            elif op in (_const.ASSERT, _const.ASSERT_NOT):
                result.update(self.chars_of(list(av[1])))
        return result

    # -- walking --------------------------------------------------------------------
    def walk(self, seq: list[tuple[Any, Any]], in_repeat: bool) -> int:
        """Check ``seq``; return the most characters it can examine (lookaheads included)."""
        total = 0
        for op, av in seq:
            if op in (_const.LITERAL, _const.NOT_LITERAL, _const.ANY, _const.IN):
                self.allowed.update(self.node_chars(op, av))
                if op is _const.LITERAL and not self.ignore_case and "A" <= chr(av) <= "Z":
                    self._upper_case(f"upper-case letter {chr(av)!r}")
                if op is _const.IN and not self.ignore_case:
                    self._check_class_case(av)
                total += 1
            elif op is _const.SUBPATTERN:
                total += self.walk(list(av[3]), in_repeat)
            elif op is _const.ATOMIC_GROUP:
                total += self.walk(list(av), in_repeat)
            elif op is _const.BRANCH:
                widest = 0
                for alternative in av[1]:
                    widest = max(widest, self.walk(list(alternative), in_repeat))
                if in_repeat:
                    self._check_branch_overlap(av[1])
                total += widest
            elif op in _REPEATS:
                _, high, body = av
                body_seq = list(body)
                if high >= _const.MAXREPEAT:
                    self.errors.append("unbounded repetition (*, + or {n,}): bound it, e.g. {1,64}")
                    high = MAX_REACH
                inner = self.walk(body_seq, in_repeat or high > 1)
                if high > 1 and op is not _const.POSSESSIVE_REPEAT:
                    self._check_nested(body_seq, high)
                total += inner * high
            elif op in (_const.ASSERT, _const.ASSERT_NOT):
                direction, body = av
                width = self.walk(list(body), in_repeat)
                if direction < 0:
                    self.lookbehind = max(self.lookbehind, width)
                else:
                    # A lookahead examines text past what the match consumes so far.
                    self.lookahead_reach = max(self.lookahead_reach, total + width)
            elif op in (_const.GROUPREF, _const.GROUPREF_EXISTS):
                self.errors.append("back-references are not allowed in policy patterns")
            # AT (anchors) examine at most one neighbouring character: covered by +1.
        return total

    def _upper_case(self, what: str) -> None:
        if not self.upper_case_reported:
            self.upper_case_reported = True
            self.errors.append(
                f"{what}: patterns match the lower-cased text, write letters in lower case"
            )

    def _check_class_case(self, items: list[tuple[Any, Any]]) -> None:
        if any(op is _const.NEGATE for op, _ in items):
            return
        for op, av in items:
            if op is _const.LITERAL and "A" <= chr(av) <= "Z":
                self._upper_case(f"upper-case letter {chr(av)!r} in a class")
            if op is _const.RANGE and av[0] <= ord("Z") and av[1] >= ord("A"):
                self._upper_case("upper-case range in a class")

    def _check_nested(self, body: list[tuple[Any, Any]], outer_high: int) -> None:
        """A repeated body holding a variable repeat that can also match what follows it.

        Such a pattern can split the same text in many ways; it is refused when the number
        of splits can explode (``(a+)+``), and allowed when small bounds keep it to a few
        thousand (``(?:[ .]?\\d{2,3}){2,4}`` has at most 2**4 splits).
        """
        first_of_body, _ = self.first(body)
        for index, (op, av) in enumerate(body):
            inner = self._trailing_variable_repeat(op, av)
            if inner is None:
                continue
            follow, nullable = self.first(body[index + 1 :])
            if nullable:
                follow.update(first_of_body)
            inner_chars = self.chars_of(list(inner[2]))
            low, high = inner[0], min(inner[1], MAX_REACH)
            if (high - low + 1) ** min(outer_high, MAX_REACH) <= _SPLIT_BUDGET:
                continue
            if inner_chars.overlaps(follow, self._universe()):
                self.errors.append(
                    "nested quantifiers that can match the same text (like (a+)+ or "
                    "(\\w+\\s?)*): catastrophic backtracking"
                )
                return

    def _trailing_variable_repeat(self, op: Any, av: Any) -> Any:
        if op in _REPEATS and op is not _const.POSSESSIVE_REPEAT:
            low, high, body = av
            if low != high and high > 1:
                return av
            seq = list(body)
            return self._trailing_variable_repeat(*seq[-1]) if seq else None
        if op is _const.SUBPATTERN:
            seq = list(av[3])
            return self._trailing_variable_repeat(*seq[-1]) if seq else None
        return None

    def _check_branch_overlap(self, alternatives: list[Any]) -> None:
        firsts = [self.first(list(alt))[0] for alt in alternatives]
        universe = self._universe()
        for i, left in enumerate(firsts):
            for right in firsts[i + 1 :]:
                if left.overlaps(right, universe):
                    self.errors.append(
                        "repeated alternatives that can start with the same character "
                        "(like (a|ab)+): catastrophic backtracking"
                    )
                    return

    def _universe(self) -> set[str]:
        return set(_SAMPLE) | self.literal_chars


def _mandatory_literals(seq: list[tuple[Any, Any]]) -> list[str]:
    runs: list[str] = []
    current: list[str] = []
    for op, av in seq:
        if op is _const.LITERAL:
            current.append(chr(av))
            continue
        if current:
            runs.append("".join(current))
            current = []
        if op is _const.SUBPATTERN:
            runs.extend(_mandatory_literals(list(av[3])))
    if current:
        runs.append("".join(current))
    return runs


def analyse(pattern: str) -> tuple[RegexFacts | None, list[str]]:
    """Check a detector pattern; return its facts, or None and the reasons it is refused."""
    try:
        compiled = re.compile(pattern)
        tree = _parser.parse(pattern, 0)
    except (re.error, RecursionError, OverflowError) as exc:
        return None, [f"invalid regular expression: {exc}"]
    ignore_case = bool(compiled.flags & re.IGNORECASE)
    analyser = _Analyser(ignore_case)
    seq = list(tree)
    examined = analyser.walk(seq, in_repeat=False)
    # Lookaheads inside repeats are under-counted by lookahead_reach alone; the walk's
    # total already multiplies them, so the larger of the two bounds what is examined.
    examined = max(examined, analyser.lookahead_reach)
    low, _ = tree.getwidth()
    errors = list(dict.fromkeys(analyser.errors))
    if low == 0:
        errors.append("the pattern can match empty text")
    if examined > MAX_REACH:
        errors.append(f"a match can span {examined} characters; the limit is {MAX_REACH}")
    if analyser.lookbehind > 16:
        errors.append("lookbehinds may look back at most 16 characters")
    if errors:
        return None, errors
    allowed = analyser.allowed
    literals = tuple(run for run in _mandatory_literals(seq) if run)
    return RegexFacts(examined + 1, analyser.lookbehind, allowed.__contains__, literals), []


def max_width(pattern: str) -> int:
    """The most characters a match of one of milai's own patterns can consume (what
    ``re``'s parser says: ``sre_parse.parse(pattern).getwidth()[1]``).

    Read from the pattern's text in one pass (``_scan_width``): the parser builds a whole
    tree in pure Python, ≈ 2 ms per kilobyte, and a policy's reaches are measured on
    patterns of several kilobytes at every start. A pattern that pass does not read
    exactly (back-references, conditionals, verbose flags, unbounded repeats, anything it
    does not know) is left to the parser.
    """
    width = _scan_width(pattern)
    if width is None:
        width = _parser.parse(pattern, 0).getwidth()[1]
    return width


# One token of a pattern, for ``_scan_width``: a run of plain characters, an escape
# (whole: ``\x41`` is one character), a character class, a comment, inline flags, a
# group's opening (a conditional's with its group name), a counted repeat, another
# repeat, or any other single character.
_WIDTH_TOKEN = re.compile(
    r"(?P<plain>[^\\\[\](){}|.^$*+?]+)"
    r"|(?P<escape>\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}]*\}|0[0-7]{0,2}|.))"
    r"|(?P<set>\[\^?\]?(?:\\.|[^\]\\])*\])"
    r"|(?P<comment>\(\?#[^)]*\))"
    r"|(?P<flags>\(\?[aiLmsux-]+[:)])"
    r"|(?P<open>\((?:\?(?:P<\w+>|[:>=!]|<[=!]|\(\w+\)))?)"
    r"|(?P<count>\{(?=[\d,])(?P<low>\d*)(?:(?P<comma>,)(?P<high>\d*))?\}[?+]?)"
    r"|(?P<repeat>[*+?][?+]?)"
    r"|(?P<other>.)",
    re.DOTALL,
)
_ZERO_WIDTH_ESCAPES = frozenset(("\\A", "\\b", "\\B", "\\Z"))


def _scan_width(pattern: str) -> int | None:
    """``max_width`` of ``pattern`` from its tokens, or None where only the parser can
    tell (the caller asks it). Each group keeps the widest alternative so far and the
    width of the current one; a repeat multiplies the last item's width."""
    stack: list[tuple[int, int, bool]] = []  # enclosing: current, widest, zero width
    current = widest = 0
    last: int | None = None  # width of the last item, None where nothing may be repeated
    for token in _WIDTH_TOKEN.finditer(pattern):
        kind, text = token.lastgroup, token.group()
        if kind == "plain":
            current += len(text)
            last = 1  # a repeat applies to the last character only
        elif kind == "escape":
            if text[1] in "123456789":
                return None  # a back-reference (or an octal escape: the parser knows)
            last = 0 if text in _ZERO_WIDTH_ESCAPES else 1
            current += last
            if not last:
                last = None  # an anchor cannot be repeated
        elif kind == "set":
            current += 1
            last = 1
        elif kind == "comment":
            continue  # leaves ``last`` as it was: a repeat may follow the item before it
        elif kind == "flags":  # (?i) for the whole pattern, (?i:...) for a group
            if "x" in text.split("-")[0]:
                return None  # verbose: blanks and comments mean something else
            last = None
            if text.endswith(":"):
                stack.append((current, widest, False))
                current = widest = 0
        elif kind == "open":  # a conditional (?(name)yes|no) is as wide as its widest
            stack.append((current, widest, text in ("(?=", "(?!", "(?<=", "(?<!")))
            current = widest = 0
            last = None
        elif kind == "count" or kind == "repeat":
            if last is None:
                return None  # nothing to repeat: not a pattern this pass knows
            if kind == "count":
                high = token.group("high") if token.group("comma") else token.group("low")
                if not high:
                    return None  # unbounded: {2,}
                most = int(high)
            elif text[0] == "?":
                most = 1
            else:
                return None  # unbounded: * or +
            current += last * (most - 1)
            last = None
        elif text == ")":
            if not stack:
                return None
            width = max(widest, current)
            current, widest, zero = stack.pop()
            last = 0 if zero else width
            current += last
        elif text == "|":
            widest = max(widest, current)
            current = 0
            last = None
        elif text in "^$":
            last = None
        else:  # ".", or a "]", "{" or "}" that the parser reads as a literal
            current += 1
            last = 1
    if stack:
        return None
    width = max(widest, current)
    return width if width < _const.MAXREPEAT else None


def first_chars(pattern: str) -> str | None:
    """The few characters every match must start with, when its first element is a small
    set of literal characters (``[12]\\d{3}…``); None otherwise.

    ``re`` scans for such a set one character at a time; ``str.find`` on each character
    is several times faster. A pattern that starts with one literal is left to ``re``,
    which already finds a literal prefix quickly.
    """
    try:
        parsed = _parser.parse(pattern, 0)
    except re.error:
        return None
    if parsed.state.flags & (re.IGNORECASE | re.VERBOSE) or not parsed.data:
        return None
    op, av = parsed.data[0]
    if op is not _const.IN:
        return None
    chars: list[str] = []
    for item_op, item in av:
        if item_op is _const.LITERAL:
            chars.append(chr(item))
        elif item_op is _const.RANGE and item[1] - item[0] < 4:
            chars.extend(chr(code) for code in range(item[0], item[1] + 1))
        else:
            return None  # NEGATE, a category, a wide range: not worth it
    return "".join(sorted(set(chars))) if 0 < len(chars) <= 4 else None
