"""What a new analyst and an operator tripped on, second part (tests/cli/NEWUSER.md, "Fixed
by cli5"): each test fails without its fix."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from milai.engine import Message, SamplingParams
from tests.cli.harness import Cli, refused
from tests.fakes import FakeEngine, install_fake_engine


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (("init", "--key-file", "KEY"), None),
        (("check", "-"), "Lunch at noon.\n"),
        (("model", "list"), None),
        (("audit", "verify"), None),
        (("docs", "list"), None),
    ],
    ids=["init", "check", "model-list", "audit-verify", "docs-list"],
)
def test_a_home_that_is_a_plain_file_is_named_as_not_a_folder(
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    stdin: str | None,
) -> None:
    home = tmp_path / "home"
    home.write_text("not a vault\n")
    monkeypatch.setenv("MILAI_HOME", str(home))
    argv = [str(tmp_path / "new.key") if arg == "KEY" else arg for arg in args]
    line = refused(cli(*argv, stdin=stdin), 2, f"MILAI_HOME ({home}) is not a folder")
    assert "a regular file" in line and "chmod" not in line
    assert home.read_text() == "not a vault\n"
    assert not (tmp_path / "new.key").exists()


def test_doctor_reports_a_home_that_is_not_a_folder(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    os.mkfifo(home)
    monkeypatch.setenv("MILAI_HOME", str(home))
    result = cli("doctor", "--json")
    assert result.code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["home"] == str(home)
    assert report["vault"] == {
        "ok": False,
        "error": f"MILAI_HOME ({home}) is not a folder: it is a named pipe",
    }


@dataclass
class _CutShort(FakeEngine):
    """A fake engine that says "length" when its script outran ``max_tokens``, as
    llama-cpp-python does."""

    def generate(self, messages: list[Message], params: SamplingParams) -> Iterator[str]:
        yield from super().generate(messages, params)
        if len(self.chunks) > params.max_tokens:
            self.usage = replace(self.usage, finish_reason="length")


@pytest.mark.usefixtures("synthetic_vault")
def test_a_stop_at_max_tokens_is_on_stderr_only_without_json(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake_engine(monkeypatch, _CutShort(["The capital ", "of France ", "is Paris."]))
    args = ("run", "--max-tokens", "2", "What is the capital of France?")
    plain = cli(*args)
    assert plain.code == 0, plain.stderr
    note = "milai: output stopped at --max-tokens 2"
    assert note in plain.stderr.splitlines()
    as_json = cli(*args, "--json")
    assert as_json.code == 0, as_json.stderr
    assert json.loads(as_json.stdout)["finish_reason"] == "length"
    assert as_json.stderr == ""
