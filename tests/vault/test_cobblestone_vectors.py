"""Cobblestone-256 (C2SP chunked encryption, AES-256-GCM) against Wycheproof's vectors for it,
every one of them: tests/fixtures/vault/c2sp_chunked_encryption_aes_256_gcm_test.json,
verbatim from C2SP/wycheproof (see tests/fixtures/vault/README.md).

(pyca/cryptography's own ``cryptography-vectors`` 50.0.2 ships
``chunked-encryption/vectors.json``, but none of its valid vectors decrypts with
cryptography 50.0.2's Cobblestone: they follow another revision of the scheme.)

Every vector goes through milai's container API twice: ``BodyDecryptor`` fed the way the
container feeds it (whole, 1 MiB reads, odd pieces), and ``read_model`` on a model file whose
body is the vector's ciphertext. A valid vector decrypts to its message; every invalid one
(bad tags, truncation, trailing data, swapped, duplicated or extra chunks, a wrong key,
context, salt or commitment, short headers, keys of the wrong size) is the one integrity
error, ``VaultIntegrityError``, keeps failing when asked again, and never releases more
than the longest valid prefix the vector names.
"""

from __future__ import annotations

import hashlib
import json
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from milai.errors import VaultIntegrityError
from milai.vault import _crypto
from milai.vault.container import STREAM_CHUNK, ModelHeader, ModelKeys, ModelManifest, read_model

VECTOR_FILE = (
    Path(__file__).parent.parent
    / "fixtures"
    / "vault"
    / "c2sp_chunked_encryption_aes_256_gcm_test.json"
)


@dataclass(frozen=True)
class Vector:
    tc_id: int
    comment: str
    flags: tuple[str, ...]
    valid: bool
    key: bytes
    context: bytes
    ciphertext: bytes
    message_length: int  # valid: the message's; invalid: the longest valid prefix (or 0)
    message_sha512: str | None

    @property
    def name(self) -> str:
        return f"{self.tc_id}-{'-'.join(self.comment.split()[:6])}"

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Vector:
        return cls(
            tc_id=raw["tcId"],
            comment=raw["comment"],
            flags=tuple(raw["flags"]),
            valid=raw["result"] == "valid",
            key=bytes.fromhex(raw["key"]),
            context=bytes.fromhex(raw["ctx"]),
            ciphertext=zlib.decompress(bytes.fromhex(raw["ct"])),
            message_length=raw.get("msgLength", 0),
            message_sha512=raw.get("msgSha512"),
        )


def _load() -> list[Vector]:
    document = json.loads(VECTOR_FILE.read_text())
    assert document["algorithm"] == "Cobblestone-256"
    return [
        Vector.from_json(raw)
        for group in document["testGroups"]
        if group["aead"] == "AEAD_AES_256_GCM"
        for raw in group["tests"]
    ]


VECTORS = _load()
VALID = [vector for vector in VECTORS if vector.valid]
INVALID = [vector for vector in VECTORS if not vector.valid]


def _sha512(data: bytes) -> str:
    return hashlib.sha512(data).hexdigest()


def test_every_vector_is_here_and_every_kind_of_failure() -> None:
    assert len(VECTORS) == json.loads(VECTOR_FILE.read_text())["numberOfTests"] == 35
    assert len(VALID) == 10
    flags = {flag for vector in INVALID for flag in vector.flags}
    assert flags >= {
        "ModifiedCiphertext",
        "PartialPlaintext",
        "ValidFinalChunk",
        "Truncation",
        "TrailingData",
        "HeaderFailure",
        "WrongKey",
        "InvalidKeySize",
        "WrongContext",
        "ChunkReordering",
    }


# How the container hands ciphertext to the decryptor: all at once, in read_model's 1 MiB
# reads, and in pieces that fall across chunk and header boundaries.
FEEDS = {"whole": None, "stream": STREAM_CHUNK, "pieces": 1000, "bytes": 7}


