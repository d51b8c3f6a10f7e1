"""The Typer application, its global options, and the few helpers every command uses to
speak: one line on stderr for a problem, exact bytes on stdout for results."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from milai import __version__
from milai.context import Context
from milai.errors import UsageError
from milai.files import shown_name
from milai.vault.unlock import Unlock, terminal_passphrase

app = typer.Typer(
    name="milai",
    help="Offline, encrypted, policy-gated language models for air-gapped work.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class CliState:
    verbose: bool = False
    debug: bool = False
    key_file: Path | None = None
    passphrase_file: Path | None = None


state = CliState()


def _version(value: bool) -> None:
    if value:
        print(f"milai {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    verbose: Annotated[
        bool, typer.Option("-v", "--verbose", help="Show llama.cpp logs and timings on stderr.")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of internal errors.")
    ] = False,
    key_file: Annotated[
        Path | None, typer.Option("--key-file", help="Key file that unlocks the vault.")
    ] = None,
    passphrase_file: Annotated[
        Path | None, typer.Option("--passphrase-file", help="File holding the vault passphrase.")
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    state.verbose, state.debug = verbose, debug
    state.key_file, state.passphrase_file = key_file, passphrase_file
    configure_logging(verbose)


def configure_logging(verbose: bool) -> None:
    logger = logging.getLogger("milai")
    logger.handlers.clear()
    if verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    else:
        # Without a handler, logging's last resort would print warnings to stderr.
        logger.addHandler(logging.NullHandler())
        logger.setLevel(logging.CRITICAL)
    logger.propagate = False


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP: the same path as Ctrl-C (the outcome is recorded as interrupted,
    exit 130), except that ``chat`` ends instead of giving a fresh prompt."""


def _terminate(signum: int, frame: object) -> None:
    # Once: a second signal while milai records the outcome ends it the default way.
    signal.signal(signum, signal.SIG_DFL)
    raise Terminated(signal.Signals(signum).name)


def handle_termination() -> None:
    """Turn SIGTERM and SIGHUP into ``Terminated`` (interfaces.md §5)."""
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _terminate)


def open_context(key_file: Path | None = None, passphrase_file: Path | None = None) -> Context:
    return Context(
        Unlock(
            key_file=key_file or state.key_file,
            passphrase_file=passphrase_file or state.passphrase_file,
            ask=terminal_passphrase(),
        )
    )


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def quiet_stdout() -> None:
    """The reader of stdout went away (``milai … | head``): point stdout at /dev/null, so
    that what is left in its buffer, and the interpreter's final flush, go nowhere quietly."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def emit_block_json(data: Any) -> None:
    """``emit_json`` for the JSON of a block about to be raised: a reader that went away
    does not hide the block (its line on stderr and exit 3 stand; DESIGN, exit codes)."""
    try:
        emit_json(data)
    except BrokenPipeError:
        quiet_stdout()


def one_line(text: str) -> str:
    """``text`` with its control characters and line breaks written as escapes (``\\n``,
    ``\\x1b``), and the bytes of a file name that are not UTF-8 as ``\\xNN``
    (``shown_name``): a message names files, and a file's name may hold any of them; a
    message must stay one line, must not drive the terminal, and must be UTF-8."""
    if text.isprintable():
        return text
    text = shown_name(text)
    return "".join(
        repr(char)[1:-1] if unicodedata.category(char) in _NOT_ON_ONE_LINE else char
        for char in text
    )


# Controls, and the line and paragraph separators that str.splitlines() also breaks at.
_NOT_ON_ONE_LINE = frozenset({"Cc", "Zl", "Zp"})


def say(message: str) -> None:
    """A line for the person at the terminal, on stderr (stdout carries results only)."""
    sys.stderr.write(one_line(message) + "\n")
    sys.stderr.flush()


def compose_prompt(instruction: str | None, material: str | None) -> str:
    """PROMPT, a blank line, then stdin (docs/DESIGN.md).

    Raises ``UsageError`` when both are empty."""
    parts = [part for part in (instruction, material) if part is not None and part.strip()]
    if not parts:
        raise UsageError("empty prompt: give PROMPT or pipe text on stdin")
    return "\n\n".join(parts)


def decode_utf8(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(
            f"{where} is not valid UTF-8 text (bad byte at offset {error.start})"
        ) from None
