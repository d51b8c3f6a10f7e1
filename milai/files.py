"""Small files a person names on the command line (a CA, a token, a schema, system text):
read whole but bounded, every failure one line that names the file; and the one way milai
opens a file that must be a regular file in its place (vault files, the audit log, the
files of a folder being read)."""

from __future__ import annotations

import base64
import errno
import os
import stat
from pathlib import Path

from milai.errors import UsageError


def read_small_file(
    path: Path, what: str, limit: int, error: type[UsageError] = UsageError
) -> bytes:
    """The bytes of ``path`` (``what`` names it in messages: "CA file"). Raises ``error``
    (a ``UsageError``, exit 2) when it cannot be read or holds more than ``limit`` bytes."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise error(f"{what} {path} is larger than {limit} bytes")
    return data


def shown_name(name: str | os.PathLike[str]) -> str:
    """A file's name as text to show or store: the bytes of a name that are not UTF-8
    (Python carries them as lone surrogates, PEP 383) written as ``\\xNN`` escapes, as
    ``ls -b`` shows them; a UTF-8 name as it is. For showing only: ``name_bytes`` gives
    the exact name back."""
    text = os.fspath(name)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return os.fsencode(text).decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:  # a surrogate no file system byte stands for
            return text.encode("utf-8", "backslashreplace").decode("ascii")
    return text


def name_bytes(name: str | os.PathLike[str]) -> str | None:
    """The exact bytes of a name that is not UTF-8, base64 (the ``path_bytes`` of milai's
    JSON lines, as ripgrep's ``{"bytes"}``); None for a UTF-8 name, whose text is exact."""
    text = os.fspath(name)
    if shown_name(text) == text:
        return None
    return base64.b64encode(os.fsencode(text)).decode("ascii")


class NotRegularFile(OSError):
    """Something other than a regular file stands where one was expected: a symbolic link
    (never followed), a directory, a FIFO, a device or a socket. ``strerror`` says which
    ("a symbolic link", "a named pipe", ...)."""


def open_regular(path: Path | str, flags: int, *, dir_fd: int | None = None) -> int:
    """Open ``path`` (relative to ``dir_fd`` when given) only if it is a regular file in
    its place: never through a symbolic link, never waiting on a FIFO (``O_NONBLOCK``,
    which does nothing to a regular file). Returns the descriptor (close-on-exec).

    Raises ``NotRegularFile`` when something else stands there, and ``OSError`` (e.g.
    ``FileNotFoundError``) when it cannot be opened.
    """
    flags |= os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK
    try:
        fd = os.open(path, flags, dir_fd=dir_fd)
    except OSError as error:
        if error.errno == errno.ELOOP:  # the last component is a symbolic link
            raise NotRegularFile(errno.ELOOP, "a symbolic link", str(path)) from None
        if error.errno == errno.EISDIR:  # a directory opened for writing
            raise NotRegularFile(errno.EISDIR, "a directory", str(path)) from None
        raise
    try:
        mode = os.fstat(fd).st_mode
    except BaseException:
        os.close(fd)
        raise
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise NotRegularFile(errno.EINVAL, file_kind(mode), str(path))
    return fd


def file_kind(mode: int) -> str:
    """What kind of file ``mode`` (``st_mode``) is, in words ("a directory", ...)."""
    if stat.S_ISREG(mode):
        return "a regular file"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "another kind of file"
