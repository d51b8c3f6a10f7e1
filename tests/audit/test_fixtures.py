"""The named fixtures are what make_fixtures.py builds today."""

from __future__ import annotations

from pathlib import Path

from tests.audit import make_fixtures
from tests.audit.support import FIXTURES


def test_fixtures_are_current(tmp_path: Path) -> None:
    make_fixtures.build(tmp_path)

    built = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    stored = {
        path.name: path.read_bytes() for path in FIXTURES.iterdir() if path.name != "README.md"
    }
    assert built.keys() == stored.keys()
    stale = [name for name in built if built[name] != stored[name]]
    assert not stale, f"run `python -m tests.audit.make_fixtures`: {stale} are stale"
