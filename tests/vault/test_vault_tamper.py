"""Every change to a sealed model or record is one ``VaultIntegrityError``, and nothing
decrypted is ever handed out: flipped header bytes, flipped body bits at hundreds of seeded
positions, truncations, appended bytes, swapped chunks, swapped headers, foreign keys."""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import pytest

from milai.errors import VaultIntegrityError
from milai.vault import KeySource, Vault, _crypto
from milai.vault.container import PREFIX_BYTES

SIZE = 3 * _crypto.COBBLESTONE_CHUNK + 1000
FIXED = _crypto.COBBLESTONE_FIXED_OVERHEAD
CIPHER_CHUNK = _crypto.COBBLESTONE_CHUNK + _crypto.TAG_BYTES


@pytest.fixture
def sealed(vault: Vault, make_gguf: Any, isolated_home: Path) -> tuple[Path, bytes, int]:
    """A model 'm' in the vault: its path, original bytes, and header length."""
    source, _ = make_gguf(SIZE)
    vault.import_model(source, name="m", level="SECRET")
    path = vault.model_file("m")
    data = path.read_bytes()
    header_length = PREFIX_BYTES + int.from_bytes(data[PREFIX_BYTES - 8 : PREFIX_BYTES - 4], "big")
    assert len(data) == header_length + _crypto.cobblestone_ciphertext_size(SIZE)
    return path, data, header_length


def _assert_refused(vault: Vault, fds_before: set[str]) -> None:
    with pytest.raises(VaultIntegrityError) as caught:
        vault.verify_model("m")
    assert caught.value.exit_code == 4
    yielded = False
    with pytest.raises(VaultIntegrityError):  # the body must never run
        with vault.open_model("m"):
            yielded = True
    assert not yielded
    assert set(os.listdir("/proc/self/fd")) == fds_before


def test_every_header_byte_is_authenticated(vault: Vault, sealed: tuple[Path, bytes, int]) -> None:
    path, data, header_length = sealed
    for position in range(header_length):
        tampered = bytearray(data)
        tampered[position] ^= 0x01 << (position % 8)
        path.write_bytes(tampered)
        with pytest.raises(VaultIntegrityError):
            vault.model("m")
        with pytest.raises(VaultIntegrityError):
            vault.list_models()
    path.write_bytes(data)
    vault.verify_model("m")


def test_a_flipped_header_byte_yields_nothing(
    vault: Vault, sealed: tuple[Path, bytes, int]
) -> None:
    path, data, header_length = sealed
    fds = set(os.listdir("/proc/self/fd"))
    for position in (0, 9, 20, PREFIX_BYTES - 1, PREFIX_BYTES, header_length - 1):
        tampered = bytearray(data)
        tampered[position] ^= 0x80
        path.write_bytes(tampered)
        _assert_refused(vault, fds)


def test_body_bit_flips_at_seeded_random_positions(
    vault: Vault, sealed: tuple[Path, bytes, int]
) -> None:
    path, data, header_length = sealed
    rng = random.Random(20261127)
    positions = [rng.randrange(header_length, len(data)) for _ in range(300)]
    positions += [header_length, header_length + FIXED - 1, header_length + FIXED, len(data) - 1]
    for position in positions:
        tampered = bytearray(data)
        tampered[position] ^= 1 << rng.randrange(8)
        path.write_bytes(tampered)
        with pytest.raises(VaultIntegrityError):
            vault.verify_model("m")
    fds = set(os.listdir("/proc/self/fd"))
    for position in positions[:5]:
        tampered = bytearray(data)
        tampered[position] ^= 0x10
        path.write_bytes(tampered)
        _assert_refused(vault, fds)


