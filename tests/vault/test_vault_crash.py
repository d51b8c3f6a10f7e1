"""Crash consistency: a writer killed with SIGKILL at a random moment leaves a vault that
opens, whose records are each in their old or their new state, and that lists no partial
model. The writers are forked children, killed once they have begun a seeded random number
of disk-changing steps (``fault_point``): a count of steps, not a delay, so that a loaded
machine does not turn every trial into a kill before the first write."""

from __future__ import annotations

import hashlib
import os
import random
import select
import signal
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from milai.vault import KeySource, Vault
from milai.vault._fs import create_temp_for, fault_hook, remove_stale_temps
from tests.scale import scaled

RECORD_BYTES = 150_000


def _record_value(step: int) -> bytes:
    seed = hashlib.sha256(str(step).encode()).digest()
    return f"{step}:".encode() + seed * (RECORD_BYTES // len(seed))


def _check_record_value(value: bytes) -> int:
    step = int(value.split(b":", 1)[0])
    assert value == _record_value(step), "record is neither the old nor the new state"
    return step


def _next_state(step: int, old: bytes | None) -> bytes:
    return _record_value(step)


def _in_child(work: Callable[[], None]) -> tuple[int, int]:
    """Fork a child that runs ``work`` and writes one byte to a pipe as it begins each
    disk-changing step; return its pid and the pipe's reading end."""
    reading, writing = os.pipe()

    def begun(step: str) -> None:
        os.write(writing, b".")

    pid = os.fork()
    if pid == 0:  # the child: work until killed, never return into pytest
        try:
            os.close(reading)
            with fault_hook(begun):
                work()
        finally:
            os._exit(0)
    os.close(writing)
    return pid, reading


def _kill_after(child: tuple[int, int], steps: int) -> None:
    """Kill the child as soon as it has begun its ``steps``-th disk-changing step: the kill
    lands somewhere in that step or a later one (mid-write, often), whatever the load."""
    pid, reading = child
    begun, deadline = 0, time.monotonic() + 120
    while begun < steps:
        left = deadline - time.monotonic()
        assert left > 0, "the writer never reached its step"
        if select.select([reading], [], [], left)[0]:
            data = os.read(reading, steps - begun)
            if not data:
                break  # the child finished its work (it never should)
            begun += len(data)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(reading)


def _temps(home: Path) -> list[Path]:
    return list(home.rglob(".*.tmp"))


def test_killed_imports_never_list_a_partial_model(
    vault: Vault, isolated_home: Path, key: KeySource, make_gguf: Any
) -> None:
    source, sha256 = make_gguf(3_000_000)
    rng = random.Random(1127)
    verified: set[str] = set()
    saw_temp = False
    for trial in range(scaled(25, 12)):  # 25 in CI (tests/scale.py)

        def work(trial: int = trial) -> None:
            writer = Vault.open(isolated_home, key)
            for index in range(1000):
                writer.import_model(source, name=f"m{trial}-{index}", level="SECRET")

        _kill_after(_in_child(work), rng.randint(1, 30))  # an import is 9 steps
        reopened = Vault.open(isolated_home, key)
        for manifest in reopened.list_models():
            assert manifest.sha256 == sha256 and manifest.size == 3_000_000
            if manifest.name not in verified:
                reopened.verify_model(manifest.name)
                verified.add(manifest.name)
        saw_temp = saw_temp or bool(_temps(isolated_home))
        remove_stale_temps(isolated_home / "models", min_age_s=0)
        assert not list((isolated_home / "models").glob(".*.tmp"))
    assert verified, "no import ever completed: the kills come too early to test anything"
    assert saw_temp, "no import was ever interrupted: the kills come too late"


def test_killed_record_writes_leave_old_or_new(
    vault: Vault, isolated_home: Path, key: KeySource
) -> None:
    vault.records.put("crash", "state", _record_value(0))
    rng = random.Random(2026)
    last = 0
    for trial in range(scaled(25, 12)):  # 25 in CI (tests/scale.py)

        def work(start: int = last, trial: int = trial) -> None:
            writer = Vault.open(isolated_home, key)
            for step in range(start + 1, start + 10_000):
                writer.records.update("crash", "state", partial(_next_state, step))
                writer.records.put("crash-log", f"{trial}-{step}", _record_value(step))

        _kill_after(_in_child(work), rng.randint(1, 40))  # an update and a put: 10
        reopened = Vault.open(isolated_home, key)
        value = reopened.records.get("crash", "state")
        assert value is not None
        step = _check_record_value(value)
        assert step >= last
        last = step
        for record_id in reopened.records.list("crash-log"):
            logged = reopened.records.get("crash-log", record_id)
            assert logged is not None
            _check_record_value(logged)
    assert last > 0, "no write ever completed"


def test_killed_key_slot_changes_keep_the_vault_openable(
    vault: Vault, isolated_home: Path, key: KeySource, tmp_path: Path
) -> None:
    rng = random.Random(99)
    for trial in range(10):

        def work(trial: int = trial) -> None:
            writer = Vault.open(isolated_home, key)
            current = KeySource(key_file=tmp_path / f"slot-{trial}-0.key")
            writer.add_key_slot(current)
            for index in range(1, 1000):
                new = KeySource(key_file=tmp_path / f"slot-{trial}-{index}.key")
                writer.change_key(current, new)
                current = new

        _kill_after(_in_child(work), rng.randint(1, 30))  # a key change is 8 steps
        reopened = Vault.open(isolated_home, key)
        assert reopened.key_slots()[0] == "key-file"
        assert len(reopened.key_slots()) <= trial + 2


def test_a_live_writers_temp_file_is_not_removed(tmp_path: Path) -> None:
    temp, fd = create_temp_for(tmp_path / "record.rec")
    try:
        remove_stale_temps(tmp_path, min_age_s=0)
        assert temp.exists()
    finally:
        os.close(fd)
    remove_stale_temps(tmp_path, min_age_s=60)
    assert temp.exists()
    remove_stale_temps(tmp_path, min_age_s=0)
    assert not temp.exists()


@pytest.mark.parametrize("delay", [0.0])
def test_interrupted_import_cleans_up_its_temp(
    vault: Vault, isolated_home: Path, make_gguf: Any, delay: float
) -> None:
    source, _ = make_gguf(2_000_000)

    def interrupt(done: int, total: int) -> None:
        if done > 0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        vault.import_model(source, name="m", level="S", progress=interrupt)
    assert vault.list_models() == []
    assert not _temps(isolated_home)
