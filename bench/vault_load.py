"""Loading the encrypted demo model against the plaintext file, interleaved, medians.

  read plaintext      read the GGUF file into memory (page cache warm)
  open_model          decrypt into a sealed memfd, checking every chunk, the size and the
                      sha256 (what the vault adds before llama.cpp sees a byte)
  llama plaintext     llama_cpp.Llama(model_path=the plaintext file)
  llama encrypted     open_model + llama_cpp.Llama(model_path=/proc/self/fd/N)

The whole-process comparison (``milai run`` against raw llama-cpp-python, target <= 1.15x)
is bench/engine_overhead.py; this isolates the vault's share of it.

    .venv/bin/python bench/vault_load.py [--runs 9] [--no-llama]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from milai.vault import KeySource, Vault, demo_model_path

NAME = "smollm2-135m"


def timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--no-llama", action="store_true")
    args = parser.parse_args()
    source = demo_model_path()
    with_llama = not args.no_llama and importlib.util.find_spec("llama_cpp") is not None
    with tempfile.TemporaryDirectory() as folder:
        vault = Vault.create(Path(folder) / "home", KeySource(key_file=Path(folder) / "key"))
        vault.import_model(source, name=NAME, level="UNCLASSIFIED")

        def read_plaintext() -> None:
            source.read_bytes()

        def open_model() -> None:
            with vault.open_model(NAME):
                pass

        actions: dict[str, Callable[[], None]] = {
            "read plaintext": read_plaintext,
            "open_model": open_model,
        }
        if with_llama:
            import llama_cpp

            def llama_plaintext() -> None:
                llama_cpp.Llama(model_path=str(source), n_ctx=512, verbose=False).close()

            def llama_encrypted() -> None:
                with vault.open_model(NAME) as path:
                    llama_cpp.Llama(model_path=path, n_ctx=512, verbose=False).close()

            actions["llama plaintext"] = llama_plaintext
            actions["llama encrypted"] = llama_encrypted
        for action in actions.values():  # warm caches and imports
            action()
        times: dict[str, list[float]] = {name: [] for name in actions}
        for _ in range(args.runs):
            for name, action in actions.items():
                times[name].append(timed(action))
    medians = {name: statistics.median(values) for name, values in times.items()}
    report: dict[str, Any] = {
        "model": source.name,
        "bytes": source.stat().st_size,
        "runs": args.runs,
        "median_ms": {name: round(value * 1000, 1) for name, value in medians.items()},
        "open_model_ratio_to_read": round(medians["open_model"] / medians["read plaintext"], 2),
    }
    if with_llama:
        report["llama_load_ratio"] = round(
            medians["llama encrypted"] / medians["llama plaintext"], 2
        )
        report["llama_added_ms"] = round(
            (medians["llama encrypted"] - medians["llama plaintext"]) * 1000, 1
        )
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