def _truncation_points(data: bytes, header_length: int) -> list[int]:
    body = header_length + FIXED
    points = [0, 1, 8, PREFIX_BYTES - 1, PREFIX_BYTES, header_length - 1, header_length]
    points += [header_length + FIXED // 2, body]
    for chunk in range(1, 4):
        boundary = body + chunk * CIPHER_CHUNK
        points += [boundary, boundary - 1, boundary - _crypto.TAG_BYTES // 2]
    points += [len(data) - 1, len(data) - _crypto.TAG_BYTES // 2, len(data) - _crypto.TAG_BYTES]
    return sorted({point for point in points if 0 <= point < len(data)})


def test_truncation(vault: Vault, sealed: tuple[Path, bytes, int]) -> None:
    path, data, header_length = sealed
    fds = set(os.listdir("/proc/self/fd"))
    for point in _truncation_points(data, header_length):
        path.write_bytes(data[:point])
        with pytest.raises(VaultIntegrityError):
            vault.verify_model("m")
        if point >= header_length:
            _assert_refused(vault, fds)


@pytest.mark.parametrize("extra", [b"\x00", b"x" * 16, os.urandom(CIPHER_CHUNK)])
def test_appended_bytes(vault: Vault, sealed: tuple[Path, bytes, int], extra: bytes) -> None:
    path, data, _ = sealed
    path.write_bytes(data + extra)
    _assert_refused(vault, set(os.listdir("/proc/self/fd")))


def test_appended_bytes_bypassing_the_length_check(
    vault: Vault, sealed: tuple[Path, bytes, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cobblestone itself refuses trailing data, not only the vault's length check."""
    path, data, header_length = sealed
    path.write_bytes(data + os.urandom(CIPHER_CHUNK))
    monkeypatch.setattr(
        "milai.vault.container.ModelHeader.body_length",
        property(lambda self: len(data) + CIPHER_CHUNK - header_length),
    )
    with pytest.raises(VaultIntegrityError):
        vault.verify_model("m")


def test_swapped_chunks(vault: Vault, sealed: tuple[Path, bytes, int]) -> None:
    path, data, header_length = sealed
    first = header_length + FIXED
    second = first + CIPHER_CHUNK
    tampered = bytearray(data)
    tampered[first:second], tampered[second : second + CIPHER_CHUNK] = (
        data[second : second + CIPHER_CHUNK],
        data[first:second],
    )
    assert len(tampered) == len(data) and bytes(tampered) != data
    path.write_bytes(tampered)
    _assert_refused(vault, set(os.listdir("/proc/self/fd")))


def test_duplicated_chunk(vault: Vault, sealed: tuple[Path, bytes, int]) -> None:
    path, data, header_length = sealed
    first = header_length + FIXED
    tampered = bytearray(data)
    tampered[first + CIPHER_CHUNK : first + 2 * CIPHER_CHUNK] = data[first : first + CIPHER_CHUNK]
    path.write_bytes(tampered)
    _assert_refused(vault, set(os.listdir("/proc/self/fd")))


def test_header_of_one_model_on_the_body_of_another(
    vault: Vault, make_gguf: Any, sealed: tuple[Path, bytes, int], isolated_home: Path
) -> None:
    path, data, header_length = sealed
    source, _ = make_gguf(SIZE, name="other.gguf", seed=1)
    vault.import_model(source, name="other", level="SECRET")
    other = vault.model_file("other").read_bytes()
    other_header = PREFIX_BYTES + int.from_bytes(other[PREFIX_BYTES - 8 : PREFIX_BYTES - 4], "big")
    path.write_bytes(data[:header_length] + other[other_header:])
    _assert_refused(vault, set(os.listdir("/proc/self/fd")))


def test_renamed_model_file(
    vault: Vault, sealed: tuple[Path, bytes, int], isolated_home: Path, key: KeySource
) -> None:
    path, _, _ = sealed
    path.rename(path.with_name("renamed.model"))
    with pytest.raises(VaultIntegrityError, match="is missing"):
        vault.model("m")
    with pytest.raises(VaultIntegrityError, match="is missing"):
        Vault.open(isolated_home, key)


def test_model_file_from_another_vault(
    sealed: tuple[Path, bytes, int], tmp_path: Path, make_gguf: Any
) -> None:
    _, data, _ = sealed
    other_home = tmp_path / "other-home"
    other = Vault.create(other_home, KeySource(key_file=tmp_path / "other.key"))
    source, _ = make_gguf(SIZE, name="other.gguf", seed=1)
    other.import_model(source, name="m", level="SECRET")
    other.model_file("m").write_bytes(data)
    with pytest.raises(VaultIntegrityError):
        other.model("m")
    with pytest.raises(VaultIntegrityError):
        other.verify_model("m")


# -- records ----------------------------------------------------------------------------


def test_record_tampering(vault: Vault, isolated_home: Path, key: KeySource) -> None:
    vault.records.put("settings", "main", b'{"default_model": "m"}')
    path = vault.records.file_of("settings", "main")
    data = path.read_bytes()
    for position in range(len(data)):
        tampered = bytearray(data)
        tampered[position] ^= 0x04
        path.write_bytes(tampered)
        with pytest.raises(VaultIntegrityError, match="settings record"):
            vault.records.get("settings", "main")
        # the vault opens (its structure is intact), and the record's digest stops the
        # read before anything is decrypted; a full check hashes it
        reopened = Vault.open(isolated_home, key)
        with pytest.raises(VaultIntegrityError, match="settings record"):
            reopened.records.get("settings", "main")
        with pytest.raises(VaultIntegrityError, match="settings record"):
            reopened.verify_files()
    for cut in (0, 5, 21, len(data) - 1):
        path.write_bytes(data[:cut])
        with pytest.raises(VaultIntegrityError, match="settings record"):
            vault.records.get("settings", "main")
        with pytest.raises(VaultIntegrityError, match="settings record"):
            Vault.open(isolated_home, key).records.get("settings", "main")
    path.write_bytes(data + b"\x00")
    with pytest.raises(VaultIntegrityError, match="settings record"):
        vault.records.get("settings", "main")
    with pytest.raises(VaultIntegrityError, match="settings record"):
        Vault.open(isolated_home, key).verify_files()
    path.write_bytes(data)
    assert vault.records.get("settings", "main") == b'{"default_model": "m"}'


def test_swapped_records(vault: Vault, isolated_home: Path) -> None:
    vault.records.put("history", "a", b"first")
    vault.records.put("history", "b", b"second")
    first, second = vault.records.file_of("history", "a"), vault.records.file_of("history", "b")
    a, b = first.read_bytes(), second.read_bytes()
    first.write_bytes(b)
    second.write_bytes(a)
    for record_id in ("a", "b"):
        with pytest.raises(VaultIntegrityError):
            vault.records.get("history", record_id)


def test_record_copied_over_one_of_another_kind(vault: Vault) -> None:
    vault.records.put("history", "a", b"first")
    vault.records.put("notes", "x", b"placeholder")
    source = vault.records.file_of("history", "a")
    vault.records.file_of("notes", "x").write_bytes(source.read_bytes())
    with pytest.raises(VaultIntegrityError):
        vault.records.get("notes", "x")


def test_records_under_a_different_vault_key(vault: Vault, tmp_path: Path) -> None:
    vault.records.put("settings", "main", b"secret settings")
    other_home = tmp_path / "other"
    other = Vault.create(other_home, KeySource(key_file=tmp_path / "other.key"))
    other.records.put("settings", "main", b"x")
    mine = vault.records.file_of("settings", "main")
    other.records.file_of("settings", "main").write_bytes(mine.read_bytes())
    with pytest.raises(VaultIntegrityError):
        other.records.get("settings", "main")


def test_tampered_audit_key_record(vault: Vault, isolated_home: Path, key: KeySource) -> None:
    path = vault.records.file_of("_vault", "audit-signing-key")
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(data)
    with pytest.raises(VaultIntegrityError):
        Vault.open(isolated_home, key).audit_signer()
