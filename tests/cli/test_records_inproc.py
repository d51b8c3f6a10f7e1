"""What the vault remembers, in process: ``audit show|verify|export|checkpoint``, ``history``
and ``replay`` — their exit codes and bad inputs, on a vault of synthetic models."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.cli.fixtures import SyntheticVault
from tests.cli.harness import Cli, CliResult
from tests.fakes import FakeEngine
from tests.helpers import write_key_file

SECRET_NOTE = "SECRET//NOFORN\nThe convoy leaves at dawn.\nSECRET//NOFORN\n"


def refused(result: CliResult, code: int, *nouns: str) -> str:
    assert result.code == code, result.stderr
    line = result.error_line()
    for noun in nouns:
        assert noun in line, line
    return line


def entries(cli: Cli, *args: str) -> list[dict[str, Any]]:
    shown = cli("audit", "show", "--json", *args)
    assert shown.code == 0, shown.stderr
    return [json.loads(line) for line in shown.stdout.splitlines()]


def tamper_line(log: Path, index: int) -> None:
    """Change one byte in the middle of line ``index`` of the log, whatever its format."""
    lines = log.read_bytes().splitlines(keepends=True)
    line = bytearray(lines[index])
    middle = len(line) // 2
    line[middle] = ord("0") if line[middle] != ord("0") else ord("1")
    lines[index] = bytes(line)
    log.write_bytes(b"".join(lines))


# -- audit -----------------------------------------------------------------------------------


def test_audit_show_lists_and_filters(cli: Cli, synthetic_vault: SyntheticVault) -> None:
    assert cli("check", "-", stdin="hello").code == 0
    everything = entries(cli)
    assert len(everything) >= 3  # two imports at the template's creation, then the check
    [check] = entries(cli, "--command", "check")
    seq = check["seq"]
    assert isinstance(seq, int)
    one = cli("audit", "show", str(seq), "--json")
    assert one.code == 0
    assert json.loads(one.stdout) == check
    assert entries(cli, "--decision", "block") == []
    assert entries(cli, "--since", "2000-01-01") == everything
    assert entries(cli, "--until", "2000-01-01") == []
    table = cli("audit", "show")
    assert table.code == 0
    assert "check" in table.stdout


@pytest.mark.parametrize(
    ("args", "nouns"),
    [
        (("show", "--since", "yesterday"), ("--since",)),
        (("show", "--until", "soon"), ("--until",)),
        (("show", "9999"), ("9999",)),
        (("show", "first"), ("first",)),
        (("verify", "--checkpoint"), ("--checkpoint",)),
        (("checkpoint",), ()),
        (("frobnicate",), ("frobnicate",)),
    ],
)
def test_audit_bad_input_exits_2(
    cli: Cli, synthetic_vault: SyntheticVault, args: tuple[str, ...], nouns: tuple[str, ...]
) -> None:
    result = cli("audit", *args)
    refused(result, 2, *nouns)
    assert result.stdout == ""


def test_audit_show_an_unknown_decision_exits_2(cli: Cli, synthetic_vault: SyntheticVault) -> None:
    refused(cli("audit", "show", "--decision", "bogus"), 2, "bogus")


def test_audit_verify_then_an_edited_entry_exits_4(
    cli: Cli, synthetic_vault: SyntheticVault
) -> None:
    for _ in range(3):
        assert cli("check", "-", stdin="hello").code == 0
    verified = cli("audit", "verify")
    assert verified.code == 0, verified.stderr
    assert verified.stderr.startswith("milai: audit log ")
    tamper_line(synthetic_vault.home / "audit.log", 1)
    refused(cli("audit", "verify"), 4, "audit log")
    refused(cli("audit", "export"), 4, "audit log")


def test_audit_export_is_json_lines(cli: Cli, synthetic_vault: SyntheticVault) -> None:
    assert cli("check", "-", stdin="hello").code == 0
    result = cli("audit", "export")
    assert result.code == 0, result.stderr
    *records, summary = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(entries(cli)) >= 3
    assert all(record["verified"] for record in records)
    assert (summary["record"], summary["status"]) == ("summary", "verified")


def test_a_checkpoint_catches_truncation(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path
) -> None:
    for _ in range(3):
        assert cli("check", "-", stdin="hello").code == 0
    media = tmp_path / "media"
    media.mkdir()
    written = cli("audit", "checkpoint", str(media))
    assert written.code == 0, written.stderr
    [checkpoint] = media.iterdir()
    assert cli("audit", "verify", "--checkpoint", str(checkpoint)).code == 0
    log = synthetic_vault.home / "audit.log"
    log.write_bytes(b"".join(log.read_bytes().splitlines(keepends=True)[:-1]))
    refused(cli("audit", "verify", "--checkpoint", str(checkpoint)), 4)


def test_checkpoint_bad_paths(cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path) -> None:
    refused(cli("audit", "checkpoint", str(tmp_path / "no" / "such" / "dir" / "x")), 2)
    refused(cli("audit", "verify", "--checkpoint", str(tmp_path / "missing.json")), 2)
    garbage = tmp_path / "garbage.json"
    garbage.write_text("not a checkpoint")
    refused(cli("audit", "verify", "--checkpoint", str(garbage)), 2, "checkpoint")


@pytest.mark.parametrize(
    "args",
    [("audit", "show"), ("audit", "verify"), ("audit", "export"), ("audit", "checkpoint", "x")],
)
def test_audit_without_a_vault_exits_4(
    cli: Cli, isolated_home: Path, args: tuple[str, ...]
) -> None:
    result = cli(*args)
    refused(result, 4, "milai init")
    assert result.stdout == ""


def test_audit_with_a_wrong_key_exits_4(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path
) -> None:
    wrong = tmp_path / "wrong.key"
    write_key_file(wrong, os.urandom(32))
    refused(cli("--key-file", str(wrong), "audit", "verify"), 4)


# -- history ---------------------------------------------------------------------------------


def test_history_of_a_chat(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    assert cli("history", "list", "--json").stdout == "[]\n"
    assert cli("chat", stdin="Hello there\n").code == 0
    [row] = json.loads(cli("history", "list", "--json").stdout)
    conversation_id = row["id"]
    listed = cli("history", "list")
    assert listed.code == 0
    assert conversation_id in listed.stdout
    shown = cli("history", "show", conversation_id)
    assert shown.code == 0
    assert "you: Hello there" in shown.stdout
    exported = cli("history", "export", conversation_id)
    assert exported.code == 0
    assert json.loads(exported.stdout)["id"] == conversation_id
    purged = cli("history", "purge", conversation_id)
    assert purged.code == 0
    assert cli("history", "list", "--json").stdout == "[]\n"


def test_history_above_the_clearance_is_refused(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    chatted = cli("chat", "--model", "synthetic-secret", "--clearance", "SECRET", stdin=SECRET_NOTE)
    assert chatted.code == 0, chatted.stderr
    [row] = json.loads(cli("history", "list", "--json").stdout)
    assert row["level"] == "SECRET"
    result = cli("history", "show", row["id"])
    assert result.code == 3
    assert result.stdout == ""
    result.error_line("blocked")
    assert cli("history", "show", row["id"], "--clearance", "SECRET").code == 0


@pytest.mark.parametrize(
    ("args", "nouns"),
    [
        (("show", "nope"), ("nope",)),
        (("show", "../../etc"), ()),
        (("export", "nope"), ("nope",)),
        (("purge", "nope"), ("nope",)),
        (("purge",), ("--yes",)),
        (("show",), ()),
        (("show", "x", "--clearance", "PUBLIC"), ("PUBLIC",)),
    ],
)
def test_history_bad_input_exits_2(
    cli: Cli, synthetic_vault: SyntheticVault, args: tuple[str, ...], nouns: tuple[str, ...]
) -> None:
    result = cli("history", *args)
    refused(result, 2, *nouns)
    assert result.stdout == ""


def test_history_without_a_vault_exits_4(cli: Cli, isolated_home: Path) -> None:
    refused(cli("history", "list"), 4, "milai init")


# -- replay ----------------------------------------------------------------------------------


def last_run_seq(cli: Cli) -> int:
    [*_, last] = [e for e in entries(cli, "--command", "run") if "decision" in e["event"]]
    seq = last["seq"]
    assert isinstance(seq, int)
    return seq


def test_replay_of_a_seeded_run_matches_then_differs(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    assert cli("run", "--seed", "5", "Summarise", stdin="the material").code == 0
    seq = last_run_seq(cli)
    replayed = cli("replay", str(seq), "Summarise", "--json", stdin="the material")
    assert replayed.code == 0, replayed.stderr
    outcome = json.loads(replayed.stdout)
    assert outcome["match"] is True
    assert outcome["seed"] == 5
    assert fake_engine.params[-1].seed == 5
    fake_engine.chunks = ["Something else."]
    differs = cli("replay", str(seq), "Summarise", stdin="the material")
    assert differs.code == 4
    assert "DIFFERS" in differs.stderr


def test_replay_bad_input(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    assert cli("run", "hello").code == 0
    seq = last_run_seq(cli)
    refused(cli("replay", str(seq), "another prompt"), 2, "prompt")
    refused(cli("replay", str(seq), "hello", "--system", "be brief"), 2, "--system")
    refused(cli("replay", "1"), 2, "not a completed")  # an import, not a run
    refused(cli("replay", "9999"), 2, "9999")
    refused(cli("replay", "x"), 2, "x")
    refused(cli("replay"), 2)
    assert cli("run", "Explain the KEYMAT rules.").code == 3
    refused(cli("replay", str(last_run_seq(cli)), "Explain the KEYMAT rules."), 2)


def test_replay_after_the_model_changed_exits_4(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine, tmp_path: Path
) -> None:
    assert cli("run", "hello").code == 0
    seq = last_run_seq(cli)
    other = tmp_path / "other.gguf"
    from tests.vault.vault_synthetic import write_gguf

    write_gguf(other, 64 * 1024, seed=9)
    assert cli("model", "remove", "synthetic").code == 0
    imported = cli("model", "import", str(other), "--name", "synthetic", "--level", "UNCLASSIFIED")
    assert imported.code == 0, imported.stderr
    refused(cli("replay", str(seq), "hello"), 4, "synthetic")


def test_replay_without_a_vault_exits_4(cli: Cli, isolated_home: Path) -> None:
    refused(cli("replay", "1"), 4, "milai init")


def test_replay_of_an_entry_run_above_your_clearance_is_refused(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    assert cli("run", "--clearance", "SECRET", "--seed", "3", "Summarise").code == 0
    seq = last_run_seq(cli)
    runs = len(fake_engine.params)
    # Neither the right prompt nor a wrong guess is told apart, and the model is not asked.
    for guess in ("Summarise", "a guess"):
        blocked = cli("replay", str(seq), guess)
        assert (blocked.code, blocked.stdout) == (3, "")
        assert blocked.stderr == (
            f"milai: blocked: audit entry {seq} was run at clearance SECRET, above your "
            "clearance UNCLASSIFIED; it is not replayed\n"
        )
    assert len(fake_engine.params) == runs
    again = cli("replay", str(seq), "Summarise", "--clearance", "SECRET", "--json")
    assert again.code == 0, again.stderr
    assert json.loads(again.stdout)["match"] is True
