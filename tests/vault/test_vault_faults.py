"""Fault injection at every write step: each operation that changes the vault is run once
to count the steps that touch the disk (``_fs.fault_point``), then once per step k in a
forked child that SIGKILLs itself just before step k (README's fast line: 16 steps of an
operation that has more, the first and the last among them; every step in CI). Each time,
the vault must then open (completing a half-done update) in the old state or the new one,
never anything else, and with a key that opened it before or the one it was given."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from milai.errors import VaultIntegrityError
from milai.vault import KeySource, Vault
from milai.vault._fs import fault_hook
from tests.helpers import killed_before_step, write_key_file
from tests.scale import sample

Operation = Callable[[Vault], object]  # what it returns is not looked at
Observation = Callable[[Path], str]


@dataclass(frozen=True)
class Setup:
    home: Path
    key: KeySource
    spare: Path  # a folder for new key files


def _count_steps(home: Path, key: KeySource, operation: Operation) -> list[str]:
    steps: list[str] = []
    vault = Vault.open(home, key)
    with fault_hook(steps.append):
        operation(vault)
    return steps


def _killed_at(home: Path, key: KeySource, operation: Operation, step: int) -> None:
    vault = Vault.open(home, key)  # opening writes nothing: the steps are the operation's
    killed_before_step(step, lambda: operation(vault))


def _every_step(
    setup: Setup, operation: Operation, observe: Observation, tmp_path: Path
) -> dict[str, int]:
    """Kill ``operation`` before each of its steps in a copy of the vault; return how many
    times each state (``observe``'s answer) was found afterwards."""
    reference = tmp_path / "reference"
    shutil.copytree(setup.home, reference)
    steps = _count_steps(setup.home, setup.key, operation)
    assert len(steps) >= 5, steps
    assert observe(setup.home) == "new"
    outcomes: dict[str, int] = {}
    # Every step in CI; README's fast line takes 8 of a longer operation's steps (a key
    # rotation has 59), its first and last among them (tests/scale.py).
    tried = {0, len(steps) - 1, *sample(range(len(steps)), 8, seed=" ".join(steps))}
    for step in sorted(tried):
        trial = tmp_path / f"trial-{step}"
        shutil.copytree(reference, trial)
        _killed_at(trial, setup.key, operation, step)
        outcome = observe(trial)
        assert outcome in ("old", "new"), f"killed before step {step} ({steps[step]}): {outcome}"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        shutil.rmtree(trial)
    assert outcomes.get("old") and outcomes.get("new"), outcomes
    return outcomes


@pytest.fixture
def setup(
    vault: Vault, isolated_home: Path, key: KeySource, make_gguf: Any, tmp_path: Path
) -> Setup:
    source, _ = make_gguf(70_000)
    vault.import_model(source, name="m", level="SECRET")
    vault.records.put("settings", "main", b"settings v1")
    vault.records.put("history", "h1", b"first conversation")
    spare = tmp_path / "keys"
    spare.mkdir()
    return Setup(isolated_home, key, spare)


def _opened(home: Path, key: KeySource) -> Vault:
    return Vault.open(home, key)


def _unchanged_rest(vault: Vault) -> None:
    assert vault.records.get("history", "h1") == b"first conversation"
    vault.verify_model("m")


def test_putting_a_new_record(setup: Setup, tmp_path: Path) -> None:
    def observe(home: Path) -> str:
        vault = _opened(home, setup.key)
        _unchanged_rest(vault)
        value = vault.records.get("notes", "n")
        return {None: "old", b"note": "new"}.get(value, repr(value))

    _every_step(setup, lambda v: v.records.put("notes", "n", b"note"), observe, tmp_path)


def test_replacing_a_record(setup: Setup, tmp_path: Path) -> None:
    def observe(home: Path) -> str:
        vault = _opened(home, setup.key)
        _unchanged_rest(vault)
        value = vault.records.get("settings", "main")
        return {b"settings v1": "old", b"settings v2": "new"}.get(value or b"", repr(value))

    _every_step(
        setup, lambda v: v.records.put("settings", "main", b"settings v2"), observe, tmp_path
    )


def test_deleting_a_record(setup: Setup, tmp_path: Path) -> None:
    def observe(home: Path) -> str:
        vault = _opened(home, setup.key)
        vault.verify_model("m")
        assert vault.records.get("settings", "main") == b"settings v1"
        value = vault.records.get("history", "h1")
        return {b"first conversation": "old", None: "new"}.get(value, repr(value))

    _every_step(setup, lambda v: v.records.delete("history", "h1"), observe, tmp_path)


def test_importing_a_model(setup: Setup, tmp_path: Path, make_gguf: Any) -> None:
    source, sha256 = make_gguf(50_000, name="second.gguf", seed=7)

    def observe(home: Path) -> str:
        vault = _opened(home, setup.key)
        _unchanged_rest(vault)
        names = [manifest.name for manifest in vault.list_models()]
        if names == ["m"]:
            return "old"
        assert names == ["m", "second"]
        vault.verify_model("second")
        return "new" if vault.model("second").sha256 == sha256 else "wrong digest"

    _every_step(
        setup, lambda v: v.import_model(source, name="second", level="S"), observe, tmp_path
    )


def test_removing_a_model(setup: Setup, tmp_path: Path) -> None:
    def observe(home: Path) -> str:
        vault = _opened(home, setup.key)
        assert vault.records.get("settings", "main") == b"settings v1"
        names = vault.model_names()
        if names == ["m"]:
            vault.verify_model("m")
            return "old"
        return "new" if names == [] else repr(names)

    _every_step(setup, lambda v: v.remove_model("m"), observe, tmp_path)


def test_adding_a_key_slot(setup: Setup, tmp_path: Path) -> None:
    recovery = setup.spare / "recovery.key"
    write_key_file(recovery, os.urandom(32))

    def observe(home: Path) -> str:
        vault = _opened(home, setup.key)
        _unchanged_rest(vault)
        try:
            _opened(home, KeySource(key_file=recovery))
        except VaultIntegrityError:
            return "old"
        return "new"

    _every_step(setup, lambda v: v.add_key_slot(KeySource(key_file=recovery)), observe, tmp_path)


def _which_key_opens(home: Path, old: KeySource, new: KeySource) -> str:
    opened = []
    for label, key in (("old", old), ("new", new)):
        try:
            vault = _opened(home, key)
        except VaultIntegrityError:
            continue
        _unchanged_rest(vault)
        assert vault.records.get("settings", "main") == b"settings v1"
        opened.append(label)
    if len(opened) != 1:
        return f"opened by {opened or 'neither key'}"
    return opened[0]


@pytest.mark.parametrize("rotate", [False, True], ids=["rewrap", "rotate"])
def test_changing_the_key(setup: Setup, tmp_path: Path, rotate: bool) -> None:
    new_key = setup.spare / "new.key"
    write_key_file(new_key, os.urandom(32))
    new = KeySource(key_file=new_key)

    def observe(home: Path) -> str:
        return _which_key_opens(home, setup.key, new)

    outcomes = _every_step(
        setup, lambda v: v.change_key(setup.key, new, rotate=rotate), observe, tmp_path
    )
    if rotate:  # a rotation has many steps after its commit point: all roll forward
        assert outcomes["new"] > outcomes["old"]


def test_revoking_a_key_slot(setup: Setup, tmp_path: Path) -> None:
    second_key = setup.spare / "second.key"
    write_key_file(second_key, os.urandom(32))
    second = KeySource(key_file=second_key)
    Vault.open(setup.home, setup.key).add_key_slot(second)

    def observe(home: Path) -> str:
        vault = _opened(home, setup.key)  # the slot kept opens in every state
        _unchanged_rest(vault)
        try:
            _opened(home, second)
        except VaultIntegrityError:
            return "new"
        return "old"

    _every_step(setup, lambda v: v.revoke_key_slot(2), observe, tmp_path)
