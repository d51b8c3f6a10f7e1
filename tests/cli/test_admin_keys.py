"""The key commands in process: ``key list``, ``key change [--rotate]``, ``key revoke``;
key files held to ssh's rule and the guessable-key-file warning on the command line; what
an old ``vault.json`` with the old key opens after a rotation (nothing); and a rotation
SIGKILLed half way, finished by the next command."""

from __future__ import annotations

import json
import os
import shutil
import signal
from pathlib import Path
from typing import Any

import pytest

from milai.errors import VaultIntegrityError
from milai.vault import KeySource, Vault
from milai.vault.unlock import KEY_FILE_HINT
from tests.cli.fixtures import SYNTHETIC_MODEL, SYNTHETIC_SECRET_MODEL, SyntheticVault
from tests.cli.harness import Cli, invoke, refused
from tests.helpers import write_key_file

PASSPHRASE = "correct horse battery staple"


def audit_events(cli: Cli, command: str, *keys: str) -> list[dict[str, Any]]:
    """The audit log's events for ``command`` (e.g. ``key.change``), oldest first."""
    shown = cli(*keys, "audit", "show", "--json")
    assert shown.code == 0, shown.stderr
    events = [json.loads(line)["event"] for line in shown.stdout.splitlines()]
    return [event for event in events if event["command"] == command]


def act_outcomes(cli: Cli, command: str, *keys: str) -> list[dict[str, Any]]:
    """The outcomes of the acts ``command``, each checked to follow its ``started`` entry
    (the act was recorded before it changed the vault)."""
    events = audit_events(cli, command, *keys)
    started = {e["run_id"]: e for e in events if e.get("phase") == "started"}
    outcomes = [e for e in events if e.get("phase") == "outcome"]
    assert [e["run_id"] for e in outcomes] == list(started), events
    for outcome in outcomes:
        assert outcome["decision"] == "done", outcome
        assert started[outcome["run_id"]].items() - {("phase", "started")} <= outcome.items()
    return outcomes


def slots(cli: Cli, *keys: str) -> list[dict[str, Any]]:
    listed = cli(*keys, "key", "list", "--json")
    assert listed.code == 0, listed.stderr
    rows: list[dict[str, Any]] = json.loads(listed.stdout)
    return rows


def model_files(home: Path) -> set[str]:
    return {path.name for path in (home / "models").iterdir()}


def opens_everything(cli: Cli, *keys: str) -> None:
    for name in (SYNTHETIC_MODEL, SYNTHETIC_SECRET_MODEL):
        verified = cli(*keys, "model", "verify", name)
        assert verified.code == 0, verified.stderr
    verified = cli(*keys, "audit", "verify")
    assert verified.code == 0, verified.stderr


# -- key list --------------------------------------------------------------------------------


def test_key_list_shows_numbers_ids_kinds_and_the_slot_in_use(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path
) -> None:
    recovery = tmp_path / "recovery.key"
    assert cli("key", "add", "--new-key-file", str(recovery)).code == 0
    rows = slots(cli)
    assert [(r["slot"], r["kind"], r["unlocked_this"]) for r in rows] == [
        (1, "key-file", True),
        (2, "key-file", False),
    ]
    assert all(len(r["id"]) == 16 for r in rows) and rows[0]["id"] != rows[1]["id"]
    assert [r["unlocked_this"] for r in slots(cli, "--key-file", str(recovery))] == [False, True]
    text = cli("key", "list")
    assert text.code == 0 and text.stderr == ""
    lines = text.stdout.splitlines()
    assert lines[0] == f"1\t{rows[0]['id']}\tkey-file  (unlocked this command)"
    assert lines[1] == f"2\t{rows[1]['id']}\tkey-file"


# -- key change ------------------------------------------------------------------------------


