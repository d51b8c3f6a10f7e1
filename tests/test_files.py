"""Small files named on the command line: bounded reads, one-line errors naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from milai.errors import ExitCode, UsageError
from milai.files import read_small_file
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
