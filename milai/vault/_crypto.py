"""The only cryptography in milai: small wrappers over ``cryptography``'s recipes.

Nothing here invents a construction. Argon2id and HKDF-SHA256 derive keys, AES-256-GCM
seals small things (key slots, manifests, records), Cobblestone-256 (C2SP chunked
encryption) seals model bodies, Ed25519 signs audit checkpoints. Every authentication
failure leaves this module as ``VaultIntegrityError`` and nothing else.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.cobblestone import Cobblestone256Decryptor, Cobblestone256Encryptor
from cryptography.exceptions import AlreadyFinalized, InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, hpke
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from milai.errors import VaultIntegrityError

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
SALT_BYTES = 16

# Cobblestone (C2SP chunked encryption): 16 KiB plaintext chunks, a 16-byte tag on each,
# 56 bytes of fixed overhead, and always a final chunk (possibly empty).
COBBLESTONE_CHUNK = 16 * 1024
COBBLESTONE_FIXED_OVERHEAD = 56


def random_bytes(count: int) -> bytes:
    return os.urandom(count)


def argon2id(secret: bytes, *, salt: bytes, iterations: int, lanes: int, memory_kib: int) -> bytes:
    """A 32-byte key from a passphrase (RFC 9106 Argon2id)."""
    kdf = Argon2id(
        salt=salt, length=KEY_BYTES, iterations=iterations, lanes=lanes, memory_cost=memory_kib
    )
    return kdf.derive(secret)


def hkdf_sha256(key: bytes, *, info: bytes, salt: bytes | None = None) -> bytes:
    """A 32-byte subkey of a uniformly random ``key`` for one purpose (RFC 5869)."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=info).derive(key)


def hmac_sha256(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()


def same_bytes(left: bytes, right: bytes) -> bool:
    """Constant-time comparison."""
    return hmac.compare_digest(left, right)


def seal(key: bytes, plaintext: bytes, associated_data: bytes) -> tuple[bytes, bytes]:
    """AES-256-GCM with a fresh random nonce; returns ``(nonce, ciphertext_and_tag)``."""
    nonce = random_bytes(NONCE_BYTES)
    return nonce, seal_with_nonce(key, nonce, plaintext, associated_data)


def seal_with_nonce(key: bytes, nonce: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    """AES-256-GCM under a nonce the caller drew with ``random_bytes(NONCE_BYTES)`` and uses
    once (a model header commits to its nonce before its manifest is complete)."""
    return AESGCM(key).encrypt(nonce, plaintext, associated_data)


def open_sealed(key: bytes, nonce: bytes, ciphertext: bytes, associated_data: bytes) -> bytes:
    """Reverse ``seal``. Raises ``VaultIntegrityError`` on a wrong key or any change."""
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, associated_data)
    except (InvalidTag, ValueError):
        raise VaultIntegrityError() from None


_WRAP_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
PUBLIC_KEY_BYTES = 32
WRAPPED_KEY_BYTES = 32 + KEY_BYTES + TAG_BYTES  # HPKE: encapsulated key, ciphertext, tag


def wrapping_public_key(seed: bytes) -> bytes:
    """The X25519 public key of the key pair that ``seed`` (32 secret bytes) determines."""
    return X25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()


def wrap_for(public_key: bytes, secret: bytes, info: bytes) -> bytes:
    """HPKE-seal ``secret`` to ``public_key``: no secret of the recipient is needed, so a key
    slot can be given a new vault key without its passphrase or key file."""
    try:
        recipient = X25519PublicKey.from_public_bytes(public_key)
    except ValueError:
        raise VaultIntegrityError() from None
    return _WRAP_SUITE.encrypt(secret, recipient, info=info)


def unwrap_with(seed: bytes, wrapped: bytes, info: bytes) -> bytes:
    """Reverse ``wrap_for`` with the key pair of ``seed``. Raises ``VaultIntegrityError``."""
    try:
        return _WRAP_SUITE.decrypt(wrapped, X25519PrivateKey.from_private_bytes(seed), info=info)
    except (InvalidTag, ValueError):
        raise VaultIntegrityError() from None


def cobblestone_ciphertext_size(plaintext_size: int) -> int:
    """The exact Cobblestone-256 ciphertext length for ``plaintext_size`` bytes."""
    chunks = plaintext_size // COBBLESTONE_CHUNK + 1
    return COBBLESTONE_FIXED_OVERHEAD + plaintext_size + TAG_BYTES * chunks


def encrypt_buffer_size(chunk: int) -> int:
    """A buffer large enough for ``BodyEncryptor.update_into`` of ``chunk`` bytes."""
    return chunk + chunk // 1024 + 16456


def decrypt_buffer_size(chunk: int) -> int:
    """A buffer large enough for ``BodyDecryptor.update_into`` of ``chunk`` bytes."""
    return chunk + 16400


class BodyEncryptor:
    """Cobblestone-256 encryption of one stream under ``key``, bound to ``context``."""

    def __init__(self, key: bytes, context: bytes) -> None:
        self._encryptor = Cobblestone256Encryptor(key, context)

    def update_into(self, data: memoryview, out: bytearray) -> int:
        return self._encryptor.update_into(data, out)

    def finalize(self) -> bytes:
        return self._encryptor.finalize()


class BodyDecryptor:
    """Cobblestone-256 decryption; every failure is ``VaultIntegrityError``, and once it has
    failed it keeps failing (no later call can look like a clean end of the stream).

    Plaintext it returns is authenticated chunk by chunk, but the stream as a whole is
    only known complete once ``finalize`` returns.
    """

    def __init__(self, key: bytes, context: bytes) -> None:
        self._failed = False
        try:
            self._decryptor = Cobblestone256Decryptor(key, context)
        except (ValueError, TypeError):  # a key of the wrong size
            raise VaultIntegrityError() from None

    def update_into(self, data: memoryview, out: bytearray) -> int:
        self._refuse_if_failed()
        try:
            return self._decryptor.update_into(data, out)
        except (InvalidTag, AlreadyFinalized):
            self._failed = True
            raise VaultIntegrityError() from None

    def finalize(self) -> bytes:
        self._refuse_if_failed()
        try:
            return self._decryptor.finalize()
        except (InvalidTag, AlreadyFinalized):
            self._failed = True
            raise VaultIntegrityError() from None

    def _refuse_if_failed(self) -> None:
        if self._failed:
            raise VaultIntegrityError()


class Signer:
    """The vault's Ed25519 signing key (for audit checkpoints). Never shows the key."""

    def __init__(self, private_key: bytes) -> None:
        self._key = Ed25519PrivateKey.from_private_bytes(private_key)

    @staticmethod
    def generate_private_key() -> bytes:
        return Ed25519PrivateKey.generate().private_bytes_raw()

    def sign(self, data: bytes) -> bytes:
        """A 64-byte Ed25519 signature of ``data``."""
        return self._key.sign(data)

    def public_key_bytes(self) -> bytes:
        """The raw 32-byte public key."""
        return self._key.public_key().public_bytes_raw()

    def __repr__(self) -> str:
        return f"Signer(public_key={self.public_key_bytes().hex()})"

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Signer holds a private key and cannot be pickled")


def verify_signature(public_key: bytes, signature: bytes, data: bytes) -> None:
    """Check an Ed25519 signature. Raises ``VaultIntegrityError`` unless it is valid."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError, TypeError):
        raise VaultIntegrityError("signature check failed: wrong key or tampered data") from None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
