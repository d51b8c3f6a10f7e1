"""The vault state: one sealed manifest of every file the vault holds, with a generation
counter, kept inside ``vault.json`` so that the key slots and the state change together.

Each record and model file is listed by its path with what it is (kind and id, or model
name), its size and a SHA-256: of the whole file for a record, of the authenticated header
for a model (the body's Cobblestone context binds that header's hash, so the header pins
the body). Every command that opens the vault checks the folder's structure against it, in
time that does not grow with what the records hold: the names in ``records/`` and ``models/``
are exactly the listed ones (none missing, none extra), each is a regular file (no symbolic
link; the type comes with the listing, so no file is opened or even ``stat``-ed), and each
model's header has the listed digest. A record's size and digest are checked when it is read,
before it is decrypted (records.py), so altered, truncated, swapped or older content is
never used; ``check(full=True)`` (``milai audit verify``) hashes every file now.
Either way a file that is not what the state lists is ``VaultIntegrityError`` with one line
naming the file. Only a rollback of the whole folder, ``vault.json`` included, cannot be
seen from inside; the generation, exported in audit checkpoints, is the anchor for that.

An update, under the vault lock: write the new file to a temp (fsync), then write
``vault.json`` with the next generation, listing the new file and a *pending* rename of the
temp (temp, fsync, rename, fsync the folder: the commit point), then rename the temp into
place. A process killed before the commit leaves the old state (its temps are stale and
removed); killed after it, the next open completes the pending renames and removals (rolls
forward). Pending steps stay listed until the next update; a completed one costs nothing.

The append-only audit log is not pinned by digest (every run appends to it, and a manifest
write per entry would be too dear): each update records its size as a floor, and a log
that is missing or shorter than its floor is refused. Its entries' integrity is the audit
log's own business.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from milai.errors import VaultError, VaultIntegrityError, VaultLocked
from milai.files import NotRegularFile, open_regular
from milai.vault import _crypto, keys
from milai.vault._fs import (
    TEMP_SUFFIX,
    atomic_write,
    commit_temp,
    durable_unlink,
    locked_or_refused,
    remove_stale_temps,
)
from milai.vault.container import UnverifiedModelHeader
from milai.vault.layout import VAULT_FILE

STATE_FORMAT = 1
STATE_AAD = b"milai-vault/state v1\x00"
VAULT_LOCK = ".vault.lock"
RECORDS_DIR = "records"
MODELS_DIR = "models"
RECORD = "record"
MODEL = "model"
# Append-only files pinned by a size floor, not a digest (see the module docstring).
APPEND_ONLY = ("audit.log",)
MAX_HEADER_READ = 128 * 1024

RESTORE_HINT = "restore the whole vault folder from a backup, or create a new vault"


@dataclass(frozen=True)
class FileEntry:
    """One file of the vault as the state knows it."""

    role: str  # RECORD or MODEL
    sha256: str  # a record: of the whole file; a model: of its header
    size: int  # of the whole file
    epoch: int  # which vault key it is sealed under
    kind: str = ""  # a record's kind
    record_id: str = ""  # a record's id
    name: str = ""  # a model's name

    def describe(self, path: str) -> str:
        """What the file is, for a message (names and kinds, never contents)."""
        if self.role == MODEL:
            return f"the model file of {self.name!r} ({path})"
        if self.kind.startswith("_"):
            return f"a vault-internal record ({path})"
        article = "an" if self.kind[0] in "aeiou" else "a"
        return f"{article} {self.kind} record ({path})"

    def to_json(self) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "role": self.role,
            "sha256": self.sha256,
            "size": self.size,
            "epoch": self.epoch,
        }
        if self.role == RECORD:
            fields |= {"kind": self.kind, "id": self.record_id}
        else:
            fields["name"] = self.name
        return fields

    @classmethod
    def from_json(cls, raw: object) -> FileEntry:
        if not isinstance(raw, dict):
            raise VaultIntegrityError()
        role = raw.get("role")
        extra = {"kind": str, "id": str} if role == RECORD else {"name": str}
        if role not in (RECORD, MODEL):
            raise VaultIntegrityError()
        expected = {"role": str, "sha256": str, "size": int, "epoch": int, **extra}
        _check_fields(raw, expected)
        return cls(
            role=role,
            sha256=raw["sha256"],
            size=raw["size"],
            epoch=raw["epoch"],
            kind=raw.get("kind", ""),
            record_id=raw.get("id", ""),
            name=raw.get("name", ""),
        )


@dataclass(frozen=True)
class Pending:
    """A step of the last update that may not have happened yet: rename ``temp`` to
    ``path``, or (``temp`` is None) remove ``path``."""

    path: str
    temp: str | None


@dataclass(frozen=True)
class VaultState:
    generation: int
    epoch: int
    files: Mapping[str, FileEntry]
    pending: tuple[Pending, ...] = ()
    previous_key: bytes | None = field(default=None, repr=False)  # while rotating
    logs: Mapping[str, int] = field(default_factory=dict)
    _folders: dict[str, dict[str, FileEntry]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def to_json(self) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "generation": self.generation,
            "epoch": self.epoch,
            "files": {path: entry.to_json() for path, entry in sorted(self.files.items())},
            "pending": [{"path": step.path, "temp": step.temp} for step in self.pending],
            "previous_key": self.previous_key.hex() if self.previous_key else None,
            "logs": dict(sorted(self.logs.items())),
        }

    @classmethod
    def from_json(cls, raw: object) -> VaultState:
        if not isinstance(raw, dict):
            raise VaultIntegrityError()
        _check_fields(
            raw,
            {
                "format": int,
                "generation": int,
                "epoch": int,
                "files": dict,
                "pending": list,
                "previous_key": (str, type(None)),
                "logs": dict,
            },
        )
        if raw["format"] != STATE_FORMAT:
            raise VaultIntegrityError()
        files = {}
        for path, entry in raw["files"].items():
            files[_safe_path(path)] = FileEntry.from_json(entry)
        pending = []
        for step in raw["pending"]:
            if not isinstance(step, dict):
                raise VaultIntegrityError()
            _check_fields(step, {"path": str, "temp": (str, type(None))})
            temp = step["temp"]
            pending.append(Pending(_safe_path(step["path"]), temp and _safe_path(temp)))
        logs = {}
        for name, floor in raw["logs"].items():
            if name not in APPEND_ONLY or type(floor) is not int:
                raise VaultIntegrityError()
            logs[name] = floor
        previous = raw["previous_key"]
        previous_key = None
        if previous is not None:
            try:
                previous_key = bytes.fromhex(previous)
            except ValueError:
                raise VaultIntegrityError() from None
        return cls(raw["generation"], raw["epoch"], files, tuple(pending), previous_key, logs)

    def seal(self, vault_key: bytes, vault_id: str) -> bytes:
        plaintext = json.dumps(self.to_json(), sort_keys=True, separators=(",", ":")).encode()
        nonce, sealed = _crypto.seal(
            keys.internal_key(vault_key, "state-seal v1"), plaintext, _aad(vault_id)
        )
        return nonce + sealed

    @classmethod
    def unseal(cls, vault_key: bytes, vault_file: keys.VaultFile) -> VaultState:
        blob = vault_file.state
        plaintext = _crypto.open_sealed(
            keys.internal_key(vault_key, "state-seal v1"),
            blob[: _crypto.NONCE_BYTES],
            blob[_crypto.NONCE_BYTES :],
            _aad(vault_file.vault_id),
        )
        try:
            return cls.from_json(json.loads(plaintext))
        except (ValueError, RecursionError):
            raise VaultIntegrityError() from None

    def folder(self, folder: str) -> dict[str, FileEntry]:
        """The files listed in ``folder`` (``records`` or ``models``), by name."""
        cache = self._folders
        if folder not in cache:
            prefix = folder + "/"
            cache[folder] = {
                path[len(prefix) :]: entry
                for path, entry in self.files.items()
                if path.startswith(prefix)
            }
        return cache[folder]

    def entries(self, role: str) -> list[tuple[str, FileEntry]]:
        return sorted((path, e) for path, e in self.files.items() if e.role == role)


def _aad(vault_id: str) -> bytes:
    return STATE_AAD + vault_id.encode()


def _check_fields(raw: dict[str, Any], expected: Mapping[str, type | tuple[type, ...]]) -> None:
    if set(raw) != set(expected):
        raise VaultIntegrityError()
    for name, kind in expected.items():
        value = raw[name]
        if isinstance(value, bool) or not isinstance(value, kind):
            raise VaultIntegrityError()


def _safe_path(path: str) -> str:
    """A path inside the vault folder: ``records/NAME`` or ``models/NAME``, or a temp."""
    folder, _, name = path.partition("/")
    if folder not in (RECORDS_DIR, MODELS_DIR) or not name or "/" in name or name in (".", ".."):
        raise VaultIntegrityError()
    return path


def vault_lock(home: Path, *, shared: bool = False) -> contextlib.AbstractContextManager[None]:
    """The vault lock for a block. Raises ``VaultError`` naming the lock file when it cannot
    be taken (unreadable, or a symbolic link put in its place)."""
    return locked_or_refused(home / VAULT_LOCK, "the vault", shared=shared)


def mismatch_message(what: str) -> str:
    """The one line for a file that is not what the vault state lists."""
    return (
        f"vault state: {what} does not match the vault state in {VAULT_FILE} (altered, "
        f"truncated, another or an older file in its place, or {VAULT_FILE} itself older)"
    )


def new_state() -> VaultState:
    return VaultState(generation=1, epoch=1, files={})


@dataclass
class Draft:
    """The next state, being prepared under the vault lock (``Ledger.change``)."""

    key: bytes
    slots: tuple[keys.KeySlot, ...]
    epoch: int
    previous_key: bytes | None
    files: dict[str, FileEntry]
    pending: list[Pending] = field(default_factory=list)
    temps: list[Path] = field(default_factory=list)
    committing: bool = False

    def commit_point(self) -> None:
        """The new vault file is synced and about to be renamed in: from here on the
        draft's temps must stay (a crash leaves them for the next open to finish)."""
        self.committing = True

    def put(self, path: str, entry: FileEntry, temp: Path) -> None:
        """List ``path`` as ``entry``, to be renamed from ``temp`` (written and synced)."""
        self.pending = [step for step in self.pending if step.path != path]
        self.files[path] = entry
        self.pending.append(Pending(path, f"{path.partition('/')[0]}/{temp.name}"))
        if temp not in self.temps:
            self.temps.append(temp)

    def remove(self, path: str) -> None:
        self.files.pop(path, None)
        self.pending = [step for step in self.pending if step.path != path]
        self.pending.append(Pending(path, None))


