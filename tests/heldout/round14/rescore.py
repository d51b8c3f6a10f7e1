#!/usr/bin/env python3
"""Re-read RESULT json with manifest.json's current in_scope/reason flags and print
run_gate.py's summary again (no gate run). usage: rescore.py RESULT.json"""
import json
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCALE = ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET", "TOP SECRET"]
man = {r["file"]: r for r in json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))}
res = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
tot, bad = defaultdict(int), defaultdict(int)
inw, outw, evw = [], [], []
for r in res:
    r.update({k: man[r["file"]][k] for k in ("in_scope", "reason") if k in man[r["file"]]})
    tot[r["family"]] += 1
    if r["wrong"]:
        bad[r["family"]] += 1
        exp = r.get("expect_exactly") or r.get("expect_at_least")
        (evw if "expect_exactly" in r else inw if r.get("in_scope", True) else outw).append((r["file"], exp, r["got"]))
print("per family (wrong/total):")
for f in sorted(tot):
    print(f"  {f:32s} {bad[f]}/{tot[f]}")
print("\nin-scope attack misses:")
for x in inw:
    print("  ", *x)
print("\neveryday raised:")
for x in evw:
    print("  ", *x, "(out of scope)" if not man[x[0]].get("in_scope", True) else "")
print("\nout-of-scope misses:", ", ".join(f for f, _, _ in outw) or "none")
na = sum(1 for r in res if "expect_at_least" in r)
ni = sum(1 for r in res if "expect_at_least" in r and r.get("in_scope", True))
ne = len(res) - na
nei = sum(1 for r in res if "expect_exactly" in r and r.get("in_scope", True))
evin = sum(1 for f, _, _ in evw if man[f].get("in_scope", True))
print(f"\ntotals: attack {na} ({ni} in scope): in-scope misses {len(inw)}, out-of-scope misses {len(outw)}; "
      f"everyday {ne} ({nei} in scope): raised {len(evw)} ({evin} in scope)")
Path(sys.argv[1]).write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
