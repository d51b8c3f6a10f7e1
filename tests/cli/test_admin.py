"""Administrator commands through the real CLI: init, model import/list/verify/remove, keys."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cli.fixtures import MilaiRunner
from tests.helpers import DEMO_SHA256, demo_model_file, write_key_file


@pytest.mark.usefixtures("cheap_argon2")  # the file's passphrase, not the KDF's cost
def test_init_with_a_passphrase_file_then_unlock_with_it(
    milai: MilaiRunner, tmp_path: Path
) -> None:
    passphrase = tmp_path / "pass"
    passphrase.write_text("correct horse battery staple\n")
    env = {"MILAI_HOME": str(tmp_path / "home")}
    created = milai("init", "--passphrase-file", str(passphrase), env=env)
    assert created.returncode == 0, created.stderr
    assert created.stderr == f"milai: vault created at {tmp_path / 'home'}\n"
    listed = milai("--passphrase-file", str(passphrase), "model", "list", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == []
    wrong = tmp_path / "wrong"
    wrong.write_text("incorrect horse battery staple\n")
    refused = milai("--passphrase-file", str(wrong), "model", "list", env=env)
    assert refused.returncode == 4
    assert refused.stderr.startswith("milai: error: ")
    assert len(refused.stderr.splitlines()) == 1


@pytest.mark.model
def test_init_twice_is_refused_and_keeps_the_vault(
    vault_home: Path, milai: MilaiRunner, tmp_path: Path
) -> None:
    again = milai("init", "--key-file", str(tmp_path / "other.key"))
    assert again.returncode == 4
    assert milai("model", "list", "--json").returncode == 0


def test_key_file_is_created_0600_with_32_random_bytes(milai: MilaiRunner, tmp_path: Path) -> None:
    key = tmp_path / "new.key"
    result = milai("init", "--key-file", str(key), env={"MILAI_HOME": str(tmp_path / "h")})
    assert result.returncode == 0, result.stderr
    assert key.stat().st_mode & 0o777 == 0o600
    assert len(key.read_bytes()) == 32
    assert (tmp_path / "h").stat().st_mode & 0o777 == 0o700


@pytest.mark.model
def test_model_list_json_shows_the_manifest(vault_home: Path, milai: MilaiRunner) -> None:
    result = milai("model", "list", "--json")
    assert result.returncode == 0
    [model] = json.loads(result.stdout)
    assert model["name"] == "smollm2-135m"
    assert model["sha256"] == DEMO_SHA256
    assert model["level"] == "UNCLASSIFIED"
    assert model["catalogued"] is True
    assert model["architecture"] == "llama"


@pytest.mark.model
def test_verify_passes_then_a_flipped_bit_exits_4(vault_home: Path, milai: MilaiRunner) -> None:
    assert milai("model", "verify", "smollm2-135m").returncode == 0
    [sealed] = [p for p in (vault_home / "models").iterdir() if p.stat().st_size > 1 << 20]
    data = bytearray(sealed.read_bytes())
    data[len(data) // 2] ^= 0x01
    os.unlink(sealed)  # the template shares this file: write a new one
    sealed.write_bytes(bytes(data))
    result = milai("model", "verify", "smollm2-135m")
    assert result.returncode == 4
    assert result.stderr.startswith("milai: error: ")
    assert milai("run", "--max-tokens", "2", "hi").returncode == 4


@pytest.mark.model
def test_import_refusals(vault_home: Path, milai: MilaiRunner, tmp_path: Path) -> None:
    not_gguf = tmp_path / "notes.gguf"
    not_gguf.write_text("hello")
    cases = [
        (
            (
                "model",
                "import",
                str(tmp_path / "missing.gguf"),
                "--name",
                "x",
                "--level",
                "UNCLASSIFIED",
            ),
            2,
        ),
        (("model", "import", str(not_gguf), "--name", "x", "--level", "UNCLASSIFIED"), 2),
        (("model", "import", str(tmp_path), "--name", "x", "--level", "UNCLASSIFIED"), 2),
        (
            (
                "model",
                "import",
                str(demo_model_file()),
                "--name",
                "../evil",
                "--level",
                "UNCLASSIFIED",
            ),
            2,
        ),
        (
            (
                "model",
                "import",
                str(demo_model_file()),
                "--name",
                "smollm2-135m",
                "--level",
                "UNCLASSIFIED",
            ),
            2,
        ),
        (("model", "import", str(demo_model_file()), "--name", "x", "--level", "PUBLIC"), 2),
        (
            (
                "model",
                "import",
                str(demo_model_file()),
                "--name",
                "x",
                "--level",
                "UNCLASSIFIED",
                "--sha256",
                "00" * 32,
            ),
            4,
        ),
    ]
    for args, code in cases:
        result = milai(*args)
        assert result.returncode == code, (args, result.stderr)
        assert len(result.stderr.splitlines()) == 1, (args, result.stderr)
        assert "Traceback" not in result.stderr
    names = [m["name"] for m in json.loads(milai("model", "list", "--json").stdout)]
    assert names == ["smollm2-135m"]


@pytest.mark.model
def test_remove_forgets_the_model(vault_home: Path, milai: MilaiRunner) -> None:
    assert milai("model", "remove", "smollm2-135m").returncode == 0
    assert json.loads(milai("model", "list", "--json").stdout) == []
    result = milai("run", "hi")
    assert result.returncode == 5
    assert result.stderr.startswith("milai: error: the vault holds no model")


@pytest.mark.model
def test_settings_ceiling_caps_the_clearance(vault_home: Path, milai: MilaiRunner) -> None:
    assert milai("settings", "set", "ceiling", "RESTRICTED").returncode == 0
    result = milai("run", "--clearance", "SECRET", "hi")
    assert result.returncode == 2
    assert result.stderr == (
        "milai: error: clearance SECRET is above the ceiling RESTRICTED set by the administrator\n"
    )


@pytest.mark.model
def test_recovery_key_slot_unlocks_too(
    vault_home: Path, milai: MilaiRunner, tmp_path: Path
) -> None:
    recovery = tmp_path / "recovery.key"
    added = milai("key", "add", "--new-key-file", str(recovery))
    assert added.returncode == 0, added.stderr
    listed = milai("--key-file", str(recovery), "model", "list", "--json")
    assert listed.returncode == 0, listed.stderr


@pytest.mark.model
def test_key_change_to_a_passphrase_rewraps_and_forgets_the_key_file(
    vault_home: Path, milai: MilaiRunner, tmp_path: Path
) -> None:
    models_before = {p.name: p.stat().st_ino for p in (vault_home / "models").iterdir()}
    passphrase = tmp_path / "pass"
    passphrase.write_text("a long enough passphrase\n")
    changed = milai("key", "change", "--new-passphrase-file", str(passphrase))
    assert changed.returncode == 0, changed.stderr
    assert not (vault_home / "key-file.path").exists()
    assert milai("model", "list").returncode == 4  # the old key file no longer opens it
    listed = milai("--passphrase-file", str(passphrase), "model", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    models_after = {p.name: p.stat().st_ino for p in (vault_home / "models").iterdir()}
    assert models_after == models_before  # re-wrapped, not re-encrypted


@pytest.mark.model
def test_administrative_acts_are_audited(
    vault_home: Path, milai: MilaiRunner, tmp_path: Path
) -> None:
    assert milai("model", "verify", "smollm2-135m").returncode == 0
    assert milai("settings", "set", "clearance", "RESTRICTED").returncode == 0
    assert milai("key", "add", "--new-key-file", str(tmp_path / "r.key")).returncode == 0
    shown = milai("audit", "show", "--json")
    events = [json.loads(line)["event"] for line in shown.stdout.splitlines()]
    commands = [(event["command"], event.get("phase")) for event in events]
    assert commands[-5:] == [
        ("model.verify", None),  # changes nothing: one entry
        ("settings.change", "started"),  # recorded before the change commits
        ("settings.change", "outcome"),
        ("key.add", "started"),
        ("key.add", "outcome"),
    ]
    assert ("model.import", "outcome") in commands  # the template vault's import


@pytest.mark.model
def test_an_installed_policy_is_pinned_by_its_sha256(
    vault_home: Path, milai: MilaiRunner, tmp_path: Path
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(Path("policies/default.yaml").read_text())
    assert milai("settings", "set", "policy", str(policy)).returncode == 0
    assert milai("check", "-", input="hello").returncode == 0
    policy.write_text(policy.read_text().replace("KEYMAT, ", ""))  # someone edits it
    result = milai("check", "-", input="hello")
    assert result.returncode == 2
    assert result.stderr.startswith(f"milai: error: the policy file {policy} changed since")
    assert milai("settings", "set", "policy", str(policy)).returncode == 0  # re-accepted
    assert milai("check", "-", input="hello").returncode == 0


@pytest.mark.model
def test_a_policy_that_records_texts_keeps_them_encrypted(
    vault_home: Path, milai: MilaiRunner, tmp_path: Path
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        Path("policies/default.yaml").read_text().replace("record_text: false", "record_text: true")
    )
    assert milai("settings", "set", "policy", str(policy)).returncode == 0
    ran = milai("run", "--max-tokens", "4", "--seed", "1", "Say the word harbour.")
    assert ran.returncode == 0, ran.stderr
    event = json.loads(milai("audit", "show", "--json").stdout.splitlines()[-1])["event"]
    assert event["text_record"]
    stored = b"".join(p.read_bytes() for p in vault_home.rglob("*") if p.is_file())
    assert b"harbour" not in stored


def test_interactive_passphrase_on_the_terminal(tmp_path: Path) -> None:
    import pty
    import subprocess
    import time

    from tests.cli.fixtures import controlling_terminal, milai_command

    env = {**os.environ, "MILAI_HOME": str(tmp_path / "home")}

    def converse(args: tuple[str, ...], answers: list[bytes]) -> tuple[int, bytes]:
        primary, secondary = pty.openpty()
        process = subprocess.Popen(
            milai_command(*args),
            stdin=secondary,
            stdout=secondary,
            stderr=secondary,
            env=env,
            close_fds=True,
            preexec_fn=controlling_terminal,
        )
        os.close(secondary)
        for answer in answers:
            seen = b""
            deadline = time.monotonic() + 60
            while not seen.rstrip(b" ").endswith(b":") and time.monotonic() < deadline:
                try:
                    seen += os.read(primary, 1024)
                except OSError:  # the child is gone
                    break
            time.sleep(0.3)  # let getpass finish switching echo off
            os.write(primary, answer + b"\n")
        code = process.wait(timeout=120)
        try:
            rest = os.read(primary, 4096)
        except OSError:
            rest = b""
        os.close(primary)
        return code, rest

    code, out = converse(("init",), [b"correct horse battery", b"correct horse battery"])
    assert code == 0, out
    passphrase = tmp_path / "pass"
    passphrase.write_text("correct horse battery\n")
    listed = subprocess.run(
        milai_command("--passphrase-file", str(passphrase), "model", "list"),
        env=env,
        capture_output=True,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    code, out = converse(("init",), [b"short", b"short"])
    assert code == 4  # a vault is there already: nothing is overwritten


@pytest.mark.model
def test_failed_unlocks_reach_the_audit_log_at_the_next_unlock(
    vault_home: Path, milai: MilaiRunner, tmp_path: Path
) -> None:
    wrong = tmp_path / "wrong.key"
    write_key_file(wrong, os.urandom(32))
    for _ in range(2):
        assert milai("--key-file", str(wrong), "model", "list").returncode == 4
    notes = (vault_home / "unlock-failures.jsonl").read_text()
    assert notes.count('"with": "key-file"') == 2
    assert wrong.read_bytes().hex() not in notes
    assert milai("check", "-", input="hello").returncode == 0  # unlocked with the right key
    events = [
        json.loads(line)["event"] for line in milai("audit", "show", "--json").stdout.splitlines()
    ]
    failed = [e for e in events if e["command"] == "vault.unlock-failed"]
    assert len(failed) == 2
    assert not (vault_home / "unlock-failures.jsonl").exists()
    assert milai("audit", "verify").returncode == 0
