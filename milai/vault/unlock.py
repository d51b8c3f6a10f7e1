"""Unlocking the vault, in one place: where the key comes from, what makes a key file or a
passphrase acceptable, the terminal prompt, the recorded key-file path, and the notes of
failed unlocks kept while the vault is locked.

Where the key comes from, in order: ``--key-file``, ``--passphrase-file``, ``MILAI_KEY_FILE``
(which names a file: the secret itself is never in the environment), the key-file path
recorded at ``init`` (``key-file.path``), then an interactive passphrase prompt when a
terminal is attached.

Key files are held to ssh's rule for private keys: a key file that other users may read or
write, or that lies inside the vault folder it unlocks, is refused (``UsageError``). One
whose contents look guessable gets a ``WeakKeyFileWarning`` (see ``key_file_weakness``).

This module loads no cryptography, so a command that may never unlock pays nothing for it.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import json
import math
import os
import secrets
import stat
import unicodedata
import warnings
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from milai.errors import UsageError, VaultError, VaultIntegrityError, VaultLocked
from milai.files import NotRegularFile, open_regular, read_small_file

if TYPE_CHECKING:
    from milai.vault.vault import Vault

PASSPHRASE_MIN_CHARS = 12
PASSPHRASE_MAX_BYTES = 4096
KEY_FILE_MIN_BYTES = 32
KEY_FILE_MAX_BYTES = 1024 * 1024
NEW_KEY_FILE_BYTES = 32
KEY_FILE_MIN_BITS = 128  # below this estimate a key file is worth a warning

PASSPHRASE = "passphrase"  # noqa: S105 - the name of a slot kind, not a secret
KEY_FILE = "key-file"

KEY_FILE_HINT = "key-file.path"  # in the vault folder: where the key file is (a path only)
FAILED_UNLOCKS = "unlock-failures.jsonl"  # in the vault folder: wrong keys, until next unlock
FAILED_UNLOCK_EVENT = "vault.unlock-failed"
MAX_FAILED_UNLOCK_NOTES = 100  # recorded one by one; what is left, as one entry
MAX_FAILED_UNLOCK_NOTES_BYTES = 64 * 1024

AskPassphrase = Callable[[str], bytes]
RecordEvent = Callable[[dict[str, Any]], None]


class WeakKeyFileWarning(UserWarning):
    """A key file was accepted, but its contents look guessable."""


@dataclass(frozen=True)
class KeySource:
    """How to unlock the vault: exactly one of a key file or a passphrase.

    The passphrase never shows in a repr. Secrets come from files or a prompt, never from
    command-line arguments or environment values: building a ``KeySource`` is the caller's
    job (``key_source``); reading the key file is ``key_material``'s.
    """

    key_file: Path | None = None
    passphrase: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if (self.key_file is None) == (self.passphrase is None):
            raise ValueError("a KeySource needs exactly one of key_file or passphrase")
        if self.passphrase is not None and not isinstance(self.passphrase, bytes):
            raise TypeError("a passphrase is bytes (see KeySource.from_text)")

    @classmethod
    def from_text(cls, passphrase: str) -> KeySource:
        """A passphrase typed by a person: NFC-normalised, then UTF-8."""
        return cls(passphrase=unicodedata.normalize("NFC", passphrase).encode())

    @property
    def kind(self) -> str:
        return KEY_FILE if self.key_file is not None else PASSPHRASE

    def describe(self) -> str:
        """Where the key comes from, for messages (never the secret itself)."""
        if self.key_file is not None:
            return f"key file {self.key_file}"
        return "passphrase"

    def __repr__(self) -> str:
        if self.key_file is not None:
            return f"KeySource(key_file={str(self.key_file)!r})"
        return "KeySource(passphrase=<hidden>)"

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a KeySource may hold a secret and cannot be pickled")


# -- passphrases -------------------------------------------------------------------------


def check_new_passphrase(passphrase: bytes) -> None:
    """The one rule for a new passphrase, typed or from a file: at least 12 characters
    (code points of its UTF-8 text; bytes if it is not UTF-8), at most 4096 bytes.
    Raises ``UsageError``."""
    try:
        characters = len(passphrase.decode("utf-8"))
    except UnicodeDecodeError:
        characters = len(passphrase)
    if characters < PASSPHRASE_MIN_CHARS:
        raise UsageError(f"passphrase too short: use at least {PASSPHRASE_MIN_CHARS} characters")
    if len(passphrase) > PASSPHRASE_MAX_BYTES:
        raise UsageError(f"passphrase too long: at most {PASSPHRASE_MAX_BYTES} bytes")


def read_passphrase_file(path: Path) -> bytes:
    """The passphrase in ``path``, without its trailing newline. Raises ``UsageError``."""
    data = read_small_file(path, "passphrase file", PASSPHRASE_MAX_BYTES)
    passphrase = data.removesuffix(b"\n").removesuffix(b"\r")
    if not passphrase:
        raise UsageError(f"passphrase file {path} is empty")
    return passphrase


def terminal_passphrase() -> AskPassphrase | None:
    """Ask on the controlling terminal (never on stdin, which may carry the material), or
    None when there is no terminal."""
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return None
    os.close(fd)

    def ask(prompt: str) -> bytes:
        return getpass.getpass(prompt).encode("utf-8")

    return ask


# -- key files ---------------------------------------------------------------------------


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _check_key_file_place(path: Path, vault_home: Path | None) -> None:
    if vault_home is not None and _inside(path, vault_home):
        raise UsageError(
            f"key file {path} lies inside the vault folder {vault_home}",
            hint="keep the key apart from what it unlocks, e.g. on removable media",
        )


def _check_key_file_mode(path: Path, info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"key file {path} is not a regular file")
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        raise UsageError(
            f"key file {path} is accessible to other users (mode {mode:03o})",
            hint=f"restrict it: chmod 600 {path}; on removable media, mount with fmask=0077",
        )


def key_file_weakness(data: bytes) -> str | None:
    """Why a key file's contents look guessable, or None. Two cheap signs:

    - text: UTF-8 with whitespace inside (a document, ``/etc/passwd``, a sentence), rather
      than random bytes or a single hex or base64 run;
    - an entropy estimate under 128 bits: the smaller of 8 bits per byte of its raw DEFLATE
      compression and length * log2(distinct byte values). 32 random bytes estimate about
      155 bits, 64 hex digits 256; repeated bytes, or a pattern repeated with a period of up
      to about 10 bytes, estimate less than 128.

    Neither proves strength (a public file can look random); they catch the usual mistakes.
    """
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        text = None
    if text is not None and any(char.isspace() for char in text):
        return "it looks like a text file"
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    compressed_bits = 8 * len(deflate.compress(data) + deflate.flush())
    symbol_bits = len(data) * math.log2(len(set(data))) if data else 0.0
    estimate = min(compressed_bits, symbol_bits)
    if estimate < KEY_FILE_MIN_BITS:
        return f"it holds about {estimate:.0f} bits of entropy (repeated bytes or a pattern)"
    return None


def read_key_file(path: Path, *, vault_home: Path | None = None) -> bytes:
    """The secret material in a key file, checked like ssh checks a private key.

    Raises ``VaultLocked`` when it is missing or unreadable, ``UsageError`` when it is not
    a usable key file: not a regular file, accessible to other users, inside ``vault_home``,
    under 32 bytes or over 1 MiB. Warns (``WeakKeyFileWarning``) when it looks guessable.
    """
    _check_key_file_place(path, vault_home)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except FileNotFoundError:
        raise VaultLocked(
            f"key file {path} not found",
            hint="insert the media that holds it, or give --key-file PATH",
        ) from None
    except IsADirectoryError:
        raise UsageError(f"key file {path} is a directory") from None
    except OSError as error:
        raise VaultLocked(f"cannot read key file {path}: {error.strerror}") from None
    try:
        with os.fdopen(fd, "rb") as handle:
            _check_key_file_mode(path, os.fstat(handle.fileno()))
            data = handle.read(KEY_FILE_MAX_BYTES + 1)
    except IsADirectoryError:
        raise UsageError(f"key file {path} is a directory") from None
    except OSError as error:
        raise VaultLocked(f"cannot read key file {path}: {error.strerror}") from None
    if len(data) < KEY_FILE_MIN_BYTES:
        raise UsageError(
            f"key file {path} holds {len(data)} bytes; a key file needs at least "
            f"{KEY_FILE_MIN_BYTES} bytes of secret material",
            hint="give a path that does not exist yet and milai creates a new key file there",
        )
    if len(data) > KEY_FILE_MAX_BYTES:
        raise UsageError(f"key file {path} is larger than {KEY_FILE_MAX_BYTES} bytes")
    weakness = key_file_weakness(data)
    if weakness is not None:
        warnings.warn(
            f"key file {path} may be guessable: {weakness} (a key file should hold random "
            "bytes: give a path that does not exist and milai creates one)",
            WeakKeyFileWarning,
            stacklevel=2,
        )
    return data


def create_key_file(path: Path, *, vault_home: Path | None = None) -> bytes:
    """Write 32 fresh random bytes to a new file ``path`` (0600, ``O_EXCL``); return them.
    Raises ``UsageError`` when it cannot, or when ``path`` lies inside ``vault_home``."""
    from milai.vault._fs import write_new_private_file

    _check_key_file_place(path, vault_home)
    secret = secrets.token_bytes(NEW_KEY_FILE_BYTES)
    try:
        write_new_private_file(path, secret)
    except FileExistsError:
        raise UsageError(f"key file {path} appeared while milai was creating it") from None
    except OSError as error:
        with contextlib.suppress(OSError):
            path.unlink()  # ours, half written: no file is better than a short key
        raise UsageError(f"cannot create key file {path}: {error.strerror}") from None
    return secret


@contextlib.contextmanager
def new_key_material(key: KeySource, *, vault_home: Path | None = None) -> Iterator[bytes]:
    """The secret behind ``key`` for a new slot of the vault in ``vault_home``. A missing
    key file is created (32 random bytes, 0600), and removed again if the block fails."""
    if key.key_file is None:
        passphrase = _passphrase_of(key)
        check_new_passphrase(passphrase)
        yield passphrase
        return
    if os.path.lexists(key.key_file):
        yield read_key_file(key.key_file, vault_home=vault_home)
        return
    secret = create_key_file(key.key_file, vault_home=vault_home)
    try:
        yield secret
    except BaseException:
        with contextlib.suppress(OSError):
            key.key_file.unlink()
        raise


def key_material(key: KeySource, *, vault_home: Path | None = None) -> bytes:
    """The secret behind ``key`` for unlocking the vault in ``vault_home`` (nothing is
    created). Raises as ``read_key_file`` does; ``VaultIntegrityError`` for a passphrase
    no slot could hold."""
    if key.key_file is not None:
        return read_key_file(key.key_file, vault_home=vault_home)
    passphrase = _passphrase_of(key)
    if not passphrase or len(passphrase) > PASSPHRASE_MAX_BYTES:
        raise VaultIntegrityError()
    return passphrase


def _passphrase_of(key: KeySource) -> bytes:
    if key.passphrase is None:
        raise ValueError("this KeySource holds a key file, not a passphrase")
    return key.passphrase


# -- choosing the key --------------------------------------------------------------------


@dataclass(frozen=True)
class Unlock:
    """How the person running the command said to unlock the vault (paths, never secrets),
    and how to ask them on a terminal (None: there is none)."""

    key_file: Path | None = None
    passphrase_file: Path | None = None
    ask: AskPassphrase | None = None


def key_source(home: Path, unlock: Unlock) -> KeySource:
    """Pick the key as the module docstring says. Raises ``VaultLocked`` when there is none,
    ``UsageError`` for an unreadable passphrase file."""
    if unlock.key_file is not None:
        return KeySource(key_file=unlock.key_file)
    if unlock.passphrase_file is not None:
        return KeySource(passphrase=read_passphrase_file(unlock.passphrase_file))
    named = os.environ.get("MILAI_KEY_FILE")
    if named:
        return KeySource(key_file=Path(named).expanduser())
    hint = home / KEY_FILE_HINT
    if hint.is_file():
        return KeySource(key_file=_recorded_key_file(hint))
    if unlock.ask is not None:
        return KeySource(passphrase=unlock.ask("Vault passphrase: "))
    raise VaultLocked(
        "the vault is locked: no key file and no terminal to ask for the passphrase",
        hint="give --key-file PATH or --passphrase-file PATH, or set MILAI_KEY_FILE to a key file",
    )


def new_key_source(
    key_file: Path | None,
    passphrase_file: Path | None,
    ask: AskPassphrase | None,
    *,
    options: tuple[str, str] = ("--key-file", "--passphrase-file"),
) -> KeySource:
    """The key for a new vault or a new slot: a key file, a passphrase file, or a passphrase
    typed twice on the terminal (``options`` name the two flags for messages). Raises
    ``UsageError``."""
    key_option, passphrase_option = options
    if key_file is not None and passphrase_file is not None:
        raise UsageError(f"give either {key_option} or {passphrase_option}, not both")
    if key_file is not None:
        return KeySource(key_file=key_file)
    if passphrase_file is not None:
        new = KeySource(passphrase=read_passphrase_file(passphrase_file))
    elif ask is None:
        raise UsageError(
            f"no terminal to ask for a passphrase: give {key_option} or {passphrase_option}"
        )
    else:
        new = KeySource(passphrase=ask("New vault passphrase: "))
        if ask("Repeat it: ") != new.passphrase:
            raise UsageError("the passphrases differ")
    check_new_passphrase(_passphrase_of(new))
    return new


def open_vault(home: Path, unlock: Unlock) -> tuple[Vault, KeySource]:
    """Unlock the vault in ``home`` with the key ``unlock`` leads to; return it and that key.

    A wrong key is noted outside the vault (``FAILED_UNLOCKS``) before it is raised, for
    the audit log to take in at the next unlock. Raises as ``Vault.open`` does.
    """
    from milai.vault.vault import Vault

    if not Vault.exists(home):
        raise VaultLocked(
            f"no vault at {home}", hint="create one with `milai init`, or set MILAI_HOME"
        )
    key = key_source(home, unlock)
    try:
        vault = Vault.open(home, key)
    except VaultIntegrityError:
        _note_failed_unlock(home, key)
        raise
    return vault, key


# -- what the vault folder remembers in plaintext -----------------------------------------


def _recorded_key_file(hint: Path) -> Path:
    try:
        # the path's bytes as the operating system has them (a name need not be UTF-8)
        recorded = os.fsdecode(hint.read_bytes().strip())
    except OSError:
        recorded = ""
    if not recorded or "\x00" in recorded:  # no path holds a NUL (open() would raise)
        raise VaultLocked(
            f"the recorded key-file path in {hint} is unreadable",
            hint="give --key-file PATH, or remove that file",
        )
    return Path(recorded)


def remember_key_file(home: Path, key_file: Path) -> None:
    """Record where the key file lives (a path, not a secret) so later commands find it."""
    from milai.vault._fs import atomic_write

    atomic_write(home / KEY_FILE_HINT, os.fsencode(key_file.resolve()))


def recorded_key_file(home: Path) -> Path | None:
    """The key-file path recorded in ``home``, or None when there is none (or it is
    unreadable: ``key_source`` says so when it matters)."""
    hint = home / KEY_FILE_HINT
    if not hint.is_file():
        return None
    try:
        return _recorded_key_file(hint)
    except VaultLocked:
        return None


def forget_key_file(home: Path, key_file: Path | None = None) -> None:
    """Drop the recorded key-file path (the vault is now unlocked some other way); with
    ``key_file``, only when the record names that file."""
    if key_file is not None:
        recorded = recorded_key_file(home)
        if recorded is None or recorded.resolve() != key_file.resolve():
            return
    (home / KEY_FILE_HINT).unlink(missing_ok=True)


def _note_failed_unlock(home: Path, key: KeySource) -> None:
    """Note a wrong key outside the vault (time and kind of key only, never the secret)."""
    attempt = {"time": datetime.now(UTC).isoformat(timespec="seconds"), "with": key.kind}
    line = (json.dumps(attempt) + "\n").encode()
    # Never through a symbolic link: a planted one would append to any file we may write.
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    for _ in range(3):  # a file moved to the log while we waited: note in a fresh one
        try:
            fd = os.open(home / FAILED_UNLOCKS, flags, 0o600)
        except OSError:
            return  # best effort: the refusal itself is what protects the vault
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.fstat(fd).st_nlink:
                os.write(fd, line)
                return
        except OSError:
            return
        finally:
            os.close(fd)


def move_failed_unlocks(home: Path, record: RecordEvent) -> None:
    """Move the failed unlocks noted while the vault was locked into the audit log through
    ``record`` (they could not be authenticated then: the audit key lives in the vault).

    Under the notes' own lock, so a note written meanwhile waits and is never lost, and two
    commands never move the same notes twice. The first ``MAX_FAILED_UNLOCK_NOTES`` notes are
    recorded one by one, whatever is left as one entry counting its bytes.

    Raises ``VaultIntegrityError`` (exit 4) naming the file when something other than a
    regular file stands in its place (a symbolic link, a directory, a pipe), as for every
    other file of the vault: it is never read, and the command stops until it is removed.
    Raises ``VaultError`` when it cannot be read.
    """
    notes = home / FAILED_UNLOCKS
    while True:
        try:
            fd = open_regular(notes, os.O_RDONLY)
        except FileNotFoundError:
            return
        except NotRegularFile as error:
            raise VaultIntegrityError(
                f"{FAILED_UNLOCKS} in the vault folder is {error.strerror}, not a regular "
                "file (failed-unlock notes are never read through anything else)",
                hint=f"look at what it is, then remove it: {notes}",
            ) from None
        except OSError as error:
            raise VaultError(f"cannot read {FAILED_UNLOCKS}: {error.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            status = os.fstat(fd)
            if not status.st_nlink:
                continue  # another command moved these notes while we waited: look again
            data = os.read(fd, MAX_FAILED_UNLOCK_NOTES_BYTES)
            lines = data.split(b"\n")[:-1][:MAX_FAILED_UNLOCK_NOTES]  # whole lines only
            for line in lines:
                record({"command": FAILED_UNLOCK_EVENT, "attempt": _note(line)})
            left = status.st_size - sum(len(line) + 1 for line in lines)
            if left > 0:
                record({"command": FAILED_UNLOCK_EVENT, "attempt": {"not_read_bytes": left}})
            notes.unlink(missing_ok=True)  # still under the lock: a waiting note starts anew
            return
        finally:
            os.close(fd)


def _note(line: bytes) -> dict[str, Any]:
    """A note as the audit log keeps it: exactly what ``_note_failed_unlock`` writes (a past
    time with its zone and a kind of key), marked unauthenticated; anything else only as
    malformed, by its size. The notes are written while the vault is locked, so anyone who
    can write the vault folder can write them: the log must not authenticate their words."""
    try:
        note = json.loads(line)
    except ValueError:
        note = None
    if (
        isinstance(note, dict)
        and note.keys() == {"time", "with"}
        and note["with"] in (KEY_FILE, PASSPHRASE)
        and isinstance(note["time"], str)
    ):
        try:
            when = datetime.fromisoformat(note["time"])
        except ValueError:
            when = None
        if when is not None and when.tzinfo is not None and when <= datetime.now(UTC):
            time = when.astimezone(UTC).isoformat(timespec="seconds")
            return {"time": time, "with": note["with"], "unauthenticated": True}
    return {"malformed_bytes": len(line)}
