"""Where a vault keeps what: names only, importable without loading any cryptography."""

from __future__ import annotations

from pathlib import Path

VAULT_FILE = "vault.json"


def vault_exists(home: Path) -> bool:
    """Whether ``home`` holds a vault (it may still be locked or damaged)."""
    return (Path(home) / VAULT_FILE).is_file()
