"""Unlocking in one place (milai/vault/unlock.py): key files held to ssh's rule (private,
regular, outside the vault folder), the guessable-key-file warning, the one passphrase
rule, where the key comes from, and the recorded key-file path."""

from __future__ import annotations

import errno
import os
import stat
import threading
import warnings
from pathlib import Path
from typing import Any

import pytest

from milai.errors import UsageError, VaultIntegrityError, VaultLocked
from milai.vault import KeySource, Vault
from milai.vault.unlock import (
    KEY_FILE_HINT,
    PASSPHRASE_MIN_CHARS,
    Unlock,
    WeakKeyFileWarning,
    check_new_passphrase,
    forget_key_file,
    key_file_weakness,
    key_source,
    read_key_file,
    remember_key_file,
)
from tests.helpers import write_key_file

# -- ssh's rule ----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620, 0o602, 0o660, 0o666, 0o610])
def test_a_key_file_others_may_read_or_write_is_refused(
    vault: Vault, isolated_home: Path, key_file: Path, mode: int
) -> None:
    key_file.chmod(mode)
    with pytest.raises(UsageError) as caught:
        Vault.open(isolated_home, KeySource(key_file=key_file))
    message = caught.value.message
    assert str(key_file) in message and f"{mode:03o}" in message
    assert caught.value.exit_code == 2
    assert caught.value.hint and f"chmod 600 {key_file}" in caught.value.hint
    key_file.chmod(0o600)
    Vault.open(isolated_home, KeySource(key_file=key_file))


@pytest.mark.parametrize("mode", [0o600, 0o400, 0o700])
def test_a_private_key_file_opens(
    vault: Vault, isolated_home: Path, key_file: Path, mode: int
) -> None:
    key_file.chmod(mode)
    Vault.open(isolated_home, KeySource(key_file=key_file))


def test_an_existing_open_key_file_is_refused_at_create_and_for_new_slots(
    isolated_home: Path, tmp_path: Path, key: KeySource
) -> None:
    shared = write_key_file(tmp_path / "shared.key", os.urandom(32), 0o644)
    with pytest.raises(UsageError, match="accessible to other users"):
        Vault.create(isolated_home, KeySource(key_file=shared))
    assert not Vault.exists(isolated_home)
    vault = Vault.create(isolated_home, key)
    with pytest.raises(UsageError, match="accessible to other users"):
        vault.add_key_slot(KeySource(key_file=shared))
    with pytest.raises(UsageError, match="accessible to other users"):
        vault.change_key(key, KeySource(key_file=shared))
    assert vault.key_slots() == ["key-file"]
    Vault.open(isolated_home, key)


def test_a_key_file_inside_the_vault_folder_is_refused(
    vault: Vault, isolated_home: Path, key_file: Path, key: KeySource, tmp_path: Path
) -> None:
    inside = isolated_home / "records" / "new.key"
    with pytest.raises(UsageError, match="inside the vault folder") as caught:
        vault.add_key_slot(KeySource(key_file=inside))
    assert not inside.exists()  # refused before it was created
    assert caught.value.hint and "removable media" in caught.value.hint
    # the vault's own key moved into the folder, or reached through a link from outside
    moved = isolated_home / "milai.key"
    os.link(key_file, moved)
    with pytest.raises(UsageError, match="inside the vault folder"):
        Vault.open(isolated_home, KeySource(key_file=moved))
    link = tmp_path / "link.key"
    link.symlink_to(moved)
    with pytest.raises(UsageError, match="inside the vault folder"):
        Vault.open(isolated_home, KeySource(key_file=link))
    Vault.open(isolated_home, key)


def test_init_inside_the_vault_folder_creates_nothing(isolated_home: Path) -> None:
    with pytest.raises(UsageError, match="inside the vault folder"):
        Vault.create(isolated_home, KeySource(key_file=isolated_home / "vault.key"))
    assert not (isolated_home / "vault.key").exists()
    assert not Vault.exists(isolated_home)


def test_a_key_file_that_is_not_a_regular_file_is_refused(
    vault: Vault, isolated_home: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "fifo.key"
    os.mkfifo(fifo, 0o600)
    with pytest.raises(UsageError, match="not a regular file"):  # and it does not hang
        Vault.open(isolated_home, KeySource(key_file=fifo))
    with pytest.raises(UsageError, match="not a regular file"):
        Vault.open(isolated_home, KeySource(key_file=Path("/dev/urandom")))


# -- guessable key files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(os.urandom(32), id="32-random-bytes"),
        pytest.param(os.urandom(4096), id="4k-random-bytes"),
        pytest.param(os.urandom(32).hex().encode() + b"\n", id="hex"),
        pytest.param(os.urandom(48).hex().upper().encode(), id="hex-upper"),
        pytest.param(__import__("base64").b64encode(os.urandom(33)) + b"\n", id="base64"),
    ],
)
def test_random_key_material_is_not_called_weak(data: bytes) -> None:
    assert key_file_weakness(data) is None


