"""What the spent rounds' ``run_stream.py`` share (rounds 10 and 11): feed the attack probes
the gate caught through a gated generation as the model's OUTPUT.

Each round's script names its probes folder and which rows of its ``run_gate.py --json``
output were caught (the rows' shapes differ by round) and calls ``main``; its command line is
the round's: ``python tests/heldout/roundN/run_stream.py TREE GOT.json [--limit N]``.

For each caught attack probe, a child process of TREE/.venv/bin/python builds milai's
Pipeline around a scripted engine (the mechanism of tests/fakes.py, written out here: no
import from tests/) that yields the probe as small tokens, and runs one turn in two modes:

- stream: model accredited UNCLASSIFIED, clearance and output level UNCLASSIFIED (the
  output gate streams);
- held: model accredited SECRET, clearance SECRET, output level UNCLASSIFIED (the output is
  held until complete).

What reached the emit callback (stdout) is then read whole by `milai check --json`; a leak
is emitted text whose level is above UNCLASSIFIED. This process imports nothing from TREE.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

SCALE = ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET", "TOP SECRET"]

CHILD = r"""
import json, re, sys
from contextlib import contextmanager
from milai.engine import SamplingParams, Timings, Usage
from milai.errors import Blocked, MilaiError
from milai.pipeline import Pipeline
from milai.policy import load_policy

jobs = json.load(open(sys.argv[1], encoding="utf-8"))

def tokens(text):
    out = []
    for piece in re.findall(r"\s+|\w+|[^\w\s]", text):
        while len(piece) > 3:
            out.append(piece[:3]); piece = piece[3:]
        out.append(piece)
    return out

class Engine:
    def __init__(self, chunks):
        self.chunks = chunks
        self.usage = Usage(prompt_tokens=1)
        self.timings = Timings()
    def generate(self, messages, params):
        for c in self.chunks:
            yield c
        self.usage = Usage(prompt_tokens=1, completion_tokens=len(self.chunks))
    def close(self):
        pass

class Model:
    def __init__(self, level):
        self.name = "fake"; self.sha256 = "ab" * 32; self.level = level

class Models:
    def __init__(self, level):
        self.level = level
    def model(self, name):
        return Model(self.level)
    @contextmanager
    def open_model(self, name):
        yield "/proc/self/fd/fake"

class Audit:
    def preflight(self): pass
    def started(self, event): pass
    def record(self, event): pass

results = []
policies = {}
for job in jobs:
    pol = policies.setdefault(job["policy"], load_policy(job["policy"]))
    text = open(job["path"], encoding="utf-8").read()
    row = {"file": job["file"]}
    modes = (("stream", "UNCLASSIFIED", "UNCLASSIFIED"), ("held", "SECRET", "SECRET"))
    for mode, model_level, clearance in modes:
        engine = Engine(tokens(text))
        out = []
        pipe = Pipeline(policy=pol, models=Models(model_level), audit=Audit(),
                        load=lambda p, o, e=engine: e)
        try:
            res = pipe.run("Write it out.", model_name="fake", clearance=clearance,
                           params=SamplingParams(max_tokens=100000), emit=out.append,
                           out_level="UNCLASSIFIED")
            outcome = str(getattr(res, "decision", "")) or "done"
        except Blocked as exc:
            outcome = "blocked"
        except MilaiError as exc:
            outcome = "error: " + str(exc)[:120]
        row[mode] = {"emitted": "".join(out), "outcome": outcome}
    results.append(row)
