"""The demo vault fixtures of the CLI tests, for the batch tests that run the real model, and
the synthetic vault with a scripted engine, for the in-process ones."""

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