def test_no_random_32_bytes_is_called_weak() -> None:
    # the estimate for 32 random bytes sits near 155 bits; the floor is 128
    assert all(key_file_weakness(os.urandom(32)) is None for _ in range(2000))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x00" * 64, "bits"),
        (b"a" * 4096, "bits"),
        (b"ab" * 32, "bits"),
        (b"01234567" * 16, "bits"),
        (bytes(range(8)) * 32, "bits"),
        (b"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n", "text"),
        (b"my secret key for the vault, do not share", "text"),
        ("Schlüssel für den Tresor, bitte geheim halten".encode(), "text"),
    ],
    ids=[
        "zeros",
        "one-letter",
        "two-letters",
        "hex-pattern",
        "byte-pattern",
        "passwd",
        "sentence",
        "german-sentence",
    ],
)
def test_guessable_key_material_is_called_weak(data: bytes, reason: str) -> None:
    weakness = key_file_weakness(data)
    assert weakness is not None and reason in weakness


def test_a_guessable_key_file_warns_but_opens(isolated_home: Path, tmp_path: Path) -> None:
    weak = write_key_file(tmp_path / "weak.key", b"x" * 40)
    with pytest.warns(WeakKeyFileWarning, match=str(weak)):
        vault = Vault.create(isolated_home, KeySource(key_file=weak))
    with pytest.warns(WeakKeyFileWarning, match="bits of entropy"):
        Vault.open(isolated_home, KeySource(key_file=weak))
    strong = write_key_file(tmp_path / "strong.key", os.urandom(32))
    with warnings.catch_warnings():
        warnings.simplefilter("error", WeakKeyFileWarning)
        vault.add_key_slot(KeySource(key_file=strong))
        Vault.open(isolated_home, KeySource(key_file=strong))


def test_read_key_file_checks_size_after_mode(tmp_path: Path) -> None:
    short = write_key_file(tmp_path / "short.key", b"x" * 31, 0o644)
    with pytest.raises(UsageError, match="accessible"):
        read_key_file(short)
    short.chmod(0o600)
    with pytest.raises(UsageError, match="at least 32 bytes"):
        read_key_file(short)
    with pytest.raises(VaultLocked, match="not found"):
        read_key_file(tmp_path / "missing.key")


# -- the one passphrase rule -----------------------------------------------------------------


def test_the_passphrase_rule_counts_characters() -> None:
    assert PASSPHRASE_MIN_CHARS == 12
    check_new_passphrase(b"x" * 12)
    check_new_passphrase(("é" * 12).encode())  # 24 bytes, 12 characters
    for short in (b"x" * 11, ("é" * 11).encode(), ("密" * 11).encode()):  # up to 33 bytes
        with pytest.raises(UsageError, match="at least 12 characters"):
            check_new_passphrase(short)
    with pytest.raises(UsageError, match="too long"):
        check_new_passphrase(b"x" * 4097)


def test_the_library_applies_the_passphrase_rule(isolated_home: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="at least 12 characters"):
        Vault.create(isolated_home, KeySource(passphrase=b"elevenchars"), argon2_target_seconds=0)
    vault = Vault.create(
        isolated_home, KeySource(passphrase=b"twelve chars"), argon2_target_seconds=0
    )
    with pytest.raises(UsageError, match="at least 12 characters"):
        vault.add_key_slot(KeySource(passphrase=b"short one"), argon2_target_seconds=0)


# -- where the key comes from ----------------------------------------------------------------


