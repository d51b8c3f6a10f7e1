"""Issue 9: a marking in parentheses after a title, where a title's portion mark stands
(``Operation plan (SECRET)``, ``Plan (NATO SECRET)``, ``Rapport (TRÈS SECRET)``), reads
as the title's banner, as a tag in square brackets does: at the line's end, a full marking
in capitals (a cell counts in capitals). Film titles and years, prose case, portion marks
alone (``T-shirt (S)``) and parentheses inside a line stay UNCLASSIFIED."""

from __future__ import annotations

import random

import pytest

from milai.policy import Policy, check_text
from tests.levels import assert_targets_read
from tests.policy.adversarial import pieces
from tests.policy.families import banner_sample
from tests.policy.test_policy_stream_properties import _assert_stream_properties


@pytest.mark.parametrize("title", ["Operation plan", "Subject: Rapport", "RE: Plan 7"])
def test_every_banner_in_parentheses_after_a_title_counts(title: str) -> None:
    assert_targets_read(
        banner_sample(title),
        lambda target: f"{title} ({target.text})\n\nThe convoy leaves at dawn.\n",
    )


@pytest.mark.parametrize("marking", ["SECRET", "NATO SECRET", "TRÈS SECRET", "EU RESTRICTED"])
def test_a_title_and_its_marking_stream_as_they_read_whole(
    default_policy: Policy, marking: str
) -> None:
    rng = random.Random(marking)
    text = f"Intro.\nOperation plan ({marking})\nThe convoy leaves at dawn.\n"
    _assert_stream_properties(default_policy, text, pieces(text, rng), exactly=True)


@pytest.mark.parametrize(
    "text",
    [
        "The Secret (2006)\n",
        "Top Secret! (1984)\n",
        "Operation Plan (Secret)\n",  # prose case
        "Dossier (secret)\n",
        "T-shirt (S)\n",  # a portion mark alone is no banner
        "Chapter 3 (C)\n",
        "Version 2 (U)\n",
        "FBI files (TOP SECRET) released in 2020 are online.\n",  # not at the line's end
        "Budget (DRAFT)\n",
        "Agenda (TS)\n",
        "Notes (see the secret annex)\n",
    ],
)
def test_everyday_trailing_parentheses_stay_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"
