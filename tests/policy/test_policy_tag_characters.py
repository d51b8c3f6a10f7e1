"""Tag characters (U+E0020-U+E007E) spelling a marking: invisible, yet a reader that folds
them (or a model) reads the marking. The gate reads a run of them as its ASCII letters on
a line of its own, for every banner of both shipped policies, wherever the run stands and
however the text arrives in chunks."""

from __future__ import annotations

import random

import pytest

from milai.errors import Blocked
from milai.policy import PolicyGate, check_stream, check_text
from milai.policy.detect import Scanner
from tests.policy.families import BODY, Target, _ascii_letters, shipped_policy, targets

BANNERS = [t for t in targets() if not t.portion]


def _tags(text: str) -> str:
    """``text`` in tag characters (ASCII only: accented letters lose their accents)."""
    return "".join(chr(0xE0000 + ord(ch)) for ch in _ascii_letters(text))


def _placed(target: Target, rng: random.Random) -> str:
    hidden = _tags(rng.choice([target.text, target.text.lower()]))
    visible = rng.choice(BODY)
    return rng.choice(
        [
            f"{hidden}\n{visible}\n",  # a line of its own
            f"{visible} {hidden}\n",  # after visible text
            f"{visible}{hidden}\n",  # glued to it
            f"{hidden}{visible}\n",  # before it
        ]
    )


def _reads(target: Target, level: str) -> bool:
    policy = shipped_policy(target.policy)
    return not policy.above(target.level, level)


def test_every_banner_spelled_in_tag_characters_is_read() -> None:
    misses = []
    for target in BANNERS:
        rng = random.Random(f"tags:{target.id}")
        for _ in range(3):
            text = _placed(target, rng)
            level = check_text(shipped_policy(target.policy), text).level
            if not _reads(target, level):
                misses.append(f"{target.id}: {level} {text.encode('unicode_escape')[:120]!r}")
    assert not misses, "\n".join(misses)


@pytest.mark.parametrize("size", [1, 2, 5])
def test_tag_characters_streamed_in_small_chunks(size: int) -> None:
    misses = []
    for target in BANNERS[::3]:
        text = f"{_tags(target.text)}\n{BODY[0]}\n"
        chunks = [text[i : i + size] for i in range(0, len(text), size)]
        level = check_stream(shipped_policy(target.policy), chunks).level
        if not _reads(target, level):
            misses.append(f"{target.id}: {level}")
    assert not misses, "\n".join(misses)


def test_a_flag_emoji_stays_unclassified() -> None:
    scotland = "\U0001f3f4" + _tags("gbsct") + "\U000e007f"
    decision = check_text(shipped_policy("default.yaml"), f"Go team {scotland} tonight!\n")
    assert decision.level == "UNCLASSIFIED"


@pytest.mark.parametrize("size", [1, 3])
def test_the_output_gate_holds_a_tag_run_in_progress(size: int) -> None:
    """Streamed to a reader cleared below the marking: blocked, and no tag character of
    the run (nor anything after it) was released before the block."""
    policy = shipped_policy("default.yaml")
    hidden = _tags("NATO SECRET")
    text = f"Notes for the team {hidden} and the rest.\n"
    gate = PolicyGate(policy, clearance="RESTRICTED", model_level="TOP SECRET")
    out = gate.open_output(gate.check_prompt("q"))
    released: list[str] = []
    with pytest.raises(Blocked):
        for i in range(0, len(text), size):
            released.append(out.feed(text[i : i + size]))
        released.append(out.close())
    assert not any(0xE0000 <= ord(ch) for ch in "".join(released))


def test_an_endless_tag_run_is_scanned_in_bounded_windows() -> None:
    """Memory stays bounded in an endless run of tag characters (one line: they spell no
    line break), scanned window by window."""
    policy = shipped_policy("default.yaml")
    scanner = Scanner(policy.engine)
    longest = 0
    for _ in range(2000):
        scanner.feed(_tags("lorem ipsum dolor "))
        longest = max(longest, len(scanner.hidden_tags))
    assert longest <= 4096 + len("lorem ipsum dolor ")
    scanner.close()
    assert not [hit for hit in scanner.take_hits() if hit.source == "marking"]
