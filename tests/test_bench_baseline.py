"""The benchmark's baseline (bench/gate_overhead.py): the same pipeline with the
pass-through gate must do the same work as with the real gate, less the policy, or the
overhead ratio it prints measures nothing."""

from __future__ import annotations

from bench.gate_overhead import PassThroughGate
from milai.config import default_policy_path
from milai.engine import SamplingParams
from milai.pipeline import GateFactory, Pipeline
from milai.policy import PolicyGate, load_policy
from tests.fakes import FakeEngine, FakeLoader, FakeModels

CHUNKS = ["The meeting ", "moved to ", "Tuesday ", "at ten", "."]
PARAMS = SamplingParams(max_tokens=16, temperature=0, seed=7)


def _run(gate: GateFactory) -> tuple[str, FakeEngine]:
    engine = FakeEngine(list(CHUNKS))
    pipeline = Pipeline(
        policy=load_policy(default_policy_path()),
        models=FakeModels(),
        load=FakeLoader(engine),
        gate=gate,
    )
    emitted: list[str] = []
    pipeline.run(
        "Summarise the minutes.",
        model_name="fake",
        clearance="SECRET",
        params=PARAMS,
        emit=emitted.append,
        system="Be brief.",
    )
    return "".join(emitted), engine


def test_the_baseline_does_the_same_work_without_the_policy() -> None:
    gated_text, gated_engine = _run(PolicyGate)
    baseline_text, baseline_engine = _run(PassThroughGate)
    assert baseline_text == gated_text == "".join(CHUNKS)
    assert baseline_engine.calls == gated_engine.calls  # the same messages reach the model
    assert baseline_engine.generated == gated_engine.generated == len(CHUNKS)
    assert baseline_engine.closed and gated_engine.closed
