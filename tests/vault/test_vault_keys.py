"""Creating and unlocking the vault: key files, passphrases, key slots, tampered vault
files, wrong keys, folder permissions, and what never shows in a repr."""

from __future__ import annotations

import json
import os
import pickle
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from milai.errors import UsageError, VaultError, VaultIntegrityError, VaultLocked
from milai.vault import KeySource, Vault, _crypto, keys
from tests.helpers import write_key_file

PASSPHRASE = b"correct horse battery staple"


def _vault_json(home: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((home / "vault.json").read_text())
    return document


def _write_vault_json(home: Path, document: dict[str, Any]) -> None:
    """In the form milai writes, so that what a test changed is what is refused."""
    (home / "vault.json").write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")


def test_a_vault_json_rewritten_unchanged_opens(vault: Vault, isolated_home: Path) -> None:
    """The tests below change one thing each: the rest of what they write is as it was."""
    before = (isolated_home / "vault.json").read_bytes()
    _write_vault_json(isolated_home, _vault_json(isolated_home))
    assert (isolated_home / "vault.json").read_bytes() == before


# The same values in another form: the MAC covers the values, not the bytes, so any other
# form could carry bytes nothing authenticates (a shadowed duplicate key holds anything).
OTHER_FORMS: dict[str, Callable[[bytes], bytes]] = {
    "duplicate_key": lambda data: data.replace(
        b'"created_at"', b'"created_at": "smuggled", "created_at"', 1
    ),
    "byte_order_mark": lambda data: b"\xef\xbb\xbf" + data,
    "utf_16": lambda data: data.decode().encode("utf-16"),
    "padding": lambda data: b" " * 4096 + data,
    "compact": lambda data: json.dumps(json.loads(data), sort_keys=True).encode(),
}


@pytest.mark.parametrize("form", OTHER_FORMS)
def test_vault_json_in_another_form_is_an_integrity_error(
    vault: Vault, isolated_home: Path, key: KeySource, form: str
) -> None:
    path = isolated_home / "vault.json"
    changed = OTHER_FORMS[form](path.read_bytes())
    assert json.loads(changed) == json.loads(path.read_bytes())  # the same values
    path.write_bytes(changed)
    with pytest.raises(VaultIntegrityError):
        Vault.open(isolated_home, key)


# -- creating ---------------------------------------------------------------------------


def test_create_makes_a_private_key_file_and_folder(isolated_home: Path, key_file: Path) -> None:
    key_file.parent.mkdir()
    Vault.create(isolated_home, KeySource(key_file=key_file))
    assert key_file.read_bytes() and len(key_file.read_bytes()) == 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    for path in [isolated_home, *isolated_home.rglob("*")]:
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path
    assert Vault.exists(isolated_home)
    Vault.open(isolated_home, KeySource(key_file=key_file))


def test_create_uses_an_existing_key_file(isolated_home: Path, tmp_path: Path) -> None:
    key_file = tmp_path / "existing.key"
    write_key_file(key_file, os.urandom(64))
    before = key_file.read_bytes()
    Vault.create(isolated_home, KeySource(key_file=key_file))
    assert key_file.read_bytes() == before
    Vault.open(isolated_home, KeySource(key_file=key_file))


def test_key_file_too_short_is_a_usage_error(isolated_home: Path, tmp_path: Path) -> None:
    key_file = tmp_path / "short.key"
    write_key_file(key_file, b"x" * 31)
    with pytest.raises(UsageError, match="at least 32 bytes"):
        Vault.create(isolated_home, KeySource(key_file=key_file))
    assert not Vault.exists(isolated_home)


def test_key_file_in_missing_folder_is_a_usage_error(isolated_home: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot create key file"):
        Vault.create(isolated_home, KeySource(key_file=tmp_path / "nowhere" / "k"))


def test_create_refuses_an_existing_vault(
    vault: Vault, isolated_home: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.key"
    with pytest.raises(VaultError, match="already exists"):
        Vault.create(isolated_home, KeySource(key_file=other))
    assert not other.exists()


def test_create_refuses_a_folder_open_to_others(isolated_home: Path, key: KeySource) -> None:
    isolated_home.mkdir(mode=0o755)
    isolated_home.chmod(0o755)
    with pytest.raises(VaultError, match="accessible to other users") as caught:
        Vault.create(isolated_home, key)
    assert caught.value.hint and "chmod 700" in caught.value.hint


def test_passphrase_vault(isolated_home: Path) -> None:
    Vault.create(isolated_home, KeySource(passphrase=PASSPHRASE), argon2_target_seconds=0)
    Vault.open(isolated_home, KeySource(passphrase=PASSPHRASE))
    with pytest.raises(VaultIntegrityError) as caught:
        Vault.open(isolated_home, KeySource(passphrase=b"wrong horse battery staple"))
    assert caught.value.exit_code == 4
    assert "wrong key or tampered" in str(caught.value)


def test_passphrase_too_short(isolated_home: Path) -> None:
    with pytest.raises(UsageError, match="too short"):
        Vault.create(isolated_home, KeySource(passphrase=b"short"), argon2_target_seconds=0)


def test_text_passphrases_are_normalised(isolated_home: Path) -> None:
    composed = "caf\u00e9 au lait noir"
    decomposed = "cafe\u0301 au lait noir"
    Vault.create(isolated_home, KeySource.from_text(composed), argon2_target_seconds=0)
    Vault.open(isolated_home, KeySource.from_text(decomposed))


def test_key_source_needs_exactly_one_secret(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        KeySource()
    with pytest.raises(ValueError):
        KeySource(key_file=tmp_path, passphrase=b"x" * 10)


# -- opening ----------------------------------------------------------------------------


def test_open_without_a_vault_is_locked(isolated_home: Path, key: KeySource) -> None:
    with pytest.raises(VaultLocked) as caught:
        Vault.open(isolated_home, key)
    assert caught.value.hint == "run `milai init`"
    assert caught.value.exit_code == 4


def test_wrong_key_file(vault: Vault, isolated_home: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.key"
    write_key_file(wrong, os.urandom(32))
    with pytest.raises(VaultIntegrityError):
        Vault.open(isolated_home, KeySource(key_file=wrong))


def test_missing_key_file_is_locked(vault: Vault, isolated_home: Path, tmp_path: Path) -> None:
    with pytest.raises(VaultLocked, match="not found"):
        Vault.open(isolated_home, KeySource(key_file=tmp_path / "gone.key"))


def test_passphrase_against_a_key_file_vault(vault: Vault, isolated_home: Path) -> None:
    with pytest.raises(VaultIntegrityError) as caught:
        Vault.open(isolated_home, KeySource(passphrase=PASSPHRASE))
    assert caught.value.hint and "key-file" in caught.value.hint


def test_open_refuses_a_folder_open_to_others(
    vault: Vault, isolated_home: Path, key: KeySource
) -> None:
    isolated_home.chmod(0o750)
    with pytest.raises(VaultError, match="accessible to other users") as caught:
        Vault.open(isolated_home, key)
    assert not isinstance(caught.value, VaultIntegrityError)
    isolated_home.chmod(0o700)
    Vault.open(isolated_home, key)


@pytest.mark.parametrize(
    "corrupt",
    [
        "wrapped_key",
        "public_key",
        "state",
        "salt",
        "slot_id",
        "kind",
        "vault_id",
        "mac",
        "created_at",
        "not_json",
        "truncated",
        "empty",
        "extra_field",
        "version",
    ],
)
def test_corrupted_vault_file_is_one_integrity_error(
    vault: Vault, isolated_home: Path, key: KeySource, corrupt: str
) -> None:
    document = _vault_json(isolated_home)
    slot = document["slots"][0]

    def flip_hex(value: str) -> str:
        return ("1" if value[0] != "1" else "2") + value[1:]

    if corrupt == "wrapped_key":
        slot["wrapped_key"] = flip_hex(slot["wrapped_key"])
    elif corrupt == "public_key":
        slot["public_key"] = flip_hex(slot["public_key"])
    elif corrupt == "state":
        document["state"] = ("A" if document["state"][0] != "A" else "B") + document["state"][1:]
    elif corrupt == "salt":
        slot["kdf"]["salt"] = flip_hex(slot["kdf"]["salt"])
    elif corrupt == "slot_id":
        slot["id"] = flip_hex(slot["id"])
    elif corrupt == "kind":
        slot["kind"] = "passphrase"
    elif corrupt == "vault_id":
        document["vault_id"] = flip_hex(document["vault_id"])
    elif corrupt == "mac":
        document["mac"] = flip_hex(document["mac"])
    elif corrupt == "created_at":
        document["created_at"] = "2000-01-01T00:00:00Z"
    elif corrupt == "extra_field":
        document["extra"] = 1
    elif corrupt == "version":
        document["version"] = 1
    if corrupt == "not_json":
        (isolated_home / "vault.json").write_bytes(b"\x00garbage{")
    elif corrupt == "truncated":
        data = (isolated_home / "vault.json").read_bytes()
        (isolated_home / "vault.json").write_bytes(data[: len(data) // 2])
    elif corrupt == "empty":
        (isolated_home / "vault.json").write_bytes(b"")
    else:
        _write_vault_json(isolated_home, document)
    with pytest.raises(VaultIntegrityError):
        Vault.open(isolated_home, key)


def test_removed_or_added_slot_fails_the_file_mac(
    isolated_home: Path, key: KeySource, tmp_path: Path
) -> None:
    vault = Vault.create(isolated_home, key)
    recovery = KeySource(key_file=tmp_path / "recovery.key")
    vault.add_key_slot(recovery)
    document = _vault_json(isolated_home)
    document["slots"] = document["slots"][:1]
    _write_vault_json(isolated_home, document)
    with pytest.raises(VaultIntegrityError):
        Vault.open(isolated_home, key)


def _passphrase_vault_with_params(home: Path, **params: int) -> None:
    Vault.create(home, KeySource(passphrase=PASSPHRASE), argon2_target_seconds=0)
    document = _vault_json(home)
    document["slots"][0]["kdf"].update(params)
    _write_vault_json(home, document)


@pytest.mark.parametrize(
    "params",
    [
        {"memory_kib": 8},
        {"memory_kib": keys.Argon2Params.MIN_MEMORY_KIB - 1},
        {"iterations": 1},
        {"lanes": 0},
        {"memory_kib": 2**40},
        {"iterations": 10_000},
        {"lanes": 1000},
    ],
)
def test_argon2_floors_and_ceilings_are_enforced_on_read(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, params: dict[str, int]
) -> None:
    _passphrase_vault_with_params(isolated_home, **params)

    def no_argon2(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("Argon2id must not run with out-of-bounds parameters")

    monkeypatch.setattr(_crypto, "argon2id", no_argon2)
    start = time.perf_counter()
    with pytest.raises(VaultIntegrityError):
        Vault.open(isolated_home, KeySource(passphrase=PASSPHRASE))
    assert time.perf_counter() - start < 1


def test_in_bounds_but_changed_params_fail_authentication(isolated_home: Path) -> None:
    _passphrase_vault_with_params(isolated_home, iterations=3)
    with pytest.raises(VaultIntegrityError):
        Vault.open(isolated_home, KeySource(passphrase=PASSPHRASE))


def test_calibration(monkeypatch: pytest.MonkeyPatch) -> None:
    assert keys.calibrate_argon2(0) == keys.FLOOR_PARAMS
    assert keys.FLOOR_PARAMS.within_bounds()
    # A probe pass over 64 MiB that "takes" 0.05 s: no clock in the assertion.
    ticks = iter([100.0, 100.05])
    monkeypatch.setattr(time, "perf_counter", lambda: next(ticks))  # the module keys uses
    monkeypatch.setattr(_crypto, "argon2id", lambda *args, **kwargs: bytes(32))
    params = keys.calibrate_argon2(2.0)
    assert params.within_bounds()
    # 2 s buys 40 passes over 64 MiB: memory first, up to 512 MiB, then passes (5 of them)
    assert params == keys.Argon2Params(keys.CALIBRATION_MAX_MEMORY_KIB, 5, 4)


def test_default_calibration_is_stored(isolated_home: Path) -> None:
    Vault.create(isolated_home, KeySource(passphrase=PASSPHRASE), argon2_target_seconds=0.1)
    kdf = _vault_json(isolated_home)["slots"][0]["kdf"]
    assert kdf["name"] == "argon2id"
    assert kdf["memory_kib"] >= keys.Argon2Params.MIN_MEMORY_KIB
    assert kdf["iterations"] >= keys.Argon2Params.MIN_ITERATIONS


# -- key slots --------------------------------------------------------------------------


def test_add_recovery_key_file_beside_a_passphrase(isolated_home: Path, tmp_path: Path) -> None:
    vault = Vault.create(isolated_home, KeySource(passphrase=PASSPHRASE), argon2_target_seconds=0)
    recovery = tmp_path / "recovery.key"
    vault.add_key_slot(KeySource(key_file=recovery))
    assert stat.S_IMODE(recovery.stat().st_mode) == 0o600
    assert vault.key_slots() == ["passphrase", "key-file"]
    first = Vault.open(isolated_home, KeySource(passphrase=PASSPHRASE))
    second = Vault.open(isolated_home, KeySource(key_file=recovery))
    assert first.derive_key("test v1") == second.derive_key("test v1")
    with pytest.raises(UsageError, match="already opens"):
        vault.add_key_slot(KeySource(key_file=recovery))
    with pytest.raises(UsageError, match="already opens"):
        vault.add_key_slot(KeySource(passphrase=PASSPHRASE), argon2_target_seconds=0)


def test_add_a_second_passphrase(vault: Vault, isolated_home: Path) -> None:
    vault.add_key_slot(KeySource(passphrase=PASSPHRASE), argon2_target_seconds=0)
    vault.add_key_slot(KeySource(passphrase=b"another passphrase"), argon2_target_seconds=0)
    Vault.open(isolated_home, KeySource(passphrase=b"another passphrase"))
    Vault.open(isolated_home, KeySource(passphrase=PASSPHRASE))


def test_change_key_rewraps_without_touching_models(
    vault: Vault, isolated_home: Path, key: KeySource, make_gguf: Any, tmp_path: Path
) -> None:
    source, _ = make_gguf(50_000)
    vault.import_model(source, name="m", level="SECRET")
    vault.records.put("settings", "main", b"kept")
    model_file = vault.model_file("m")
    model_bytes = model_file.read_bytes()
    new = KeySource(passphrase=PASSPHRASE)
    vault.change_key(key, new, argon2_target_seconds=0)
    with pytest.raises(VaultIntegrityError):
        Vault.open(isolated_home, key)
    reopened = Vault.open(isolated_home, new)
    assert reopened.model_file("m") == model_file and model_file.read_bytes() == model_bytes
    reopened.verify_model("m")
    assert reopened.records.get("settings", "main") == b"kept"
    # and back to a fresh key file on "removable media"
    media = tmp_path / "usb" / "milai.key"
    media.parent.mkdir()
    reopened.change_key(new, KeySource(key_file=media))
    Vault.open(isolated_home, KeySource(key_file=media)).verify_model("m")


def test_change_key_with_a_wrong_old_key(vault: Vault, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.key"
    write_key_file(wrong, os.urandom(32))
    new = tmp_path / "new.key"
    with pytest.raises(VaultIntegrityError):
        vault.change_key(KeySource(key_file=wrong), KeySource(key_file=new))
    assert not new.exists()


def test_change_key_sees_slots_added_by_another_process(
    vault: Vault, isolated_home: Path, key: KeySource, tmp_path: Path
) -> None:
    other = Vault.open(isolated_home, key)
    recovery = KeySource(key_file=tmp_path / "recovery.key")
    other.add_key_slot(recovery)
    vault.change_key(key, KeySource(passphrase=PASSPHRASE), argon2_target_seconds=0)
    Vault.open(isolated_home, recovery)


# -- derived keys, signing, and secrets that never show -----------------------------------


def test_derive_key(vault: Vault, isolated_home: Path, key: KeySource) -> None:
    audit = vault.derive_key("milai audit hmac v1")
    assert len(audit) == 32
    assert Vault.open(isolated_home, key).derive_key("milai audit hmac v1") == audit
    assert vault.derive_key("something else v1") != audit
    for bad in ("", "milai-vault/model-body v1", "x" * 300):
        with pytest.raises(ValueError):
            vault.derive_key(bad)


def test_audit_signer_is_stable_and_verifiable(
    vault: Vault, isolated_home: Path, key: KeySource
) -> None:
    from milai.vault import verify_signature

    signer = vault.audit_signer()
    public = signer.public_key_bytes()
    assert len(public) == 32
    signature = signer.sign(b"checkpoint 1")
    reopened = Vault.open(isolated_home, key).audit_signer()
    assert reopened.public_key_bytes() == public
    verify_signature(public, signature, b"checkpoint 1")
    with pytest.raises(VaultIntegrityError):
        verify_signature(public, signature, b"checkpoint 2")


def test_secrets_never_show(vault: Vault, key_file: Path) -> None:
    secret_hex = key_file.read_bytes().hex()
    source = KeySource(passphrase=PASSPHRASE)
    shown = " ".join(
        [repr(source), str(source), repr(vault), repr(vault.records), repr(vault.audit_signer())]
    )
    assert PASSPHRASE.decode() not in shown
    assert secret_hex not in shown
    assert vault._key.hex() not in shown
    for secret_holder in (source, vault, vault.audit_signer()):
        with pytest.raises(TypeError):
            pickle.dumps(secret_holder)


def test_error_messages_hold_no_secret(isolated_home: Path, tmp_path: Path) -> None:
    Vault.create(isolated_home, KeySource(passphrase=PASSPHRASE), argon2_target_seconds=0)
    wrong = b"a wrong passphrase here"
    with pytest.raises(VaultIntegrityError) as caught:
        Vault.open(isolated_home, KeySource(passphrase=wrong))
    text = f"{caught.value} {caught.value.hint} {caught.value!r}"
    assert wrong.decode() not in text and PASSPHRASE.decode() not in text
    error = caught.value
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__


def test_slot_count_is_bounded(vault: Vault, isolated_home: Path, tmp_path: Path) -> None:
    for index in range(keys.MAX_SLOTS - 1):
        vault.add_key_slot(KeySource(key_file=tmp_path / f"k{index}"))
    with pytest.raises(UsageError, match="key slots"):
        vault.add_key_slot(KeySource(key_file=tmp_path / "one-too-many"))
    assert not (tmp_path / "one-too-many").exists()
    Vault.open(isolated_home, KeySource(key_file=tmp_path / "k0"))
