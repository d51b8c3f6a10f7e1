"""The batch runner with lines in flight on worker threads (``concurrency`` above 1, remote
engines only): one engine per worker, OUT in IN's order whatever order the answers come in,
the shared services entered one thread at a time, and a stop that cuts the lines in flight
and keeps OUT a prefix of IN."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from milai.batch import BatchOutput, BatchRunner, BatchSummary, LineOutcome
from milai.config import default_policy_path
from milai.engine import LoadOptions, Message, SamplingParams, Timings, Usage
from milai.errors import UsageError
from milai.pipeline import Pipeline
from milai.policy import load_policy
from tests.batch.support import read_entries, request, write_lines


@dataclass(frozen=True)
class RemoteModel:
    name: str = "remote"
    sha256: str = ""
    level: str = "SECRET"
    kind: str = "remote"


@dataclass(frozen=True)
class LocalModel:
    name: str = "local"
    sha256: str = "ab" * 32
    level: str = "SECRET"


@dataclass
class Models:
    model_info: Any = field(default_factory=RemoteModel)

    def model(self, name: str) -> Any:
        return self.model_info

    @contextmanager
    def open_model(self, name: str) -> Iterator[str]:
        yield f"engine:{name}"


class Overlap:
    """Counts how many threads are inside at once (with a pause, so overlaps show)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.inside = 0
        self.most = 0

    @contextmanager
    def enter(self) -> Iterator[None]:
        with self._lock:
            self.inside += 1
            self.most = max(self.most, self.inside)
        try:
            time.sleep(0.001)
            yield
        finally:
            with self._lock:
                self.inside -= 1


@dataclass
class Audit:
    overlap: Overlap = field(default_factory=Overlap)
    outcomes: list[dict[str, Any]] = field(default_factory=list)

    def preflight(self) -> None:
        with self.overlap.enter():
            return None

    def started(self, event: Any) -> None:
        with self.overlap.enter():
            return None

    def record(self, event: Any) -> None:
        with self.overlap.enter():
            self.outcomes.append(event.to_json())


@dataclass
class Server:
    """What the fake engines share: how long each prompt takes, and who is in flight."""

    pause_s: dict[str, float] = field(default_factory=dict)
    hang: set[str] = field(default_factory=set)  # prompts that never finish unless aborted
    gather: int = 0  # the first replies wait (at most 10 s) until this many are in flight
    started: int = 0
    in_flight: Overlap = field(default_factory=Overlap)
    engines: list[RemoteEngineFake] = field(default_factory=list)


