"""The audit log file: locked appends, crash repair, verification, checkpoints, the seal
key and export."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import IO, Any, BinaryIO

from milai.audit._chain import ChainChecker
from milai.audit._checkpoint import Checkpoint, Signer, VerifySignature, parse_checkpoint
from milai.audit._entry import (
    GENESIS,
    AuditEntry,
    AuditIntegrityError,
    SealedLine,
    canonical_json,
    loads_untrusted,
    normalise_event,
    parse_line,
    utc_now,
)
from milai.audit._seal import EntryCipher, SealKey, entry_mac, mac_matches
from milai.audit._state import AuditState, StateStore
from milai.errors import MilaiError, UsageError, VaultError
from milai.files import NotRegularFile, open_regular
from milai.vault.recipes import (
    atomic_write,
    create_private,
    fault_point,
    fsync_dir,
    locked,
    locked_or_refused,
    write_all,
)

_CHUNK = 1 << 16
_REPAIR_COMMAND = "audit.repair"
WRITE_AHEAD_PHASE = "started"
SEAL_KEY_EXPORT_COMMAND = "audit.seal-key-export"


@dataclass(frozen=True)
class VerifyReport:
    """What a verification established. ``head`` is the hash of the last verified entry;
    ``sealed``: every MAC was checked against the auditor's seal key; ``no_outcome``: the
    ``started`` entries whose run recorded no outcome (killed, or still running)."""

    entries: int
    head: str
    torn_tail: bool
    checkpoints_checked: int
    torn_bytes: int = 0
    sealed: bool = False
    seal_key_exported: bool = True
    no_outcome: tuple[int, ...] = ()
    vault_lagged: bool = False

    def summary(self) -> str:
        """One line for people, e.g. ``verified 17 entries (head 3fa9c2d1…); 2 checkpoints
        checked; sealed: every MAC checked against the seal key``."""
        parts = [
            f"verified {self.entries} entries (head {self.head[:8]}…)",
            f"{self.checkpoints_checked} checkpoints checked",
        ]
        if self.sealed:
            parts.append("sealed: every MAC checked against the seal key")
        elif not self.seal_key_exported:
            parts.append(
                "the seal key was never exported (`milai audit seal-key export PATH`): until "
                "it is, whoever holds the vault key could rewrite the log unnoticed"
            )
        else:
            parts.append("seal not checked (give --seal-key to catch a rewrite by a key holder)")
        if self.no_outcome:
            seqs = ", ".join(str(seq) for seq in self.no_outcome)
            parts.append(
                f"{len(self.no_outcome)} run(s) or act(s) with no outcome (killed, or still "
                f"running): entry {seqs}"
            )
        if self.vault_lagged:
            parts.append(
                "the last entry was written but not yet recorded in the vault (a run in "
                "progress, or a crash)"
            )
        if self.torn_tail:
            parts.append(
                f"a torn final line (crash mid-append, {self.torn_bytes} bytes) was ignored"
            )
        return "; ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {
            "entries": self.entries,
            "head": self.head,
            "torn_tail": self.torn_tail,
            "torn_bytes": self.torn_bytes,
            "checkpoints_checked": self.checkpoints_checked,
            "sealed": self.sealed,
            "seal_key_exported": self.seal_key_exported,
            "no_outcome": list(self.no_outcome),
            "vault_lagged": self.vault_lagged,
        }


class AuditLog:
    """An append-only, hash-chained, encrypted and forward-securely sealed log of events,
    one JSON line per entry.

    ``state`` keeps the log's head, ratchet and keys (the vault record ``audit/state``);
    ``signer`` (the vault's audit key) signs a checkpoint into the sidecar file every
    ``checkpoint_every`` entries and is needed for ``write_checkpoint`` and for checking
    signatures. Nothing touches the disk until a method is called.
    """

    def __init__(
        self,
        path: Path,
        state: StateStore,
        signer: Signer | None = None,
        *,
        checkpoint_every: int = 100,
    ) -> None:
        """Raises ``ValueError`` for ``checkpoint_every`` under 1."""
        if checkpoint_every < 1:
            raise ValueError("checkpoint_every must be at least 1")
        self.path = path
        self._state = state
        self._signer = signer
        self._checkpoint_every = checkpoint_every

    @property
    def checkpoints_path(self) -> Path:
        """The sidecar of signed checkpoints, one JSON line each, beside the log."""
        return self.path.with_name(self.path.name + ".checkpoints")

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def start(self) -> None:
        """Start the ratchet from a fresh seed if this log has none yet (``milai init``).

        Raises ``AuditIntegrityError`` if the log has entries but the vault no state."""
        with locked_or_refused(self.lock_path, "the audit log"):
            self._state_or_fresh(self._log_has_entries())

    def append(self, event: dict[str, Any]) -> AuditEntry:
        """Append ``event`` as the next entry, durably, and return the entry as stored.

        The line is written and fsync-ed, then the vault's audit state (head, next ratchet
        key, length) is replaced durably, before this returns. A ``started`` entry is on disk
        before the model sees the prompt, and recorded in the vault like any other. Runs under an
        exclusive lock, so concurrent processes never lose or interleave entries. The log is
        created 0600 on first use; its folder must exist. A torn final line left by a crash
        is cut off first, and an ``audit.repair`` entry records its length and SHA-256. Raises
        ``TypeError``/``ValueError`` for a bad event (see ``normalise_event``),
        ``AuditIntegrityError`` if the log does not end where the vault recorded it
        (nothing is appended), ``VaultError`` if its lock cannot be taken, and ``OSError`` if
        the file cannot be written.
        """
        event = normalise_event(event)
        with locked_or_refused(self.lock_path, "the audit log"):
            fd = _open_for_append(self.path)
            try:
                tail = _Tail.read(fd, with_last_line=True)
                recorded = self._state_or_fresh(tail.complete_end > 0)
                state = self._reconcile(recorded, tail)
                first_seq, recorded_seq = state.seq, recorded.seq
                if tail.torn_bytes:
                    repair = {
                        "command": _REPAIR_COMMAND,
                        "discarded_bytes": tail.torn_bytes,
                        "discarded_sha256": _hash_range(fd, tail.complete_end, tail.size),
                    }
                    os.ftruncate(fd, tail.complete_end)
                    state, _ = self._write_entry(fd, state, repair)
                    recorded_seq = state.seq
                # A vault left one entry behind by a crash (the entry it adopts above)
                # catches up before the next line is written: never two entries behind.
                if state.seq != recorded_seq:
                    self._state.save(state.to_bytes())
                # Every entry, a write-ahead ``started`` one too, is recorded at once: an
                # unrecorded entry could be cut off the log by anyone who can write the file,
                # and a killed run's ``started`` entry is the only trace it leaves.
                state, entry = self._write_entry(fd, state, event)
            finally:
                os.close(fd)
            every = self._checkpoint_every
            if self._signer is not None and state.seq // every > first_seq // every:
                self._append_checkpoint(Checkpoint.sign(self._signer, state.seq, state.head, None))
                self._state.save(replace(state, checkpoints=state.checkpoints + 1).to_bytes())
        return entry

    def check_tail(self) -> None:
        """Check, cheaply, that the next ``append`` can chain on: the log ends where the
        vault recorded it.

        Raises ``AuditIntegrityError`` (as ``append`` would) and ``OSError``.
        """
        with _shared_lock_if_possible(self.lock_path):
            try:
                fd = _open_regular(self.path, os.O_RDONLY)
            except FileNotFoundError:
                self._reconcile(self._state_or_none(has_entries=False), _Tail(0, 0, None))
                return
            try:
                tail = _Tail.read(fd, with_last_line=True)
                state = self._state_or_none(has_entries=tail.complete_end > 0)
                self._reconcile(state, tail)
            finally:
                os.close(fd)

    def export_seal_key(self, out: Path) -> None:
        """Write the auditor's verification seed to ``out`` (0600, never overwritten), erase
        it from the vault, and record the export in the log. Once only.

        Raises ``UsageError`` if it was exported before or ``out`` exists or cannot be
        created, ``AuditIntegrityError`` if the vault's audit state is damaged.
        """
        with locked_or_refused(self.lock_path, "the audit log"):
            self._seal_key_held()
        if out.exists() or out.is_symlink():  # refused before it is recorded as started
            raise UsageError(f"{out} exists: refusing to overwrite it")
        # Recorded ahead, as every act that changes the vault: killed once the seed is
        # written out and erased, the export stands in the log as started, no outcome.
        act = {"command": SEAL_KEY_EXPORT_COMMAND, "run_id": secrets.token_hex(8)}
        self.append({**act, "phase": WRITE_AHEAD_PHASE})
        try:
            with locked_or_refused(self.lock_path, "the audit log"):
                state = self._seal_key_held()
                state.seal_key().write(out)
                self._state.save(state.seal_key_exported().to_bytes())
        except MilaiError as error:
            self.append({**act, "phase": "outcome", "decision": "error", "error": error.message})
            raise
        self.append({**act, "phase": "outcome", "decision": "done"})

    def _seal_key_held(self) -> AuditState:
        """The audit state, holding the seed. Raises ``UsageError`` once it was exported."""
        state = self._state_or_fresh(self._log_has_entries())
        if state.seed is None:
            raise UsageError(
                f"the audit seal key was already exported (at {state.exported}); the "
                "vault no longer holds it",
                hint="verify with the copy on removable media: "
                "`milai audit verify --seal-key PATH`",
            )
        return state

    def entries(self) -> EntryStream:
        """The entries in order, each checked (form, sequence, chain, decryption) before it
        is yielded; an empty stream if the log does not exist.

        Iterating raises ``AuditIntegrityError`` at the first bad entry (opening raises it
        when the vault's audit state does not match the log's existence). ``torn_tail`` on
        the stream says whether a torn final line (crash mid-append) is being skipped. Use
        it as a context manager, or consume it, so its file is closed.
        """
        snapshot, _, state = self._snapshot(with_checkpoints=False)
        return EntryStream(snapshot, ChainChecker(_cipher(state), {}), state)

    def entry(self, seq: int) -> AuditEntry:
        """The entry numbered ``seq``, with every entry up to it checked.

        Raises ``UsageError`` if there is no such entry and ``AuditIntegrityError`` if the
        log fails verification before reaching it.
        """
        with self.entries() as stream:
            for entry in stream:
                if entry.seq == seq:
                    return entry
        raise UsageError(
            f"the audit log has no entry {seq}", hint=f"it holds entries 1 to {stream.count}"
        )

    def verify(
        self,
        *,
        checkpoint: Path | None = None,
        verify_signature: VerifySignature | None = None,
        seal_key: Path | None = None,
        generation: int | None = None,
    ) -> VerifyReport:
        """Check every entry, the log against the head the vault recorded, and against
        signed checkpoints.

        Every entry is authenticated (AEAD under the vault's key) and chained; the last must
        be the head the vault recorded, so a deleted, truncated or rolled-back log fails.
        ``seal_key`` (the auditor's file from ``export_seal_key``) recomputes the ratchet and
        checks every MAC: that catches whoever holds the vault key rewriting earlier entries.
        With ``verify_signature`` (``milai.vault.verify_signature``) the sidecar's
        checkpoints are checked too, signatures first; ``checkpoint`` adds an exported one
        (from removable media), which catches a vault folder rolled back as a whole: its
        entries, and ``generation`` (the vault's current state generation), must reach the
        checkpoint's. Checkpoints are trusted only under this log's signer's public key.

        A torn final line (crash mid-append) does not fail verification: it never became an
        entry. A ``started`` entry with no outcome of the same run does not fail either: the
        report lists it (a killed run).

        Raises ``AuditIntegrityError`` at the first fault, ``UsageError`` if ``checkpoint``
        or ``seal_key`` cannot be read or is not one, and ``ValueError`` when ``checkpoint``
        comes without ``verify_signature`` or ``verify_signature`` without a signer.
        """
        prepared = self._prepare(checkpoint, verify_signature, seal_key, generation)
        with EntryStream(prepared.snapshot, prepared.checker, prepared.state) as stream:
            for _ in stream:
                pass
        lagged = prepared.checker.finish(prepared.state)
        return stream.report(prepared.checked, lagged)

    def write_checkpoint(self, out: Path, *, generation: int | None = None) -> Path:
        """Verify the log, sign a checkpoint of its head and of the vault's ``generation``,
        and write it to ``out`` (a file, or a folder to hold ``audit-checkpoint-<seq>.json``);
        return the file written.

        The file is JSON: format, seq, head, time, generation, public_key, signature (hex).
        Raises ``ValueError`` without a signer, ``AuditIntegrityError`` if the log fails
        verification (a tampered head is never signed), ``OSError`` if ``out`` cannot be
        written.
        """
        if self._signer is None:
            raise ValueError("writing a checkpoint needs the vault's audit signer")
        report = self.verify()
        signed = Checkpoint.sign(self._signer, report.entries, report.head, generation)
        target = out / f"audit-checkpoint-{signed.seq}.json" if out.is_dir() else out
        atomic_write(target, json.dumps(signed.to_json(), indent=2).encode("ascii") + b"\n")
        return target

    def export_jsonl(
        self,
        out: IO[str],
        *,
        checkpoint: Path | None = None,
        verify_signature: VerifySignature | None = None,
        seal_key: Path | None = None,
        generation: int | None = None,
    ) -> VerifyReport:
        """Write the log, decrypted, as JSON Lines for a SIEM and return the verification
        report.

        Each entry becomes ``{"record": "entry", seq, time, event, prev, mac, hash,
        "verified": true}``. From the first bad line on, lines are exported as
        ``{"record": "entry", "line": n, "verified": false, "unverified": <the stored,
        still encrypted line>}`` (the first with an ``"error"``). The last line is
        ``{"record": "summary", "status": "verified" | "failed", ...report, "error",
        "sequence"}``.

        Raises as ``verify`` does; an ``AuditIntegrityError`` is raised only after the
        whole log and the summary have been written.
        """
        failure: AuditIntegrityError | None = None
        verified = VerifyReport(0, GENESIS, torn_tail=False, checkpoints_checked=0)
        try:
            prepared = self._prepare(checkpoint, verify_signature, seal_key, generation)
        except AuditIntegrityError as error:
            failure = error
        else:
            checker, snapshot = prepared.checker, prepared.snapshot
            with contextlib.closing(_Snapshot.none() if snapshot is None else snapshot) as lines:
                lagged = False
                try:
                    for position, line in enumerate(lines.lines(), start=1):
                        if failure is None:
                            try:
                                entry = checker.check(line)
                            except AuditIntegrityError as error:
                                failure = error
                            else:
                                _write_record(
                                    out,
                                    {
                                        "record": "entry",
                                        **entry.to_json(),
                                        "hash": entry.digest,
                                        "verified": True,
                                    },
                                )
                                continue
                        _write_record(out, _unverified_record(line, position, failure))
                    if failure is None:
                        lagged = checker.finish(prepared.state)
                except AuditIntegrityError as error:
                    failure = failure or error
                verified = _report(checker, lines.torn_bytes, prepared, lagged)
        _write_record(
            out,
            {
                "record": "summary",
                "status": "failed" if failure else "verified",
                "log": str(self.path),
                "exported": utc_now(),
                **verified.to_json(),
                "error": failure.message if failure else None,
                "sequence": failure.sequence if failure else None,
            },
        )
        out.flush()
        if failure is not None:
            raise failure
        return verified

    def _prepare(
        self,
        checkpoint: Path | None,
        verify_signature: VerifySignature | None,
        seal_key_path: Path | None,
        generation: int | None,
    ) -> _Prepared:
        """Open the log, read the vault's state, check the checkpoints' signatures and the
        seal key's log; return what verification needs."""
        if checkpoint is not None and verify_signature is None:
            raise ValueError(
                "an exported checkpoint is only evidence with its signature "
                "checked: pass verify_signature"
            )
        if verify_signature is not None and self._signer is None:
            raise ValueError("checking checkpoint signatures needs the signer's public key")
        exported = _read_exported_checkpoint(checkpoint) if checkpoint is not None else None
        seal_key = SealKey.read(seal_key_path) if seal_key_path is not None else None
        snapshot, sidecar, state = self._snapshot(with_checkpoints=verify_signature is not None)
        try:
            if snapshot is None and state is not None and state.seq > 0:
                raise AuditIntegrityError(
                    f"{self.path} does not exist but the vault recorded {state.seq} entries "
                    "(deleted)"
                )
            if seal_key is not None and (state is None or seal_key.log_id != state.log_id):
                raise AuditIntegrityError(
                    "the seal key is for another audit log (wrong seal key, or the log and "
                    "the vault's audit state were replaced)"
                )
            seed = seal_key.seed if seal_key is not None else None
            if verify_signature is None or self._signer is None:
                checker = ChainChecker(_cipher(state), {}, seed)
                return _Prepared(snapshot, checker, 0, state)
            if state is not None and len(sidecar) < state.checkpoints:
                raise AuditIntegrityError(
                    f"{self.checkpoints_path.name} holds {len(sidecar)} checkpoints but the "
                    f"vault recorded {state.checkpoints} (deleted or truncated)"
                )
            trusted = self._signer.public_key_bytes()
            expected: dict[int, list[tuple[str, str]]] = {}
            promised = [exported] if exported is not None else []
            for number, line in enumerate(sidecar, start=1):
                source = f"checkpoint {number} in {self.checkpoints_path.name}"
                promised.append((parse_checkpoint(line, source), source))
            for signed, source in promised:
                signed.verify(trusted, verify_signature, source)
                expected.setdefault(signed.seq, []).append((signed.head, source))
            if exported is not None:
                _check_generation(exported, generation)
        except BaseException:
            if snapshot is not None:
                snapshot.close()
            raise
        return _Prepared(
            snapshot, ChainChecker(_cipher(state), expected, seed), len(promised), state
        )

    def _snapshot(
        self, *, with_checkpoints: bool
    ) -> tuple[_Snapshot | None, list[bytes], AuditState | None]:
        """The log opened, the sidecar's complete lines read, and the vault's audit state,
        as they stood under one shared lock, so that no append is halfway through any of
        them. ``None`` for a log that does not exist."""
        sidecar: _Snapshot | None = None
        snapshot: _Snapshot | None = None
        with _shared_lock_if_possible(self.lock_path):
            try:
                snapshot = _Snapshot.open(self.path)
            except FileNotFoundError:
                pass
            try:
                state = self._state_or_none(
                    has_entries=snapshot is not None and snapshot.complete_end > 0
                )
                if with_checkpoints:
                    with contextlib.suppress(FileNotFoundError):
                        sidecar = _Snapshot.open(self.checkpoints_path)
            except BaseException:
                if snapshot is not None:
                    snapshot.close()
                raise
        if sidecar is None:
            return snapshot, [], state
        try:
            with contextlib.closing(sidecar):
                return snapshot, list(sidecar.lines()), state
        except BaseException:
            if snapshot is not None:
                snapshot.close()
            raise

    def _log_has_entries(self) -> bool:
        try:
            return self.path.stat().st_size > 0
        except FileNotFoundError:
            return False

    def _state_or_none(self, *, has_entries: bool) -> AuditState | None:
        """The vault's audit state; ``None`` for a log that was never started (no state and
        no entries). Raises ``AuditIntegrityError`` for entries with no state."""
        data = self._state.load()
        if data is not None:
            return AuditState.from_bytes(data)
        if has_entries:
            raise AuditIntegrityError(
                "the log has entries but the vault holds no audit state for it (state "
                "deleted, or a log written before forward-secure sealing)"
            )
        return None

    def _state_or_fresh(self, has_entries: bool) -> AuditState:
        """The vault's audit state, started (and saved) from a fresh seed if there is none
        and the log has no entries. Call under the exclusive lock."""
        state = self._state_or_none(has_entries=has_entries)
        if state is None:
            state = AuditState.fresh()
            self._state.save(state.to_bytes())
        return state

    @staticmethod
    def _reconcile(state: AuditState | None, tail: _Tail) -> AuditState:
        """The state to append after, checked against the log's last complete line and its
        length: the same head, or one entry further (a crash after writing an entry, before
        recording it: that entry must carry the MAC of the ratchet key the vault holds)."""
        if state is None:
            state = AuditState.fresh()
        if tail.last_line is None:
            if state.seq == 0:
                return state
            raise AuditIntegrityError(
                f"the log is empty but the vault recorded {state.seq} entries (deleted or "
                "truncated); nothing was appended",
                hint="run `milai audit verify` and keep this copy as evidence",
            )
        try:
            last = parse_line(tail.last_line, None)
        except AuditIntegrityError as error:
            raise AuditIntegrityError(
                f"the last entry is damaged ({error.reason}); nothing was appended",
                hint="run `milai audit verify` and keep this copy as evidence",
            ) from None
        if last.seq == state.seq and last.digest == state.head:
            _check_length(state, tail.complete_end)
            return state
        if last.seq == state.seq + 1 and last.prev == state.head and mac_matches(state.key, last):
            _check_length(state, tail.complete_end - len(tail.last_line) - 1)
            return state.advanced(last.digest, tail.complete_end)
        raise AuditIntegrityError(
            f"the log ends at entry {last.seq}, not at entry {state.seq} as the vault "
            "recorded (truncated, rolled back or rewritten); nothing was appended",
            hint="run `milai audit verify` and keep this copy as evidence",
        )

    def _write_entry(
        self, fd: int, state: AuditState, event: dict[str, Any]
    ) -> tuple[AuditState, AuditEntry]:
        """Seal ``event`` as the entry after ``state``, write and fsync it, then record the
        new head and ratchet key in the vault (the old key is not kept)."""
        seq, prev, time = state.seq + 1, state.head, utc_now()
        sealed = EntryCipher(state.cipher_key).seal(seq, prev, time, event)
        line = SealedLine(seq, prev, sealed, entry_mac(state.key, seq, prev, sealed))
        fault_point("append")
        write_all(fd, line.line() + b"\n")
        os.fsync(fd)
        advanced = state.advanced(line.digest, os.fstat(fd).st_size)
        self._state.save(advanced.to_bytes())
        return advanced, AuditEntry(seq, time, event, prev, line.mac, line.digest)

    def _append_checkpoint(self, signed: Checkpoint) -> None:
        fd = _open_for_append(self.checkpoints_path)
        try:
            tail = _Tail.read(fd, with_last_line=False)
            if tail.torn_bytes:
                os.ftruncate(fd, tail.complete_end)
            write_all(fd, canonical_json(signed.to_json()) + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)


@dataclass
class _Prepared:
    snapshot: _Snapshot | None
    checker: ChainChecker
    checked: int
    state: AuditState | None


def _cipher(state: AuditState | None) -> EntryCipher | None:
    return EntryCipher(state.cipher_key) if state is not None else None


def _report(
    checker: ChainChecker, torn_bytes: int, prepared: _Prepared, lagged: bool
) -> VerifyReport:
    state = prepared.state
    return VerifyReport(
        checker.count,
        checker.head,
        torn_bytes > 0,
        prepared.checked,
        torn_bytes,
        sealed=checker.sealed,
        seal_key_exported=state is None or state.seed is None,
        no_outcome=checker.no_outcome,
        vault_lagged=lagged,
    )


def _check_length(state: AuditState, length: int) -> None:
    """The log's bytes through entry ``state.seq`` must be as many as the vault recorded
    (a state written before lengths were kept has none to compare)."""
    if state.size is not None and length != state.size:
        raise AuditIntegrityError(
            f"the log is {length} bytes long through entry {state.seq}, not {state.size} as "
            "the vault recorded (entries deleted, added or repeated behind the vault's back); "
            "nothing was appended",
            hint="run `milai audit verify` and keep this copy as evidence",
        )


def _check_generation(exported: tuple[Checkpoint, str], generation: int | None) -> None:
    signed, source = exported
    if signed.generation is not None and generation is not None and generation < signed.generation:
        raise AuditIntegrityError(
            f"the vault is at generation {generation}, older than {source} (generation "
            f"{signed.generation}): the vault was rolled back"
        )


class EntryStream(Iterator[AuditEntry]):
    """Checked entries of one snapshot of the log (see ``AuditLog.entries``)."""

    def __init__(
        self, snapshot: _Snapshot | None, checker: ChainChecker, state: AuditState | None
    ) -> None:
        self._snapshot = snapshot
        self._checker = checker
        self._state = state
        self._lines = snapshot.lines() if snapshot is not None else iter(())
        self.torn_bytes = snapshot.torn_bytes if snapshot is not None else 0
        self.torn_tail = self.torn_bytes > 0

    @property
    def count(self) -> int:
        """How many entries have been checked so far."""
        return self._checker.count

    @property
    def head(self) -> str:
        """The hash of the last entry checked so far."""
        return self._checker.head

    @property
    def no_outcome(self) -> tuple[int, ...]:
        """``started`` entries so far whose run recorded no outcome (yet)."""
        return self._checker.no_outcome

    def report(self, checkpoints_checked: int = 0, lagged: bool = False) -> VerifyReport:
        return _report(
            self._checker,
            self.torn_bytes,
            _Prepared(self._snapshot, self._checker, checkpoints_checked, self._state),
            lagged,
        )

    def __next__(self) -> AuditEntry:
        try:
            return self._checker.check(next(self._lines))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._snapshot is not None:
            self._snapshot.close()

    def __enter__(self) -> EntryStream:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class _Snapshot:
    """A log-shaped file as it stood when opened: the complete lines then present, and the
    torn bytes after the last newline. Later appends land beyond it and are not read."""

    def __init__(self, file: BinaryIO | None, tail: _Tail) -> None:
        self._file = file
        self.complete_end = tail.complete_end
        self.torn_bytes = tail.torn_bytes

    @classmethod
    def none(cls) -> _Snapshot:
        """A log that does not exist: no lines."""
        return cls(None, _Tail(0, 0, None))

    @classmethod
    def open(cls, path: Path) -> _Snapshot:
        """Raises ``FileNotFoundError`` if ``path`` is missing, ``OSError`` if it is a
        symbolic link or not a regular file."""
        fd = _open_regular(path, os.O_RDONLY)
        try:
            tail = _Tail.read(fd, with_last_line=False)
        except BaseException:
            os.close(fd)
            raise
        return cls(os.fdopen(fd, "rb"), tail)

    def lines(self) -> Iterator[bytes]:
        """The complete lines, without their newlines. Raises ``AuditIntegrityError`` if
        the bytes already there change while they are read (appends never do that)."""
        if self._file is None:
            return
        self._file.seek(0)
        remaining = self.complete_end
        while remaining:
            line = self._file.readline(remaining)
            remaining -= len(line)
            if not line.endswith(b"\n"):
                raise AuditIntegrityError("the log changed while it was being read")
            yield line[:-1]

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


@dataclass(frozen=True)
class _Tail:
    """Where the complete lines of an open file end, and its last complete line."""

    size: int
    complete_end: int
    last_line: bytes | None

    @property
    def torn_bytes(self) -> int:
        return self.size - self.complete_end

    @classmethod
    def read(cls, fd: int, *, with_last_line: bool) -> _Tail:
        size = os.fstat(fd).st_size
        if size and _pread_exact(fd, 1, size - 1) == b"\n":
            complete_end = size
        else:
            complete_end = _last_newline_before(fd, size) + 1
        last_line = None
        if with_last_line and complete_end:
            start = _last_newline_before(fd, complete_end - 1) + 1
            last_line = _pread_exact(fd, complete_end - 1 - start, start)
        return cls(size, complete_end, last_line)


def _open_for_append(path: Path) -> int:
    """Open ``path`` read-write in append mode, creating it 0600 (``O_EXCL``) if missing.
    Never follows a symbolic link. Raises ``OSError``."""
    flags = os.O_RDWR | os.O_APPEND
    try:
        return _open_regular(path, flags)
    except FileNotFoundError:
        os.close(create_private(path))
        fsync_dir(path.parent)
        return _open_regular(path, flags)


def _open_regular(path: Path, flags: int) -> int:
    """Open ``path`` only if it is a regular file in its place: never through a symbolic
    link, never waiting on a FIFO. Raises ``AuditIntegrityError`` naming the file when
    something else stands there, ``OSError`` when it cannot be opened."""
    try:
        return open_regular(path, flags)
    except NotRegularFile:
        raise AuditIntegrityError(
            f"{path.name} is not a regular file (a symbolic link or another kind of file in "
            "its place)"
        ) from None


@contextlib.contextmanager
def _shared_lock_if_possible(lock_path: Path) -> Iterator[None]:
    """A shared lock, or none where the lock file cannot be created (a copy of the log on
    read-only media, or in someone else's folder): reading alone cannot corrupt anything."""
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(locked(lock_path, shared=True))
        except OSError as error:
            if error.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
                raise VaultError(
                    f"cannot lock the audit log ({lock_path}): {error.strerror}"
                ) from None
        yield


def _pread_exact(fd: int, length: int, offset: int) -> bytes:
    data = os.pread(fd, length, offset)
    if len(data) != length:
        raise AuditIntegrityError("the log changed while it was being read")
    return data


def _last_newline_before(fd: int, end: int) -> int:
    """The offset of the last newline before ``end``, or -1 if there is none."""
    while end > 0:
        start = max(0, end - _CHUNK)
        found = _pread_exact(fd, end - start, start).rfind(b"\n")
        if found >= 0:
            return start + found
        end = start
    return -1


def _hash_range(fd: int, start: int, end: int) -> str:
    digest = hashlib.sha256()
    for offset in range(start, end, _CHUNK):
        digest.update(_pread_exact(fd, min(_CHUNK, end - offset), offset))
    return digest.hexdigest()


def _read_exported_checkpoint(path: Path) -> tuple[Checkpoint, str]:
    """The checkpoint in ``path`` (signature unchecked) and a name for it in messages."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read checkpoint {path}: {error.strerror}") from None
    source = f"checkpoint {path.name}"
    return parse_checkpoint(data, source, exported=True), source


def _unverified_record(
    line: bytes, position: int, error: AuditIntegrityError | None
) -> dict[str, Any]:
    try:
        content: Any = loads_untrusted(line)
    except ValueError:
        content = line.decode("utf-8", errors="replace")
    record = {"record": "entry", "line": position, "verified": False, "unverified": content}
    if error is not None and error.sequence == position:
        record["error"] = error.message
    return record


def _write_record(out: IO[str], record: dict[str, Any]) -> None:
    out.write(canonical_json(record).decode("ascii") + "\n")
