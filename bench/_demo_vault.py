"""What the whole-process benchmarks share: a throwaway vault holding the demo model, and
the wall time of one process.

Imported as ``bench._demo_vault`` (the editable install puts the repository on the path).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DemoVault:
    """A fresh vault in a temporary folder with the demo GGUF imported as ``demo``."""

    work: Path  # scratch folder for the benchmark's own files
    env: dict[str, str]  # MILAI_HOME points at the vault
    model: str  # the plaintext demo GGUF, for the raw llama-cpp-python side
    threads: int
    milai: tuple[str, ...] = (sys.executable, "-m", "milai")


def demo_vault(threads: int = 0) -> DemoVault:
    """Create the vault (``threads`` 0: milai's default). Raises ``CalledProcessError``."""
    from milai.engine import physical_cores
    from milai.vault import demo_model_path

    model = str(demo_model_path())
    work = Path(tempfile.mkdtemp(prefix="milai-bench-"))
    env = {**os.environ, "MILAI_HOME": str(work / "home")}
    # An installed milai has its bytecode compiled; so does llama_cpp in site-packages.
    # Let both sides write and reuse .pyc files, as on a user's machine.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    vault = DemoVault(work, env, model, threads or physical_cores())
    key_file = str(work / "key")
    timed([*vault.milai, "init", "--key-file", key_file], env)
    timed(
        [*vault.milai, "model", "import", model, "--name", "demo", "--level", "UNCLASSIFIED"], env
    )
    return vault


def timed(
    command: list[str], env: dict[str, str]
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run ``command`` to completion (stdin empty, output captured); return its wall time in
    seconds and the result. Raises ``CalledProcessError`` when it fails."""
    started = time.perf_counter()
    result = subprocess.run(
        command, capture_output=True, text=True, env=env, check=True, stdin=subprocess.DEVNULL
    )
    return time.perf_counter() - started, result
