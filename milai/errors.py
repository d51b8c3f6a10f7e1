"""The milai error family and the exit codes it maps to (docs/DESIGN.md, "Exit codes").

Every error a user can cause is a ``MilaiError``: it carries a one-line message, an
optional hint, and the exit code of its class. The CLI catches them in one place.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any


class ExitCode(IntEnum):
    OK = 0
    INTERNAL = 1
    USAGE = 2
    BLOCKED = 3
    VAULT = 4
    MODEL = 5
    INTERRUPTED = 130


class MilaiError(Exception):
    """Base of every error milai reports to a person: one line, a hint, an exit code."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(MilaiError):
    """Bad flag, bad value, unreadable or malformed input."""

    exit_code = ExitCode.USAGE


class PolicyError(UsageError):
    """A policy file is missing, unreadable or malformed: milai refuses to run (fail closed)."""


class Blocked(MilaiError):
    """The policy gate blocked a prompt or an output. ``decision`` explains why."""

    exit_code = ExitCode.BLOCKED

    def __init__(self, message: str, decision: Any = None, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.decision = decision


class VaultError(MilaiError):
    """The vault cannot be used: locked, missing, or failing an integrity check."""

    exit_code = ExitCode.VAULT


class VaultLocked(VaultError):
    """No key is available to unlock the vault."""


class VaultIntegrityError(VaultError):
    """Wrong key, tampered, truncated or corrupted data: deliberately one error for all."""

    def __init__(
        self,
        message: str = "integrity check failed: wrong key or tampered data",
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint)


class ModelError(MilaiError):
    """A model is unknown, cannot be verified, or fails to load."""

    exit_code = ExitCode.MODEL


class NetworkRefused(MilaiError):
    """Something tried to use the network; milai never does."""

    exit_code = ExitCode.INTERNAL
