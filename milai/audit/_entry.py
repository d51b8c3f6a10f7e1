"""One audit entry: its stored (sealed) line, its decrypted view, and the checks that chain
each line to the one before."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from milai.errors import VaultIntegrityError

GENESIS = "0" * 64
"""The ``prev`` of entry 1: no entry comes before it."""

ENTRY_FORMAT = "milai-audit-entry-v2"

_HEX64 = re.compile(r"[0-9a-f]{64}")
_LINE_FIELDS = frozenset({"seq", "prev", "sealed", "mac"})
_PLAINTEXT_KEYS = frozenset({"prompt", "output", "text"})


class AuditIntegrityError(VaultIntegrityError):
    """The audit log, or a checkpoint of it, fails verification (exit 4).

    ``sequence`` is the position of the first bad entry (the sequence number the entry
    there should carry), or ``None`` when the fault is not in an entry (a bad checkpoint
    signature, a missing log).
    """

    def __init__(
        self, reason: str, *, sequence: int | None = None, hint: str | None = None
    ) -> None:
        where = f" at entry {sequence}" if sequence is not None else ""
        super().__init__(
            f"audit log fails verification{where}: {reason}",
            hint
            or "keep this copy as evidence and compare it with backups and the "
            "exported checkpoints",
        )
        self.sequence = sequence
        self.reason = reason


def canonical_json(value: Any) -> bytes:
    """The one byte form of ``value`` that is hashed, MAC-ed, sealed and signed: sorted
    keys, no spaces, ASCII only (so a line never holds a raw newline or U+2028)."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def loads_untrusted(data: bytes) -> Any:
    """Parse JSON read from disk. Raises ``ValueError`` for anything that is not plain JSON,
    including NaN and Infinity (which ``canonical_json`` refuses) and nesting too deep to
    parse."""
    try:
        return json.loads(data, parse_constant=_refuse_constant)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def utc_now() -> str:
    """The current time as ISO-8601 UTC with microseconds and a ``Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class SealedLine:
    """One line of the log as stored: nothing in it is readable without the vault.

    ``sealed`` is base64 of the AEAD nonce and ciphertext of ``{"time", "event"}``; ``mac``
    is HMAC-SHA256 of ``mac_body()`` under the ratchet key of entry ``seq``; ``prev`` is the
    SHA-256 of the previous line (``GENESIS`` for entry 1).
    """

    seq: int
    prev: str
    sealed: str
    mac: str

    def line(self) -> bytes:
        """The entry as it is stored, without the newline."""
        return canonical_json(
            {"seq": self.seq, "prev": self.prev, "sealed": self.sealed, "mac": self.mac}
        )

    def mac_body(self) -> bytes:
        return mac_body(self.seq, self.prev, self.sealed)

    @property
    def digest(self) -> str:
        """SHA-256 of the stored line: the next entry's ``prev``, and a checkpoint's head."""
        return sha256_hex(self.line())

    def sealed_bytes(self) -> bytes:
        return base64.b64decode(self.sealed, validate=True)


def mac_body(seq: int, prev: str, sealed: str) -> bytes:
    """What an entry's MAC covers: everything stored but the MAC (the ciphertext, not the
    plaintext, so an auditor verifies without being able to read)."""
    return canonical_json({"format": ENTRY_FORMAT, "seq": seq, "prev": prev, "sealed": sealed})


def associated_data(seq: int, prev: str) -> bytes:
    """What an entry's ciphertext is bound to: its position in the chain."""
    return canonical_json({"format": ENTRY_FORMAT, "seq": seq, "prev": prev})


@dataclass(frozen=True)
class AuditEntry:
    """One entry, authenticated and decrypted. ``digest`` is the SHA-256 of its stored line."""

    seq: int
    time: str
    event: dict[str, Any]
    prev: str
    mac: str
    digest: str

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "time": self.time,
            "event": self.event,
            "prev": self.prev,
            "mac": self.mac,
        }

    @property
    def timestamp(self) -> datetime:
        """``time`` as an aware datetime. Raises ``ValueError`` if it is not ISO-8601."""
        return datetime.fromisoformat(self.time)

    @property
    def phase(self) -> str | None:
        """``"started"`` for a write-ahead entry, ``"outcome"`` for its outcome, else None."""
        phase = self.event.get("phase")
        return phase if isinstance(phase, str) else None

    @property
    def run_id(self) -> str | None:
        run_id = self.event.get("run_id")
        return run_id if isinstance(run_id, str) else None


def normalise_event(event: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of ``event`` exactly as it will read back from the log.

    Raises ``TypeError`` if ``event`` is not a dict or not JSON-serialisable, and
    ``ValueError`` if it lacks a ``command`` string, holds a NaN or infinity, or has a
    top-level ``prompt``/``output``/``text`` key (plaintext never enters the log: record
    hashes and lengths, or text the vault has sealed, under ``sealed_text``).
    """
    if not isinstance(event, dict):
        raise TypeError(f"an audit event is a dict, not {type(event).__name__}")
    normalised: dict[str, Any] = json.loads(canonical_json(event))
    if not isinstance(normalised.get("command"), str) or not normalised["command"]:
        raise ValueError("an audit event needs a 'command' string")
    plaintext = _PLAINTEXT_KEYS & normalised.keys()
    if plaintext:
        raise ValueError(
            f"audit events never hold plaintext ({', '.join(sorted(plaintext))}); "
            "record *_sha256 and *_chars, or text sealed by the vault under "
            "'sealed_text'"
        )
    return normalised


def parse_line(line: bytes, position: int | None) -> SealedLine:
    """Parse one stored line (untrusted: nothing authenticated). Raises
    ``AuditIntegrityError`` unless it is an entry in exactly the canonical form milai
    writes."""
    try:
        data = loads_untrusted(line)
    except ValueError:
        raise AuditIntegrityError("not a valid JSON entry", sequence=position) from None
    if isinstance(data, dict) and "event" in data:
        raise AuditIntegrityError(
            "a plaintext entry (a log written before entries were encrypted, or forged)",
            sequence=position,
        )
    if not isinstance(data, dict) or data.keys() != _LINE_FIELDS:
        raise AuditIntegrityError("not an audit entry (wrong fields)", sequence=position)
    seq, prev, sealed, mac = (data[name] for name in ("seq", "prev", "sealed", "mac"))
    if (
        type(seq) is not int
        or not isinstance(prev, str)
        or not _HEX64.fullmatch(prev)
        or not isinstance(sealed, str)
        or not isinstance(mac, str)
        or not _HEX64.fullmatch(mac)
    ):
        raise AuditIntegrityError("not an audit entry (wrong field types)", sequence=position)
    parsed = SealedLine(seq, prev, sealed, mac)
    try:
        parsed.sealed_bytes()
    except (binascii.Error, ValueError):
        raise AuditIntegrityError(
            "not an audit entry (bad ciphertext)", sequence=position
        ) from None
    if parsed.line() != line:
        raise AuditIntegrityError("entry is not in canonical form (edited)", sequence=position)
    return parsed
