"""Administrator commands in process: ``init``, ``model …``, ``key …``, ``settings …`` and
``doctor``, every exit code and bad input, on a vault of synthetic models."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from milai import netguard
from tests.cli.fixtures import SYNTHETIC_MODEL, SYNTHETIC_SECRET_MODEL, SyntheticVault
from tests.cli.harness import Cli, refused
from tests.helpers import write_key_file

PASSPHRASE = "correct horse battery staple"


def model_names(cli: Cli) -> list[str]:
    listed = cli("model", "list", "--json")
    assert listed.code == 0, listed.stderr
    return [model["name"] for model in json.loads(listed.stdout)]


def audited_commands(cli: Cli) -> list[str]:
    shown = cli("audit", "show", "--json")
    assert shown.code == 0, shown.stderr
    return [json.loads(line)["event"]["command"] for line in shown.stdout.splitlines()]


# -- init ------------------------------------------------------------------------------------


def test_init_with_a_new_key_file_creates_it_0600(
    cli: Cli, isolated_home: Path, tmp_path: Path
) -> None:
    key = tmp_path / "new.key"
    result = cli("init", "--key-file", str(key))
    assert result.code == 0, result.stderr
    assert result.stderr == f"milai: vault created at {isolated_home}\n"
    assert result.stdout == ""
    assert key.stat().st_mode & 0o777 == 0o600
    assert len(key.read_bytes()) == 32
    assert isolated_home.stat().st_mode & 0o777 == 0o700
    assert model_names(cli) == []  # the recorded key file unlocks it


def test_init_with_a_passphrase_file_then_unlock_with_it(
    cli: Cli, isolated_home: Path, tmp_path: Path, cheap_argon2: None
) -> None:
    passphrase = tmp_path / "pass"
    passphrase.write_text(PASSPHRASE + "\n")
    assert cli("init", "--passphrase-file", str(passphrase)).code == 0
    assert cli("--passphrase-file", str(passphrase), "model", "list").code == 0
    refused(cli("model", "list"), 4, "locked")  # no key recorded, no terminal
    wrong = tmp_path / "wrong"
    wrong.write_text("incorrect horse battery staple\n")
    refused(cli("--passphrase-file", str(wrong), "model", "list"), 4)


def test_init_asks_twice_on_the_terminal(cli: Cli, tmp_path: Path, cheap_argon2: None) -> None:
    created = cli("init", tty=True, passphrases=[PASSPHRASE, PASSPHRASE])
    assert created.code == 0, created.stderr
    assert len(created.prompts) == 2
    opened = cli("model", "list", "--json", tty=True, passphrases=[PASSPHRASE])
    assert opened.code == 0, opened.stderr
    assert opened.prompts == ("Vault passphrase: ",)


@pytest.mark.parametrize(
    ("answers", "nouns"),
    [
        ([PASSPHRASE, PASSPHRASE + "!"], ("differ",)),
        (["short", "short"], ("passphrase",)),
    ],
    ids=["differ", "too-short"],
)
def test_init_refuses_bad_typed_passphrases(
    cli: Cli, isolated_home: Path, answers: list[str], nouns: tuple[str, ...]
) -> None:
    refused(cli("init", tty=True, passphrases=answers), 2, *nouns)
    assert not isolated_home.exists() or not any(isolated_home.iterdir())


def test_init_bad_input(cli: Cli, isolated_home: Path, tmp_path: Path) -> None:
    short = tmp_path / "short.key"
    write_key_file(short, b"12345")
    empty = tmp_path / "empty"
    empty.write_text("")
    passphrase = tmp_path / "pass"
    passphrase.write_text(PASSPHRASE)
    cases: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
        (("init",), ("terminal", "--key-file")),
        (("init", "--key-file", str(short)), ("32 bytes",)),
        (("init", "--passphrase-file", str(empty)), ("empty",)),
        (("init", "--passphrase-file", str(tmp_path / "missing")), ("passphrase file",)),
        (("init", "--key-file", str(tmp_path / "k"), "--passphrase-file", str(passphrase)), ()),
        (("init", "--key-file", str(tmp_path / "k"), "--clearance", "PUBLIC"), ("PUBLIC",)),
        (("init", "--key-file", str(tmp_path / "k"), "--ceiling", "PUBLIC"), ("PUBLIC",)),
        (("init", "--bogus"), ("--bogus",)),
    ]
    for args, nouns in cases:
        refused(cli(*args), 2, *nouns)
    assert not (isolated_home / "vault.json").exists()


def test_init_twice_is_refused_and_keeps_the_vault(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path
) -> None:
    refused(cli("init", "--key-file", str(tmp_path / "other.key")), 4, "already exists")
    assert model_names(cli) == [SYNTHETIC_MODEL, SYNTHETIC_SECRET_MODEL]


# -- model import / list / show / verify / remove --------------------------------------------


def test_model_list_and_show_print_the_manifest(cli: Cli, synthetic_vault: SyntheticVault) -> None:
    listed = cli("model", "list", "--json")
    assert listed.code == 0
    first, second = json.loads(listed.stdout)
    assert first["name"] == SYNTHETIC_MODEL
    assert first["sha256"] == synthetic_vault.sha256
    assert (first["level"], second["level"]) == ("UNCLASSIFIED", "SECRET")
    assert first["architecture"] == "llama"
    assert first["catalogued"] is False
    shown = cli("model", "show", SYNTHETIC_MODEL)
    assert shown.code == 0
    assert json.loads(shown.stdout) == first
    table = cli("model", "list")
    assert table.code == 0
    assert "Models in the vault" in table.stdout
    assert SYNTHETIC_MODEL in table.stdout


def test_model_import_then_remove(cli: Cli, synthetic_vault: SyntheticVault) -> None:
    imported = cli(
        "model",
        "import",
        str(synthetic_vault.source),
        "--name",
        "third",
        "--level",
        "RESTRICTED",
        "--sha256",
        synthetic_vault.sha256,
    )
    assert imported.code == 0, imported.stderr
    assert imported.stderr.startswith("milai: imported third ")
    assert "third" in model_names(cli)
    removed = cli("model", "remove", "third")
    assert removed.code == 0
    assert "third" not in model_names(cli)
    commands = ["model.import", "model.import", "model.remove", "model.remove"]
    assert audited_commands(cli)[-4:] == commands  # each act started, then its outcome


def test_model_import_refusals(cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path) -> None:
    source = str(synthetic_vault.source)
    models = synthetic_vault.home / "models"
    before = sorted(p.name for p in models.iterdir())
    not_gguf = tmp_path / "notes.gguf"
    not_gguf.write_text("hello")
    unreadable = tmp_path / "unreadable.gguf"
    unreadable.write_bytes(synthetic_vault.source.read_bytes())
    unreadable.chmod(0)
    cases: list[tuple[tuple[str, ...], int, tuple[str, ...]]] = [
        ((str(tmp_path / "missing.gguf"), "--name", "x", "--level", "UNCLASSIFIED"), 2, ()),
        ((str(not_gguf), "--name", "x", "--level", "UNCLASSIFIED"), 2, ("GGUF",)),
        ((str(tmp_path), "--name", "x", "--level", "UNCLASSIFIED"), 2, ()),
        ((source, "--name", "../evil", "--level", "UNCLASSIFIED"), 2, ("name",)),
        ((source, "--name", SYNTHETIC_MODEL, "--level", "UNCLASSIFIED"), 2, ("already",)),
        ((source, "--name", "x", "--level", "PUBLIC"), 2, ("PUBLIC",)),
        ((source, "--name", "x"), 2, ("--level",)),
        ((source, "--name", "x", "--level", "UNCLASSIFIED", "--sha256", "zz"), 2, ("sha256",)),
        ((source, "--name", "x", "--level", "UNCLASSIFIED", "--sha256", "00" * 32), 4, ()),
    ]
    if os.geteuid() != 0:  # root reads a file of mode 0 anyway
        cases.append(((str(unreadable), "--name", "x", "--level", "UNCLASSIFIED"), 2, ()))
    for args, code, nouns in cases:
        refused(cli("model", "import", *args), code, *nouns)
    assert model_names(cli) == [SYNTHETIC_MODEL, SYNTHETIC_SECRET_MODEL]
    assert sorted(p.name for p in models.iterdir()) == before  # no partial file left behind


def test_model_verify_passes_then_a_flipped_bit_exits_4(
    cli: Cli, synthetic_vault: SyntheticVault
) -> None:
    verified = cli("model", "verify", SYNTHETIC_MODEL)
    assert verified.code == 0
    assert verified.stderr == f"milai: {SYNTHETIC_MODEL} verified\n"
    sealed = synthetic_vault.sealed(SYNTHETIC_MODEL)
    data = bytearray(sealed.read_bytes())
    data[-10] ^= 0x01
    sealed.write_bytes(bytes(data))
    refused(cli("model", "verify", SYNTHETIC_MODEL), 4)
    assert cli("model", "verify", SYNTHETIC_SECRET_MODEL).code == 0  # the other one is intact
    assert audited_commands(cli)[-3:] == ["model.verify"] * 3


@pytest.mark.parametrize("command", ["show", "verify", "remove"])
def test_an_unknown_model_exits_5(cli: Cli, synthetic_vault: SyntheticVault, command: str) -> None:
    refused(cli("model", command, "nope"), 5, "nope")


@pytest.mark.parametrize("command", ["show", "verify", "remove"])
def test_a_model_command_without_its_name_exits_2(
    cli: Cli, synthetic_vault: SyntheticVault, command: str
) -> None:
    refused(cli("model", command), 2)


def test_model_commands_without_a_vault_exit_4(
    cli: Cli, isolated_home: Path, tmp_path: Path
) -> None:
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF" + bytes(100))
    for args in (
        ("model", "list"),
        ("model", "show", "x"),
        ("model", "verify", "x"),
        ("model", "remove", "x"),
        ("model", "import", str(gguf), "--name", "x", "--level", "UNCLASSIFIED"),
    ):
        refused(cli(*args), 4, "milai init")


def test_a_model_group_without_a_command_shows_help_and_exits_2(cli: Cli) -> None:
    for group in ("model", "key", "settings", "policy", "audit", "history"):
        result = cli(group)
        assert result.code == 2, group
        assert "Usage" in result.stdout + result.stderr
        assert result.stderr.strip() == "" or result.stderr.startswith("Usage")


# -- key add / change ------------------------------------------------------------------------


def test_key_add_a_recovery_key_file(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path
) -> None:
    recovery = tmp_path / "recovery.key"
    added = cli("key", "add", "--new-key-file", str(recovery))
    assert added.code == 0, added.stderr
    assert recovery.stat().st_mode & 0o777 == 0o600
    assert cli("--key-file", str(recovery), "model", "list").code == 0
    assert cli("--key-file", str(synthetic_vault.key_file), "model", "list").code == 0
    assert audited_commands(cli)[-1] == "key.add"


def test_key_change_to_a_passphrase_rewraps(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path, cheap_argon2: None
) -> None:
    models = synthetic_vault.home / "models"
    before = {p.name: p.stat().st_ino for p in models.iterdir()}
    passphrase = tmp_path / "pass"
    passphrase.write_text(PASSPHRASE + "\n")
    changed = cli("key", "change", "--new-passphrase-file", str(passphrase))
    assert changed.code == 0, changed.stderr
    assert not (synthetic_vault.home / "key-file.path").exists()
    refused(cli("--key-file", str(synthetic_vault.key_file), "model", "list"), 4)
    assert cli("--passphrase-file", str(passphrase), "model", "list").code == 0
    assert {p.name: p.stat().st_ino for p in models.iterdir()} == before  # not re-encrypted


@pytest.mark.parametrize("command", ["add", "change"])
def test_key_bad_input(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path, command: str
) -> None:
    short = tmp_path / "short.key"
    write_key_file(short, b"12345")
    weak = tmp_path / "weak"
    weak.write_text("abc\n")
    empty = tmp_path / "empty"
    empty.write_text("")
    cases: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
        ((), ("terminal",)),
        (("--new-key-file", str(short)), ("32 bytes",)),
        (("--new-passphrase-file", str(weak)), ("passphrase",)),
        (("--new-passphrase-file", str(empty)), ("empty",)),
        (("--new-passphrase-file", str(tmp_path / "missing")), ("passphrase file",)),
        (("--new-key-file", str(tmp_path / "a"), "--new-passphrase-file", str(weak)), ()),
        (("--bogus",), ("--bogus",)),
    ]
    for args, nouns in cases:
        refused(cli("key", command, *args), 2, *nouns)
    assert cli("model", "list").code == 0  # the old key still opens the vault


@pytest.mark.parametrize("command", ["add", "change"])
def test_key_commands_with_a_wrong_key_exit_4(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path, command: str
) -> None:
    wrong = tmp_path / "wrong.key"
    write_key_file(wrong, os.urandom(32))
    new = tmp_path / "new.key"
    refused(cli("--key-file", str(wrong), "key", command, "--new-key-file", str(new)), 4)
    assert cli("model", "list").code == 0


# -- settings --------------------------------------------------------------------------------


def test_settings_show_and_set(cli: Cli, synthetic_vault: SyntheticVault) -> None:
    shown = cli("settings", "show")
    assert shown.code == 0
    assert json.loads(shown.stdout)["default_model"] == SYNTHETIC_MODEL
    changed = cli("settings", "set", "clearance", "RESTRICTED")
    assert changed.code == 0
    assert changed.stderr == "milai: clearance = RESTRICTED\n"
    assert json.loads(cli("settings", "show").stdout)["clearance"] == "RESTRICTED"
    assert audited_commands(cli)[-1] == "settings.change"


def test_settings_bad_input(cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path) -> None:
    malformed = tmp_path / "policy.yaml"
    malformed.write_text("name: x\nname: y\n")
    cases: list[tuple[tuple[str, ...], int, tuple[str, ...]]] = [
        (("set", "bogus", "x"), 2, ("bogus",)),
        (("set", "policy_sha256", "x"), 2, ("policy_sha256",)),
        (("set", "clearance", "PUBLIC"), 2, ("PUBLIC",)),
        (("set", "ceiling", "PUBLIC"), 2, ("PUBLIC",)),
        (("set", "policy", str(malformed)), 2, (str(malformed),)),
        (("set", "policy", str(tmp_path / "missing.yaml")), 2, ("missing.yaml",)),
        (("set", "default_model", "nope"), 5, ("nope",)),
        (("set", "clearance"), 2, ()),
        (("unset", "clearance"), 2, ("unset",)),
    ]
    for args, code, nouns in cases:
        refused(cli("settings", *args), code, *nouns)
    assert cli("settings", "set", "ceiling", "RESTRICTED").code == 0
    refused(cli("settings", "set", "clearance", "SECRET"), 2, "SECRET", "ceiling")


def test_settings_without_a_vault_exit_4(cli: Cli, isolated_home: Path) -> None:
    refused(cli("settings", "show"), 4, "milai init")
    refused(cli("settings", "set", "clearance", "SECRET"), 4, "milai init")


def test_an_installed_policy_is_pinned_by_its_sha256(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(Path("policies/default.yaml").read_text())
    assert cli("settings", "set", "policy", str(policy)).code == 0
    assert cli("check", "-", stdin="hello").code == 0
    policy.write_text(policy.read_text().replace("KEYMAT, ", ""))  # someone edits it
    refused(cli("check", "-", stdin="hello"), 2, str(policy), "changed")
    assert cli("settings", "set", "policy", str(policy)).code == 0  # re-accepted
    assert cli("check", "-", stdin="hello").code == 0


# -- doctor ----------------------------------------------------------------------------------


def test_doctor_reports_the_vault_as_json(cli: Cli, synthetic_vault: SyntheticVault) -> None:
    result = cli("doctor", "--json")
    assert result.code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["vault"] == {
        "ok": True,
        "exists": True,
        "models": [SYNTHETIC_MODEL, SYNTHETIC_SECRET_MODEL],
    }
    assert report["policy"]["ok"] is True
    assert report["policy"]["name"] == "milai-default"
    assert report["network_guard"] is netguard.is_installed()  # not in pytest's process
    assert cli("doctor").code == 0


def test_doctor_reports_problems_instead_of_failing(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path
) -> None:
    (synthetic_vault.home / "key-file.path").unlink()  # locked: no key, no terminal
    result = cli("doctor", "--json")
    assert result.code == 0, result.stderr
    vault = json.loads(result.stdout)["vault"]
    assert vault["ok"] is False
    assert "locked" in vault["error"]


def test_doctor_without_a_vault(cli: Cli, isolated_home: Path) -> None:
    result = cli("doctor", "--json")
    assert result.code == 0
    assert json.loads(result.stdout)["vault"] == {"ok": True, "exists": False}
