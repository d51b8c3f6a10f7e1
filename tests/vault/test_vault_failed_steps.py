"""A disk error, not a kill, at each step of an update (``_fs.fault_point`` raising
``OSError``, as a full disk or an I/O error does): the update raises, and the vault then
opens in the old state or the new one. A kill leaves every file where it was; an error
runs the update's clean-up, which must not take away what a committed ``vault.json``
still names (its temps, once the vault file is renamed in: ``Draft.commit_point``)."""

from __future__ import annotations

import errno
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from milai.errors import VaultError
from milai.vault import KeySource, Vault
from milai.vault._fs import fault_hook

Update = Callable[[Vault], object]


def _failing_at(step: int) -> Callable[[str], None]:
    seen = 0

    def fail(_name: str) -> None:
        nonlocal seen
        seen += 1
        if seen - 1 == step:
            raise OSError(errno.EIO, "Input/output error")

    return fail


def _each_step_fails(
    home: Path, key: KeySource, update: Update, observe: Callable[[Vault], str], tmp_path: Path
) -> set[str]:
    reference = tmp_path / "reference"
    shutil.copytree(home, reference)
    steps: list[str] = []
    with fault_hook(steps.append):
        update(Vault.open(home, key))
    assert observe(Vault.open(home, key)) == "new"
    outcomes = set()
    for step, name in enumerate(steps):
        trial = tmp_path / f"trial-{step}"
        shutil.copytree(reference, trial)
        vault = Vault.open(trial, key)
        with fault_hook(_failing_at(step)), pytest.raises((OSError, VaultError)):
            update(vault)
        outcome = observe(Vault.open(trial, key))
        assert outcome in ("old", "new"), f"an error at step {step} ({name}): {outcome}"
        outcomes.add(outcome)
        shutil.rmtree(trial)
    return outcomes


State = tuple[bytes | None, bytes | None]  # the records settings/main and notes/n


@pytest.mark.parametrize(
    ("update", "new"),
    [
        (lambda vault: vault.records.put("settings", "main", b"v2"), (b"v2", None)),
        (lambda vault: vault.records.put("notes", "n", b"note"), (b"v1", b"note")),
        (lambda vault: vault.records.delete("settings", "main"), (None, None)),
    ],
    ids=["replace", "add", "delete"],
)
def test_an_error_at_any_step_leaves_the_old_state_or_the_new(
    vault: Vault, isolated_home: Path, key: KeySource, tmp_path: Path, update: Update, new: State
) -> None:
    vault.records.put("settings", "main", b"v1")
    old: State = (b"v1", None)

    def observe(opened: Vault) -> str:
        state = (opened.records.get("settings", "main"), opened.records.get("notes", "n"))
        return {old: "old", new: "new"}.get(state, repr(state))

    outcomes = _each_step_fails(isolated_home, key, update, observe, tmp_path)
    assert outcomes == {"old", "new"}, outcomes  # errors both before and after the commit
