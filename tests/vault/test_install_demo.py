"""install.sh on a machine that already has a vault this milai cannot read (the upgrade gap
from format 1): it says so in one line and offers ``--reset-demo``, which moves the demo
vault aside (nothing deleted) and makes a new one; a vault that is not the demo's is never
touched.

The real install.sh runs, in a copy of the repository's layout whose ``.venv`` is this
test's interpreter with pip stubbed out (nothing is installed or fetched).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from milai.vault.demo import (
    CURRENT,
    NO_VAULT,
    OLD_DEMO,
    OLD_OTHER,
    demo_vault_status,
    move_aside,
    vault_format,
)
from milai.vault.keys import VAULT_VERSION

REPO = Path(__file__).resolve().parents[2]


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def make_format_1_vault(home: Path, key_file: Path, models: tuple[str, ...]) -> None:
    """A wave-one vault as far as anything outside it can tell: vault.json at version 1,
    models named after themselves, records by kind, the key file's path recorded."""
    home.mkdir(mode=0o700, parents=True)
    (home / "vault.json").write_text(
        '{"created_at": "2026-11-27T10:00:00Z", "format": "milai-vault", "mac": "00", '
        '"slots": [], "vault_id": "00", "version": 1}\n'
    )
    (home / "models").mkdir(mode=0o700)
    for name in models:
        (home / "models" / f"{name}.model").write_bytes(os.urandom(256))
    (home / "records" / "settings").mkdir(mode=0o700, parents=True)
    (home / "records" / "settings" / "ab.rec").write_bytes(os.urandom(64))
    (home / "key-file.path").write_text(str(key_file))
    key_file.write_bytes(os.urandom(32))
    key_file.chmod(0o600)


@pytest.fixture
def installer(tmp_path: Path) -> Path:
    """A folder holding install.sh and a .venv whose python is this one, pip a no-op."""
    root = tmp_path / "repo"
    (root / ".venv" / "bin").mkdir(parents=True)
    shutil.copy2(REPO / "install.sh", root / "install.sh")
    python = root / ".venv" / "bin" / "python"
    python.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then exit 0; fi\n'
        f'exec "{sys.executable}" "$@"\n'
    )
    milai = root / ".venv" / "bin" / "milai"
    milai.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m milai "$@"\n')
    python.chmod(0o755)
    milai.chmod(0o755)
    return root


def run_install(
    installer: Path, home: Path, key: Path, *flags: str
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "MILAI_HOME": str(home),
        "MILAI_DEMO_KEY": str(key),
        "PYTHON": sys.executable,
    }
    env.pop("MILAI_KEY_FILE", None)
    return subprocess.run(
        ["bash", str(installer / "install.sh"), *flags],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def test_an_old_demo_vault_is_named_and_the_fix_offered(installer: Path, tmp_path: Path) -> None:
    home, key = tmp_path / "home", tmp_path / "demo.key"
    make_format_1_vault(home, key, ("smollm2-135m",))
    before = _tree(home)
    result = run_install(installer, home, key)
    assert result.returncode == 1, result.stderr
    [line] = [line for line in result.stderr.splitlines() if "format" in line]
    assert "cannot read" in line and str(home) in line and "--reset-demo" in line
    assert _tree(home) == before  # untouched
    assert sorted(path.name for path in tmp_path.iterdir()) == ["demo.key", "home", "repo"]


def test_reset_demo_moves_the_old_one_aside_and_makes_a_new_one(
    installer: Path, tmp_path: Path
) -> None:
    home, key = tmp_path / "home", tmp_path / "demo.key"
    make_format_1_vault(home, key, ("smollm2-135m",))
    before = _tree(home)
    result = run_install(installer, home, key, "--reset-demo")
    assert result.returncode == 0, result.stderr
    [moved] = [path for path in tmp_path.iterdir() if path.name.startswith("home.format-1-")]
    assert _tree(moved) == before  # nothing deleted
    assert str(moved) in result.stderr
    assert vault_format(home) == VAULT_VERSION
    shown = subprocess.run(
        [sys.executable, "-m", "milai", "model", "show", "smollm2-135m"],
        capture_output=True,
        text=True,
        env={**os.environ, "MILAI_HOME": str(home)},
        check=False,
    )
    assert shown.returncode == 0, shown.stderr


@pytest.mark.parametrize("flags", [(), ("--reset-demo",)])
def test_a_vault_that_is_not_the_demos_is_never_touched(
    installer: Path, tmp_path: Path, flags: tuple[str, ...]
) -> None:
    home, key = tmp_path / "home", tmp_path / "demo.key"
    make_format_1_vault(home, tmp_path / "own.key", ("smollm2-135m",))
    key.write_bytes(os.urandom(32))
    before = _tree(home)
    result = run_install(installer, home, key, *flags)
    assert result.returncode == 1, result.stderr
    [line] = [line for line in result.stderr.splitlines() if "format" in line]
    assert "not the demo vault" in line and str(home) in line
    assert _tree(home) == before
    assert not list(tmp_path.glob("home.format-*"))


def test_demo_vault_status(tmp_path: Path) -> None:
    key = tmp_path / "demo.key"
    assert demo_vault_status(tmp_path / "none", key, VAULT_VERSION) == NO_VAULT
    demo = tmp_path / "demo"
    make_format_1_vault(demo, key, ("smollm2-135m",))
    assert demo_vault_status(demo, key, VAULT_VERSION) == OLD_DEMO
    assert demo_vault_status(demo, key, 1) == CURRENT
    own_model = tmp_path / "own-model"
    make_format_1_vault(own_model, tmp_path / "demo2.key", ("smollm2-135m", "mistral"))
    assert demo_vault_status(own_model, tmp_path / "demo2.key", VAULT_VERSION) == OLD_OTHER
    other_key = tmp_path / "other"
    make_format_1_vault(other_key, tmp_path / "other.key", ())
    assert demo_vault_status(other_key, key, VAULT_VERSION) == OLD_OTHER
    (other_key / "key-file.path").unlink()
    assert demo_vault_status(other_key, tmp_path / "other.key", VAULT_VERSION) == OLD_OTHER


def test_move_aside_never_replaces_anything(tmp_path: Path) -> None:
    home = tmp_path / "home"
    make_format_1_vault(home, tmp_path / "demo.key", ())
    moved = move_aside(home)
    assert not home.exists() and (moved / "vault.json").is_file()
    assert moved.name.startswith("home.format-1-")
