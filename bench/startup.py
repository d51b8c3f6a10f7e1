"""Start-up cost of short commands against ``python -c "import yaml"``, whole processes,
interleaved, medians (targets: ``milai --version`` ≤ 1.5x, a 1 KB ``milai check`` with a
vault, unlock and audit entry included, ≤ 2x).

Builds a throw-away vault (key file) in a temporary folder. Where the time goes:
``python -X importtime -m milai check FILE`` and ``python -m cProfile``.

    .venv/bin/python bench/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _time(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, stdin=subprocess.DEVNULL, capture_output=True, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        env = {**os.environ, "MILAI_HOME": str(root / "home"), "PYTHONPATH": str(ROOT)}
        subprocess.run(
            [python, "-m", "milai", "init", "--key-file", str(root / "key")],
            env=env,
            capture_output=True,
            check=True,
        )
        document = root / "doc.txt"
        document.write_text(("The meeting moved to Tuesday at ten. " * 30)[:1024])
        commands = {
            "import yaml": [python, "-c", "import yaml"],
            "milai --version": [python, "-m", "milai", "--version"],
            "milai --help": [python, "-m", "milai", "--help"],
            "milai check 1 KB": [python, "-m", "milai", "check", str(document)],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(_time(command, env))
    base = statistics.median(times["import yaml"])
    print(f"{args.runs} interleaved runs each, medians")
    targets = {"milai --version": 1.5, "milai check 1 KB": 2.0}
    for name, samples in times.items():
        median = statistics.median(samples)
        target = f"  (target <= {targets[name]}x)" if name in targets else ""
        print(f"{name:18} {median * 1000:8.1f} ms   ratio {median / base:6.2f}{target}")


if __name__ == "__main__":
    main()
