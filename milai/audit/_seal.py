"""Forward-secure sealing and encryption at rest, after journald's Forward Secure Sealing.

The MAC key ratchets forward one step per entry, by HKDF-SHA256 (RFC 5869) as a KDF chain
(the shape of the Signal protocol's symmetric-key ratchet)::

    K(1)     = HKDF(seed,  info="milai audit ratchet v1: start")
    K(n + 1) = HKDF(K(n),  info="milai audit ratchet v1: next")
    mac(n)   = HMAC-SHA256(HKDF(K(n), info="milai audit ratchet v1: entry mac"), line n)

The vault keeps only the key of the next entry; each step is one-way, so whoever holds the
vault later cannot compute the key of an entry already written. The seed is exported once
to the auditor (``milai audit seal-key export``) and then erased from the vault; from it the
auditor recomputes every K(n) and checks every MAC. An entry the vault's holder rewrote with
the current key fails that check at its position.

Entries are sealed with AES-256-GCM under a random key kept in the vault's audit state, the
entry's sequence number and previous hash as associated data. The MAC covers the
ciphertext, so the seal is checked without reading the entries.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from milai.audit._entry import (
    AuditIntegrityError,
    SealedLine,
    associated_data,
    canonical_json,
    loads_untrusted,
    mac_body,
)
from milai.errors import UsageError, VaultIntegrityError

# The vault owns the cryptography; these are its recipes (HKDF, HMAC, AES-256-GCM).
from milai.vault import recipes

KEY_BYTES = recipes.KEY_BYTES
SEAL_KEY_FORMAT = "milai-audit-seal-key-v1"
_START = b"milai audit ratchet v1: start"
_NEXT = b"milai audit ratchet v1: next"
_MAC = b"milai audit ratchet v1: entry mac"
_MAX_SEAL_KEY_FILE = 4096


def random_key() -> bytes:
    return recipes.random_bytes(KEY_BYTES)


def first_key(seed: bytes) -> bytes:
    """K(1): the ratchet key of entry 1."""
    return recipes.hkdf_sha256(seed, info=_START)


def next_key(key: bytes) -> bytes:
    """K(n + 1) from K(n). One-way: K(n) cannot be computed back from it."""
    return recipes.hkdf_sha256(key, info=_NEXT)


def entry_mac(key: bytes, seq: int, prev: str, sealed: str) -> str:
    """The MAC of entry ``seq`` under its ratchet key ``key``."""
    mac_key = recipes.hkdf_sha256(key, info=_MAC)
    return recipes.hmac_sha256(mac_key, mac_body(seq, prev, sealed)).hex()


def mac_matches(key: bytes, line: SealedLine) -> bool:
    expected = entry_mac(key, line.seq, line.prev, line.sealed)
    return recipes.same_bytes(expected.encode(), line.mac.encode())


def same_key(left: bytes, right: bytes) -> bool:
    return recipes.same_bytes(left, right)


class EntryCipher:
    """AES-256-GCM for entries, each bound to its position (sequence number, previous hash)."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"the audit encryption key is {KEY_BYTES} bytes")
        self._key = key

    def __repr__(self) -> str:
        return "EntryCipher(<key>)"

    def seal(self, seq: int, prev: str, time: str, event: dict[str, Any]) -> str:
        nonce, ciphertext = recipes.seal(
            self._key, canonical_json({"time": time, "event": event}), associated_data(seq, prev)
        )
        return base64.b64encode(nonce + ciphertext).decode("ascii")

    def open(self, line: SealedLine, position: int | None) -> tuple[str, dict[str, Any]]:
        """``(time, event)`` of ``line``. Raises ``AuditIntegrityError`` unless it was sealed
        under this key at this position."""
        data = line.sealed_bytes()
        nonce, ciphertext = data[: recipes.NONCE_BYTES], data[recipes.NONCE_BYTES :]
        try:
            plaintext = recipes.open_sealed(
                self._key, nonce, ciphertext, associated_data(line.seq, line.prev)
            )
        except VaultIntegrityError:
            raise AuditIntegrityError(
                "entry cannot be decrypted (edited, forged, moved, or sealed under another key)",
                sequence=position,
            ) from None
        content = json.loads(plaintext)
        return content["time"], content["event"]


@dataclass(frozen=True)
class SealKey:
    """The auditor's verification seed for one audit log (``log_id``)."""

    log_id: str
    seed: bytes

    def __repr__(self) -> str:
        return f"SealKey(log_id={self.log_id!r})"

    def write(self, path: Path) -> None:
        """Create ``path`` 0600 holding this key; never overwrite. Raises ``UsageError``."""
        data = json.dumps(
            {"format": SEAL_KEY_FORMAT, "log_id": self.log_id, "seed": self.seed.hex()}, indent=2
        ).encode("ascii")
        try:
            recipes.write_new_private_file(path, data + b"\n")
        except FileExistsError:
            raise UsageError(f"{path} exists: refusing to overwrite it") from None
        except OSError as error:
            raise UsageError(f"cannot create {path}: {error.strerror}") from None

    @classmethod
    def read(cls, path: Path) -> SealKey:
        """The seal key in ``path``. Raises ``UsageError`` if it is unreadable or not one."""
        try:
            with path.open("rb") as handle:
                data = handle.read(_MAX_SEAL_KEY_FILE + 1)
        except OSError as error:
            raise UsageError(f"cannot read seal key {path}: {error.strerror}") from None
        not_one = UsageError(
            f"{path} is not a milai audit seal key",
            hint="give the file `milai audit seal-key export` wrote",
        )
        try:
            fields = loads_untrusted(data)
        except ValueError:
            raise not_one from None
        if (
            len(data) > _MAX_SEAL_KEY_FILE
            or not isinstance(fields, dict)
            or fields.keys() != {"format", "log_id", "seed"}
            or fields["format"] != SEAL_KEY_FORMAT
            or not isinstance(fields["log_id"], str)
            or not isinstance(fields["seed"], str)
        ):
            raise not_one
        try:
            seed = bytes.fromhex(fields["seed"])
        except ValueError:
            raise not_one from None
        if len(seed) != KEY_BYTES:
            raise not_one
        return cls(fields["log_id"], seed)
