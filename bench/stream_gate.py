"""The streaming output gate's CPU per token when a model answers on one endless line:
N one-character tokens of prose with no new line, through ``PolicyGate.open_output().feed``
(streaming mode, default policy), for N = 1k, 4k, 16k, 64k. Fresh processes, CPU time
of the feed loop only (the policy loaded and its patterns warmed first), medians.

``--before DIR`` (e.g. ``git archive main | tar -x -C DIR``) times that tree's milai in the
same interleaved runs and prints the ratios. The old gate rescanned the unfinished line on
every token (quadratic): ``--before-limit`` seconds caps one of its runs (reported as ">").

    .venv/bin/python bench/stream_gate.py [--runs 3] [--sizes 1000,4000,16000,64000] \\
        [--before DIR] [--before-limit 900]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "policies" / "default.yaml"
WORDS = (
    "the answer keeps going on one line because the model was asked never to stop and it "
    "writes about rivers towns bridges weather trains markets and the people who live there "
).split()


def one_line(tokens: int) -> str:
    """``tokens`` characters of prose without a new line (the same text for every tree)."""
    out: list[str] = []
    size = 0
    index = 0
    while size < tokens:
        word = WORDS[(index * 7) % len(WORDS)] + " "
        out.append(word)
        size += len(word)
        index += 1
    return "".join(out)[:tokens]


def worker(tokens: int) -> None:
    """One measured run, in this process: prints {"cpu_s": …, "released": …}."""
    from milai.errors import Blocked
    from milai.policy import PolicyGate, check_text, load_policy

    policy = load_policy(POLICY)
    gate = PolicyGate(policy, clearance="TOP SECRET", model_level="TOP SECRET")
    warm = gate.open_output(check_text(policy, "warm up"))
    try:  # compiles what a banner, a codeword and an address need; the codeword blocks
        for ch in "NATO SECRET\nwarm up text, jean@etat.lu, KEYMAT\n":
            warm.feed(ch)
    except Blocked:
        pass
    text = one_line(tokens)
    out = gate.open_output(check_text(policy, "question"))
    released = 0
    started = time.process_time()
    for ch in text:
        released += len(out.feed(ch))
    released += len(out.close())
    cpu = time.process_time() - started
    print(json.dumps({"cpu_s": cpu, "released": released, "tokens": tokens}))


def run(tree: Path, tokens: int, limit: float) -> tuple[float, bool]:
    """CPU seconds of one run with ``tree``'s milai, and whether it finished: a run past
    ``limit`` seconds (wall) is stopped, and its CPU so far (the whole process) is a
    lower bound."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    # -P: the working folder is not put first on sys.path, so PYTHONPATH's milai is used.
    command = [sys.executable, "-P", str(Path(__file__).resolve()), "--worker", str(tokens)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, check=True, timeout=limit
        )
    except subprocess.TimeoutExpired:
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), False
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["released"] != tokens:
        raise SystemExit(f"{tree}: released {result['released']} of {tokens} characters")
    return float(result["cpu_s"]), True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="1000,4000,16000,64000")
    parser.add_argument("--before", type=Path, help="another milai tree, timed alongside")
    parser.add_argument("--before-limit", type=float, default=900.0)
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        worker(args.worker)
        return
    sides = {"after": ROOT}
    if args.before is not None:
        sides["before"] = args.before.resolve()
    print(f"load average {os.getloadavg()[0]:.1f}; CPU µs per token, median of {args.runs}")
    print(f"{'tokens':>7} | " + " | ".join(f"{name:>12}" for name in sides) + " | ratio")
    for tokens in (int(size) for size in args.sizes.split(",")):
        times: dict[str, list[tuple[float, bool]]] = {name: [] for name in sides}
        for _ in range(args.runs):
            for name, tree in sides.items():
                limit = args.before_limit if name == "before" else 3600.0
                if any(not finished for _, finished in times[name]):
                    continue  # one run past the limit is enough to say so
                times[name].append(run(tree, tokens, limit))
        cells = []
        medians: dict[str, float] = {}
        stopped = False
        for name in sides:
            medians[name] = statistics.median(cpu for cpu, _ in times[name])
            cut = any(not finished for _, finished in times[name])
            stopped = stopped or cut
            cells.append(f"{'> ' if cut else ''}{medians[name] * 1e6 / tokens:>10.1f}".rjust(12))
        before, after = medians.get("before"), medians["after"]
        ratio = "" if before is None else f"{'> ' if stopped else ''}{before / after:.1f}x"
        print(f"{tokens:>7} | " + " | ".join(cells) + f" | {ratio}", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
