"""A portion mark written in rot13 with its paragraph (``(F) Gur erfreir zbirf ng qnja.``
is ``(S) The reserve moves at dawn.``) counts when the paragraph reads as rot13 more than
as itself; whole and streamed alike (issue 9, red team round 3). The generator family is
``rot13-portion`` in families.py; these are its stream and everyday checks."""

from __future__ import annotations

import codecs
import random

import pytest

from milai.policy import Policy, check_stream, check_text
from milai.policy._transforms import reads_as_rot13
from tests.levels import assert_reads_at_least
from tests.policy.adversarial import pieces
from tests.policy.families import BODY, shipped_policy, targets
from tests.policy.test_policy_stream_properties import _assert_stream_properties
from tests.scale import sample

PORTIONS = [t for t in targets() if t.portion]
FORMS = ["({}) {}", "1. ({}) {}", "    ({}) {}", "[{}] {}", "({}//NF) {}", "{}//NOFORN\n{}"]


@pytest.mark.parametrize("form", FORMS)
def test_every_portion_mark_in_rot13_counts_whole_and_streamed(form: str) -> None:
    rng = random.Random(form)
    for target in PORTIONS:
        policy = shipped_policy(target.policy)
        plain = f"{rng.choice(BODY)}\n\n{form.format(target.text, rng.choice(BODY))}\n"
        text = codecs.encode(plain, "rot13")
        assert_reads_at_least(policy, text, target.level)
    for target in sample(PORTIONS, 2, seed=form):  # every one in CI (tests/scale.py)
        policy = shipped_policy(target.policy)
        text = codecs.encode(f"Intro.\n\n{form.format(target.text, BODY[0])}\nEnd.\n", "rot13")
        assert check_stream(policy, pieces(text, rng)) == check_text(policy, text)
        _assert_stream_properties(policy, text, pieces(text, rng))


@pytest.mark.parametrize(
    "text",
    [
        "(F) Fahrenheit readings of the day are below.",
        "(F) Temperatures are given in degrees Fahrenheit.",
        "(P) Pressure in the tank is measured in pascals.",
        "(E) Each member of the committee shall attend.",
        "(C) Crown copyright 2024. Gur png.",
        "(F) Fluor, (E) énergie: les unités du système sont listées.",
        "(F) Frequenz in Hertz, wie in der Tabelle.",
        "TCP/IP\nGur erfreir zbirf ng qnja vf n snzbhf yvar.",
        "(N) Note: the next line is rot13.\nGur png fng ba gur zng.",
    ],
)
def test_prose_with_a_rot13_shaped_mark_stays_unclassified(
    default_policy: Policy, text: str
) -> None:
    assert check_text(default_policy, text + "\n").level == "UNCLASSIFIED", text


def test_reads_as_rot13() -> None:
    assert reads_as_rot13("Gur erfreir zbirf ng qnja.")
    assert reads_as_rot13("Yr pbaibv dhvggr yr qécôg à y'nhor.")
    assert not reads_as_rot13("Fahrenheit readings of the day are below.")
    assert not reads_as_rot13("")
