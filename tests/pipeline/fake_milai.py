"""The real ``milai`` entry point with a fake model (tests only).

Run as ``python -m tests.pipeline.fake_milai ARGS…``: everything is real (vault, gate,
audit, signals, the terminal) except the engine. ``MILAI_FAKE_ENGINE`` picks it:
``endless`` (the default) talks slowly and never stops, so a test can interrupt a run
mid-stream in milliseconds; ``echo`` answers with the line count of the last message.
"""

from __future__ import annotations

import json
import os
import subprocess
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


def make_vault(root: Path, level: str = "UNCLASSIFIED") -> Path:
    """A real vault under ``root`` (key file recorded) holding one synthetic model, ``fake``."""
    from tests.vault.vault_synthetic import gguf_bytes

    home, model = root / "home", root / "model.gguf"
    model.write_bytes(gguf_bytes(4096))
    for args in (
        ("init", "--key-file", str(root / "vault.key")),
        ("model", "import", str(model), "--name", "fake", "--level", level),
    ):
        done = subprocess.run(
            command(*args), env=environment(home), capture_output=True, check=False, timeout=60
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr.decode(errors="replace"))
    return home


def audit_events(home: Path) -> list[dict[str, Any]]:
    """The events of the vault's audit log, oldest first."""
    shown = subprocess.run(
        command("audit", "show", "--json"),
        env=environment(home),
        capture_output=True,
        check=True,
        timeout=60,
        text=True,
    )
    return [json.loads(line)["event"] for line in shown.stdout.splitlines()]


if __name__ == "__main__":
    # Before the pipeline is imported: its default loader is bound at import.
    milai.engine.load_engine = load_fake
    from milai.__main__ import main

    main()