def file_digest(home: Path, path: str, entry: FileEntry) -> tuple[int, str] | None:
    """The size and digest, as the state lists them, of the file at ``home/path`` read
    as ``entry``'s role; ``None`` when there is no such regular file."""
    try:
        fd = open_regular(home / path, os.O_RDONLY)  # never a link, never waiting on a FIFO
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if entry.role == MODEL:
            try:
                header = UnverifiedModelHeader.read(fd)
            except VaultIntegrityError:
                return info.st_size, ""
            data = header.prefix + header.sealed_manifest
        else:
            if info.st_size > entry.size:
                return info.st_size, ""
            data = os.pread(fd, entry.size + 1, 0)
        return info.st_size, hashlib.sha256(data).hexdigest()
    finally:
        os.close(fd)


def model_header_digest(fd: int) -> str:
    header = UnverifiedModelHeader.read(fd)
    return hashlib.sha256(header.prefix + header.sealed_manifest).hexdigest()


class Ledger:
    """The vault state in force for one open vault, kept true to the disk."""

    def __init__(
        self,
        home: Path,
        vault_key: bytes,
        vault_file: keys.VaultFile,
        raw: bytes | None = None,
    ) -> None:
        """``raw``: the bytes of ``vault.json`` that ``vault_file`` was authenticated from,
        when the caller has them; while the file still holds them, it is not parsed or
        authenticated again."""
        self.home = home
        self.key = vault_key
        self.file = vault_file
        self.state = VaultState.unseal(vault_key, vault_file)
        self._raw = raw

    @property
    def generation(self) -> int:
        return self.state.generation

    # -- reading ---------------------------------------------------------------------------

    def _reload(self) -> None:
        """Make ``file`` and ``state`` what ``vault.json`` holds now (unchanged bytes are
        not authenticated again: they are the bytes this ledger authenticated or wrote)."""
        raw = read_vault_bytes(self.home)
        if raw == self._raw:
            return
        self.file, self.state = self._load(raw)
        self._raw = raw

    def _load(self, raw: bytes) -> tuple[keys.VaultFile, VaultState]:
        try:
            current = keys.UnverifiedVaultFile.parse(raw).authenticate(self.key)
        except VaultIntegrityError:
            raise VaultIntegrityError(
                "vault.json no longer opens with the key this command unlocked "
                "(the vault key was rotated meanwhile, or the file was tampered with)",
                hint="run the command again",
            ) from None
        if current.vault_id != self.file.vault_id:
            raise VaultIntegrityError()
        state = VaultState.unseal(self.key, current)
        if state.generation < self.state.generation:
            raise VaultIntegrityError(
                f"vault state: vault.json is older (generation {state.generation}) than the "
                f"state this command already read (generation {self.state.generation})",
                hint=RESTORE_HINT,
            )
        return current, state

    def refresh(self) -> None:
        """Re-read the state (another process may have changed it)."""
        with vault_lock(self.home, shared=True):
            self._reload()

    def matches(self, path: str, entry: FileEntry) -> bool:
        return file_digest(self.home, path, entry) == (entry.size, entry.sha256)

    def check(self, *, full: bool = False) -> None:
        """Check the folder against the state; complete a killed update's pending steps
        first. Raises ``VaultIntegrityError`` naming the first file that is wrong.

        By default the structure (see the module docstring): what every command pays, the
        same at any record count; ``full`` also hashes every record (its size in time)."""
        with vault_lock(self.home, shared=True):
            self._reload()
            if not self._unsettled():
                self._verify(full=full)
                return
        with vault_lock(self.home):
            self._reload()
            self._settle()
            self._verify(full=full)

    def _unsettled(self) -> list[Pending]:
        """The steps of the last update still to do: a removal whose file is still there, a
        rename whose temp is still there (a rename consumes its temp; a wrong file in the
        listed place is the structure check's and the read's business, as for any file)."""
        return [
            step
            for step in self.state.pending
            if os.path.lexists(self.home / (step.path if step.temp is None else step.temp))
        ]

    def _settle(self) -> None:
        """Roll a killed update forward (the vault lock is held)."""
        for step in self._unsettled():
            if step.temp is None:
                durable_unlink(self.home / step.path)
                continue
            entry = self.state.files.get(step.path)
            if entry is None:
                raise VaultIntegrityError()
            if self.matches(step.temp, entry):
                commit_temp(self.home / step.temp, self.home / step.path)
            else:
                # no intact temp to roll forward from: the listed file itself is wrong
                self._check_file(step.path, entry)

    def _check_file(self, path: str, entry: FileEntry) -> None:
        """Raise ``VaultIntegrityError`` naming ``path`` unless it is what ``entry`` lists."""
        found = file_digest(self.home, path, entry)
        if found is None and os.path.lexists(self.home / path):
            raise VaultIntegrityError(_not_regular(entry.describe(path)), hint=RESTORE_HINT)
        if found is None:
            raise VaultIntegrityError(
                f"vault state: {entry.describe(path)} is missing", hint=RESTORE_HINT
            )
        if found != (entry.size, entry.sha256):
            raise VaultIntegrityError(mismatch_message(entry.describe(path)), hint=RESTORE_HINT)

    def _verify(self, *, full: bool) -> None:
        temps = False
        for folder in (RECORDS_DIR, MODELS_DIR):
            found, temps_here = _scan(self.home, folder)
            temps = temps or temps_here
            listed = self.state.folder(folder)
            if found.keys() != listed.keys():
                self._missing_or_extra(folder, found, listed)
            for name, item in found.items():
                entry = listed[name]
                if full or entry.role == MODEL:
                    self._check_file(f"{folder}/{name}", entry)
                elif not item.is_file(follow_symlinks=False):
                    what = entry.describe(f"{folder}/{name}")
                    raise VaultIntegrityError(_not_regular(what), hint=RESTORE_HINT)
        for name, floor in sorted(self.state.logs.items()):
            try:
                size = os.stat(self.home / name).st_size
            except FileNotFoundError:
                raise VaultIntegrityError(
                    f"vault state: {name} is missing", hint=RESTORE_HINT
                ) from None
            if size < floor:
                raise VaultIntegrityError(
                    f"vault state: {name} is shorter than when the vault state last recorded "
                    f"it ({size} < {floor} bytes): truncated, or an older copy",
                    hint=RESTORE_HINT,
                )
        self._remove_stale_temps(folders=temps)

    @staticmethod
    def _missing_or_extra(
        folder: str, found: Mapping[str, object], listed: Mapping[str, FileEntry]
    ) -> None:
        for name in sorted(listed.keys() - found.keys()):
            what = listed[name].describe(f"{folder}/{name}")
            raise VaultIntegrityError(f"vault state: {what} is missing", hint=RESTORE_HINT)
        for name in sorted(found.keys() - listed.keys()):
            raise VaultIntegrityError(
                f"vault state: unexpected file {folder}/{name} (not in the vault state in "
                f"{VAULT_FILE}: put there behind the vault's back, or {VAULT_FILE} itself older)",
                hint="remove it if you put it there; otherwise " + RESTORE_HINT,
            )

    def _remove_stale_temps(self, *, folders: bool) -> None:
        """Remove dead writers' temps: in the vault folder always (it holds a few files),
        in ``records/`` and ``models/`` only when their listing showed one."""
        for folder in (self.home, self.home / RECORDS_DIR, self.home / MODELS_DIR):
            if (folder == self.home or folders) and folder.is_dir():
                with contextlib.suppress(OSError):
                    remove_stale_temps(folder)

    # -- changing --------------------------------------------------------------------------

    @contextlib.contextmanager
    def change(self) -> Iterator[Draft]:
        """Prepare the next state under the vault lock; it is committed when the block
        ends, or discarded (with the temps it made) when the block raises."""
        with vault_lock(self.home):
            self._reload()
            self._settle()
            draft = Draft(
                key=self.key,
                slots=self.file.slots,
                epoch=self.state.epoch,
                previous_key=self.state.previous_key,
                files=dict(self.state.files),
            )
            try:
                yield draft
                self._commit(draft)
            except BaseException:
                if not draft.committing:
                    for temp in draft.temps:
                        with contextlib.suppress(FileNotFoundError):
                            temp.unlink()
                raise

    def _commit(self, draft: Draft) -> None:
        logs = dict(self.state.logs)
        for name in APPEND_ONLY:
            with contextlib.suppress(FileNotFoundError):
                logs[name] = max(logs.get(name, 0), os.stat(self.home / name).st_size)
        state = VaultState(
            generation=self.state.generation + 1,
            epoch=draft.epoch,
            files=draft.files,
            pending=tuple(draft.pending),
            previous_key=draft.previous_key,
            logs=logs,
        )
        vault_file = replace(
            self.file, slots=draft.slots, state=state.seal(draft.key, self.file.vault_id)
        )
        raw = write_vault_file(self.home, draft.key, vault_file, draft)
        self.key, self.file, self.state, self._raw = draft.key, vault_file, state, raw
        for step in state.pending:
            if step.temp is None:
                durable_unlink(self.home / step.path)
            else:
                commit_temp(self.home / step.temp, self.home / step.path)


