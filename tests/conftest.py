"""Shared fixtures: every test gets its own empty MILAI_HOME; nothing touches the real one.
The CLI's fixtures (tests/cli/fixtures.py: the demo and synthetic vaults, the in-process
``cli``, the real ``milai`` in a subprocess) serve every folder from here, imported by none."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ["tests.cli.fixtures"]


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "milai-home"
    monkeypatch.setenv("MILAI_HOME", str(home))
    monkeypatch.delenv("MILAI_KEY_FILE", raising=False)
    yield home
