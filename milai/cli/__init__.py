"""milai's command line: parse, call the core, render. The only layer that prints or exits.

Every error reaches ``main`` and leaves as one line on stderr with the exit code of its
class (``milai.errors.ExitCode``); ``--debug`` shows the traceback of internal errors.
"""

from __future__ import annotations

import copy
import functools
import importlib
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import typer

from milai.cli._app import app, one_line, quiet_stdout, state
from milai.errors import Blocked, ExitCode, MilaiError, UsageError
from milai.files import shown_name
from milai.vault.unlock import WeakKeyFileWarning

# Which module registers each top-level command (or command group), in the order `milai --help`
# lists them (commands, then groups, as typer shows them). A command imports and builds only
# its own: typer evaluates the annotation of every parameter of every registered command
# when it builds the click group, which was most of a short command's start-up.
# tests/cli/test_lazy_commands.py keeps this table equal to what the modules register.
COMMAND_MODULES: dict[str, str] = {
    # commands
    "init": "admin",
    "doctor": "admin",
    "run": "run",
    "ask": "ask",
    "batch": "batch",
    "chat": "chat",
    "check": "gate",
    "redact": "gate",
    "replay": "records",
    # command groups
    "model": "admin",
    "key": "admin",
    "settings": "admin",
    "docs": "docs",
    "engine": "engine",
    "policy": "gate",
    "audit": "records",
    "history": "records",
}

# The root's options that take a value (the next argument is that value, not a command).
_VALUED_OPTIONS = frozenset({"--key-file", "--passphrase-file"})


