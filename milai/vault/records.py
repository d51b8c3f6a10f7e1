"""Small encrypted records (settings, chat history, the audit log's keys, anything else).

Each record is one file, ``records/<tag>.rec``, where ``tag`` is a keyed hash of the kind and
id, so neither shows on disk. The file is AES-256-GCM sealed; its associated data binds the
format version, the kind and the tag, and the plaintext carries the id, checked on every
read. The vault state (state.py) lists every record with its kind, id, size and digest:
opening the vault checks each record's presence and type; a read checks the file's size
and SHA-256 against the state before decrypting it (exit 4 naming the record when it differs).
A write goes through ``Ledger.change`` (the vault lock, then temp, fsync, and the state's
commit), so concurrent processes never lose one another's writes and a killed one leaves
the old or the new record.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import os
import re
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from milai.errors import UsageError, VaultError, VaultIntegrityError
from milai.files import NotRegularFile, open_regular
from milai.vault import _crypto
from milai.vault._fs import create_temp_for, ensure_private_dir, fault_point, sync_file, write_all
from milai.vault.state import (
    RECORD,
    RECORDS_DIR,
    RESTORE_HINT,
    Draft,
    FileEntry,
    Ledger,
    mismatch_message,
)

RECORD_MAGIC = b"MILAIREC"
RECORD_VERSION = 1
_HEADER = struct.Struct(">8sH12s")
RECORD_SUFFIX = ".rec"
MAX_RECORD_BYTES = 256 * 1024 * 1024
MAX_ID_BYTES = 1024
TAG_BYTES = 16

PUBLIC_KIND = re.compile(r"[a-z][a-z0-9_-]{0,63}")
INTERNAL_KIND = re.compile(r"_[a-z][a-z0-9_-]{0,62}")


def _check_id(record_id: str) -> bytes:
    if not record_id or "\x00" in record_id:
        raise UsageError(f"invalid record id {record_id!r}")
    encoded = record_id.encode()
    if len(encoded) > MAX_ID_BYTES:
        raise UsageError("record id too long")
    return encoded


def _aad(kind: str, tag: bytes) -> bytes:
    return RECORD_MAGIC + struct.pack(">H", RECORD_VERSION) + kind.encode() + b"\x00" + tag


@dataclass(frozen=True)
class UnverifiedRecord:
    """A record file as read from disk: well-formed, not yet authenticated."""

    nonce: bytes
    ciphertext: bytes

    @classmethod
    def parse(cls, data: bytes) -> UnverifiedRecord:
        if len(data) < _HEADER.size + _crypto.TAG_BYTES + 2:
            raise VaultIntegrityError()
        magic, version, nonce = _HEADER.unpack_from(data)
        if magic != RECORD_MAGIC or version != RECORD_VERSION:
            raise VaultIntegrityError()
        return cls(nonce, data[_HEADER.size :])

    def authenticate(self, key: bytes, kind: str, tag: bytes) -> tuple[str, bytes]:
        """The record's id and data. Raises ``VaultIntegrityError``."""
        plaintext = _crypto.open_sealed(key, self.nonce, self.ciphertext, _aad(kind, tag))
        (id_length,) = struct.unpack_from(">H", plaintext)
        if 2 + id_length > len(plaintext):
            raise VaultIntegrityError()
        try:
            record_id = plaintext[2 : 2 + id_length].decode()
        except UnicodeDecodeError:
            raise VaultIntegrityError() from None
        return record_id, plaintext[2 + id_length :]


@dataclass(frozen=True)
class RecordKeys:
    """The two subkeys of a vault key that records use."""

    sealing: bytes
    naming: bytes

    def tag(self, kind: str, record_id: str) -> bytes:
        encoded = _check_id(record_id)
        return _crypto.hmac_sha256(self.naming, kind.encode() + b"\x00" + encoded)[:TAG_BYTES]

    def path(self, kind: str, record_id: str) -> str:
        return f"{RECORDS_DIR}/{self.tag(kind, record_id).hex()}{RECORD_SUFFIX}"

    def seal(self, kind: str, record_id: str, data: bytes) -> bytes:
        encoded = _check_id(record_id)
        plaintext = struct.pack(">H", len(encoded)) + encoded + data
        tag = self.tag(kind, record_id)
        nonce, sealed = _crypto.seal(self.sealing, plaintext, _aad(kind, tag))
        return _HEADER.pack(RECORD_MAGIC, RECORD_VERSION, nonce) + sealed

    def open(self, kind: str, record_id: str, data: bytes) -> bytes:
        """The data of a sealed record. Raises ``VaultIntegrityError``."""
        found_id, value = UnverifiedRecord.parse(data).authenticate(
            self.sealing, kind, self.tag(kind, record_id)
        )
        if found_id != record_id:
            raise VaultIntegrityError()
        return value


