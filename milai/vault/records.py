"""Small encrypted records (settings, chat history, the audit signing key).

Each record is one file, ``records/<kind>/<tag>.rec``, where ``tag`` is a keyed hash of
the kind and id, so ids never show on disk. The file is AES-256-GCM sealed; its associated
data binds the format version, the kind and the tag, and the plaintext carries the id,
checked against the tag on every read. Writes are atomic (temp file, fsync, rename, fsync
the folder) and go through a per-kind ``flock``, so concurrent processes never lose one
another's writes; reads need no lock.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import re
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from milai.errors import UsageError, VaultError, VaultIntegrityError
from milai.vault import _crypto
from milai.vault._fs import atomic_write, ensure_private_dir, fsync_dir, locked

RECORD_MAGIC = b"MILAIREC"
RECORD_VERSION = 1
_HEADER = struct.Struct(">8sH12s")
RECORD_SUFFIX = ".rec"
LOCK_NAME = ".lock"
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


class RecordStore:
    """Encrypted key-value records, grouped by kind. Every method may raise
    ``VaultIntegrityError`` (a record was tampered with) or ``VaultError`` (I/O)."""

    def __init__(self, folder: Path, sealing_key: bytes, naming_key: bytes) -> None:
        self._folder = folder
        self._sealing_key = sealing_key
        self._naming_key = naming_key

    def __repr__(self) -> str:
        return f"RecordStore({str(self._folder)!r})"

    # -- public API: kinds are lower-case names; kinds starting with "_" are the vault's.

    def get(self, kind: str, record_id: str) -> bytes | None:
        """The record's data, or ``None`` when there is none."""
        return self._get(self._public(kind), record_id)

    def put(self, kind: str, record_id: str, data: bytes) -> None:
        """Create or replace a record, atomically."""
        self._update(self._public(kind), record_id, lambda _old: data)

    def update(self, kind: str, record_id: str, fn: Callable[[bytes | None], bytes]) -> bytes:
        """Read-modify-write under an inter-process lock: ``fn(old)`` gives the new data
        (``old`` is ``None`` when there is no record). Returns the new data."""
        return self._update(self._public(kind), record_id, fn)

    def delete(self, kind: str, record_id: str) -> None:
        """Remove a record; nothing happens when there is none."""
        kind = self._public(kind)
        with self._locked(kind):
            path = self._path(kind, record_id)
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                fsync_dir(path.parent)

    def list(self, kind: str) -> builtins.list[str]:
        """The ids of every record of ``kind``, sorted."""
        kind = self._public(kind)
        folder = self._folder / kind
        if not folder.is_dir():
            return []
        ids = []
        for path in folder.glob(f"*{RECORD_SUFFIX}"):
            tag = self._tag_of(path)
            data = self._read(path)
            if data is None:
                continue
            record_id, _ = UnverifiedRecord.parse(data).authenticate(self._sealing_key, kind, tag)
            if not _crypto.same_bytes(self._tag(kind, _check_id(record_id)), tag):
                raise VaultIntegrityError()
            ids.append(record_id)
        return sorted(ids)

    # -- the vault's own use (kinds starting with "_") and the shared machinery.

    def _get(self, kind: str, record_id: str) -> bytes | None:
        path = self._path(kind, record_id)
        data = self._read(path)
        if data is None:
            return None
        found_id, value = UnverifiedRecord.parse(data).authenticate(
            self._sealing_key, kind, self._tag_of(path)
        )
        if found_id != record_id:
            raise VaultIntegrityError()
        return value

    def _update(self, kind: str, record_id: str, fn: Callable[[bytes | None], bytes]) -> bytes:
        encoded_id = _check_id(record_id)
        with self._locked(kind):
            new = fn(self._get(kind, record_id))
            if not isinstance(new, bytes | bytearray):
                raise TypeError("a record's data is bytes")
            new = bytes(new)
            if len(new) > MAX_RECORD_BYTES:
                raise UsageError(f"a record holds at most {MAX_RECORD_BYTES} bytes")
            path = self._path(kind, record_id)
            plaintext = struct.pack(">H", len(encoded_id)) + encoded_id + new
            nonce, sealed = _crypto.seal(
                self._sealing_key, plaintext, _aad(kind, self._tag_of(path))
            )
            try:
                atomic_write(path, _HEADER.pack(RECORD_MAGIC, RECORD_VERSION, nonce) + sealed)
            except OSError as error:
                raise VaultError(f"cannot write a {kind} record: {error.strerror}") from None
            return new

    @staticmethod
    def _public(kind: str) -> str:
        if not PUBLIC_KIND.fullmatch(kind):
            raise UsageError(f"invalid record kind {kind!r}")
        return kind

    def _tag(self, kind: str, encoded_id: bytes) -> bytes:
        return _crypto.hmac_sha256(self._naming_key, kind.encode() + b"\x00" + encoded_id)[
            :TAG_BYTES
        ]

    def _path(self, kind: str, record_id: str) -> Path:
        return self._folder / kind / (self._tag(kind, _check_id(record_id)).hex() + RECORD_SUFFIX)

    @staticmethod
    def _tag_of(path: Path) -> bytes:
        try:
            tag = bytes.fromhex(path.name.removesuffix(RECORD_SUFFIX))
        except ValueError:
            raise VaultIntegrityError() from None
        if len(tag) != TAG_BYTES:
            raise VaultIntegrityError()
        return tag

    @staticmethod
    def _read(path: Path) -> bytes | None:
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_RECORD_BYTES + 1024)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise VaultError(f"cannot read {path}: {error.strerror}") from None
        return data

    @contextlib.contextmanager
    def _locked(self, kind: str) -> Iterator[None]:
        folder = self._folder / kind
        try:
            ensure_private_dir(folder)
        except PermissionError as error:
            raise VaultError(str(error)) from None
        with locked(folder / LOCK_NAME):
            yield

    def kinds(self) -> builtins.list[str]:
        """Every kind folder present (for housekeeping)."""
        if not self._folder.is_dir():
            return []
        return sorted(entry.name for entry in os.scandir(self._folder) if entry.is_dir())
