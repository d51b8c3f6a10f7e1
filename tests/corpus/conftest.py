"""The corpus tests use the CLI's in-process fixtures (a vault of synthetic models and a
scripted engine) and the real-model demo vault, and a small corpus built in code."""

from __future__ import annotations

from tests.cli.conftest import (
    cli,
    fake_engine,
    milai,
    synthetic_template,
    synthetic_vault,
    template_vault,
    vault_home,
)

__all__ = [
    "cli",
    "fake_engine",
    "milai",
    "synthetic_template",
    "synthetic_vault",
    "template_vault",
    "vault_home",
]
