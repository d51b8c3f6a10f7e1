"""Where a vault keeps what: names only, importable without loading any cryptography."""

from __future__ import annotations

import os
from pathlib import Path

VAULT_FILE = "vault.json"


def vault_exists(home: Path) -> bool:
    """Whether ``home`` holds a vault (it may still be locked or damaged). A folder whose
    ``vault.json`` is gone but which still holds sealed records or models is a damaged
    vault, not no vault: nothing may fall back to defaults, or start a new vault over it."""
    home = Path(home)
    return (home / VAULT_FILE).is_file() or has_vault_files(home)


def has_vault_files(home: Path) -> bool:
    """Whether ``home`` holds sealed records or models (names not starting with a dot)."""
    for folder in ("records", "models"):
        try:
            with os.scandir(home / folder) as entries:
                if any(not entry.name.startswith(".") for entry in entries):
                    return True
        except OSError:
            continue
    return False
