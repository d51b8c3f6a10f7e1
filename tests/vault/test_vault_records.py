"""Encrypted records: the store's contract, ids that never show on disk, and two processes
writing at once without losing a write."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from milai.errors import UsageError
from milai.vault import KeySource, Vault
from tests.scale import scaled


def test_put_get_update_delete_list(vault: Vault) -> None:
    records = vault.records
    assert records.get("settings", "main") is None
    assert records.list("settings") == []
    records.put("settings", "main", b"one")
    assert records.get("settings", "main") == b"one"
    assert records.update("settings", "main", lambda old: (old or b"") + b"+two") == b"one+two"
    assert records.update("settings", "fresh", lambda old: b"new" if old is None else old) == b"new"
    assert records.list("settings") == ["fresh", "main"]
    records.delete("settings", "main")
    records.delete("settings", "main")
    assert records.get("settings", "main") is None
    assert records.list("settings") == ["fresh"]
    records.put("settings", "empty", b"")
    assert records.get("settings", "empty") == b""


def test_records_survive_reopening(vault: Vault, isolated_home: Path, key: KeySource) -> None:
    payload = os.urandom(300_000)
    vault.records.put("history", "session 2026-11-27 / ops", payload)
    reopened = Vault.open(isolated_home, key)
    assert reopened.records.get("history", "session 2026-11-27 / ops") == payload
    assert reopened.records.list("history") == ["session 2026-11-27 / ops"]


def test_ids_and_contents_never_show_on_disk(vault: Vault, isolated_home: Path) -> None:
    vault.records.put("history", "operation-nightfall", b"the plan is secret")
    for path in isolated_home.rglob("*"):
        assert "nightfall" not in path.name
        if path.is_file():
            data = path.read_bytes()
            assert b"nightfall" not in data and b"the plan is secret" not in data


@pytest.mark.parametrize("kind", ["", "Settings", "../x", "a/b", "_vault", "x" * 65, "1abc"])
def test_bad_kinds(vault: Vault, kind: str) -> None:
    with pytest.raises(UsageError, match="invalid record kind"):
        vault.records.put(kind, "id", b"x")
    with pytest.raises(UsageError):
        vault.records.get(kind, "id")


@pytest.mark.parametrize("record_id", ["", "a\x00b", "x" * 2000])
def test_bad_ids(vault: Vault, record_id: str) -> None:
    with pytest.raises(UsageError):
        vault.records.put("settings", record_id, b"x")


def test_update_callback_failure_changes_nothing(vault: Vault) -> None:
    vault.records.put("settings", "main", b"old")

    def fail(old: bytes | None) -> bytes:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        vault.records.update("settings", "main", fail)
    assert vault.records.get("settings", "main") == b"old"


def test_a_batch_lands_whole_or_not_at_all(
    vault: Vault, isolated_home: Path, key: KeySource
) -> None:
    records = vault.records
    records.put("corpus", "old", b"old")
    generation = vault.generation
    with records.batch() as batch:
        assert batch.get("corpus", "old") == b"old"
        batch.put("corpus", "a", b"one")
        batch.put("corpus", "b", b"two")
        batch.delete("corpus", "old")
        assert batch.get("corpus", "a") == b"one"  # a batch reads its own writes
        assert batch.get("corpus", "old") is None
    assert vault.generation == generation + 1  # one vault change for all three
    reopened = Vault.open(isolated_home, key)
    assert reopened.records.list("corpus") == ["a", "b"]
    with pytest.raises(RuntimeError), records.batch() as batch:
        batch.put("corpus", "c", b"three")
        batch.delete("corpus", "a")
        raise RuntimeError("killed half way")
    assert records.list("corpus") == ["a", "b"]
    assert records.get("corpus", "a") == b"one"
    leftovers = [p.name for p in (isolated_home / "records").iterdir() if p.name.startswith(".")]
    assert leftovers == []  # the batch's temp files went with it
    Vault.open(isolated_home, key)  # and the folder still matches the vault state


def _increment_many(home: str, key_file: str, times: int, barrier: object) -> None:
    vault = Vault.open(Path(home), KeySource(key_file=Path(key_file)))
    barrier.wait()  # type: ignore[attr-defined]
    for index in range(times):
        vault.records.update("counters", "shared", lambda old: str(int(old or b"0") + 1).encode())
        vault.records.put("writes", f"{os.getpid()}-{index}", b"x")


def test_two_processes_never_lose_a_write(
    vault: Vault, isolated_home: Path, key_file: Path
) -> None:
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(2)
    times = scaled(150, 50)  # 150 each in CI (tests/scale.py)
    workers = [
        context.Process(
            target=_increment_many, args=(str(isolated_home), str(key_file), times, barrier)
        )
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    assert vault.records.get("counters", "shared") == str(2 * times).encode()
    assert len(vault.records.list("writes")) == 2 * times
