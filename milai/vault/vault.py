"""The vault: one private folder holding sealed models, encrypted records and the key slots.

Layout of ``MILAI_HOME`` (0700; every file 0600)::

    vault.json               key slots and the sealed vault state (state.py), HMAC-ed
    .vault.lock              serialises every change
    models/<random>.model    sealed model files (container.py), opaque names
    records/<tag>.rec        encrypted records (records.py), keyed-hash names

Temp files (``.<name>.<random>.tmp``) only ever hold ciphertext; a crashed writer's are
completed (when the state lists them) or removed the next time the vault opens.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from milai.errors import ModelError, UsageError, VaultError, VaultIntegrityError, VaultLocked
from milai.vault import _crypto, keys
from milai.vault._fs import create_temp_for, ensure_private_dir, sync_file
from milai.vault.catalog import is_catalogued
from milai.vault.container import (
    CHAT,
    EMBEDDING,
    ModelHeader,
    ModelKeys,
    ModelManifest,
    Progress,
    UnverifiedModelHeader,
    read_model,
    rekey_model,
    write_model,
)
from milai.vault.keys import VaultFile, internal_key
from milai.vault.layout import VAULT_FILE, vault_exists
from milai.vault.memfd import MEMFD_NAME, closing_fd, create_memfd, proc_path, pwrite_all, seal
from milai.vault.records import RecordKeys, RecordStore, stage_record
from milai.vault.state import (
    MODEL,
    MODELS_DIR,
    RECORD,
    RESTORE_HINT,
    Draft,
    FileEntry,
    Ledger,
    mismatch_message,
    model_header_digest,
    new_state,
    read_vault_bytes,
    vault_lock,
    write_vault_file,
)
from milai.vault.unlock import PASSPHRASE, KeySource, key_material, new_key_material

MODEL_SUFFIX = ".model"
MODEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
MAX_LEVEL_CHARS = 64
INTERNAL_KIND = "_vault"
AUDIT_KEY_ID = "audit-signing-key"
DERIVATION_ROOT_ID = "derivation-root"
MAX_PURPOSE_BYTES = 256


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_model_name(name: str) -> str:
    if not MODEL_NAME.fullmatch(name):
        raise UsageError(
            f"invalid model name {name!r}",
            hint="use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
        )
    return name


def _check_level(level: str) -> str:
    if not level.strip() or len(level) > MAX_LEVEL_CHARS or not level.isprintable():
        raise UsageError(f"invalid accreditation level {level!r}")
    return level


def _check_sha256(sha256: str | None) -> str | None:
    if sha256 is None:
        return None
    normalised = sha256.strip().lower()
    if not SHA256_HEX.fullmatch(normalised):
        raise UsageError(f"invalid sha256 {sha256!r}: expected 64 hexadecimal digits")
    return normalised


def _check_private_home(home: Path) -> None:
    try:
        info = home.stat()
    except OSError as error:
        raise VaultError(f"cannot use the vault folder {home}: {error.strerror}") from None
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        raise VaultError(
            f"the vault folder {home} is accessible to other users (mode {mode:o})",
            hint=f"restrict it: chmod 700 {home}",
        )
    if info.st_uid != os.geteuid():
        raise VaultError(f"the vault folder {home} belongs to another user (uid {info.st_uid})")


def _read_vault_file(home: Path) -> bytes:
    """The bytes of ``vault.json``, a regular file in the folder: not missing (while records
    or models remain), not a symbolic link to somewhere else (``read_vault_bytes``)."""
    try:
        return read_vault_bytes(home)
    except VaultLocked:
        raise VaultIntegrityError(
            f"vault state: {VAULT_FILE} is missing from {home}, which holds the vault's "
            "records or models",
            hint=RESTORE_HINT,
        ) from None


def _open_source(src: Path) -> tuple[int, int]:
    """Open a GGUF file to import; return its fd and size. Raises ``UsageError``."""
    try:
        # O_NONBLOCK: a FIFO must not hang the open (it is refused below, not read)
        fd = os.open(src, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except FileNotFoundError:
        raise UsageError(f"{src}: no such file") from None
    except OSError as error:
        raise UsageError(f"cannot read {src}: {error.strerror}") from None
    info = os.fstat(fd)
    if stat.S_ISDIR(info.st_mode):
        os.close(fd)
        raise UsageError(f"{src} is a directory, not a GGUF file")
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise UsageError(f"{src} is not a regular file")
    if info.st_size == 0:
        os.close(fd)
        raise UsageError(f"{src} is empty, not a GGUF file")
    return fd, info.st_size


def _model_keys(vault_key: bytes) -> ModelKeys:
    return ModelKeys(
        manifest=internal_key(vault_key, "model-manifest v1"),
        body=internal_key(vault_key, "model-body v1"),
    )


def _record_keys(vault_key: bytes) -> RecordKeys:
    return RecordKeys(
        internal_key(vault_key, "record-seal v1"), internal_key(vault_key, "record-names v1")
    )


def _new_model_path() -> str:
    return f"{MODELS_DIR}/{_crypto.random_bytes(16).hex()}{MODEL_SUFFIX}"


RotationProgress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class KeySlotInfo:
    """What ``Vault.key_slots_info`` tells about one key slot (never a secret)."""

    number: int  # 1-based, in the order of vault.json
    slot_id: str  # stable across rotations; a changed key gets a new slot and id
    kind: str  # ``passphrase`` or ``key-file``
    unlocked_this: bool  # the slot whose key opened this Vault


class Vault:
    """An unlocked vault. Build one with ``Vault.create`` or ``Vault.open``."""

    def __init__(self, ledger: Ledger, unlocked_slot: str | None = None) -> None:
        self._ledger = ledger
        self._unlocked_slot = unlocked_slot
        # whether ``open`` finished a key rotation that a killed process had started
        self.finished_rotation = False
        self._signer: _crypto.Signer | None = None
        self._derivation_root: bytes | None = None
        self._use_key(ledger.key)

    def _use_key(self, vault_key: bytes) -> None:
        self._key = vault_key
        self._model_keys = _model_keys(vault_key)
        self.records = RecordStore(self._ledger, _record_keys(vault_key))

    def __repr__(self) -> str:
        return f"Vault({str(self._ledger.home)!r})"

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("an open Vault holds its key and cannot be pickled")

    @property
    def home(self) -> Path:
        return self._ledger.home

    @property
    def generation(self) -> int:
        """The generation of the vault state this vault last read or wrote: authenticated,
        one higher with every change."""
        return self._ledger.generation

    @property
    def _file(self) -> VaultFile:
        return self._ledger.file

    # -- creating and opening ----------------------------------------------------------

    @staticmethod
    def exists(home: Path) -> bool:
        """Whether ``home`` holds a vault (it may still be locked or damaged)."""
        return vault_exists(home)

    @classmethod
    def create(cls, home: Path, key: KeySource, *, argon2_target_seconds: float = 1.0) -> Vault:
        """Create a vault in ``home`` (made 0700) unlocked by ``key``.

        A key file that does not exist is created (32 random bytes, 0600); one that exists
        must hold at least 32 bytes. Argon2id for a passphrase is calibrated to about
        ``argon2_target_seconds`` (0 gives the floors). Raises ``VaultError`` when a vault
        exists or the folder is not private, ``UsageError`` for an unusable key.
        """
        home = Path(home)
        try:
            ensure_private_dir(home)
        except PermissionError as error:
            raise VaultError(str(error), hint=f"restrict it: chmod 700 {home}") from None
        except OSError as error:
            raise VaultError(f"cannot create the vault folder {home}: {error.strerror}") from None
        _check_private_home(home)
        with vault_lock(home):
            if cls.exists(home):
                raise VaultError(
                    f"a vault already exists at {home}",
                    hint="use it, or set MILAI_HOME to another folder",
                )
            with new_key_material(key, vault_home=home) as secret:
                params = (
                    keys.calibrate_argon2(argon2_target_seconds) if key.kind == PASSPHRASE else None
                )
                vault_id = _crypto.random_bytes(16).hex()
                vault_key = _crypto.random_bytes(_crypto.KEY_BYTES)
                slot = keys.make_slot(vault_id, vault_key, key.kind, secret, params)
                state = new_state()
                vault_file = VaultFile(vault_id, _now(), (slot,), state.seal(vault_key, vault_id))
                for folder in (home / MODELS_DIR, home / "records"):
                    ensure_private_dir(folder)
                write_vault_file(home, vault_key, vault_file)
        vault = cls(Ledger(home, vault_key, vault_file), slot.slot_id)
        vault.audit_signer()
        vault._root_of_derived_keys()
        return vault

    @classmethod
    def open(
        cls, home: Path, key: KeySource, *, rotation_progress: RotationProgress | None = None
    ) -> Vault:
        """Unlock the vault in ``home`` and check the folder against the vault state (every
        listed file there as a regular file, nothing else; each model's header digest; each
        record's size and digest are checked when it is read); a
        write or key rotation that a killed process left half done is completed first
        (``rotation_progress(what, done, total)`` hears about a rotation's models).

        Raises ``VaultLocked`` when there is no vault (or the key file is missing),
        ``VaultError`` when the folder is open to other users, ``VaultIntegrityError`` for a
        wrong key, a tampered vault file, or a file that does not match the vault state.
        """
        home = Path(home)
        if not cls.exists(home):
            raise VaultLocked(f"no vault at {home}", hint="run `milai init`")
        _check_private_home(home)
        raw = _read_vault_file(home)
        try:
            unverified = keys.UnverifiedVaultFile.parse(raw)
            vault_key, vault_file, slot_id = unverified.unlock(key, home)
        except VaultIntegrityError as error:
            what = "passphrase" if key.kind == PASSPHRASE else "key file"
            raise VaultIntegrityError(
                f"{error.message} ({VAULT_FILE} does not open with this {what})", hint=error.hint
            ) from None
        ledger = Ledger(home, vault_key, vault_file, raw)
        ledger.check()
        vault = cls(ledger, slot_id)
        if ledger.state.previous_key is not None:
            vault._finish_rotation(rotation_progress)
            vault.finished_rotation = True
        return vault

    # -- key slots -----------------------------------------------------------------------

    def key_slots(self) -> list[str]:
        """The kind of each key slot (``passphrase`` or ``key-file``), in order."""
        return [slot.kind for slot in self._file.slots]

    def key_slots_info(self) -> list[KeySlotInfo]:
        """Every key slot as the vault file lists them now (read afresh)."""
        self._ledger.refresh()
        return [
            KeySlotInfo(number, slot.slot_id, slot.kind, slot.slot_id == self._unlocked_slot)
            for number, slot in enumerate(self._file.slots, start=1)
        ]

    def add_key_slot(self, key: KeySource, *, argon2_target_seconds: float = 1.0) -> None:
        """Let ``key`` open the vault too (a recovery key file beside a passphrase, say).

        Raises ``UsageError`` when ``key`` already opens it or is unusable.
        """
        with self._ledger.change() as draft:
            if len(draft.slots) >= keys.MAX_SLOTS:
                raise UsageError(f"the vault already has {keys.MAX_SLOTS} key slots")
            with new_key_material(key, vault_home=self.home) as secret:
                if self._slot_index(draft.slots, key.kind, secret) is not None:
                    raise UsageError(f"that {key.describe()} already opens this vault")
                draft.slots = (*draft.slots, self._new_slot(key, secret, argon2_target_seconds))

    def change_key(
        self,
        old: KeySource,
        new: KeySource,
        *,
        rotate: bool = False,
        argon2_target_seconds: float = 1.0,
        progress: RotationProgress | None = None,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        """Replace the slot that ``old`` opens with one for ``new``.

        Without ``rotate`` only the vault key is re-wrapped (fast; whoever holds ``old`` and
        a copy of ``vault.json`` can still open the vault). With ``rotate`` the vault moves
        to a new vault key: every record and model is re-encrypted, and ``old`` opens
        nothing written from then on (see ``rotate_key``). ``on_commit`` is called once
        ``new`` opens the vault and ``old`` no longer does, before any re-encryption (a
        killed rotation is finished by the next open with ``new``).

        Raises ``VaultIntegrityError`` when ``old`` opens no slot of this vault.
        """
        old_secret = key_material(old, vault_home=self.home)
        # A new key file is removed again if the block fails: the block ends with the commit,
        # for once ``new`` opens the vault, its key file is the only way in (a rotation that
        # fails after it, on a full disk say, is finished by the next open with ``new``).
        with new_key_material(new, vault_home=self.home) as secret:
            with self._ledger.change() as draft:
                index = self._slot_index(draft.slots, old.kind, old_secret)
                if index is None:
                    raise VaultIntegrityError()
                slots = list(draft.slots)
                replaced = slots[index].slot_id
                slots[index] = self._new_slot(new, secret, argon2_target_seconds)
                draft.slots = tuple(slots)
                if rotate:
                    self._start_rotation(draft)
        if replaced == self._unlocked_slot:
            self._unlocked_slot = slots[index].slot_id
        if on_commit is not None:
            on_commit()
        if rotate:
            self._finish_rotation(progress)

    def revoke_key_slot(
        self, slot: int | str, *, progress: RotationProgress | None = None
    ) -> KeySlotInfo:
        """Remove a key slot, named by its number (1-based, as ``key_slots_info`` lists
        them) or its id, and rotate the vault key, so that its key opens nothing written
        from then on. Returns what the slot was.

        Raises ``UsageError`` for no such slot, the last one, or the one whose key opened
        this ``Vault`` (revoke it with another key: whoever revokes must keep a way in).
        """
        with self._ledger.change() as draft:
            number = self._slot_number(draft.slots, slot)
            removed = draft.slots[number - 1]
            if len(draft.slots) == 1:
                raise UsageError("that is the only key slot: the vault would open with nothing")
            if removed.slot_id == self._unlocked_slot:
                raise UsageError(
                    f"key slot {number} holds the key this command was unlocked with",
                    hint="unlock with another key (--key-file or --passphrase-file) to revoke it",
                )
            draft.slots = tuple(s for s in draft.slots if s.slot_id != removed.slot_id)
            self._start_rotation(draft)
        self._finish_rotation(progress)
        return KeySlotInfo(number, removed.slot_id, removed.kind, unlocked_this=False)

    @staticmethod
    def _slot_number(slots: tuple[keys.KeySlot, ...], slot: int | str) -> int:
        """The 1-based number of ``slot`` (a number or an id). Raises ``UsageError``."""
        text = str(slot).strip().lower()
        if text.isdigit() and 1 <= int(text) <= len(slots):
            return int(text)
        for number, candidate in enumerate(slots, start=1):
            if candidate.slot_id == text:
                return number
        raise UsageError(
            f"no key slot {str(slot)!r}: the vault has {len(slots)} "
            "(see `milai key list` for their numbers and ids)"
        )

    def rotate_key(self, *, progress: RotationProgress | None = None) -> None:
        """Move the vault to a new vault key, keeping every slot (each is sealed the new
        key through its public half: no secret is needed). Records are re-encrypted in one
        step, models one by one; a killed rotation is completed by the next ``open``."""
        with self._ledger.change() as draft:
            self._start_rotation(draft)
        self._finish_rotation(progress)

    def _start_rotation(self, draft: Draft) -> None:
        """Phase one, committed with ``draft``: slots hold the new key, the state the old
        one (sealed under the new), files are still under the old."""
        if draft.previous_key is not None:
            raise VaultError("a key rotation is already under way", hint="open the vault again")
        new_key = _crypto.random_bytes(_crypto.KEY_BYTES)
        draft.previous_key = draft.key
        draft.key = new_key
        draft.epoch += 1
        draft.slots = tuple(
            keys.rewrap_slot(self._file.vault_id, slot, new_key) for slot in draft.slots
        )

    def _finish_rotation(self, progress: RotationProgress | None) -> None:
        """Phase two: re-encrypt what is still under the previous key, then forget it."""
        self._use_key(self._ledger.key)
        with self._ledger.change() as draft:
            old_key = draft.previous_key
            if old_key is None:
                return
            old_records = _record_keys(old_key)
            for path, entry in sorted(draft.files.items()):
                if entry.role != RECORD or entry.epoch == draft.epoch:
                    continue
                data = self.records._read_listed(path, entry)
                if data is None:
                    raise VaultIntegrityError(
                        mismatch_message(entry.describe(path)), hint=RESTORE_HINT
                    )
                value = old_records.open(entry.kind, entry.record_id, data)
                draft.remove(path)
                stage_record(
                    self.home, draft, _record_keys(draft.key), entry.kind, entry.record_id, value
                )
        while self._rekey_next_model(progress):
            pass
        with self._ledger.change() as draft:
            draft.previous_key = None

    def _rekey_next_model(self, progress: RotationProgress | None) -> bool:
        with self._ledger.change() as draft:
            if draft.previous_key is None:
                return False
            todo = [
                (path, entry)
                for path, entry in sorted(draft.files.items())
                if entry.role == MODEL and entry.epoch != draft.epoch
            ]
            if not todo:
                return False
            path, entry = todo[0]
            old_keys = _model_keys(draft.previous_key)
            header, in_fd = self._open_listed_model(path, entry, old_keys)
            target = _new_model_path()
            with closing_fd(in_fd):
                temp, out_fd = create_temp_for(self.home / target)
                draft.temps.append(temp)
                with closing_fd(out_fd):
                    reporter = None
                    if progress is not None:
                        name = entry.name

                        def reporter(done: int, total: int) -> None:
                            progress(name, done, total)

                    try:
                        rekey_model(
                            in_fd, header, old_keys, out_fd, self._model_keys, progress=reporter
                        )
                    except OSError as error:
                        raise VaultError(
                            f"re-keying {entry.name} failed: {error.strerror}"
                        ) from None
                    sync_file(out_fd)
                    new_entry = self._model_entry(temp, entry.name, draft.epoch)
            draft.remove(path)
            draft.put(target, new_entry, temp)
        return True

    def slot_of(self, key: KeySource) -> str | None:
        """The id of the slot ``key`` opens, or None. Raises as ``key_material`` does (and
        costs an Argon2id derivation per passphrase slot)."""
        self._ledger.refresh()
        slots = self._file.slots
        index = self._slot_index(slots, key.kind, key_material(key, vault_home=self.home))
        return None if index is None else slots[index].slot_id

    def _new_slot(self, key: KeySource, secret: bytes, target_seconds: float) -> keys.KeySlot:
        params = keys.calibrate_argon2(target_seconds) if key.kind == PASSPHRASE else None
        return keys.make_slot(self._file.vault_id, self._key, key.kind, secret, params)

    def _slot_index(self, slots: tuple[keys.KeySlot, ...], kind: str, secret: bytes) -> int | None:
        for index, slot in enumerate(slots):
            if slot.kind != kind:
                continue
            try:
                found = keys.unwrap_slot(self._file.vault_id, slot, secret)
            except VaultIntegrityError:
                continue
            if _crypto.same_bytes(found, self._key):
                return index
        return None

    # -- models --------------------------------------------------------------------------

    def _models_dir(self) -> Path:
        try:
            return ensure_private_dir(self.home / MODELS_DIR)
        except PermissionError as error:
            raise VaultError(str(error)) from None

    @staticmethod
    def _model_entry(path: Path, name: str, epoch: int) -> FileEntry:
        """How the state lists the model file just written at ``path``."""
        with closing_fd(os.open(path, os.O_RDONLY | os.O_CLOEXEC)) as fd:
            return FileEntry(
                role=MODEL,
                sha256=model_header_digest(fd),
                size=os.fstat(fd).st_size,
                epoch=epoch,
                name=name,
            )

    def _listed_model(self, name: str) -> tuple[str, FileEntry] | None:
        for path, entry in self._ledger.state.entries(MODEL):
            if entry.name == name:
                return path, entry
        return None

    def import_model(
        self,
        src: Path,
        *,
        name: str,
        level: str,
        sha256: str | None = None,
        progress: Progress | None = None,
        kind: str = CHAT,
    ) -> ModelManifest:
        """Seal the GGUF file ``src`` into the vault as ``name`` at accreditation ``level``
        (``kind``: ``chat``, or ``embedding`` for a model that only ranks passages).

        Streams in constant memory; a killed import leaves no model behind. Raises
        ``UsageError`` for a bad name, level or digest, a name in use, or a file that is
        missing, unreadable, empty, a directory or not GGUF; ``VaultIntegrityError`` when
        the file does not match ``sha256``.
        """
        name = _check_model_name(name)
        level = _check_level(level)
        expected = _check_sha256(sha256)
        self._ledger.refresh()
        if self._listed_model(name) is not None:
            raise UsageError(f"a model named {name!r} already exists", hint="choose another name")
        from milai.vault.gguf import GGUFFormatError, read_gguf_info  # model imports only

        src = Path(src)
        source_fd, size = _open_source(src)
        with closing_fd(source_fd):
            try:
                with open(source_fd, "rb", closefd=False) as stream:
                    info = read_gguf_info(stream, size)
            except GGUFFormatError as error:
                raise UsageError(f"{src} is not a GGUF model file: {error}") from None
            except OSError as error:
                raise UsageError(f"cannot read {src}: {error.strerror}") from None
            draft_manifest = ModelManifest(
                name=name,
                size=size,
                sha256="",
                architecture=info.architecture,
                quantisation=info.quantisation,
                level=level,
                imported_at=_now(),
                has_chat_template=info.has_chat_template,
                kind=kind,
            )
            if progress is not None:
                progress(0, size)
            target = _new_model_path()
            temp, out_fd = create_temp_for(self._models_dir() / Path(target).name)
            try:
                with closing_fd(out_fd):
                    try:
                        result = write_model(
                            source_fd, out_fd, draft_manifest, self._model_keys, progress=progress
                        )
                    except ValueError as error:
                        raise UsageError(f"{src}: {error}") from None
                    if expected is not None and result.sha256 != expected:
                        raise VaultIntegrityError(
                            f"{src} does not match the expected sha256",
                            hint=f"expected {expected}, the file has {result.sha256}",
                        )
                    sync_file(out_fd)
                    # the temp stays open (and flock-ed) until it is committed
                    with self._ledger.change() as draft:
                        if self._epoch_changed(draft):
                            raise VaultError(
                                "the vault key was rotated during the import",
                                hint="import the model again",
                            )
                        if any(e.name == name for _, e in draft.files.items() if e.role == MODEL):
                            raise UsageError(f"a model named {name!r} already exists")
                        draft.put(target, self._model_entry(temp, name, draft.epoch), temp)
            except OSError as error:
                raise VaultError(f"importing {src} failed: {error.strerror}") from None
            finally:
                with contextlib.suppress(FileNotFoundError):
                    temp.unlink()
        return replace(
            draft_manifest, sha256=result.sha256, catalogued=is_catalogued(result.sha256)
        )

    def _epoch_changed(self, draft: Draft) -> bool:
        return not _crypto.same_bytes(draft.key, self._key)

    def list_models(self) -> list[ModelManifest]:
        """Every model in the vault, by name. Raises ``VaultIntegrityError`` when a model
        file fails its check."""
        self._ledger.refresh()
        names = sorted(entry.name for _, entry in self._ledger.state.entries(MODEL))
        return [self.model(name) for name in names]

    def embedding_model(self) -> ModelManifest | None:
        """The embedding model (``model import --embedding``: one at most), or None."""
        found = [manifest for manifest in self.list_models() if manifest.kind == EMBEDDING]
        return found[0] if found else None

    def model_file(self, name: str) -> Path:
        """Where the sealed file of model ``name`` lies (an opaque name). Raises
        ``ModelError`` for an unknown name."""
        found = self._listed_model(name)
        if found is None:
            raise self._unknown_model(name)
        return self.home / found[0]

    def verify_files(self) -> None:
        """Check every file against the vault state now, records' digests included (opening
        checks their presence and type; a read, the size and digest of the record it reads).
        Raises ``VaultIntegrityError`` naming the first file that is wrong."""
        self._ledger.check(full=True)

    def stored_files(self) -> dict[Path, str]:
        """Every file the vault state lists, with what it is (for ``doctor`` and backups)."""
        return {self.home / path: e.describe(path) for path, e in self._ledger.state.files.items()}

    def model_names(self) -> list[str]:
        return sorted(entry.name for _, entry in self._ledger.state.entries(MODEL))

    def model(self, name: str) -> ModelManifest:
        """The manifest of ``name``. Raises ``ModelError`` when there is no such model."""
        header, fd = self._open_model_file(name)
        os.close(fd)
        return header.manifest

    def verify_model(self, name: str) -> None:
        """Decrypt the whole model and check its size and sha256.

        Raises ``VaultIntegrityError`` on any mismatch, ``ModelError`` for an unknown name.
        """
        header, fd = self._open_model_file(name)
        with closing_fd(fd):
            read_model(fd, header, self._model_keys)

    def remove_model(self, name: str) -> None:
        """Delete a model file. Raises ``ModelError`` for an unknown name."""
        with self._ledger.change() as draft:
            found = self._listed_model(name)
            if found is None:
                raise self._unknown_model(name)
            draft.remove(found[0])

    @contextlib.contextmanager
    def open_model(self, name: str) -> Iterator[str]:
        """Decrypt ``name`` into a sealed anonymous memfd and yield ``/proc/self/fd/N``.

        The plaintext is checked (every chunk authenticated, and the length) before anything
        is yielded; the whole-file sha256 is ``verify_model``'s job. On failure the memfd is
        closed and ``VaultIntegrityError`` raised. The fd closes when the block ends; a
        mapping llama.cpp made stays valid until it unmaps.
        """
        header, fd = self._open_model_file(name)
        with closing_fd(fd):
            memfd = create_memfd(MEMFD_NAME, header.manifest.size)
            try:
                read_model(
                    fd,
                    header,
                    self._model_keys,
                    sink=lambda piece, offset: pwrite_all(memfd, piece, offset),
                    check_digest=False,
                )
                seal(memfd)
                path = proc_path(memfd)
            except BaseException:
                os.close(memfd)
                raise
        with closing_fd(memfd):
            yield path

    def _unknown_model(self, name: str) -> ModelError:
        known = self.model_names()
        hint = (
            "models in the vault: " + ", ".join(known)
            if known
            else "the vault holds no model yet: "
            "milai model import FILE.gguf --name NAME --level LEVEL"
        )
        return ModelError(f"unknown model {name!r}", hint=hint)

    def _open_model_file(self, name: str) -> tuple[ModelHeader, int]:
        if not MODEL_NAME.fullmatch(name):
            raise self._unknown_model(name)
        found = self._listed_model(name)
        if found is None:
            self._ledger.refresh()
            found = self._listed_model(name)
        if found is None:
            raise self._unknown_model(name)
        path, entry = found
        header, fd = self._open_listed_model(path, entry, self._model_keys)
        if header.manifest.name != name:
            os.close(fd)
            raise VaultIntegrityError()
        catalogued = is_catalogued(header.manifest.sha256)
        return replace(header, manifest=replace(header.manifest, catalogued=catalogued)), fd

    def _open_listed_model(
        self, path: str, entry: FileEntry, model_keys: ModelKeys
    ) -> tuple[ModelHeader, int]:
        """Open the model file ``path`` and check it is the one the state lists."""
        full = self.home / path
        try:
            # O_NONBLOCK: a FIFO put there since the vault opened must not hang the open
            fd = os.open(full, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK)
        except FileNotFoundError:
            raise VaultIntegrityError(f"vault state: {entry.describe(path)} is missing") from None
        except OSError as error:
            raise VaultError(f"cannot read {full}: {error.strerror}") from None
        try:
            with contextlib.suppress(OSError):
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)
            unverified = UnverifiedModelHeader.read(fd)
            digest = _crypto.sha256_hex(unverified.prefix + unverified.sealed_manifest)
            if os.fstat(fd).st_size != entry.size or digest != entry.sha256:
                raise VaultIntegrityError(mismatch_message(entry.describe(path)), hint=RESTORE_HINT)
            header = unverified.authenticate(model_keys)
            if header.manifest.name != entry.name:
                raise VaultIntegrityError()
        except BaseException:
            os.close(fd)
            raise
        return header, fd

    # -- keys for others -----------------------------------------------------------------

    def derive_key(self, purpose: str) -> bytes:
        """A 32-byte key for ``purpose`` (HKDF-SHA256, ``purpose`` as info), e.g.
        ``"milai audit hmac v1"``. Same vault, same purpose: same key, also across key
        rotations (its root is a sealed record, re-encrypted with the rest), so what it
        protected stays verifiable; a secret that must not survive a revoked key belongs
        in a record instead."""
        if (
            not purpose
            or len(purpose.encode()) > MAX_PURPOSE_BYTES
            or purpose.startswith(keys.INTERNAL_PURPOSE_PREFIX)
        ):
            raise ValueError(f"invalid key purpose {purpose!r}")
        return _crypto.hkdf_sha256(self._root_of_derived_keys(), info=purpose.encode())

    def _root_of_derived_keys(self) -> bytes:
        if self._derivation_root is None:
            self._derivation_root = self._internal_secret(
                DERIVATION_ROOT_ID, lambda: _crypto.random_bytes(_crypto.KEY_BYTES)
            )
        return self._derivation_root

    def _internal_secret(self, record_id: str, make: Callable[[], bytes]) -> bytes:
        value = self.records._get(INTERNAL_KIND, record_id)
        if value is None:
            value = self.records._update(
                INTERNAL_KIND, record_id, lambda old: old if old is not None else make()
            )
        return value

    def audit_signer(self) -> _crypto.Signer:
        """The vault's Ed25519 signing key, made on first use and kept as a sealed record."""
        if self._signer is None:
            private = self._internal_secret(AUDIT_KEY_ID, _crypto.Signer.generate_private_key)
            try:
                self._signer = _crypto.Signer(private)
            except ValueError:
                raise VaultIntegrityError() from None
        return self._signer
