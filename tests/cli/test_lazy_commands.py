"""A command builds only its own module's typer commands (start-up, issue 9); the table that
says which module registers which command must stay true, and the root's help, its "no such
command" and every command's behaviour must not depend on it."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys

import pytest

from milai.cli import COMMAND_MODULES, app, app_for, invoked_command
from tests.cli.harness import Cli


def _registered() -> dict[str, str]:
    """Every top-level name the CLI modules register, with the module that registers it."""
    for module in set(COMMAND_MODULES.values()):
        importlib.import_module(f"milai.cli.{module}")
    names: dict[str, str] = {}
    for command in app.registered_commands:
        assert command.callback is not None
        name = command.name or command.callback.__name__.replace("_", "-")
        names[name] = command.callback.__module__
    for group in app.registered_groups:
        assert group.typer_instance is not None and group.name is not None
        callbacks = [info.callback for info in group.typer_instance.registered_commands]
        modules = {callback.__module__ for callback in callbacks if callback is not None}
        assert len(modules) == 1, (group.name, modules)
        names[group.name] = modules.pop()
    return names


def test_the_table_names_every_registered_command_and_its_module() -> None:
    table = {name: f"milai.cli.{module}" for name, module in COMMAND_MODULES.items()}
    assert _registered() == table


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["check", "f.txt"], "check"),
        (["-v", "--debug", "run", "hi"], "run"),
        (["--key-file", "check", "model", "list"], "model"),  # an option's value is no command
        (["--key-file=k", "audit", "show"], "audit"),
        (["--passphrase-file", "p", "settings", "show"], "settings"),
        (["-h"], None),
        ([], None),
        (["chekc"], None),  # unknown: everything is built, so click can suggest `check`
        (["--", "check"], None),
        (["--version"], None),
    ],
)
def test_invoked_command(args: list[str], name: str | None) -> None:
    assert invoked_command(args) == name


def test_one_command_builds_only_itself() -> None:
    chosen = app_for(["--debug", "check", "x"])
    assert [info.callback.__name__ for info in chosen.registered_commands if info.callback] == [
        "check"
    ]
    assert chosen.registered_groups == []
    group = app_for(["policy", "show"])
    assert group.registered_commands == [] and [g.name for g in group.registered_groups] == [
        "policy"
    ]


def test_root_help_lists_every_command_in_the_table_order(cli: Cli) -> None:
    result = cli("--help")
    assert result.code == 0
    commands = result.stdout.split("Commands")[1]
    listed = [match[1] for match in re.finditer(r"^│ (\S+)  ", commands, flags=re.MULTILINE)]
    assert listed == list(COMMAND_MODULES)


def test_unknown_command_still_suggests(cli: Cli) -> None:
    result = cli("chekc")
    assert result.code == 2
    assert result.stderr == "milai: error: No such command 'chekc'. Did you mean 'check'?\n"


def test_check_does_not_import_the_other_commands() -> None:
    """In a fresh process, `milai check` loads neither the other commands' modules nor
    their heavy dependencies."""
    code = (
        "import sys, milai.cli\n"
        "code = milai.cli.main(['check', '-'])\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('milai', 'rich')))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", "import json\n" + code],
        input="The meeting moved to Tuesday.\n",
        capture_output=True,
        text=True,
        check=True,
        env={"MILAI_HOME": "/nonexistent-milai-home", "PATH": "/usr/bin:/bin"},
    )
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert "milai.cli.gate" in loaded
    others = {f"milai.cli.{module}" for module in COMMAND_MODULES.values()} - {"milai.cli.gate"}
    assert not loaded & others
    assert not {name for name in loaded if name.startswith("rich")}


def test_ready_is_called_once_before_the_command_runs() -> None:
    from milai.cli import main

    calls: list[str] = []
    code = main(["policy", "validate", "/nonexistent/policy.yaml"], ready=lambda: calls.append("x"))
    assert code == 2 and calls == ["x"]
