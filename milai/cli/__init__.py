"""milai's command line: parse, call the core, render. The only layer that prints or exits.

Every error reaches ``main`` and leaves as one line on stderr with the exit code of its
class (``milai.errors.ExitCode``); ``--debug`` shows the traceback of internal errors.
"""

from __future__ import annotations

import os
import sys
import traceback
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

import typer

from milai.cli import (  # noqa: F401  (they register commands)
    admin,
    ask,
    batch,
    chat,
    docs,
    engine,
    gate,
    records,
    run,
)
from milai.cli._app import app, state
from milai.errors import Blocked, ExitCode, MilaiError
from milai.vault.unlock import WeakKeyFileWarning


def _report(error: MilaiError) -> None:
    kind = "blocked" if isinstance(error, Blocked) else "error"
    line = f"milai: {kind}: {error.message}"
    if error.hint:
        line += f" ({error.hint})"
    sys.stderr.write(line + "\n")


def _quiet_stdout() -> None:
    # The reader went away: point stdout at /dev/null so the interpreter's final flush is silent.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


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
        text = f"milai: warning: {message}"
        if text not in shown:
            shown.add(text)
            sys.stderr.write(text + "\n")
            sys.stderr.flush()

    with warnings.catch_warnings():
        warnings.simplefilter("always", WeakKeyFileWarning)
        warnings.showwarning = show
        yield


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the process exit code."""
    with _warnings_as_lines():
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    _utf8_stdio()
    command = typer.main.get_command(app)
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        # make_context + invoke rather than main(): main() would turn a closed pipe into
        # exit 1 behind our back, before milai can record and end quietly.
        with command.make_context("milai", args) as context:
            command.invoke(context)
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
            sys.stderr.write(message + "\n")
        elif message:
            sys.stderr.write(f"milai: error: {message}\n")
        return int(ExitCode.USAGE)
    except (typer.Abort, KeyboardInterrupt):
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        _quiet_stdout()
        return int(ExitCode.OK)
    except Exception as error:
        if state.debug:
            traceback.print_exc()
        sys.stderr.write(
            f"milai: internal error: {type(error).__name__} (run with --debug for details)\n"
        )
        return int(ExitCode.INTERNAL)
    return int(ExitCode.OK)


__all__ = ["app", "main"]
