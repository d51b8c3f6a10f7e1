"""Reach widths read from a pattern's text (``regexcheck.max_width``'s one pass) equal
what ``re``'s parser says: on hand-picked forms, on every pattern a policy's load
measures, and on random patterns."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from milai.policy import patterns
from milai.policy import policy as policy_module
from milai.policy.regexcheck import _scan_width, max_width
from milai.policy.schema import read_policy_file
from tests.policy.conftest import POLICIES
from tests.scale import scaled

_parser: Any = importlib.import_module("re._parser")


def _parsed_width(pattern: str) -> int:
    width: int = _parser.parse(pattern, 0).getwidth()[1]
    return width


# Each read by the fast pass (none is left to the parser), with the parser's width.
KNOWN = [
    "abc",
    "a{3}",
    "a{2,5}",
    "a{,4}",
    "ab{2,5}?c",
    "ab{2,5}+c",
    "a?b??c?+",
    "[]a]{3}",
    "[^]a]{2}",
    "[a-]{2}x",
    r"[\]\\x]{4}",
    r"[\x5d]{2}",
    "a{}",
    "a{x}",
    "a{5a}",
    "x{",
    "x}",
    "]",
    r"\x41{3}",
    r"\u00e9{2}",
    r"\U0001F600{2}",
    r"\N{DIGIT ONE}{3}",
    r"\0{2}",
    r"\012{3}",
    r"\d{1,3}\.\w\s\S",
    r"\bx\B\Ay\Z",
    "^ab$",
    ".{7}",
    "(?#a comment)x{3}",
    "x(?#note){4}",
    "(?i)ab|cde",
    "(?i:ab|c){2}",
    "(?-i:ab){3}",
    "(?=abcdef)x",
    "(?!abcdef)x{2}",
    "(?<=ab)x",
    "(?<!ab)x",
    "(?=ab){2}x",
    "(?>ab|cde)f",
    "(?P<name>ab|c){3}",
    "(?P<n>ab)?(?(n)abcd|e)",
    "(a)(?(1)bc)",
    "a|bc|",
    "(a|)",
    "(?:(?:a|bcd){2}|e{10}){3}",
    "[(]{2}[)]",
    r"\({2}\)",
    "a{0}",
    "(?:){5}a",
]

# Left to the parser: unbounded repeats, back-references, verbose patterns.
DEFERRED = ["a*", "a+", "a{2,}", "a{,}", "(a)\\1", "(?P<n>a)(?P=n)", "(?x)a b", "(?x:a b)"]


@pytest.mark.parametrize("pattern", KNOWN)
def test_scanned_width_is_the_parsers(pattern: str) -> None:
    assert _scan_width(pattern) == _parsed_width(pattern)


@pytest.mark.parametrize("pattern", DEFERRED)
def test_what_the_scan_does_not_know_goes_to_the_parser(pattern: str) -> None:
    assert _scan_width(pattern) is None
    assert max_width(pattern) == _parsed_width(pattern)


def _reach_patterns(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The patterns a policy's load measures, as ``_compile`` passes them to max_width."""
    spec, errors = read_policy_file(path)
    assert spec is not None, errors
    measured: list[str] = []

    def measuring(pattern: str) -> int:
        measured.append(pattern)
        return _parsed_width(pattern)

    monkeypatch.setattr(policy_module, "max_width", measuring)
    policy_module._compile(spec, str(path), check_banners=False)
    return measured


@pytest.mark.parametrize("path", sorted(POLICIES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_width_a_load_measures_is_scanned_exactly(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    measured = [*_reach_patterns(path, monkeypatch), patterns.LEAD, patterns.LEAD_WORDS]
    measured.append(patterns.LEAD_WORDS_FIRST)
    assert len(measured) >= 5  # context, multi-line, a keyword detector's, the leads
    for pattern in measured:
        assert _scan_width(pattern) == _parsed_width(pattern), pattern[:80]


# Random patterns from a small grammar of what milai's patterns use.
_ATOMS = st.sampled_from(
    [
        *("a", "b", "x", r"\.", r"\(", r"\{", "}", "]", ".", r"\d", r"\s", r"\x41", r"\b"),
        *("^", "$", "[ab]", "[^a-c]", "[]x]", r"[\]a]", "[a-]", "-", ",", "/", "é", "(?#c)"),
    ]
)
_QUANTIFIERS = st.sampled_from(
    ["", "", "", "?", "??", "{2}", "{0,3}", "{,2}", "{1,4}?", "{2,3}+", "*", "+", "{2,}"]
)


def _groups(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    opener = st.sampled_from(["(", "(?:", "(?=", "(?!", "(?>", "(?i:", "(?P<g>"])
    alternatives = st.lists(inner, min_size=1, max_size=3).map("|".join)
    return st.tuples(opener, alternatives).map(lambda t: f"{t[0]}{t[1]})")


_PATTERNS = st.recursive(
    st.lists(st.tuples(_ATOMS, _QUANTIFIERS).map("".join), min_size=1, max_size=5).map("".join),
    lambda inner: st.lists(
        st.tuples(st.one_of(inner, _groups(inner)), _QUANTIFIERS).map("".join),
        min_size=1,
        max_size=4,
    ).map("".join),
    max_leaves=12,
)


# 400 examples in CI, 25 in the fast line (tests/scale.py)
@settings(
    max_examples=scaled(400, 25),
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much],
)
@given(_PATTERNS)
def test_scanned_width_matches_the_parser_on_random_patterns(pattern: str) -> None:
    expected: int | None
    try:
        expected = _parsed_width(pattern)
    except (re.error, OverflowError, RecursionError):
        expected = None  # not a pattern: the grammar may write one (a repeated anchor)
    assume(expected is not None)
    width = _scan_width(pattern)
    assert width is None or width == expected
