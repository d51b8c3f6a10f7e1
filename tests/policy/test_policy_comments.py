"""A banner inside a comment on its own line still counts: the comment openers of HTML,
Markdown's link-reference idiom and TeX are markup before a marking (`<!-- NATO SECRET -->`,
`[//]: # (SECRET)`, `% CONFIDENTIEL DÉFENSE`), like `//`, `/*`, `#` and `;` already were. A
red team's model answer with `<!-- NATO SECRET -->` after a line of text was released by
``run``: the tag pattern took the whole comment as one tag. Every banner marking of every
shipped policy, whole and streamed; words before the comment opener keep a line prose."""

from __future__ import annotations

import random

import pytest

from milai.policy import Policy, check_stream, check_text
from tests.levels import assert_targets_read
from tests.policy.adversarial import pieces
from tests.policy.families import banner_sample
from tests.policy.test_policy_stream_properties import _assert_stream_properties

COMMENTS = [
    "<!-- {} -->",
    "<!--{}-->",
    "  <!--   {}   -->",
    "[//]: # ({})",
    '[//]: # "{}"',
    "% {}",
    "%% {}",
]


@pytest.mark.parametrize("form", COMMENTS)
def test_every_banner_in_a_comment_counts(form: str) -> None:
    assert_targets_read(
        banner_sample(form),
        lambda target: (form.format(target.text), f"The plan.\n{form.format(target.text)}\n"),
    )


@pytest.mark.parametrize("form", COMMENTS)
def test_a_comment_streams_as_it_reads_whole(default_policy: Policy, form: str) -> None:
    rng = random.Random(form)
    for marking in ("NATO SECRET", "TOP SECRET", "CONFIDENTIEL DÉFENSE"):
        text = f"The convoy leaves at dawn.\n{form.format(marking)}\nMore text.\n"
        chunks = pieces(text, rng, (1, 2, 3, 5))
        assert check_stream(default_policy, chunks) == check_text(default_policy, text)
        _assert_stream_properties(default_policy, text, chunks)


@pytest.mark.parametrize(
    "text",
    [
        "100% SECRET sauce, they said.",
        "Hello! SECRET",
        "% This file is a secret of nobody.",
        "<!-- the secret menu is below -->",
        "[//]: # (Top secret recipe, do not publish)",
    ],
)
def test_prose_around_comment_openers_stays_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text + "\n").level == "UNCLASSIFIED"
