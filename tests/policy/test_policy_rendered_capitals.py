"""Text in small letters that rendering shows in capitals, read as rendered (issue 9): CSS's
``text-transform: uppercase`` on an element, LaTeX's ``\\MakeUppercase{…}`` and TeX's
``\\uppercase{…}``, Typst's ``#upper[…]`` and ``#upper("…")``, after a title or in a cell.
Every banner marking of both shipped policies (the fast line: a sample, tests/scale.py), by
every writer; the same words rendered in capitals and typed in capitals read alike (a
heading ``Secret garden`` shown as SECRET GARDEN is read as SECRET GARDEN typed is); the
streamed text decides as the whole."""

from __future__ import annotations

import random

import pytest

from milai.policy import Policy, check_text
from tests.levels import assert_targets_read
from tests.policy.families import BODY, Target, banner_sample
from tests.policy.test_policy_stream_properties import assert_cuts_stream

WRITERS = {
    "css-span": '<span style="text-transform:uppercase">@</span>',
    "css-span-spaced": '<span class="x" style="color: red; text-transform: uppercase;">@</span>',
    "css-div": '<div style="text-transform:uppercase">@</div>',
    "latex-makeuppercase": "\\MakeUppercase{@}",
    "tex-uppercase": "\\uppercase{@}",
    "typst-content": "#upper[@]",
    "typst-string": '#upper("@")',
}
PLACES = ["Annex B\t{}", "| Annex B | {} |", "Classification: {}", "{}"]


def small(text: str) -> str:
    return "".join(ch.lower() if ch.lower().upper() == ch else ch for ch in text)


def _line(writer: str, words: str, place: str) -> str:
    return place.format(WRITERS[writer].replace("@", words))


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_every_banner_in_small_letters_is_read_in_capitals(writer: str) -> None:
    def text(target: Target) -> str:
        rng = random.Random(f"{writer}:{target.id}")
        line = _line(writer, small(target.text), rng.choice(PLACES))
        return f"{line}\n{rng.choice(BODY)}\n"

    assert_targets_read(banner_sample(f"rendered-capitals:{writer}"), text)


@pytest.mark.parametrize(
    "words",
    [
        "Secret garden",
        "secret garden",
        "Top secret recipes",
        "confidential waste",
        "Restricted area",
        "nato summit",
        "Introduction",
        "the secret of the old mill",
    ],
)
@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_rendered_capitals_read_as_the_same_words_typed(
    default_policy: Policy, writer: str, words: str
) -> None:
    for place in PLACES:
        shown = check_text(default_policy, _line(writer, words, place) + "\n").level
        typed = check_text(default_policy, _line(writer, words.upper(), place) + "\n").level
        assert shown == typed, (writer, words, place)


@pytest.mark.parametrize(
    "text",
    [
        '<h2 style="text-transform:uppercase">Secret garden</h2>\n<p>Plant in spring.</p>\n',
        "The \\MakeUppercase{secret garden} is open on Sundays.\n",
        '<span style="text-transform:uppercase">our secret recipe</span> for pancakes\n',
        "#upper[the secret of the old mill]\n",
        '<p style="text-transform: uppercase">Confidential waste is collected on Friday.</p>\n',
    ],
)
def test_everyday_capitals_stay_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


@pytest.mark.parametrize(
    "text",
    [
        'Annex B\t<span style="text-transform:uppercase">nato secret</span>\nThe convoy.\n',
        "Annex B #upper[streng geheim]\nDie Übung beginnt.\n",
        "| Annex B | \\MakeUppercase{confidentiel défense} |\nRapport.\n",
    ],
)
def test_rendered_capitals_stream_as_they_read_whole(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level != "UNCLASSIFIED"
    assert_cuts_stream(default_policy, text)
