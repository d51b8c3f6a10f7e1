"""An administrative act is on record before it changes the vault: each command that
changes the vault is SIGKILLed before each of its disk-changing steps (``_fs.fault_point``;
README's fast line: the first, the last, the audit appends and 4 more; every step in CI),
in a forked child on a copy of the vault. Afterwards the log verifies, the vault is in the old
state or the new one, and the new one is never there without the act's ``started`` entry;
an act whose ``started`` entry has no outcome is listed as such, as a killed run is.

The kill is a test seam only: the child installs ``fault_hook`` (a module-level list in
``milai.vault._fs`` that no option, environment variable or file can reach) in its own
process, after the fork, and calls the CLI in process."""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from milai.audit import AuditEntry, VerifyReport
from milai.context import open_audit_log
from milai.errors import VaultError
from milai.vault import KeySource, Vault
from milai.vault._fs import fault_hook
from tests.cli.fixtures import SYNTHETIC_SECRET_MODEL, SyntheticVault
from tests.cli.harness import invoke
from tests.helpers import killed_before_step
from tests.scale import sample

Observe = Callable[[Path, Vault], str]  # "old" or "new"


@dataclass(frozen=True)
class Act:
    command: str  # the audit log's name for it
    argv: Callable[[Path], list[str]]  # given a folder for new files
    observe: Observe
    keys: Callable[[Path], list[KeySource]]  # keys that may open the vault afterwards
    setup: Callable[[], object] = lambda: None  # on the vault before it is copied


def _opened(home: Path, keys: list[KeySource]) -> tuple[Vault, str]:
    """The vault and the key file that opens it (the recorded path may name another: a
    key change killed before it recorded the new key file's path)."""
    for key in keys:
        try:
            return Vault.open(home, key), str(key.key_file)
        except VaultError:  # the wrong key, or a key file the act never wrote
            continue
    raise AssertionError("no key opens the vault")


def _log(home: Path, vault: Vault) -> tuple[VerifyReport, list[AuditEntry]]:
    log = open_audit_log(home, vault)
    report = log.verify()
    with log.entries() as stream:
        return report, list(stream)


def _models(home: Path, vault: Vault) -> str:
    return "old" if SYNTHETIC_SECRET_MODEL in vault.model_names() else "new"


def _clearance(home: Path, vault: Vault) -> str:
    return "new" if b"RESTRICTED" in (vault.records.get("settings", "main") or b"") else "old"


def _seed_gone(home: Path, vault: Vault) -> str:
    return "new" if _log(home, vault)[0].seal_key_exported else "old"


def _docs(home: Path, vault: Vault) -> str:
    listed = invoke("docs", "list", "--json")
    assert listed.code == 0, listed.stderr
    return "new" if "report.txt" in listed.stdout else "old"


def _new_key(spare: Path) -> Path:
    return spare / "new.key"


def _key_changed(spare: Path) -> Observe:
    def observe(home: Path, vault: Vault) -> str:
        try:
            Vault.open(home, KeySource(key_file=_new_key(spare)))
        except VaultError:
            return "old"
        return "new"

    return observe


def _slots(count: int) -> Observe:
    def observe(home: Path, vault: Vault) -> str:
        return "new" if len(vault.key_slots()) == count else "old"

    return observe


def _history(home: Path, vault: Vault) -> str:
    return "old" if vault.records.get("history", "20260101T000000-abcdef") else "new"


def _put_history(synthetic: SyntheticVault) -> None:
    vault = Vault.open(synthetic.home, KeySource(key_file=synthetic.key_file))
    vault.records.put("history", "20260101T000000-abcdef", b'{"turns": []}')


def _add_document(path: Path, text: str, added: Path) -> None:
    """Write ``text`` to ``path`` and add it; write its id to ``added``."""
    path.write_text(text)
    result = invoke("docs", "add", str(path), "--level", "UNCLASSIFIED")
    assert result.code == 0, result.stderr
    added.write_text(result.stderr.split()[2])  # "milai: added ID NAME (...)"


def _kept_gone(home: Path, vault: Vault) -> str:
    listed = invoke("docs", "list", "--json")
    assert listed.code == 0, listed.stderr
    return "old" if "kept.txt" in listed.stdout else "new"


