"""The real ``milai`` entry point with a fake model (tests only).

Run as ``python -m tests.pipeline.fake_milai ARGS…``: everything is real (vault, gate,
audit, signals, the terminal) except the engine. ``MILAI_FAKE_ENGINE`` picks it:
``endless`` (the default) talks slowly and never stops, so a test can interrupt a run
mid-stream in milliseconds; ``echo`` answers with the line count of the last message.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import milai.engine
from milai.engine import LoadOptions, Message, SamplingParams, Timings, Usage


class EndlessEngine:
    """Streams the same sentence every 20 ms until it is stopped."""

    def __init__(self) -> None:
        self.usage = Usage()
        self.timings = Timings()

    def generate(self, messages: list[Message], params: SamplingParams) -> Iterator[str]:
        while True:
            self.usage.completion_tokens += 5
            yield "The tide comes in. "
            time.sleep(0.02)

    def close(self) -> None:
        return None


class EchoEngine(EndlessEngine):
    """Answers ``lines: N`` for a last message of N lines."""

    def generate(self, messages: list[Message], params: SamplingParams) -> Iterator[str]:
        yield f"lines: {len(messages[-1]['content'].splitlines())}"


def load_fake(path: str, options: LoadOptions) -> EndlessEngine:
    return EchoEngine() if os.environ.get("MILAI_FAKE_ENGINE") == "echo" else EndlessEngine()


ROOT = Path(__file__).resolve().parents[2]


def command(*args: str) -> list[str]:
    """``milai ARGS`` through this module (the fake engine)."""
    return [sys.executable, "-m", "tests.pipeline.fake_milai", *args]


def environment(home: Path, engine: str = "endless") -> dict[str, str]:
    return {
        **os.environ,
        "MILAI_HOME": str(home),
        "PYTHONPATH": str(ROOT),
        "MILAI_FAKE_ENGINE": engine,
    }


def _in_process(home: Path, *args: str) -> str:
    """``milai ARGS`` on ``home`` in this process (tests/cli/harness.py): its stdout."""
    import pytest

    from tests.cli.harness import invoke

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MILAI_HOME", str(home))
        patch.delenv("MILAI_KEY_FILE", raising=False)
        done = invoke(*args)
    if done.code != 0:
        raise RuntimeError(f"milai {' '.join(args)}: exit {done.code}: {done.stderr}")
    return done.stdout


def make_vault(root: Path, level: str = "UNCLASSIFIED") -> Path:
    """A real vault under ``root`` (key file recorded) holding one synthetic model, ``fake``.
    Made in this process: only the commands under test need a process of their own."""
    from tests.vault.vault_synthetic import gguf_bytes

    home, model = root / "home", root / "model.gguf"
    model.write_bytes(gguf_bytes(4096))
    _in_process(home, "init", "--key-file", str(root / "vault.key"))
    _in_process(home, "model", "import", str(model), "--name", "fake", "--level", level)
    return home


def audit_events(home: Path) -> list[dict[str, Any]]:
    """The events of the vault's audit log, oldest first (``audit show --json``, in this
    process)."""
    shown = _in_process(home, "audit", "show", "--json")
    return [json.loads(line)["event"] for line in shown.splitlines()]


if __name__ == "__main__":
    # Before the pipeline is imported: its default loader is bound at import.
    milai.engine.load_engine = load_fake
    from milai.__main__ import main

    main()
