"""What the policy gate costs the decode: the real engine through the pipeline with the
default policy's gate, streaming and held (the sink below the model's accreditation),
against the same pipeline with a pass-through gate (a benchmark tool, defined here).

Interleaved generations on one loaded model; prints median decode tokens/s and the ratios
(target: gating costs < 3%, i.e. ratio >= 0.97; holding costs no more than streaming).

    .venv/bin/python bench/gate_overhead.py [--runs 9] [--max-tokens 160]
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from milai.config import default_policy_path
from milai.engine import (
    Engine,
    LoadOptions,
    Message,
    SamplingParams,
    Timings,
    Usage,
    load_engine,
)
from milai.pipeline import Pipeline
from milai.policy import Action, Decision, Policy, load_policy
from milai.vault import demo_model_path

PROMPT = "Write a detailed paragraph about the history of the city of Luxembourg."


class PassThroughGate:
    """A gate with no policy at all: the benchmark's baseline (never used by a command)."""

    def __init__(
        self,
        policy: Policy,
        *,
        clearance: str = "",
        model_level: str = "",
        out_level: str | None = None,
    ) -> None:
        self.policy = policy

    def check_prompt(self, text: str) -> Decision:
        return Decision(Action.ALLOW, self.policy.lowest, (), self.policy.info)

    def open_output(
        self, prompt: Decision, *, conversation_level: str | None = None
    ) -> PassThroughOutputGate:
        return PassThroughOutputGate(self.policy)


class PassThroughOutputGate:
    """Releases every chunk unchanged."""

    held = False
    reads_as: str | None = None

    def __init__(self, policy: Policy) -> None:
        self._policy = policy

    def feed(self, chunk: str) -> str:
        return chunk

    def close(self) -> str:
        return ""

    @property
    def decision(self) -> Decision:
        return Decision(Action.ALLOW, self._policy.lowest, (), self._policy.info)


@dataclass(frozen=True)
class DemoModel:
    name: str = "demo"
    sha256: str = "0" * 64
    level: str = "UNCLASSIFIED"


@dataclass
class PlaintextDemo:
    """Benchmark-only model source: the demo GGUF as it lies in site-packages."""

    level: str = "UNCLASSIFIED"

    def model(self, name: str) -> DemoModel:
        return DemoModel(name=name, level=self.level)

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
        "gate": Pipeline(policy=policy, models=PlaintextDemo(), load=shared_engine),
        # A RESTRICTED model writing to an UNCLASSIFIED sink: the output is held to the end.
        "held": Pipeline(policy=policy, models=PlaintextDemo("RESTRICTED"), load=shared_engine),
    }
    speeds: dict[str, list[float]] = {name: [] for name in pipelines}
    texts: dict[str, str] = {}
    for _ in range(args.runs):
        for name, pipeline in pipelines.items():
            result = pipeline.run(
                PROMPT,
                model_name="demo",
                clearance="RESTRICTED" if name == "held" else "UNCLASSIFIED",
                out_level="UNCLASSIFIED",
                params=params,
                emit=lambda _text: None,
            )
            tokens_per_s = result.timings.tokens_per_s
            assert tokens_per_s is not None
            speeds[name].append(tokens_per_s)
            texts[name] = result.text
    engine.close()
    assert texts["gate"] == texts["pass-through"] == texts["held"], "the gate changed an output"
    base = statistics.median(speeds["pass-through"])
    gated = statistics.median(speeds["gate"])
    held = statistics.median(speeds["held"])
    print(f"{args.runs} interleaved runs each, {args.max_tokens} max tokens, medians")
    print(f"decode tokens/s   pass-through {base:8.1f}   gate {gated:8.1f}   held {held:8.1f}")
    print(f"ratio gate/pass-through {gated / base:.3f}  (target >= 0.97)")
    print(f"ratio held/pass-through {held / base:.3f}  (target >= the streaming ratio)")


@dataclass
class _Unclosed:
    """The shared engine, kept open across the pipeline's sessions."""

    engine: Engine

    @property
    def usage(self) -> Usage:
        return self.engine.usage

    @usage.setter
    def usage(self, usage: Usage) -> None:
        self.engine.usage = usage

    @property
    def timings(self) -> Timings:
        return self.engine.timings

    @timings.setter
    def timings(self, timings: Timings) -> None:
        self.engine.timings = timings

    def generate(self, messages: list[Message], params: SamplingParams) -> Iterator[str]:
        return self.engine.generate(messages, params)

    def close(self) -> None:
        return None


if __name__ == "__main__":
    main()