def test_plain_key_change_says_it_does_not_revoke(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path
) -> None:
    before = model_files(synthetic_vault.home)
    new = tmp_path / "new.key"
    changed = cli("key", "change", "--new-key-file", str(new))
    assert changed.code == 0, changed.stderr
    assert changed.stdout == ""
    (line,) = changed.stderr.splitlines()
    assert "re-wrapping only" in line
    assert "still decrypts" in line and "--rotate" in line
    assert model_files(synthetic_vault.home) == before  # nothing re-encrypted
    refused(cli("--key-file", str(synthetic_vault.key_file), "model", "list"), 4)
    opens_everything(cli)  # the recorded path now names the new key file
    (event,) = act_outcomes(cli, "key.change")
    assert (event["rotated"], event["slot"]) == (False, "key-file")


def test_key_change_rotate_re_keys_everything(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path
) -> None:
    home = synthetic_vault.home
    before = model_files(home)
    records_before = {path.name for path in (home / "records").iterdir()}
    new = tmp_path / "new.key"
    rotated = cli("key", "change", "--rotate", "--new-key-file", str(new))
    assert rotated.code == 0, rotated.stderr
    assert rotated.stdout == ""
    assert rotated.stderr == (
        "milai: key changed and the vault key rotated (2 models re-keyed): "
        "the old key opens nothing written from now on\n"
    )
    assert new.stat().st_mode & 0o777 == 0o600
    assert model_files(home).isdisjoint(before)  # every model sealed afresh
    assert {path.name for path in (home / "records").iterdir()}.isdisjoint(records_before)
    refused(cli("--key-file", str(synthetic_vault.key_file), "model", "list"), 4)
    opens_everything(cli)
    (event,) = act_outcomes(cli, "key.change")
    assert (event["rotated"], event["slot"]) == (True, "key-file")


def test_key_change_rotate_to_a_passphrase(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path, cheap_argon2: None
) -> None:
    passphrase = tmp_path / "pass"
    passphrase.write_text(PASSPHRASE + "\n")
    rotated = cli("key", "change", "--rotate", "--new-passphrase-file", str(passphrase))
    assert rotated.code == 0, rotated.stderr
    assert not (synthetic_vault.home / KEY_FILE_HINT).exists()
    refused(cli("model", "list"), 4, "locked")
    opens_everything(cli, "--passphrase-file", str(passphrase))


@pytest.mark.parametrize("rotate", [(), ("--rotate",)], ids=["rewrap", "rotate"])
def test_key_change_bad_input_changes_nothing(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path, rotate: tuple[str, ...]
) -> None:
    before = model_files(synthetic_vault.home)
    shared = tmp_path / "shared.key"
    shared.write_bytes(os.urandom(32))
    shared.chmod(0o644)
    eleven = tmp_path / "eleven"
    eleven.write_text("elevenchars\n")
    inside = synthetic_vault.home / "new.key"
    cases: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
        (("--new-key-file", str(shared)), (str(shared), "other users", "chmod 600")),
        (("--new-key-file", str(inside)), (str(inside), "inside the vault folder")),
        (("--new-passphrase-file", str(eleven)), ("at least 12 characters",)),
        ((), ("terminal", "--new-key-file")),
    ]
    for args, nouns in cases:
        refused(cli("key", "change", *rotate, *args), 2, *nouns)
    assert not inside.exists()
    assert model_files(synthetic_vault.home) == before
    opens_everything(cli)


# -- key revoke ------------------------------------------------------------------------------


def test_key_revoke_drops_the_slot_and_rotates(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path
) -> None:
    recovery, spare = tmp_path / "recovery.key", tmp_path / "spare.key"
    for key in (recovery, spare):
        assert cli("key", "add", "--new-key-file", str(key)).code == 0
    ids = [row["id"] for row in slots(cli)]
    before = model_files(synthetic_vault.home)
    revoked = cli("key", "revoke", "2")  # by number
    assert revoked.code == 0, revoked.stderr
    assert revoked.stderr == (
        f"milai: key slot 2 (key-file, id {ids[1]}) revoked and the vault key rotated: "
        "its key opens nothing written from now on\n"
    )
    assert model_files(synthetic_vault.home).isdisjoint(before)
    refused(cli("--key-file", str(recovery), "model", "list"), 4)
    assert [row["id"] for row in slots(cli)] == [ids[0], ids[2]]  # ids survive rotation
    assert cli("key", "revoke", ids[2]).code == 0  # by id
    refused(cli("--key-file", str(spare), "model", "list"), 4)
    opens_everything(cli)
    revokes = act_outcomes(cli, "key.revoke")
    assert [(e["slot"], e["kind"]) for e in revokes] == [(ids[1], "key-file"), (ids[2], "key-file")]


