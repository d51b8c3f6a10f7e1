"""Shared policy fixtures: the shipped policies, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from milai.policy import Policy, load_policy

POLICIES = Path(__file__).resolve().parents[2] / "policies"


@pytest.fixture(scope="session")
def default_policy() -> Policy:
    return load_policy(POLICIES / "default.yaml")


@pytest.fixture(scope="session")
def ministry_policy() -> Policy:
    return load_policy(POLICIES / "ministry-codewords.yaml")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Exhaustive generator runs are opt-in: ``-m exhaustive``."""
    if "exhaustive" in (config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(reason="exhaustive run: opt in with -m exhaustive")
    for item in items:
        if "exhaustive" in item.keywords:
            item.add_marker(skip)
