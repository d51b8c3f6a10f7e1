"""Fixtures for the audit tests: a signer, a fresh log, and copies of the named fixtures."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from milai.audit import AuditLog
from milai.vault import Signer
from tests.audit.support import FIXTURES, fixed_signer, open_log


@pytest.fixture
def signer() -> Signer:
    return fixed_signer()


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return tmp_path / "audit.log"


@pytest.fixture
def audit_log(log_path: Path, signer: Signer) -> AuditLog:
    return open_log(log_path, signer)


@pytest.fixture
def fixture_copy(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a named fixture (with its sidecar and its vault state: its own if it has them,
    else clean.log's, since tampering with the log leaves the rest as it was) into a
    private folder: verifying creates a lock file beside the log, which must not land in
    the source tree."""

    def copy(name: str) -> Path:
        folder = tmp_path / "fixtures"
        folder.mkdir(exist_ok=True)
        shutil.copy2(FIXTURES / name, folder / name)
        if name.endswith(".log"):
            for suffix in (".checkpoints", ".state"):
                own = FIXTURES / f"{name}{suffix}"
                clean = FIXTURES / f"clean.log{suffix}"
                shutil.copy2(own if own.exists() else clean, folder / f"{name}{suffix}")
        return folder / name

    return copy
