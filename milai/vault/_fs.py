"""File-system habits for everything milai stores: private modes from birth, atomic
replacement, durable renames, and an inter-process lock.

Files are created 0600 with ``O_CREAT | O_EXCL`` (never chmod-ed after the fact) and
folders 0700. A write either lands whole or not at all: temp file, fsync, rename, fsync
the folder. A writer holds a ``flock`` on its temp file, so a cleaner can tell a crashed
writer's leftovers from a file that is still being written.

Every step that changes the disk first calls ``fault_point(name)``: tests install a hook
there that kills the process at step k, for every k, to show that each write leaves the
old state or the new one.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from milai.errors import VaultError

FILE_MODE = 0o600
DIR_MODE = 0o700
TEMP_SUFFIX = ".tmp"
STALE_TEMP_AGE_S = 5.0

FaultHook = Callable[[str], None]
_fault_hook: list[FaultHook] = []


def fault_point(step: str) -> None:
    """Called before each step that changes the disk (a no-op unless a test hooks it)."""
    for hook in _fault_hook:
        hook(step)


@contextlib.contextmanager
def fault_hook(hook: FaultHook) -> Iterator[None]:
    """Call ``hook(step)`` before every disk-changing step in the block (tests only)."""
    _fault_hook.append(hook)
    try:
        yield
    finally:
        _fault_hook.remove(hook)


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) with mode 0700 if missing; return it.

    Raises ``PermissionError`` when an existing folder is readable by others.
    """
    missing = [path, *(parent for parent in path.parents if not parent.exists())]
    for folder in reversed(missing):
        # one level at a time: ``mkdir(parents=True)`` would make the parents 0777 & ~umask
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        fsync_dir(folder.parent)
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise PermissionError(f"{path} is accessible to other users (mode {mode:o})")
    return path


def create_private(path: Path) -> int:
    """Open a new file for writing, mode 0600 from the start; fail if it exists."""
    fault_point("create")
    return os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_CLOEXEC, FILE_MODE)


def write_new_private_file(path: Path, data: bytes) -> None:
    """Create ``path`` (0600, ``O_EXCL``: never an existing file) holding ``data``, durably.

    Raises ``FileExistsError`` when it exists, ``OSError`` when it cannot be written.
    """
    fd = create_private(path)
    try:
        write_all(fd, data)
        sync_file(fd)
    finally:
        os.close(fd)
    fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    fault_point("fsync folder")
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_all(fd: int, data: memoryview | bytes | bytearray) -> None:
    """``os.write`` until every byte of ``data`` is written (short writes happen)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def temp_path_for(path: Path) -> Path:
    """A fresh hidden name beside ``path``, on the same file system, for atomic replace."""
    return path.with_name(f".{path.name}.{secrets.token_hex(8)}{TEMP_SUFFIX}")


def create_temp_for(path: Path) -> tuple[Path, int]:
    """Create and ``flock`` a private temp file beside ``path``; return its name and fd.

    The lock tells ``remove_stale_temps`` that a live writer still owns the file; the
    kernel drops it when the writer exits, however it exits.
    """
    temp = temp_path_for(path)
    fd = create_private(temp)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return temp, fd


def commit_temp(temp: Path, path: Path) -> None:
    """Durably rename a fully written and fsync-ed ``temp`` over ``path``."""
    fault_point("rename")
    os.replace(temp, path)
    fsync_dir(path.parent)


def sync_file(fd: int) -> None:
    fault_point("fsync")
    os.fsync(fd)


def durable_unlink(path: Path) -> None:
    """Remove ``path`` (if present) and make the removal durable."""
    fault_point("unlink")
    try:
        path.unlink()
    except FileNotFoundError:
        return
    fsync_dir(path.parent)


def commit_temp_exclusive(temp: Path, path: Path) -> None:
    """Durably give a fully written and fsync-ed ``temp`` the name ``path``, which must
    not exist yet. Raises ``FileExistsError`` (and leaves ``temp`` alone) when it does.

    ``link`` + ``unlink`` instead of ``rename``: a rename would silently replace a file
    another process committed a moment earlier.
    """
    fault_point("link")
    try:
        os.link(temp, path)
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK):
            raise
        # a file system without hard links: check, then rename (callers hold a lock)
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
        os.rename(temp, path)
    else:
        os.unlink(temp)
    fsync_dir(path.parent)


def atomic_write(
    path: Path, data: bytes, *, before_commit: Callable[[], None] | None = None
) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new bytes, never a mix.
    ``before_commit`` is called once the new bytes are synced, just before the rename."""
    temp, fd = create_temp_for(path)
    try:
        with os.fdopen(fd, "wb", closefd=True) as out:
            fault_point("write")
            out.write(data)
            out.flush()
            sync_file(out.fileno())
        if before_commit is not None:
            before_commit()
        commit_temp(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise


def remove_stale_temps(folder: Path, *, min_age_s: float = STALE_TEMP_AGE_S) -> None:
    """Delete temp files left behind by a crashed writer (they were never committed).

    A temp file whose writer is alive is locked, and skipped; so is one younger than
    ``min_age_s`` (its writer may not have taken the lock yet).
    """
    now = time.time()
    for stale in folder.glob(f".*{TEMP_SUFFIX}"):
        try:
            fd = os.open(stale, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            if now - os.fstat(fd).st_mtime < min_age_s:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                    continue
                raise
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()
        finally:
            os.close(fd)


@contextlib.contextmanager
def locked(lock_path: Path, *, shared: bool = False) -> Iterator[None]:
    """Hold an advisory ``flock`` on ``lock_path`` (created 0600 if missing) for the block.

    A symbolic link in its place is refused (``OSError``), never followed. A shared lock on
    a read-only file system (a vault copied to read-only media, for an auditor) is taken on
    the lock file opened to read: nothing can write there, and ``flock`` needs no more.
    """
    try:
        fd = os.open(lock_path, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC | os.O_NOFOLLOW, FILE_MODE)
    except OSError as error:
        if not shared or error.errno != errno.EROFS:
            raise
        fd = os.open(lock_path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def locked_or_refused(lock_path: Path, what: str, *, shared: bool = False) -> Iterator[None]:
    """``locked``, but a lock that cannot be taken (unreadable, a symbolic link put in its
    place) is ``VaultError`` naming ``what`` is locked and the lock file."""
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(locked(lock_path, shared=shared))
        except OSError as error:
            raise VaultError(f"cannot lock {what} ({lock_path}): {error.strerror}") from None
        yield