def invoked_command(args: list[str]) -> str | None:
    """The top-level command ``args`` name, or None when it cannot be known cheaply (no
    command, a name milai does not have, ``--``): then every command is built."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in _VALUED_OPTIONS:
            skip = True
        elif arg == "--":
            return None
        elif not arg.startswith("-") or arg == "-":
            return arg if arg in COMMAND_MODULES else None
    return None


def _command_name(info: typer.models.CommandInfo) -> str:
    if info.name:
        return info.name
    callback = info.callback
    return typer.main.get_command_name(callback.__name__) if callback is not None else ""


def _group_name(info: typer.models.TyperInfo) -> str:
    typer_instance = info.typer_instance
    return info.name or (typer_instance.info.name if typer_instance is not None else None) or ""


def app_for(args: list[str]) -> typer.Typer:
    """The application to build for ``args``: the invoked command alone, else all of them
    (the root's help and "no such command" need every name)."""
    name = invoked_command(args)
    names = list(COMMAND_MODULES) if name is None else [name]
    for module in dict.fromkeys(COMMAND_MODULES[each] for each in names):
        importlib.import_module(f"milai.cli.{module}")
    # Typer lists commands in the order they were registered, which depends on which
    # module a process imported first: the table's order is the one shown.
    place = {each: position for position, each in enumerate(names)}
    chosen = copy.copy(app)
    chosen.registered_commands = sorted(
        (info for info in app.registered_commands if _command_name(info) in place),
        key=lambda info: place[_command_name(info)],
    )
    chosen.registered_groups = sorted(
        (info for info in app.registered_groups if _group_name(info) in place),
        key=lambda info: place[_group_name(info)],
    )
    return chosen


@functools.cache
def _parse_and_run(name: str | None) -> Callable[[list[str]], None]:
    """What parses and runs a command line invoking ``name`` (None: any command), built once
    a process: a command line gets a context of its own (``make_context``), so the command
    typer builds (the annotations of every parameter evaluated) serves every call of
    ``main`` in a process (the in-process tests make thousands)."""
    command = typer.main.get_command(app_for([] if name is None else [name]))
    _text_must_be_utf8(command)

    def parse_and_run(args: list[str]) -> None:
        # make_context + invoke rather than main(): main() would turn a closed pipe into
        # exit 1 behind our back, before milai can record and end quietly.
        with command.make_context("milai", args) as context:
            command.invoke(context)

    return parse_and_run


def _text_must_be_utf8(command: Any) -> None:
    """Every parameter of ``command`` and its subcommands that takes text (a prompt, a name,
    a level) refuses a value that is not UTF-8 (exit 2, naming the parameter); one that
    takes a file's path (typed ``Path``) takes any name the operating system has, whose
    bytes that are not UTF-8 Python carries as lone surrogates (PEP 383)."""
    for param in command.params:
        if getattr(param.type, "name", "") not in ("path", "boolean"):
            param.process_value = _checking_utf8(param, param.process_value)
    for subcommand in getattr(command, "commands", {}).values():
        _text_must_be_utf8(subcommand)


def _checking_utf8(param: Any, process_value: Callable[[Any, Any], Any]) -> Callable[..., Any]:
    if getattr(param, "param_type_name", "") == "option":
        long_names = [each for each in param.opts if each.startswith("--")]
        label = (long_names or param.opts)[0]
    else:
        label = param.metavar or (param.name or "argument").upper()

    def checked(context: Any, value: Any) -> Any:
        for each in value if isinstance(value, list | tuple) else (value,):
            if isinstance(each, str):
                try:
                    each.encode("utf-8")
                except UnicodeEncodeError as error:
                    raise UsageError(
                        f"{label} is not valid UTF-8 text (bad byte at offset {error.start})"
                    ) from None
        return process_value(context, value)

    return checked


def _report(error: MilaiError) -> None:
    kind = "blocked" if isinstance(error, Blocked) else "error"
    line = f"milai: {kind}: {error.message}"
    if error.hint:
        line += f" ({error.hint})"
    sys.stderr.write(one_line(line) + "\n")


def _utf8_stdio() -> None:
    # Input must be UTF-8; output is too, whatever the locale says.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")


@contextmanager
def _warnings_as_lines() -> Iterator[None]:
    """What the core warns a person about (a guessable key file) as one stderr line, once
    per command however often the warning is raised."""
    shown: set[str] = set()
    others = warnings.showwarning

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        if not issubclass(category, WeakKeyFileWarning):
            others(message, category, filename, lineno, file, line)
            return
        text = one_line(f"milai: warning: {message}")
        if text not in shown:
            shown.add(text)
            sys.stderr.write(text + "\n")
            sys.stderr.flush()

    with warnings.catch_warnings():
        warnings.simplefilter("always", WeakKeyFileWarning)
        warnings.showwarning = show
        yield


def main(argv: list[str] | None = None, ready: Callable[[], None] | None = None) -> int:
    """Run the CLI; return the process exit code. ``ready`` is called once the command is
    built, just before it runs."""
    with _warnings_as_lines():
        return _main(argv, ready)


def _main(argv: list[str] | None, ready: Callable[[], None] | None) -> int:
    _utf8_stdio()
    args = list(sys.argv[1:] if argv is None else argv)
    parse_and_run = _parse_and_run(invoked_command(args))
    if ready is not None:
        ready()
    try:
        parse_and_run(args)
    except typer.Exit as exit_:
        return int(exit_.exit_code)
    except MilaiError as error:
        if state.debug and error.exit_code == ExitCode.INTERNAL:
            traceback.print_exc()
        _report(error)
        return int(error.exit_code)
    except typer.TyperException as error:
        # Typer's usage errors (bad flag, missing argument) are one line. With no arguments
        # at all the help is the message: Rich has printed it already and left it empty.
        message = error.format_message().strip()
        if "\n" in message:
            sys.stderr.write(shown_name(message) + "\n")
        elif message:
            sys.stderr.write(one_line(f"milai: error: {message}") + "\n")
        return int(ExitCode.USAGE)
    except (typer.Abort, KeyboardInterrupt):
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        quiet_stdout()
        return int(ExitCode.OK)
    except SystemExit as exit_:
        # Rich's own consoles (typer's help pages) meet a closed pipe with SystemExit(1),
        # raised while handling the BrokenPipeError: a closed pipe is exit 0 here as well.
        if not isinstance(exit_.__context__, BrokenPipeError):
            raise
        quiet_stdout()
        return int(ExitCode.OK)
    except Exception as error:
        if state.debug:
            traceback.print_exc()
        sys.stderr.write(
            f"milai: internal error: {type(error).__name__} (run with --debug for details)\n"
        )
        return int(ExitCode.INTERNAL)
    return int(ExitCode.OK)


__all__ = ["COMMAND_MODULES", "app", "app_for", "invoked_command", "main"]
