"""No plaintext on disk: after an import, a load and some record writes, no file milai
could have written holds the GGUF header or a known plaintext segment; and, traced with
strace, milai opens files for writing only inside the vault folder."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from milai.vault import Vault
from tests.vault.vault_synthetic import PLAINTEXT_MARKER, gguf_header

RECORD_MARKER = b"RECORD-PLAINTEXT-MARKER-41c2"
SCAN_ROOTS = [Path(tempfile.gettempdir()), Path("/dev/shm"), Path("/var/tmp")]


def _needles(model: bytes, record: bytes) -> list[bytes]:
    """Slices that only this run's plaintext holds: the model's body is random from a
    fresh seed (another process's synthetic model on a shared machine has the same
    header and marker, not the same bytes), taken where it starts (behind the marker),
    in its middle and at its end, and the record's own random tag."""
    body = model.index(PLAINTEXT_MARKER)
    middle = (body + len(model)) // 2
    return [model[body : body + 64], model[middle : middle + 64], model[-64:], record]


def _files_written_since(roots: list[Path], since: float, skip: list[Path]) -> list[Path]:
    """Regular files (not links) under ``roots`` changed since ``since``; ``skip``'s trees
    are not walked into. One stat a file (scandir's), not four: /tmp on a shared machine
    holds a hundred thousand files."""
    skipped = {str(path) for path in skip}
    found = []
    folders = [str(root) for root in roots if root.is_dir()]
    while folders:
        try:
            entries = list(os.scandir(folders.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.path not in skipped:
                        folders.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    info = entry.stat(follow_symlinks=False)
                    if info.st_mtime >= since or info.st_ctime >= since:
                        found.append(Path(entry.path))
            except OSError:
                continue
    return found


def test_no_plaintext_in_any_file_written(
    vault: Vault, isolated_home: Path, make_gguf: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    start = time.time() - 1
    source, sha256 = make_gguf(1_500_000, seed=secrets.randbits(64))
    record = RECORD_MARKER + secrets.token_hex(16).encode()
    vault.import_model(source, name="m", level="SECRET")
    with vault.open_model("m") as path:
        assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == sha256
    vault.verify_model("m")
    vault.records.put("history", "chat", record * 10)
    vault.records.update("history", "chat", lambda old: (old or b"") + record)
    # The temp dirs, except pytest's own trees (pytest-of-USER, in each temp dir: a run
    # puts it in /dev/shm or in /tmp, tests/conftest.py): the plaintext sources of this
    # run, its other workers (-n) and any other test run at the same time live there.
    # The vault folder inside it is scanned on its own.
    base = tmp_path_factory.getbasetemp()
    trees = [folder for folder in base.parents if folder.name.startswith("pytest-of-")]
    pytest_temps = trees[0] if trees else base.parent  # or the --basetemp given
    skip = [pytest_temps, *(root / pytest_temps.name for root in SCAN_ROOTS if trees)]
    in_temps = _files_written_since(SCAN_ROOTS, start, skip=skip)
    in_home = _files_written_since([isolated_home], start, skip=[])
    assert vault.model_file("m") in in_home
    needles = _needles(source.read_bytes(), record)
    # Only the vault's own folder is checked for the header every synthetic model shares.
    for written, looked_for in [
        *((path, needles) for path in in_temps),
        *((path, [*needles, gguf_header()[:24]]) for path in in_home),
    ]:
        try:
            data = written.read_bytes()
        except OSError:
            continue
        for needle in looked_for:
            assert needle not in data, f"plaintext found in {written}"


TRACED = """
import hashlib, sys
from pathlib import Path
from milai.vault import KeySource, Vault
home, key_file, source = map(Path, sys.argv[1:4])
vault = Vault.create(home, KeySource(key_file=key_file))
vault.import_model(source, name="m", level="SECRET")
with vault.open_model("m") as path:
    print(hashlib.sha256(Path(path).read_bytes()).hexdigest())
vault.verify_model("m")
vault.records.put("history", "chat", b"RECORD-PLAINTEXT-MARKER-41c2")
"""

WRITE_FLAGS = re.compile(r"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC")
OPENED = re.compile(r'open(?:at)?\((?:AT_FDCWD|\d+), "([^"]*)", ([A-Z_|]+)')
RENAMED = re.compile(
    r'(?:rename|renameat2?|link|linkat)\((?:AT_FDCWD, )?"([^"]*)", (?:AT_FDCWD, )?"([^"]*)"'
)


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_strace_shows_writes_only_inside_the_vault(tmp_path: Path, make_gguf: Any) -> None:
    source, sha256 = make_gguf(1_000_000)
    home = tmp_path / "traced-home"
    key_file = tmp_path / "traced.key"
    log = tmp_path / "strace.log"
    result = subprocess.run(
        [
            "strace", "-f", "-qq", "-o", str(log),
            "-e", "trace=open,openat,creat,rename,renameat,renameat2,link,linkat",
            sys.executable, "-c", TRACED, str(home), str(key_file), str(source),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    if result.returncode != 0 and "ptrace" in result.stderr:
        pytest.skip(f"strace cannot trace here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == sha256
    written: list[str] = []
    for line in log.read_text().splitlines():
        opened = OPENED.search(line)
        if opened and WRITE_FLAGS.search(opened.group(2)) and "= -1" not in line:
            written.append(opened.group(1))
        renamed = RENAMED.search(line)
        if renamed:
            written.extend(renamed.groups())
    assert written, "strace saw no writes at all"
    allowed = (str(home) + "/", str(key_file), "/dev/null")
    outside = [
        path
        for path in written
        if not path.startswith(allowed) and "__pycache__" not in path and path != str(home)
    ]
    assert outside == [], f"files written outside the vault: {outside}"
    needles = [*_needles(source.read_bytes(), RECORD_MARKER), gguf_header()[:24]]
    for path in home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for needle in needles:
                assert needle not in data, f"plaintext found in {path}"
