"""The key hierarchy: key slots and the vault file (``vault.json``). Where a key comes
from and what makes it acceptable is unlock.py's.

A random 256-bit vault key encrypts everything. Each key slot holds it sealed (HPKE, see
``KeySlot``) to a key pair seeded by a key-encryption key derived from a passphrase
(Argon2id, parameters stored in the slot, calibrated at creation, floors and ceilings
enforced when read) or from a key file's contents (HKDF-SHA256). The whole vault file, slots
and the sealed vault state together, is authenticated with an HMAC under the vault key, so
nothing in it can change unnoticed once the vault is open. Changing a key re-wraps the vault
key; rotating it (vault.py) re-encrypts everything under a new one.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from milai.errors import VaultError, VaultIntegrityError, VaultLocked
from milai.vault import _crypto
from milai.vault.layout import VAULT_FILE
from milai.vault.unlock import KEY_FILE, PASSPHRASE, KeySource, key_material

VAULT_FORMAT = "milai-vault"
VAULT_VERSION = 2

MAX_SLOTS = 32

# HKDF "info" strings for the vault's own keys. ``Vault.derive_key`` refuses this prefix.
INTERNAL_PURPOSE_PREFIX = "milai-vault/"
SLOT_AAD = b"milai-vault/key-slot v2\x00"
KEY_FILE_INFO = b"milai-vault/key-file-slot v1"


def internal_key(vault_key: bytes, purpose: str) -> bytes:
    """A subkey of the vault key for one of the vault's own purposes."""
    return _crypto.hkdf_sha256(vault_key, info=(INTERNAL_PURPOSE_PREFIX + purpose).encode())


@dataclass(frozen=True)
class Argon2Params:
    """Argon2id cost parameters, as stored in a passphrase slot."""

    memory_kib: int
    iterations: int
    lanes: int

    # Floors: OWASP's minimum (19 MiB, 2 passes). Ceilings: what a laptop can afford, and
    # a bound on what a tampered vault file can make milai allocate before it is checked.
    MIN_MEMORY_KIB = 19 * 1024
    MAX_MEMORY_KIB = 2 * 1024 * 1024
    MIN_ITERATIONS = 2
    MAX_ITERATIONS = 64
    MIN_LANES = 1
    MAX_LANES = 16

    def within_bounds(self) -> bool:
        return (
            self.MIN_MEMORY_KIB <= self.memory_kib <= self.MAX_MEMORY_KIB
            and self.MIN_ITERATIONS <= self.iterations <= self.MAX_ITERATIONS
            and self.MIN_LANES <= self.lanes <= self.MAX_LANES
            and self.memory_kib >= 8 * self.lanes
        )


FLOOR_PARAMS = Argon2Params(Argon2Params.MIN_MEMORY_KIB, Argon2Params.MIN_ITERATIONS, 4)
CALIBRATION_LANES = 4
CALIBRATION_ITERATIONS = 3  # RFC 9106, second recommended option: t=3, p=4
CALIBRATION_MAX_MEMORY_KIB = 512 * 1024
CALIBRATION_PROBE_KIB = 64 * 1024


def calibrate_argon2(target_seconds: float) -> Argon2Params:
    """Argon2id parameters that take about ``target_seconds`` on this machine.

    Memory grows first (up to 512 MiB at three passes), then passes; never below the
    floors. A target of 0 or less gives the floors without measuring.
    """
    if target_seconds <= 0:
        return FLOOR_PARAMS
    start = time.perf_counter()
    _crypto.argon2id(
        b"milai calibration",
        salt=bytes(_crypto.SALT_BYTES),
        iterations=1,
        lanes=CALIBRATION_LANES,
        memory_kib=CALIBRATION_PROBE_KIB,
    )
    seconds_per_kib_pass = max(time.perf_counter() - start, 1e-6) / CALIBRATION_PROBE_KIB
    budget = target_seconds / seconds_per_kib_pass
    memory = int(budget / CALIBRATION_ITERATIONS) // 1024 * 1024
    memory = min(max(memory, Argon2Params.MIN_MEMORY_KIB), CALIBRATION_MAX_MEMORY_KIB)
    iterations = round(budget / memory)
    iterations = min(max(iterations, Argon2Params.MIN_ITERATIONS), Argon2Params.MAX_ITERATIONS)
    return Argon2Params(memory, iterations, CALIBRATION_LANES)


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _hex_field(record: dict[str, Any], name: str, size: int | None = None) -> bytes:
    value = record.get(name)
    if not isinstance(value, str):
        raise VaultIntegrityError()
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raise VaultIntegrityError() from None
    if size is not None and len(raw) != size:
        raise VaultIntegrityError()
    return raw


