"""What the red-team rounds' banner families share (a generator a family, written for every
banner marking of every shipped policy): each family is read whole for a sample of the
banners (every banner in CI, ``tests/scale.py``) and streamed in pieces for four of them."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable

from milai.policy import check_text
from tests.levels import assert_targets_read
from tests.policy.adversarial import pieces
from tests.policy.families import Target, banner_sample, shipped_policy, targets
from tests.policy.test_policy_stream_properties import _assert_stream_properties
from tests.scale import scaled

BANNERS = [target for target in targets() if not target.portion]

Family = Callable[[Target], Iterable[str]]


def family_rng(target: Target, family: str) -> random.Random:
    """The random choices a family's generator makes for one target (the same each run)."""
    return random.Random(f"{family}:{target.id}")


def assert_family_reads(name: str, family: Family) -> None:
    """Every text ``family`` writes of each sampled banner reads at least its level (the fast
    line: 12 banners, one of each scheme among them; ``name`` draws the sample)."""
    assert_targets_read(banner_sample(name), family)


def assert_family_streams(name: str, family: Family) -> None:
    """Every text ``family`` writes of four banners (the first of them in the fast line),
    streamed in pieces, reads as it reads whole (``_assert_stream_properties``)."""
    rng = random.Random(f"stream:{name}")
    for target in rng.sample(BANNERS, 4)[: scaled(4, 1)]:
        policy = shipped_policy(target.policy)
        for text in family(target):
            _assert_stream_properties(policy, text, pieces(text, random.Random(text)), exactly=True)


def assert_stays_unclassified(policy_name: str, text: str) -> None:
    """An everyday text reads at the lowest level of the shipped policy ``policy_name``."""
    policy = shipped_policy(policy_name)
    decision = check_text(policy, text)
    assert decision.level == policy.lowest, (text, decision.findings)
