"""The in-process harness itself: it captures exact bytes, isolates calls from each other
and from the real terminal, and puts the process back as it found it."""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path

import pytest

from milai.cli._app import state
from tests.cli.fixtures import SyntheticVault
from tests.cli.harness import Cli, CliResult, invoke
from tests.helpers import write_key_file


def test_streams_are_captured_as_bytes_and_put_back(cli: Cli) -> None:
    streams = (sys.stdin, sys.stdout, sys.stderr)
    result = cli("redact", "-", stdin="café ✓\n".encode())
    assert result.code == 0
    assert result.stdout_bytes == "café ✓\n".encode()
    assert result.stdout == "café ✓\n"
    assert (sys.stdin, sys.stdout, sys.stderr) == streams


def test_global_options_do_not_leak_into_the_next_call(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path
) -> None:
    other = tmp_path / "other.key"
    write_key_file(other, bytes(range(32)))
    assert cli("--key-file", str(other), "-v", "model", "list").code == 4
    assert (state.key_file, state.verbose) == (None, False)
    assert cli("model", "list").code == 0  # the recorded key file again, not --key-file
    assert not logging.getLogger("milai").isEnabledFor(logging.INFO)


def test_signal_handlers_are_put_back(cli: Cli) -> None:
    before = signal.getsignal(signal.SIGINT)
    cli("check", "-", stdin="hello")
    assert signal.getsignal(signal.SIGINT) is before


def test_no_terminal_unless_the_test_gives_one(cli: Cli, isolated_home: Path) -> None:
    assert cli("init").code == 2  # nobody to ask for a passphrase
    asked = cli("init", tty=True, passphrases=["one long passphrase", "another one"])
    assert asked.prompts == ("New vault passphrase: ", "Repeat it: ")
    assert asked.code == 2


def test_error_line_accepts_the_contract() -> None:
    assert CliResult(2, b"", b"milai: error: bad flag\n").error_line() == "milai: error: bad flag"
    assert CliResult(3, b"", b"milai: blocked: rule x\n").error_line("blocked")


@pytest.mark.parametrize(
    "stderr",
    [
        b"milai: error: two\nlines\n",
        b"Traceback (most recent call last): milai: error: x\n",
        b"error: no prefix\n",
        b"",
    ],
)
def test_error_line_refuses_what_breaks_the_contract(stderr: bytes) -> None:
    with pytest.raises(AssertionError):
        CliResult(2, b"", stderr).error_line()


def test_the_fixture_is_the_harness(cli: Cli) -> None:
    assert cli is invoke
