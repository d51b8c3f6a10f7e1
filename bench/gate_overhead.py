"""What the streaming policy gate costs the decode: the real engine through the pipeline
with the default policy's Gate, against the same pipeline with the PassThroughGate.

Interleaved generations on one loaded model; prints median decode tokens/s and the ratio
(target: gating costs < 3%, i.e. ratio >= 0.97).

    .venv/bin/python bench/gate_overhead.py [--runs 9] [--max-tokens 160]
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from milai.config import default_policy_path
from milai.engine import Engine, LoadOptions, SamplingParams, load_engine
from milai.pipeline import Pipeline
from milai.policy import Gate, PassThroughGate, load_policy
from milai.vault import demo_model_path

PROMPT = "Write a detailed paragraph about the history of the city of Luxembourg."


@dataclass(frozen=True)
class DemoModel:
    name: str = "demo"
    sha256: str = "0" * 64
    level: str = "UNCLASSIFIED"


class PlaintextDemo:
    """Benchmark-only model source: the demo GGUF as it lies in site-packages."""

    def model(self, name: str) -> DemoModel:
        return DemoModel(name=name)

    @contextmanager
    def open_model(self, name: str) -> Iterator[str]:
        yield str(demo_model_path())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--max-tokens", type=int, default=160)
    args = parser.parse_args()

    engine = load_engine(str(demo_model_path()), LoadOptions())

    def shared_engine(path: str, options: LoadOptions) -> Engine:
        return _Unclosed(engine)

    policy = load_policy(default_policy_path())
    params = SamplingParams(max_tokens=args.max_tokens, temperature=0.0, seed=1)
    pipelines = {
        "pass-through": Pipeline(
            policy=policy, models=PlaintextDemo(), load=shared_engine, gate=PassThroughGate
        ),
        "gate": Pipeline(policy=policy, models=PlaintextDemo(), load=shared_engine, gate=Gate),
    }
    speeds: dict[str, list[float]] = {name: [] for name in pipelines}
    texts: dict[str, str] = {}
    for _ in range(args.runs):
        for name, pipeline in pipelines.items():
            result = pipeline.run(
                PROMPT,
                model_name="demo",
                clearance="UNCLASSIFIED",
                params=params,
                emit=lambda _text: None,
            )
            tokens_per_s = result.timings.tokens_per_s
            assert tokens_per_s is not None
            speeds[name].append(tokens_per_s)
            texts[name] = result.text
    engine.close()
    assert texts["gate"] == texts["pass-through"], "the gate changed a clean output"
    base = statistics.median(speeds["pass-through"])
    gated = statistics.median(speeds["gate"])
    print(f"{args.runs} interleaved runs each, {args.max_tokens} max tokens, medians")
    print(
        f"decode tokens/s   pass-through {base:8.1f}   gate {gated:8.1f}   "
        f"ratio {gated / base:.3f}  (target >= 0.97)"
    )


@dataclass
class _Unclosed:
    """The shared engine, kept open across the pipeline's sessions."""

    engine: Engine

    def __getattr__(self, name: str) -> object:
        return getattr(self.engine, name)

    def generate(self, *args: object, **kwargs: object) -> Iterator[str]:
        return self.engine.generate(*args, **kwargs)  # type: ignore[arg-type]

    def close(self) -> None:
        return None


if __name__ == "__main__":
    main()
