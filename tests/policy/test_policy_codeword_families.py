"""Codewords (a detector's keywords) written the ways markings are: a hyphen inside a word
(``NIGHT-JAR``) and the line written backwards (``RAJTHGIN``), for every keyword of every
shipped policy; the gate must report the keyword (issue 9, red team 2)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from milai.policy import check_text, load_policy

POLICY_DIR = Path(__file__).resolve().parents[2] / "policies"
SENTENCES = ["Status of {} please.", "{}", "Meeting on {} moved to Friday.", "Re: {} - update"]


def _keywords() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(POLICY_DIR.glob("*.yaml")):
        for detector in load_policy(path).spec.detectors:
            for keyword in detector.keywords:
                found.append((path.name, detector.id, keyword))
    return found


KEYWORDS = _keywords()


def _hyphenated(keyword: str, rng: random.Random) -> str | None:
    """A hyphen (or a Unicode hyphen or dash) between two letters of one word."""
    words = keyword.split(" ")
    long = [i for i, word in enumerate(words) if sum(ch.isalpha() for ch in word) >= 4]
    if not long:
        return None
    index = rng.choice(long)
    word = words[index]
    cuts = [i for i in range(1, len(word)) if word[i - 1].isalpha() and word[i].isalpha()]
    cut = rng.choice(cuts)
    words[index] = word[:cut] + rng.choice(["-", "\u2010", "\u2011"]) + word[cut:]
    return " ".join(words)


def _reversed(keyword: str, rng: random.Random) -> str | None:
    """The whole line written backwards (a word of five letters or more is needed)."""
    if not any(sum(ch.isalpha() for ch in w) >= 5 for w in keyword.replace("-", " ").split()):
        return None
    return rng.choice(SENTENCES).format(keyword)[::-1]


@pytest.mark.parametrize("family", [_hyphenated, _reversed], ids=["hyphen-inside", "reversed"])
def test_codeword_family_on_every_keyword(family: object) -> None:
    assert KEYWORDS
    tried, missed = 0, []
    for policy_name, detector, keyword in KEYWORDS:
        rng = random.Random(f"{policy_name}:{keyword}")
        written = family(keyword, rng)  # type: ignore[operator]
        if written is None:
            continue
        text = written if family is _reversed else rng.choice(SENTENCES).format(written)
        tried += 1
        decision = check_text(load_policy(POLICY_DIR / policy_name), text + "\n")
        if not any(repr(keyword) in finding.detail for finding in decision.findings):
            missed.append(f"{policy_name} {detector} {keyword!r}: {text!r}")
    assert tried >= 4
    assert not missed, "\n".join(missed)


def test_a_word_that_holds_a_codeword_backwards_is_not_one() -> None:
    policy = load_policy(POLICY_DIR / "ministry-codewords.yaml")
    for text in ("The night jar sang.", "Nightjars are birds.", "XRAJTHGINX is no word."):
        decision = check_text(policy, text + "\n")
        assert decision.level == policy.lowest, text
