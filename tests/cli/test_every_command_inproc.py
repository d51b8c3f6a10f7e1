"""Every command the CLI registers, found from the application itself (a new command
must be listed here): with no vault, each that needs one says so in one line and exits 4
before it reads anything else; the few that need none are named, and say why."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from milai.cli import COMMAND_MODULES, app
from tests.cli.harness import Cli, refused

# A command's arguments that get it past its own checks of what it was given, to the vault
# (FILE: a plain file, NEW: a path that does not exist yet).
NEEDS_A_VAULT: dict[tuple[str, ...], tuple[str, ...]] = {
    ("ask",): ("q",),
    ("audit", "checkpoint"): ("NEW",),
    ("audit", "export"): (),
    ("audit", "seal-key", "export"): ("NEW",),
    ("audit", "show"): (),
    ("audit", "verify"): (),
    ("batch",): ("FILE", "--out", "NEW"),
    ("chat",): (),
    ("docs", "add"): ("FILE", "--level", "UNCLASSIFIED"),
    ("docs", "embed"): (),
    ("docs", "list"): (),
    ("docs", "remove"): ("x",),
    ("docs", "show"): ("x",),
    ("engine", "add"): ("e", "--url", "https://127.0.0.1:9", "--level", "UNCLASSIFIED"),
    ("engine", "check"): ("e",),
    ("engine", "list"): (),
    ("engine", "remove"): ("e",),
    ("history", "export"): ("x",),
    ("history", "list"): (),
    ("history", "purge"): ("--yes",),
    ("history", "show"): ("1",),
    ("key", "add"): ("--new-key-file", "NEW"),
    ("key", "change"): ("--new-key-file", "NEW"),
    ("key", "list"): (),
    ("key", "revoke"): ("1",),
    ("model", "import"): ("FILE", "--name", "x", "--level", "UNCLASSIFIED"),
    ("model", "list"): (),
    ("model", "remove"): ("m",),
    ("model", "show"): ("m",),
    ("model", "verify"): ("m",),
    ("replay",): ("1",),
    ("run",): ("hi",),
    ("settings", "set"): ("policy", "x"),
    ("settings", "show"): (),
}
NEEDS_NONE = {
    ("init",): "it makes the vault",
    ("doctor",): "it reports the machine, vault or none",
    ("check",): "the gate runs on the shipped policy without a vault",
    ("redact",): "as check",
    ("policy", "show"): "a policy file is read, not the vault",
    ("policy", "test"): "as policy show",
    ("policy", "validate"): "as policy show",
}


def _leaves(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    subcommands = getattr(command, "commands", None)
    if subcommands is None:
        yield path
        return
    for name, sub in subcommands.items():
        yield from _leaves(sub, (*path, name))


def _registered() -> set[tuple[str, ...]]:
    for module in set(COMMAND_MODULES.values()):
        importlib.import_module(f"milai.cli.{module}")
    return set(_leaves(typer.main.get_command(app)))


def test_every_registered_command_is_listed_once() -> None:
    assert not NEEDS_A_VAULT.keys() & NEEDS_NONE.keys()
    assert _registered() == NEEDS_A_VAULT.keys() | NEEDS_NONE.keys()


@pytest.mark.parametrize("command", sorted(NEEDS_A_VAULT), ids=" ".join)
def test_with_no_vault_each_command_is_one_line_and_exit_4(
    cli: Cli, isolated_home: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    given = tmp_path / "given.txt"
    given.write_text("hello\n")
    places = {"FILE": str(given), "NEW": str(tmp_path / "new")}
    args = [places.get(arg, arg) for arg in NEEDS_A_VAULT[command]]
    result = cli(*command, *args, stdin="hello\n")
    line = refused(result, 4, f"no vault at {isolated_home}")
    assert line.count("(") == line.count(")") == 1, line  # the hint, once, unnested
    assert not isolated_home.exists()  # nothing made on the way
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("command", sorted(NEEDS_A_VAULT.keys() | NEEDS_NONE.keys()), ids=" ".join)
def test_an_unknown_option_is_one_line_and_exit_2(
    cli: Cli, isolated_home: Path, command: tuple[str, ...]
) -> None:
    refused(cli(*command, "--no-such-option"), 2, "--no-such-option")
    assert not isolated_home.exists()


@pytest.mark.parametrize("command", sorted(NEEDS_A_VAULT), ids=" ".join)
def test_ctrl_c_while_the_vault_opens_is_exit_130_and_quiet(
    cli: Cli,
    isolated_home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
) -> None:
    """Ctrl-C where every vault command first waits (finding and unlocking the vault):
    exit 130 and nothing else, whatever the command catches on its way (no command may
    turn an interrupt into another exit code, a message or a traceback)."""
    from milai.vault.vault import Vault

    def interrupted(home: Path) -> bool:
        raise KeyboardInterrupt

    monkeypatch.setattr(Vault, "exists", staticmethod(interrupted))
    given = tmp_path / "given.txt"
    given.write_text("hello\n")
    places = {"FILE": str(given), "NEW": str(tmp_path / "new")}
    args = [places.get(arg, arg) for arg in NEEDS_A_VAULT[command]]
    result = cli(*command, *args, stdin="hello\n")
    assert (result.code, result.stdout, result.stderr) == (130, "", "")
    assert not isolated_home.exists()
    assert not (tmp_path / "new").exists()
