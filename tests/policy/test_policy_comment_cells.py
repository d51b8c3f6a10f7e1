"""Issue 9: a markup comment's text is read as its line's text. Only a comment against a
word (``SE<!-- x -->CRET``, a letter or digit right before or after it) is removed whole,
so that the word runs on as a browser shows it; any other complete comment loses only its
delimiters, and its text is cut into cells, read as a field's value, its inline elements
joined, like the line's (``<!-- 12 March | SECRET | Page 1 -->``, ``title: <!-- EU
RESTRICTED -->``, ``<!--Convoy brief - TRÈS SECRET UE-->``). Every banner marking of every
shipped policy, whole and streamed; everyday comments stay UNCLASSIFIED."""

from __future__ import annotations

import random

import pytest

from milai.policy import Policy, check_text
from tests.levels import assert_targets_read
from tests.policy.adversarial import pieces
from tests.policy.families import banner_sample, targets
from tests.policy.test_policy_stream_properties import _assert_stream_properties

FORMS = [
    "<!-- 12 March 2024 | {} | Page 1 -->",
    "<!--Annex A        {}-->",
    "<!--Convoy brief \u2013 {}-->",
    "og:title: <!-- {} -->",
    "<td>Ref. 7</td><!-- {} --><td>Draft</td>",
    '<!-- <meta name="dc.subject" content="{}"> -->',
]
BANNERS = [target for target in targets() if not target.portion]


def _inline(marking: str) -> str:
    """<i>TOP S</i><i>ECRET</i>: two inline elements, cut inside the last word."""
    cut = marking.rfind(" ") + 2  # after the last word's first letter
    return f"<i>{marking[:cut]}</i><i>{marking[cut:]}</i> "


@pytest.mark.parametrize("form", FORMS)
def test_every_banner_in_a_comments_cells_counts(form: str) -> None:
    assert_targets_read(
        banner_sample(form), lambda target: f"The plan.\n{form.format(target.text)}\nMore text.\n"
    )


def test_inline_elements_inside_a_comment_are_joined() -> None:
    assert_targets_read(BANNERS, lambda target: f"<!-- {_inline(target.text)}-->\nMore text.\n")


@pytest.mark.parametrize("form", FORMS)
def test_a_comments_cells_stream_as_they_read_whole(default_policy: Policy, form: str) -> None:
    rng = random.Random(form)
    for marking in ("NATO SECRET", "TOP SECRET", "TRÈS SECRET UE"):
        text = f"The convoy leaves at dawn.\n{form.format(marking)}\nMore text.\n"
        _assert_stream_properties(default_policy, text, pieces(text, rng), exactly=True)


@pytest.mark.parametrize(
    "text",
    [
        "<!-- TODO: keep this SECRET until launch | v2 -->",
        "<td>Price</td><!-- SECRET sauce --><td>9.99</td>",
        "<!-- Secret Santa | Page 2 | Draft -->",
        "<!-- Top Secret (1984) - film -->",
        "<!-- nav - Top Secret - footer -->",
        "<p>Our top secret<!-- x --> recipe | <!-- note --> Page 2</p>",
        "title: <!-- Restricted area -->",
        "Key : <!-- secret -->",
        "<!-- a --><!-- b -->",
    ],
)
def test_everyday_comments_stay_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


def test_a_comment_against_a_word_is_still_removed_whole(default_policy: Policy) -> None:
    """The word runs on through it: <!--x-->SECRET in a cell is SECRET, not xSECRET."""
    for text in ("Ref. 7 | <!--x-->SECRET | Draft", "Ref. 7 | SE<!-- TODO -->CRET | Draft"):
        assert check_text(default_policy, text).level == "SECRET", text