class RecordStore:
    """Encrypted key-value records, grouped by kind. Every method may raise
    ``VaultIntegrityError`` (a record was tampered with, removed, or is an older copy) or
    ``VaultError`` (I/O)."""

    def __init__(self, ledger: Ledger, keys: RecordKeys) -> None:
        self._ledger = ledger
        self._keys = keys

    def __repr__(self) -> str:
        return f"RecordStore({str(self._ledger.home / RECORDS_DIR)!r})"

    # -- public API: kinds are lower-case names; kinds starting with "_" are the vault's.

    def get(self, kind: str, record_id: str) -> bytes | None:
        """The record's data, or ``None`` when there is none."""
        return self._get(self._public(kind), record_id)

    def put(self, kind: str, record_id: str, data: bytes) -> None:
        """Create or replace a record, atomically."""
        self._update(self._public(kind), record_id, lambda _old: data)

    def update(self, kind: str, record_id: str, fn: Callable[[bytes | None], bytes]) -> bytes:
        """Read-modify-write under the vault lock: ``fn(old)`` gives the new data
        (``old`` is ``None`` when there is no record). Returns the new data."""
        return self._update(self._public(kind), record_id, fn)

    def delete(self, kind: str, record_id: str) -> None:
        """Remove a record; nothing happens when there is none."""
        kind = self._public(kind)
        path = self._keys.path(kind, record_id)
        with self._ledger.change() as draft:
            if path in draft.files:
                draft.remove(path)

    def list(self, kind: str) -> builtins.list[str]:
        """The ids of every record of ``kind``, sorted."""
        kind = self._public(kind)
        self._ledger.refresh()
        return sorted(
            entry.record_id for _, entry in self._ledger.state.entries(RECORD) if entry.kind == kind
        )

    @contextlib.contextmanager
    def batch(self) -> Iterator[RecordBatch]:
        """Several reads and writes as one change, under the vault lock: every write in the
        block lands together when it ends, or none does (when it raises). Inside the block,
        use only the batch (the store would wait for the lock the block holds)."""
        with self._ledger.change() as draft:
            yield RecordBatch(self._ledger.home, draft, self._keys)

    def file_of(self, kind: str, record_id: str) -> Path:
        """Where the record would lie (its name is a keyed hash of kind and id)."""
        return self._ledger.home / self._keys.path(kind, record_id)

    # -- the vault's own use (kinds starting with "_") and the shared machinery.

    def _get(self, kind: str, record_id: str) -> bytes | None:
        path = self._keys.path(kind, record_id)
        for attempt in range(2):
            if attempt:
                self._ledger.refresh()
            entry = self._ledger.state.files.get(path)
            if entry is None:
                continue
            data = self._read_listed(path, entry)
            if data is not None:
                return self._keys.open(kind, record_id, data)
        entry = self._ledger.state.files.get(path)
        if entry is None:
            return None
        raise VaultIntegrityError(mismatch_message(entry.describe(path)), hint=RESTORE_HINT)

    def _read_listed(self, path: str, entry: FileEntry) -> bytes | None:
        return read_listed(self._ledger.home, path, entry)

    def _update(self, kind: str, record_id: str, fn: Callable[[bytes | None], bytes]) -> bytes:
        _check_id(record_id)
        with self._ledger.change() as draft:
            path = self._keys.path(kind, record_id)
            entry = draft.files.get(path)
            old = None
            if entry is not None:
                data = self._read_listed(path, entry)
                if data is None:
                    raise VaultIntegrityError(
                        mismatch_message(entry.describe(path)), hint=RESTORE_HINT
                    )
                old = self._keys.open(kind, record_id, data)
            new = fn(old)
            if not isinstance(new, bytes | bytearray):
                raise TypeError("a record's data is bytes")
            new = bytes(new)
            if len(new) > MAX_RECORD_BYTES:
                raise UsageError(f"a record holds at most {MAX_RECORD_BYTES} bytes")
            stage_record(self._ledger.home, draft, self._keys, kind, record_id, new)
            return new

    @staticmethod
    def _public(kind: str) -> str:
        if not PUBLIC_KIND.fullmatch(kind):
            raise UsageError(f"invalid record kind {kind!r}")
        return kind


