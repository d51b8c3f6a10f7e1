"""What the vault remembers about the audit log: its head, its ratchet and its keys.

The state is one small record kept encrypted by the vault (``vault.records``, so key
rotation re-encrypts it with everything else) and rewritten after every append. It holds
the sequence number and hash of the last entry and the log's length in bytes through it
(so a deleted, truncated, rolled-back or lengthened log fails), the ratchet key of the
next entry (never an older one), the entry encryption key, how many checkpoints the sidecar
holds, and the sealing seed until it is exported.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any, Protocol

from milai.audit import _seal
from milai.audit._entry import GENESIS, AuditIntegrityError, loads_untrusted, utc_now

STATE_FORMAT = "milai-audit-state-v1"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_LOG_ID = re.compile(r"[0-9a-f]{32}")
_FIELDS = frozenset(
    {"format", "log_id", "seq", "head", "key", "cipher_key", "checkpoints", "seed", "exported"}
)
# The log's length through the head entry; absent from states written before it was kept.
_SIZE = "size"


class StateStore(Protocol):
    """Where the state lives: the vault record ``audit/state``, in the product."""

    def load(self) -> bytes | None:
        """The stored state, or ``None`` when there is none."""

    def save(self, data: bytes) -> None:
        """Replace the stored state, durably, before returning."""


@dataclass(frozen=True)
class AuditState:
    """``seq``/``head``: the last entry the vault saw appended; ``size``: the log's length in
    bytes through it (``None`` in a state written before it was kept); ``key``: the ratchet
    key of entry ``seq + 1``; ``seed``: the sealing seed until ``exported`` (a time) is set."""

    log_id: str
    seq: int
    head: str
    key: bytes
    cipher_key: bytes
    checkpoints: int
    seed: bytes | None
    exported: str | None
    size: int | None = None

    def __repr__(self) -> str:
        return f"AuditState(log_id={self.log_id!r}, seq={self.seq}, head={self.head[:12]!r})"

    @classmethod
    def fresh(cls) -> AuditState:
        """A new log's state: a random seed and encryption key, no entries."""
        seed = _seal.random_key()
        log_id = _seal.random_key()[:16].hex()
        return cls(log_id, 0, GENESIS, _seal.first_key(seed), _seal.random_key(), 0, seed, None, 0)

    def advanced(self, head: str, size: int) -> AuditState:
        """The state after one more entry (line hash ``head``, the log now ``size`` bytes):
        the ratchet steps forward and the key just used is forgotten."""
        return replace(self, seq=self.seq + 1, head=head, key=_seal.next_key(self.key), size=size)

    def seal_key(self) -> _seal.SealKey:
        if self.seed is None:
            raise ValueError("the seal key was exported and is no longer kept")
        return _seal.SealKey(self.log_id, self.seed)

    def seal_key_exported(self) -> AuditState:
        return replace(self, seed=None, exported=utc_now())

    def to_bytes(self) -> bytes:
        fields: dict[str, Any] = {
            "format": STATE_FORMAT,
            "log_id": self.log_id,
            "seq": self.seq,
            "head": self.head,
            "key": self.key.hex(),
            "cipher_key": self.cipher_key.hex(),
            "checkpoints": self.checkpoints,
            "seed": self.seed.hex() if self.seed is not None else None,
            "exported": self.exported,
        }
        if self.size is not None:
            fields[_SIZE] = self.size
        return json.dumps(fields, sort_keys=True).encode("ascii")

    @classmethod
    def from_bytes(cls, data: bytes) -> AuditState:
        """Raises ``AuditIntegrityError`` unless ``data`` is a state this module wrote."""
        bad = AuditIntegrityError("the vault's audit state is malformed")
        try:
            fields = loads_untrusted(data)
        except ValueError:
            raise bad from None
        if isinstance(fields, dict) and _SIZE in fields:
            size = fields.pop(_SIZE)
            if type(size) is not int or size < 0:
                raise bad
        else:
            size = None
        if (
            not isinstance(fields, dict)
            or fields.keys() != _FIELDS
            or fields["format"] != STATE_FORMAT
            or not _matches(_LOG_ID, fields["log_id"])
            or type(fields["seq"]) is not int
            or fields["seq"] < 0
            or not _matches(_HEX64, fields["head"])
            or not _matches(_HEX64, fields["key"])
            or not _matches(_HEX64, fields["cipher_key"])
            or type(fields["checkpoints"]) is not int
            or not (fields["seed"] is None or _matches(_HEX64, fields["seed"]))
            or not (fields["exported"] is None or isinstance(fields["exported"], str))
        ):
            raise bad
        return cls(
            fields["log_id"],
            fields["seq"],
            fields["head"],
            bytes.fromhex(fields["key"]),
            bytes.fromhex(fields["cipher_key"]),
            fields["checkpoints"],
            bytes.fromhex(fields["seed"]) if fields["seed"] is not None else None,
            fields["exported"],
            size,
        )


def _matches(pattern: re.Pattern[str], value: object) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None
