"""Formats told apart by content; folders walked without following links."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from milai.documents import DocumentError, Limits, NewFiles, _folder, sniff, walk_folder
from tests.documents.builders import Docx, Odt, eml_bytes, html_bytes, pdf_bytes


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (pdf_bytes([["x"]]), "pdf"),
        (b"\x00\x00garbage %PDF-1.4", "pdf"),
        (Docx(body=["x"]).build(), "zip"),
        (Odt(body=["x"]).build(), "zip"),
        (html_bytes("SECRET", "x"), "html"),
        (b"  <p align=center>SECRET</p>\n", "html"),
        (b"<?xml version='1.0'?>\n<html xmlns='http://www.w3.org/1999/xhtml'>", "html"),
        (eml_bytes("Convoy", "Body."), "email"),
        (b"From alice Mon Jan  1 09:00:00 2024\nFrom: a@b\nSubject: x\n\nbody", "email"),
        (b"Subject: notes\nThe meeting moved to Tuesday.\n", "text"),
        (b"# Heading\n\n<b>bold</b> text", "text"),
        (b"<bold> is not a tag we sniff", "text"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "ole"),
        (b"\x89PNG\r\n\x1a\n", "image"),
        ("SECRET".encode("utf-16"), "utf16"),
        (b"plain words", "text"),
        # red team 7: text that quotes a PDF header is text; a file's header is a PDF's
        (b"Why does my file start with %PDF-1.7 and then binary?\n", "text"),
        (b"$ head -c 8 plan.pdf\n%PDF-1.7\n", "text"),
        (b"The spec: a file starts with %PDF-1.7, then 1 0 obj and so on.\n", "text"),
        (b"%PDF-1.7\n", "pdf"),  # a broken PDF is refused naming it (fail closed)
        (b"\xef\xbb\xbf\n %PDF-1.4\ntext", "pdf"),
        (b"HTTP/1.1 200 OK\r\n\r\n%PDF-1.4\n1 0 obj\n<< >>\nendobj\n", "pdf"),
        (b"junk line\n%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "pdf"),
        (b"x" * 1100 + b"\n%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "text"),
    ],
)
def test_sniff(head: bytes, kind: str) -> None:
    assert sniff(head[:8192]) == kind


def test_walk_folder_reports_what_it_does_not_read(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "deep.txt").write_text("deep")
    (root / "top.txt").write_text("top")
    (root / "dir-link").symlink_to(tmp_path)
    (root / "dangling").symlink_to(tmp_path / "missing")
    os.mkfifo(root / "pipe")
    entries = list(walk_folder(root))
    assert [(e.path, e.data, e.error) for e in entries] == [
        ("a/b/deep.txt", b"deep", None),
        ("dangling", None, "a symbolic link: not followed"),
        ("dir-link", None, "a symbolic link: not followed"),
        ("pipe", None, "not a regular file: skipped"),
        ("top.txt", b"top", None),
    ]
    with pytest.raises(DocumentError, match="cannot read the folder"):
        list(walk_folder(tmp_path / "missing"))


def test_new_files_never_replace(tmp_path: Path) -> None:
    files = NewFiles(tmp_path / "out")
    written = files.write("a/b.txt", "text")
    assert written.read_text() == "text"
    assert written.stat().st_mode & 0o777 == 0o600
    with pytest.raises(FileExistsError):
        files.write("a/b.txt", "again")
    with pytest.raises(DocumentError, match="is not empty"):
        NewFiles(tmp_path / "out")


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail, rather than wait for ever, when an open waits on a pipe with no writer."""

    def timed_out(signum: int, frame: object) -> None:
        raise TimeoutError("waited on a pipe")

    previous = signal.signal(signal.SIGALRM, timed_out)
    signal.alarm(10)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda path: os.mkfifo(path), "a named pipe, not a regular file: skipped"),
        (lambda path: path.symlink_to("/dev/zero"), "a symbolic link, not a regular file: skipped"),
        (lambda path: path.mkdir(), "a directory, not a regular file: skipped"),
    ],
)
def test_a_file_swapped_after_it_was_listed_is_never_read(
    tmp_path: Path, make: Callable[[Path], object], error: str, no_hang: None
) -> None:
    """The walk lists a regular file; by the time it opens it, something else stands there
    (a pipe with no writer, a link to /dev/zero): refused at the open, never waited on or
    read (``milai.files.open_regular``, the vault's own check)."""
    make(tmp_path / "report.txt")
    fd = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        found = _folder._read(fd, "report.txt", "report.txt", Limits())
    finally:
        os.close(fd)
    assert (found.data, found.error) == (None, error)


def test_a_folder_with_a_pipe_and_a_link_to_dev_zero_is_walked_at_once(
    tmp_path: Path, no_hang: None
) -> None:
    root = tmp_path / "root"
    root.mkdir()
    os.mkfifo(root / "pipe")
    (root / "zero").symlink_to("/dev/zero")
    (root / "note.txt").write_text("note")
    assert [(e.path, e.data, e.error) for e in walk_folder(root)] == [
        ("note.txt", b"note", None),
        ("pipe", None, "not a regular file: skipped"),
        ("zero", None, "a symbolic link: not followed"),
    ]
