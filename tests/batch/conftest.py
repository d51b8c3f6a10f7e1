"""The demo vault fixtures of the CLI tests, for the batch tests that run the real model."""

from __future__ import annotations

from tests.cli.conftest import milai, template_vault, vault_home

__all__ = ["milai", "template_vault", "vault_home"]
