"""The CLI in process: ``milai.cli.main(argv)`` with its standard streams captured.

A call swaps in a stdin holding the given bytes (a terminal or not), captures stdout and
stderr as bytes, answers passphrase prompts from a script instead of the controlling
terminal, and puts back everything a call can change in the process (the CLI's global
options, the ``milai`` logger, signal handlers), so one call never leaks into the next.
"""

from __future__ import annotations

import dataclasses
import getpass
import io
import logging
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any, Protocol

from milai.cli import main
from milai.cli._app import CliState, state

ERROR_PREFIXES = ("milai: error: ", "milai: blocked: ")
_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
AskPassphrase = Callable[[str], bytes]
SignalHandler = Callable[[int, FrameType | None], Any] | int | None


@dataclass(frozen=True)
class CliResult:
    """What one call left: its exit code and the exact bytes it wrote."""

    code: int
    stdout_bytes: bytes
    stderr_bytes: bytes
    prompts: tuple[str, ...] = ()

    @property
    def stdout(self) -> str:
        return self.stdout_bytes.decode("utf-8")

    @property
    def stderr(self) -> str:
        return self.stderr_bytes.decode("utf-8")

    def error_line(self, kind: str = "error") -> str:
        """The one line on stderr that reports a problem, checked against the contract:
        exactly one line, ``milai: KIND: `` first, no traceback. Returns the line."""
        lines = self.stderr.splitlines()
        assert len(lines) == 1, f"want one line on stderr, got {self.stderr!r}"
        assert "Traceback" not in self.stderr, self.stderr
        assert lines[0].startswith(f"milai: {kind}: "), lines[0]
        return lines[0]


def refused(result: CliResult, code: int, *nouns: str) -> str:
    """Check a refusal: exit ``code``, nothing on stdout, one error line holding every noun
    in ``nouns``. Returns the line."""
    assert result.code == code, result.stderr
    assert result.stdout == ""
    line = result.error_line()
    for noun in nouns:
        assert noun in line, line
    return line


class Cli(Protocol):
    """``cli(*argv, stdin=..., tty=..., passphrases=...)`` → ``CliResult``."""

    def __call__(
        self,
        *argv: str,
        stdin: bytes | str | None = None,
        tty: bool = False,
        passphrases: Sequence[str] = (),
    ) -> CliResult: ...


class _Stdin(io.TextIOWrapper):
    """Stdin holding fixed bytes; a terminal or not, as the test says."""

    def __init__(self, data: bytes, tty: bool) -> None:
        super().__init__(io.BytesIO(data), encoding="utf-8")
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


class _Captured(io.TextIOWrapper):
    """A stdout or stderr that keeps every byte written, never a terminal."""

    def __init__(self) -> None:
        self.raw_bytes = io.BytesIO()
        super().__init__(self.raw_bytes, encoding="utf-8", write_through=True)

    def isatty(self) -> bool:
        return False

    def captured(self) -> bytes:
        self.flush()
        return self.raw_bytes.getvalue()


class _Passphrases:
    """Scripted answers to the terminal's passphrase prompts (None: there is no terminal)."""

    def __init__(self, answers: Sequence[str] | None) -> None:
        self.answers = None if answers is None else list(answers)
        self.prompts: list[str] = []

    def terminal(self) -> AskPassphrase | None:
        return None if self.answers is None else self.ask

    def ask(self, prompt: str) -> bytes:
        self.prompts.append(prompt)
        if not self.answers:
            raise EOFError("the test scripted no more passphrases")
        return self.answers.pop(0).encode("utf-8")

    def getpass(self, prompt: str = "Password: ", stream: object = None) -> str:
        return self.ask(prompt).decode("utf-8")


@contextmanager
def _swapped(module: Any, name: str, value: Any) -> Iterator[None]:
    saved = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, saved)


@contextmanager
def _no_real_terminal(passphrases: _Passphrases) -> Iterator[None]:
    """Every module of milai that asks on the controlling terminal asks the script instead:
    a test never reads a real /dev/tty, and "no terminal" holds wherever pytest runs."""
    saved: list[tuple[Any, Any]] = []
    for name, module in list(sys.modules.items()):
        if (name == "milai" or name.startswith("milai.")) and hasattr(
            module, "terminal_passphrase"
        ):
            saved.append((module, getattr(module, "terminal_passphrase")))  # noqa: B009
            setattr(module, "terminal_passphrase", passphrases.terminal)  # noqa: B010
    try:
        with _swapped(getpass, "getpass", passphrases.getpass):
            yield
    finally:
        for module, original in saved:
            setattr(module, "terminal_passphrase", original)  # noqa: B010


def _reset_state() -> None:
    fresh = CliState()
    for field in dataclasses.fields(CliState):
        setattr(state, field.name, getattr(fresh, field.name))


def invoke(
    *argv: str,
    stdin: bytes | str | None = None,
    tty: bool = False,
    passphrases: Sequence[str] = (),
) -> CliResult:
    """Run ``milai ARGV…`` in this process.

    ``stdin``: the bytes piped in (None: nothing, as from /dev/null). ``tty``: stdin is a
    terminal and passphrase prompts are answered from ``passphrases``; without it there is
    no terminal to ask on.
    """
    data = stdin.encode("utf-8") if isinstance(stdin, str) else (stdin or b"")
    fake_stdin = _Stdin(data, tty)
    out, err = _Captured(), _Captured()
    script = _Passphrases(list(passphrases) if tty else None)
    saved_streams = (sys.stdin, sys.stdout, sys.stderr)
    saved_handlers: list[tuple[int, SignalHandler]] = [
        (number, signal.getsignal(number)) for number in _SIGNALS
    ]
    logger = logging.getLogger("milai")
    saved_logger = (list(logger.handlers), logger.level, logger.propagate)
    _reset_state()
    sys.stdin, sys.stdout, sys.stderr = fake_stdin, out, err
    try:
        with _no_real_terminal(script):
            code = main(list(argv))
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        for number, handler in saved_handlers:
            if handler is not None:
                signal.signal(number, handler)
        handlers, level, propagate = saved_logger
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate
        _reset_state()
    return CliResult(code, out.captured(), err.captured(), tuple(script.prompts))
