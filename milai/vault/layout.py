"""Where a vault keeps what: names only, importable without loading any cryptography."""

from __future__ import annotations

from pathlib import Path

VAULT_FILE = "vault.json"
# The key file's path, recorded at `init` in plaintext: it is read before the vault opens.
KEY_FILE_HINT = "key-file.path"


def vault_exists(home: Path) -> bool:
    """Whether ``home`` holds a vault (it may still be locked or damaged)."""
    return (Path(home) / VAULT_FILE).is_file()
