"""Audit test helpers: the product's own signer and verifier under fixed keys, and a state
store in a file standing in for the vault record (for conftest.py, the tests and
make_fixtures.py)."""

from __future__ import annotations

from pathlib import Path

from milai.audit import AuditLog, AuditState
from milai.vault import Signer, verify_signature
from milai.vault.recipes import atomic_write

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "audit"
SIGNING_SEED = bytes(range(100, 132))

__all__ = ["verify_signature"]  # milai.vault's, re-exported: the tests use the product's code


def fixed_signer(seed: bytes = SIGNING_SEED) -> Signer:
    """What ``vault.audit_signer()`` returns, under a fixed key."""
    return Signer(seed)


class FileState:
    """A ``StateStore`` in a plain file beside the log (the vault keeps it encrypted)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.saves = 0

    def load(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None

    def save(self, data: bytes) -> None:
        atomic_write(self.path, data)  # as the vault's records are written
        self.saves += 1

    def state(self) -> AuditState:
        data = self.load()
        assert data is not None
        return AuditState.from_bytes(data)


def state_path(log_path: Path) -> Path:
    return log_path.with_name(log_path.name + ".state")


def open_log(path: Path, signer: Signer | None = None, *, every: int = 5) -> AuditLog:
    """The log at ``path`` with its state in ``<path>.state``."""
    return AuditLog(path, FileState(state_path(path)), signer, checkpoint_every=every)


def event(n: int, command: str = "run", decision: str = "allow") -> dict[str, object]:
    return {
        "command": command,
        "decision": decision,
        "n": n,
        "model": {"name": "demo", "sha256": "ab" * 32},
        "rules": ["R1"],
    }
