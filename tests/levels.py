"""Levels in tests, compared the way milai compares them: through the policy's own order
(``Policy.above``, the one place levels are compared), never by their index on the scale."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from milai.policy import Policy, check_text

if TYPE_CHECKING:
    from tests.policy.families import Target


def reads_at_least(policy: Policy, text: str, level: str) -> bool:
    """Whether ``text`` reads at ``level`` or above under ``policy``."""
    return not policy.above(level, check_text(policy, text).level)


def assert_reads_at_least(policy: Policy, text: str, level: str) -> None:
    """Fail, naming ``text`` and the level it read at, unless it reads at ``level`` or above."""
    got = check_text(policy, text).level
    assert not policy.above(level, got), f"{text[:160]!r} read {got}, not at least {level}"


def assert_targets_read(
    targets: Iterable[Target], texts: Callable[[Target], str | Iterable[str]]
) -> None:
    """Each text ``texts`` makes of each target (a marking of a shipped policy) reads at least
    the target's level under its policy; fails listing the first misses and their count."""
    from tests.policy.families import shipped_policy

    misses: list[str] = []
    checked = 0
    for target in targets:
        policy = shipped_policy(target.policy)
        made = texts(target)
        for text in (made,) if isinstance(made, str) else made:
            checked += 1
            got = check_text(policy, text).level
            if policy.above(target.level, got):
                misses.append(f"{target.id}: {text[:160]!r} read {got}, not {target.level}")
    assert checked, "no text was checked"
    assert not misses, f"{len(misses)}/{checked} below their level:\n" + "\n".join(misses[:10])
