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


def run(tree: Path, tokens: int, limit: float) -> float | None:
    """CPU seconds of one run with ``tree``'s milai; None past ``limit`` seconds."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    # -P: the working folder is not put first on sys.path, so PYTHONPATH's milai is used.
    command = [sys.executable, "-P", str(Path(__file__).resolve()), "--worker", str(tokens)]
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, check=True, timeout=limit
        )
    except subprocess.TimeoutExpired:
        return None
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["released"] != tokens:
        raise SystemExit(f"{tree}: released {result['released']} of {tokens} characters")
    return float(result["cpu_s"])


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
        times: dict[str, list[float | None]] = {name: [] for name in sides}
        for _ in range(args.runs):
            for name, tree in sides.items():
                limit = args.before_limit if name == "before" else 3600.0
                if name == "before" and None in times[name]:
                    continue  # one run past the limit is enough to say so
                times[name].append(run(tree, tokens, limit))
        cells = []
        medians: dict[str, float | None] = {}
        for name in sides:
            measured = [t for t in times[name] if t is not None]
            if None in times[name]:
                medians[name] = None
                cells.append(f"> {args.before_limit * 1e6 / tokens:>9.0f}")
            else:
                medians[name] = statistics.median(measured)
                cells.append(f"{statistics.median(measured) * 1e6 / tokens:>12.1f}")
        before, after = medians.get("before"), medians["after"]
        if "before" not in sides:
            ratio = ""
        elif before is None:
            ratio = f"> {args.before_limit / after:.0f}x" if after else ""
        else:
            ratio = f"{before / after:.1f}x" if after else ""
        print(f"{tokens:>7} | " + " | ".join(cells) + f" | {ratio}", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
