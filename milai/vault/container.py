"""The sealed model file: an authenticated header, then a Cobblestone-256 body.

Layout (version 1)::

    prefix (64 bytes)   magic "MILAIMDL" | version u16 | flags u16 | file id (32 random bytes)
                        | manifest nonce (12) | sealed manifest length u32 | reserved u32
    sealed manifest     AES-256-GCM(manifest key, nonce, manifest JSON, associated data = prefix)
    body                Cobblestone-256(body key, context = label | SHA-256(prefix), GGUF bytes)

The body's context binds the prefix's hash, and the manifest's associated data is that same
prefix, so a manifest and a body only ever open together. The manifest is sealed last (the
plaintext's SHA-256 is known only once it has streamed through), in a slot of a length fixed
up front. Both directions stream in constant memory; SHA-256 runs on a second thread
(hashlib releases the GIL) while the next chunk is read, encrypted or decrypted, written.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from milai.errors import VaultIntegrityError
from milai.vault import _crypto
from milai.vault._fs import write_all

if TYPE_CHECKING:  # concurrent.futures loads when a model is read or written, not per command
    from concurrent.futures import Future

MODEL_MAGIC = b"MILAIMDL"
MODEL_VERSION = 1
_PREFIX = struct.Struct(">8sHH32s12sII")
PREFIX_BYTES = _PREFIX.size
MAX_SEALED_MANIFEST = 64 * 1024
BODY_CONTEXT_LABEL = b"milai-vault/model-body v1\x00"

# Plaintext per read/decrypt step: a multiple of the 16 KiB Cobblestone chunk.
STREAM_CHUNK = 1024 * 1024
STREAM_BUFFERS = 3

Progress = Callable[[int, int], None]
PlaintextSink = Callable[[memoryview, int], None]


CHAT = "chat"
EMBEDDING = "embedding"


@dataclass(frozen=True)
class ModelManifest:
    """What the vault knows about one model. Everything but ``catalogued`` is sealed in the
    model file's authenticated header; ``catalogued`` says whether the sha256 is in
    models/catalog.yaml (checked when read, so it follows the catalogue)."""

    name: str
    size: int
    sha256: str
    architecture: str
    quantisation: str
    level: str
    imported_at: str
    has_chat_template: bool
    catalogued: bool = False
    # "chat" (generates text) or "embedding" (only ranks passages for `ask`). Sealed only
    # when "embedding": the headers of every model imported before stay as they were.
    kind: str = "chat"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "size": self.size,
            "sha256": self.sha256,
            "architecture": self.architecture,
            "quantisation": self.quantisation,
            "level": self.level,
            "imported_at": self.imported_at,
            "has_chat_template": self.has_chat_template,
            "catalogued": self.catalogued,
            "kind": self.kind,
        }

    def sealed_json(self) -> bytes:
        """The manifest as sealed in the header (without ``catalogued``)."""
        fields = self.to_json()
        del fields["catalogued"]
        if self.kind == CHAT:
            del fields["kind"]
        return json.dumps({"format": MODEL_VERSION, **fields}, sort_keys=True).encode()

    @classmethod
    def from_sealed_json(cls, data: bytes) -> ModelManifest:
        """Raises ``VaultIntegrityError`` when authenticated bytes are still not a manifest."""
        try:
            fields = json.loads(data)
        except ValueError:
            raise VaultIntegrityError() from None
        expected = {
            "format": int,
            "name": str,
            "size": int,
            "sha256": str,
            "architecture": str,
            "quantisation": str,
            "level": str,
            "imported_at": str,
            "has_chat_template": bool,
        }
        if not isinstance(fields, dict) or set(fields) - {"kind"} != set(expected):
            raise VaultIntegrityError()
        if fields.get("kind", EMBEDDING) != EMBEDDING:  # a chat model's header has no kind
            raise VaultIntegrityError()
        for key, kind in expected.items():
            if type(fields[key]) is not kind:
                raise VaultIntegrityError()
        if fields.pop("format") != MODEL_VERSION or fields["size"] < 0:
            raise VaultIntegrityError()
        return cls(**fields)


@dataclass(frozen=True)
class ModelKeys:
    """The two subkeys of the vault key that model files use."""

    manifest: bytes
    body: bytes


def body_context(prefix: bytes) -> bytes:
    return BODY_CONTEXT_LABEL + hashlib.sha256(prefix).digest()


@dataclass(frozen=True)
class ModelHeader:
    """An authenticated header: where the body starts and what it must decrypt to."""

    manifest: ModelManifest
    prefix: bytes
    length: int

    @property
    def body_context(self) -> bytes:
        return body_context(self.prefix)

    @property
    def body_length(self) -> int:
        return _crypto.cobblestone_ciphertext_size(self.manifest.size)


@dataclass(frozen=True)
class UnverifiedModelHeader:
    """A model file's header as read from disk: well-formed, not yet authenticated."""

    prefix: bytes
    nonce: bytes
    sealed_manifest: bytes

    @staticmethod
    def sealed_length(prefix: bytes) -> int:
        """How many sealed-manifest bytes follow ``prefix``. Raises ``VaultIntegrityError``."""
        if len(prefix) != PREFIX_BYTES:
            raise VaultIntegrityError()
        magic, version, flags, _, _, sealed_length, reserved = _PREFIX.unpack(prefix)
        if magic != MODEL_MAGIC:
            raise VaultIntegrityError(hint="not a milai model file")
        if version != MODEL_VERSION:
            raise VaultIntegrityError(
                hint=f"this milai reads model format {MODEL_VERSION}; "
                "was it written by a newer one?"
            )
        if flags or reserved or not _crypto.TAG_BYTES < sealed_length <= MAX_SEALED_MANIFEST:
            raise VaultIntegrityError()
        length: int = sealed_length
        return length

    @classmethod
    def parse(cls, data: bytes) -> UnverifiedModelHeader:
        prefix = data[:PREFIX_BYTES]
        sealed_length = cls.sealed_length(prefix)
        if len(data) != PREFIX_BYTES + sealed_length:
            raise VaultIntegrityError()
        nonce = _PREFIX.unpack(prefix)[4]
        return cls(prefix, nonce, data[PREFIX_BYTES:])

    @classmethod
    def read(cls, fd: int) -> UnverifiedModelHeader:
        """Read the header at the start of the open model file ``fd``."""
        prefix = _pread_exact(fd, PREFIX_BYTES, 0)
        sealed_length = cls.sealed_length(prefix)
        return cls.parse(prefix + _pread_exact(fd, sealed_length, PREFIX_BYTES))

    def authenticate(self, keys: ModelKeys) -> ModelHeader:
        """The verified header. Raises ``VaultIntegrityError`` on a wrong key or any change."""
        plaintext = _crypto.open_sealed(
            keys.manifest, self.nonce, self.sealed_manifest, self.prefix
        )
        manifest = ModelManifest.from_sealed_json(plaintext)
        return ModelHeader(manifest, self.prefix, PREFIX_BYTES + len(self.sealed_manifest))


