"""Batch test support: batch files in and out, and a pipeline (tests/fakes.py) whose model
answers each prompt from a script (so a test can say what each line's model says)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from milai.engine import Message
from milai.pipeline import Pipeline
from tests.fakes import Answer, FakeEngine, fake_pipeline
from tests.fakes import FakeAudit as Audit
from tests.fakes import FakeLoader as Loader

__all__ = [
    "Answer",
    "Audit",
    "Loader",
    "echo",
    "make_pipeline",
    "read_entries",
    "request",
    "write_lines",
]


def echo(messages: list[Message]) -> list[str]:
    """Answers with a fixed text in two chunks, whatever it is asked."""
    return ["Paris is the ", "capital of France."]


def make_pipeline(
    answer: Answer = echo, *, model_level: str = "SECRET"
) -> tuple[Pipeline, Loader, Audit]:
    """A pipeline whose model answers each request with ``answer(messages)``."""
    return fake_pipeline(FakeEngine(answer=answer, prompt_tokens=5), model_level=model_level)


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