def _decrypt(vector: Vector, piece: int | None) -> tuple[bytes, BaseException | None]:
    """The plaintext released, and the error that stopped it (None if it finished). After
    an error, asking the same decryptor again must fail again: the error is returned only
    if it does."""
    released = bytearray()
    decryptor = None
    try:
        decryptor = _crypto.BodyDecryptor(vector.key, vector.context)
        data = memoryview(vector.ciphertext)
        step = piece or max(len(data), 1)
        for start in range(0, len(data), step):
            part = data[start : start + step]
            out = bytearray(_crypto.decrypt_buffer_size(len(part)))
            released += out[: decryptor.update_into(part, out)]
        released += decryptor.finalize()
    except Exception as error:
        if decryptor is not None:
            with pytest.raises(Exception) as again:
                decryptor.finalize()
            assert type(again.value) is type(error), again.value
        return bytes(released), error
    return bytes(released), None


@pytest.mark.parametrize("feed", FEEDS)
@pytest.mark.parametrize("vector", VALID, ids=lambda vector: vector.name)
def test_valid_vectors_decrypt(vector: Vector, feed: str) -> None:
    plaintext, error = _decrypt(vector, FEEDS[feed])
    assert error is None, error
    assert len(plaintext) == vector.message_length
    assert _sha512(plaintext) == vector.message_sha512
    assert len(vector.ciphertext) == _crypto.cobblestone_ciphertext_size(vector.message_length)


@pytest.mark.parametrize("feed", FEEDS)
@pytest.mark.parametrize("vector", INVALID, ids=lambda vector: vector.name)
def test_invalid_vectors_are_the_one_integrity_error(vector: Vector, feed: str) -> None:
    released, error = _decrypt(vector, FEEDS[feed])
    assert type(error) is VaultIntegrityError, (vector.comment, error)
    assert str(error) == str(VaultIntegrityError())
    # at most the authenticated chunks before the fault, and exactly those bytes
    assert len(released) <= vector.message_length, vector.comment
    if released and len(released) == vector.message_length:
        assert _sha512(released) == vector.message_sha512


@dataclass(frozen=True)
class _VectorHeader(ModelHeader):
    """A header whose body is a test vector: the vector's context, not a model prefix's."""

    context: bytes = b""

    @property
    def body_context(self) -> bytes:
        return self.context


def _plaintext_size_for(ciphertext_size: int) -> int | None:
    for chunks in range(1, ciphertext_size // _crypto.COBBLESTONE_CHUNK + 2):
        size = ciphertext_size - _crypto.COBBLESTONE_FIXED_OVERHEAD - _crypto.TAG_BYTES * chunks
        if size >= 0 and _crypto.cobblestone_ciphertext_size(size) == ciphertext_size:
            return size
    return None


def _read_model_of(vector: Vector, tmp_path: Path) -> tuple[bytes, BaseException | None]:
    """``read_model`` on a file whose body is the vector, with a manifest that fits its
    length where any size fits (else the length check alone refuses it)."""
    prefix = b"P" * 64
    path = tmp_path / "vector.model"
    path.write_bytes(prefix + vector.ciphertext)
    size = _plaintext_size_for(len(vector.ciphertext))
    manifest = ModelManifest(
        name="vector",
        size=vector.message_length if vector.valid else (size or 0),
        sha256="0" * 64,
        architecture="llama",
        quantisation="F16",
        level="UNCLASSIFIED",
        imported_at="2026-01-01T00:00:00Z",
        has_chat_template=False,
    )
    header = _VectorHeader(manifest, prefix, len(prefix), vector.context)
    released = bytearray()
    fd = os.open(path, os.O_RDONLY)
    try:
        read_model(
            fd,
            header,
            ModelKeys(manifest=bytes(32), body=vector.key),
            sink=lambda piece, offset: released.extend(piece),
            check_digest=False,
        )
    except Exception as error:
        return bytes(released), error
    finally:
        os.close(fd)
    return bytes(released), None


@pytest.mark.parametrize("vector", VECTORS, ids=lambda vector: vector.name)
def test_read_model_on_every_vector(vector: Vector, tmp_path: Path) -> None:
    released, error = _read_model_of(vector, tmp_path)
    if vector.valid:
        assert error is None, error
        assert _sha512(released) == vector.message_sha512
        return
    assert type(error) is VaultIntegrityError, (vector.comment, error)
    assert len(released) <= vector.message_length, vector.comment
