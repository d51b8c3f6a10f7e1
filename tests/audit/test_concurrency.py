"""Several processes appending at once, and writers killed mid-append."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path

from milai.audit import _log
from milai.vault._fs import write_all
from tests.audit.support import event, fixed_signer, open_log, verify_signature

# Children come from a fork server: quick to start, and never forked from a test process
# that may be running threads (the engine's, for one).
PROCESSES = multiprocessing.get_context("forkserver")
PROCESSES.set_forkserver_preload(["milai.audit", "tests.audit.support"])


def append_many(path: Path, writer: int, count: int) -> None:
    log = open_log(path, fixed_signer(), every=10)
    for n in range(count):
        log.append({"command": "run", "writer": writer, "n": n})


def test_concurrent_appends_lose_and_interleave_nothing(log_path: Path) -> None:
    writers = [
        PROCESSES.Process(target=append_many, args=(log_path, writer, 50)) for writer in range(4)
    ]
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=60)
        assert process.exitcode == 0

    log = open_log(log_path, fixed_signer())
    report = log.verify(verify_signature=verify_signature)
    assert (report.entries, report.checkpoints_checked, report.torn_tail) == (200, 20, False)
    events = [entry.event for entry in log.entries()]
    assert Counter((e["writer"], e["n"]) for e in events) == Counter(
        (writer, n) for writer in range(4) for n in range(50)
    )
    for writer in range(4):
        assert [e["n"] for e in events if e["writer"] == writer] == list(range(50))


def append_forever(path: Path) -> None:
    log = open_log(path, fixed_signer(), every=3)
    for n in range(10_000):
        log.append(event(n))


def append_until_stopped(path: Path, stop_at_write: int, stop_at: float, ready: Connection) -> None:
    """Append until write number ``stop_at_write`` (of a log line or a sidecar checkpoint),
    write the first ``stop_at`` part of it, tell the parent, and wait to be killed: the
    kill lands mid-append by construction, whatever the machine's load."""
    writes = 0

    def write_then_stop(fd: int, data: memoryview | bytes | bytearray) -> None:
        nonlocal writes
        writes += 1
        if writes == stop_at_write:
            write_all(fd, memoryview(data)[: min(len(data) - 1, max(1, int(len(data) * stop_at)))])
            ready.send(writes)
            time.sleep(3600)
        write_all(fd, data)

    setattr(_log, "write_all", write_then_stop)  # noqa: B010  (a child process: no undo)
    append_forever(path)


def wait_for_growth(path: Path, size: int) -> None:
    """Wait until the writer has begun writing (a bound on a hang, not a timing)."""
    deadline = time.monotonic() + 120
    while path.stat().st_size == size:
        assert time.monotonic() < deadline, "the writer never wrote"
        time.sleep(0.0005)


def test_a_writer_killed_mid_append_leaves_a_log_that_verifies_and_repairs(log_path: Path) -> None:
    """Three kills in four stop a writer part way through a write (seeded: which write,
    how far into it); the fourth lands wherever a free-running writer is."""
    log = open_log(log_path, fixed_signer(), every=3)
    log.append(event(-1))
    chance = random.Random(20250301)
    torn_trials = 0
    for trial in range(20):
        size = log_path.stat().st_size
        if trial % 4:
            ready, tell = PROCESSES.Pipe(duplex=False)
            stop = (chance.randint(1, 7), chance.uniform(0, 1))
            writer = PROCESSES.Process(target=append_until_stopped, args=(log_path, *stop, tell))
            writer.start()
            tell.close()
            assert ready.poll(120), "the writer never reached its stop"
            ready.close()
        else:
            writer = PROCESSES.Process(target=append_forever, args=(log_path,))
            writer.start()
            wait_for_growth(log_path, size)
            time.sleep(chance.uniform(0, 0.03))
        os.kill(writer.pid, signal.SIGKILL)  # type: ignore[arg-type]
        writer.join()
        assert writer.exitcode == -signal.SIGKILL

        complete_lines = log_path.read_bytes().count(b"\n")
        report = log.verify(verify_signature=verify_signature)
        assert report.entries == complete_lines
        if not report.torn_tail:
            continue
        torn_trials += 1
        assert report.summary().endswith(
            f"a torn final line (crash mid-append, {report.torn_bytes} bytes) was ignored"
        )

        log.append(event(trial))
        repair, after = list(log.entries())[-2:]
        assert repair.event["command"] == "audit.repair"
        assert repair.event["discarded_bytes"] == report.torn_bytes
        assert after.event["n"] == trial
        repaired = log.verify(verify_signature=verify_signature)
        assert (repaired.entries, repaired.torn_tail) == (report.entries + 2, False)

    assert torn_trials >= 5, "the kills should land mid-line often; the test proves nothing"
    assert log.verify(verify_signature=verify_signature).checkpoints_checked >= 10
