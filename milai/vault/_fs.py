"""File-system habits for everything milai stores: private modes from birth, atomic
replacement, durable renames, and an inter-process lock.

Files are created 0600 with ``O_CREAT | O_EXCL`` (never chmod-ed after the fact) and
folders 0700. A write either lands whole or not at all: temp file, fsync, rename, fsync
the folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) with mode 0700 if missing; return it.

    Raises ``PermissionError`` when an existing folder is readable by others.
    """
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise PermissionError(f"{path} is accessible to other users (mode {mode:o})")
    return path


def create_private(path: Path) -> int:
    """Open a new file for writing, mode 0600 from the start; fail if it exists."""
    return os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_CLOEXEC, FILE_MODE)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_path_for(path: Path) -> Path:
    """A fresh hidden name beside ``path``, on the same file system, for atomic replace."""
    return path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")


def commit_temp(temp: Path, path: Path) -> None:
    """Durably rename a fully written and fsync-ed ``temp`` over ``path``."""
    os.replace(temp, path)
    fsync_dir(path.parent)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new bytes, never a mix."""
    temp = temp_path_for(path)
    fd = create_private(temp)
    try:
        with os.fdopen(fd, "wb", closefd=True) as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        commit_temp(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise


def remove_stale_temps(folder: Path) -> None:
    """Delete temp files left behind by a crashed writer (they were never committed)."""
    for stale in folder.glob(".*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()


@contextlib.contextmanager
def locked(lock_path: Path, *, shared: bool = False) -> Iterator[None]:
    """Hold an advisory ``flock`` on ``lock_path`` (created 0600 if missing) for the block."""
    fd = os.open(lock_path, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
