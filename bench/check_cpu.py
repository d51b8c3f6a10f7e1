"""``check_stream``'s CPU time on the bench's mixed document, tree against tree.

Each run is a fresh process that puts one milai tree first on ``sys.path``, loads the
default policy, warms it (a 200 KB check of the same document's start, so every pattern a
long text needs is compiled), then times ``check_stream`` over the whole document in
1 MiB chunks (``time.process_time``: user + system CPU of the process, which a loaded
machine disturbs less than wall time). Trees alternate run by run; medians and the ratio
of the medians are printed. ``--units`` also times each unit's ``scan`` (one process a
tree, after the timed run: the timers' own cost is in those figures, not in the CPU one).

    .venv/bin/python bench/check_cpu.py --trees BEFORE_DIR . [--runs 3] [--size-mb 10]

A tree is a milai checkout or ``git archive`` (e.g. ``git archive main | tar -x -C DIR``).
The document is built once by ``check_throughput.build_document`` (seed 2025) in a
temporary folder and shared by every run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHUNK = 1 << 20


def worker(tree: Path, document: Path, units: bool) -> None:
    """One measured run in this process: prints a JSON line."""
    sys.path.insert(0, str(tree))
    import time
    from collections import defaultdict

    from milai.policy import check_stream, load_policy

    def chunks() -> object:
        with document.open(encoding="utf-8") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk

    policy = load_policy(tree / "policies" / "default.yaml")
    with document.open(encoding="utf-8") as handle:
        check_stream(policy, (handle.read(200_000),))
    start = time.process_time()
    decision = check_stream(policy, chunks())  # type: ignore[arg-type]
    cpu = time.process_time() - start
    result: dict[str, object] = {"cpu_s": cpu, "findings": len(decision.findings)}
    if units:
        spent: dict[str, float] = defaultdict(float)
        for unit in policy.engine.units:
            cls = type(unit)
            if getattr(cls.scan, "_timed", False):
                continue
            original = cls.scan

            def timed(
                self: object, scanner: object, state: object, final: bool, _o: Any = original
            ) -> None:
                t0 = time.process_time()
                try:
                    _o(self, scanner, state, final)
                finally:
                    spent[type(self).__name__] += time.process_time() - t0

            timed._timed = True  # type: ignore[attr-defined]
            cls.scan = timed  # type: ignore[method-assign]
        start = time.process_time()
        check_stream(policy, chunks())  # type: ignore[arg-type]
        result["units_total_s"] = time.process_time() - start
        result["units"] = dict(sorted(spent.items(), key=lambda kv: -kv[1]))
    print(json.dumps(result))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trees", nargs="+", type=Path, default=[ROOT])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size-mb", type=float, default=10.0)
    parser.add_argument("--units", action="store_true", help="also time each unit's scan")
    parser.add_argument("--worker", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--document", type=Path, help="check this file instead")
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0].resolve(), args.worker[1], args.units)
        return 0
    sys.path.insert(0, str(ROOT))
    from bench.check_throughput import build_document

    trees = [tree.resolve() for tree in args.trees]
    with tempfile.TemporaryDirectory(prefix="milai-bench-") as tmp:
        document = args.document
        if document is None:
            document = Path(tmp) / "document.txt"
            build_document(document, int(args.size_mb * 1_000_000))
        mb = document.stat().st_size / 1e6
        print(f"document {mb:.2f} MB, {args.runs} interleaved runs per tree")
        cpu: dict[Path, list[float]] = {tree: [] for tree in trees}
        for run in range(args.runs):
            for tree in trees:
                command = [sys.executable, __file__, "--worker", str(tree), str(document)]
                if args.units and run == 0:
                    command.append("--units")
                out = subprocess.run(command, check=True, capture_output=True, text=True)
                result = json.loads(out.stdout.strip().splitlines()[-1])
                cpu[tree].append(result["cpu_s"])
                print(
                    f"  run {run + 1} {tree}: {result['cpu_s']:.3f} s CPU, "
                    f"{result['findings']} findings",
                    flush=True,
                )
                if "units" in result:
                    for name, seconds in result["units"].items():
                        print(f"      {name:24s} {seconds:7.3f} s")
                    print(f"      {'(all, timed)':24s} {result['units_total_s']:7.3f} s")
        first = statistics.median(cpu[trees[0]])
        for tree in trees:
            median = statistics.median(cpu[tree])
            print(
                f"{tree}: median {median:.3f} s CPU ({mb / median:.2f} MB/s), "
                f"{first / median:.2f}x the first tree's speed"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
