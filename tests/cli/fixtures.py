"""CLI fixtures, for every test folder (a plugin: tests/conftest.py loads it).

Real path: a demo vault (key file + the real SmolLM2 model imported) built once, copied per
test, and a helper that runs the real ``milai`` command in a subprocess (``model`` tests).
In process: ``cli`` (tests/cli/harness.py), a vault of synthetic GGUF models built once and
copied per test, and a scripted engine (tests/fakes.py).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from milai.vault.unlock import KEY_FILE_HINT
from tests.cli.harness import Cli, invoke
from tests.fakes import FakeEngine, install_fake_engine
from tests.helpers import DEMO_SHA256, demo_model_file
from tests.vault.vault_synthetic import write_gguf

MilaiRunner = Callable[..., subprocess.CompletedProcess[str]]
BIG = 1 << 20


def milai_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "milai", *args]


def run_traced(
    trace: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """``milai *args`` run under strace, its network system calls and its children's
    written to ``trace``; skips the test where ptrace is not permitted."""
    result = subprocess.run(
        ["strace", "-f", "-qq", "-e", "trace=network", "-o", str(trace), *milai_command(*args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
        env=None if env is None else {**os.environ, **env},
    )
    if result.returncode != 0 and "ptrace" in result.stderr:
        pytest.skip("ptrace is not permitted here")
    return result


def interruptible() -> None:
    """In a child: SIGINT does what it does for a command typed at a terminal. A test run
    started in the background by a shell without job control (``pytest … &`` in a script)
    ignores SIGINT, and a child inherits that; Python then installs no KeyboardInterrupt
    handler, and a Ctrl-C test would wait for its timeout. The disposition milai starts
    with is the shell's business, not milai's: the tests set it, milai does not."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def controlling_terminal() -> None:
    """In a child: a new session whose controlling terminal is the pty on stdin, so that
    /dev/tty (where milai asks for passphrases) is that pty and Ctrl-C sends SIGINT."""
    import fcntl
    import termios

    interruptible()
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


def run_in_process(
    *args: str,
    input: str | bytes | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """``run_milai`` in this process (tests/cli/harness.py): the same call and result, the
    environment overrides set for the call only, without a new interpreter's start-up.
    ``timeout`` is not enforced."""
    with _environment(env or {}):
        result = invoke(*args, stdin=input)
    return subprocess.CompletedProcess(
        ["milai", *args],
        result.code,
        result.stdout_bytes.decode("utf-8", errors="replace"),
        result.stderr_bytes.decode("utf-8", errors="replace"),
    )


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def milai(request: pytest.FixtureRequest) -> MilaiRunner:
    """The real ``milai`` in a subprocess for ``model`` tests (the real path, end to end); in
    this process for the others (the same parsing, messages and exit codes, in a fraction
    of the time). Tests of what only a process shows (signals, a terminal, the network
    guard installed first) start ``milai_command`` themselves."""
    if request.node.get_closest_marker("model") is not None:
        return run_milai
    return run_in_process


# In process: the CLI called as a function, a vault holding synthetic GGUF models, and a
# scripted engine. Fast enough for every exit code and bad input of every command.

SYNTHETIC_MODEL = "synthetic"
SYNTHETIC_SECRET_MODEL = "synthetic-secret"
SYNTHETIC_SIZE = 96 * 1024


@dataclass(frozen=True)
class SyntheticVault:
    """A vault unlocked by ``key_file`` (recorded at init), holding two synthetic models:
    ``synthetic`` (UNCLASSIFIED, the default) and ``synthetic-secret`` (SECRET)."""

    home: Path
    key_file: Path
    source: Path  # the GGUF file both models were imported from
    sha256: str

    def sealed(self, name: str) -> Path:
        """The sealed container file of model ``name``."""
        from milai.vault import KeySource, Vault

        return Vault.open(self.home, KeySource(key_file=self.key_file)).model_file(name)


@pytest.fixture
def cli() -> Cli:
    return invoke


@pytest.fixture(scope="session")
def synthetic_template(tmp_path_factory: pytest.TempPathFactory) -> SyntheticVault:
    root = tmp_path_factory.mktemp("synthetic")
    home, key_file, source = root / "home", root / "vault.key", root / "synthetic.gguf"
    sha256 = write_gguf(source, SYNTHETIC_SIZE)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MILAI_HOME", str(home))
        patch.delenv("MILAI_KEY_FILE", raising=False)
        for args in (
            ("init", "--key-file", str(key_file)),
            ("model", "import", str(source), "--name", SYNTHETIC_MODEL, "--level", "UNCLASSIFIED"),
            ("model", "import", str(source), "--name", SYNTHETIC_SECRET_MODEL, "--level", "SECRET"),
        ):
            result = invoke(*args)
            assert result.code == 0, (args, result.stderr)
    return SyntheticVault(home, key_file, source, sha256)


@pytest.fixture
def synthetic_vault(
    synthetic_template: SyntheticVault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> SyntheticVault:
    """A private copy of the synthetic template, its key file beside it, MILAI_HOME set."""
    home, key_file = tmp_path / "vault", tmp_path / "vault.key"
    shutil.copytree(synthetic_template.home, home)
    shutil.copy2(synthetic_template.key_file, key_file)
    recorded = home / KEY_FILE_HINT
    recorded.write_bytes(str(key_file).encode())
    monkeypatch.setenv("MILAI_HOME", str(home))
    return SyntheticVault(home, key_file, synthetic_template.source, synthetic_template.sha256)


@pytest.fixture
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at its floors: a passphrase costs milliseconds, not the calibrated second."""
    from milai.vault import keys

    monkeypatch.setattr(keys, "calibrate_argon2", lambda target_seconds: keys.FLOOR_PARAMS)


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> FakeEngine:
    """The engine every model load gives in this test; script its ``chunks`` before use."""
    engine = FakeEngine(["The capital ", "of France ", "is Paris."])
    install_fake_engine(monkeypatch, engine)
    return engine
