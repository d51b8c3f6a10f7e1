"""Decode speed by thread count, on a CPU as it is and with another process keeping one
core busy: the data behind milai's default thread count (``milai.engine.default_threads``).

Raw llama-cpp-python on the real model (milai adds nothing per token that depends on the
thread count); thread count 0 is milai's default, decided in the child as milai decides
it. Each run is a fresh process: load, one greedy reply, decode tokens/s from the token
timestamps. Conditions and thread counts are interleaved round by round, so drifting load
from elsewhere falls on all of them alike; the 1-minute load average before each run is
printed too. A run past --limit seconds has collapsed and counts as max-tokens / limit.

    .venv/bin/python bench/threads.py [--runs 5] [--max-tokens 96] [--threads 0,1,2] [--limit 40]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

DECODE = r"""
import json, sys, time
import milai.engine.hardware as hardware  # its window starts here, as in a milai command
from llama_cpp import Llama
path, threads, max_tokens = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
threads = threads or hardware.default_threads()  # 0: milai's default, decided now
llama = Llama(model_path=path, n_ctx=1024, n_threads=threads, n_threads_batch=threads,
              verbose=False)
stamps = []
for chunk in llama.create_chat_completion(
        messages=[{"role": "user", "content": sys.argv[4]}], max_tokens=max_tokens,
        temperature=0.0, seed=1, stream=True):
    if chunk["choices"][0]["delta"].get("content"):
        stamps.append(time.perf_counter())
rate = (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0
print(json.dumps({"tokens_per_s": rate, "tokens": len(stamps), "threads": threads}))
"""
BUSY = "while True: pass"
PROMPT = "Write a detailed paragraph about the history of the city of Luxembourg."


@contextmanager
def one_core_busy(busy: bool) -> Iterator[None]:
    """Another process spinning on one core for the duration (or nothing)."""
    if not busy:
        yield
        return
    spinner = subprocess.Popen([sys.executable, "-c", BUSY])
    time.sleep(0.3)  # let the scheduler see it
    try:
        yield
    finally:
        spinner.kill()
        spinner.wait()


def decode_rate(model: str, threads: int, max_tokens: int, limit: float) -> tuple[float, int]:
    """Decode tokens/s of one fresh process; a run past ``limit`` seconds has collapsed
    and counts as ``max_tokens / limit`` (an upper bound of its real rate)."""
    try:
        result = subprocess.run(
            [sys.executable, "-c", DECODE, model, str(threads), str(max_tokens), PROMPT],
            capture_output=True,
            text=True,
            check=True,
            stdin=subprocess.DEVNULL,
            timeout=limit,
        )
    except subprocess.TimeoutExpired:
        return max_tokens / limit, threads
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return float(data["tokens_per_s"]), int(data["threads"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--max-tokens", type=int, default=96)
    parser.add_argument(
        "--threads", default="", help="comma-separated; 0 is milai's default (default: 0,1..nproc)"
    )
    parser.add_argument(
        "--limit", type=float, default=40.0, help="seconds before a run counts as collapsed"
    )
    args = parser.parse_args()

    from milai.engine import default_threads, physical_cores
    from milai.vault import demo_model_path

    logical = len(os.sched_getaffinity(0))
    counts = [int(t) for t in args.threads.split(",") if t] or list(range(logical + 1))
    model = str(demo_model_path())
    print(
        f"cpus {logical} logical, {physical_cores()} physical; default_threads {default_threads()}"
    )
    rates: dict[tuple[bool, int], list[float]] = {}
    for round_ in range(args.runs):
        for busy in (False, True):
            with one_core_busy(busy):
                for threads in counts if round_ % 2 == 0 else reversed(counts):
                    load = os.getloadavg()[0]
                    rate, used = decode_rate(model, threads, args.max_tokens, args.limit)
                    rates.setdefault((busy, threads), []).append(rate)
                    print(
                        f"round {round_ + 1} {'busy' if busy else 'quiet'} "
                        f"threads {threads or f'default ({used})'}: "
                        f"{rate:6.1f} tokens/s (load {load:.2f})",
                        flush=True,
                    )
    base_count = 1 if 1 in counts else counts[0]
    print(f"\nmedian decode tokens/s (ratio to {base_count} thread(s) in the same condition)")
    for busy in (False, True):
        base = statistics.median(rates[(busy, base_count)])
        cells = []
        for threads in counts:
            median = statistics.median(rates[(busy, threads)])
            cells.append(f"{threads or 'default'}: {median:6.1f} ({median / base:.2f}x)")
        print(f"{'one core busy' if busy else 'quiet        '}: " + "; ".join(cells))


if __name__ == "__main__":
    main()
