"""What the audit log costs per run: the write-ahead ``started`` entry and the outcome entry,
each fsync-ed, each followed by the vault's head record (an atomic, fsync-ed record write);
and what verification costs per entry, with and without the seal key.

    .venv/bin/python bench/audit_append.py [--runs 200] [--entries 2000] [--home DIR]

Prints medians and ratios; nothing here is asserted (speed lives in bench/, not tests/).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from milai.audit import AuditLog
from milai.context import open_audit_log
from milai.vault import KeySource, Vault

EVENT = {
    "command": "run",
    "run_id": "0123456789abcdef",
    "model": {"name": "smollm2-135m", "sha256": "ab" * 32},
    "policy": {"name": "milai-default", "sha256": "cd" * 32},
    "clearance": "SECRET",
    "sampling": {"temperature": 0.2, "max_tokens": 256, "seed": 7},
}


class MemoryState:
    """The state kept in memory: the log's own cost, without the vault's head record."""

    def __init__(self) -> None:
        self.data: bytes | None = None

    def load(self) -> bytes | None:
        return self.data

    def save(self, data: bytes) -> None:
        self.data = data


def per_run(log: AuditLog, runs: int) -> list[float]:
    """Seconds for one run's two appends (started, then outcome)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        log.append({**EVENT, "phase": "started"})
        log.append({**EVENT, "phase": "outcome", "decision": "allow"})
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--home", type=Path, default=None, help="where the vault goes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.home) as scratch_name:
        scratch = Path(scratch_name)
        home = scratch / "home"
        vault = Vault.create(home, KeySource(key_file=scratch / "vault.key"))
        log = open_audit_log(home, vault)
        log.start()
        log_only = AuditLog(scratch / "log-only.log", MemoryState(), vault.audit_signer())
        with_vault = per_run(log, args.runs)
        without = per_run(log_only, args.runs)
        median_with, median_without = statistics.median(with_vault), statistics.median(without)
        print(f"per run (started + outcome), {args.runs} runs, medians:")
        print(f"  log + vault head record  {median_with * 1000:8.2f} ms")
        print(f"  log only (head in RAM)   {median_without * 1000:8.2f} ms")
        print(f"  ratio                    {median_with / median_without:8.2f}x")

        seal_key = scratch / "seal.key"
        log.export_seal_key(seal_key)
        for _ in range(args.entries // 2):
            log.append({**EVENT, "phase": "outcome", "decision": "allow"})
        count = log.verify().entries
        plain, sealed = [], []
        for _ in range(3):
            start = time.perf_counter()
            log.verify()
            plain.append(time.perf_counter() - start)
            start = time.perf_counter()
            log.verify(seal_key=seal_key)
            sealed.append(time.perf_counter() - start)
        per_plain = statistics.median(plain) / count * 1e6
        per_sealed = statistics.median(sealed) / count * 1e6
        print(f"verify, {count} entries, medians of 3:")
        print(f"  without --seal-key       {per_plain:8.1f} us/entry")
        print(f"  with --seal-key          {per_sealed:8.1f} us/entry")
        print(f"  ratio                    {per_sealed / per_plain:8.2f}x")


if __name__ == "__main__":
    main()
