"""Signed checkpoints: (sequence number, head hash, vault generation) that make truncation
and rollback detectable.

The signature covers the canonical JSON of every field but ``signature``, including
``format``, so it cannot be mistaken for anything else the vault key signs. ``generation``
is the vault's state generation when the checkpoint was exported; the sidecar's checkpoints
carry ``null`` (they live in the vault folder and roll back with it, so it would prove
nothing).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from milai.audit._entry import AuditIntegrityError, canonical_json, loads_untrusted, utc_now
from milai.errors import UsageError, VaultIntegrityError

CHECKPOINT_FORMAT = "milai-audit-checkpoint-v2"

_HEX = re.compile(r"(?:[0-9a-f]{2})+")

VerifySignature = Callable[[bytes, bytes, bytes], None]
"""``(public_key, signature, data) -> None``, raising ``VaultIntegrityError`` on a bad
signature: ``milai.vault.verify_signature``."""


class Signer(Protocol):
    """The vault's Ed25519 audit key, as ``vault.audit_signer()`` hands it out."""

    def sign(self, data: bytes) -> bytes: ...

    def public_key_bytes(self) -> bytes: ...


@dataclass(frozen=True)
class Checkpoint:
    """A signed promise that entry ``seq`` of the log has the line hash ``head`` (and, when
    exported, that the vault was at ``generation``)."""

    seq: int
    head: str
    time: str
    generation: int | None
    public_key: str
    signature: str
    format: str = CHECKPOINT_FORMAT

    @classmethod
    def sign(cls, signer: Signer, seq: int, head: str, generation: int | None) -> Checkpoint:
        unsigned = cls(seq, head, utc_now(), generation, signer.public_key_bytes().hex(), "")
        return replace(unsigned, signature=signer.sign(unsigned.signed_bytes()).hex())

    def signed_bytes(self) -> bytes:
        fields = self.to_json()
        del fields["signature"]
        return canonical_json(fields)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "seq": self.seq,
            "head": self.head,
            "time": self.time,
            "generation": self.generation,
            "public_key": self.public_key,
            "signature": self.signature,
        }

    def verify(
        self, trusted_public_key: bytes, verify_signature: VerifySignature, source: str
    ) -> None:
        """Raise ``AuditIntegrityError`` unless ``trusted_public_key`` signed this checkpoint."""
        if self.public_key != trusted_public_key.hex():
            raise AuditIntegrityError(f"{source} was signed by another key")
        try:
            verify_signature(trusted_public_key, bytes.fromhex(self.signature), self.signed_bytes())
        except VaultIntegrityError:
            raise AuditIntegrityError(f"{source} has a bad signature") from None


def parse_checkpoint(data: bytes, source: str, *, exported: bool = False) -> Checkpoint:
    """Parse a checkpoint (untrusted: signature not checked).

    Raises ``AuditIntegrityError`` if a sidecar line is not one (the vault's own file was
    damaged), ``UsageError`` if an ``exported`` file is not one (the wrong file was given).
    """

    def not_one(why: str) -> Exception:
        if exported:
            return UsageError(
                f"{source} is not a milai audit checkpoint ({why})",
                hint="give a file `milai audit checkpoint` wrote",
            )
        return AuditIntegrityError(f"{source} is not an audit checkpoint ({why})")

    try:
        fields = loads_untrusted(data)
    except ValueError:
        raise not_one("not JSON") from None
    if not isinstance(fields, dict) or fields.keys() != Checkpoint.__dataclass_fields__.keys():
        raise not_one("wrong fields")
    checkpoint = Checkpoint(**fields)
    if (
        checkpoint.format != CHECKPOINT_FORMAT
        or type(checkpoint.seq) is not int
        or checkpoint.seq < 0
        or not (
            checkpoint.generation is None
            or (type(checkpoint.generation) is int and checkpoint.generation >= 0)
        )
        or not all(
            _is_hex(value)
            for value in (checkpoint.head, checkpoint.public_key, checkpoint.signature)
        )
        or not isinstance(checkpoint.time, str)
    ):
        raise not_one("wrong field values")
    return checkpoint


def _is_hex(value: object) -> bool:
    return isinstance(value, str) and _HEX.fullmatch(value) is not None
