"""Differential tests: the fast gate against the reference detector (reference.py).

* On any text (random, and token soups of markings, decoration, caveats and prose), the
  gate reads at least the reference's level: it never misses what the obvious reading sees.
* On documents made only of clean banner lines, multi-letter portion marks, prose and
  capitalised prose, it reads exactly the reference's level: it adds nothing either.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from milai.policy import Policy, check_text, load_policy
from tests.levels import assert_reads_at_least
from tests.policy.reference import banner_level, portion_level, reference_level
from tests.scale import scaled

POLICIES = {
    path.name: load_policy(path)
    for path in sorted((Path(__file__).resolve().parents[2] / "policies").glob("*.yaml"))
}
SETTINGS = settings(
    # 150 in CI, 12 in the fast run (tests/scale.py); MILAI_GATE_EXAMPLES overrides both.
    max_examples=int(os.environ.get("MILAI_GATE_EXAMPLES", str(scaled(150, 12)))),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _banners(policy: Policy) -> list[str]:
    return [m.text for m in policy.spec.markings if not m.portion]


def _portions(policy: Policy) -> list[str]:
    return [m.text for m in policy.spec.markings if m.portion]


# --- the reference itself (it must be able to say yes and no) --------------------------


def test_reference_reads_banners_and_portion_marks(default_policy: Policy) -> None:
    assert banner_level(default_policy, "SECRET//NOFORN") == "SECRET"
    assert banner_level(default_policy, "** TOP SECRET **") == "TOP SECRET"
    assert banner_level(default_policy, "[CONFIDENTIEL DÉFENSE]") == "CONFIDENTIAL"
    assert banner_level(default_policy, "SECRET UE/EU SECRET") == "SECRET"
    assert banner_level(default_policy, "NATO SECRET ATOMAL") == "SECRET"  # the lenient cut
    assert portion_level(default_policy, "(TS//SI) Intercepts confirm it.") == "TOP SECRET"
    assert portion_level(default_policy, "  (NS) The convoy.") == "SECRET"


def test_reference_refuses_prose(default_policy: Policy) -> None:
    for line in (
        "Secret",
        "The files were marked SECRET today",
        "SECRET SANTA PARTY",
        "(S) single letters are left to the gate",
        "(TS) lower-case paragraph",
        "",
    ):
        assert reference_level(default_policy, line) == "UNCLASSIFIED", line


# --- soundness: never below the reference ----------------------------------------------

PROSE = [
    "the",
    "convoy",
    "leaves",
    "Secretary",
    "secret",
    "Geheimdienst",
    "restricted",
    "area",
    "SANTA",
    "SERVICE",
    "AGENT",
    "GARDEN",
    "Page",
    "1",
    "2024",
]
DECORATION = [" ", "  ", "\t", "\n", "\n", "\n", "//", "/", "-", "*", "**", "#", "|", ":", "'"]
DECORATION += ['"', "[", "]", "(", ")", ".", " " * 40, "\r\n"]
CAVEATS = ["NOFORN", "REL TO USA, FVEY", "SI", "ORCON", "EYES ONLY"]


def _token_soup(policy: Policy) -> st.SearchStrategy[str]:
    tokens = _banners(policy) + [f"({p})" for p in _portions(policy)] + PROSE + DECORATION
    tokens += (
        CAVEATS + [m.lower() for m in _banners(policy)] + [m.title() for m in _banners(policy)]
    )
    return st.lists(st.sampled_from(tokens), min_size=1, max_size=25).map("".join)


@pytest.mark.parametrize("name", sorted(POLICIES))
@SETTINGS
@given(data=st.data())
def test_never_below_the_reference_on_token_soup(name: str, data: st.DataObject) -> None:
    policy = POLICIES[name]
    text = data.draw(_token_soup(policy))
    expected = reference_level(policy, text)
    assert_reads_at_least(policy, text, expected)


@SETTINGS
@given(text=st.text(max_size=200))
def test_never_below_the_reference_on_any_text(text: str) -> None:
    policy = POLICIES["default.yaml"]
    expected = reference_level(policy, text)
    assert_reads_at_least(policy, text, expected)


# --- completeness: exactly the reference on clean documents ------------------------------

CAPS_WORDS = ["SANTA", "SERVICE", "AGENTS", "GARDEN", "WEAPON", "HISTORY", "BRIEFING", "LIFE"]
LOWER_WORDS = ["the", "convoy", "leaves", "at", "dawn", "and", "plan", "is", "ready"]


def _clean_line(policy: Policy) -> st.SearchStrategy[str]:
    banners = [m for m in _banners(policy) if not any(ch.islower() for ch in m)]
    portions = [p for p in _portions(policy) if len(p) > 1]
    decoration = st.sampled_from(["", "", "  ", "// ", "** ", "# ", "| ", "\t"])
    banner = st.tuples(
        decoration,
        st.lists(st.sampled_from(banners), min_size=1, max_size=2),
        st.sampled_from([" / ", "/", " | "]),
        st.sampled_from(["", "", "//NOFORN", "//REL TO USA, FVEY"]),
    ).map(lambda t: t[0] + t[2].join(t[1]) + t[3] + t[0][::-1])
    prose_words = st.lists(
        st.sampled_from(LOWER_WORDS + [m.lower() for m in banners]), min_size=1, max_size=8
    )
    # A line that is nothing but a marking in lower or title case counts as a banner (an
    # evasion); prose has other words around it.
    prose = prose_words.map(lambda words: " ".join(["the", *words, "today"]).capitalize() + ".")
    portion = st.tuples(
        st.sampled_from(portions),
        st.sampled_from(["", "//NOFORN", "//REL TO USA"]),
        prose,
    ).map(lambda t: f"({t[0]}{t[1]}) {t[2]}")
    caps_prose = st.tuples(
        st.sampled_from(banners),
        st.lists(st.sampled_from(CAPS_WORDS), min_size=1, max_size=3),
    ).map(lambda t: " ".join([t[0], *t[1]]))
    return st.one_of(banner, prose, portion, caps_prose, st.just(""))


@pytest.mark.parametrize("name", sorted(POLICIES))
@SETTINGS
@given(data=st.data())
def test_exactly_the_reference_on_clean_documents(name: str, data: st.DataObject) -> None:
    policy = POLICIES[name]
    lines = data.draw(st.lists(_clean_line(policy), min_size=1, max_size=8))
    text = "\n".join(lines)
    assert check_text(policy, text).level == reference_level(policy, text), text
