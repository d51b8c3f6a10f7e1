"""One audit entry: its canonical line, its MAC, and the checks that chain it to the one before."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from milai.errors import VaultIntegrityError

GENESIS = "0" * 64
"""The ``prev`` of entry 1: no entry comes before it."""

_HEX64 = re.compile(r"[0-9a-f]{64}")
_ENTRY_FIELDS = frozenset({"seq", "time", "event", "prev", "mac"})
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
    """The one byte form of ``value`` that is hashed, MAC-ed and signed: sorted keys, no
    spaces, ASCII only (so a line never holds a raw newline or U+2028)."""
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
class AuditEntry:
    """One line of the log. ``prev`` is the SHA-256 of the previous entry's line (``GENESIS``
    for entry 1); ``mac`` is HMAC-SHA256 over the canonical JSON of seq, time, event, prev."""

    seq: int
    time: str
    event: dict[str, Any]
    prev: str
    mac: str

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "time": self.time,
            "event": self.event,
            "prev": self.prev,
            "mac": self.mac,
        }

    def line(self) -> bytes:
        """The entry as it is stored, without the newline."""
        return canonical_json(self.to_json())

    @property
    def digest(self) -> str:
        """SHA-256 of the stored line: the next entry's ``prev``, and a checkpoint's head."""
        return sha256_hex(self.line())

    @property
    def timestamp(self) -> datetime:
        """``time`` as an aware datetime. Raises ``ValueError`` if it is not ISO-8601."""
        return datetime.fromisoformat(self.time)


def entry_mac(key: bytes, seq: int, time: str, event: dict[str, Any], prev: str) -> str:
    body = canonical_json({"seq": seq, "time": time, "event": event, "prev": prev})
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def seal_entry(key: bytes, seq: int, event: dict[str, Any], prev: str) -> AuditEntry:
    """A new entry after ``prev``, stamped now and MAC-ed under ``key``."""
    time = utc_now()
    return AuditEntry(seq, time, event, prev, entry_mac(key, seq, time, event, prev))


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


class ChainChecker:
    """Checks complete log lines in order: form, MAC, sequence, hash chain, and the heads
    that checkpoints promise. Raises ``AuditIntegrityError`` naming the first bad position."""

    def __init__(self, key: bytes, expected_heads: dict[int, list[tuple[str, str]]]) -> None:
        """``expected_heads`` maps a sequence number to (head hash, where the promise comes
        from) pairs, one per checkpoint that covers it."""
        self._key = key
        self._expected_heads = expected_heads
        self.count = 0
        self.head = GENESIS

    def check(self, line: bytes) -> AuditEntry:
        position = self.count + 1
        entry = parse_entry_line(line, position)
        check_mac(self._key, entry, position)
        if entry.seq != position:
            raise AuditIntegrityError(
                f"sequence number is {entry.seq}, expected {position} "
                "(entry deleted, inserted or reordered)",
                sequence=position,
            )
        if entry.prev != self.head:
            raise AuditIntegrityError(
                "hash chain broken (an earlier entry was replaced)", sequence=position
            )
        head = sha256_hex(line)
        for promised, source in self._expected_heads.get(position, ()):
            if promised != head:
                raise AuditIntegrityError(
                    f"head hash differs from {source} (log rewritten or replaced)",
                    sequence=position,
                )
        self.count, self.head = position, head
        return entry

    def finish(self) -> None:
        """Raise if a checkpoint covers entries beyond the last one checked."""
        beyond = [
            (seq, source)
            for seq, promises in self._expected_heads.items()
            if seq > self.count
            for _, source in promises
        ]
        if beyond:
            seq, source = max(beyond)
            raise AuditIntegrityError(
                f"log ends at entry {self.count} but {source} covers entry {seq} "
                "(truncated, or replaced by an older copy)",
                sequence=self.count + 1,
            )


def check_mac(key: bytes, entry: AuditEntry, position: int | None) -> None:
    """Raise ``AuditIntegrityError`` unless ``entry`` carries the MAC ``key`` gives it."""
    expected = entry_mac(key, entry.seq, entry.time, entry.event, entry.prev)
    if not hmac.compare_digest(entry.mac, expected):
        raise AuditIntegrityError("MAC does not match (entry edited or forged)", sequence=position)


def parse_entry_line(line: bytes, position: int | None) -> AuditEntry:
    """Parse one stored line (untrusted: no MAC checked). Raises ``AuditIntegrityError``
    unless it is an entry in exactly the canonical form milai writes."""
    try:
        data = loads_untrusted(line)
    except ValueError:
        raise AuditIntegrityError("not a valid JSON entry", sequence=position) from None
    if not isinstance(data, dict) or data.keys() != _ENTRY_FIELDS:
        raise AuditIntegrityError("not an audit entry (wrong fields)", sequence=position)
    seq, time, event, prev, mac = (data[name] for name in ("seq", "time", "event", "prev", "mac"))
    if (
        type(seq) is not int
        or not isinstance(time, str)
        or not isinstance(event, dict)
        or not isinstance(prev, str)
        or not _HEX64.fullmatch(prev)
        or not isinstance(mac, str)
        or not _HEX64.fullmatch(mac)
    ):
        raise AuditIntegrityError("not an audit entry (wrong field types)", sequence=position)
    entry = AuditEntry(seq, time, event, prev, mac)
    try:
        respelled = entry.line()
    except RecursionError:
        raise AuditIntegrityError("not a valid JSON entry", sequence=position) from None
    if respelled != line:
        raise AuditIntegrityError("entry is not in canonical form (edited)", sequence=position)
    return entry
