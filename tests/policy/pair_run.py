"""The exhaustive pair run for some families: every composable pair that holds one of the
named families (``compatible`` in families.py), on every marking both apply to, read by
the shipped policies; prints each miss that ``KNOWN_MISSES`` does not name.

Run from the repository root, on as many processes as the machine spares:

    python -m tests.policy.pair_run built-joins doc-keyword --jobs 2

``pytest -m exhaustive tests/policy`` runs every pair on one process; with
``MILAI_PAIRS_WITH=built-joins,doc-keyword`` it runs these pairs only. Exit status: 0 when
every case is caught or a known miss, 1 on any other miss, 2 on an unknown family.
"""

from __future__ import annotations

import argparse
import sys
from multiprocessing import Pool

from tests.levels import reads_at_least
from tests.policy.families import BY_NAME, known_miss, pair_cases, pairs_with, shipped_policy


def _run(job: tuple[int, frozenset[tuple[str, str]]]) -> tuple[int, int, list[str]]:
    """(cases, known misses, other misses) of these pairs under ``seed``."""
    seed, only = job
    cases = pair_cases(seed, per_pair=None, only=set(only))
    known = 0
    misses = []
    for case in cases:
        if reads_at_least(shipped_policy(case.target.policy), case.text, case.target.level):
            continue
        if known_miss(case.families) is not None:
            known += 1
        else:
            misses.append(f"{case.id}: {case.text[:200]!r}")
    return len(cases), known, misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.policy.pair_run")
    parser.add_argument("families", nargs="+", help="the families whose pairs to run")
    parser.add_argument("--jobs", type=int, default=1, help="processes (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="the generators' seed (default 0)")
    args = parser.parse_args(argv)
    unknown = [name for name in args.families if name not in BY_NAME]
    if unknown:
        print(f"pair_run: no such family: {', '.join(unknown)}", file=sys.stderr)
        return 2
    chosen = sorted(pairs_with(set(args.families)))
    jobs = [(args.seed, frozenset(chosen[i :: args.jobs * 8])) for i in range(args.jobs * 8)]
    with Pool(args.jobs) as pool:
        results = pool.map(_run, jobs)
    total = sum(r[0] for r in results)
    known = sum(r[1] for r in results)
    misses = sorted(miss for r in results for miss in r[2])
    for miss in misses:
        print(miss)
    print(f"{len(chosen)} pairs, {total} cases: {known} known misses, {len(misses)} other misses")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