def _acts(synthetic: SyntheticVault, spare: Path) -> dict[str, Act]:
    old = KeySource(key_file=synthetic.key_file)
    both = [old, KeySource(key_file=_new_key(spare))]
    document = spare / "report.txt"
    document.write_text("The quarterly report on the harbour works.\n" * 40)
    recovery = synthetic.home.parent / "recovery.key"
    kept = synthetic.home.parent / "kept.txt"
    added = synthetic.home.parent / "added.id"
    return {
        "model import": Act(
            "model.import",
            lambda s: [
                "model",
                "import",
                str(synthetic.source),
                "--name",
                "third",
                "--level",
                "SECRET",
            ],
            lambda home, vault: "new" if "third" in vault.model_names() else "old",
            lambda s: [old],
        ),
        "key revoke": Act(
            "key.revoke",
            lambda s: ["key", "revoke", "2"],
            _slots(1),
            lambda s: [old],
            lambda: invoke("key", "add", "--new-key-file", str(recovery)),
        ),
        "history purge": Act(
            "history.purge",
            lambda s: ["history", "purge", "--yes"],
            _history,
            lambda s: [old],
            lambda: _put_history(synthetic),
        ),
        "docs remove": Act(
            "docs.remove",
            lambda s: ["docs", "remove", added.read_text()],
            _kept_gone,
            lambda s: [old],
            lambda: _add_document(kept, document.read_text(), added),
        ),
        "key change": Act(
            "key.change",
            lambda s: ["key", "change", "--new-key-file", str(_new_key(s))],
            _key_changed(spare),
            lambda s: [old, KeySource(key_file=_new_key(s))],
        ),
        "key change --rotate": Act(
            "key.change",
            lambda s: ["key", "change", "--rotate", "--new-key-file", str(_new_key(s))],
            _key_changed(spare),
            lambda s: [old, KeySource(key_file=_new_key(s))],
        ),
        "key add": Act(
            "key.add",
            lambda s: ["key", "add", "--new-key-file", str(_new_key(s))],
            _slots(2),
            lambda s: [old],
        ),
        "model remove": Act(
            "model.remove",
            lambda s: ["model", "remove", SYNTHETIC_SECRET_MODEL],
            _models,
            lambda s: [old],
        ),
        "settings set": Act(
            "settings.change",
            lambda s: ["settings", "set", "clearance", "RESTRICTED"],
            _clearance,
            lambda s: [old],
        ),
        "docs add": Act(
            "docs.add",
            lambda s: ["docs", "add", str(document), "--level", "UNCLASSIFIED"],
            _docs,
            lambda s: [old],
        ),
        "audit seal-key export": Act(
            "audit.seal-key-export",
            lambda s: ["audit", "seal-key", "export", str(s / "seal.key")],
            _seed_gone,
            lambda s: both,
        ),
    }


ACTS = [
    "key change",
    "key change --rotate",
    "key add",
    "model remove",
    "settings set",
    "docs add",
    "audit seal-key export",
    "model import",
    "key revoke",
    "history purge",
    "docs remove",
]


def _steps(argv: list[str]) -> list[str]:
    steps: list[str] = []
    with fault_hook(steps.append):
        result = invoke(*argv)
    assert result.code == 0, result.stderr
    return steps


def _phases(entries: list[AuditEntry], command: str) -> list[str]:
    return [str(entry.phase) for entry in entries if entry.event.get("command") == command]


@pytest.mark.parametrize("name", ACTS)
def test_an_act_killed_at_any_step_is_never_done_and_off_record(
    name: str,
    synthetic_vault: SyntheticVault,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cheap_argon2: None,
) -> None:
    done = tmp_path / "done"
    done.mkdir()
    act = _acts(synthetic_vault, done)[name]
    act.setup()
    reference = tmp_path / "reference"
    shutil.copytree(synthetic_vault.home, reference)
    vault, _ = _opened(reference, act.keys(done))
    known = len(_log(reference, vault)[1])  # entries before the act: its own come after
    steps = _steps(act.argv(done))
    vault, _ = _opened(synthetic_vault.home, act.keys(done))
    assert act.observe(synthetic_vault.home, vault) == "new"
    entries = _log(synthetic_vault.home, vault)[1][known:]
    assert _phases(entries, act.command) == ["started", "outcome"]

    seen: dict[tuple[str, tuple[str, ...]], int] = {}
    # the first and last steps, the writes of the started entry and of the outcome (killed
    # before the outcome's: done, not yet recorded), and 2 more (every step in CI)
    appends = [index for index, step in enumerate(steps) if step == "append"]
    tried = {0, len(steps) - 1, appends[0], appends[-1]}
    tried.update(sample(range(len(steps)), 2, seed=name + " ".join(steps)))
    for step in sorted(tried):
        trial, spare = tmp_path / f"trial-{step}", tmp_path / f"spare-{step}"
        shutil.copytree(reference, trial)
        spare.mkdir()
        act = _acts(synthetic_vault, spare)[name]
        monkeypatch.setenv("MILAI_HOME", str(trial))
        killed_before_step(step, functools.partial(invoke, *act.argv(spare)))  # in the trial
        where = f"{name} killed before step {step} ({steps[step]})"
        vault, key_file = _opened(trial, act.keys(spare))
        report, entries = _log(trial, vault)  # verifies, or raises
        state, phases = act.observe(trial, vault), tuple(_phases(entries[known:], act.command))
        assert state in ("old", "new"), where
        assert phases in ((), ("started",), ("started", "outcome")), (where, phases)
        if state == "new":
            assert phases, f"{where}: done, and not on record"
        if phases == ("started", "outcome"):
            assert state == "new", f"{where}: recorded as done, and not done"
        if phases == ("started",):
            started = next(e for e in entries[known:] if e.event.get("command") == act.command)
            assert report.no_outcome == (started.seq,), where
            shown = invoke("--key-file", key_file, "audit", "show", str(started.seq), "--json")
            assert '"no_outcome":true' in shown.stdout.replace(" ", ""), shown.stdout
        seen[state, phases] = seen.get((state, phases), 0) + 1
        shutil.rmtree(trial)
    # every kill left one of these; the dangerous window (done, no outcome yet) was hit
    assert ("new", ("started",)) in seen, seen
    assert ("old", ()) in seen, seen


