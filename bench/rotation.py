"""Key rotation throughput, against raw Cobblestone-256, and the vault-state check's cost.

Rotation: a vault in the temp dir's file system holds one synthetic GGUF-shaped model of
``--size-mib`` (a valid header, then zeros: the source is sparse, throughput does not care)
and ``Vault.rotate_key()`` moves it to a new vault key ``--runs`` times: read, decrypt,
re-encrypt, write, fsync, rename, records re-encrypted too. Two figures beside it, in the
same run and interleaved with it: ``rekey`` (``container.rekey_model`` of the same file to
/dev/null: milai's own work, no disk writes) and ``raw`` (``cryptography.cobblestone``
decrypting and encrypting the same number of bytes in memory, 4 MiB at a time: the
library's ceiling). GB/s are medians; ratios are against ``raw``.

``disk`` is a fourth: writing and fsync-ing as many bytes to a new file on the same file
system (the write half of a rotation, which no cipher can make faster).

Vault-state check: ``Vault.open`` with a key file on a vault holding 2 models and each of
``--records`` counts of records, with and without ``Ledger.check`` (the manifest check every
command pays), ``--opens`` interleaved pairs, medians. Target: under 5 ms.

Disk: the model and its re-keyed copy need twice ``--size-mib``; with less than 20 GB free
the size drops to 1 GiB (said in the output). Everything is deleted at the end.

    .venv/bin/python bench/rotation.py [--size-mib 4096] [--runs 3] [--opens 40]
        [--records 0,100,400]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cryptography.cobblestone import Cobblestone256Decryptor, Cobblestone256Encryptor

from bench.vault_import import synthetic_gguf_header
from milai.vault import KeySource, Vault
from milai.vault.container import UnverifiedModelHeader, rekey_model
from milai.vault.state import Ledger

MIB = 1024 * 1024
GIB = 1024 * MIB
PIECE = 4 * MIB
FREE_NEEDED = 20 * 10**9


def write_sparse_gguf(path: Path, size: int) -> None:
    """A valid GGUF v3 header, then a hole up to ``size`` bytes (reads as zeros)."""
    with path.open("wb") as out:
        out.write(synthetic_gguf_header())
        out.truncate(size)


def raw_seconds(size: int) -> float:
    """Decrypt and encrypt ``size`` bytes with Cobblestone-256, as a re-key does, in memory.
    The ciphertext to decrypt is made by a third stream outside the timed part."""
    plain = memoryview(bytes(PIECE))
    old_key = os.urandom(32)
    source = Cobblestone256Encryptor(old_key, b"bench")
    decryptor = Cobblestone256Decryptor(old_key, b"bench")
    encryptor = Cobblestone256Encryptor(os.urandom(32), b"bench")
    sealed = bytearray(PIECE + PIECE // 1024 + 16456)
    opened = bytearray(len(sealed) + 16400)
    resealed = bytearray(len(opened) + len(opened) // 1024 + 16456)
    timed = 0.0
    done = 0
    while done < size:
        count = source.update_into(plain, sealed)
        start = time.perf_counter()
        got = decryptor.update_into(memoryview(sealed)[:count], opened)
        encryptor.update_into(memoryview(opened)[:got], resealed)
        timed += time.perf_counter() - start
        done += PIECE
    return timed


def rekey_seconds(vault: Vault, name: str) -> float:
    """``rekey_model`` of the vault's model file into /dev/null (no disk writes)."""
    path = vault.model_file(name)
    keys = vault._model_keys
    fd = os.open(path, os.O_RDONLY)
    try:
        header = UnverifiedModelHeader.read(fd).authenticate(keys)
        with open(os.devnull, "wb") as sink:
            start = time.perf_counter()
            rekey_model(fd, header, keys, sink.fileno(), keys)
            return time.perf_counter() - start
    finally:
        os.close(fd)


