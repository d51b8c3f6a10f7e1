"""The suite's own plumbing (tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.mark.xdist_group("conftest-self-check")
def test_a_grouped_test_is_known_by_its_group(request: pytest.FixtureRequest) -> None:
    # Under -n (README's fast line, --dist loadgroup) the controller sends a group to one
    # worker by the suffix; without it each worker builds the group's module fixtures again.
    loadgroup = bool(getattr(request.config.option, "loadgroup", False))
    assert request.node.nodeid.endswith("@conftest-self-check") is loadgroup
