"""How many examples the randomised and enumerating tests draw: a sample by default (README's
fast line, ``pytest -m "not model" -n auto``), everything where ``MILAI_TESTS=thorough``
(``.ci/run`` sets it, so CI checks what it always checked).

A test scaled down still runs the same assertions on fewer examples, never none: it can
fail in the fast run too. Samples are seeded (by the test's own name), so a failure in the
fast run repeats; ``MILAI_TESTS=thorough`` on the same command line checks the whole set.
"""

from __future__ import annotations

import os
import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

THOROUGH = os.environ.get("MILAI_TESTS", "").strip().lower() == "thorough"


def scaled(thorough: int, fast: int) -> int:
    """``thorough`` in CI, ``fast`` (at least one) otherwise."""
    if not 0 < fast <= thorough:
        raise ValueError(f"a fast count must be 1..{thorough}, not {fast}")
    return thorough if THOROUGH else fast


def sample(items: Sequence[T], fast: int, seed: str) -> list[T]:
    """Every item in CI; otherwise ``fast`` of them (all if there are no more), drawn by
    ``seed`` and kept in their order."""
    if THOROUGH or len(items) <= fast:
        return list(items)
    if fast < 1:
        raise ValueError("a sample holds at least one item")
    chosen = sorted(random.Random(seed).sample(range(len(items)), fast))
    return [items[i] for i in chosen]
