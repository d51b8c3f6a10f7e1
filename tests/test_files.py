"""Small files named on the command line: bounded reads, one-line errors naming the file."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from milai.errors import ExitCode, UsageError
from milai.files import NotRegularFile, open_regular, read_small_file
from milai.structured import SchemaError


def test_a_file_up_to_the_limit_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "ca.pem"
    path.write_bytes(b"x" * 16)
    assert read_small_file(path, "CA file", 16) == b"x" * 16


def test_a_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ca.pem"
    path.write_bytes(b"x" * 17)
    with pytest.raises(UsageError) as refused:
        read_small_file(path, "CA file", 16)
    assert refused.value.message == f"CA file {path} is larger than 16 bytes"
    assert refused.value.exit_code == ExitCode.USAGE


def test_an_unreadable_file_is_one_line_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "token"
    with pytest.raises(UsageError) as refused:
        read_small_file(missing, "token file", 16)
    assert refused.value.message == f"cannot read token file {missing}: No such file or directory"
    with pytest.raises(UsageError, match=r"cannot read token file .*: Is a directory"):
        read_small_file(tmp_path, "token file", 16)


def test_the_caller_picks_the_error_class(tmp_path: Path) -> None:
    with pytest.raises(SchemaError):
        read_small_file(tmp_path / "missing.json", "schema file", 16, SchemaError)


@pytest.mark.parametrize(
    ("make", "what"),
    [
        (lambda path: path.symlink_to("/dev/zero"), "a symbolic link"),
        (lambda path: os.mkfifo(path), "a named pipe"),
        (lambda path: path.mkdir(), "a directory"),
    ],
)
@pytest.mark.parametrize("flags", [os.O_RDONLY, os.O_RDWR | os.O_APPEND])
def test_open_regular_refuses_anything_else_at_once(
    tmp_path: Path, make: Callable[[Path], object], what: str, flags: int
) -> None:
    """A pipe with no writer is refused, not waited on; a link to /dev/zero is never
    followed; a directory is refused to read as to write."""
    path = tmp_path / "audit.log"
    make(path)
    signal.alarm(10)  # a wait on the pipe ends the run (SIGALRM) rather than hang it
    try:
        with pytest.raises(NotRegularFile) as refused:
            open_regular(path, flags)
    finally:
        signal.alarm(0)
    assert refused.value.strerror == what
    assert refused.value.filename == str(path)


def test_open_regular_opens_a_regular_file_relative_to_a_folder(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_bytes(b"note")
    folder = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fd = open_regular("note.txt", os.O_RDONLY, dir_fd=folder)
    finally:
        os.close(folder)
    try:
        assert os.read(fd, 16) == b"note"
        assert os.get_inheritable(fd) is False
    finally:
        os.close(fd)
    with pytest.raises(FileNotFoundError):
        open_regular(tmp_path / "missing", os.O_RDONLY)
