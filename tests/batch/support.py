"""Fakes for batch tests: a model source, an audit sink, and an engine that answers each
prompt from a script (so a test can say what each line's model says)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from milai.config import default_policy_path
from milai.engine import LoadOptions, Message, SamplingParams, Timings, Usage
from milai.pipeline import Pipeline
from milai.policy import load_policy


@dataclass(frozen=True)
class Model:
    name: str = "fake"
    sha256: str = "ab" * 32
    level: str = "SECRET"


@dataclass
class Models:
    level: str = "SECRET"
    opened: list[str] = field(default_factory=list)

    def model(self, name: str) -> Model:
        return Model(name=name, level=self.level)

    @contextmanager
    def open_model(self, name: str) -> Iterator[str]:
        self.opened.append(name)
        yield f"/proc/self/fd/fake-{name}"


@dataclass
class Audit:
    events: list[Any] = field(default_factory=list)
    started_events: list[Any] = field(default_factory=list)

    def preflight(self) -> None:
        return None

    def started(self, event: Any) -> None:
        self.started_events.append(event)

    def record(self, event: Any) -> None:
        self.events.append(event.to_json())  # the outcome as the audit log keeps it


Answer = Callable[[list[Message]], list[str]]


def echo(messages: list[Message]) -> list[str]:
    """Answers with a fixed text in two chunks, whatever it is asked."""
    return ["Paris is the ", "capital of France."]


@dataclass
class ScriptedEngine:
    """Streams ``answer(messages)``; records what it was asked and with which params."""

    answer: Answer = echo
    usage: Usage = field(default_factory=Usage)
    timings: Timings = field(default_factory=Timings)
    calls: list[list[Message]] = field(default_factory=list)
    params: list[SamplingParams] = field(default_factory=list)
    closed: bool = False

    def generate(self, messages: list[Message], params: SamplingParams) -> Iterator[str]:
        self.calls.append([dict(message) for message in messages])
        self.params.append(params)
        chunks = self.answer(messages)
        yield from chunks
        self.usage = Usage(prompt_tokens=5, completion_tokens=len(chunks))

    def close(self) -> None:
        self.closed = True


@dataclass
class Loader:
    engine: ScriptedEngine
    loads: list[str] = field(default_factory=list)

    def __call__(self, path: str, options: LoadOptions) -> ScriptedEngine:
        self.loads.append(path)
        return self.engine


def make_pipeline(
    answer: Answer = echo, *, model_level: str = "SECRET"
) -> tuple[Pipeline, Loader, Audit]:
    loader = Loader(ScriptedEngine(answer))
    audit = Audit()
    pipeline = Pipeline(
        policy=load_policy(default_policy_path()),
        models=Models(level=model_level),
        audit=audit,
        load=loader,
    )
    return pipeline, loader, audit


def request(custom_id: str, *messages: tuple[str, str], **body: Any) -> dict[str, Any]:
    """One batch input line (as a dict): ``messages`` as (role, content) pairs."""
    return {
        "custom_id": custom_id,
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": {"messages": [{"role": r, "content": c} for r, c in messages], **body},
    }


def write_lines(path: Path, *lines: dict[str, Any] | str) -> Path:
    """A batch file: dicts as JSON lines, strings as they are (for bad lines)."""
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    path.write_text(text, encoding="utf-8")
    return path


def read_entries(path: Path) -> list[dict[str, Any]]:
    """OUT's entries; fails the test if any line is not a complete JSON object."""
    data = path.read_bytes()
    assert not data or data.endswith(b"\n"), "OUT must end with a complete line"
    entries = [json.loads(line) for line in data.splitlines()]
    assert all(isinstance(entry, dict) for entry in entries)
    return entries
