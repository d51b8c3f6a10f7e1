"""The vault: one private folder holding sealed models, encrypted records and the key slots.

Layout of ``MILAI_HOME`` (0700; every file 0600)::

    vault.json               key slots and vault id, HMAC-ed under the vault key
    .vault.lock              serialises changes to vault.json
    models/<name>.model      sealed model files (container.py)
    records/<kind>/<tag>.rec encrypted records (records.py)

Temp files (``.<name>.<random>.tmp``) only ever hold ciphertext; a crashed writer's are
removed the next time the vault opens.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from milai.errors import ModelError, UsageError, VaultError, VaultIntegrityError, VaultLocked
from milai.vault import _crypto, keys
from milai.vault._fs import (
    atomic_write,
    commit_temp_exclusive,
    create_temp_for,
    ensure_private_dir,
    fsync_dir,
    locked,
    remove_stale_temps,
)
from milai.vault.catalog import is_catalogued
from milai.vault.container import (
    ModelHeader,
    ModelKeys,
    ModelManifest,
    Progress,
    UnverifiedModelHeader,
    read_model,
    write_model,
)
from milai.vault.gguf import GGUFFormatError, read_gguf_info
from milai.vault.keys import KeySource, VaultFile, internal_key
from milai.vault.layout import VAULT_FILE, vault_exists
from milai.vault.memfd import closing_fd, create_memfd, proc_path, pwrite_all, seal
from milai.vault.records import RecordStore

MODELS_DIR = "models"
RECORDS_DIR = "records"
MODEL_SUFFIX = ".model"
VAULT_LOCK = ".vault.lock"
MODELS_LOCK = ".lock"
MODEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
MAX_LEVEL_CHARS = 64
INTERNAL_KIND = "_vault"
AUDIT_KEY_ID = "audit-signing-key"
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


class Vault:
    """An unlocked vault. Build one with ``Vault.create`` or ``Vault.open``."""

    def __init__(self, home: Path, vault_key: bytes, vault_file: VaultFile) -> None:
        self._home = home
        self._key = vault_key
        self._file = vault_file
        self._model_keys = ModelKeys(
            manifest=internal_key(vault_key, "model-manifest v1"),
            body=internal_key(vault_key, "model-body v1"),
        )
        self.records = RecordStore(
            home / RECORDS_DIR,
            internal_key(vault_key, "record-seal v1"),
            internal_key(vault_key, "record-names v1"),
        )
        self._signer: _crypto.Signer | None = None

    def __repr__(self) -> str:
        return f"Vault({str(self._home)!r})"

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("an open Vault holds its key and cannot be pickled")

    @property
    def home(self) -> Path:
        return self._home

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
        with locked(home / VAULT_LOCK):
            if cls.exists(home):
                raise VaultError(
                    f"a vault already exists at {home}",
                    hint="use it, or set MILAI_HOME to another folder",
                )
            with keys.new_key_material(key) as secret:
                params = (
                    keys.calibrate_argon2(argon2_target_seconds)
                    if key.kind == keys.PASSPHRASE
                    else None
                )
                vault_id = _crypto.random_bytes(16).hex()
                vault_key = _crypto.random_bytes(_crypto.KEY_BYTES)
                slot = keys.make_slot(vault_id, vault_key, key.kind, secret, params)
                vault_file = VaultFile(vault_id, _now(), (slot,))
                _write_vault_file(home, vault_key, vault_file)
        vault = cls(home, vault_key, vault_file)
        vault._models_dir()
        vault.audit_signer()
        return vault

    @classmethod
    def open(cls, home: Path, key: KeySource) -> Vault:
        """Unlock the vault in ``home``.

        Raises ``VaultLocked`` when there is no vault (or the key file is missing),
        ``VaultError`` when the folder is open to other users, ``VaultIntegrityError`` for a
        wrong key or a tampered vault file (the same error for both).
        """
        home = Path(home)
        if not cls.exists(home):
            raise VaultLocked(f"no vault at {home}", hint="run `milai init`")
        _check_private_home(home)
        vault_key, vault_file = keys.read_vault_file(home).unlock(key)
        vault = cls(home, vault_key, vault_file)
        vault._remove_stale_temps()
        return vault

    def _remove_stale_temps(self) -> None:
        folders = [self._home, self._home / MODELS_DIR]
        folders += [self._home / RECORDS_DIR / kind for kind in self.records.kinds()]
        for folder in folders:
            if folder.is_dir():
                with contextlib.suppress(OSError):
                    remove_stale_temps(folder)

    # -- key slots -----------------------------------------------------------------------

    def key_slots(self) -> list[str]:
        """The kind of each key slot (``passphrase`` or ``key-file``), in order."""
        return [slot.kind for slot in self._file.slots]

    def add_key_slot(self, key: KeySource, *, argon2_target_seconds: float = 1.0) -> None:
        """Let ``key`` open the vault too (a recovery key file beside a passphrase, say).

        Raises ``UsageError`` when ``key`` already opens it or is unusable.
        """
        with locked(self._home / VAULT_LOCK):
            current = self._reload()
            if len(current.slots) >= keys.MAX_SLOTS:
                raise UsageError(f"the vault already has {keys.MAX_SLOTS} key slots")
            with keys.new_key_material(key) as secret:
                for slot in current.slots:
                    if slot.kind == key.kind and self._unwraps(slot, secret):
                        raise UsageError(f"that {key.describe()} already opens this vault")
                slot = self._new_slot(key, secret, argon2_target_seconds)
                updated = replace(current, slots=(*current.slots, slot))
                _write_vault_file(self._home, self._key, updated)
            self._file = updated

    def change_key(
        self, old: KeySource, new: KeySource, *, argon2_target_seconds: float = 1.0
    ) -> None:
        """Replace the slot that ``old`` opens with one for ``new``. Only the vault key is
        re-wrapped; models and records stay as they are.

        Raises ``VaultIntegrityError`` when ``old`` opens no slot of this vault.
        """
        with locked(self._home / VAULT_LOCK):
            current = self._reload()
            old_secret = keys.key_material(old)
            index = next(
                (
                    position
                    for position, slot in enumerate(current.slots)
                    if slot.kind == old.kind and self._unwraps(slot, old_secret)
                ),
                None,
            )
            if index is None:
                raise VaultIntegrityError()
            with keys.new_key_material(new) as secret:
                slots = list(current.slots)
                slots[index] = self._new_slot(new, secret, argon2_target_seconds)
                updated = replace(current, slots=tuple(slots))
                _write_vault_file(self._home, self._key, updated)
            self._file = updated

    def _new_slot(self, key: KeySource, secret: bytes, target_seconds: float) -> keys.KeySlot:
        params = keys.calibrate_argon2(target_seconds) if key.kind == keys.PASSPHRASE else None
        return keys.make_slot(self._file.vault_id, self._key, key.kind, secret, params)

    def _unwraps(self, slot: keys.KeySlot, secret: bytes) -> bool:
        try:
            found = keys.unwrap_slot(self._file.vault_id, slot, secret)
        except VaultIntegrityError:
            return False
        return _crypto.same_bytes(found, self._key)

    def _reload(self) -> VaultFile:
        """vault.json as it is now on disk, authenticated with this vault's key."""
        current = keys.read_vault_file(self._home).authenticate(self._key)
        if current.vault_id != self._file.vault_id:
            raise VaultIntegrityError()
        return current

    # -- models --------------------------------------------------------------------------

    def _models_dir(self) -> Path:
        try:
            return ensure_private_dir(self._home / MODELS_DIR)
        except PermissionError as error:
            raise VaultError(str(error)) from None

    def _model_path(self, name: str) -> Path:
        return self._home / MODELS_DIR / f"{name}{MODEL_SUFFIX}"

    def import_model(
        self,
        src: Path,
        *,
        name: str,
        level: str,
        sha256: str | None = None,
        progress: Progress | None = None,
    ) -> ModelManifest:
        """Seal the GGUF file ``src`` into the vault as ``name`` at accreditation ``level``.

        Streams in constant memory; a killed import leaves no model behind. Raises
        ``UsageError`` for a bad name, level or digest, a name in use, or a file that is
        missing, unreadable, empty, a directory or not GGUF; ``VaultIntegrityError`` when
        the file does not match ``sha256``.
        """
        name = _check_model_name(name)
        level = _check_level(level)
        expected = _check_sha256(sha256)
        target = self._model_path(name)
        if target.exists():
            raise UsageError(f"a model named {name!r} already exists", hint="choose another name")
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
            draft = ModelManifest(
                name=name,
                size=size,
                sha256="",
                architecture=info.architecture,
                quantisation=info.quantisation,
                level=level,
                imported_at=_now(),
                has_chat_template=info.has_chat_template,
            )
            if progress is not None:
                progress(0, size)
            self._models_dir()
            temp, out_fd = create_temp_for(target)
            try:
                with closing_fd(out_fd):
                    try:
                        result = write_model(
                            source_fd, out_fd, draft, self._model_keys, progress=progress
                        )
                    except ValueError as error:
                        raise UsageError(f"{src}: {error}") from None
                    if expected is not None and result.sha256 != expected:
                        raise VaultIntegrityError(
                            f"{src} does not match the expected sha256",
                            hint=f"expected {expected}, the file has {result.sha256}",
                        )
                    os.fsync(out_fd)
                try:
                    with locked(target.parent / MODELS_LOCK):
                        commit_temp_exclusive(temp, target)
                except FileExistsError:
                    raise UsageError(f"a model named {name!r} already exists") from None
            except OSError as error:
                raise VaultError(f"importing {src} failed: {error.strerror}") from None
            finally:
                with contextlib.suppress(FileNotFoundError):
                    temp.unlink()
        return replace(draft, sha256=result.sha256, catalogued=is_catalogued(result.sha256))

    def list_models(self) -> list[ModelManifest]:
        """Every model in the vault, by name. Raises ``VaultIntegrityError`` when a model
        file fails its check."""
        manifests = []
        for name in self._model_names():
            try:
                manifests.append(self.model(name))
            except ModelError:  # removed by another process since the folder was read
                continue
        return manifests

    def _model_names(self) -> list[str]:
        folder = self._home / MODELS_DIR
        if not folder.is_dir():
            return []
        return sorted(
            path.name.removesuffix(MODEL_SUFFIX)
            for path in folder.glob(f"*{MODEL_SUFFIX}")
            if not path.name.startswith(".")
        )

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
        path = self._known_model_path(name)
        try:
            with locked(path.parent / MODELS_LOCK):
                path.unlink()
        except FileNotFoundError:
            raise self._unknown_model(name) from None
        fsync_dir(path.parent)

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
            memfd = create_memfd(f"milai-model:{name}", header.manifest.size)
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

    def _known_model_path(self, name: str) -> Path:
        if not MODEL_NAME.fullmatch(name):
            raise self._unknown_model(name)
        return self._model_path(name)

    def _unknown_model(self, name: str) -> ModelError:
        known = self._model_names()
        hint = (
            "models in the vault: " + ", ".join(known)
            if known
            else "the vault holds no model yet: "
            "milai model import FILE.gguf --name NAME --level LEVEL"
        )
        return ModelError(f"unknown model {name!r}", hint=hint)

    def _open_model_file(self, name: str) -> tuple[ModelHeader, int]:
        path = self._known_model_path(name)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            raise self._unknown_model(name) from None
        except OSError as error:
            raise VaultError(f"cannot read {path}: {error.strerror}") from None
        try:
            with contextlib.suppress(OSError):
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)
            header = UnverifiedModelHeader.read(fd).authenticate(self._model_keys)
            if header.manifest.name != name:
                raise VaultIntegrityError()
        except BaseException:
            os.close(fd)
            raise
        catalogued = is_catalogued(header.manifest.sha256)
        return replace(header, manifest=replace(header.manifest, catalogued=catalogued)), fd

    # -- keys for others -----------------------------------------------------------------

    def derive_key(self, purpose: str) -> bytes:
        """A 32-byte key for ``purpose`` (HKDF-SHA256 of the vault key, ``purpose`` as
        info), e.g. ``"milai audit hmac v1"``. Same vault, same purpose: same key."""
        if (
            not purpose
            or len(purpose.encode()) > MAX_PURPOSE_BYTES
            or purpose.startswith(keys.INTERNAL_PURPOSE_PREFIX)
        ):
            raise ValueError(f"invalid key purpose {purpose!r}")
        return _crypto.hkdf_sha256(self._key, info=purpose.encode())

    def audit_signer(self) -> _crypto.Signer:
        """The vault's Ed25519 signing key, made on first use and kept as a sealed record."""
        if self._signer is None:
            private = self.records._get(INTERNAL_KIND, AUDIT_KEY_ID)
            if private is None:
                private = self.records._update(
                    INTERNAL_KIND,
                    AUDIT_KEY_ID,
                    lambda old: old if old is not None else _crypto.Signer.generate_private_key(),
                )
            try:
                self._signer = _crypto.Signer(private)
            except ValueError:
                raise VaultIntegrityError() from None
        return self._signer


def _write_vault_file(home: Path, vault_key: bytes, vault_file: VaultFile) -> None:
    try:
        atomic_write(home / VAULT_FILE, vault_file.to_bytes(vault_key))
    except OSError as error:
        raise VaultError(f"cannot write {home / VAULT_FILE}: {error.strerror}") from None