def write_vault_file(
    home: Path, vault_key: bytes, vault_file: keys.VaultFile, draft: Draft | None = None
) -> bytes:
    """Replace ``vault.json`` atomically, and return the bytes written; ``draft.committing``
    is set just before the rename, the commit point (from there on the draft's temps must
    stay)."""
    path = home / VAULT_FILE
    data = vault_file.to_bytes(vault_key)
    try:
        atomic_write(path, data, before_commit=None if draft is None else draft.commit_point)
    except OSError as error:
        raise VaultError(f"cannot write {path}: {error.strerror}") from None
    return data


def read_vault_bytes(home: Path) -> bytes:
    """The bytes of ``home/vault.json`` (at most one more than a vault file may hold), read
    only from a regular file: the checked file is the one read (``O_NOFOLLOW``, ``fstat``).

    Raises ``VaultLocked`` when there is none, ``VaultIntegrityError`` when a symbolic link
    or another kind of file stands in its place, ``VaultError`` when it cannot be read.
    """
    path = home / VAULT_FILE
    try:
        fd = open_regular(path, os.O_RDONLY)
    except FileNotFoundError:
        raise VaultLocked(f"no vault at {home}", hint="run `milai init`") from None
    except NotRegularFile:
        raise VaultIntegrityError(_not_regular(VAULT_FILE), hint=RESTORE_HINT) from None
    except OSError as error:
        raise VaultError(f"cannot read {path}: {error.strerror}") from None
    try:
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(keys.UnverifiedVaultFile.MAX_BYTES + 1)
    except OSError as error:
        raise VaultError(f"cannot read {path}: {error.strerror}") from None
    finally:
        os.close(fd)


def _scan(home: Path, folder: str) -> tuple[dict[str, os.DirEntry[str]], bool]:
    """The entries of ``home/folder`` by name (dot names left out; a missing folder is
    empty), and whether a temp was among the dot names. One ``getdents`` pass: names and
    file types come from the listing, without a ``stat`` each."""
    if os.path.islink(home / folder):
        raise VaultIntegrityError(
            f"vault state: the {folder} folder is a symbolic link, not a folder inside "
            "the vault folder",
            hint=RESTORE_HINT,
        )
    found: dict[str, os.DirEntry[str]] = {}
    temps = False
    try:
        with os.scandir(home / folder) as entries:
            for item in entries:
                if item.name.startswith("."):
                    temps = temps or item.name.endswith(TEMP_SUFFIX)
                else:
                    found[item.name] = item
    except FileNotFoundError:
        pass
    except OSError as error:
        raise VaultError(f"cannot read {home / folder}: {error.strerror}") from None
    return found, temps


def _not_regular(what: str) -> str:
    return (
        f"vault state: {what} is not a regular file (a symbolic link or another kind of "
        "file in its place)"
    )
