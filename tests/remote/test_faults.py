"""The fault matrix: whatever the server does wrong, ``run`` exits 5 with one line naming the
engine, releases nothing the gate has not passed, retries only before any text, and the
audit log records the failure."""

from __future__ import annotations

import json
import time

import pytest

from milai.engine import remote
from tests.remote.conftest import REPLY, SERVED_MODEL, FakeServer, Home

PROMPT = "Say hello."


@pytest.fixture(autouse=True)
def short_retry_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    """The number of attempts is what these tests check, not the pause between them (a
    quarter of a second, doubling: three quarters of a second of sleep per retried case)."""
    monkeypatch.setattr(remote, "RETRY_PAUSE_S", 0.01)


def add_engine(home: Home, server: FakeServer, *more: str) -> None:
    added = home.milai(
        "engine",
        "add",
        "fake",
        "--url",
        server.url,
        "--level",
        "UNCLASSIFIED",
        "--read-timeout",
        "1",
        *more,
    )
    assert added.returncode == 0, added.stderr


def one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("milai: error: engine fake "), stderr
    return lines[0]


def last_run_event(home: Home) -> dict[str, object]:
    runs = [event for event in home.audit() if event.get("command") == "run"]
    assert runs, "no run was recorded"
    return runs[-1]


def test_a_healthy_stream_is_released_and_audited(home: Home, fake_server: FakeServer) -> None:
    add_engine(home, fake_server)
    fake_server.behaviour.usage = True
    result = home.milai("run", "--model", "fake", "--json", "--seed", "7", PROMPT)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["text"] == "".join(REPLY)
    assert data["usage"] == {"prompt_tokens": 11, "completion_tokens": len(REPLY)}
    sent = fake_server.chat_requests()[-1]["body"]
    assert sent["messages"][-1] == {"role": "user", "content": PROMPT}
    assert (sent["model"], sent["seed"], sent["stream"]) == (SERVED_MODEL, 7, True)
    event = last_run_event(home)
    assert event["decision"] == "allow"
    assert event["engine"] == {
        "name": "fake",
        "endpoint": fake_server.url,
        "address": "127.0.0.1",
        "model_id": SERVED_MODEL,
        "served_model": SERVED_MODEL,
        "system_fingerprint": "fp_test_1",
    }


@pytest.mark.parametrize(
    ("mode", "status", "says", "attempts"),
    [
        ("status", 401, "refused the token (401)", 1),
        ("status", 404, "has no such model or endpoint (404)", 1),
        ("status", 429, "is too busy (429)", 3),
        ("status", 500, "failed (500", 1),
        ("status", 503, "failed (503", 3),
        ("malformed", 200, "sent a malformed event (not JSON)", 1),
        ("error", 200, "reported an error in the middle of the reply", 1),
        ("no-finish", 200, "ended the stream before the reply was finished", 1),
        ("wrong-model", 200, "answered with model 'another-model'", 1),
        ("stall", 200, "stalled: no data for 1 s", 1),
        ("pings", 200, "stalled: no event for 1 s", 1),
        ("flood", 200, "sent far more than the 16 tokens asked", 1),
        ("drop", 200, "ended the stream before the reply was finished", 1),
    ],
)
def test_each_fault_is_exit_5_one_line_and_audited(
    home: Home, fake_server: FakeServer, mode: str, status: int, says: str, attempts: int
) -> None:
    add_engine(home, fake_server)
    fake_server.behaviour.mode, fake_server.behaviour.status = mode, status
    result = home.milai("run", "--model", "fake", "--max-tokens", "16", PROMPT)
    assert result.returncode == 5, result.stderr
    line = one_error_line(result.stderr)
    assert says in line
    assert "SECRET" not in line  # the server's own error body is never printed
    assert len(fake_server.chat_requests()) == attempts
    sent = "".join(REPLY) + (" more" * 200 if mode == "flood" else "")
    assert sent.startswith(result.stdout)  # only what the server sent and the gate passed
    event = last_run_event(home)
    assert event["decision"] == "error"
    assert event["engine"]["name"] == "fake"  # type: ignore[index]


