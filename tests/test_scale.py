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
