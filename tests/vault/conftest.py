"""Fixtures for the vault tests: a vault unlocked by a key file in the isolated home, and
small synthetic GGUF files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from milai.vault import KeySource, Vault
from tests.vault.vault_synthetic import write_gguf


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return tmp_path / "media" / "milai.key"


@pytest.fixture
def key(key_file: Path) -> KeySource:
    key_file.parent.mkdir(exist_ok=True)
    return KeySource(key_file=key_file)


@pytest.fixture
def vault(isolated_home: Path, key: KeySource) -> Vault:
    return Vault.create(isolated_home, key)


GGUFFactory = Callable[..., tuple[Path, str]]


@pytest.fixture
def make_gguf(tmp_path: Path) -> GGUFFactory:
    """``make_gguf(size, name=..., seed=..., **header)`` → (path, sha256)."""
    source = tmp_path / "sources"
    source.mkdir()

    def make(
        size: int = 100_000, *, name: str = "model.gguf", seed: int = 0, **header: object
    ) -> tuple[Path, str]:
        path = source / name
        return path, write_gguf(path, size, seed=seed, **header)

    return make
