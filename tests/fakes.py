"""Stand-ins for the language model, for tests that exercise everything around it.

``FakeEngine`` implements the ``milai.engine.Engine`` protocol with a scripted token
stream, usage and timings. ``FakeLoader`` is an engine loader that checks, as llama.cpp
would, that it was handed a GGUF file. ``install_fake_engine`` puts a loader where the
real one loads models (``LlamaEngine.load``), so a command run in process goes through the
whole real path (vault, memfd, gate, audit) and only the model is scripted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from milai.engine import LoadOptions, Message, SamplingParams, Timings, Usage
from milai.errors import ModelError

GGUF_MAGIC = b"GGUF"


@dataclass
class FakeEngine:
    """Streams ``chunks`` (one token each, at most ``max_tokens``); records what it was asked.

    ``interrupt_after``: raise ``KeyboardInterrupt`` after that many chunks (Ctrl-C while
    generating). ``usage`` and ``timings`` describe the last call, as the protocol says.
    """

    chunks: list[str]
    usage: Usage = field(default_factory=Usage)
    timings: Timings = field(default_factory=Timings)
    prompt_tokens: int = 7
    load_s: float = 0.05
    first_token_s: float = 0.01
    decode_s: float = 0.25
    interrupt_after: int | None = None
    calls: list[list[Message]] = field(default_factory=list)
    params: list[SamplingParams] = field(default_factory=list)
    closed: bool = False
    generated: int = 0

    def generate(self, messages: list[Message], params: SamplingParams) -> Iterator[str]:
        self.calls.append(messages)
        self.params.append(params)
        self.usage = Usage(prompt_tokens=self.prompt_tokens)
        count = 0
        for chunk in self.chunks[: params.max_tokens]:
            if self.interrupt_after is not None and count >= self.interrupt_after:
                raise KeyboardInterrupt
            count += 1
            self.generated += 1
            yield chunk
        self.usage = Usage(prompt_tokens=self.prompt_tokens, completion_tokens=count)
        self.timings = Timings(
            load_s=self.load_s,
            first_token_s=self.first_token_s if count else None,
            decode_s=self.decode_s,
            completion_tokens=count,
        )

    def close(self) -> None:
        self.closed = True


@dataclass
class FakeLoader:
    """An engine loader (``(path, options) -> Engine``) that always gives ``engine``."""

    engine: FakeEngine
    loads: list[str] = field(default_factory=list)
    options: list[LoadOptions] = field(default_factory=list)
    check_magic: bool = False

    def __call__(self, path: str, options: LoadOptions) -> FakeEngine:
        if self.check_magic:
            # What llama.cpp would refuse first: anything that is not a GGUF file.
            with open(path, "rb") as model_file:
                if model_file.read(len(GGUF_MAGIC)) != GGUF_MAGIC:
                    raise ModelError(f"{path} is not a GGUF model file")
        self.loads.append(path)
        self.options.append(options)
        self.engine.timings = Timings(load_s=self.engine.load_s)
        return self.engine


def install_fake_engine(monkeypatch: pytest.MonkeyPatch, engine: FakeEngine) -> FakeLoader:
    """Make every model load in this test give ``engine``, through the real load path up to
    llama.cpp: the file handed over must be a decrypted GGUF file."""
    from milai.engine import llama

    loader = FakeLoader(engine, check_magic=True)
    monkeypatch.setattr(llama.LlamaEngine, "load", staticmethod(loader))
    return loader
