"""Sampling and loading defaults an administrator sets (``milai settings set top-p 0.9``):
used by run, chat and batch when the flag is absent; a flag wins; bad values are exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from milai.engine import LoadOptions, SamplingParams
from tests.cli.fixtures import SyntheticVault
from tests.cli.harness import Cli
from tests.fakes import FakeEngine, FakeLoader, install_fake_engine

CHOSEN = {
    "temperature": "0.7",
    "top-p": "0.5",
    "top-k": "5",
    "repeat-penalty": "1.3",
    "ctx": "1024",
    "threads": "3",
}


@pytest.fixture
def loader(monkeypatch: pytest.MonkeyPatch) -> FakeLoader:
    return install_fake_engine(monkeypatch, FakeEngine(["Fine."]))


def set_all(cli: Cli, values: dict[str, str]) -> None:
    for key, value in values.items():
        result = cli("settings", "set", key, value)
        assert result.code == 0, result.stderr
        shown = "None" if value.lower() == "none" else value
        assert result.stderr == f"milai: {key} = {shown}\n"


def used(loader: FakeLoader, call: int = -1) -> tuple[SamplingParams, LoadOptions]:
    return loader.engine.params[call], loader.options[call]


def sampled(params: SamplingParams) -> tuple[float, float, int, float]:
    return (params.temperature, params.top_p, params.top_k, params.repeat_penalty)


def test_builtin_defaults_without_settings(
    cli: Cli, synthetic_vault: SyntheticVault, loader: FakeLoader
) -> None:
    assert cli("run", "hi").code == 0
    params, options = used(loader)
    assert sampled(params) == (0.2, 0.95, 40, 1.0)
    assert (options.context_tokens, options.threads) == (4096, None)  # None: decided at load


def test_settings_are_the_defaults_and_flags_win(
    cli: Cli, synthetic_vault: SyntheticVault, loader: FakeLoader
) -> None:
    set_all(cli, CHOSEN)
    shown = json.loads(cli("settings", "show").stdout)
    assert shown["sampling"] == {
        "temperature": 0.7,
        "top_p": 0.5,
        "top_k": 5,
        "repeat_penalty": 1.3,
        "ctx": 1024,
        "threads": 3,
    }
    assert cli("run", "hi").code == 0
    params, options = used(loader)
    assert sampled(params) == (0.7, 0.5, 5, 1.3)
    assert (options.context_tokens, options.threads) == (1024, 3)
    flags = ("--temperature", "0", "--top-p", "0.9", "--top-k", "7", "--repeat-penalty", "1.1")
    assert cli("run", *flags, "--ctx", "2048", "--threads", "1", "hi").code == 0
    params, options = used(loader)
    assert sampled(params) == (0.0, 0.9, 7, 1.1)
    assert (options.context_tokens, options.threads) == (2048, 1)


def test_none_unsets_a_default(
    cli: Cli, synthetic_vault: SyntheticVault, loader: FakeLoader
) -> None:
    set_all(cli, {"top-k": "5", "threads": "3"})
    set_all(cli, {"top-k": "none", "threads": "None"})
    assert cli("run", "hi").code == 0
    params, options = used(loader)
    assert (params.top_k, options.threads) == (40, None)


def test_chat_takes_the_defaults(
    cli: Cli, synthetic_vault: SyntheticVault, loader: FakeLoader
) -> None:
    set_all(cli, CHOSEN)
    assert cli("chat", stdin="Hello there\n").code == 0
    params, options = used(loader)
    assert sampled(params) == (0.7, 0.5, 5, 1.3)
    assert (options.context_tokens, options.threads) == (1024, 3)
    assert cli("chat", "--top-k", "9", stdin="Hello\n").code == 0
    assert used(loader)[0].top_k == 9


def batch_line(custom_id: str, **body: object) -> str:
    request = {
        "custom_id": custom_id,
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": {"messages": [{"role": "user", "content": "Hello"}], **body},
    }
    return json.dumps(request) + "\n"


def test_batch_takes_the_defaults_flags_win_and_a_line_wins_over_both(
    cli: Cli, synthetic_vault: SyntheticVault, loader: FakeLoader, tmp_path: Path
) -> None:
    set_all(cli, CHOSEN)
    source = tmp_path / "in.jsonl"
    source.write_text(batch_line("a") + batch_line("b", top_p=0.8, top_k=11))
    assert cli("batch", str(source), "-o", str(tmp_path / "one.jsonl")).code == 0
    (first, second), options = loader.engine.params, loader.options[-1]
    assert sampled(first) == (0.7, 0.5, 5, 1.3)
    assert (second.top_p, second.top_k) == (0.8, 11)
    assert (options.context_tokens, options.threads) == (1024, 3)
    flags = ("--top-p", "0.6", "--top-k", "8", "--repeat-penalty", "1.2", "--threads", "2")
    result = cli("batch", str(source), "-o", str(tmp_path / "two.jsonl"), *flags)
    assert result.code == 0, result.stderr
    first, second = loader.engine.params[2:]
    assert (first.top_p, first.top_k, first.repeat_penalty) == (0.6, 8, 1.2)
    assert (second.top_p, second.top_k, second.repeat_penalty) == (0.8, 11, 1.2)
    assert loader.options[-1].threads == 2


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("temperature", "6", "temperature must be between 0 and 5"),
        ("temperature", "nan", "temperature must be between 0 and 5"),
        ("temperature", "warm", "temperature must be a number, not 'warm'"),
        ("top-p", "0", "top-p must be above 0 and at most 1"),
        ("top_p", "1.5", "top-p must be above 0 and at most 1"),
        ("top-k", "-1", "top-k must be 0 (no limit) or more"),
        ("top-k", "2.5", "top-k must be a whole number, not '2.5'"),
        ("repeat-penalty", "0", "repeat-penalty must be above 0 and at most 10"),
        ("ctx", "100", "ctx must be at least 512 tokens"),
        ("threads", "0", "threads must be at least 1"),
        ("threads", "two", "threads must be a whole number, not 'two'"),
        ("top-q", "1", "unknown setting 'top-q'; known: default_model, clearance, ceiling, "
         "policy, temperature, top-p, top-k, repeat-penalty, ctx, threads"),
    ],
)  # fmt: skip
def test_bad_values_are_exit_2_and_change_nothing(
    cli: Cli, synthetic_vault: SyntheticVault, key: str, value: str, message: str
) -> None:
    before = cli("settings", "show").stdout
    result = cli("settings", "set", "--", key, value)  # `--`: a value may start with -
    assert result.code == 2
    assert message in result.error_line()
    assert cli("settings", "show").stdout == before


def test_a_change_is_audited(cli: Cli, synthetic_vault: SyntheticVault) -> None:
    set_all(cli, {"top-p": "0.5"})
    events = [
        json.loads(line)["event"] for line in cli("audit", "show", "--json").stdout.splitlines()
    ]
    assert {"command": "settings.change", "setting": "top-p", "value": 0.5}.items() <= events[
        -1
    ].items()
