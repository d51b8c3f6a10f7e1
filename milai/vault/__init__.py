"""The encrypted vault: sealed models loaded only into memory, encrypted records, and the
keys other parts of milai (the audit log) derive from it.

Public names are here; the modules beside this one are private. They load on first use:
a command that only asks whether a vault exists (``vault_exists``) pays for no cryptography.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from milai.vault.layout import vault_exists

if TYPE_CHECKING:
    from milai.vault._crypto import Signer, verify_signature
    from milai.vault.container import ModelManifest
    from milai.vault.demo import demo_model_path
    from milai.vault.memfd import memory_lock_status
    from milai.vault.records import RecordStore
    from milai.vault.unlock import KeySource
    from milai.vault.vault import Vault

_HOMES = {
    "KeySource": "milai.vault.unlock",
    "ModelManifest": "milai.vault.container",
    "RecordStore": "milai.vault.records",
    "Signer": "milai.vault._crypto",
    "Vault": "milai.vault.vault",
    "demo_model_path": "milai.vault.demo",
    "memory_lock_status": "milai.vault.memfd",
    "verify_signature": "milai.vault._crypto",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'milai.vault' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


__all__ = [
    "KeySource",
    "ModelManifest",
    "RecordStore",
    "Signer",
    "Vault",
    "demo_model_path",
    "memory_lock_status",
    "vault_exists",
    "verify_signature",
]