def _pread_exact(fd: int, count: int, offset: int) -> bytes:
    data = os.pread(fd, count, offset)
    while len(data) < count:
        more = os.pread(fd, count - len(data), offset + len(data))
        if not more:
            raise VaultIntegrityError()
        data += more
    return data


def _readinto_exact(fd: int, view: memoryview, offset: int | None) -> int:
    """Fill ``view`` from ``fd`` (at ``offset``, or the current position); return the count
    read, short only at end of file."""
    done = 0
    while done < len(view):
        part = view[done:]
        got = os.readv(fd, [part]) if offset is None else os.preadv(fd, [part], offset + done)
        if got == 0:
            break
        done += got
    return done


class _Pipeline:
    """Hands filled buffers to one worker thread (SHA-256) while the caller reads, encrypts
    or decrypts and writes the next: a small ring of buffers, each reused only once the
    worker is done with it. (Two workers, hashing and writing apart, measured no faster on
    two cores.)"""

    def __init__(self, buffer_size: int) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.buffers = [bytearray(buffer_size) for _ in range(STREAM_BUFFERS)]
        self._busy: list[Future[None] | None] = [None] * STREAM_BUFFERS
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="milai-vault")
        self._next = 0

    def take(self) -> tuple[int, bytearray]:
        """The next free buffer (waiting for the worker if it still reads it)."""
        index = self._next
        self._next = (index + 1) % STREAM_BUFFERS
        busy = self._busy[index]
        if busy is not None:
            busy.result()
            self._busy[index] = None
        return index, self.buffers[index]

    def submit(self, index: int, work: Callable[[], None]) -> None:
        self._busy[index] = self._executor.submit(work)

    def drain(self) -> None:
        """Wait for all work; re-raise the first failure."""
        failure: BaseException | None = None
        for index, busy in enumerate(self._busy):
            if busy is None:
                continue
            try:
                busy.result()
            except BaseException as error:
                failure = failure or error
            self._busy[index] = None
        if failure is not None:
            raise failure

    def close(self) -> None:
        """Stop the worker and wipe the buffers (they may hold plaintext). Failures of
        unfinished work are dropped here: ``drain`` is where a caller sees them."""
        self._executor.shutdown(wait=True)
        self._busy = [None] * STREAM_BUFFERS
        for buffer in self.buffers:
            buffer[:] = bytes(len(buffer))


