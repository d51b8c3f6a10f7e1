"""The audit log file: locked appends, crash repair, verification, checkpoints and export."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, BinaryIO

from milai.audit._checkpoint import Checkpoint, Signer, VerifySignature, parse_checkpoint
from milai.audit._entry import (
    GENESIS,
    AuditEntry,
    AuditIntegrityError,
    ChainChecker,
    canonical_json,
    check_mac,
    loads_untrusted,
    normalise_event,
    parse_entry_line,
    seal_entry,
    sha256_hex,
    utc_now,
)
from milai.errors import UsageError
from milai.vault._fs import atomic_write, create_private, fsync_dir, locked, write_all

_CHUNK = 1 << 16
_REPAIR_COMMAND = "audit.repair"
_MIN_KEY_BYTES = 32


@dataclass(frozen=True)
class VerifyReport:
    """What a verification established. ``head`` is the hash of the last verified entry."""

    entries: int
    head: str
    torn_tail: bool
    checkpoints_checked: int
    torn_bytes: int = 0

    def summary(self) -> str:
        """One line for people, e.g. ``verified 17 entries (head 3fa9c2d1…); 2 checkpoints
        checked; a torn final line (crash mid-append, 88 bytes) was ignored``."""
        parts = [
            f"verified {self.entries} entries (head {self.head[:8]}…)",
            f"{self.checkpoints_checked} checkpoints checked",
        ]
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
        }


class AuditLog:
    """An append-only, hash-chained, HMAC-ed log of events, one JSON line per entry.

    ``hmac_key`` comes from ``vault.derive_key("milai audit hmac v1")``; ``signer`` (the
    vault's audit key) signs a checkpoint into the sidecar file every ``checkpoint_every``
    entries and is needed for ``write_checkpoint`` and for checking signatures. Nothing
    touches the disk until a method is called.
    """

    def __init__(
        self,
        path: Path,
        hmac_key: bytes,
        signer: Signer | None = None,
        *,
        checkpoint_every: int = 100,
    ) -> None:
        """Raises ``ValueError`` for a key under 32 bytes or ``checkpoint_every`` under 1."""
        if len(hmac_key) < _MIN_KEY_BYTES:
            raise ValueError(f"the audit HMAC key needs at least {_MIN_KEY_BYTES} bytes")
        if checkpoint_every < 1:
            raise ValueError("checkpoint_every must be at least 1")
        self.path = path
        self._key = bytes(hmac_key)
        self._signer = signer
        self._checkpoint_every = checkpoint_every

    @property
    def checkpoints_path(self) -> Path:
        """The sidecar of signed checkpoints, one JSON line each, beside the log."""
        return self.path.with_name(self.path.name + ".checkpoints")

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def append(self, event: dict[str, Any]) -> AuditEntry:
        """Append ``event`` as the next entry, durably, and return the entry as stored.

        Runs under an exclusive lock, so concurrent processes never lose or interleave
        entries. The log is created 0600 on first use; its folder must exist. A torn final
        line left by a crash is cut off first, and an ``audit.repair`` entry records its
        length and SHA-256. Raises ``TypeError``/``ValueError`` for a bad event (see
        ``normalise_event``), ``AuditIntegrityError`` if the last entry is damaged or forged
        (nothing is appended), and ``OSError`` if the file cannot be written.
        """
        event = normalise_event(event)
        with locked(self.lock_path):
            fd = _open_for_append(self.path)
            try:
                tail = _Tail.read(fd, with_last_line=True)
                seq, head = self._last_position(tail.last_line)
                first_seq = seq
                if tail.torn_bytes:
                    repair = {
                        "command": _REPAIR_COMMAND,
                        "discarded_bytes": tail.torn_bytes,
                        "discarded_sha256": _hash_range(fd, tail.complete_end, tail.size),
                    }
                    os.ftruncate(fd, tail.complete_end)
                    seq, head = _write_entry(fd, seal_entry(self._key, seq + 1, repair, head))
                entry = seal_entry(self._key, seq + 1, event, head)
                seq, head = _write_entry(fd, entry)
            finally:
                os.close(fd)
            every = self._checkpoint_every
            if self._signer is not None and seq // every > first_seq // every:
                self._append_checkpoint(Checkpoint.sign(self._signer, seq, head))
        return entry

    def check_tail(self) -> None:
        """Check, cheaply, that the next ``append`` can chain on: the last entry is intact.

        Raises ``AuditIntegrityError`` (as ``append`` would) and ``OSError``.
        """
        with _shared_lock_if_possible(self.lock_path):
            try:
                fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
            except FileNotFoundError:
                return
            try:
                self._last_position(_Tail.read(fd, with_last_line=True).last_line)
            finally:
                os.close(fd)

    def entries(self) -> EntryStream:
        """The entries in order, each checked (form, MAC, sequence, chain) before it is
        yielded; an empty stream if the log does not exist.

        Iterating raises ``AuditIntegrityError`` at the first bad entry. ``torn_tail`` on
        the stream says whether a torn final line (crash mid-append) is being skipped. Use
        it as a context manager, or consume it, so its file is closed.
        """
        snapshot, _ = self._snapshot(with_checkpoints=False)
        return EntryStream(snapshot, ChainChecker(self._key, {}))

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
        self, *, checkpoint: Path | None = None, verify_signature: VerifySignature | None = None
    ) -> VerifyReport:
        """Check every entry, and the log against signed checkpoints.

        With ``verify_signature`` (``milai.vault.verify_signature``) the sidecar's
        checkpoints are checked too, signatures first; ``checkpoint`` adds an exported one
        (from removable media), which is what catches truncation and a log replaced by an
        older copy. Checkpoints are trusted only under this log's signer's public key.

        A torn final line (crash mid-append) does not fail verification: it never became
        an entry, and cutting a log short is caught by checkpoints, not by it. The report
        says so (``torn_tail``).

        Raises ``AuditIntegrityError`` at the first fault (an edited, deleted, inserted,
        reordered or forged entry; a log shorter than a checkpoint or whose head differs;
        a bad checkpoint; a missing log), ``UsageError`` if ``checkpoint`` cannot be read,
        and ``ValueError`` when ``checkpoint`` comes without ``verify_signature`` or
        ``verify_signature`` without a signer.
        """
        snapshot, checker, checked = self._prepare(checkpoint, verify_signature)
        with EntryStream(snapshot, checker) as stream:
            for _ in stream:
                pass
        checker.finish()
        return stream.report(checked)

    def write_checkpoint(self, out: Path) -> Path:
        """Verify the log, sign a checkpoint of its head, and write it to ``out`` (a file,
        or a folder to hold ``audit-checkpoint-<seq>.json``); return the file written.

        The file is JSON: format, seq, head, time, public_key, signature (hex). Raises
        ``ValueError`` without a signer, ``AuditIntegrityError`` if the log fails
        verification (a tampered head is never signed), ``OSError`` if ``out`` cannot be
        written.
        """
        if self._signer is None:
            raise ValueError("writing a checkpoint needs the vault's audit signer")
        report = self.verify()
        signed = Checkpoint.sign(self._signer, report.entries, report.head)
        target = out / f"audit-checkpoint-{signed.seq}.json" if out.is_dir() else out
        atomic_write(target, json.dumps(signed.to_json(), indent=2).encode("ascii") + b"\n")
        return target

    def export_jsonl(
        self,
        out: IO[str],
        *,
        checkpoint: Path | None = None,
        verify_signature: VerifySignature | None = None,
    ) -> VerifyReport:
        """Write the log as JSON Lines for a SIEM and return the verification report.

        Each entry becomes ``{"record": "entry", seq, time, event, prev, mac, hash,
        "verified": true}``. From the first bad line on, lines are exported as
        ``{"record": "entry", "line": n, "verified": false, "unverified": <what the line
        holds>}`` (the first with an ``"error"``). The last line is ``{"record": "summary",
        "status": "verified" | "failed", ...report, "error", "sequence"}``.

        Raises as ``verify`` does; an ``AuditIntegrityError`` is raised only after the
        whole log and the summary have been written.
        """
        failure: AuditIntegrityError | None = None
        verified = VerifyReport(0, GENESIS, torn_tail=False, checkpoints_checked=0)
        try:
            snapshot, checker, checked = self._prepare(checkpoint, verify_signature)
        except AuditIntegrityError as error:
            failure = error
        else:
            with contextlib.closing(snapshot):
                try:
                    for position, line in enumerate(snapshot.lines(), start=1):
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
                                        "hash": checker.head,
                                        "verified": True,
                                    },
                                )
                                continue
                        _write_record(out, _unverified_record(line, position, failure))
                    if failure is None:
                        checker.finish()
                except AuditIntegrityError as error:
                    failure = failure or error
                verified = VerifyReport(
                    checker.count,
                    checker.head,
                    snapshot.torn_bytes > 0,
                    checked,
                    snapshot.torn_bytes,
                )
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
    ) -> tuple[_Snapshot, ChainChecker, int]:
        """Open the log and check the checkpoints' signatures; return the snapshot, a
        checker holding the heads they promise, and how many checkpoints there are."""
        if checkpoint is not None and verify_signature is None:
            raise ValueError(
                "an exported checkpoint is only evidence with its signature "
                "checked: pass verify_signature"
            )
        if verify_signature is not None and self._signer is None:
            raise ValueError("checking checkpoint signatures needs the signer's public key")
        exported = _read_exported_checkpoint(checkpoint) if checkpoint is not None else None
        snapshot, sidecar = self._snapshot(with_checkpoints=verify_signature is not None)
        if snapshot is None:
            raise AuditIntegrityError(f"{self.path} does not exist (deleted, or never written)")
        if verify_signature is None or self._signer is None:
            return snapshot, ChainChecker(self._key, {}), 0
        trusted = self._signer.public_key_bytes()
        expected: dict[int, list[tuple[str, str]]] = {}
        try:
            promised = [exported] if exported is not None else []
            for number, line in enumerate(sidecar, start=1):
                source = f"checkpoint {number} in {self.checkpoints_path.name}"
                promised.append((parse_checkpoint(line, source), source))
            for signed, source in promised:
                signed.verify(trusted, verify_signature, source)
                expected.setdefault(signed.seq, []).append((signed.head, source))
        except BaseException:
            snapshot.close()
            raise
        return snapshot, ChainChecker(self._key, expected), len(promised)

    def _snapshot(self, *, with_checkpoints: bool) -> tuple[_Snapshot | None, list[bytes]]:
        """The log opened, and the sidecar's complete lines read, as they stood under one
        shared lock, so that no append is halfway through either. ``None`` if the log does
        not exist."""
        if not self.path.exists():
            return None, []
        sidecar: _Snapshot | None = None
        with _shared_lock_if_possible(self.lock_path):
            try:
                snapshot = _Snapshot.open(self.path)
            except FileNotFoundError:
                return None, []
            if with_checkpoints:
                try:
                    sidecar = _Snapshot.open(self.checkpoints_path)
                except FileNotFoundError:
                    pass
                except BaseException:
                    snapshot.close()
                    raise
        if sidecar is None:
            return snapshot, []
        try:
            with contextlib.closing(sidecar):
                return snapshot, list(sidecar.lines())
        except BaseException:
            snapshot.close()
            raise

    def _last_position(self, last_line: bytes | None) -> tuple[int, str]:
        """(sequence number, line hash) of the last complete entry, its MAC checked."""
        if last_line is None:
            return 0, GENESIS
        try:
            entry = parse_entry_line(last_line, None)
            check_mac(self._key, entry, None)
        except AuditIntegrityError as error:
            raise AuditIntegrityError(
                f"the last entry is damaged ({error.reason}); nothing was appended",
                hint="run `milai audit verify` and keep this copy as evidence",
            ) from None
        return entry.seq, sha256_hex(last_line)

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


class EntryStream(Iterator[AuditEntry]):
    """Checked entries of one snapshot of the log (see ``AuditLog.entries``)."""

    def __init__(self, snapshot: _Snapshot | None, checker: ChainChecker) -> None:
        self._snapshot = snapshot
        self._checker = checker
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

    def report(self, checkpoints_checked: int = 0) -> VerifyReport:
        return VerifyReport(
            self.count, self.head, self.torn_tail, checkpoints_checked, self.torn_bytes
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

    def __init__(self, file: BinaryIO, tail: _Tail) -> None:
        self._file = file
        self.complete_end = tail.complete_end
        self.torn_bytes = tail.torn_bytes

    @classmethod
    def open(cls, path: Path) -> _Snapshot:
        """Raises ``FileNotFoundError`` if ``path`` is missing, ``OSError`` if it is a
        symbolic link or not a regular file."""
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
        try:
            _require_regular(fd, path)
            tail = _Tail.read(fd, with_last_line=False)
        except BaseException:
            os.close(fd)
            raise
        return cls(os.fdopen(fd, "rb"), tail)

    def lines(self) -> Iterator[bytes]:
        """The complete lines, without their newlines. Raises ``AuditIntegrityError`` if
        the bytes already there change while they are read (appends never do that)."""
        self._file.seek(0)
        remaining = self.complete_end
        while remaining:
            line = self._file.readline(remaining)
            remaining -= len(line)
            if not line.endswith(b"\n"):
                raise AuditIntegrityError("the log changed while it was being read")
            yield line[:-1]

    def close(self) -> None:
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
    flags = os.O_RDWR | os.O_APPEND | os.O_CLOEXEC | os.O_NOFOLLOW
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        os.close(create_private(path))
        fsync_dir(path.parent)
        fd = os.open(path, flags)
    try:
        _require_regular(fd, path)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _require_regular(fd: int, path: Path) -> None:
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        raise OSError(errno.EINVAL, "not a regular file", str(path))


@contextlib.contextmanager
def _shared_lock_if_possible(lock_path: Path) -> Iterator[None]:
    """A shared lock, or none where the lock file cannot be created (a copy of the log on
    read-only media, or in someone else's folder): reading alone cannot corrupt anything."""
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(locked(lock_path, shared=True))
        except OSError as error:
            if error.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
                raise
        yield


def _write_entry(fd: int, entry: AuditEntry) -> tuple[int, str]:
    line = entry.line()
    write_all(fd, line + b"\n")
    os.fsync(fd)
    return entry.seq, sha256_hex(line)


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
    return parse_checkpoint(data, source), source


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
