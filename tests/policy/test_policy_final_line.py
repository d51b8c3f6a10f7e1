"""A text's end ends its last line: a marking on the last line of a file that has no final
line break reads as it does with one.

``milai check DIR`` reads a file through the document model, which keeps no final line
break, and many files have none; the red team's round 9 found a reading (symbol leetspeak)
that looked at complete lines only, so `5E(R37` alone in a file read UNCLASSIFIED in a
folder and SECRET on its own. Each family is applied to the bare marking here, so the
marking ends the text."""

from __future__ import annotations

import random

import pytest

from milai.policy import check_text
from tests.policy.families import FAMILIES, Family, Target, applies, known_miss, shipped_policy
from tests.policy.families import targets as all_targets
from tests.scale import sample

_FAMILIES = [family for family in FAMILIES if not known_miss((family.name,))]


def _targets(family: Family) -> list[Target]:
    return [target for target in all_targets() if applies([family], target)]


@pytest.mark.parametrize("family", _FAMILIES, ids=lambda family: family.name)
def test_a_marking_at_the_texts_end_reads_as_with_a_final_line_break(family: Family) -> None:
    checked = 0
    for target in sample(_targets(family), 2, seed=f"final-line:{family.name}"):
        policy = shipped_policy(target.policy)
        bare = family.make(target.text, random.Random(f"{family.name}:{target.id}")).rstrip("\n")
        with_break = check_text(policy, bare + "\n").level
        at_end = check_text(policy, bare).level
        checked += 1
        assert not policy.above(with_break, at_end), (bare[-160:], with_break, at_end)
    assert checked or not _targets(family)
