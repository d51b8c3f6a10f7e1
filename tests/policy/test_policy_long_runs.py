"""Base64 and hex runs longer than one decoding window (4,096 characters) are read whole, in
overlapping windows: a marking at the start, in the middle, across a window's edge or at
the end of a run of any length counts, whole and streamed alike (a red team got a 5.8 KB
base64 answer ending in NATO SECRET through ``run``: only its first window was read)."""

from __future__ import annotations

import base64
import random
from collections.abc import Callable

import pytest

from milai.policy import Policy, check_stream, check_text
from tests.policy.adversarial import pieces
from tests.policy.test_policy_stream_properties import _assert_stream_properties
from tests.scale import sample

PROSE = "The convoy leaves at dawn, été über ünd 東京, and returns at dusk. "
ENCODERS: dict[str, Callable[[str], str]] = {
    "base64": lambda text: base64.b64encode(text.encode()).decode(),
    "hex": lambda text: text.encode().hex(),
    "base64-utf16": lambda text: base64.b64encode(text.encode("utf-16-le")).decode(),
}


def _text(length: int, marking: str | None, where: float) -> str:
    body = (PROSE * (length // len(PROSE) + 1))[:length]
    if marking is None:
        return body
    cut = int(len(body) * where)
    return f"{body[:cut]}\n{marking}\n{body[cut:]}"


# Every length, place and encoding in CI; a seeded quarter in the fast line (tests/scale.py).
PLACES = sample(
    [
        pytest.param(encoding, where, length, id=f"{length}-{where}-{encoding}")
        for length in (3_100, 9_000, 40_000)
        for where in (0.0, 0.37, 0.5, 1.0)
        for encoding in sorted(ENCODERS)
    ],
    9,
    seed="long runs: places",
)


@pytest.mark.parametrize(("encoding", "where", "length"), PLACES)
def test_a_marking_anywhere_in_a_long_run_counts(
    default_policy: Policy, encoding: str, where: float, length: int
) -> None:
    run = ENCODERS[encoding](_text(length, "NATO SECRET", where))
    assert len(run) > 4096
    text = f"Answer: {run}\n"
    assert check_text(default_policy, text).level == "SECRET"
    rng = random.Random(f"{encoding}:{where}:{length}")
    assert check_stream(default_policy, pieces(text, rng, (1, 3, 4, 7, 64, 500))).level == "SECRET"


def test_a_marking_across_every_window_edge(default_policy: Policy) -> None:
    """The marking's decoded bytes start at every offset around the first windows' edges
    (3,072 and 4,096 characters of base64 are 2,304 and 3,072 bytes)."""
    edges = (range(2_290, 2_310), range(3_050, 3_075), range(5_370, 5_385))
    starts = [start for edge in edges for start in sample(edge, 7, seed=f"edge {edge}")]
    for start in starts:  # every start in CI, seven around each edge in the fast line
        body = (PROSE * 200).encode()[:start].decode(errors="ignore")
        run = base64.b64encode(f"{body}\nTOP SECRET\n{PROSE * 80}".encode()).decode()
        assert check_text(default_policy, run).level == "TOP SECRET", start


@pytest.mark.parametrize("encoding", sorted(ENCODERS))
def test_a_long_clean_run_stays_unclassified(default_policy: Policy, encoding: str) -> None:
    run = ENCODERS[encoding](_text(30_000, None, 0))
    assert check_text(default_policy, f"{run}\n").level == "UNCLASSIFIED"


@pytest.mark.parametrize("encoding", ["base64", "hex"])
def test_a_long_run_streams_as_it_reads_whole(default_policy: Policy, encoding: str) -> None:
    """Through the output gate in token-sized pieces: what is released is a prefix of the
    whole decision's text, and the run is stopped before its marking's window ends."""
    rng = random.Random(encoding)
    text = f"Here: {ENCODERS[encoding](_text(7_000, 'NATO SECRET', 1.0))} done\n"
    _assert_stream_properties(default_policy, text, pieces(text, rng, (1, 3, 4, 7, 64, 500)))
