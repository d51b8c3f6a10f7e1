"""Where a 1 KB ``milai check`` with a vault spends its CPU, phase by phase, in fresh processes
(medians): the imports of the CLI, the policy, the vault, the audit log and the documents
reader; loading the policy; opening the vault; the audit entry; the scan itself; and what
creating dataclasses costs across all of them. ``--baseline-tree DIR`` times another milai
tree in the same interleaved runs.

Each process runs the real command (``python -m milai check FILE``) with timers wrapped
around the phases (CPU time, ``time.process_time``, from the first line of this script: the
interpreter's own start is not in "total"). Phases nest: an import made inside another
phase is counted in both ("of which"). Bytecode comes from a cache of its own, filled by an
uncounted first round, as in ``startup.py``.

    .venv/bin/python bench/startup_phases.py [--runs 9] [--baseline-tree DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.startup import vault_home  # noqa: E402  (the home and document of bench/startup.py)

# The child: the command under timers (run as ``python -c CHILD FILE``).
CHILD = r"""
import dataclasses, importlib.abc, importlib.util, json, runpy, sys, time

T = time.process_time
started = T()
spent = {}

def add(key, value):
    spent[key] = spent.get(key, 0.0) + value

def timed(function, key):
    def wrapper(*args, **kwargs):
        begin = T()
        try:
            return function(*args, **kwargs)
        finally:
            add(key, T() - begin)
    return wrapper

IMPORTS = {
    "milai.cli": "import milai.cli (typer, context, settings, unlock)",
    "typer": "  of which import typer",
    "milai.policy": "import milai.policy",
    "yaml": "  of which import yaml",
    "milai.vault.vault": "import milai.vault.vault (cryptography, key slots, state)",
    "milai.audit": "import milai.audit",
    "milai.documents": "import milai.documents",
}
CALLS = {
    "milai.policy.policy": [("load_policy", "load_policy (read, compile)")],
    "milai.vault.unlock": [("open_vault", "open the vault (imports included)")],
    "milai.policy": [("check_stream", "check_stream (the scan)")],
    "milai.cli.gate": [],
}

class Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name not in IMPORTS and name not in CALLS:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        run = spec.loader.exec_module

        def exec_module(module):
            begin = T()
            run(module)
            if name in IMPORTS:
                add(IMPORTS[name], T() - begin)
            for attribute, key in CALLS.get(name, ()):
                setattr(module, attribute, timed(getattr(module, attribute), key))
            if name == "milai.cli.gate":
                context = sys.modules["milai.context"].Context
                context.record = timed(context.record, "audit entry (audit import included)")

        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, Finder())
dataclasses._process_class = timed(dataclasses._process_class, "creating dataclasses (all)")
sys.argv = ["milai", "check", sys.argv[1]]
try:
    runpy.run_module("milai", run_name="__main__")
except SystemExit as exit_:
    if exit_.code not in (0, None):
        raise
spent["total in the process"] = T() - started
sys.stderr.write("PHASES " + json.dumps(spent) + "\n")
"""


# The rows in the order printed (the child's names).
ORDER = [
    "import milai.cli (typer, context, settings, unlock)",
    "  of which import typer",
    "import milai.policy",
    "  of which import yaml",
    "load_policy (read, compile)",
    "open the vault (imports included)",
    "import milai.vault.vault (cryptography, key slots, state)",
    "import milai.documents",
    "audit entry (audit import included)",
    "import milai.audit",
    "check_stream (the scan)",
    "creating dataclasses (all)",
    "total in the process",
]


def _phases(env: dict[str, str], document: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(document)],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=True,
        cwd="/",  # not a checkout's folder: ``-c`` puts it first on the path
    )
    line = next(x for x in done.stderr.splitlines() if x.startswith("PHASES "))
    phases: dict[str, float] = json.loads(line.removeprefix("PHASES "))
    return phases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--baseline-tree", type=Path, help="another milai tree to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env, document = vault_home(Path(folder))
        trees = {"this tree": env}
        if args.baseline_tree is not None:
            trees["baseline"] = {**env, "PYTHONPATH": str(args.baseline_tree.resolve())}
        for tree_env in trees.values():  # fills the bytecode cache
            _phases(tree_env, document)
        samples: dict[str, dict[str, list[float]]] = {name: {} for name in trees}
        for _ in range(args.runs):
            for name, tree_env in trees.items():
                for key, value in _phases(tree_env, document).items():
                    samples[name].setdefault(key, []).append(value)
    names = list(trees)
    print(f"{args.runs} interleaved runs each, CPU ms, medians")
    print(f"{'phase':60}" + "".join(f"{name:>12}" for name in names))
    found = [key for name in names for key in samples[name]]
    keys = sorted(dict.fromkeys(found), key=lambda key: ORDER.index(key) if key in ORDER else 99)
    for key in keys:
        cells = [samples[name].get(key) for name in names]
        row = "".join(
            f"{statistics.median(cell) * 1000:12.1f}" if cell else f"{'-':>12}" for cell in cells
        )
        print(f"{key:60}{row}")


if __name__ == "__main__":
    main()
