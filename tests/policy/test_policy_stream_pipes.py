"""A "|" is a letter to the squeeze (l, I) but may be a gap to the patterns (N|A|T|O):
streamed text with such gaps is held until it is decided, never released early (which
stopped the stream with an internal error), and reads as the whole text does."""

from __future__ import annotations

import random

import pytest

from milai.policy import Policy, check_text
from milai.policy.stream import Releaser

TEXTS = [
    "N|A|T|O| |S|E|C|R|E|T",
    "S|E|C|R|E|T",
    "(1) N|A|T|O| |S|E|C|R|E|T.",
    "SE|\nCRET",
    "TOP\n|SECRET",
    "x K|E|Y|M|A|T y",
    "| Classification | NATO SECRET |",
    "C|O|N|F|I|D|E|N|T|I|A|L - DRAFT",
]


def _streamed(policy: Policy, text: str, rng: random.Random) -> tuple[str, set[str]]:
    releaser = Releaser(policy, "output")
    out = ""
    at = 0
    while at < len(text):
        step = rng.randint(1, 3)
        out += releaser.push(text[at : at + step])
        at += step
    out += releaser.finish()
    return out, {finding.rule for finding in releaser.take_findings()}


@pytest.mark.parametrize("text", TEXTS)
def test_pipe_gaps_stream_like_the_whole_text(default_policy: Policy, text: str) -> None:
    rng = random.Random(text)
    whole = {finding.rule for finding in check_text(default_policy, text + "\n").findings}
    for prose in ("", "The minutes follow.\n"):
        _, rules = _streamed(default_policy, prose + text + "\n", rng)
        assert rules == whole, (text, rules, whole)