def _int_field(record: dict[str, Any], name: str) -> int:
    value = record.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise VaultIntegrityError()
    return value


def _exact_keys(record: object, keys: set[str]) -> dict[str, Any]:
    if not isinstance(record, dict) or set(record) != keys:
        raise VaultIntegrityError()
    return record


@dataclass(frozen=True)
class KeySlot:
    """One wrapped copy of the vault key. ``argon2`` is set for passphrase slots.

    The key-encryption key derived from the slot's secret seeds an X25519 key pair; the
    slot keeps the public half and the vault key HPKE-sealed to it. Sealing needs only the
    public key, so a key rotation gives every remaining slot the new vault key without
    asking for its passphrase or key file.
    """

    slot_id: str
    kind: str
    salt: bytes
    public_key: bytes
    wrapped_key: bytes
    argon2: Argon2Params | None = None

    def kdf_json(self) -> dict[str, Any]:
        if self.argon2 is None:
            return {"name": "hkdf-sha256", "salt": self.salt.hex()}
        return {
            "name": "argon2id",
            "salt": self.salt.hex(),
            "memory_kib": self.argon2.memory_kib,
            "iterations": self.argon2.iterations,
            "lanes": self.argon2.lanes,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.slot_id,
            "kind": self.kind,
            "kdf": self.kdf_json(),
            "public_key": self.public_key.hex(),
            "wrapped_key": self.wrapped_key.hex(),
        }


def _slot_info(vault_id: str, slot: KeySlot) -> bytes:
    return SLOT_AAD + _canonical(
        {
            "vault_id": vault_id,
            "id": slot.slot_id,
            "kind": slot.kind,
            "kdf": slot.kdf_json(),
            "public_key": slot.public_key.hex(),
        }
    )


def _key_encryption_key(
    kind: str, secret: bytes, salt: bytes, argon2: Argon2Params | None
) -> bytes:
    if kind == PASSPHRASE:
        if argon2 is None:
            raise VaultIntegrityError()
        return _crypto.argon2id(
            secret,
            salt=salt,
            iterations=argon2.iterations,
            lanes=argon2.lanes,
            memory_kib=argon2.memory_kib,
        )
    return _crypto.hkdf_sha256(secret, salt=salt, info=KEY_FILE_INFO)


def make_slot(
    vault_id: str, vault_key: bytes, kind: str, secret: bytes, argon2: Argon2Params | None
) -> KeySlot:
    """A new slot that opens with ``secret`` and holds ``vault_key``."""
    slot_id = _crypto.random_bytes(8).hex()
    salt = _crypto.random_bytes(_crypto.SALT_BYTES)
    params = argon2 if kind == PASSPHRASE else None
    seed = _key_encryption_key(kind, secret, salt, params)
    public_key = _crypto.wrapping_public_key(seed)
    return rewrap_slot(vault_id, KeySlot(slot_id, kind, salt, public_key, b"", params), vault_key)


def rewrap_slot(vault_id: str, slot: KeySlot, vault_key: bytes) -> KeySlot:
    """``slot`` holding ``vault_key`` instead (no secret needed: see ``KeySlot``)."""
    wrapped = _crypto.wrap_for(slot.public_key, vault_key, _slot_info(vault_id, slot))
    return replace(slot, wrapped_key=wrapped)


