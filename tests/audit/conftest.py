"""Fixtures for the audit tests: a signer, a fresh log, and copies of the named fixtures."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from milai.audit import AuditLog
from tests.audit.support import FIXTURES, HMAC_KEY, TestSigner


@pytest.fixture
def signer() -> TestSigner:
    return TestSigner()


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return tmp_path / "audit.log"


@pytest.fixture
def audit_log(log_path: Path, signer: TestSigner) -> AuditLog:
    return AuditLog(log_path, HMAC_KEY, signer, checkpoint_every=5)


@pytest.fixture
def fixture_copy(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a named fixture (and its sidecar, if any) into a private folder: verifying
    creates a lock file beside the log, which must not land in the source tree."""

    def copy(name: str) -> Path:
        folder = tmp_path / "fixtures"
        folder.mkdir(exist_ok=True)
        for source in (FIXTURES / name, FIXTURES / f"{name}.checkpoints"):
            if source.exists():
                shutil.copy2(source, folder / source.name)
        return folder / name

    return copy