def test_key_source_order(
    isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolated_home.mkdir(mode=0o700)
    given, named, recorded = tmp_path / "given", tmp_path / "named", tmp_path / "recorded"
    passphrase = write_key_file(tmp_path / "pass", b"a long passphrase\n")
    asked: list[str] = []

    def ask(prompt: str) -> bytes:
        asked.append(prompt)
        return b"typed"

    everything = Unlock(key_file=given, passphrase_file=passphrase, ask=ask)
    assert key_source(isolated_home, everything).key_file == given
    without_file = Unlock(passphrase_file=passphrase, ask=ask)
    assert key_source(isolated_home, without_file).passphrase == b"a long passphrase"
    remember_key_file(isolated_home, recorded)
    monkeypatch.setenv("MILAI_KEY_FILE", str(named))
    assert key_source(isolated_home, Unlock(ask=ask)).key_file == named
    monkeypatch.delenv("MILAI_KEY_FILE")
    assert key_source(isolated_home, Unlock(ask=ask)).key_file == recorded.resolve()
    forget_key_file(isolated_home, tmp_path / "another")  # names another file: kept
    assert (isolated_home / KEY_FILE_HINT).exists()
    forget_key_file(isolated_home, recorded)
    assert not (isolated_home / KEY_FILE_HINT).exists()
    assert key_source(isolated_home, Unlock(ask=ask)).passphrase == b"typed"
    assert asked == ["Vault passphrase: "]
    with pytest.raises(VaultLocked, match="no terminal"):
        key_source(isolated_home, Unlock())


def test_a_wrong_key_is_noted_without_the_secret(
    vault: Vault, isolated_home: Path, tmp_path: Path
) -> None:
    from milai.vault.unlock import FAILED_UNLOCKS, move_failed_unlocks, open_vault

    wrong = write_key_file(tmp_path / "wrong.key", os.urandom(32))
    with pytest.raises(VaultIntegrityError):
        open_vault(isolated_home, Unlock(key_file=wrong))
    notes = (isolated_home / FAILED_UNLOCKS).read_text()
    assert '"with": "key-file"' in notes and wrong.read_bytes().hex() not in notes
    recorded: list[dict[str, object]] = []
    move_failed_unlocks(isolated_home, recorded.append)
    assert [event["command"] for event in recorded] == ["vault.unlock-failed"]
    assert not (isolated_home / FAILED_UNLOCKS).exists()


def test_a_failed_unlock_note_never_follows_a_planted_link(tmp_path: Path) -> None:
    from milai.vault.unlock import FAILED_UNLOCKS, _note_failed_unlock

    home, victim = tmp_path / "home", tmp_path / "victim.txt"
    home.mkdir()
    victim.write_text("untouched\n")
    (home / FAILED_UNLOCKS).symlink_to(victim)
    _note_failed_unlock(home, KeySource(key_file=tmp_path / "some.key"))
    assert victim.read_text() == "untouched\n"


def _note_lines(count: int) -> str:
    return "".join(
        f'{{"time": "{_time(number)}", "with": "key-file"}}\n' for number in range(count)
    )


def _time(number: int) -> str:
    return f"2026-01-01T{number // 3600:02d}:{number // 60 % 60:02d}:{number % 60:02d}+00:00"


def test_a_note_written_while_notes_are_moved_waits_and_is_kept(tmp_path: Path) -> None:
    from milai.vault.unlock import FAILED_UNLOCKS, _note_failed_unlock, move_failed_unlocks

    (tmp_path / FAILED_UNLOCKS).write_text(_note_lines(1))
    recorded: list[dict[str, Any]] = []
    writer = threading.Thread(
        target=_note_failed_unlock, args=(tmp_path, KeySource(key_file=tmp_path / "wrong.key"))
    )

    def record(event: dict[str, Any]) -> None:
        recorded.append(event)
        if not writer.is_alive() and len(recorded) == 1:
            writer.start()  # a wrong key, tried while the first note is being moved
            writer.join(timeout=0.5)  # it waits for the notes' lock

    move_failed_unlocks(tmp_path, record)
    writer.join()
    assert [event["attempt"]["time"] for event in recorded] == [_time(0)]
    move_failed_unlocks(tmp_path, recorded.append)  # the next command moves the new note
    assert len(recorded) == 2 and recorded[1]["attempt"]["with"] == "key-file"
    assert not (tmp_path / FAILED_UNLOCKS).exists()


def test_two_commands_never_move_the_same_notes_twice(tmp_path: Path) -> None:
    from milai.vault.unlock import FAILED_UNLOCKS, move_failed_unlocks

    (tmp_path / FAILED_UNLOCKS).write_text(_note_lines(2))
    recorded: list[dict[str, Any]] = []
    other = threading.Thread(target=move_failed_unlocks, args=(tmp_path, recorded.append))

    def record(event: dict[str, Any]) -> None:
        recorded.append(event)
        if not other.is_alive() and len(recorded) == 1:
            other.start()  # a second command opens the vault meanwhile
            other.join(timeout=0.5)

    move_failed_unlocks(tmp_path, record)
    other.join()
    assert [event["attempt"]["time"] for event in recorded] == [_time(0), _time(1)]


def test_notes_are_moved_up_to_a_cap_and_the_rest_is_counted(tmp_path: Path) -> None:
    from milai.vault.unlock import (
        FAILED_UNLOCKS,
        MAX_FAILED_UNLOCK_NOTES,
        move_failed_unlocks,
    )

    notes = tmp_path / FAILED_UNLOCKS
    notes.write_text(_note_lines(MAX_FAILED_UNLOCK_NOTES + 50) + "x" * (8 << 20) + "\n")
    size = notes.stat().st_size
    recorded: list[dict[str, Any]] = []
    move_failed_unlocks(tmp_path, recorded.append)
    assert len(recorded) == MAX_FAILED_UNLOCK_NOTES + 1
    moved = len(_note_lines(MAX_FAILED_UNLOCK_NOTES))
    assert recorded[-1]["attempt"] == {"not_read_bytes": size - moved}
    assert not notes.exists()


@pytest.mark.parametrize(
    ("kind", "what"),
    [("link", "a symbolic link"), ("fifo", "a named pipe"), ("directory", "a directory")],
)
def test_notes_that_are_not_a_regular_file_are_refused_never_read(
    tmp_path: Path, kind: str, what: str
) -> None:
    from milai.vault.unlock import FAILED_UNLOCKS, move_failed_unlocks

    notes, victim = tmp_path / FAILED_UNLOCKS, tmp_path / "victim.jsonl"
    victim.write_text('{"secret": "elsewhere"}\n')
    if kind == "link":
        notes.symlink_to(victim)
    elif kind == "fifo":
        os.mkfifo(notes, 0o600)
    else:
        notes.mkdir()
    recorded: list[dict[str, Any]] = []
    with pytest.raises(VaultIntegrityError) as refused:  # and a pipe does not hang it
        move_failed_unlocks(tmp_path, recorded.append)
    assert refused.value.message == (
        f"{FAILED_UNLOCKS} in the vault folder is {what}, not a regular file (failed-unlock "
        "notes are never read through anything else)"
    )
    assert refused.value.exit_code == 4
    assert recorded == []
    assert os.path.lexists(notes) and victim.read_text() == '{"secret": "elsewhere"}\n'


def test_a_new_key_file_is_written_through_the_vaults_private_file_writer(
    tmp_path: Path,
) -> None:
    from milai.vault._fs import fault_hook
    from milai.vault.unlock import create_key_file

    steps: list[str] = []
    with fault_hook(steps.append):
        secret = create_key_file(tmp_path / "new.key")
    assert steps == ["create", "fsync", "fsync folder"]
    assert (tmp_path / "new.key").read_bytes() == secret
    assert stat.S_IMODE((tmp_path / "new.key").stat().st_mode) == 0o600

    def fail_at_fsync(step: str) -> None:
        if step == "fsync":
            raise OSError(errno.EIO, "Input/output error")

    with fault_hook(fail_at_fsync), pytest.raises(UsageError, match="cannot create key file"):
        create_key_file(tmp_path / "half.key")
    assert not (tmp_path / "half.key").exists()  # no short key file left behind


@pytest.mark.parametrize(
    "line",
    [
        '{"time": "1999-01-01T00:00:00+00:00", "with": "key-file", "decision": "allow"}',
        '{"time": "1999-01-01T00:00:00+00:00", "with": "a story"}',
        '{"time": "2999-01-01T00:00:00+00:00", "with": "key-file"}',
        '{"time": "1999-01-01T00:00:00", "with": "passphrase"}',
        '{"time": 0, "with": "passphrase"}',
        '["time", "with"]',
        "any words at all",
    ],
)
def test_a_planted_note_reaches_the_log_only_as_its_size(tmp_path: Path, line: str) -> None:
    """Notes are written while the vault is locked: the log authenticates none of their words."""
    from milai.vault.unlock import FAILED_UNLOCKS, move_failed_unlocks

    (tmp_path / FAILED_UNLOCKS).write_text(_note_lines(1) + line + "\n")
    recorded: list[dict[str, Any]] = []
    move_failed_unlocks(tmp_path, recorded.append)
    assert [event["attempt"] for event in recorded] == [
        {"time": _time(0), "with": "key-file", "unauthenticated": True},
        {"malformed_bytes": len(line.encode())},
    ]
