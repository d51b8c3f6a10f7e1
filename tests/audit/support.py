"""Audit test helpers: fixed keys, and a real Ed25519 signer and verifier standing in for
the vault's (for conftest.py, the tests and make_fixtures.py)."""

from __future__ import annotations

from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from milai.errors import VaultIntegrityError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "audit"
HMAC_KEY = bytes(range(32))
SIGNING_SEED = bytes(range(100, 132))


class TestSigner:
    """What ``vault.audit_signer()`` returns, built on the same primitive."""

    __test__ = False

    def __init__(self, seed: bytes = SIGNING_SEED) -> None:
        self._key = Ed25519PrivateKey.from_private_bytes(seed)

    def sign(self, data: bytes) -> bytes:
        return self._key.sign(data)

    def public_key_bytes(self) -> bytes:
        return self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def verify_signature(public_key: bytes, signature: bytes, data: bytes) -> None:
    """What ``milai.vault.verify_signature`` does."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError):
        raise VaultIntegrityError() from None


def event(n: int, command: str = "run", decision: str = "allow") -> dict[str, object]:
    return {
        "command": command,
        "decision": decision,
        "n": n,
        "model": {"name": "demo", "sha256": "ab" * 32},
        "rules": ["R1"],
    }
