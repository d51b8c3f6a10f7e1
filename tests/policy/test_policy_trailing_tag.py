"""A title or subject and its tag in square brackets at the line's end, as mail
classification tools write it (``Subject: Convoy plan [NATO SECRET]``; red team 7: a raw
UTF-8 subject ``Übung [NATO SECRET]`` read UNCLASSIFIED once its encoding was mended)."""

from __future__ import annotations

import pytest

from milai.policy import Policy, check_text
from tests.policy.test_policy_stream_properties import assert_family_streams


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Plan [SECRET]\n", "SECRET"),
        ("Subject: Convoy plan [NATO SECRET]\n\nSee the annex.\n", "SECRET"),
        ("Subject: \u00dcbung Nordwind [NATO SECRET]\n", "SECRET"),
        ("Betreff: Lagebericht [VS-NUR F\u00dcR DEN DIENSTGEBRAUCH]\n", "RESTRICTED"),
        ("Objet : Plan de rel\u00e8ve [CONFIDENTIEL D\u00c9FENSE]  \n", "CONFIDENTIAL"),
        ("RE: budget 2025 [SECRET UE/EU SECRET]\n", "SECRET"),
        ("Weekly report [NATO   SECRET]\n", "SECRET"),
    ],
)
def test_a_trailing_tag_is_the_titles_banner(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, text).level == level


@pytest.mark.parametrize(
    "text",
    [
        "Plan [secret]\n",  # prose case: a cell counts in capitals only
        "Our family recipe [Secret]\n",
        "Plan [SECRET] today\n",  # not at the line's end
        "See the list [A B C]\n",
        "- [X] Restricted area map\n",
        "Status: done [RESTRICTED AREA]\n",
        "Film night: Top Secret! [1984]\n",
        "The word secret [noun] means hidden.\n",
        "Release notes [BREAKING CHANGES]\n",
        "Kapitel 3 [GEHEIMDIENSTE IM KALTEN KRIEG]\n",
    ],
)
def test_everyday_trailing_brackets_stay_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


def test_trailing_tags_and_their_pairs_stream_as_they_read_whole() -> None:
    assert_family_streams("trailing-tag", 8)
