"""The default thread count: the physical cores, less the cores other processes keep busy
(llama.cpp's threads wait for the slowest at every operation, so a shared core holds them
all back)."""

from __future__ import annotations

import pytest

from milai.engine import hardware
from milai.engine.hardware import CpuSample, busy_elsewhere, cpu_sample, default_threads


def test_a_sample_of_this_machine() -> None:
    first = cpu_sample()
    assert first is not None  # Linux: /proc/stat
    sum(range(200_000))
    second = cpu_sample()
    assert second is not None
    assert second.wall > first.wall and second.busy >= first.busy and second.own > first.own


def scripted(monkeypatch: pytest.MonkeyPatch, now: CpuSample) -> None:
    monkeypatch.setattr(hardware, "cpu_sample", lambda: now)


@pytest.mark.parametrize(
    ("busy", "own", "others"),
    [
        (0.5, 0.5, 0.0),  # all the machine did was this process
        (1.5, 0.5, 1.0),  # another process kept one core busy
        (2.0, 0.0, 2.0),
        (0.4, 0.5, 0.0),  # clock ticks are coarse: never below 0
    ],
)
def test_busy_elsewhere_is_the_machine_less_this_process(
    monkeypatch: pytest.MonkeyPatch, busy: float, own: float, others: float
) -> None:
    since = CpuSample(wall=10.0, busy=100.0, own=1.0)
    scripted(monkeypatch, CpuSample(wall=11.0, busy=100.0 + busy, own=1.0 + own))
    assert busy_elsewhere(since) == pytest.approx(others)


def test_too_short_a_window_or_no_proc_says_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    since = CpuSample(wall=10.0, busy=100.0, own=1.0)
    scripted(monkeypatch, CpuSample(wall=10.01, busy=101.0, own=1.0))
    assert busy_elsewhere(since) is None
    monkeypatch.setattr(hardware, "cpu_sample", lambda: None)
    assert busy_elsewhere(since) is None


@pytest.mark.parametrize(
    ("cores", "others", "threads"),
    [
        (2, None, 2),  # nothing known: the physical cores
        (2, 0.0, 2),
        (2, 0.3, 2),  # a little background work
        (2, 0.9, 1),  # one core busy elsewhere
        (2, 3.5, 1),  # never fewer than one
        (8, 1.2, 7),
        (8, 2.6, 5),
    ],
)
def test_default_threads_leave_the_busy_cores_alone(
    monkeypatch: pytest.MonkeyPatch, cores: int, others: float | None, threads: int
) -> None:
    monkeypatch.setattr(hardware, "physical_cores", lambda: cores)
    monkeypatch.setattr(hardware, "busy_elsewhere", lambda since=None: others)
    assert default_threads() == threads