@dataclass(frozen=True)
class SealResult:
    size: int
    sha256: str


def write_model(
    source_fd: int,
    out_fd: int,
    draft: ModelManifest,
    keys: ModelKeys,
    *,
    progress: Progress | None = None,
) -> SealResult:
    """Stream the GGUF file ``source_fd`` (from its start) into the new model file ``out_fd``.

    ``draft`` is the manifest with every field but ``sha256`` final; the size read must equal
    ``draft.size`` (else ``ValueError``). Returns what was read; the caller compares the
    sha256 with any expected value, then fsyncs and commits the file.
    """
    placeholder = replace(draft, sha256="0" * 64)
    sealed_length = len(placeholder.sealed_json()) + _crypto.TAG_BYTES
    nonce = _crypto.random_bytes(_crypto.NONCE_BYTES)
    file_id = _crypto.random_bytes(32)
    prefix = _PREFIX.pack(MODEL_MAGIC, MODEL_VERSION, 0, file_id, nonce, sealed_length, 0)
    write_all(out_fd, prefix + bytes(sealed_length))

    encryptor = _crypto.BodyEncryptor(keys.body, body_context(prefix))
    digest = hashlib.sha256()
    out = bytearray(_crypto.encrypt_buffer_size(STREAM_CHUNK))
    pipeline = _Pipeline(STREAM_CHUNK)
    total = 0
    os.lseek(source_fd, 0, os.SEEK_SET)
    try:
        while True:
            index, buffer = pipeline.take()
            view = memoryview(buffer)
            count = _readinto_exact(source_fd, view, None)
            if count == 0:
                break
            plaintext = view[:count]
            pipeline.submit(index, partial(digest.update, plaintext))
            write_all(out_fd, memoryview(out)[: encryptor.update_into(plaintext, out)])
            total += count
            if progress is not None:
                progress(total, draft.size)
            if count < len(view):
                break
        pipeline.drain()
    finally:
        pipeline.close()
    write_all(out_fd, encryptor.finalize())
    if total != draft.size:
        raise ValueError(f"the file changed while it was read ({draft.size} then {total} bytes)")
    manifest = replace(draft, sha256=digest.hexdigest())
    sealed = _crypto.seal_with_nonce(keys.manifest, nonce, manifest.sealed_json(), prefix)
    if len(sealed) != sealed_length:
        raise AssertionError("sealed manifest length changed")
    os.pwrite(out_fd, sealed, PREFIX_BYTES)
    return SealResult(total, manifest.sha256)


