"""Documentation markup, struck-through markings, comments and portion marks in emphasis
(issue 9, red team 3): the generator families ``markup-words``, ``struck-marking``,
``comment`` and ``portion-emphasis`` streamed as they read whole, the higher of two markings
on a struck line winning either way round, and the everyday forms of the same syntax kept
UNCLASSIFIED. Their whole-text accuracy, alone and in pairs, is in test_policy_families.py.
"""

from __future__ import annotations

import random

import pytest

from milai.policy import Policy, check_text
from tests.policy.adversarial import pieces, released_through_gate
from tests.policy.families import (
    Target,
    family_cases,
    known_miss,
    pair_cases,
    shipped_policy,
    targets,
)
from tests.policy.test_policy_stream_properties import (
    _assert_stream_properties,
    _stops_of,
    assert_family_streams,
)
from tests.scale import sample

MINE = ("markup-words", "struck-marking", "comment", "portion-emphasis")


@pytest.mark.parametrize("family", MINE)
def test_a_family_streams_as_it_reads_whole(family: str) -> None:
    assert_family_streams(family, 3)


def test_a_hyphenated_banner_after_markup_streams() -> None:
    """A banner hyphenated over two lines after markup words or a struck marking (``??? note
    "BEPERK-`` / ``TE VERSPREIDING"``, ``[^2]: NUR FUER DEN DIENSTG-`` / ``EBRAUCH``): its
    first line is held until the split marking is found (it was released: the markup words'
    lead was not yet read while the line was short, and the look at a line's start took
    ``[^2]`` and ``~~NON CLASSIFIÉ~~`` for symbols and stopped there)."""
    only = {("hyphenation", "markup-words"), ("hyphenation", "struck-marking")}
    cases = sample(pair_cases(0, per_pair=None, only=only), 16, seed="stream:hyphenated")
    for case in cases:
        policy = shipped_policy(case.target.policy)
        _assert_stream_properties(policy, case.text, pieces(case.text, random.Random(case.id)))


@pytest.mark.parametrize("family", ["markup-words", "struck-marking"])
def test_nothing_of_a_marking_is_released_to_a_lower_sink(family: str) -> None:
    """Streamed in random pieces to every sink below the marking's level, the gate stops and
    has released only text before the first finding above the sink (the markup before it)."""
    found = [case for case in family_cases(family, per_pair=2) if known_miss(case.families) is None]
    # the stream gap's pairs on every marking (a sample in the fast line)
    split = pair_cases(0, per_pair=None, only={("hyphenation", family)})
    cases = sample(split, 4, seed=f"sink:split:{family}") + sample(found, 6, seed=f"sink:{family}")
    for case in cases:
        _assert_held_from_lower_sinks(shipped_policy(case.target.policy), case.text, case.id)


def _assert_held_from_lower_sinks(policy: Policy, text: str, name: str) -> None:
    """``text`` streamed in random pieces to every sink below its level: the gate stops and
    has released only text before the first finding above the sink."""
    decision = check_text(policy, text, direction="output")
    below = [level for level in policy.spec.scale if policy.above(decision.level, level)]
    rng = random.Random(name)
    for sink in below:
        stops = _stops_of(policy, decision, sink)
        assert stops, (name, sink)
        released, stopped = released_through_gate(policy, sink, pieces(text, rng))
        assert stopped, (name, sink)
        assert text.startswith(released), (name, sink)
        assert len(released) <= min(stops), (name, sink, released)


# What a marking split over lines may follow on its first line: a struck marking of the
# lowest level (``{low}``; glued or not), that marking plain, struck page furniture, a
# footnote, a comment's lead, a page number, a list dash; then text the gate need not read
# as a banner's lead (a label, markup words, an emphasised marking and a separator), whose
# split markings, where it finds them, must be held all the same.
_SPLIT_LEADS_FOUND = (
    "~~{low}~~ ",
    "~~{low}~~",
    "{low} ",
    "~~Page 2~~ ",
    "[^1]: ",
    "// ",
    "Page 2 of 9  ",
    "- ",
)
_SPLIT_LEADS_HELD = ("Distribution: ", "!!! note ", "**{low}** // ")


def _split_after_leads() -> list[tuple[str, Target, str, bool]]:
    """(case id, marking, text, must be found): each banner of more than one word of
    each shipped policy, split over lines after each lead, its first line holding the lead
    and the marking's first one, two... words, the rest a word a line
    (``~~NON CLASSIFIÉ~~ EU`` / ``TOP`` / ``SECRET``)."""
    cases = []
    for target in targets():
        words = target.text.split()
        if target.portion or len(words) < 2:
            continue
        policy = shipped_policy(target.policy)
        lowest = [
            m.text for m in policy.spec.markings if m.level == policy.lowest and not m.portion
        ]
        for lead in _SPLIT_LEADS_FOUND + _SPLIT_LEADS_HELD:
            low = random.Random(f"{target.id}:{lead}").choice(lowest)
            for cut in range(1, len(words)):
                first = lead.format(low=low) + " ".join(words[:cut])
                lines = [first, *words[cut:]]
                text = "The plan.\n" + "\n".join(lines) + "\nMore text.\n"
                name = f"{target.id}|{lead}|{cut}"
                cases.append((name, target, text, lead in _SPLIT_LEADS_FOUND))
    return cases


def test_a_marking_split_over_lines_after_other_text_is_held() -> None:
    """A banner split over lines after a struck marking (``~~NON CLASSIFIÉ~~ EU`` / ``TOP`` /
    ``SECRET``) or other text on its first line, for every banner of both policies: read
    whole it is found, and streamed to a lower sink none of it is released (the codeword
    policy released ``EU`` and ``TOP``: a one-line match at the new line, the struck lowest
    marking, was taken to rule out a split one from a later lead of that line)."""
    cases = _split_after_leads()
    drawn = sample(
        cases,
        24,
        seed="split-after-leads",
        cover=lambda case: [(case[1].policy, case[0].split("|")[1])],
    )
    found = 0
    for name, target, text, must in drawn:
        policy = shipped_policy(target.policy)
        decision = check_text(policy, text, direction="output")
        is_found = not policy.above(target.level, decision.level)
        assert is_found or not must, (name, decision.level)
        if is_found:
            found += 1
            _assert_held_from_lower_sinks(policy, text, name)
    assert found >= len(drawn) // 2


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
