"""Documentation markup, struck-through markings, comments and portion marks in emphasis
(issue 9, red team 3): the generator families ``markup-words``, ``struck-marking``,
``comment`` and ``portion-emphasis`` streamed as they read whole, the higher of two markings
on a struck line winning either way round, and the everyday forms of the same syntax kept
UNCLASSIFIED. Their whole-text accuracy, alone and in pairs, is in test_policy_families.py.
"""

from __future__ import annotations

import random

import pytest

from milai.policy import Policy, check_stream, check_text
from tests.policy.adversarial import pieces
from tests.policy.families import Case, pair_cases, pairs, shipped_policy, singles
from tests.policy.test_policy_stream_properties import _assert_stream_properties
from tests.scale import sample

MINE = ("markup-words", "struck-marking", "comment", "portion-emphasis")


# A banner hyphenated over two lines after markup words or a struck marking: the stream
# releases its first line before the split marking is found (the stream then stops with an
# internal error: fail closed, but the first line has gone out). Not fixed yet; the test
# below fails when it is, so that the pair comes back into the stream test.
_STREAM_GAP = "hyphenation"


def _cases(family: str) -> list[Case]:
    found = singles(only=family)
    only = {
        (a.name, b.name)
        for a, b in pairs()
        if family in (a.name, b.name) and _STREAM_GAP not in (a.name, b.name)
    }
    return found + pair_cases(0, per_pair=1, only=only)


@pytest.mark.parametrize("family", MINE)
def test_a_family_streams_as_it_reads_whole(family: str) -> None:
    cases = sample(_cases(family), 12, seed=f"stream:{family}")  # all in CI (tests/scale.py)
    for case in cases:
        policy = shipped_policy(case.target.policy)
        rng = random.Random(case.id)
        chunks = pieces(case.text, rng)
        assert check_stream(policy, chunks) == check_text(policy, case.text), case.id
        _assert_stream_properties(policy, case.text, chunks)


@pytest.mark.xfail(strict=True, reason="known stream gap: a hyphenated banner after markup")
def test_a_hyphenated_banner_after_markup_streams() -> None:
    only = {("hyphenation", "markup-words"), ("hyphenation", "struck-marking")}
    for case in pair_cases(0, per_pair=None, only=only):
        policy = shipped_policy(case.target.policy)
        _assert_stream_properties(policy, case.text, pieces(case.text, random.Random(case.id)))


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("~~UNCLASSIFIED~~ SECRET", "SECRET"),
        ("~~SECRET~~ UNCLASSIFIED", "SECRET"),
        ("~~NATO CONFIDENTIAL~~ NATO SECRET", "SECRET"),
        ("~~NATO SECRET~~ NATO CONFIDENTIAL", "SECRET"),
        ("~~RESTRICTED~~ **TOP SECRET**", "TOP SECRET"),
        ("~~NON CLASSIFIÉ~~ CONFIDENTIEL DÉFENSE", "CONFIDENTIAL"),
        ("~~TOP SECRET~~ OFFEN", "TOP SECRET"),
        # a struck footer's page number, before the marking or inside the strike
        ("~~UNCLASSIFIED~~ Page 2 SECRET", "SECRET"),
        ("~~NATO UNCLASSIFIED~~p. 3 NATO RESTRICTED", "RESTRICTED"),
        ("~~Page 2 of 9 SECRET~~ UNCLASSIFIED", "SECRET"),
        ("~~- 4 - CONFIDENTIEL DÉFENSE~~  NON CLASSIFIÉ", "CONFIDENTIAL"),
        # a marking that markup words could take is read as a marking first
        ("[SECRET] UNCLASSIFIED", "SECRET"),
        ("- SECRET - UNCLASSIFIED", "SECRET"),
        ("// SECRET // UNCLASSIFIED", "SECRET"),
    ],
)
def test_the_higher_marking_on_a_line_wins(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, f"The plan.\n{text}\nMore text.\n").level == level


@pytest.mark.parametrize(
    "text",
    [
        "- [x] done",
        "- [ ] Top secret feature",
        "[^1]: See page 3.",
        "~~old~~ new",
        "~~Page 2~~ Page 3 Secret",
        "~~Secret~~ Hidden fields",
        "h1. Release notes",
        "h2. Secret handling",
        ".. note:: Install first",
        ".. warning:: Secret keys must never be committed.",
        '!!! tip "Keep it secret"',
        "![Top secret recipe](cake.png)",
        '{{< figure caption="Top secret recipe" >}}',
        "REM Top secret recipe",
        "Hello! SECRET",
        "Why? SECRET",
        'password: "secret"',
        "title: Top Secret",
        "Photo : (C) Ville de Luxembourg",
        "**(S)**-ibuprofen",
        "**(S)** (M) (L)",
        "**(C)** Crown copyright 2024",
        "*(S)* enantiomer",
    ],
)
def test_the_same_syntax_in_everyday_text_stays_unclassified(
    default_policy: Policy, text: str
) -> None:
    assert check_text(default_policy, f"{text}\n").level == "UNCLASSIFIED"
