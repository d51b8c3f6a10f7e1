"""Run a tree's gate over the round-10 probes and report what it got wrong.

Usage: python tests/heldout/round10/run_gate.py TREE [--json OUT]

Runs TREE/.venv/bin/milai check --json over the probes (one folder run per policy: the
default policy, or TREE/policies/ministry-codewords.yaml), compares each file's level with
manifest.json and prints per-family wrong counts, the in-scope wrong list and totals.
Imports nothing from TREE. Exit 0 always unless the gate could not be run (exit 2).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCALE = ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET", "TOP SECRET"]
POLICIES = {"default": None, "ministry-codewords": "policies/ministry-codewords.yaml"}


def run_policy(
    tree: Path, policy: str, rows: list[dict[str, object]]
) -> dict[str, dict[str, object]]:
    milai = tree / ".venv" / "bin" / "milai"
    got: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="rt10-") as tmp:
        names: dict[str, str] = {}
        for i, r in enumerate(rows):
            f = str(r["file"])
            local = f"{i:04d}.txt"
            shutil.copyfile(HERE / f, Path(tmp) / local)
            names[local] = f
        cmd = [str(milai), "check", tmp, "--json"]
        pol = POLICIES[policy]
        if pol is not None:
            cmd[3:3] = ["--policy", str(tree / pol)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)  # noqa: S603
        for line in proc.stdout.splitlines():
            line = line.strip()
            if not line.startswith("{"):
                continue
            obj = json.loads(line)
            p = str(obj.get("path", ""))
            key = names.get(Path(p).name)
            if key is not None:
                got[key] = obj
        if not got and proc.returncode not in (0, 3):
            print(
                f"gate failed (exit {proc.returncode}): {proc.stderr.strip()[:400]}",
                file=sys.stderr,
            )
            sys.exit(2)
    return got


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("tree")
    ap.add_argument("--json", dest="out")
    args = ap.parse_args()
    tree = Path(args.tree).resolve()
    manifest = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    results: dict[str, dict[str, object]] = {}
    for pol in POLICIES:
        rows = [r for r in manifest if r.get("policy", "default") == pol]
        if rows:
            results.update(run_policy(tree, pol, rows))
    fam_wrong: dict[str, list[int]] = {}
    wrong_in: list[tuple[str, str, str, str]] = []
    wrong_out: list[tuple[str, str, str, str]] = []
    out_rows = []
    totals = {"attack": [0, 0], "everyday": [0, 0], "attack_in_scope": [0, 0]}
    for r in manifest:
        f = str(r["file"])
        obj = results.get(f)
        level = str(obj["level"]) if obj else "ERROR"
        decision = str(obj.get("decision")) if obj else "error"
        exp = str(r["expect_at_least"])
        if r["kind"] == "attack":
            ok = level in SCALE and SCALE.index(level) >= SCALE.index(exp)
        else:
            ok = level == "UNCLASSIFIED"
        key = f"{r['kind']}:{r['family']}"
        fw = fam_wrong.setdefault(key, [0, 0])
        fw[1] += 1
        totals[str(r["kind"])][1] += 1
        if r["kind"] == "attack" and r["in_scope"]:
            totals["attack_in_scope"][1] += 1
        if not ok:
            fw[0] += 1
            totals[str(r["kind"])][0] += 1
            item = (f, exp if r["kind"] == "attack" else "UNCLASSIFIED", level, decision)
            if r["in_scope"]:
                wrong_in.append(item)
                if r["kind"] == "attack":
                    totals["attack_in_scope"][0] += 1
            else:
                wrong_out.append(item)
        out_rows.append(
            {
                **r,
                "got": level,
                "decision": decision,
                "ok": ok,
                "findings": obj.get("findings", []) if obj else [],
            }
        )
    print("per family (wrong/total):")
    for k in sorted(fam_wrong):
        w, n = fam_wrong[k]
        print(f"  {k:40s} {w:3d}/{n}")
    print("\nin-scope wrong (file, expected, got, decision):")
    for f, exp, got, dec in wrong_in:
        print(f"  {f}  expected {exp}  got {got} ({dec})")
    print("\nout-of-scope wrong (not counted as misses):")
    for f, exp, got, dec in wrong_out:
        print(f"  {f}  expected {exp}  got {got} ({dec})")
    print("\ntotals:")
    for k, (w, n) in totals.items():
        print(f"  {k}: {w} wrong of {n}")
    if args.out:
        Path(args.out).write_text(
            json.dumps(out_rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )


if __name__ == "__main__":
    main()