def test_key_revoke_refusals(cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path) -> None:
    before = model_files(synthetic_vault.home)
    refused(cli("key", "revoke", "1"), 2, "only key slot")
    recovery = tmp_path / "recovery.key"
    assert cli("key", "add", "--new-key-file", str(recovery)).code == 0
    own = slots(cli)[0]["id"]
    for slot in ("1", own):
        refused(cli("key", "revoke", slot), 2, "unlocked with", "another key")
    for slot in ("0", "3", "deadbeefdeadbeef", own[:8], "two"):
        refused(cli("key", "revoke", slot), 2, "no key slot", "key list")
    refused(cli("key", "revoke"), 2, "slot")
    assert model_files(synthetic_vault.home) == before
    assert len(slots(cli)) == 2
    wrong = write_key_file(tmp_path / "wrong.key")
    refused(cli("--key-file", str(wrong), "key", "revoke", "2"), 4)


def test_revoking_the_recorded_key_file_forgets_it(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path
) -> None:
    recovery = tmp_path / "recovery.key"
    assert cli("key", "add", "--new-key-file", str(recovery)).code == 0
    hint = synthetic_vault.home / KEY_FILE_HINT
    assert cli("--key-file", str(recovery), "key", "revoke", "1").code == 0
    assert not hint.exists()  # it named the revoked key file
    refused(cli("model", "list"), 4, "locked")
    opens_everything(cli, "--key-file", str(recovery))


# -- revocation: an old vault.json with the old key opens nothing -----------------------------


def _old_key_opens_nothing(
    home: Path, old_json: bytes, old_key: KeySource, current_key: KeySource
) -> None:
    """With the old vault.json, the old key yields the old vault key: not one file of the
    vault as it is now opens under it (records, models, the vault state)."""
    from milai.vault import keys
    from milai.vault.state import MODEL, RECORD, VaultState
    from milai.vault.vault import _model_keys, _record_keys

    current = Vault.open(home, current_key)
    state = current._ledger.state
    old_home = home.parent / "old-json"
    old_home.mkdir(mode=0o700)
    (old_home / "vault.json").write_bytes(old_json)
    old_vault_key, _, _ = keys.read_vault_file(old_home).unlock(old_key, old_home)
    with pytest.raises(VaultIntegrityError):
        VaultState.unseal(old_vault_key, current._file)
    records = state.entries(RECORD)
    assert len(records) >= 3
    for path, entry in records:
        with pytest.raises(VaultIntegrityError):
            _record_keys(old_vault_key).open(
                entry.kind, entry.record_id, (home / path).read_bytes()
            )
    models = state.entries(MODEL)
    assert len(models) == 2
    for path, _entry in models:
        from milai.vault.container import UnverifiedModelHeader

        fd = os.open(home / path, os.O_RDONLY)
        try:
            with pytest.raises(VaultIntegrityError):
                UnverifiedModelHeader.read(fd).authenticate(_model_keys(old_vault_key))
        finally:
            os.close(fd)


