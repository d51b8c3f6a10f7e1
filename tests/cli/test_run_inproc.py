"""``milai run`` and ``milai chat`` in process: every exit code and bad input of docs/DESIGN.md's
table, on a vault of synthetic models with a scripted engine (the real model's behaviour is
tests/cli/test_run.py's, marked ``model``)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.cli.fixtures import SYNTHETIC_MODEL, SyntheticVault
from tests.cli.harness import Cli, CliResult
from tests.fakes import FakeEngine, install_fake_engine
from tests.helpers import write_key_file

SECRET_NOTE = "SECRET//NOFORN\nThe convoy leaves at dawn.\nSECRET//NOFORN\n"
JSON_KEYS = {"text", "decision", "level", "model", "usage", "timings", "seed"}


def run_events(cli: Cli) -> list[dict[str, Any]]:
    """The outcomes of ``run`` recorded in the audit log, oldest first."""
    shown = cli("audit", "show", "--json")
    assert shown.code == 0, shown.stderr
    events = [json.loads(line)["event"] for line in shown.stdout.splitlines()]
    return [e for e in events if e.get("command") == "run" and "decision" in e]


def refused(result: CliResult, code: int, *nouns: str, kind: str = "error") -> None:
    """The contract for a refusal: the exit code, nothing on stdout, one line on stderr
    with the prefix and the nouns that say what was wrong."""
    assert result.code == code, result.stderr
    assert result.stdout == ""
    line = result.error_line(kind)
    for noun in nouns:
        assert noun in line, line


# -- success paths: what the operator's scripts rely on --------------------------------------


def test_run_streams_the_reply_and_keeps_stderr_silent(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    result = cli("run", "What is the capital of France?")
    assert result.code == 0
    assert result.stdout == "The capital of France is Paris.\n"
    assert result.stderr == ""
    [messages] = fake_engine.calls
    assert messages[-1] == {"role": "user", "content": "What is the capital of France?"}
    assert fake_engine.closed


def test_prompt_is_the_instruction_and_stdin_the_material(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    assert cli("run", "Summarise", stdin="The meeting moved to Tuesday.\n").code == 0
    assert cli("run", stdin="Only stdin\n").code == 0
    first, second = fake_engine.calls
    assert first[-1]["content"] == "Summarise\n\nThe meeting moved to Tuesday.\n"
    assert second[-1]["content"] == "Only stdin\n"


def test_json_prints_one_object_with_the_contract_keys(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    result = cli("run", "--json", "--seed", "7", "--max-tokens", "2", "hi")
    assert result.code == 0, result.stderr
    [line] = result.stdout.splitlines()
    data = json.loads(line)
    assert data.keys() >= JSON_KEYS
    assert data["text"] == "The capital of France "  # two tokens of the script
    assert data["decision"] == "allow"
    assert data["level"] == "UNCLASSIFIED"
    assert data["model"] == {"name": SYNTHETIC_MODEL, "sha256": synthetic_vault.sha256}
    assert data["usage"] == {"prompt_tokens": 7, "completion_tokens": 2}
    assert data["timings"] == {"load_s": 0.05, "first_token_s": 0.01, "tokens_per_s": 4.0}
    assert data["seed"] == 7
    assert fake_engine.params[0].seed == 7
    assert fake_engine.params[0].max_tokens == 2


def test_label_prints_the_level_banner_above_and_below(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    result = cli("run", "--label", "hi")
    assert result.code == 0, result.stderr
    first, text, last = result.stdout.splitlines()
    assert first == last
    assert "UNCLASSIFIED" in first
    assert text == "The capital of France is Paris."


def test_verbose_reports_the_timings_on_stderr(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    result = cli("-v", "run", "--seed", "3", "hi")
    assert result.code == 0
    assert result.stdout == "The capital of France is Paris.\n"
    [timings] = [line for line in result.stderr.splitlines() if "tokens/s" in line]
    assert "3 tokens" in timings
    assert "seed 3" in timings


def test_a_prompt_warning_is_one_line_on_stderr(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    result = cli("run", "Reply to jean.muller@example.lu")
    assert result.code == 0
    assert result.stdout == "The capital of France is Paris.\n"
    [line] = result.stderr.splitlines()
    assert line.startswith("milai: warn: rule pii-email-prompt")


def test_each_run_is_recorded_with_its_decision(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    assert cli("run", "hi").code == 0
    assert cli("run", "Explain the KEYMAT handling rules.").code == 3
    decisions = [event["decision"] for event in run_events(cli)]
    assert decisions == ["allow", "block"]
    verified = cli("audit", "verify")
    assert verified.code == 0, verified.stderr


# -- 2: usage and input errors ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "stdin", "nouns"),
    [
        (("run",), None, ("empty prompt",)),
        (("run",), "   \n", ("empty prompt",)),
        (("run", "  "), None, ("empty prompt",)),
        (("run",), b"caf\xe9 \xff\n", ("stdin", "UTF-8", "offset 3")),
        (("run", "--max-tokens", "0", "hi"), None, ("--max-tokens",)),
        (("run", "--max-tokens", "-5", "hi"), None, ("--max-tokens",)),
        (("run", "--max-tokens", "many", "hi"), None, ("--max-tokens",)),
        (("run", "--temperature", "hot", "hi"), None, ("--temperature",)),
        (("run", "--temperature", "9", "hi"), None, ("--temperature",)),
        (("run", "--temperature", "-0.5", "hi"), None, ("--temperature",)),
        (("run", "--seed", "-1", "hi"), None, ("--seed",)),
        (("run", "--seed", str(2**32), "hi"), None, ("--seed",)),
        (("run", "--threads", "0", "hi"), None, ("--threads",)),
        (("run", "--bogus", "hi"), None, ("--bogus",)),
        (("run", "--clearance", "PUBLIC", "hi"), None, ("PUBLIC",)),
        (("run", "--out-level", "PUBLIC", "hi"), None, ("PUBLIC",)),
        (("run", "--out-level", "SECRET", "hi"), None, ("--out-level", "SECRET", "clearance")),
        (
            ("run", "--clearance", "RESTRICTED", "--out-level", "CONFIDENTIAL", "hi"),
            None,
            ("--out-level", "CONFIDENTIAL"),
        ),
        (("frobnicate",), None, ("frobnicate",)),
    ],
)
def test_bad_input_exits_2_with_one_line(
    cli: Cli,
    synthetic_vault: SyntheticVault,
    fake_engine: FakeEngine,
    args: tuple[str, ...],
    stdin: str | bytes | None,
    nouns: tuple[str, ...],
) -> None:
    refused(cli(*args, stdin=stdin), 2, *nouns)
    assert fake_engine.calls == []  # refused before the model was asked anything


def test_the_ceiling_caps_a_claimed_clearance(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    assert cli("settings", "set", "ceiling", "RESTRICTED").code == 0
    refused(cli("run", "--clearance", "SECRET", "hi"), 2, "SECRET", "ceiling", "RESTRICTED")
    assert cli("run", "--clearance", "RESTRICTED", "hi").code == 0


def test_a_policy_that_no_longer_parses_refuses_to_run(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine, tmp_path: Path
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(Path("policies/default.yaml").read_text())
    assert cli("settings", "set", "policy", str(policy)).code == 0
    policy.write_text("name: x\nname: y\n")
    refused(cli("run", "hi"), 2, str(policy))
    assert fake_engine.calls == []


def test_a_policy_whose_banner_misreads_is_not_installed(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path
) -> None:
    bad = Path("tests/fixtures/policy/bad/bad-banner.yaml")
    refused(cli("settings", "set", "policy", str(bad.resolve())), 2, "reads as LOW")


# -- 3: blocked by policy --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "stdin", "nouns"),
    [
        (("run", "Summarise"), SECRET_NOTE, ("SECRET",)),  # above the clearance
        (("run", "--clearance", "SECRET", "Summarise"), SECRET_NOTE, ("UNCLASSIFIED",)),
        (("run", "Explain the KEYMAT handling rules."), None, ("keying-material",)),
        (("run", "--system", "Quote the KEYMAT.", "hi"), None, ()),
    ],
    ids=["above-clearance", "above-model-accreditation", "keying-material", "system-text"],
)
def test_a_blocked_prompt_exits_3_before_the_model_is_loaded(
    cli: Cli,
    synthetic_vault: SyntheticVault,
    fake_engine: FakeEngine,
    args: tuple[str, ...],
    stdin: str | None,
    nouns: tuple[str, ...],
) -> None:
    refused(cli(*args, stdin=stdin), 3, *nouns, kind="blocked")
    assert fake_engine.calls == []
    assert [event["decision"] for event in run_events(cli)] == ["block"]


def test_a_secret_prompt_reaches_a_secret_model_at_secret_clearance(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    result = cli(
        "run", "--json", "--model", "synthetic-secret", "--clearance", "SECRET", stdin=SECRET_NOTE
    )
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["level"] == "SECRET"


def test_a_blocked_output_never_reaches_stdout(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    fake_engine.chunks = ["Here is the ", "KEY", "MAT", " you asked for, and more."]
    result = cli("run", "hi")
    assert result.code == 3
    assert "KEY" not in result.stdout
    assert "more" not in result.stdout  # the stream stopped at the block
    assert "keying-material" in result.error_line("blocked")
    assert [event["decision"] for event in run_events(cli)] == ["block"]


def test_an_output_above_the_sink_is_withheld_whole(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    # The model is accredited SECRET, the sink is UNCLASSIFIED: the reply is held and
    # decided on the whole text, so its late banner withholds all of it.
    fake_engine.chunks = ["The convoy ", "leaves at dawn.\n", "SECRET//NOFORN\n"]
    result = cli("run", "--model", "synthetic-secret", "hi")
    refused(result, 3, "SECRET", kind="blocked")
    assert fake_engine.calls  # the model was asked; its reply was withheld


def test_json_of_a_blocked_output_prints_nothing_on_stdout(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    fake_engine.chunks = ["the KEYMAT"]
    result = cli("run", "--json", "hi")
    assert result.code == 3
    assert "KEYMAT" not in result.stdout
    result.error_line("blocked")


# -- 4: vault locked, wrong key, tampered -------------------------------------------------


def test_no_vault_exits_4_pointing_at_init(
    cli: Cli, fake_engine: FakeEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MILAI_HOME", str(tmp_path / "none"))
    refused(cli("run", "hi"), 4, "milai init")


def test_a_locked_vault_exits_4_with_a_hint(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    (synthetic_vault.home / "key-file.path").unlink()
    refused(cli("run", "hi"), 4, "locked", "--key-file")


def test_a_wrong_key_file_exits_4(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine, tmp_path: Path
) -> None:
    wrong = tmp_path / "wrong.key"
    write_key_file(wrong, os.urandom(32))
    refused(cli("--key-file", str(wrong), "run", "hi"), 4)
    assert fake_engine.calls == []


def test_a_wrong_key_file_in_the_environment_exits_4(
    cli: Cli,
    synthetic_vault: SyntheticVault,
    fake_engine: FakeEngine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wrong = tmp_path / "wrong.key"
    write_key_file(wrong, os.urandom(64))
    monkeypatch.setenv("MILAI_KEY_FILE", str(wrong))
    refused(cli("run", "hi"), 4)


def test_a_tampered_model_exits_4_and_gives_the_model_nothing(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    sealed = synthetic_vault.sealed(SYNTHETIC_MODEL)
    data = bytearray(sealed.read_bytes())
    data[len(data) // 2] ^= 0x01
    sealed.write_bytes(bytes(data))
    refused(cli("run", "hi"), 4)
    assert fake_engine.calls == []


def test_a_truncated_model_exits_4(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    sealed = synthetic_vault.sealed(SYNTHETIC_MODEL)
    sealed.write_bytes(sealed.read_bytes()[: sealed.stat().st_size // 2])
    refused(cli("run", "hi"), 4)
    assert fake_engine.calls == []


def test_a_deleted_model_file_exits_4(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    synthetic_vault.sealed(SYNTHETIC_MODEL).unlink()
    refused(cli("run", "--model", SYNTHETIC_MODEL, "hi"), 4)


def test_a_swapped_model_file_exits_4(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    # The SECRET model's container put in place of the UNCLASSIFIED one.
    secret = synthetic_vault.sealed("synthetic-secret").read_bytes()
    synthetic_vault.sealed(SYNTHETIC_MODEL).write_bytes(secret)
    refused(cli("run", "--model", SYNTHETIC_MODEL, "hi"), 4)
    assert fake_engine.calls == []


# -- 5: model errors -------------------------------------------------------------------------


def test_an_unknown_model_exits_5(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    refused(cli("run", "--model", "nope", "hi"), 5, "nope")


def test_several_models_and_no_default_exits_5_naming_them(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    assert cli("settings", "set", "default_model", "none").code == 0
    refused(cli("run", "hi"), 5, "--model", SYNTHETIC_MODEL)


def test_an_empty_vault_exits_5(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    assert cli("model", "remove", "synthetic").code == 0
    assert cli("model", "remove", "synthetic-secret").code == 0
    refused(cli("run", "hi"), 5, "no model")


def test_a_model_that_fails_to_load_exits_5(
    cli: Cli,
    synthetic_vault: SyntheticVault,
    fake_engine: FakeEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from milai.engine import llama
    from milai.errors import ModelError

    def unloadable(path: str, options: object) -> FakeEngine:
        raise ModelError("failed to load model: llama.cpp refused it")

    monkeypatch.setattr(llama.LlamaEngine, "load", staticmethod(unloadable))
    refused(cli("run", "hi"), 5, "load")
    assert [event["decision"] for event in run_events(cli)] == ["error"]


# -- 130: interrupted ------------------------------------------------------------------------


def test_ctrl_c_while_generating_exits_130_and_is_recorded(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    fake_engine.interrupt_after = 1
    result = cli("run", "hi")
    assert result.code == 130
    assert "Traceback" not in result.stderr
    assert [event["decision"] for event in run_events(cli)] == ["interrupted"]


# -- 1: a bug is a generic line, and --debug shows the traceback -----------------------------


def test_an_internal_error_is_one_generic_line_and_debug_shows_the_traceback(
    cli: Cli,
    synthetic_vault: SyntheticVault,
    fake_engine: FakeEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from milai.engine import llama

    def broken(path: str, options: object) -> FakeEngine:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(llama.LlamaEngine, "load", staticmethod(broken))
    result = cli("run", "hi")
    assert result.code == 1
    assert result.stderr.startswith("milai: internal error: ZeroDivisionError")
    assert len(result.stderr.splitlines()) == 1
    debugged = cli("--debug", "run", "hi")
    assert debugged.code == 1
    assert "Traceback" in debugged.stderr


# -- chat without a terminal: lines on stdin --------------------------------------------------


def test_chat_answers_lines_from_stdin_and_saves_the_conversation(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    result = cli("chat", stdin="What is the capital of France?\n/level\n/exit\n")
    assert result.code == 0, result.stderr
    assert "The capital of France is Paris." in result.stdout
    assert "conversation level UNCLASSIFIED" in result.stdout
    assert result.stderr == ""
    listed = cli("history", "list", "--json")
    [conversation] = json.loads(listed.stdout)
    assert conversation["turns"] == 1


def test_chat_goes_on_after_a_blocked_turn(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    result = cli("chat", stdin="Explain the KEYMAT handling.\nhi\n")  # then end of input
    assert result.code == 0, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("milai: blocked: ")
    assert "The capital of France is Paris." in result.stdout
    assert len(fake_engine.calls) == 1  # only the allowed turn reached the model


def test_the_model_is_loaded_once_per_process(
    cli: Cli, synthetic_vault: SyntheticVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    loader = install_fake_engine(monkeypatch, FakeEngine(["Fine."], load_s=0.125))
    result = cli("chat", stdin="one\ntwo\n/clear\nthree\n")
    assert result.code == 0, result.stderr
    assert len(loader.engine.calls) == 3
    assert len(loader.loads) == 1  # three turns, one load
    ran = cli("run", "--json", "hi")
    assert json.loads(ran.stdout)["timings"]["load_s"] == 0.125  # the load's own figure
    assert len(loader.loads) == 2  # a new process (here: a new call), a new load


@pytest.mark.parametrize(
    ("args", "code", "nouns"),
    [
        (("chat", "--model", "nope"), 5, ("nope",)),
        (("chat", "--clearance", "PUBLIC"), 2, ("PUBLIC",)),
        (("chat", "--max-tokens", "0"), 2, ("--max-tokens",)),
        (("chat", "--bogus"), 2, ("--bogus",)),
    ],
)
def test_chat_bad_input(
    cli: Cli,
    synthetic_vault: SyntheticVault,
    fake_engine: FakeEngine,
    args: tuple[str, ...],
    code: int,
    nouns: tuple[str, ...],
) -> None:
    refused(cli(*args, stdin="hi\n"), code, *nouns)


def test_chat_without_a_vault_exits_4(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MILAI_HOME", str(tmp_path / "none"))
    refused(cli("chat", stdin="hi\n"), 4, "milai init")
