"""Start-up cost of short commands against ``python -c "import yaml"``, whole processes,
interleaved, medians (targets: ``milai --version`` ≤ 1.5x, a 1 KB ``milai check`` with a
vault, unlock and audit entry included, ≤ 2x).

Builds a throw-away vault (key file) in a temporary folder. Every process keeps its
bytecode in one cache folder there (``PYTHONPYCACHEPREFIX``, even where the caller set
``PYTHONDONTWRITEBYTECODE``), filled by a first round that is not counted: an installed
milai runs from bytecode, as ``yaml`` does, and compiling the sources at each call would
be measured instead. ``--baseline-tree DIR`` (e.g. ``git archive main | tar -x -C DIR``)
also times that tree's ``milai check`` in the same interleaved runs. Where the time goes:
``python -X importtime -m milai check FILE`` and ``python -m cProfile``.

    .venv/bin/python bench/startup.py [--runs 15] [--baseline-tree DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The third-party modules a ``milai check`` with a vault imports (typer, yaml, the parts of
# cryptography that unlock the vault and seal the audit entry).
DEPENDENCIES = (
    "import typer, yaml, cryptography.cobblestone, cryptography.hazmat.primitives.hpke, "
    "cryptography.hazmat.primitives.ciphers.aead, cryptography.hazmat.primitives.kdf.hkdf, "
    "cryptography.hazmat.primitives.kdf.argon2, "
    "cryptography.hazmat.primitives.asymmetric.ed25519, "
    "cryptography.hazmat.backends.openssl.backend"
)


def vault_home(root: Path) -> tuple[dict[str, str], Path]:
    """A milai home with a vault under ``root`` (its key in a file), the environment that
    runs this tree's milai in it, and a 1 KB everyday document to check."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "MILAI_HOME": str(root / "home"),
        "PYTHONPATH": str(ROOT),
        "PYTHONPYCACHEPREFIX": str(root / "pycache"),
    }
    subprocess.run(
        [sys.executable, "-m", "milai", "init", "--key-file", str(root / "key")],
        env=env,
        capture_output=True,
        check=True,
        cwd="/",
    )
    document = root / "doc.txt"
    document.write_text(("The meeting moved to Tuesday at ten. " * 30)[:1024])
    return env, document


def _time(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``command``. On a loaded machine
    the CPU time is the steadier figure: the wall time also counts waiting for a core."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    # Run from the file system root: ``python -m`` puts the working folder first on the path,
    # so run from a milai checkout it would import that checkout, not PYTHONPATH's tree
    # (a baseline tree would silently time this one).
    subprocess.run(
        command, env=env, stdin=subprocess.DEVNULL, capture_output=True, check=True, cwd="/"
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--baseline-tree", type=Path, help="another milai tree to time")
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        env, document = vault_home(root)
        # Everyday lines that start with a word that starts with a marking word.
        worded = root / "worded.txt"
        worded.write_text(
            (
                "Secretary of State Jones met the committee on Tuesday.\n"
                "Geheimdienst und Polizei haben sich am Montag getroffen.\n"
                "Confidentiality of the minutes was discussed at length.\n"
            )
            * 6
        )
        commands = {
            "import yaml": [python, "-c", "import yaml"],
            # What a check with a vault imports from its dependencies alone, before any of
            # milai's own code: the floor under its figure.
            "import typer": [python, "-c", "import typer"],
            "deps only": [python, "-c", DEPENDENCIES],
            "milai --version": [python, "-m", "milai", "--version"],
            "milai --help": [python, "-m", "milai", "--help"],
            "milai check 1 KB": [python, "-m", "milai", "check", str(document)],
            "check Secretary...": [python, "-m", "milai", "check", str(worded)],
        }
        envs = dict.fromkeys(commands, env)
        if args.baseline_tree is not None:
            name = "baseline tree check"
            commands[name] = commands["milai check 1 KB"]
            envs[name] = {**env, "PYTHONPATH": str(args.baseline_tree.resolve())}
            name = "baseline Secretary..."
            commands[name] = commands["check Secretary..."]
            envs[name] = {**env, "PYTHONPATH": str(args.baseline_tree.resolve())}
        for name, command in commands.items():  # fills the bytecode cache
            _time(command, envs[name])
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(_time(command, envs[name]))
    wall_base = statistics.median(wall for wall, _ in times["import yaml"])
    cpu_base = statistics.median(cpu for _, cpu in times["import yaml"])
    print(f"{args.runs} interleaved runs each, medians (wall, then CPU user + system)")
    targets = {"milai --version": 1.5, "milai check 1 KB": 2.0, "baseline tree check": 2.0}
    targets |= {"check Secretary...": 2.0, "baseline Secretary...": 2.0}
    for name, samples in times.items():
        wall = statistics.median(wall for wall, _ in samples)
        cpu = statistics.median(cpu for _, cpu in samples)
        target = f"  (target <= {targets[name]}x)" if name in targets else ""
        print(
            f"{name:20} wall {wall * 1000:7.1f} ms  ratio {wall / wall_base:5.2f}   "
            f"cpu {cpu * 1000:7.1f} ms  ratio {cpu / cpu_base:5.2f}{target}"
        )


if __name__ == "__main__":
    main()