@pytest.mark.parametrize("how", ["change-rotate", "revoke"])
def test_an_old_vault_json_with_the_old_key_opens_nothing_after_a_rotation(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path, how: str
) -> None:
    home = synthetic_vault.home
    old_key = tmp_path / "old.key"  # the copy a leaver kept
    shutil.copy2(synthetic_vault.key_file, old_key)
    current = tmp_path / "current.key"
    if how == "revoke":
        assert cli("key", "add", "--new-key-file", str(current)).code == 0
    old_json = (home / "vault.json").read_bytes()
    if how == "revoke":
        assert cli("--key-file", str(current), "key", "revoke", "1").code == 0
    else:
        args = ("key", "change", "--rotate", "--new-key-file", str(current))
        assert cli(*args).code == 0
    assert cli("--key-file", str(current), "settings", "set", "clearance", "RESTRICTED").code == 0
    new_json = (home / "vault.json").read_bytes()
    # the old key with the new vault.json
    refused(cli("--key-file", str(old_key), "settings", "show"), 4)
    # the old vault.json put back, with the old key
    (home / "vault.json").write_bytes(old_json)
    reads: list[tuple[str, ...]] = [
        ("settings", "show"),
        ("model", "list"),
        ("model", "verify", SYNTHETIC_MODEL),
    ]
    for read in reads:
        refused(cli("--key-file", str(old_key), *read), 4)
    (home / "vault.json").write_bytes(new_json)
    _old_key_opens_nothing(home, old_json, KeySource(key_file=old_key), KeySource(key_file=current))
    shown = cli("--key-file", str(current), "settings", "show")
    assert json.loads(shown.stdout)["clearance"] == "RESTRICTED"


# -- a rotation killed half way ----------------------------------------------------------------


