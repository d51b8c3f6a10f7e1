"""Do two milai trees find the same things? Every finding (rule, kind, level, action,
span, detail) of both shipped policies, tree against tree, on:

* the bench's mixed documents (``check_throughput.build_document``: 10 MB seed 2025 and
  2 MB seed 7), streamed in chunks of 1 MiB and of 4,099 characters;
* the project's own sources and tests (code: brackets, quotes, escapes), in 1 MiB chunks;
* every evasion family applied to every marking it applies to, and every composable pair
  of families on one marking each (``tests/policy/families.py``: ``singles``,
  ``pair_cases``), each with its own policy, whole (``--stream``: also in 61-character
  chunks);
* the everyday corpus and the detection corpus's samples, with both policies, whole.

The texts are made once, here (this tree's generators), and each tree checks them in a
fresh process with that tree first on ``sys.path`` and its own ``policies/``. Prints the
number of checks and findings, and every check whose findings differ (exit 1), or
"identical" (exit 0).

    .venv/bin/python bench/findings_diff.py --before BEFORE_DIR [--after DIR] [--quick]

A tree is a checkout or a ``git archive`` (``git archive main | tar -x -C DIR``).
``--quick`` leaves out the 10 MB document and the pairs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ("default.yaml", "ministry-codewords.yaml")
MIB = 1 << 20


def _cases(folder: Path, quick: bool, stream: bool) -> Path:
    """Write the checks, one JSON line each: [id, policy, chunk size or 0, text]."""
    sys.path.insert(0, str(ROOT))
    from bench.check_throughput import build_document
    from tests.policy import families
    from tests.policy.corpus_report import CORPUS_DIR, everyday_documents

    out = folder / "cases.jsonl"
    with out.open("w", encoding="utf-8") as handle:

        def add(case_id: str, policy: str, chunk: int, text: str) -> None:
            handle.write(json.dumps([case_id, policy, chunk, text]) + "\n")

        documents = [("bench-2MB-seed7", 2_000_000, 7)]
        if not quick:
            documents.insert(0, ("bench-10MB", 10_000_000, 2025))
        for name, size, seed in documents:
            path = folder / f"{name}.txt"
            build_document(path, size, seed)
            text = path.read_text(encoding="utf-8")
            for policy in POLICIES:
                for chunk in (MIB, 4099):
                    add(f"{name}/{chunk}", policy, chunk, text)
        code = "".join(
            path.read_text(encoding="utf-8")
            for folder_name in ("milai", "tests", "bench")
            for path in sorted((ROOT / folder_name).rglob("*.py"))
        )
        for policy in POLICIES:
            add("sources", policy, MIB, code)
        cases = families.singles()
        if not quick:
            cases += families.pair_cases(0, per_pair=1)
        for n, case in enumerate(cases):
            case_id = f"family/{n}/{'+'.join(case.families)}/{case.target.id}"
            add(case_id, case.target.policy, 0, case.text)
            if stream:
                add(case_id + "/61", case.target.policy, 61, case.text)
        samples = [(doc_id, text) for doc_id, text in everyday_documents()]
        for path in sorted(CORPUS_DIR.glob("*.yaml")):
            import yaml

            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            for item in data.get("samples", []) if isinstance(data, dict) else []:
                if isinstance(item, dict) and isinstance(item.get("text"), str):
                    samples.append((f"{path.stem}/{item.get('id', '?')}", item["text"]))
        for doc_id, text in samples:
            for policy in POLICIES:
                add(f"corpus/{doc_id}", policy, 0, text)
    return out


def worker(tree: Path, cases: Path, dump: Path) -> None:
    """Check every case with ``tree``'s milai; one JSON line of findings per case."""
    sys.path.insert(0, str(tree))
    from milai.policy import check_stream, load_policy

    policies = {name: load_policy(tree / "policies" / name) for name in POLICIES}
    with cases.open(encoding="utf-8") as source, dump.open("w", encoding="utf-8") as out:
        for line in source:
            case_id, policy, chunk, text = json.loads(line)
            pieces = [text[i : i + chunk] for i in range(0, len(text), chunk)] if chunk else [text]
            decision = check_stream(policies[policy], pieces)
            findings = [
                [f.rule, f.kind, f.level, str(f.action), f.start, f.end, f.detail]
                for f in decision.findings
            ]
            out.write(json.dumps([case_id, policy, decision.level, findings]) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path)
    parser.add_argument("--after", type=Path, default=ROOT)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--stream", action="store_true")
    parser.add_argument("--jobs", type=int, default=1, choices=(1, 2))
    parser.add_argument("--worker", nargs=3, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0].resolve(), args.worker[1], args.worker[2])
        return 0
    if args.before is None:
        parser.error("--before DIR is required")
    with tempfile.TemporaryDirectory(prefix="milai-findings-") as tmp:
        folder = Path(tmp)
        cases = _cases(folder, args.quick, args.stream)
        dumps = {"before": folder / "before.jsonl", "after": folder / "after.jsonl"}
        trees = {"before": args.before.resolve(), "after": args.after.resolve()}
        commands = {
            name: [sys.executable, __file__, "--worker", str(trees[name]), str(cases), str(dump)]
            for name, dump in dumps.items()
        }
        if args.jobs == 2:
            running = [subprocess.Popen(command) for command in commands.values()]
            if any(process.wait() != 0 for process in running):
                return 2
        else:
            for command in commands.values():
                subprocess.run(command, check=True)
        with dumps["before"].open() as before, dumps["after"].open() as after:
            checks = findings = differ = 0
            for old, new in zip(before, after, strict=True):
                checks += 1
                findings += len(json.loads(new)[3])
                if old != new:
                    differ += 1
                    if differ <= 20:
                        print(f"DIFFERS: {old.strip()[:2000]}\n     vs: {new.strip()[:2000]}")
        print(f"{checks} checks, {findings} findings after; {differ} differ")
        print("identical" if differ == 0 else "NOT identical")
        return 0 if differ == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
