"""Checking the log line by line: form, sequence, hash chain, decryption, the seal's MACs,
the heads checkpoints promise and the head the vault recorded."""

from __future__ import annotations

from milai.audit import _seal
from milai.audit._entry import GENESIS, AuditEntry, AuditIntegrityError, SealedLine, parse_line
from milai.audit._state import AuditState


class ChainChecker:
    """Checks complete log lines in order and yields them decrypted. Raises
    ``AuditIntegrityError`` naming the first bad position.

    ``seal_seed`` (the auditor's seal key) makes it recompute the ratchet and check every
    entry's MAC; without it, each entry is authenticated by its AEAD tag under the vault's
    key and the chain is anchored by the head the vault recorded.
    """

    def __init__(
        self,
        cipher: _seal.EntryCipher | None,
        expected_heads: dict[int, list[tuple[str, str]]],
        seal_seed: bytes | None = None,
    ) -> None:
        """``expected_heads`` maps a sequence number to (head hash, where the promise comes
        from) pairs, one per checkpoint that covers it. ``cipher`` may be ``None`` only for
        a log with no entries."""
        self._cipher = cipher
        self._expected_heads = expected_heads
        self._ratchet = _seal.first_key(seal_seed) if seal_seed is not None else None
        self.sealed = seal_seed is not None
        self.count = 0
        self.head = GENESIS
        self.last: SealedLine | None = None
        self._started: dict[str, int] = {}

    @property
    def no_outcome(self) -> tuple[int, ...]:
        """Sequence numbers of ``started`` entries whose run recorded no outcome (killed,
        or still running)."""
        return tuple(sorted(self._started.values()))

    def check(self, line: bytes) -> AuditEntry:
        position = self.count + 1
        parsed = parse_line(line, position)
        if parsed.seq != position:
            raise AuditIntegrityError(
                f"sequence number is {parsed.seq}, expected {position} "
                "(entry deleted, inserted or reordered)",
                sequence=position,
            )
        if parsed.prev != self.head:
            raise AuditIntegrityError(
                "hash chain broken (an earlier entry was replaced)", sequence=position
            )
        if self._ratchet is not None:
            if not _seal.mac_matches(self._ratchet, parsed):
                raise AuditIntegrityError(
                    "MAC does not match the seal key's ratchet (entry rewritten or forged "
                    "after it was sealed)",
                    sequence=position,
                )
            self._ratchet = _seal.next_key(self._ratchet)
        if self._cipher is None:
            raise AuditIntegrityError("the vault holds no key for this log", sequence=position)
        time, event = self._cipher.open(parsed, position)
        head = parsed.digest
        for promised, source in self._expected_heads.get(position, ()):
            if promised != head:
                raise AuditIntegrityError(
                    f"head hash differs from {source} (log rewritten or replaced)",
                    sequence=position,
                )
        self.count, self.head, self.last = position, head, parsed
        entry = AuditEntry(position, time, event, parsed.prev, parsed.mac, head)
        self._track(entry)
        return entry

    def _track(self, entry: AuditEntry) -> None:
        if entry.run_id is None:
            return
        if entry.phase == "started":
            self._started[entry.run_id] = entry.seq
        elif entry.phase == "outcome":
            self._started.pop(entry.run_id, None)

    def finish(self, state: AuditState | None) -> bool:
        """Raise if a checkpoint covers entries beyond the last one checked, or the log does
        not end where the vault recorded its head. Returns whether the vault lags one entry
        behind (a crash between writing an entry and recording it: not tampering, since
        that entry carries the MAC of the ratchet key the vault holds)."""
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
        if state is None:
            return False
        lagged = self._anchor(state)
        if self._ratchet is not None:
            expected = _seal.next_key(state.key) if lagged else state.key
            if not _seal.same_key(expected, self._ratchet):
                raise AuditIntegrityError(
                    "the vault's ratchet key does not follow from the seal key "
                    "(its audit state was replaced)"
                )
        return lagged

    def _anchor(self, state: AuditState) -> bool:
        if self.count == state.seq:
            if self.head != state.head:
                raise AuditIntegrityError(
                    "the last entry is not the one the vault recorded (log rewritten or replaced)",
                    sequence=self.count,
                )
            return False
        if (
            self.count == state.seq + 1
            and self.last is not None
            and self.last.prev == state.head
            and _seal.mac_matches(state.key, self.last)
        ):
            return True
        if self.count < state.seq:
            raise AuditIntegrityError(
                f"log ends at entry {self.count} but the vault recorded {state.seq} entries "
                "(truncated, rolled back or deleted)",
                sequence=self.count + 1,
            )
        raise AuditIntegrityError(
            f"log has {self.count} entries but the vault recorded {state.seq} (entries "
            "added behind the vault's back, or its audit state rolled back)",
            sequence=state.seq + 1,
        )
