"""What a new analyst and an operator tripped on (tests/cli/NEWUSER.md): each test fails
without its fix."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from tests.cli.harness import Cli, refused
from tests.scale import sample

# Ctrl-C while milai is still importing: stands in for the signal by raising where the
# entry point installs the network guard, before the CLI is imported.
_CTRL_C_AT_START_UP = """
import sys
from milai import netguard

def interrupted() -> None:
    raise KeyboardInterrupt

netguard.install = interrupted
sys.argv = ["milai", "check", "-"]
from milai.__main__ import main
main()
"""


def test_ctrl_c_during_start_up_is_exit_130_without_a_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _CTRL_C_AT_START_UP],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert (result.returncode, result.stdout, result.stderr) == (130, "", "")


def _with_stdout_a_closed_pipe(*args: str) -> subprocess.CompletedProcess[str]:
    """``milai ARGS | head -c 0``, without the race: the reader is gone before milai writes."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [sys.executable, "-m", "milai", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)


# Each output kind into a closed pipe: all in CI; in the fast line two, a help and another
# (tests/scale.py; each starts a real milai, ~0.5 s of CPU).
_READERS_GONE = {
    "rich-tables": ("policy", "show"),
    "json": ("policy", "show", "--json"),
    "rich-explanation": ("check", "--explain", "-"),
    "help": ("--help",),
    "command-help": ("check", "--help"),
}


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(_READERS_GONE[name], id=name)
        for name in sample(
            list(_READERS_GONE),
            2,
            seed="reader goes away",
            cover=lambda name: ["help" if "help" in name else "output"],
        )
    ],
)
def test_a_reader_that_goes_away_ends_milai_quietly(args: tuple[str, ...]) -> None:
    result = _with_stdout_a_closed_pipe(*args)
    assert (result.returncode, result.stderr) == (0, "")


_BLOCKS = {
    "plain": ((), False),
    "json": (("--json",), False),
    "explain": (("--explain",), False),
    "folder": ((), True),
    "folder-json": (("--json",), True),
}


@pytest.mark.parametrize(
    ("args", "folder"),
    [
        pytest.param(*_BLOCKS[name], id=name)
        for name in sample(
            list(_BLOCKS),
            2,
            seed="block into a closed pipe",
            cover=lambda name: ["folder" if "folder" in name else "file"],
        )
    ],
)
def test_a_block_into_a_closed_pipe_is_still_exit_3(
    tmp_path: Path, args: tuple[str, ...], folder: bool
) -> None:
    """``milai check … | head -c 0`` under ``set -o pipefail``: the reader going away must
    not turn a block into a pass (it was exit 0)."""
    brief = tmp_path / "in" / "brief.txt"
    brief.parent.mkdir()
    brief.write_text("NATO SECRET\n\nThe convoy leaves at dawn.\n")
    target = brief.parent if folder else brief
    result = _with_stdout_a_closed_pipe("check", *args, "--clearance", "RESTRICTED", str(target))
    assert (result.returncode, result.stderr) == (3, "")


@pytest.mark.usefixtures("synthetic_vault")
def test_a_blocked_run_into_a_closed_pipe_is_still_exit_3() -> None:
    result = _with_stdout_a_closed_pipe(
        "run", "--json", "--clearance", "RESTRICTED", "TOP SECRET\n\nThe plan."
    )
    assert result.returncode == 3, result.stderr
    assert result.stderr.startswith("milai: blocked: ") and result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "name",
    ["new\nline.txt", "esc\x1b]0;pwned\x07.txt", "sep\u2028arator.txt", "tab\there.txt"],
    ids=["newline", "terminal-escape", "line-separator", "tab"],
)
def test_an_error_naming_a_file_stays_one_line_whatever_its_name(
    cli: Cli, tmp_path: Path, name: str
) -> None:
    missing = tmp_path / name
    line = refused(cli("check", str(missing)), 2, "cannot read")
    assert not any(unicodedata.category(char) == "Cc" for char in line), repr(line)
    assert repr(name)[1:-1] in line  # the name, written as escapes: still readable


def test_a_folder_row_is_one_line_whatever_the_file_name(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "two\nlines.txt").write_text("NATO SECRET\n\nThe convoy leaves at dawn.\n")
    (folder / "plain.txt").write_text("Lunch at noon.\n")
    result = cli("check", str(folder))
    assert result.code == 0, result.stderr
    header, *rows, summary = result.stdout.splitlines()
    assert header.startswith("file\tformat")
    assert summary == "2 files: 2 allow"
    assert sorted(row.split("\t")[:4] for row in rows) == [
        ["plain.txt", "text", "allow", "UNCLASSIFIED"],
        ["two\\nlines.txt", "text", "allow", "SECRET"],
    ]


def test_a_warning_line_names_a_key_file_on_one_line(cli: Cli, tmp_path: Path) -> None:
    key_file = tmp_path / "weak\nkey"
    key_file.write_bytes(b"a" * 64)
    key_file.chmod(0o600)
    result = cli("init", "--key-file", str(key_file))
    assert result.code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "weak\\nkey" in warnings[0], result.stderr


@pytest.mark.usefixtures("cheap_argon2")
@pytest.mark.parametrize(
    "environment",
    ["no key at hand", "MILAI_KEY_FILE names another key"],
)
def test_init_over_a_passphrase_vault_says_it_exists(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, environment: str
) -> None:
    passphrase = tmp_path / "pass.txt"
    passphrase.write_text("a long enough passphrase\n")
    passphrase.chmod(0o600)
    assert cli("init", "--passphrase-file", str(passphrase)).code == 0
    if environment != "no key at hand":
        other = tmp_path / "other.key"
        other.write_bytes(os.urandom(32))
        other.chmod(0o600)
        monkeypatch.setenv("MILAI_KEY_FILE", str(other))
    again = cli("init", "--passphrase-file", str(passphrase), tty=True, passphrases=["x" * 16])
    refused(again, 4, "a vault already exists at")
    assert again.prompts == ()


@pytest.mark.usefixtures("synthetic_vault")
def test_a_table_into_a_pipe_or_file_is_not_cut_to_the_terminal(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")  # whatever terminal pytest runs in
    result = cli("model", "list")
    assert result.code == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if "synthetic" in line]
    assert len(rows) == 2, result.stdout
    for cell in ("synthetic (default)", "UNCLASSIFIED", "architecture", "quantisation"):
        assert cell in result.stdout, result.stdout
    assert all(len(row) > 60 for row in rows)
