"""What the store's integrity costs each command: the vault-state check, and the write-ahead
``started`` audit entry. Interleaved runs, medians; each figure beside a baseline measured in
the same run.

  state check     ``Ledger.check``, what every command pays: read vault.json (parsed and
                  authenticated again only when it changed), list both folders (names and
                  file types: every listed file there, nothing else), read every model
                  header, stat the log; on the session's vault (2 models, ~10 records) and
                  on a big one (records are hashed when read, not here)
  open            the whole ``Vault.open`` with a key file (the check's baseline)
  started entry   one ``AuditLog.append`` of a run's ``started`` event: the line fsync-ed
                  (the vault records its head with the outcome)
  outcome entry   the outcome's append after it: the line fsync-ed, then the vault's audit
                  record replaced under the vault lock, fsync-ed (the baseline)
  run             a whole ``milai run`` in process with a scripted engine, with the
                  write-ahead entry and with ``started`` made a no-op

The folders live in --dir (default: the system temp folder), on a real disk so that fsync
costs what it costs.

    .venv/bin/python bench/vault_state.py [--runs 21] [--records 200] [--dir PATH]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from milai.context import open_audit_log
from milai.vault import KeySource, Vault
from tests.cli.harness import invoke
from tests.fakes import FakeEngine, install_fake_engine
from tests.vault.vault_synthetic import write_gguf

PROMPT = "What is the capital of France?"


def timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def build(root: Path, records: int) -> tuple[Path, Path]:
    """A vault as a session leaves it (2 models, settings, a run), plus ``records`` more."""
    root.mkdir(parents=True)
    home, key = root / "home", root / "vault.key"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MILAI_HOME", str(home))
        patch.delenv("MILAI_KEY_FILE", raising=False)
        install_fake_engine(patch, FakeEngine(["Paris."]))
        steps: list[tuple[str, ...]] = [("init", "--key-file", str(key))]
        for name in ("alpha", "beta"):
            source = root / f"{name}.gguf"
            write_gguf(source, 256 * 1024, seed=len(name))
            steps.append(("model", "import", str(source), "--name", name, "--level", "SECRET"))
        steps += [("settings", "set", "default_model", "alpha"), ("run", PROMPT)]
        for args in steps:
            result = invoke(*args)
            assert result.code == 0, (args, result.stderr)
    vault = Vault.open(home, KeySource(key_file=key))
    for number in range(records):
        vault.records.put("bench", f"note-{number}", os.urandom(200))
    return home, key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="milai-bench-state-", dir=args.dir))
    try:
        small_home, small_key = build(root / "small", 0)
        big_home, big_key = build(root / "big", args.records)
        small = Vault.open(small_home, KeySource(key_file=small_key))
        big = Vault.open(big_home, KeySource(key_file=big_key))
        samples: dict[str, list[float]] = {
            name: []
            for name in (
                "check small",
                "open small",
                "check big",
                "open big",
                "started entry",
                "outcome entry",
                "run",
                "run without started",
            )
        }
        log = open_audit_log(small_home, small)
        started = {"command": "run", "phase": "started", "run_id": "0" * 16, "model": {}}
        outcome = {**started, "phase": "outcome", "decision": "allow"}
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("MILAI_HOME", str(small_home))
            install_fake_engine(patch, FakeEngine(["Paris."]))
            from milai import context

            real_started = context._AuditSink.started
            for _ in range(args.runs):
                samples["check small"].append(timed(small._ledger.check))
                samples["open small"].append(
                    timed(lambda: Vault.open(small_home, KeySource(key_file=small_key)))
                )
                samples["check big"].append(timed(big._ledger.check))
                samples["open big"].append(
                    timed(lambda: Vault.open(big_home, KeySource(key_file=big_key)))
                )
                samples["started entry"].append(timed(lambda: log.append(started)))
                # as a run does: the vault records both heads now (what every entry cost
                # before the started entry's head waited for it)
                samples["outcome entry"].append(timed(lambda: log.append(outcome)))
                samples["run"].append(timed(lambda: invoke("run", PROMPT)))
                patch.setattr(context._AuditSink, "started", lambda self, event: None)
                samples["run without started"].append(timed(lambda: invoke("run", PROMPT)))
                patch.setattr(context._AuditSink, "started", real_started)
        files = len(small.stored_files()), len(big.stored_files())
        for name, values in samples.items():
            print(f"{name:22} {ms(values):8.2f} ms")
        print(
            f"check / open: small vault ({files[0]} files) "
            f"{ms(samples['check small']) / ms(samples['open small']):.2f}, "
            f"big vault ({files[1]} files) {ms(samples['check big']) / ms(samples['open big']):.2f}"
        )
        delta = ms(samples["run"]) - ms(samples["run without started"])
        print(
            f"run with / without the started entry: "
            f"{ms(samples['run']) / ms(samples['run without started']):.3f} ({delta:+.1f} ms)"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
