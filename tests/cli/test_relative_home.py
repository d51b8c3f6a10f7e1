"""A relative ``MILAI_HOME`` is taken from the folder the command starts in, once, and named
in full; where that folder is gone it is one line and exit 2 (README, "For administrators")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.harness import Cli, refused


@pytest.fixture
def start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder milai starts in, MILAI_HOME set to ``rel/vault`` below it."""
    folder = tmp_path / "start"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.setenv("MILAI_HOME", "rel/vault")
    monkeypatch.delenv("MILAI_KEY_FILE", raising=False)
    return folder


def test_a_relative_home_is_the_start_folders_and_named_in_full(
    cli: Cli, tmp_path: Path, start: Path
) -> None:
    key = tmp_path / "vault.key"
    created = cli("init", "--key-file", str(key))
    assert created.code == 0, created.stderr
    assert (start / "rel" / "vault").is_dir()
    report = cli("doctor", "--json")
    assert report.code == 0, report.stderr
    assert json.loads(report.stdout)["home"] == str(start / "rel" / "vault")
    # the same vault from the same folder, opened by the key file recorded at init
    listed = cli("model", "list", "--json")
    assert (listed.code, listed.stdout) == (0, "[]\n"), listed.stderr
    # a key file inside the vault folder is refused also when the home is relative
    inside = cli("--key-file", "rel/vault/vault.json", "model", "list")
    refused(inside, 2, "inside the vault folder")


def test_a_relative_home_where_the_start_folder_is_gone_is_exit_2(
    cli: Cli, tmp_path: Path, start: Path
) -> None:
    start.rmdir()
    line = refused(cli("model", "list"), 2, "MILAI_HOME (rel/vault) is a relative path")
    assert "absolute" in line
    assert not (tmp_path / "rel").exists()
