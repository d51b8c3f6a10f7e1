"""Run the round-9 probes through a tree's gate: python tests/heldout/round9/run_gate.py TREE [--json OUT]

Uses `TREE/.venv/bin/milai check DIR --json --policy P` (folder mode, one JSON line a file),
one folder per policy, under a throwaway MILAI_HOME. Prints per-family wrong counts, the
in-scope wrong list (file, expected, got), the false raises and totals.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCALE = ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET", "TOP SECRET"]
POLICIES = {"default": "policies/default.yaml", "ministry-codewords": "policies/ministry-codewords.yaml"}


def rank(level: str) -> int:
    return SCALE.index(level) if level in SCALE else -1


def run(tree: Path) -> dict[str, str]:
    manifest = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    got: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "MILAI_HOME": str(Path(tmp) / "home")}
        for pname, ppath in POLICIES.items():
            folder = Path(tmp) / pname
            folder.mkdir()
            names: dict[str, str] = {}
            for e in manifest:
                if e.get("policy", "default") != pname:
                    continue
                src = HERE / e["file"]
                dst = folder / src.name
                shutil.copyfile(src, dst)
                names[src.name] = e["file"]
            if not names:
                continue
            proc = subprocess.run(
                [str(tree / ".venv/bin/milai"), "check", str(folder), "--json", "--policy", str(tree / ppath)],
                capture_output=True, text=True, env=env, timeout=1800,
            )
            for line in proc.stdout.splitlines():
                row = json.loads(line)
                key = names.get(Path(row["path"]).name)
                if key is None:
                    continue
                got[key] = row.get("level") or f"ERROR {row.get('error')}"
            if proc.returncode not in (0, 3):
                print(f"milai exit {proc.returncode}: {proc.stderr.strip()[:400]}", file=sys.stderr)
    return got


def main() -> int:
    tree = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HERE.parent.parent
    out = sys.argv[sys.argv.index("--json") + 1] if "--json" in sys.argv else None
    manifest = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    got = run(tree)
    fam: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses, oos, raises = [], [], []
    for e in manifest:
        level = got.get(e["file"], "MISSING")
        fam[e["family"]][0] += 1
        if "expect_at_least" in e:
            wrong = rank(level) < rank(e["expect_at_least"])
            if wrong:
                (misses if e["in_scope"] else oos).append((e["file"], e["expect_at_least"], level))
        else:
            wrong = level != "UNCLASSIFIED"
            if wrong:
                raises.append((e["file"], "UNCLASSIFIED", level))
        if wrong:
            fam[e["family"]][1] += 1
    print("family                          tried wrong")
    for f in sorted(fam):
        t, w = fam[f]
        print(f"  {f:30s} {t:4d} {w:4d}{'  <--' if w else ''}")
    print("\nin-scope misses (file, expected at least, got):")
    for m in misses:
        print("  %s  %s  %s" % m)
    print("\nout-of-scope misses (documented):")
    for m in oos:
        print("  %s  %s  %s" % m)
    print("\nfalse raises (file, expected, got):")
    for m in raises:
        print("  %s  %s  %s" % m)
    na = sum(1 for e in manifest if "expect_at_least" in e)
    nin = sum(1 for e in manifest if "expect_at_least" in e and e["in_scope"])
    print(f"\nattack: {na} ({nin} in scope): {len(misses)} in-scope misses, {len(oos)} out-of-scope misses")
    print(f"everyday: {len(manifest) - na}: {len(raises)} false raises")
    if out:
        Path(out).write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 1 if misses or raises else 0


if __name__ == "__main__":
    raise SystemExit(main())