json.dump(results, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
"""


def main(here: Path, name: str, caught: Callable[[dict[str, Any]], str | None]) -> None:
    """Run round ``name``'s caught probes (under ``here``); ``caught``: the policy (its file's
    stem) a row of ``run_gate.py --json`` was caught under, None for a row not caught."""
    ap = argparse.ArgumentParser(prog=f"tests/heldout/{name}/run_stream.py")
    ap.add_argument("tree")
    ap.add_argument("got")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    tree = Path(args.tree).resolve()
    got = json.loads(Path(args.got).read_text(encoding="utf-8"))
    policies = {
        "default": str(tree / "policies" / "default.yaml"),
        "ministry-codewords": str(tree / "policies" / "ministry-codewords.yaml"),
    }
    jobs = []
    skipped: list[str] = []
    for r in got:
        pol = caught(r)
        if pol is None:
            continue
        try:  # a binary document (docx, pdf) is no model output: it cannot stream as text
            (here / r["file"]).read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            skipped.append(r["file"])
            continue
        jobs.append(
            {
                "file": r["file"],
                "path": str(here / r["file"]),
                "policy": policies[pol],
                "pol": pol,
            }
        )
    if args.limit:
        jobs = jobs[: args.limit]
    with tempfile.TemporaryDirectory(prefix=f"{name}s-") as tmp:
        jf, rf = Path(tmp) / "jobs.json", Path(tmp) / "res.json"
        jf.write_text(json.dumps(jobs), encoding="utf-8")
        proc = subprocess.run(
            [str(tree / ".venv" / "bin" / "python"), "-c", CHILD, str(jf), str(rf)],
            capture_output=True,
            text=True,
            cwd=tmp,
            timeout=3600,
        )
        if proc.returncode != 0:
            print(proc.stderr[-2000:], file=sys.stderr)
            sys.exit(2)
        results = json.loads(rf.read_text(encoding="utf-8"))
        # read what was emitted, whole, with the same policy
        leaks = []
        pol_of = {j["file"]: j["pol"] for j in jobs}
        for pol in ("default", "ministry-codewords"):
            d = Path(tmp) / pol
            d.mkdir()
            keys = {}
            for i, row in enumerate(results):
                if pol_of[row["file"]] != pol:
                    continue
                for mode in ("stream", "held"):
                    name = f"{i:04d}-{mode}.txt"
                    (d / name).write_text(row[mode]["emitted"], encoding="utf-8")
                    keys[name] = (row, mode)
            if not keys:
                continue
            cmd = [str(tree / ".venv" / "bin" / "milai"), "check", str(d), "--json"]
            if pol != "default":
                cmd[3:3] = ["--policy", policies[pol]]
            out = subprocess.run(cmd, capture_output=True, text=True).stdout
            for line in out.splitlines():
                o = json.loads(line)
                row, mode = keys[Path(o["path"]).name]
                row[mode]["emitted_level"] = o["level"]
                if SCALE.index(o["level"]) > 0 or o["decision"] == "block":
                    leaks.append(
                        (
                            row["file"],
                            mode,
                            o["level"],
                            row[mode]["outcome"],
                            row[mode]["emitted"][:80],
                        )
                    )
    print(
        f"{len(results)} caught attack probes fed as output, two modes each"
        f" ({len(skipped)} binary documents skipped: {', '.join(skipped) or 'none'})"
    )
    errors = [
        (r["file"], m, r[m]["outcome"])
        for r in results
        for m in ("stream", "held")
        if r[m]["outcome"].startswith("error")
    ]
    for f, m, o in errors:
        print(f"  error {f} [{m}]: {o}")
    for m in ("stream", "held"):
        outs: dict[str, int] = {}
        for r in results:
            outs[r[m]["outcome"][:40]] = outs.get(r[m]["outcome"][:40], 0) + 1
        empty = sum(1 for r in results if not r[m]["emitted"])
        print(f"  {m}: outcomes {outs}; emitted nothing: {empty}")
    print(f"leaks (emitted text read above UNCLASSIFIED): {len(leaks)}")
    for f, m, lvl, outcome, txt in leaks:
        print(f"  {f} [{m}] emitted reads {lvl} (outcome {outcome}): {txt!r}")


def caught_by_gate_runner(row: dict[str, Any]) -> str | None:
    """A row of ../gate_runner.py's --json caught: attack rows carry expect_at_least, and
    wrong when missed; a policy is named by its path in the tree (none: the default)."""
    if "expect_at_least" not in row or row.get("wrong", True):
        return None
    return Path(row.get("policy") or "default").stem


def run_round(script: str) -> None:
    """``main`` for the round whose ``run_stream.py`` is ``script`` (its folder names it),
    its probes read by ../gate_runner.py."""
    here = Path(script).resolve().parent
    main(here, here.name, caught_by_gate_runner)
