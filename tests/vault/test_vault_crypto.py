"""Known-answer vectors for every primitive the vault uses, and Cobblestone round trips
through the model container at the sizes where chunking could go wrong."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from milai.errors import VaultIntegrityError
from milai.vault import _crypto, verify_signature
from milai.vault.container import (
    STREAM_CHUNK,
    ModelKeys,
    ModelManifest,
    UnverifiedModelHeader,
    read_model,
    write_model,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "vault"
CHUNK = _crypto.COBBLESTONE_CHUNK


def test_argon2id_rfc9106_vector() -> None:
    # RFC 9106, section 5.3 (Argon2id): the vector uses a secret and associated data,
    # which the vault does not, so this drives the library directly.
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    tag = Argon2id(
        salt=b"\x02" * 16,
        length=32,
        iterations=3,
        lanes=4,
        memory_cost=32,
        ad=b"\x04" * 12,
        secret=b"\x03" * 8,
    ).derive(b"\x01" * 32)
    assert tag.hex() == "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"


def test_argon2id_wrapper_matches_library() -> None:
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    expected = Argon2id(salt=b"s" * 16, length=32, iterations=2, lanes=1, memory_cost=64).derive(
        b"pw"
    )
    assert _crypto.argon2id(b"pw", salt=b"s" * 16, iterations=2, lanes=1, memory_kib=64) == expected


def test_aes256_gcm_nist_vector() -> None:
    # McGrew & Viega, "The Galois/Counter Mode of Operation", test case 16 (AES-256, AAD).
    key = bytes.fromhex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
    nonce = bytes.fromhex("cafebabefacedbaddecaf888")
    plaintext = bytes.fromhex(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
    )
    aad = bytes.fromhex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
    expected = bytes.fromhex(
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
        "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
        "76fc6ece0f4e1768cddf8853bb2d551b"
    )
    assert _crypto.seal_with_nonce(key, nonce, plaintext, aad) == expected
    assert _crypto.open_sealed(key, nonce, expected, aad) == plaintext
    for position in (0, len(expected) // 2, len(expected) - 1):
        tampered = bytearray(expected)
        tampered[position] ^= 1
        with pytest.raises(VaultIntegrityError):
            _crypto.open_sealed(key, nonce, bytes(tampered), aad)
    with pytest.raises(VaultIntegrityError):
        _crypto.open_sealed(key, nonce, expected, aad + b"x")


def test_hkdf_sha256_rfc5869_vector() -> None:
    # RFC 5869, test case 1; the vault takes 32 bytes, the prefix of the 42-byte OKM.
    okm = _crypto.hkdf_sha256(
        bytes.fromhex("0b" * 22),
        salt=bytes.fromhex("000102030405060708090a0b0c"),
        info=bytes.fromhex("f0f1f2f3f4f5f6f7f8f9"),
    )
    assert okm.hex() == "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"


def test_ed25519_rfc8032_vector() -> None:
    # RFC 8032, section 7.1, TEST 1 (empty message).
    signer = _crypto.Signer(
        bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    )
    public = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    signature = bytes.fromhex(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
        "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )
    assert signer.public_key_bytes() == public
    assert signer.sign(b"") == signature
    verify_signature(public, signature, b"")
    with pytest.raises(VaultIntegrityError):
        verify_signature(public, signature, b"x")
    with pytest.raises(VaultIntegrityError):
        verify_signature(public, signature[:-1] + bytes([signature[-1] ^ 1]), b"")
    with pytest.raises(VaultIntegrityError):
        verify_signature(b"short", signature, b"")
    assert "9d61b19d" not in repr(signer)


SIZES = [
    0,
    1,
    CHUNK - 1,
    CHUNK,
    CHUNK + 1,
    7 * CHUNK + 123,
    STREAM_CHUNK - 1,
    STREAM_CHUNK,
    STREAM_CHUNK + 1,
    3 * STREAM_CHUNK + 5,
]


@pytest.mark.parametrize("size", SIZES)
def test_container_round_trip(size: int, tmp_path: Path) -> None:
    plaintext = os.urandom(size)
    source = tmp_path / "plain"
    source.write_bytes(plaintext)
    sealed = tmp_path / "sealed"
    keys = ModelKeys(manifest=os.urandom(32), body=os.urandom(32))
    draft = ModelManifest("m", size, "", "llama", "Q4_1", "SECRET", "2026-01-01T00:00:00Z", True)
    progress: list[tuple[int, int]] = []
    with source.open("rb") as src, sealed.open("wb") as out:
        result = write_model(
            src.fileno(),
            out.fileno(),
            draft,
            keys,
            progress=lambda done, total: progress.append((done, total)),
        )
    assert result.sha256 == hashlib.sha256(plaintext).hexdigest()
    assert result.size == size
    if size:
        assert progress[-1] == (size, size)
        assert [done for done, _ in progress] == sorted(done for done, _ in progress)
    data = sealed.read_bytes()
    if size >= 64:
        assert plaintext[:64] not in data
    with sealed.open("rb") as handle:
        header = UnverifiedModelHeader.read(handle.fileno()).authenticate(keys)
        assert header.manifest.sha256 == result.sha256
        assert len(data) == header.length + _crypto.cobblestone_ciphertext_size(size)
        pieces: list[tuple[int, bytes]] = []
        read_model(
            handle.fileno(),
            header,
            keys,
            sink=lambda piece, offset: pieces.append((offset, bytes(piece))),
        )
    assert b"".join(piece for _, piece in pieces) == plaintext
    offsets = [offset for offset, _ in pieces]
    assert offsets == sorted(offsets)


def test_encrypting_twice_gives_different_ciphertexts(tmp_path: Path) -> None:
    source = tmp_path / "plain"
    source.write_bytes(b"same plaintext" * 1000)
    keys = ModelKeys(manifest=os.urandom(32), body=os.urandom(32))
    draft = ModelManifest("m", 14000, "", "llama", "Q4_1", "S", "2026-01-01T00:00:00Z", True)
    outputs = []
    for index in range(2):
        sealed = tmp_path / f"sealed{index}"
        with source.open("rb") as src, sealed.open("wb") as out:
            write_model(src.fileno(), out.fileno(), draft, keys)
        outputs.append(sealed.read_bytes())
    assert outputs[0] != outputs[1]
    assert outputs[0][200:400] != outputs[1][200:400]