def rekey_model(
    in_fd: int,
    header: ModelHeader,
    old_keys: ModelKeys,
    out_fd: int,
    new_keys: ModelKeys,
    *,
    progress: Progress | None = None,
) -> None:
    """Re-seal the model file ``in_fd`` (its ``header`` authenticated under ``old_keys``)
    into the new file ``out_fd`` under ``new_keys``: a fresh file id and nonce, the same
    manifest. Streams chunk by chunk in constant memory; every chunk is authenticated as it
    is decrypted and the stream's end is checked, so a tampered body raises
    ``VaultIntegrityError`` (and the caller discards ``out_fd``). The sha256 of the whole,
    already sealed in the manifest, is not recomputed (``verify`` does that).
    """
    sealed_json = header.manifest.sealed_json()
    sealed_length = len(sealed_json) + _crypto.TAG_BYTES
    nonce = _crypto.random_bytes(_crypto.NONCE_BYTES)
    file_id = _crypto.random_bytes(32)
    prefix = _PREFIX.pack(MODEL_MAGIC, MODEL_VERSION, 0, file_id, nonce, sealed_length, 0)
    sealed = _crypto.seal_with_nonce(new_keys.manifest, nonce, sealed_json, prefix)
    write_all(out_fd, prefix + sealed)
    encryptor = _crypto.BodyEncryptor(new_keys.body, body_context(prefix))
    out = bytearray(_crypto.encrypt_buffer_size(_crypto.decrypt_buffer_size(STREAM_CHUNK)))

    def reseal(piece: memoryview, offset: int) -> None:
        write_all(out_fd, memoryview(out)[: encryptor.update_into(piece, out)])

    read_model(in_fd, header, old_keys, sink=reseal, progress=progress, check_digest=False)
    write_all(out_fd, encryptor.finalize())


def read_model(
    fd: int,
    header: ModelHeader,
    keys: ModelKeys,
    *,
    sink: PlaintextSink | None = None,
    progress: Progress | None = None,
    check_digest: bool = True,
) -> None:
    """Decrypt the body of the open model file ``fd`` and check it against ``header``.

    Every chunk is authenticated (Cobblestone: bound to this file's header, in order, with
    the end marked), so the plaintext is exactly what was sealed whatever ``check_digest``
    says; ``check_digest`` adds the manifest's sha256 over the whole, which ``verify`` wants
    and loading, which is on every command's critical path, can do without.

    ``sink(plaintext, offset)`` receives every piece of plaintext in order, while a worker
    thread hashes it; pieces are authenticated, but the whole is only known good when this
    returns.
    Raises ``VaultIntegrityError`` on any mismatch (length, tag, size or sha256), naming
    the model.
    """
    try:
        _read_body(fd, header, keys, sink, progress, check_digest)
    except VaultIntegrityError:
        raise VaultIntegrityError(
            f"the model file of {header.manifest.name!r} fails its integrity check "
            "(altered, truncated or damaged)",
            hint="remove it and import the model again, or restore the vault from a backup",
        ) from None


def _read_body(
    fd: int,
    header: ModelHeader,
    keys: ModelKeys,
    sink: PlaintextSink | None,
    progress: Progress | None,
    check_digest: bool,
) -> None:
    manifest = header.manifest
    if os.fstat(fd).st_size != header.length + header.body_length:
        raise VaultIntegrityError()
    decryptor = _crypto.BodyDecryptor(keys.body, header.body_context)
    digest = hashlib.sha256()
    # The library refuses to decrypt in place, so ciphertext and plaintext have buffers
    # of their own: one for ciphertext, a ring for plaintext the worker still reads.
    ciphertext = memoryview(bytearray(STREAM_CHUNK))
    pipeline = _Pipeline(_crypto.decrypt_buffer_size(STREAM_CHUNK))
    position = header.length
    end = header.length + header.body_length
    produced = 0
    try:
        while position < end:
            count = _readinto_exact(fd, ciphertext[: min(STREAM_CHUNK, end - position)], position)
            if count == 0:
                raise VaultIntegrityError()
            position += count
            index, buffer = pipeline.take()
            plain = decryptor.update_into(ciphertext[:count], buffer)
            if plain:
                if produced + plain > manifest.size:
                    raise VaultIntegrityError()
                piece = memoryview(buffer)[:plain]
                if check_digest:
                    pipeline.submit(index, partial(digest.update, piece))
                if sink is not None:
                    sink(piece, produced)
                produced += plain
            if progress is not None:
                progress(min(produced, manifest.size), manifest.size)
        tail = decryptor.finalize()
        pipeline.drain()
    finally:
        pipeline.close()
    if tail:
        digest.update(tail)
        if sink is not None:
            sink(memoryview(tail), produced)
        produced += len(tail)
    if produced != manifest.size:
        raise VaultIntegrityError()
    if check_digest and not _crypto.same_bytes(
        digest.hexdigest().encode(), manifest.sha256.encode()
    ):
        raise VaultIntegrityError()
    if progress is not None:
        progress(produced, manifest.size)
