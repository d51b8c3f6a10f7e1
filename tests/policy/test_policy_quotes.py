# ruff: noqa: RUF001, RUF002  (quotation marks are what this file is about)
"""A banner in the quotation marks of every language around it reads: German „…“ and ‚…‘
(Unicode files the low-9 marks as opening brackets, which read as ``(`` before), French «…»,
Swiss »…«, CJK 「…」, 『…』 and 〝…〞. Every banner of every shipped policy in each (a sample
in the fast line); prose in the same quotes stays UNCLASSIFIED."""

from __future__ import annotations

import pytest

from milai.policy import Policy, check_text
from tests.levels import assert_targets_read
from tests.policy.families import banner_sample

QUOTES = [
    "„{}“",
    "„{}”",
    "‚{}‘",
    "“{}”",
    "‘{}’",
    "«{}»",
    "« {} »",
    "»{}«",
    "‹{}›",
    "「{}」",
    "『{}』",
    "〝{}〞",
    "⹂{}“",
]


@pytest.mark.parametrize("quote", QUOTES)
def test_every_banner_in_quotation_marks_reads(quote: str) -> None:
    assert_targets_read(banner_sample(f"quote:{quote}"), lambda t: quote.format(t.text) + "\n")


@pytest.mark.parametrize(
    "text",
    [
        "Das ist „geheim“, sagte er.\n",
        "„Top Secret“ ist ein Film von 1984.\n",
        "Er nannte es „vertraulich“ und ging.\n",
        "Le mot « secret » revient souvent.\n",
        "「秘密」という言葉\n",
    ],
)
def test_prose_in_quotation_marks_stays_unclassified(text: str, default_policy: Policy) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"