def unwrap_slot(vault_id: str, slot: KeySlot, secret: bytes) -> bytes:
    """The vault key from ``slot``. Raises ``VaultIntegrityError`` on a wrong secret."""
    seed = _key_encryption_key(slot.kind, secret, slot.salt, slot.argon2)
    if not _crypto.same_bytes(_crypto.wrapping_public_key(seed), slot.public_key):
        raise VaultIntegrityError()
    vault_key = _crypto.unwrap_with(seed, slot.wrapped_key, _slot_info(vault_id, slot))
    if len(vault_key) != _crypto.KEY_BYTES:
        raise VaultIntegrityError()
    return vault_key


@dataclass(frozen=True)
class VaultFile:
    """The contents of ``vault.json`` once its MAC has been checked (or just made).

    ``state`` is the sealed vault state (state.py): the manifest of every file, with its
    generation. Slots and state are one file, so one rename changes both.
    """

    vault_id: str
    created_at: str
    slots: tuple[KeySlot, ...]
    state: bytes

    def body_json(self) -> dict[str, Any]:
        return {
            "format": VAULT_FORMAT,
            "version": VAULT_VERSION,
            "vault_id": self.vault_id,
            "created_at": self.created_at,
            "slots": [slot.to_json() for slot in self.slots],
            "state": base64.b64encode(self.state).decode("ascii"),
        }

    def to_bytes(self, vault_key: bytes) -> bytes:
        body = self.body_json()
        mac = _crypto.hmac_sha256(internal_key(vault_key, "metadata-mac v1"), _canonical(body))
        return _file_bytes({**body, "mac": mac.hex()})


def _file_bytes(document: dict[str, Any]) -> bytes:
    """The one byte form of ``vault.json`` that milai writes and reads."""
    return json.dumps(document, indent=1, sort_keys=True).encode() + b"\n"


@dataclass(frozen=True)
class UnverifiedVaultFile:
    """``vault.json`` as read from disk: well-formed, but not yet authenticated.

    ``unlock`` turns it into the vault key and a ``VaultFile`` or raises
    ``VaultIntegrityError``; nothing else should be trusted from it.
    """

    vault_id: str
    created_at: str
    slots: tuple[KeySlot, ...]
    state: bytes
    body: dict[str, Any]
    mac: bytes

    MAX_BYTES = 64 * 1024 * 1024

    @classmethod
    def parse(cls, data: bytes) -> UnverifiedVaultFile:
        """Raises ``VaultIntegrityError`` for anything malformed, out of bounds or unknown."""
        if len(data) > cls.MAX_BYTES:
            raise VaultIntegrityError()
        try:
            document = json.loads(data)
        except (ValueError, RecursionError):
            raise VaultIntegrityError() from None
        if isinstance(document, dict) and document.get("version") != VAULT_VERSION:
            raise VaultIntegrityError(
                hint=f"this milai reads vault format {VAULT_VERSION}; "
                "was the vault made by another version?"
            )
        document = _exact_keys(
            document, {"format", "version", "vault_id", "created_at", "slots", "state", "mac"}
        )
        if _file_bytes(document) != data:
            # the MAC covers the values, not the bytes: in any other form (a duplicate key,
            # another encoding, padding) the file could carry what nothing authenticates
            raise VaultIntegrityError()
        if document["format"] != VAULT_FORMAT:
            raise VaultIntegrityError()
        vault_id = _hex_field(document, "vault_id", 16).hex()
        created_at = document["created_at"]
        if not isinstance(created_at, str) or len(created_at) > 64:
            raise VaultIntegrityError()
        raw_slots = document["slots"]
        if not isinstance(raw_slots, list) or not 1 <= len(raw_slots) <= MAX_SLOTS:
            raise VaultIntegrityError()
        slots = tuple(_parse_slot(raw) for raw in raw_slots)
        if len({slot.slot_id for slot in slots}) != len(slots):
            raise VaultIntegrityError()
        raw_state = document["state"]
        if not isinstance(raw_state, str):
            raise VaultIntegrityError()
        try:
            state = base64.b64decode(raw_state, validate=True)
        except ValueError:
            raise VaultIntegrityError() from None
        mac = _hex_field(document, "mac", 32)
        body = {name: value for name, value in document.items() if name != "mac"}
        return cls(vault_id, created_at, slots, state, body, mac)

    def unlock(self, key: KeySource, home: Path) -> tuple[bytes, VaultFile, str]:
        """The vault key, the authenticated vault file and the id of the slot that opened.

        Raises ``VaultIntegrityError`` for a wrong key, a tampered slot or file (one error:
        the caller cannot tell which, and neither can an attacker); what ``key_material``
        raises for an unusable key file.
        """
        return self.unlock_with(key.kind, key_material(key, vault_home=home))

    def unlock_with(self, kind: str, secret: bytes) -> tuple[bytes, VaultFile, str]:
        candidates = [slot for slot in self.slots if slot.kind == kind]
        if not candidates:
            kinds = sorted({slot.kind for slot in self.slots})
            raise VaultIntegrityError(hint=f"this vault opens with: {', '.join(kinds)}")
        for slot in candidates:
            try:
                vault_key = unwrap_slot(self.vault_id, slot, secret)
            except VaultIntegrityError:
                continue
            return vault_key, self.authenticate(vault_key), slot.slot_id
        raise VaultIntegrityError()

    def authenticate(self, vault_key: bytes) -> VaultFile:
        expected = _crypto.hmac_sha256(
            internal_key(vault_key, "metadata-mac v1"), _canonical(self.body)
        )
        if not _crypto.same_bytes(expected, self.mac):
            raise VaultIntegrityError()
        return VaultFile(self.vault_id, self.created_at, self.slots, self.state)


