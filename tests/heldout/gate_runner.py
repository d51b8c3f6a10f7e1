"""Run a held-out round's probes through TREE's gate (rounds 11, 13 and 14 call it).

usage: tests/heldout/roundN/run_gate.py TREE [--json OUT] [--jobs N]

Runs TREE/.venv/bin/milai check --json over every probe in the round's manifest.json, with
the probe's policy (TREE/<policy>) when the manifest names one, and prints per-family wrong
counts, the in-scope wrong list (file, expected, got) and totals; an everyday row marked
``"in_scope": false`` (a raise README decides) is listed apart. It imports nothing from
TREE. Exit 0 always (a report, not a test); 2 on bad usage.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SCALE = ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET", "TOP SECRET"]


def check(here: Path, milai: Path, tree: Path, row: dict) -> str:
    cmd = [str(milai), "check", "--json"]
    if row.get("policy"):
        cmd += ["--policy", str(tree / row["policy"])]
    cmd.append(str(here / row["file"]))
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    except subprocess.TimeoutExpired:
        return "TIMEOUT"
    try:
        return str(json.loads(p.stdout.strip().splitlines()[-1])["level"])
    except (ValueError, IndexError, KeyError):
        err = (p.stderr.strip().splitlines() or ["?"])[-1]
        return f"ERROR(rc={p.returncode}: {err[:80]})"


def wrong(row: dict, got: str) -> bool:
    if got not in SCALE:
        return True
    if "expect_exactly" in row:
        return got != row["expect_exactly"]
    return SCALE.index(got) < SCALE.index(row["expect_at_least"])


def main(here: Path, name: str) -> int:
    ap = argparse.ArgumentParser(prog=f"tests/heldout/{name}/run_gate.py")
    ap.add_argument("tree")
    ap.add_argument("--json", dest="out")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    tree = Path(args.tree).resolve()
    milai = tree / ".venv" / "bin" / "milai"
    if not milai.exists():
        print(f"run_gate: no {milai}", file=sys.stderr)
        return 2
    rows = json.loads((here / "manifest.json").read_text(encoding="utf-8"))
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        gots = list(ex.map(lambda r: check(here, milai, tree, r), rows))
    fam_tot: dict[str, int] = defaultdict(int)
    fam_bad: dict[str, int] = defaultdict(int)
    results = []
    in_wrong, out_wrong, ev_wrong = [], [], []
    for row, got in zip(rows, gots, strict=True):
        bad = wrong(row, got)
        exp = row.get("expect_exactly") or row.get("expect_at_least")
        results.append({**row, "got": got, "wrong": bad})
        fam_tot[row["family"]] += 1
        if bad:
            fam_bad[row["family"]] += 1
            item = (row["file"], exp, got)
            if "expect_exactly" in row and row.get("in_scope", True):
                ev_wrong.append(item)
            elif "expect_exactly" in row:
                out_wrong.append(item)
            elif row.get("in_scope", True):
                in_wrong.append(item)
            else:
                out_wrong.append(item)
    print("per family (wrong/total):")
    for fam in sorted(fam_tot):
        print(f"  {fam:28s} {fam_bad[fam]}/{fam_tot[fam]}")
    print("\nin-scope attack misses (file, expected, got):")
    for f, x, g in in_wrong:
        print(f"  {f}  {x}  {g}")
    print("\neveryday raised (file, expected, got):")
    for f, x, g in ev_wrong:
        print(f"  {f}  {x}  {g}")
    out_files = ", ".join(f for f, _, _ in out_wrong) or "none"
    print("\nout of scope, wrong (README decides them):", out_files)
    n_att = sum(1 for r in rows if "expect_at_least" in r)
    n_in = sum(1 for r in rows if "expect_at_least" in r and r.get("in_scope", True))
    print(
        f"\ntotals: attack {n_att} ({n_in} in scope): in-scope misses {len(in_wrong)}, "
        f"out-of-scope misses {len(out_wrong)}; "
        f"everyday {len(rows) - n_att}: raised {len(ev_wrong)}"
    )
    if args.out:
        text = json.dumps(results, indent=1, ensure_ascii=False) + "\n"
        Path(args.out).write_text(text, encoding="utf-8")
    return 0


def run_round(script: str) -> int:
    """``main`` for the round whose ``run_gate.py`` is ``script`` (its folder names it)."""
    here = Path(script).resolve().parent
    return main(here, here.name)