def test_a_cut_stream_leaks_nothing_the_gate_held(home: Home, fake_server: FakeServer) -> None:
    add_engine(home, fake_server)
    fake_server.behaviour.mode = "drop"
    fake_server.behaviour.chunks = ["The weather is mild.", " Marked TOP SEC", "RET", " end"]
    result = home.milai("run", "--model", "fake", PROMPT)
    assert result.returncode == 5
    assert "ended the stream" in one_error_line(result.stderr)
    assert "The weather is mild. Marked TOP SEC".startswith(result.stdout)
    assert "SEC" not in result.stdout  # a possible marking's start stays held, never released
    assert len(fake_server.chat_requests()) == 1  # never retried after text came


def test_a_server_that_is_down_is_exit_5(home: Home, fake_server: FakeServer) -> None:
    add_engine(home, fake_server)
    removed = home.milai("engine", "remove", "fake")
    assert removed.returncode == 0
    added = home.milai(
        "engine", "add", "fake", "--url", "http://127.0.0.1:9", "--level", "UNCLASSIFIED"
    )
    assert added.returncode == 5
    assert "is unreachable" in one_error_line(added.stderr)


def test_a_blocked_prompt_never_reaches_the_server(home: Home, fake_server: FakeServer) -> None:
    add_engine(home, fake_server)
    result = home.milai("run", "--model", "fake", "SECRET//NOFORN\nThe plan.")
    assert result.returncode == 3, result.stderr
    assert fake_server.chat_requests() == []
    assert last_run_event(home)["decision"] == "block"


def test_a_server_that_trickles_is_cut_at_the_reply_deadline(
    home: Home, fake_server: FakeServer
) -> None:
    # One byte every 0.1 s: each read is well within the 1 s read timeout, and the event
    # never ends. Only the deadline on the whole reply stops it.
    add_engine(home, fake_server, "--reply-timeout", "1")
    fake_server.behaviour.mode, fake_server.behaviour.stall_s = "trickle", 40.0
    started = time.monotonic()
    result = home.milai("run", "--model", "fake", PROMPT)
    elapsed = time.monotonic() - started
    assert result.returncode == 5, result.stderr
    assert "did not finish its reply within 1 s" in one_error_line(result.stderr)
    assert elapsed < 25  # the server would trickle for 40 s
    assert "".join(REPLY).startswith(result.stdout)
    assert len(fake_server.chat_requests()) == 1  # text came: never retried
    event = last_run_event(home)
    assert (event["decision"], event["stage"]) == ("error", "output")


def test_a_steady_but_endless_reply_is_cut_at_the_deadline(
    home: Home, fake_server: FakeServer
) -> None:
    add_engine(home, fake_server, "--reply-timeout", "1")
    behaviour = fake_server.behaviour
    behaviour.chunks, behaviour.chunk_pause_s = [f" word{n}" for n in range(100)], 0.3
    result = home.milai("run", "--model", "fake", "--max-tokens", "200", PROMPT)
    assert result.returncode == 5, result.stderr
    assert "did not finish its reply within 1 s" in one_error_line(result.stderr)
    assert "".join(behaviour.chunks).startswith(result.stdout)
    assert len(fake_server.chat_requests()) == 1
    assert last_run_event(home)["decision"] == "error"


def test_the_reply_timeout_must_be_positive(home: Home, fake_server: FakeServer) -> None:
    for bad in ("0", "-1", "nan", "inf"):
        added = home.milai(
            "engine", "add", "fake", "--url", fake_server.url, "--level", "UNCLASSIFIED",
            "--reply-timeout", bad,
        )  # fmt: skip
        assert added.returncode == 2, (bad, added.stderr)
        assert added.stderr == (
            "milai: error: --reply-timeout must be a positive number of seconds\n"
        ), bad