def test_an_act_that_fails_records_its_error_as_the_outcome(
    synthetic_vault: SyntheticVault, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.gguf"
    imported = invoke("model", "import", str(missing), "--name", "m", "--level", "SECRET")
    assert imported.code == 2, imported.stderr
    vault = Vault.open(synthetic_vault.home, KeySource(key_file=synthetic_vault.key_file))
    report, entries = _log(synthetic_vault.home, vault)
    started, outcome = [e.event for e in entries if e.event["command"] == "model.import"][-2:]
    assert report.no_outcome == ()
    assert started == {
        "command": "model.import",
        "phase": "started",
        "run_id": started["run_id"],
        "model": {"name": "m"},
        "level": "SECRET",
        "kind": "chat",
    }
    assert outcome == {
        **started,
        "phase": "outcome",
        "decision": "error",
        "error": imported.stderr.splitlines()[0].removeprefix("milai: error: "),
    }


def test_an_act_whose_started_entry_cannot_be_written_is_not_done(
    synthetic_vault: SyntheticVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    from milai.audit import AuditLog

    def full(self: AuditLog, event: dict[str, Any]) -> AuditEntry:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(AuditLog, "append", full)
    changed = invoke("settings", "set", "clearance", "RESTRICTED")
    assert changed.code == 4
    assert (
        changed.error_line() == "milai: error: cannot write the audit log: No space left on device"
    )
    monkeypatch.undo()
    vault = Vault.open(synthetic_vault.home, KeySource(key_file=synthetic_vault.key_file))
    assert _clearance(synthetic_vault.home, vault) == "old"


def test_an_act_done_whose_outcome_cannot_be_written_stands_as_started(
    synthetic_vault: SyntheticVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills between the change and its outcome: exit 4 saying so, the change is
    done, and the log shows it started with no outcome (never done off the record)."""
    from milai.audit import AuditLog

    append = AuditLog.append

    def full_for_outcomes(self: AuditLog, event: dict[str, Any]) -> AuditEntry:
        if event.get("phase") == "outcome":
            raise OSError(28, "No space left on device")
        return append(self, event)

    with monkeypatch.context() as patch:
        patch.setattr(AuditLog, "append", full_for_outcomes)
        changed = invoke("settings", "set", "clearance", "RESTRICTED")
    assert changed.code == 4
    line = changed.error_line()
    assert line == "milai: error: cannot write the audit log: No space left on device"
    vault = Vault.open(synthetic_vault.home, KeySource(key_file=synthetic_vault.key_file))
    assert _clearance(synthetic_vault.home, vault) == "new"
    report, entries = _log(synthetic_vault.home, vault)
    assert entries[-1].event["phase"] == "started"
    assert report.no_outcome == (entries[-1].seq,)


def test_an_act_interrupted_records_it(
    synthetic_vault: SyntheticVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(self: Vault, name: str) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(Vault, "remove_model", interrupted)
        removed = invoke("model", "remove", SYNTHETIC_SECRET_MODEL)
    assert removed.code == 130
    vault = Vault.open(synthetic_vault.home, KeySource(key_file=synthetic_vault.key_file))
    started, outcome = (entry.event for entry in _log(synthetic_vault.home, vault)[1][-2:])
    assert started["phase"] == "started"
    assert outcome == {
        **started,
        "phase": "outcome",
        "decision": "interrupted",
        "error": "KeyboardInterrupt",
    }
