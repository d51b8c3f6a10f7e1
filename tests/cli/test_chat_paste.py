"""``milai chat`` takes a multi-line paste as one turn and gates it whole: a bracketed paste
on a terminal, or the lines between \"\"\" fences. SIGTERM ends a chat (it is not Ctrl-C at
the prompt). A real terminal (pty), a real vault, a fake engine (``fake_milai``)."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from milai.cli.chat import read_turn
from tests.cli.fixtures import controlling_terminal
from tests.cli.test_records_cli import _read_until
from tests.pipeline.fake_milai import ROOT, audit_events, command, environment, make_vault

PROMPT = b"[UNCLASSIFIED] > "


def _lines(*lines: str) -> tuple[list[str], object]:
    queue = list(lines)
    asked: list[str] = []

    def read_line(prompt: str) -> str:
        asked.append(prompt)
        if not queue:
            raise EOFError
        return queue.pop(0)

    return asked, read_line


def test_a_plain_line_is_a_turn() -> None:
    asked, read_line = _lines("hello", "next")
    assert read_turn(read_line, "> ") == "hello"  # type: ignore[arg-type]
    assert asked == ["> "]


def test_a_pasted_line_keeps_its_newlines() -> None:
    _, read_line = _lines("one\ntwo\nthree")
    assert read_turn(read_line, "> ") == "one\ntwo\nthree"  # type: ignore[arg-type]


def test_a_fenced_block_is_one_turn() -> None:
    asked, read_line = _lines('"""', "SECRET", "", "body", '"""', "after")
    assert read_turn(read_line, "> ") == "SECRET\n\nbody"  # type: ignore[arg-type]
    assert asked == ["> ", "... ", "... ", "... ", "... "]


def test_fences_may_share_a_line_with_text() -> None:
    _, read_line = _lines('"""first', "second", 'third"""')
    assert read_turn(read_line, "> ") == "first\nsecond\nthird"  # type: ignore[arg-type]
    _, one = _lines('"""all in one"""')
    assert read_turn(one, "> ") == "all in one"  # type: ignore[arg-type]


def test_an_unclosed_block_ends_at_the_end_of_input() -> None:
    _, read_line = _lines('"""', "a", "b")
    assert read_turn(read_line, "> ") == "a\nb"  # type: ignore[arg-type]
    _, empty = _lines()
    with pytest.raises(EOFError):
        read_turn(empty, "> ")  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_vault(tmp_path_factory.mktemp("chat"), level="UNCLASSIFIED")


@pytest.fixture
def terminal(home: Path, tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[bytes], bytes]]:
    # A user's inputrc may turn bracketed paste off; chat turns it back on.
    inputrc = tmp_path / "inputrc"
    inputrc.write_text("set enable-bracketed-paste off\n")
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        command("chat", "--max-tokens", "16", "--seed", "1"),
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        close_fds=True,
        env={
            **environment(home, engine="echo"),
            "TERM": "xterm",
            "COLUMNS": "100",
            "INPUTRC": str(inputrc),
        },
        preexec_fn=controlling_terminal,
    )
    os.close(secondary)
    try:
        greeting = _read_until(primary, PROMPT)
        yield primary, process, greeting
    finally:
        process.kill()
        process.wait(timeout=30)
        os.close(primary)


Terminal = tuple[int, subprocess.Popen[bytes], bytes]


def test_a_bracketed_paste_is_one_turn(terminal: Terminal) -> None:
    primary, _, greeting = terminal
    assert b"\x1b[?2004h" in greeting  # the terminal is asked to bracket pastes
    time.sleep(0.3)  # readline has switched bracketed paste on
    os.write(primary, b"\x1b[200~first line\rsecond line\rthird line\x1b[201~\r")
    assert b"lines: 3" in _read_until(primary, PROMPT)


def test_a_fenced_block_on_a_terminal_is_one_turn(terminal: Terminal) -> None:
    primary, _, _ = terminal
    for line in (b'"""', b"one", b"two", b'"""'):
        os.write(primary, line + b"\r")
        time.sleep(0.1)
    assert b"lines: 2" in _read_until(primary, PROMPT)


def test_a_pasted_document_is_gated_whole(home: Path, terminal: Terminal) -> None:
    primary, _, _ = terminal
    before = len(audit_events(home))
    time.sleep(0.3)
    os.write(primary, b"\x1b[200~Summarise:\rNATO SECRET\rThe convoy leaves at dawn.\x1b[201~\r")
    answer = _read_until(primary, PROMPT)
    assert b"milai: blocked:" in answer and b"lines:" not in answer
    new = audit_events(home)[before:]
    assert [(event["phase"], event.get("decision")) for event in new] == [("outcome", "block")]


def test_sigterm_ends_a_chat_with_130(terminal: Terminal) -> None:
    _, process, _ = terminal
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 130


# A SIGTERM that readline notes but is not waiting for: delivered to another thread, it trips
# Python's flag without interrupting the main thread's select(), as a signal landing between
# the prompt and the wait does on a busy machine.
_LOST_WAKEUP = """
import signal, sys, threading, time
from milai.cli._app import Terminated, handle_termination
from milai.cli.chat import signals_reach_the_prompt

main = threading.get_native_id()


# The main thread sleeps in its wait for a key: readline's select() (or poll), or, where
# input() reads the terminal without readline, the kernel's terminal read (wait_woken).
def waiting() -> bool:
    with open(f"/proc/self/task/{main}/wchan") as wchan:
        state = wchan.read()
    return any(wait in state for wait in ("select", "poll", "wait_woken", "n_tty_read"))


def note_a_signal() -> None:
    deadline = time.monotonic() + 10
    while not waiting() and time.monotonic() < deadline:
        time.sleep(0.01)
    signal.pthread_kill(threading.get_ident(), signal.SIGTERM)


handle_termination()
try:
    with signals_reach_the_prompt():
        threading.Thread(target=note_a_signal).start()
        input("> ")
except Terminated:
    sys.exit(130)
"""


def test_a_signal_noted_before_readline_waits_still_ends_the_prompt() -> None:
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", _LOST_WAKEUP],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        close_fds=True,
        env={**os.environ, "TERM": "xterm", "PYTHONPATH": str(ROOT)},
        preexec_fn=controlling_terminal,
    )
    os.close(secondary)
    try:
        _read_until(primary, b"> ")
        assert process.wait(timeout=20) == 130
    finally:
        process.kill()
        process.wait(timeout=30)
        os.close(primary)
