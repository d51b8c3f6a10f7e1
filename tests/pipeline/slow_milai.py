"""The real ``milai`` entry point with a model that talks slowly and never stops (tests only).

Run as ``python -m tests.pipeline.slow_milai ARGS…``: everything is real (vault, gate,
audit, signals) except the engine, so a test can interrupt a run mid-stream in milliseconds.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

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


def load_endless(path: str, options: LoadOptions) -> EndlessEngine:
    return EndlessEngine()


if __name__ == "__main__":
    # Before the pipeline is imported: its default loader is bound at import.
    milai.engine.load_engine = load_endless  # type: ignore[assignment]
    from milai.__main__ import main

    main()
