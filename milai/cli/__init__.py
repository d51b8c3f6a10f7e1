"""milai's command line: parse, call the core, render. The only layer that prints or exits.

Every error reaches ``main`` and leaves as one line on stderr with the exit code of its
class (``milai.errors.ExitCode``); ``--debug`` shows the traceback of internal errors.
"""

from __future__ import annotations

import os
import sys
import traceback

import typer

# typer vendors click; its exception base is not re-exported. Pinned typer keeps this stable.
from typer._click.exceptions import ClickException

from milai.cli import admin, chat, gate, records, run  # noqa: F401  (they register commands)
from milai.cli._app import app, state
from milai.errors import Blocked, ExitCode, MilaiError


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


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the process exit code."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="milai", standalone_mode=False)
    except MilaiError as error:
        if state.debug and error.exit_code == ExitCode.INTERNAL:
            traceback.print_exc()
        _report(error)
        return int(error.exit_code)
    except ClickException as error:
        sys.stderr.write(f"milai: error: {error.format_message()}\n")
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
    return result if isinstance(result, int) else int(ExitCode.OK)


__all__ = ["app", "main"]
