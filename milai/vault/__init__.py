"""The encrypted vault: sealed models loaded only into memory, encrypted records, and the
keys other parts of milai (the audit log) derive from it.

Public names are here; the modules beside this one are private.
"""

from __future__ import annotations

from milai.vault._crypto import Signer, verify_signature
from milai.vault.container import ModelManifest
from milai.vault.demo import demo_model_path
from milai.vault.keys import KeySource
from milai.vault.memfd import memory_lock_status
from milai.vault.records import RecordStore
from milai.vault.vault import Vault

__all__ = [
    "KeySource",
    "ModelManifest",
    "RecordStore",
    "Signer",
    "Vault",
    "demo_model_path",
    "memory_lock_status",
    "verify_signature",
]
