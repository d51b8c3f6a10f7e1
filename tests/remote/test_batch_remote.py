"""``milai batch --concurrency N`` against a remote engine: N lines in flight, each gated on
its own, OUT in IN's order, and a killed batch resumed with no line missing or twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.batch.support import read_entries, request, write_lines
from tests.cli.fixtures import milai_command
from tests.remote.conftest import FakeServer, Home

LINES = 12


def add_engine(home: Home, server: FakeServer) -> None:
    added = home.milai(
        "engine", "add", "fake", "--url", server.url, "--level", "SECRET", "--read-timeout", "5"
    )
    assert added.returncode == 0, added.stderr


def prompt_of(body: dict[str, Any]) -> str:
    return str(body["messages"][-1]["content"])


def echo(body: dict[str, Any]) -> list[str]:
    return ["You asked: ", prompt_of(body)]


def number_of(body: dict[str, Any]) -> int:
    return int(prompt_of(body).rsplit(" ", 1)[1])


def batch_file(tmp_path: Path, lines: int = LINES) -> Path:
    return write_lines(
        tmp_path / "in.jsonl",
        *(request(f"q{n}", ("user", f"Question {n}"), max_tokens=32) for n in range(lines)),
    )


def answers(out: Path) -> list[tuple[str, str]]:
    return [
        (entry["custom_id"], entry["response"]["body"]["choices"][0]["message"]["content"])
        for entry in read_entries(out)
    ]


def test_n_lines_in_flight_and_out_in_in_order(
    home: Home, fake_server: FakeServer, tmp_path: Path
) -> None:
    add_engine(home, fake_server)
    behaviour = fake_server.behaviour
    behaviour.answer = echo
    # Later lines answer sooner: finishing order is the reverse of IN's within each window.
    behaviour.pause_for = lambda body: 0.05 * (LINES - number_of(body))
    source, out = batch_file(tmp_path), tmp_path / "out.jsonl"
    result = home.milai("batch", str(source), "-o", str(out), "--concurrency", "4")
    assert result.returncode == 0, result.stderr
    assert answers(out) == [(f"q{n}", f"You asked: Question {n}") for n in range(LINES)]
    assert fake_server.most_in_flight == 4
    assert len(fake_server.chat_requests()) == LINES
    runs = [e for e in home.audit() if e.get("command") == "batch" and e.get("phase") == "outcome"]
    assert sorted(e["decision"] for e in runs) == ["allow"] * LINES
    assert {e["engine"]["name"] for e in runs} == {"fake"}


def test_each_stream_is_gated_on_its_own(
    home: Home, fake_server: FakeServer, tmp_path: Path
) -> None:
    add_engine(home, fake_server)

    def answer(body: dict[str, Any]) -> list[str]:
        if number_of(body) == 5:
            return ["The plan:\n", "TOP SEC", "RET//NOFORN\n", "Details."]
        return echo(body)

    fake_server.behaviour.answer = answer
    fake_server.behaviour.chunk_pause_s = 0.02
    source, out = batch_file(tmp_path), tmp_path / "out.jsonl"
    result = home.milai("batch", str(source), "-o", str(out), "--concurrency", "3")
    assert result.returncode == 3, result.stderr
    entries = read_entries(out)
    assert [entry["custom_id"] for entry in entries] == [f"q{n}" for n in range(LINES)]
    blocked = entries[5]
    assert blocked["response"] is None and blocked["error"]["code"] == "blocked"
    assert blocked["error"]["stage"] == "output"
    assert "NOFORN" not in out.read_text() and "The plan" not in out.read_text()
    others = [entry for index, entry in enumerate(entries) if index != 5]
    assert all(entry["decision"] == "allow" for entry in others)


def test_a_server_failure_stops_the_batch_and_a_rerun_completes_it(
    home: Home, fake_server: FakeServer, tmp_path: Path
) -> None:
    add_engine(home, fake_server)
    behaviour = fake_server.behaviour
    behaviour.answer = echo
    behaviour.pause_for = lambda body: 0.02 * number_of(body)  # later lines are in flight
    behaviour.status_for = lambda body: 500 if number_of(body) == 7 else 200
    source, out = batch_file(tmp_path), tmp_path / "out.jsonl"
    first = home.milai("batch", str(source), "-o", str(out), "--concurrency", "4")
    assert first.returncode == 5, first.stderr
    assert first.stderr == "milai: error: engine fake failed (500 Internal Server Error)\n"
    # OUT holds the lines before the failed one, in order; lines after it that were
    # answered are not kept (a re-run asks them again), so there is never a gap.
    assert answers(out) == [(f"q{n}", f"You asked: Question {n}") for n in range(7)]
    behaviour.status_for = None
    asked_before = len(fake_server.chat_requests())
    second = home.milai("batch", str(source), "-o", str(out), "--concurrency", "4")
    assert second.returncode == 0, second.stderr
    assert answers(out) == [(f"q{n}", f"You asked: Question {n}") for n in range(LINES)]
    asked_again = [number_of(r["body"]) for r in fake_server.chat_requests()[asked_before:]]
    assert sorted(asked_again) == [7, 8, 9, 10, 11]


def test_a_killed_concurrent_batch_resumes_with_no_gap_and_no_duplicate(
    home: Home, fake_server: FakeServer, tmp_path: Path
) -> None:
    add_engine(home, fake_server)
    behaviour = fake_server.behaviour
    behaviour.answer = lambda body: [*echo(body), *["."] * 10]
    behaviour.chunk_pause_s = 0.03
    lines = 40
    source, out = batch_file(tmp_path, lines), tmp_path / "out.jsonl"
    env = {**os.environ, "MILAI_HOME": str(home.path), "MILAI_KEY_FILE": str(home.key)}
    command = milai_command("batch", str(source), "-o", str(out), "--concurrency", "4")
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            if out.exists() and out.read_bytes().count(b"\n") >= 6:
                break
            time.sleep(0.02)
        assert process.poll() is None, "the batch finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    killed = answers(out)
    assert 6 <= len(killed) < lines
    assert [custom_id for custom_id, _ in killed] == [f"q{n}" for n in range(len(killed))]
    behaviour.chunk_pause_s = 0.0
    asked_before = len(fake_server.chat_requests())
    resumed = home.milai("batch", str(source), "-o", str(out), "--concurrency", "4")
    assert resumed.returncode == 0, resumed.stderr
    final = answers(out)
    assert [custom_id for custom_id, _ in final] == [f"q{n}" for n in range(lines)]
    assert all(text.startswith(f"You asked: Question {n}.") for n, (_, text) in enumerate(final))
    assert final[: len(killed)] == killed  # what was on disk stayed as it was
    asked_again = [number_of(r["body"]) for r in fake_server.chat_requests()[asked_before:]]
    assert sorted(asked_again) == list(range(len(killed), lines))


def test_concurrency_is_bounded(home: Home, fake_server: FakeServer, tmp_path: Path) -> None:
    add_engine(home, fake_server)
    source = batch_file(tmp_path, 1)
    for bad in ("0", "65"):
        result = home.milai("batch", str(source), "-o", str(tmp_path / "o"), "--concurrency", bad)
        assert result.returncode == 2
        assert result.stderr == "milai: error: --concurrency must be between 1 and 64\n"


def test_the_cli_bound_is_the_runners() -> None:
    from milai import batch
    from milai.cli import batch as cli_batch

    assert cli_batch.MAX_CONCURRENCY == batch.MAX_CONCURRENCY


def test_ids_in_out_once_each(home: Home, fake_server: FakeServer, tmp_path: Path) -> None:
    """A re-run of a complete OUT asks the server nothing and leaves OUT as it was."""
    add_engine(home, fake_server)
    fake_server.behaviour.answer = echo
    source, out = batch_file(tmp_path), tmp_path / "out.jsonl"
    assert home.milai("batch", str(source), "-o", str(out), "--concurrency", "4").returncode == 0
    before, asked = out.read_bytes(), len(fake_server.chat_requests())
    again = home.milai("batch", str(source), "-o", str(out), "--concurrency", "4")
    assert again.returncode == 0, again.stderr
    assert out.read_bytes() == before
    assert len(fake_server.chat_requests()) == asked
    assert json.loads(before.splitlines()[0])["custom_id"] == "q0"
