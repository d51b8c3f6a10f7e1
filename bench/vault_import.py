"""Vault import throughput and memory on synthetic GGUF-shaped files.

For each size, a fresh process creates a vault and imports the file (source already in the
page cache), then reports seconds, throughput and its peak RSS (VmHWM). Three targets:
``pipeline`` (read, SHA-256 and Cobblestone-256 with the sealed output thrown away: the
vault's own cost), ``tmpfs`` (a vault in /dev/shm: plus writing the file) and ``disk`` (a
vault in the temp dir's file system, fsync-ed: what a user gets, bounded by the disk).
Targets: >= 1 GB/s on >= 1 GiB; peak RSS the same at 256 MiB and 1 GiB (constant memory).

    .venv/bin/python bench/vault_import.py [--sizes 256,1024] [--runs 5]
        [--homes pipeline,tmpfs,disk]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

MIB = 1024 * 1024

PIPELINE_CHILD = r"""
import json, os, sys, time
from milai.vault.container import ModelKeys, ModelManifest, write_model
source = sys.argv[1]
size = os.path.getsize(source)
keys = ModelKeys(os.urandom(32), os.urandom(32))
draft = ModelManifest("bench", size, "", "llama", "Q4_K_M", "UNCLASSIFIED", "", False)
with open(source, "rb") as src, open(os.devnull, "wb") as out:
    start = time.perf_counter()
    write_model(src.fileno(), out.fileno(), draft, keys)
    seconds = time.perf_counter() - start
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
print(json.dumps({"seconds": seconds, "size": size,
                  "peak_rss_kib": int(status["VmHWM"].split()[0])}))
"""

CHILD = r"""
import json, sys, time
from pathlib import Path
from milai.vault import KeySource, Vault
home, key_file, source = map(Path, sys.argv[1:4])
vault = Vault.create(home, KeySource(key_file=key_file))
start = time.perf_counter()
manifest = vault.import_model(source, name="bench", level="UNCLASSIFIED")
seconds = time.perf_counter() - start
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
print(json.dumps({"seconds": seconds, "size": manifest.size,
                  "peak_rss_kib": int(status["VmHWM"].split()[0])}))
"""


def synthetic_gguf_header() -> bytes:
    """A valid GGUF v3 header (a llama model, Q4_K_M) with no tensors."""

    def string(value: bytes) -> bytes:
        return struct.pack("<Q", len(value)) + value

    pairs = [
        string(b"general.architecture") + struct.pack("<I", 8) + string(b"llama"),
        string(b"general.file_type") + struct.pack("<II", 4, 15),
    ]
    return b"GGUF" + struct.pack("<IQQ", 3, 1, len(pairs)) + b"".join(pairs)


def write_synthetic_gguf(path: Path, size: int) -> None:
    """A valid GGUF v3 header, then incompressible filler up to ``size`` bytes."""
    header = synthetic_gguf_header()
    block = os.urandom(16 * MIB)
    with path.open("wb") as out:
        out.write(header)
        remaining = size - len(header)
        while remaining > 0:
            piece = block[: min(len(block), remaining)]
            out.write(piece)
            remaining -= len(piece)


def warm(path: Path) -> None:
    with path.open("rb") as handle:
        while handle.read(16 * MIB):
            pass


def run_once(home_root: Path | None, source: Path) -> dict[str, float]:
    if home_root is None:
        result = subprocess.run(
            [sys.executable, "-c", PIPELINE_CHILD, str(source)],
            capture_output=True,
            text=True,
            check=True,
        )
        pipeline: dict[str, float] = json.loads(result.stdout)
        return pipeline
    with tempfile.TemporaryDirectory(dir=home_root) as folder:
        home = Path(folder) / "home"
        result = subprocess.run(
            [sys.executable, "-c", CHILD, str(home), str(Path(folder) / "key"), str(source)],
            capture_output=True,
            text=True,
            check=True,
        )
    measured: dict[str, float] = json.loads(result.stdout)
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="256,1024", help="MiB, comma-separated")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--homes", default="pipeline,tmpfs,disk")
    args = parser.parse_args()
    roots: dict[str, Path | None] = {
        "disk": Path(tempfile.gettempdir()),
        "tmpfs": Path("/dev/shm"),
        "pipeline": None,
    }
    with tempfile.TemporaryDirectory() as folder:
        for size_mib in (int(size) for size in args.sizes.split(",")):
            source = Path(folder) / f"synthetic-{size_mib}.gguf"
            write_synthetic_gguf(source, size_mib * MIB)
            os.sync()  # the source's own write-back must not be timed
            for home in args.homes.split(","):
                runs = []
                for _ in range(args.runs):
                    warm(source)
                    runs.append(run_once(roots[home], source))
                seconds = statistics.median(run["seconds"] for run in runs)
                print(
                    json.dumps(
                        {
                            "size_mib": size_mib,
                            "home": home,
                            "median_s": round(seconds, 3),
                            "gb_per_s": round(size_mib * MIB / seconds / 1e9, 2),
                            "peak_rss_mib": round(
                                max(run["peak_rss_kib"] for run in runs) / 1024, 1
                            ),
                            "runs": args.runs,
                        }
                    ),
                    flush=True,
                )
            source.unlink()


if __name__ == "__main__":
    main()
