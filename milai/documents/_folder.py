"""Folders: every regular file under a root, read without following a symbolic link (a link
is reported, never read: nothing outside the folder is reached through one), and a writer
that only ever creates new files under an output folder."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from milai.documents._model import DocumentError, Limits
from milai.documents._text import encode_legacy
from milai.files import NotRegularFile, open_regular

MAX_FOLDER_DEPTH = 64
_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW


@dataclass(frozen=True)
class FolderFile:
    """One entry of a walked folder: its path relative to the root (``/``-separated) and
    its bytes, or why it was not read."""

    path: str
    data: bytes | None = None
    error: str | None = None


def walk_folder(root: Path, limits: Limits | None = None) -> Iterator[FolderFile]:
    """Every file under ``root`` in sorted order. Symbolic links, devices, pipes and
    unreadable files come out with an ``error``; they never stop the walk.

    Raises ``DocumentError`` when ``root`` itself cannot be opened as a folder.
    """
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise DocumentError(f"cannot read the folder {root}: {error.strerror}") from None
    try:
        yield from _walk(fd, "", limits or Limits(), 0)
    finally:
        os.close(fd)


def _walk(dir_fd: int, prefix: str, limits: Limits, depth: int) -> Iterator[FolderFile]:
    try:
        names = sorted(os.listdir(dir_fd))
    except OSError as error:
        yield FolderFile(prefix or ".", error=f"cannot list this folder: {error.strerror}")
        return
    for name in names:
        path = prefix + name
        try:
            info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except OSError as error:
            yield FolderFile(path, error=f"cannot read: {error.strerror}")
            continue
        if stat.S_ISLNK(info.st_mode):
            yield FolderFile(path, error="a symbolic link: not followed")
        elif stat.S_ISDIR(info.st_mode):
            if depth >= MAX_FOLDER_DEPTH:
                yield FolderFile(path, error=f"nested deeper than {MAX_FOLDER_DEPTH} folders")
                continue
            try:
                sub = os.open(name, _DIRECTORY, dir_fd=dir_fd)
            except OSError as error:
                yield FolderFile(path, error=f"cannot read: {error.strerror}")
                continue
            try:
                yield from _walk(sub, path + "/", limits, depth + 1)
            finally:
                os.close(sub)
        elif stat.S_ISREG(info.st_mode):
            yield _read(dir_fd, name, path, limits)
        else:
            yield FolderFile(path, error="not a regular file: skipped")


def _read(dir_fd: int, name: str, path: str, limits: Limits) -> FolderFile:
    try:  # a link or a pipe swapped in since it was listed is refused here, never waited on
        fd = open_regular(name, os.O_RDONLY, dir_fd=dir_fd)
    except NotRegularFile as error:
        return FolderFile(path, error=f"{error.strerror}, not a regular file: skipped")
    except OSError as error:
        return FolderFile(path, error=f"cannot read: {error.strerror}")
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(limits.max_input_bytes + 1)
        except OSError as error:
            return FolderFile(path, error=f"cannot read: {error.strerror}")
    if len(data) > limits.max_input_bytes:
        return FolderFile(path, error=f"larger than {limits.max_input_bytes} bytes")
    return FolderFile(path, data=data)


class NewFiles:
    """Creates files under ``root`` (a new or empty folder), never replacing one, never
    through a symbolic link, readable by the owner only (what is written may be classified).

    Raises ``DocumentError`` when ``root`` is not empty or cannot be created.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        try:
            root.mkdir(mode=0o700, parents=True, exist_ok=True)
            if any(root.iterdir()):
                raise DocumentError(f"the output folder {root} is not empty")
        except OSError as error:
            raise DocumentError(f"cannot use the output folder {root}: {error.strerror}") from None

    def write(self, path: str, text: str, *, legacy: bool = False) -> Path:
        """Write ``text`` (UTF-8; ``legacy``: cp1252, as a file that was read so) to
        ``root/path``; a write that fails leaves no file. Raises ``OSError``, and
        ``UnicodeEncodeError`` for a character that cp1252 has no byte for."""
        data = encode_legacy(text) if legacy else text.encode("utf-8")
        target = self.root / path
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        fd = os.open(target, flags, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        except BaseException:
            target.unlink(missing_ok=True)  # never a partial copy
            raise
        return target
