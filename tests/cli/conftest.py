"""A demo vault (key file + the real SmolLM2 model imported) built once, copied per test,
and a helper that runs the real ``milai`` command in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import DEMO_SHA256, demo_model_file

MilaiRunner = Callable[..., subprocess.CompletedProcess[str]]
BIG = 1 << 20


def milai_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "milai", *args]


def controlling_terminal() -> None:
    """In a child: a new session whose controlling terminal is the pty on stdin, so that
    /dev/tty (where milai asks for passphrases) is that pty and Ctrl-C sends SIGINT."""
    import fcntl
    import termios

    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def run_milai(
    *args: str,
    input: str | bytes | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    data = input.encode() if isinstance(input, str) else input
    result = subprocess.run(
        milai_command(*args),
        input=data,
        capture_output=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
        stdin=None if data is not None else subprocess.DEVNULL,
    )
    return subprocess.CompletedProcess(
        result.args,
        result.returncode,
        result.stdout.decode("utf-8", errors="replace"),
        result.stderr.decode("utf-8", errors="replace"),
    )


@pytest.fixture(scope="session")
def template_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("template")
    home = root / "home"
    env = {"MILAI_HOME": str(home)}
    init = run_milai("init", "--key-file", str(root / "vault.key"), env=env)
    assert init.returncode == 0, init.stderr
    imported = run_milai(
        "model",
        "import",
        str(demo_model_file()),
        "--name",
        "smollm2-135m",
        "--level",
        "UNCLASSIFIED",
        "--sha256",
        DEMO_SHA256,
        env=env,
    )
    assert imported.returncode == 0, imported.stderr
    return home


def _copy_linking_big_files(source: str, target: str) -> None:
    # Sealed model containers are never modified in place: share them, copy the rest.
    if os.path.getsize(source) >= BIG:
        os.link(source, target)
    else:
        shutil.copy2(source, target)


@pytest.fixture
def vault_home(template_vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "vault"
    shutil.copytree(template_vault, home, copy_function=_copy_linking_big_files)
    monkeypatch.setenv("MILAI_HOME", str(home))
    return home


@pytest.fixture
def milai() -> MilaiRunner:
    return run_milai