def _parse_slot(raw: object) -> KeySlot:
    record = _exact_keys(raw, {"id", "kind", "kdf", "public_key", "wrapped_key"})
    slot_id = _hex_field(record, "id", 8).hex()
    kind = record["kind"]
    public_key = _hex_field(record, "public_key", _crypto.PUBLIC_KEY_BYTES)
    wrapped = _hex_field(record, "wrapped_key", _crypto.WRAPPED_KEY_BYTES)
    if kind == PASSPHRASE:
        kdf = _exact_keys(record["kdf"], {"name", "salt", "memory_kib", "iterations", "lanes"})
        if kdf["name"] != "argon2id":
            raise VaultIntegrityError()
        params = Argon2Params(
            _int_field(kdf, "memory_kib"), _int_field(kdf, "iterations"), _int_field(kdf, "lanes")
        )
        if not params.within_bounds():
            raise VaultIntegrityError(hint="a key slot's Argon2id parameters are out of bounds")
        return KeySlot(
            slot_id, kind, _hex_field(kdf, "salt", _crypto.SALT_BYTES), public_key, wrapped, params
        )
    if kind == KEY_FILE:
        kdf = _exact_keys(record["kdf"], {"name", "salt"})
        if kdf["name"] != "hkdf-sha256":
            raise VaultIntegrityError()
        salt = _hex_field(kdf, "salt", _crypto.SALT_BYTES)
        return KeySlot(slot_id, kind, salt, public_key, wrapped)
    raise VaultIntegrityError()


def read_vault_file(home: Path) -> UnverifiedVaultFile:
    """Read and parse ``home/vault.json``. Raises ``VaultLocked`` when there is none."""
    path = home / VAULT_FILE
    try:
        with path.open("rb") as handle:
            data = handle.read(UnverifiedVaultFile.MAX_BYTES + 1)
    except FileNotFoundError:
        raise VaultLocked(f"no vault at {home}", hint="run `milai init`") from None
    except OSError as error:
        raise VaultError(f"cannot read {path}: {error.strerror}") from None
    return UnverifiedVaultFile.parse(data)