def disk_seconds(folder: Path, size: int) -> float:
    """Write ``size`` bytes to a new file in ``folder`` and fsync it: the disk's part of a
    rotation, which writes the re-keyed model beside the old one."""
    piece = os.urandom(PIECE)
    target = folder / "disk-baseline"
    os.sync()
    start = time.perf_counter()
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        for _ in range(size // PIECE):
            os.write(fd, piece)
        os.fsync(fd)
    finally:
        os.close(fd)
    seconds = time.perf_counter() - start
    target.unlink()
    return seconds


def rotate_seconds(home: Path, key: KeySource) -> float:
    vault = Vault.open(home, key)
    os.sync()  # the previous run's write-back must not be timed
    start = time.perf_counter()
    vault.rotate_key()
    return time.perf_counter() - start


def warm(path: Path) -> None:
    with path.open("rb") as handle:
        while handle.read(16 * MIB):
            pass


def _no_check(self: Ledger, *, full: bool = False) -> None:
    pass


def open_ms(home: Path, key: KeySource, *, check: bool) -> float:
    original = Ledger.check
    if not check:
        Ledger.check = _no_check  # type: ignore[method-assign]
    try:
        start = time.perf_counter()
        Vault.open(home, key)
        return (time.perf_counter() - start) * 1000
    finally:
        Ledger.check = original  # type: ignore[method-assign]


def median_of(runs: list[float]) -> float:
    return statistics.median(runs)


def bench_rotation(root: Path, size: int, runs: int) -> dict[str, object]:
    home, key_file, source = root / "home", root / "bench.key", root / "model.gguf"
    key = KeySource(key_file=key_file)
    write_sparse_gguf(source, size)
    vault = Vault.create(home, key)
    vault.import_model(source, name="bench", level="UNCLASSIFIED")
    source.unlink()
    vault.records.put("settings", "main", b"{}")
    measured: dict[str, list[float]] = {"raw": [], "rekey": [], "disk": [], "rotate": []}
    steps: list[tuple[str, Callable[[], float]]] = [
        ("raw", lambda: raw_seconds(size)),
        ("rekey", lambda: rekey_seconds(Vault.open(home, key), "bench")),
        ("disk", lambda: disk_seconds(root, size)),
        ("rotate", lambda: rotate_seconds(home, key)),
    ]
    for _ in range(runs):
        warm(Vault.open(home, key).model_file("bench"))
        for label, step in steps:
            measured[label].append(step())
    shutil.rmtree(home)
    key_file.unlink()
    gbps = {label: size / median_of(times) / 1e9 for label, times in measured.items()}
    return {
        "size_mib": size // MIB,
        "runs": runs,
        "median_s": {label: round(median_of(times), 3) for label, times in measured.items()},
        "gb_per_s": {label: round(value, 2) for label, value in gbps.items()},
        "ratio_to_raw": {
            label: round(value / gbps["raw"], 3) for label, value in gbps.items() if label != "raw"
        },
    }


def bench_open(root: Path, records: int, opens: int) -> dict[str, object]:
    home, key_file, source = root / "home", root / "bench.key", root / "small.gguf"
    source.unlink(missing_ok=True)
    key = KeySource(key_file=key_file)
    write_sparse_gguf(source, 4 * MIB)
    vault = Vault.create(home, key)
    for name in ("first", "second"):
        vault.import_model(source, name=name, level="UNCLASSIFIED")
    for index in range(records):
        vault.records.put("bench", f"r{index}", os.urandom(200))
    listed = len(vault.stored_files())
    with_check: list[float] = []
    without: list[float] = []
    for _ in range(3):  # warm the page cache and the imports
        open_ms(home, key, check=True)
    for _ in range(opens):
        with_check.append(open_ms(home, key, check=True))
        without.append(open_ms(home, key, check=False))
    shutil.rmtree(home)
    key_file.unlink()
    return {
        "files_listed": listed,
        "opens": opens,
        "open_with_check_ms": round(median_of(with_check), 2),
        "open_without_check_ms": round(median_of(without), 2),
        "check_ms": round(median_of(with_check) - median_of(without), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=4096)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--records", default="0,100,400", help="records per vault, comma-separated")
    parser.add_argument("--opens", type=int, default=40)
    args = parser.parse_args()
    root_dir = Path(tempfile.gettempdir())
    free = shutil.disk_usage(root_dir).free
    size = args.size_mib * MIB
    if free < FREE_NEEDED and size > GIB:
        print(f"only {free / 1e9:.1f} GB free in {root_dir}: rotating 1 GiB instead", flush=True)
        size = GIB
    with tempfile.TemporaryDirectory(dir=root_dir) as folder:
        root = Path(folder)
        root.chmod(0o700)
        for records in (int(count) for count in args.records.split(",")):
            print(json.dumps({"open": bench_open(root, records, args.opens)}), flush=True)
        print(json.dumps({"rotation": bench_rotation(root, size, args.runs)}), flush=True)


if __name__ == "__main__":
    main()