class RemoteEngineFake:
    """One worker's engine: answers "Re: PROMPT" after the prompt's pause."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.usage = Usage()
        self.timings = Timings()
        self.threads: set[int] = set()
        self._aborted = threading.Event()

    def generate(self, messages: list[Message], params: SamplingParams) -> Iterator[str]:
        self.threads.add(threading.get_ident())
        prompt = messages[-1]["content"]
        with self.server.in_flight.enter():
            self.server.started += 1
            gathered_by = time.monotonic() + 10
            while self.server.started <= self.server.gather > self.server.in_flight.inside:
                if time.monotonic() > gathered_by:
                    raise AssertionError(f"never {self.server.gather} replies in flight")
                time.sleep(0.002)
            deadline = time.monotonic() + (30 if prompt in self.server.hang else 0)
            time.sleep(self.server.pause_s.get(prompt, 0.0))
            yield "Re: "
            # A stalled server: nothing comes until the reply is aborted (or 30 s pass).
            self._aborted.wait(max(0.0, deadline - time.monotonic()))
            if self._aborted.is_set():
                from milai.errors import ModelError

                raise ModelError("engine fake cut")
            yield prompt
        self.usage = Usage(prompt_tokens=3, completion_tokens=2)

    def abort(self) -> None:
        self._aborted.set()

    def close(self) -> None:
        return None


def make_runner(server: Server, audit: Audit, concurrency: int, model: Any = None) -> BatchRunner:
    def load(path: str, options: LoadOptions) -> RemoteEngineFake:
        engine = RemoteEngineFake(server)
        server.engines.append(engine)
        return engine

    pipeline = Pipeline(
        policy=load_policy(default_policy_path()),
        models=Models(model or RemoteModel()),
        audit=audit,
        load=load,
    )
    return BatchRunner(
        pipeline=pipeline,
        model_name="remote",
        clearance="SECRET",
        defaults=SamplingParams(max_tokens=16, temperature=0.0),
        concurrency=concurrency,
    )


def prompts(count: int) -> list[str]:
    return [f"Question {n}" for n in range(count)]


def run(
    tmp_path: Path, runner: BatchRunner, count: int, report: Any = None
) -> tuple[list[dict[str, Any]], BatchSummary]:
    source = write_lines(
        tmp_path / "in.jsonl",
        *(request(f"q{n}", ("user", text)) for n, text in enumerate(prompts(count))),
    )
    with source.open("rb") as handle, BatchOutput(tmp_path / "out.jsonl") as output:
        summary = runner.run(handle, output, report or (lambda outcome: None))
    return read_entries(tmp_path / "out.jsonl"), summary


def answers(entries: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (e["custom_id"], e["response"]["body"]["choices"][0]["message"]["content"]) for e in entries
    ]


@pytest.mark.parametrize("concurrency", [2, 4, 7])
def test_out_follows_in_whatever_order_answers_come(tmp_path: Path, concurrency: int) -> None:
    count = 30
    shuffled = random.Random(concurrency)
    server = Server(pause_s={text: shuffled.uniform(0, 0.03) for text in prompts(count)})
    audit = Audit()
    entries, summary = run(tmp_path, make_runner(server, audit, concurrency), count)
    assert answers(entries) == [(f"q{n}", f"Re: Question {n}") for n in range(count)]
    assert summary == BatchSummary(lines=count, ok=count)
    assert server.in_flight.most <= concurrency
    assert len(server.engines) == concurrency  # one engine per worker, loaded once each
    assert all(len(engine.threads) == 1 for engine in server.engines)
    assert audit.overlap.most == 1  # the audit log is written one entry at a time
    assert len(audit.outcomes) == count


@pytest.mark.parametrize("concurrency", [2, 4])
def test_n_replies_are_in_flight_at_once(tmp_path: Path, concurrency: int) -> None:
    server = Server(gather=concurrency)
    _, summary = run(tmp_path, make_runner(server, Audit(), concurrency), 2 * concurrency)
    assert summary.ok == 2 * concurrency
    assert server.in_flight.most == concurrency


def test_bad_and_blocked_lines_keep_their_place(tmp_path: Path) -> None:
    server = Server(pause_s={"Question 0": 0.05})
    lines: list[dict[str, Any] | str] = [
        request("a", ("user", "Question 0")),
        "not json",
        request("b", ("user", "SECRET//NOFORN\nThe plan.")),
        request("a", ("user", "Question 1")),
        request("c", ("user", "Question 2")),
    ]
    source = write_lines(tmp_path / "in.jsonl", *lines)
    runner = make_runner(server, Audit(), 3)
    runner = BatchRunner(**{**runner.__dict__, "clearance": "CONFIDENTIAL"})
    with source.open("rb") as handle, BatchOutput(tmp_path / "out.jsonl") as output:
        summary = runner.run(handle, output)
    entries = read_entries(tmp_path / "out.jsonl")
    codes = [(e["custom_id"], (e["error"] or {}).get("code")) for e in entries]
    assert codes == [
        ("a", None),
        (None, "invalid_json"),
        ("b", "blocked"),
        (None, "duplicate_custom_id"),
        ("c", None),
    ]
    assert summary == BatchSummary(lines=5, ok=2, blocked=1, invalid=2)


def test_a_stop_cuts_the_lines_in_flight_and_keeps_a_prefix(tmp_path: Path) -> None:
    count = 12
    server = Server(hang={f"Question {n}" for n in range(3, count)})
    audit = Audit()
    runner = make_runner(server, audit, 4)
    seen: list[LineOutcome] = []
    cut: list[int] = []

    def report(outcome: LineOutcome) -> None:
        seen.append(outcome)
        if len(seen) == 3:
            # Lines 3-6 hang on the server once the batch has handed them out. On a loaded
            # machine the batch can report line 2 before it has handed out lines 5 and 6
            # (it hands lines out and reports from one thread), and then no more start
            # while this waits: wait a bounded time, and cut with what is in flight.
            until = time.monotonic() + 5
            while server.in_flight.inside < 4 and time.monotonic() < until:
                time.sleep(0.005)
            cut.append(server.in_flight.inside)
            raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path, runner, count, report)
    assert time.monotonic() - started < 20  # the 30 s hanging replies were cut, not waited for
    assert answers(read_entries(tmp_path / "out.jsonl")) == [
        (f"q{n}", f"Re: Question {n}") for n in range(3)
    ]
    assert 1 <= cut[0] <= 4
    decisions = sorted(outcome["decision"] for outcome in audit.outcomes)
    # the lines in flight are recorded as interrupted; queued lines never started
    assert decisions == ["allow"] * 3 + ["interrupted"] * cut[0]
    assert server.in_flight.inside == 0


def test_a_local_model_is_refused_above_one(tmp_path: Path) -> None:
    runner = make_runner(Server(), Audit(), 2, LocalModel())
    with pytest.raises(UsageError, match="--concurrency must be 1 with a local model"):
        runner.check()
    make_runner(Server(), Audit(), 1, LocalModel()).check()
    for bad in (0, 65):
        with pytest.raises(UsageError, match="between 1 and 64"):
            make_runner(Server(), Audit(), bad).check()
