"""The vault's cryptographic recipes and file habits, for the other parts of milai that keep
secrets on disk (the audit log): public, and kept small on purpose.

Everything here is the vault's own code (``_crypto``: ``cryptography``'s recipes, every
authentication failure ``VaultIntegrityError``; ``_fs``: private modes from birth, atomic
and durable writes, locks), so that there is one implementation of each.
"""

from __future__ import annotations

from milai.vault._crypto import (
    KEY_BYTES,
    NONCE_BYTES,
    hkdf_sha256,
    hmac_sha256,
    open_sealed,
    random_bytes,
    same_bytes,
    seal,
)
from milai.vault._fs import (
    atomic_write,
    create_private,
    fault_point,
    fsync_dir,
    locked,
    locked_or_refused,
    write_all,
    write_new_private_file,
)

__all__ = [
    "KEY_BYTES",
    "NONCE_BYTES",
    "atomic_write",
    "create_private",
    "fault_point",
    "fsync_dir",
    "hkdf_sha256",
    "hmac_sha256",
    "locked",
    "locked_or_refused",
    "open_sealed",
    "random_bytes",
    "same_bytes",
    "seal",
    "write_all",
    "write_new_private_file",
]
