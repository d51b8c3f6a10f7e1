"""Facts about the CPU the engine runs on."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path


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


def default_threads() -> int:
    """The thread count a model runs with when nobody chose one (see bench/README.md,
    "Threads")."""
    return physical_cores()