def test_a_rotation_killed_half_way_is_finished_by_the_next_command(
    synthetic_vault: SyntheticVault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from milai.vault import keys
    from milai.vault.state import VaultState

    home, new = synthetic_vault.home, tmp_path / "new.key"
    before = model_files(home)
    pid = os.fork()
    if pid == 0:  # the child: run the command, SIGKILL it as it starts the second model
        try:
            from milai.vault.container import rekey_model as rekey

            calls = 0

            def rekey_then_die(*args: Any, **kwargs: Any) -> None:
                nonlocal calls
                calls += 1
                if calls == 2:
                    os.kill(os.getpid(), signal.SIGKILL)
                rekey(*args, **kwargs)

            monkeypatch.setattr("milai.vault.vault.rekey_model", rekey_then_die)
            invoke("key", "change", "--rotate", "--new-key-file", str(new))
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
    # half way: the new key opens, the old one no longer does, one model is still old
    vault_key, vault_file, _ = keys.read_vault_file(home).unlock(KeySource(key_file=new), home)
    assert VaultState.unseal(vault_key, vault_file).previous_key is not None
    assert len(model_files(home) & before) == 1
    assert (home / KEY_FILE_HINT).read_text() == str(new.resolve())
    refused(invoke("--key-file", str(synthetic_vault.key_file), "model", "list"), 4)
    listed = invoke("model", "list", "--json")  # the recorded key: the new one
    assert listed.code == 0, listed.stderr
    assert model_files(home).isdisjoint(before)
    vault_key, vault_file, _ = keys.read_vault_file(home).unlock(KeySource(key_file=new), home)
    assert VaultState.unseal(vault_key, vault_file).previous_key is None
    opens_everything(invoke)
    refused(invoke("--key-file", str(synthetic_vault.key_file), "model", "list"), 4)
    assert len(audit_events(invoke, "vault.rotation-finished")) == 1
    # recorded ahead: the killed act stands as started, with no outcome
    (started,) = audit_events(invoke, "key.change")
    assert (started["phase"], started["rotated"]) == ("started", True)
    shown = invoke("audit", "show", "--json", "--command", "key.change")
    assert json.loads(shown.stdout)["no_outcome"] is True


def test_a_rotation_failing_after_its_commit_keeps_the_new_key_file(
    synthetic_vault: SyntheticVault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk half way through re-encrypting: the new key already opens the vault and
    the old one no longer does, so the new key file, created by this command, must stay
    (it was removed with the failed block: the vault then opened with nothing)."""
    from milai.vault.container import rekey_model as rekey

    new = tmp_path / "new.key"
    calls = 0

    def full_on_the_second(*args: Any, **kwargs: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError(28, "No space left on device")
        rekey(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr("milai.vault.vault.rekey_model", full_on_the_second)
        failed = invoke("key", "change", "--rotate", "--new-key-file", str(new))
    assert failed.code == 4, failed.stderr
    assert "No space left on device" in failed.error_line()
    assert new.is_file()
    refused(invoke("--key-file", str(synthetic_vault.key_file), "model", "list"), 4)
    assert invoke("model", "list").code == 0  # the recorded key: the new one; finishes it
    opens_everything(invoke)
    assert len(audit_events(invoke, "vault.rotation-finished")) == 1
    (started, outcome) = audit_events(invoke, "key.change")
    assert (started["phase"], outcome["decision"]) == ("started", "error")


# -- key files on the command line -----------------------------------------------------------


def test_an_open_key_file_is_refused_wherever_it_comes_from(
    cli: Cli, synthetic_vault: SyntheticVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = synthetic_vault.key_file
    key_file.chmod(0o640)
    line = refused(cli("model", "list"), 2, str(key_file), "640", "chmod 600")  # recorded
    assert refused(cli("--key-file", str(key_file), "model", "list"), 2) == line
    monkeypatch.setenv("MILAI_KEY_FILE", str(key_file))
    (synthetic_vault.home / KEY_FILE_HINT).unlink()
    assert refused(cli("model", "list"), 2) == line
    assert not (synthetic_vault.home / "unlock-failures.jsonl").exists()  # not a wrong key
    key_file.chmod(0o600)
    assert cli("model", "list").code == 0


def test_init_refuses_an_open_or_misplaced_key_file(
    cli: Cli, isolated_home: Path, tmp_path: Path
) -> None:
    shared = tmp_path / "shared.key"
    shared.write_bytes(os.urandom(32))
    shared.chmod(0o604)
    refused(cli("init", "--key-file", str(shared)), 2, str(shared), "other users")
    inside = isolated_home / "vault.key"
    refused(cli("init", "--key-file", str(inside)), 2, str(inside), "inside the vault folder")
    assert not inside.exists() and not (isolated_home / "vault.json").exists()


def test_a_guessable_key_file_gets_one_warning_line(
    cli: Cli, isolated_home: Path, tmp_path: Path
) -> None:
    weak = write_key_file(tmp_path / "weak.key", b"correct horse battery staple, 2024\n")
    created = cli("init", "--key-file", str(weak))
    assert created.code == 0, created.stderr
    warning, done = created.stderr.splitlines()
    assert warning.startswith(f"milai: warning: key file {weak} may be guessable: ")
    assert "text file" in warning
    assert done == f"milai: vault created at {isolated_home}"
    listed = cli("model", "list", "--json")
    assert listed.code == 0 and listed.stdout == "[]\n"
    assert listed.stderr.splitlines() == [warning]
    # key change reads the old key twice (to open, then to find its slot): still one line
    changed = cli("key", "change", "--new-key-file", str(tmp_path / "strong.key"))
    assert changed.code == 0, changed.stderr
    assert changed.stderr.splitlines()[0] == warning
    assert len(changed.stderr.splitlines()) == 2
    quiet = cli("model", "list", "--json")
    assert quiet.code == 0 and quiet.stderr == ""


# -- the one passphrase rule on the terminal -------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "code"),
    [("elevenchars", 2), ("twelve chars", 0), ("ééééééééééé", 2), ("éééééééééééé", 0)],
    ids=["11-ascii", "12-ascii", "11-accented-22-bytes", "12-accented"],
)
def test_a_typed_passphrase_needs_12_characters(
    cli: Cli, isolated_home: Path, cheap_argon2: None, typed: str, code: int
) -> None:
    result = cli("init", tty=True, passphrases=[typed, typed])
    assert result.code == code, result.stderr
    if code:
        refused(result, code, "at least 12 characters")