class RecordBatch:
    """The records as one ``RecordStore.batch`` block sees them (its own writes included).
    Every method may raise ``VaultIntegrityError`` or ``VaultError``."""

    def __init__(self, home: Path, draft: Draft, keys: RecordKeys) -> None:
        self._home = home
        self._draft = draft
        self._keys = keys
        self._written: dict[str, bytes | None] = {}

    def get(self, kind: str, record_id: str) -> bytes | None:
        """The record's data as of this block, or ``None`` when there is none."""
        kind = RecordStore._public(kind)
        path = self._keys.path(kind, record_id)
        if path in self._written:
            return self._written[path]
        entry = self._draft.files.get(path)
        if entry is None:
            return None
        data = read_listed(self._home, path, entry)
        if data is None:
            raise VaultIntegrityError(mismatch_message(entry.describe(path)), hint=RESTORE_HINT)
        return self._keys.open(kind, record_id, data)

    def put(self, kind: str, record_id: str, data: bytes) -> None:
        """Create or replace a record when the block ends."""
        kind = RecordStore._public(kind)
        if len(data) > MAX_RECORD_BYTES:
            raise UsageError(f"a record holds at most {MAX_RECORD_BYTES} bytes")
        stage_record(self._home, self._draft, self._keys, kind, record_id, bytes(data))
        self._written[self._keys.path(kind, record_id)] = bytes(data)

    def delete(self, kind: str, record_id: str) -> None:
        """Remove a record when the block ends; nothing happens when there is none."""
        kind = RecordStore._public(kind)
        path = self._keys.path(kind, record_id)
        if path in self._draft.files:
            self._draft.remove(path)
        self._written[path] = None


def read_listed(home: Path, path: str, entry: FileEntry) -> bytes | None:
    """The file's bytes when they are what the state lists (size and SHA-256, checked
    here before anything decrypts them), else None: missing, not a regular file (a
    symbolic link is not followed), another size, or other bytes. Raises ``VaultError``
    when it cannot be read."""
    try:
        fd = open_regular(home / path, os.O_RDONLY)
    except (FileNotFoundError, NotRegularFile):  # e.g. a symbolic link in the record's place
        return None
    except OSError as error:
        raise VaultError(f"cannot read the {entry.kind} record: {error.strerror}") from None
    try:
        with open(fd, "rb", closefd=False) as handle:
            if os.fstat(fd).st_size != entry.size:
                return None
            data = handle.read(entry.size + 1)
    except OSError as error:
        raise VaultError(f"cannot read the {entry.kind} record: {error.strerror}") from None
    finally:
        os.close(fd)
    if len(data) != entry.size or hashlib.sha256(data).hexdigest() != entry.sha256:
        return None
    return data


def stage_record(
    home: Path, draft: Draft, keys: RecordKeys, kind: str, record_id: str, data: bytes
) -> None:
    """Write a sealed record to a synced temp file and list it in ``draft``."""
    sealed = keys.seal(kind, record_id, data)
    path = keys.path(kind, record_id)
    try:
        folder = ensure_private_dir(home / RECORDS_DIR)
    except PermissionError as error:
        raise VaultError(str(error)) from None
    try:
        temp, fd = create_temp_for(folder / Path(path).name)
        draft.temps.append(temp)
        try:
            fault_point("write")
            write_all(fd, sealed)
            sync_file(fd)
        finally:
            os.close(fd)
    except OSError as error:
        raise VaultError(f"cannot write the {kind} record: {error.strerror}") from None
    entry = FileEntry(
        role=RECORD,
        sha256=hashlib.sha256(sealed).hexdigest(),
        size=len(sealed),
        epoch=draft.epoch,
        kind=kind,
        record_id=record_id,
    )
    draft.put(path, entry, temp)
