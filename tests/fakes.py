"""Stand-ins for the language model and its surroundings, for tests that exercise the rest.

``FakeEngine`` implements the ``milai.engine.Engine`` protocol with a scripted token
stream, usage and timings. ``FakeLoader`` is an engine loader that checks, as llama.cpp
would, that it was handed a GGUF file. ``install_fake_engine`` puts a loader where the
real one loads models (``LlamaEngine.load``), so a command run in process goes through the
whole real path (vault, memfd, gate, audit) and only the model is scripted.

``FakeModels`` (a model source with no vault) and ``FakeAudit`` (an audit sink that keeps
each entry's JSON) complete a ``Pipeline`` with no disk at all: ``fake_pipeline``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from milai.config import default_policy_path
from milai.engine import LoadOptions, Message, SamplingParams, Timings, Usage
from milai.errors import ModelError, VaultIntegrityError
from milai.events import RunEvent
from milai.pipeline import Pipeline
from milai.policy import load_policy

GGUF_MAGIC = b"GGUF"

Answer = Callable[[list[Message]], list[str]]


@dataclass
class FakeEngine:
    """Streams ``chunks`` (one token each, at most ``max_tokens``); records what it was asked.

    ``answer``, when given, scripts the reply per request: it replaces ``chunks`` with
    ``answer(messages)``. ``interrupt_after``: raise ``KeyboardInterrupt`` after that many
    chunks (Ctrl-C while generating). ``usage`` and ``timings`` describe the last call, as
    the protocol says.
    """

    chunks: list[str] = field(default_factory=list)
    answer: Answer | None = None
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
        self.calls.append([dict(message) for message in messages])  # as asked, not as later
        self.params.append(params)
        self.usage = Usage(prompt_tokens=self.prompt_tokens)
        chunks = self.chunks if self.answer is None else self.answer(messages)
        count = 0
        for chunk in chunks[: params.max_tokens]:
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


@dataclass(frozen=True)
class FakeModel:
    name: str = "fake"
    sha256: str = "ab" * 32
    level: str = "SECRET"


@dataclass
class FakeModels:
    """A model source (``Pipeline.models``) of fake models, all accredited at ``level``."""

    level: str = "SECRET"
    opened: list[str] = field(default_factory=list)

    def model(self, name: str) -> FakeModel:
        return FakeModel(name=name, level=self.level)

    @contextmanager
    def open_model(self, name: str) -> Iterator[str]:
        self.opened.append(name)
        yield f"/proc/self/fd/fake-{name}"


@dataclass
class FakeAudit:
    """An audit sink that keeps the JSON of every entry, write-ahead ones included, in order.

    ``broken``: the pre-flight check fails, as with a damaged log."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    broken: bool = False

    def preflight(self) -> None:
        if self.broken:
            raise VaultIntegrityError("the audit log is damaged")

    def started(self, event: RunEvent) -> None:
        self.entries.append(event.started_json())

    def record(self, event: RunEvent) -> None:
        self.entries.append(event.to_json())

    @property
    def events(self) -> list[dict[str, Any]]:
        """The outcome entries."""
        return [entry for entry in self.entries if entry["phase"] == "outcome"]


def fake_pipeline(
    engine: FakeEngine, *, model_level: str = "SECRET"
) -> tuple[Pipeline, FakeLoader, FakeAudit]:
    """A pipeline with the default policy's real gate around ``engine``, and no disk."""
    loader = FakeLoader(engine)
    audit = FakeAudit()
    pipeline = Pipeline(
        policy=load_policy(default_policy_path()),
        models=FakeModels(level=model_level),
        audit=audit,
        load=loader,
    )
    return pipeline, loader, audit
