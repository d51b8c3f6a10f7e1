"""A vault folder on a read-only file system (a copy on write-protected media, for an
auditor): what only reads works, what writes is refused with one line and exit 4.

The file system is simulated in process: every open of a file inside the vault folder that
could write (or create) fails with ``EROFS``, as the kernel answers on a read-only mount."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

from tests.cli.harness import invoke
from tests.helpers import write_key_file

WRITING = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


@pytest.fixture
def read_only_vault(isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    key_file = tmp_path / "media" / "milai.key"
    key_file.parent.mkdir()
    write_key_file(key_file)
    for argv in (("init", "--key-file", str(key_file)), ("check", "-")):
        result = invoke(*argv, stdin="hello")
        assert result.code == 0, result.stderr
    real_open = os.open

    def open_read_only(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        inside = str(os.fspath(path)).startswith(str(isolated_home))
        if inside and flags & WRITING:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_read_only)
    return isolated_home


@pytest.mark.parametrize("argv", [("audit", "verify"), ("audit", "show"), ("key", "list")])
def test_what_only_reads_works(read_only_vault: Path, argv: tuple[str, ...]) -> None:
    result = invoke(*argv)
    assert result.code == 0, result.stderr


def test_what_writes_is_refused_in_one_line(read_only_vault: Path) -> None:
    result = invoke("check", "-", stdin="hello")
    assert result.code == 4, result.stderr
    assert "Read-only file system" in result.error_line()
