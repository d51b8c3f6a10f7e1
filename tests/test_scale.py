"""The fast line's sample (tests/scale.py): fewer examples, never none, seeded; all in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import scale


def test_the_fast_sample_is_seeded_ordered_and_never_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scale, "THOROUGH", False)
    items = list(range(100))
    chosen = scale.sample(items, 7, seed="a")
    assert len(chosen) == 7 and chosen == sorted(chosen) and set(chosen) <= set(items)
    assert scale.sample(items, 7, seed="a") == chosen
    assert scale.sample(items, 7, seed="b") != chosen
    assert scale.sample(items[:5], 7, seed="a") == items[:5]
    assert scale.scaled(3000, 300) == 300
    with pytest.raises(ValueError):
        scale.scaled(10, 0)
    with pytest.raises(ValueError):
        scale.sample(items, 0, seed="a")


def test_thorough_takes_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scale, "THOROUGH", True)
    assert scale.sample(list(range(100)), 7, seed="a") == list(range(100))
    assert scale.scaled(3000, 300) == 3000


def test_ci_runs_the_thorough_setting() -> None:
    ci = Path(__file__).resolve().parents[1] / ".ci" / "run"
    assert "export MILAI_TESTS=thorough\n" in ci.read_text()


def test_a_covering_sample_holds_each_kind_then_fills_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scale, "THOROUGH", False)
    items = [(kind, n) for kind in "abcdefgh" for n in range(10)]
    kinds = set("abcdefgh")

    def cover(item: tuple[str, int]) -> list[str]:
        return [item[0]]

    chosen = scale.sample(items, 3, seed="x", cover=cover)  # more kinds than the count
    assert {kind for kind, _ in chosen} == kinds and len(chosen) == len(kinds)
    assert chosen == sorted(chosen) and scale.sample(items, 3, seed="x", cover=cover) == chosen
    chosen = scale.sample(items, 20, seed="x", cover=cover)
    assert len(chosen) == 20 and {kind for kind, _ in chosen} == kinds
    assert len(set(chosen)) == 20
    # an item of two kinds counts for both; the kinds no item has are not asked for
    chosen = scale.sample(items, 1, seed="y", cover=lambda item: [item[0], item[1] % 2])
    assert {kind for kind, _ in chosen} == kinds and {n % 2 for _, n in chosen} == {0, 1}


def test_the_seed_draws_another_sample_and_is_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scale, "THOROUGH", False)
    items = list(range(1000))
    first = scale.sample(items, 5, seed="a")
    assert "MILAI_TEST_SEED=0 " in scale.describe()
    monkeypatch.setattr(scale, "SEED", "7")
    assert scale.sample(items, 5, seed="a") != first
    assert scale.sample(items, 5, seed="a") == scale.sample(items, 5, seed="a")
    assert "MILAI_TEST_SEED=7 " in scale.describe()
    monkeypatch.setattr(scale, "THOROUGH", True)
    assert "thorough" in scale.describe()
