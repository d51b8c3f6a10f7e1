"""Facts about the CPU the engine runs on, and the thread count a model runs with."""

from __future__ import annotations

import os
import time
from functools import cache
from pathlib import Path
from typing import NamedTuple


@cache
def physical_cores() -> int:
    """Physical cores available to this process (llama.cpp decodes fastest on those).

    Counts distinct (package, core) pairs in /proc/cpuinfo among the CPUs this process may
    run on; falls back to the logical count where that is not available.
    """
    allowed = os.sched_getaffinity(0)
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return max(1, len(allowed))
    cores: set[tuple[str, str]] = set()
    processor = package = core = None
    for line in [*text.splitlines(), ""]:
        key, _, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if key == "processor":
            processor = int(value)
        elif key == "physical id":
            package = value
        elif key == "core id":
            core = value
        elif not key:
            if processor is not None and processor in allowed and core is not None:
                cores.add((package or "0", core))
            processor = package = core = None
    return max(1, len(cores) or len(allowed))


class CpuSample(NamedTuple):
    """CPU time spent busy by the whole machine and by this process, at one moment."""

    wall: float  # time.monotonic()
    busy: float  # CPU-seconds every CPU spent busy since boot (steal included)
    own: float  # CPU-seconds this process used, all its threads


def cpu_sample() -> CpuSample | None:
    """The machine's busy time from ``/proc/stat`` (None where there is none)."""
    try:
        with open("/proc/stat", "rb") as stat:
            fields = stat.readline().split()
        ticks = [int(value) for value in fields[1:9]]
    except (OSError, ValueError):
        return None
    if fields[:1] != [b"cpu"] or len(ticks) < 5:
        return None
    idle = ticks[3] + ticks[4]  # idle and iowait
    per_second = os.sysconf("SC_CLK_TCK")
    return CpuSample(time.monotonic(), (sum(ticks) - idle) / per_second, time.process_time())


# Taken when the engine package is first imported (a command's start): what other
# processes did since then is what ``default_threads`` goes by, at no cost in waiting.
_SINCE = cpu_sample()
MIN_WINDOW_S = 0.05  # shorter, and /proc/stat's clock ticks (10 ms) say too little


def busy_elsewhere(since: CpuSample | None = None) -> float | None:
    """How many CPUs other processes kept busy, on average, since ``since`` (default: the
    first import of the engine); None when that cannot be told."""
    since = since or _SINCE
    now = cpu_sample()
    if since is None or now is None or now.wall - since.wall < MIN_WINDOW_S:
        return None
    others = (now.busy - since.busy) - (now.own - since.own)
    return max(0.0, others / (now.wall - since.wall))


def default_threads() -> int:
    """The thread count a model runs with when nobody chose one: the physical cores, less
    the cores other processes are keeping busy right now (at least 1).

    llama.cpp's threads meet at a barrier after every operation, so one thread that must
    share its core with another process holds all the others back: on 2 cores with one
    kept busy, 2 threads decode several times slower than 1 (bench/README.md, "Threads").
    """
    cores = physical_cores()
    others = busy_elsewhere()
    if others is None:
        return cores
    return max(1, cores - round(others))
