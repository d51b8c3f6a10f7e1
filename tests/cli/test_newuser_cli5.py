"""What a new analyst and an operator tripped on, second part (tests/cli/NEWUSER.md, "Fixed
by cli5"): each test fails without its fix."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from milai.engine import Message, SamplingParams
from tests.cli.fixtures import SyntheticVault, milai_command
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


def _requests(*ids: str) -> str:
    return "".join(
        json.dumps(
            {
                "custom_id": each,
                "method": "POST",
                "url": "/v1/chat/completions",
                "body": {"messages": [{"role": "user", "content": f"Question {each}?"}]},
            }
        )
        + "\n"
        for each in ids
    )


def test_batch_reads_its_requests_from_stdin_and_resumes_from_out(
    cli: Cli, tmp_path: Path, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    out = tmp_path / "out.jsonl"
    first = cli("batch", "-", "-o", str(out), stdin=_requests("a", "b"))
    assert (first.code, first.stderr) == (0, "")
    assert [json.loads(line)["custom_id"] for line in out.read_text().splitlines()] == ["a", "b"]
    assert len(fake_engine.calls) == 2
    again = cli("-v", "batch", "-", "-o", str(out), stdin=_requests("a", "b", "c"))
    assert again.code == 0, again.stderr
    assert "3 lines: 1 ok, 0 blocked, 0 failed, 0 invalid, 2 already in OUT" in again.stderr
    assert len(fake_engine.calls) == 3  # only c ran
    assert not (Path.cwd() / "-").exists()


@pytest.mark.usefixtures("synthetic_vault")
@pytest.mark.parametrize(
    ("args", "tty", "message"),
    [
        (("-", "-o", "OUT"), True, "no input: give IN.jsonl, or - with the requests piped"),
        (("IN", "-o", "-"), False, "OUT must be a file, not -"),
    ],
    ids=["stdin-a-terminal", "out-dash"],
)
def test_batch_refuses_a_terminal_for_stdin_and_dash_for_out(
    cli: Cli,
    tmp_path: Path,
    fake_engine: FakeEngine,
    args: tuple[str, ...],
    tty: bool,
    message: str,
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(_requests("a"))
    places = {"IN": str(source), "OUT": str(tmp_path / "out.jsonl")}
    argv = [places.get(arg, arg) for arg in args]
    refused(cli("batch", *argv, stdin=_requests("a"), tty=tty), 2, message)
    assert fake_engine.calls == []
    assert not (tmp_path / "out.jsonl").exists()


def test_batch_from_stdin_with_stdout_closed_ends_quietly(
    tmp_path: Path, synthetic_vault: SyntheticVault
) -> None:
    """``… | milai batch - -o OUT | head``, in real processes: bad lines only (no model
    loads), stdin a pipe, stdout a pipe whose reader is gone."""
    out = tmp_path / "out.jsonl"
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            milai_command("-v", "batch", "-", "-o", str(out)),
            input=b"not json\n{}\n",
            stdout=write_end,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 0, result.stderr
    assert result.stderr.decode().splitlines()[-1] == (
        "milai: batch: 2 lines: 0 ok, 0 blocked, 0 failed, 2 invalid"
    )
    assert len(out.read_text().splitlines()) == 2


# A file name that is not UTF-8 (ISO-8859-1 é), as Python carries it (PEP 383).
LATIN1_NAME = b"r\xe9sum\xe9.txt"
SHOWN = "r\\xe9sum\\xe9.txt"  # how milai shows and stores it


def _latin1_file(folder: Path, text: str = "NATO SECRET\n\nThe convoy leaves at dawn.\n") -> Path:
    path = folder / os.fsdecode(LATIN1_NAME)
    path.write_text(text)
    return path


def test_a_file_named_in_latin1_is_checked(cli: Cli, tmp_path: Path) -> None:
    result = cli("check", "--json", str(_latin1_file(tmp_path)))
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["level"] == "SECRET"


def test_a_missing_file_named_in_latin1_is_shown_escaped(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / os.fsdecode(b"gone\xff.txt")
    line = refused(cli("check", str(missing)), 2, "cannot read", "gone\\xff.txt")
    assert "\ufffd" not in line and "?" not in line


def test_a_folder_names_a_latin1_file_escaped_and_by_its_exact_bytes(
    cli: Cli, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _latin1_file(folder)
    (folder / "plain.txt").write_text("Lunch at noon.\n")
    result = cli("check", "--json", str(folder))
    assert result.code == 0, result.stderr
    lines = {line["path"]: line for line in map(json.loads, result.stdout.splitlines())}
    assert sorted(lines) == ["plain.txt", SHOWN]
    assert "path_bytes" not in lines["plain.txt"]
    exact = base64.b64decode(lines[SHOWN]["path_bytes"])
    assert exact == LATIN1_NAME and (folder / os.fsdecode(exact)).is_file()
    table = cli("check", str(folder))
    assert f"{SHOWN}\ttext\tallow\tSECRET\t1\tmarking-nato-secret" in table.stdout.splitlines()


def test_a_file_named_in_latin1_is_redacted_to_an_output_named_in_latin1(
    cli: Cli, tmp_path: Path
) -> None:
    source = _latin1_file(tmp_path, "Mail jane.doe@example.org today.\n")
    output = tmp_path / os.fsdecode(b"out\xe9.txt")
    result = cli("redact", str(source), "-o", str(output))
    assert result.code == 0, result.stderr
    assert "jane.doe" not in output.read_text()
    assert os.fsencode(output.name) in os.listdir(os.fsencode(tmp_path))


@pytest.mark.usefixtures("synthetic_vault")
def test_docs_add_keeps_a_latin1_name_as_its_escaped_text(cli: Cli, tmp_path: Path) -> None:
    source = _latin1_file(tmp_path, "The canteen opens at noon.\n")
    added = cli("docs", "add", str(source), "--level", "UNCLASSIFIED")
    assert added.code == 0, added.stderr
    assert f" {SHOWN} (UNCLASSIFIED" in added.stderr
    [row] = json.loads(cli("docs", "list", "--json").stdout)
    assert row["name"] == SHOWN


@pytest.mark.parametrize(
    ("args", "label"),
    [
        (("run", "caf\udce9"), "PROMPT"),
        (("run", "--model", "caf\udce9", "hi"), "--model"),
        (("check", "--clearance", "caf\udce9", "-"), "--clearance"),
        (("docs", "add", "x.txt", "--level", "caf\udce9"), "--level"),
    ],
    ids=["prompt", "model", "clearance", "level"],
)
def test_text_that_is_not_utf8_is_refused_naming_its_parameter(
    cli: Cli, args: tuple[str, ...], label: str
) -> None:
    refused(cli(*args), 2, f"{label} is not valid UTF-8 text (bad byte at offset 3)")


def test_a_latin1_file_name_on_the_real_command_line(tmp_path: Path) -> None:
    """The bytes reach milai as the operating system gives them: argv, not the harness."""
    _latin1_file(tmp_path)
    result = subprocess.run(
        [os.fsencode(arg) for arg in milai_command("check", "-")[:-1]] + [LATIN1_NAME],
        cwd=tmp_path,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, b"")
    assert result.stdout.startswith(b"allow SECRET\n")


def test_a_key_file_named_in_latin1_is_recorded_and_found_again(cli: Cli, tmp_path: Path) -> None:
    key_file = tmp_path / os.fsdecode(b"cl\xe9.key")
    created = cli("init", "--key-file", str(key_file))
    assert created.code == 0, created.stderr  # was: internal error after the vault was made
    assert key_file.stat().st_size >= 32
    listed = cli("model", "list", "--json")  # no --key-file: the recorded path opens it
    assert (listed.code, listed.stdout) == (0, "[]\n"), listed.stderr


def test_version_into_a_closed_pipe_is_quiet() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            milai_command("--version"),
            stdout=write_end,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert (result.returncode, result.stderr) == (0, b"")
