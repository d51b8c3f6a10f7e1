"""The audit commands through milai's CLI entry point, in process, on a vault made by
`milai init` (no model needed): seal key, the attacks issue 10 lists, what rests on disk."""

from __future__ import annotations

import hashlib
import shutil
import stat
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from milai.audit import AuditState
from milai.context import AUDIT_STATE, open_audit_log
from milai.vault import KeySource, Vault
from tests.cli.harness import CliResult, invoke

Milai = tuple[Path, Path]  # (MILAI_HOME, key file)
Run = Callable[..., tuple[int, str, str]]


def run_in_process(
    monkeypatch: pytest.MonkeyPatch, home: Path, *args: str, stdin: str | None = None
) -> CliResult:
    """``milai ARGS`` in this process, through the CLI harness (which puts back the
    logger, the CLI's options and signal handlers afterwards)."""
    monkeypatch.setenv("MILAI_HOME", str(home))
    return invoke(*args, stdin=stdin)


@pytest.fixture
def milai(monkeypatch: pytest.MonkeyPatch) -> Run:
    def run(home: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
        result = run_in_process(monkeypatch, home, *args, stdin=stdin)
        return result.code, result.stdout, result.stderr

    return run


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Milai:
    """A vault after `init`, two checks (one blocked) and nothing else."""
    root = tmp_path_factory.mktemp("audit-cli")
    home, key = root / "home", root / "vault.key"
    with pytest.MonkeyPatch.context() as patch:
        assert run_in_process(patch, home, "init", "--key-file", str(key)).code == 0
        secret = "NATO SECRET\nOrder of battle\n"
        assert run_in_process(patch, home, "check", "-", stdin=secret).code == 0
        keymat = "Attach the KEYMAT for the next period."
        assert run_in_process(patch, home, "check", "-", stdin=keymat).code == 3
    return home, key


@pytest.fixture
def vault(template: Milai, tmp_path: Path) -> Milai:
    home = tmp_path / "home"
    shutil.copytree(template[0], home)
    return home, template[1]


def test_the_seal_key_is_exported_once_and_checks_every_entry(
    milai: Run, vault: Milai, tmp_path: Path
) -> None:
    home, _ = vault
    code, _, err = milai(home, "audit", "verify")
    assert code == 0 and "the seal key was never exported" in err
    seal_key = tmp_path / "usb" / "seal.key"
    seal_key.parent.mkdir()

    code, _, err = milai(home, "audit", "seal-key", "export", str(seal_key))
    assert code == 0, err
    assert err.startswith(f"milai: audit seal key written to {seal_key}; keep it offline")
    assert stat.S_IMODE(seal_key.stat().st_mode) == 0o600
    code, _, err = milai(home, "audit", "seal-key", "export", str(tmp_path / "again.key"))
    assert code == 2
    assert err.startswith("milai: error: the audit seal key was already exported (at ")
    assert not (tmp_path / "again.key").exists()

    code, _, err = milai(home, "audit", "verify", "--seal-key", str(seal_key))
    assert (code, err.count("\n")) == (0, 1)
    assert err.startswith("milai: audit log verified 4 entries (head ")  # 2 checks, export: 2
    assert "sealed: every MAC checked against the seal key" in err


def test_a_key_holder_turning_a_block_into_an_allow_is_caught_by_the_seal_key(
    milai: Run, vault: Milai, tmp_path: Path
) -> None:
    home, key = vault
    seal_key = tmp_path / "seal.key"
    assert milai(home, "audit", "seal-key", "export", str(seal_key))[0] == 0
    # Whoever holds the vault key now rewrites entry 2 (the block) with the keys the vault
    # holds today, re-chains the rest and moves the vault's recorded head to match.
    opened = Vault.open(home, KeySource(key_file=key))
    log = open_audit_log(home, opened)
    entries = [entry.event for entry in log.entries()]
    assert entries[1]["decision"] == "block"
    lines = log.path.read_bytes().splitlines(keepends=True)
    raw = opened.records.get(*AUDIT_STATE)
    assert raw is not None
    state = AuditState.from_bytes(raw)
    log.path.write_bytes(lines[0])
    head = hashlib.sha256(lines[0].rstrip(b"\n")).hexdigest()
    rolled_back = replace(state, seq=1, head=head, size=len(lines[0]))
    opened.records.put(*AUDIT_STATE, rolled_back.to_bytes())
    # Padded so the log does not fall below the size floor the vault state keeps for it.
    forged = {**entries[1], "decision": "allow", "rules": [], "note": "x" * 400}
    for event in [forged, *entries[2:]]:
        log.append(event)

    assert milai(home, "audit", "verify")[0] == 0  # it holds every key the vault has...
    code, _, err = milai(home, "audit", "verify", "--seal-key", str(seal_key))
    assert code == 4  # ...but not the one entry 2 was sealed with
    assert err.startswith(
        "milai: error: audit log fails verification at entry 2: MAC does not match the seal "
        "key's ratchet"
    )


@pytest.mark.parametrize("attack", ["delete", "cut the tail", "roll back"])
def test_a_deleted_cut_or_rolled_back_log_is_exit_4(
    milai: Run, vault: Milai, tmp_path: Path, attack: str
) -> None:
    home, _ = vault
    log = home / "audit.log"
    older = log.read_bytes()
    assert milai(home, "check", "-", stdin="hello")[0] == 0
    if attack == "delete":
        log.unlink()
    elif attack == "cut the tail":
        log.write_bytes(b"".join(log.read_bytes().splitlines(keepends=True)[:-1]))
    else:
        log.write_bytes(older)

    code, out, err = milai(home, "audit", "verify")
    assert (code, out) == (4, "")
    # The vault state (which records the log's length) or the audit chain: either names it.
    assert err.startswith("milai: error:") and err.count("\n") == 1
    assert "audit" in err
    assert milai(home, "check", "-", stdin="hello")[0] == 4  # nothing is appended after it


def test_deleting_the_sidecar_is_exit_4(milai: Run, tmp_path: Path) -> None:
    home, key = tmp_path / "home", tmp_path / "vault.key"
    assert milai(home, "init", "--key-file", str(key))[0] == 0
    opened = Vault.open(home, KeySource(key_file=key))
    log = open_audit_log(home, opened)
    for n in range(100):
        log.append({"command": "check", "decision": "allow", "n": n})
    assert milai(home, "audit", "verify")[2].count("1 checkpoints checked") == 1
    log.checkpoints_path.unlink()

    code, _, err = milai(home, "audit", "verify")
    assert code == 4
    assert "audit.log.checkpoints holds 0 checkpoints but the vault recorded 1" in err


def test_checkpoints_carry_the_generation_and_refuse_what_is_not_one(
    milai: Run, vault: Milai, tmp_path: Path
) -> None:
    home, key = vault
    code, _, err = milai(home, "audit", "checkpoint", str(tmp_path))
    assert code == 0, err
    [checkpoint] = tmp_path.glob("audit-checkpoint-*.json")
    assert '"generation":' in checkpoint.read_text()
    assert milai(home, "audit", "verify", "--checkpoint", str(checkpoint))[0] == 0

    code, _, err = milai(home, "audit", "verify", "--checkpoint", str(key))
    assert code == 2
    assert err.startswith(f"milai: error: checkpoint {key.name} is not a milai audit checkpoint")


def test_nothing_readable_rests_in_the_log(milai: Run, vault: Milai) -> None:
    home, _ = vault
    raw = (home / "audit.log").read_bytes()
    for word in (b"SECRET", b"UNCLASSIFIED", b"keying-material", b"milai-default", b"block"):
        assert word not in raw
    code, out, _ = milai(home, "audit", "show", "--json")
    assert code == 0 and "keying-material" in out and "milai-default" in out
    code, out, _ = milai(home, "audit", "export")
    assert code == 0 and '"status":"verified"' in out and "keying-material" in out
