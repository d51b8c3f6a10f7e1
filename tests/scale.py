"""How many examples the randomised and enumerating tests draw: a sample by default (README's
fast line, ``pytest -m "not model" -n auto``), everything where ``MILAI_TESTS=thorough``
(``.ci/run`` sets it, so CI checks what it always checked).

A test scaled down still runs the same assertions on fewer examples, never none: it can
fail in the fast run too. Samples are seeded (by the test's own name, and by
``MILAI_TEST_SEED``, 0 unless set: pytest's header prints it), so a failure in the fast run
repeats with the same seed; another seed draws another sample; ``MILAI_TESTS=thorough`` on
the same command line checks the whole set.

A sample can be asked to ``cover`` its items' kinds (each evasion family, each marking
scheme: ``tests/policy/families.py``): it then holds at least one item of every kind among
``items`` (more than ``fast`` where there are more kinds), the rest drawn at random.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

T = TypeVar("T")

THOROUGH = os.environ.get("MILAI_TESTS", "").strip().lower() == "thorough"
SEED = os.environ.get("MILAI_TEST_SEED", "").strip() or "0"


def describe() -> str:
    """One line for pytest's header: which cases this run draws, and how to repeat it."""
    if THOROUGH:
        return "milai tests: MILAI_TESTS=thorough, every generated case"
    return (
        f"milai tests: the fast sample, MILAI_TEST_SEED={SEED} "
        "(the same seed draws the same cases; MILAI_TESTS=thorough draws them all)"
    )


def scaled(thorough: int, fast: int) -> int:
    """``thorough`` in CI, ``fast`` (at least one) otherwise."""
    if not 0 < fast <= thorough:
        raise ValueError(f"a fast count must be 1..{thorough}, not {fast}")
    return thorough if THOROUGH else fast


def _rng(seed: str) -> random.Random:
    # seed 0 keeps the draws of the samples from before the seed could be chosen
    return random.Random(seed if SEED == "0" else f"{SEED}:{seed}")


def sample(
    items: Sequence[T],
    fast: int,
    seed: str,
    cover: Callable[[T], Iterable[Hashable]] | None = None,
) -> list[T]:
    """Every item in CI; otherwise ``fast`` of them (all if there are no more), drawn by
    ``seed`` and kept in their order. With ``cover``, the sample also holds, for each kind
    ``cover`` names for some item, at least one item of that kind."""
    if THOROUGH or len(items) <= fast:
        return list(items)
    if fast < 1:
        raise ValueError("a sample holds at least one item")
    rng = _rng(seed)
    chosen: set[int] = set()
    if cover is not None:
        by_kind: dict[Hashable, list[int]] = {}
        for at, item in enumerate(items):
            for kind in cover(item):
                by_kind.setdefault(kind, []).append(at)
        for kind in sorted(by_kind, key=repr):
            holders = by_kind[kind]
            if chosen.isdisjoint(holders):
                chosen.add(rng.choice(holders))
    rest = [at for at in range(len(items)) if at not in chosen]
    chosen.update(rng.sample(rest, max(0, min(len(rest), fast - len(chosen)))))
    return [items[i] for i in sorted(chosen)]
