"""The one path every prompt takes, with a fake engine: gate in, stream out, audit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from milai.config import default_policy_path
from milai.engine import Message, SamplingParams
from milai.errors import Blocked, VaultIntegrityError
from milai.pipeline import Pipeline
from milai.policy import Action, Decision, Policy, load_policy
from tests.fakes import FakeAudit, FakeEngine, FakeLoader, FakeModels, fake_pipeline

PARAMS = SamplingParams(max_tokens=16, temperature=0, seed=7)


def make(
    chunks: list[str], *, model_level: str = "SECRET"
) -> tuple[Pipeline, FakeLoader, FakeAudit]:
    return fake_pipeline(FakeEngine(chunks), model_level=model_level)


def run(
    pipeline: Pipeline, prompt: str, *, clearance: str = "SECRET", out_level: str | None = None
) -> tuple[list[str], Any]:
    emitted: list[str] = []
    result = pipeline.run(
        prompt,
        model_name="fake",
        clearance=clearance,
        params=PARAMS,
        emit=emitted.append,
        out_level=out_level,
    )
    return emitted, result


def test_clean_prompt_streams_and_is_audited() -> None:
    pipeline, loader, audit = make(["Paris, ", "Berlin ", "and Rome."])
    emitted, result = run(pipeline, "Name three capitals.")
    assert "".join(emitted) == "Paris, Berlin and Rome."
    assert result.text == "Paris, Berlin and Rome."
    assert result.decision.action == Action.ALLOW
    assert result.level == "UNCLASSIFIED"
    assert loader.engine.closed
    [event] = audit.events
    assert event["command"] == "run"
    assert event["decision"] == "allow"
    assert event["levels"] == {"prompt": "UNCLASSIFIED", "output": "UNCLASSIFIED"}
    assert event["sampling"]["seed"] == 7
    assert event["model"] == {"name": "fake", "sha256": "ab" * 32}
    assert "Name three" not in repr(event)  # no text in the audit by default


def test_prompt_above_model_accreditation_never_reaches_the_engine() -> None:
    pipeline, loader, audit = make(["never"], model_level="RESTRICTED")
    with pytest.raises(Blocked) as blocked:
        run(pipeline, "SECRET\n\nThe convoy leaves at dawn.\n\nSECRET")
    assert loader.loads == []  # not even loaded
    assert loader.engine.calls == []
    assert "SECRET" in blocked.value.message
    assert audit.events[-1]["decision"] == "block"
    assert audit.events[-1]["stage"] == "prompt"


def test_output_marking_above_the_sink_is_withheld_mid_stream() -> None:
    chunks = ["Here is the memo.\n", "TOP SEC", "RET\n", "The plan is ", "to attack."]
    pipeline, loader, audit = make(chunks, model_level="TOP SECRET")
    emitted: list[str] = []
    with pytest.raises(Blocked):
        pipeline.run(
            "Write a memo.",
            model_name="fake",
            clearance="TOP SECRET",
            out_level="SECRET",
            params=PARAMS,
            emit=emitted.append,
        )
    released = "".join(emitted)
    assert "TOP" not in released and "SEC" not in released
    assert "The plan" not in released
    assert loader.engine.generated < len(chunks)  # generation stopped at the block
    assert audit.events[-1]["stage"] == "output"


def test_output_inherits_the_prompt_level() -> None:
    pipeline, _, _ = make(["A short summary."])
    _, result = run(pipeline, "NATO RESTRICTED\n\nSummarise the exercise.\n\nNATO RESTRICTED")
    assert result.level == "RESTRICTED"


def test_session_level_is_a_high_water_mark() -> None:
    pipeline, _, _ = make(["ok"])
    with pipeline.session("fake", clearance="SECRET") as session:
        session.turn("CONFIDENTIEL UE/EU CONFIDENTIAL\n\nNote.", PARAMS, lambda _: None)
        assert session.level == "CONFIDENTIAL"
        session.turn("What is 2 + 2?", PARAMS, lambda _: None)
        assert session.level == "CONFIDENTIAL"
        session.clear()
        assert session.level == "CONFIDENTIAL"


class _LabellingGate:
    """Any ``Gate`` plugs in: this one allows everything and labels outputs RESTRICTED."""

    def __init__(
        self, policy: Policy, *, clearance: str, model_level: str, out_level: str | None
    ) -> None:
        self.policy = policy

    def check_prompt(self, text: str) -> Decision:
        return Decision(Action.ALLOW, self.policy.lowest, (), self.policy.info)

    def open_output(self, prompt: Decision, *, conversation_level: str | None = None) -> _Labelled:
        return _Labelled(self.policy)


class _Labelled:
    held = False
    reads_as: str | None = None

    def __init__(self, policy: Policy) -> None:
        self._policy = policy

    def feed(self, chunk: str) -> str:
        return chunk.upper()

    def close(self) -> str:
        return ""

    @property
    def decision(self) -> Decision:
        return Decision(Action.WARN, "RESTRICTED", (), self._policy.info)


def test_the_gate_is_a_seam() -> None:
    loader = FakeLoader(FakeEngine(["x"]))
    audit = FakeAudit()
    pipeline = Pipeline(
        policy=load_policy(default_policy_path()),
        models=FakeModels(),
        audit=audit,
        load=loader,
        gate=_LabellingGate,
    )
    _, result = run(pipeline, "SECRET\n\nanything")
    assert (result.decision.action, result.level, result.text) == (Action.WARN, "RESTRICTED", "X")
    assert audit.events[-1]["levels"] == {"prompt": "UNCLASSIFIED", "output": "RESTRICTED"}


def test_system_text_is_gated_like_a_prompt() -> None:
    pipeline, loader, audit = make(["hi"])
    with pytest.raises(Blocked, match="keying-material"):
        pipeline.run(
            "Say hi",
            model_name="fake",
            clearance="SECRET",
            params=PARAMS,
            emit=lambda _: None,
            system="The KEYMAT for tonight is 4431.",
        )
    assert loader.loads == []
    assert audit.events[-1]["stage"] == "system"
    _, result = run(pipeline, "Say hi")  # a clean run still works
    assert result.text == "hi"


def test_system_marking_raises_the_conversation_level() -> None:
    pipeline, _, _ = make(["ok"])
    with pipeline.session("fake", clearance="SECRET", system="NATO SECRET\n\nBe brief.") as session:
        result = session.turn("What is 2 + 2?", PARAMS, lambda _: None)
    assert result.level == "SECRET"


def test_prompt_redactions_are_applied_before_the_model_sees_it() -> None:
    pipeline, loader, audit = make(["noted"])
    _, result = run(pipeline, "Store the matricule 1985 0315 123 71 please.")
    [messages] = loader.engine.calls
    assert "1985 0315 123 71" not in messages[-1]["content"]
    assert "[REDACTED:pii-matricule]" in messages[-1]["content"]
    assert result.decision.action == Action.REDACT  # the prompt's action is not lost
    assert audit.events[-1]["decision"] == "redact"


def test_an_interrupted_generation_is_still_recorded() -> None:
    class Interrupting(FakeEngine):
        def generate(self, messages: list[Message], params: SamplingParams) -> Iterator[str]:
            self.calls.append(messages)
            yield "Once upon a time there was a quiet harbour by the sea.\n"
            yield "Every morning "
            raise KeyboardInterrupt

    loader = FakeLoader(Interrupting(["x"]))
    audit = FakeAudit()
    pipeline = Pipeline(
        policy=load_policy(default_policy_path()), models=FakeModels(), audit=audit, load=loader
    )
    emitted: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        pipeline.run(
            "Tell a tale.",
            model_name="fake",
            clearance="SECRET",
            params=PARAMS,
            emit=emitted.append,
        )
    assert "".join(emitted).startswith("Once upon a time")
    [event] = audit.events
    assert event["decision"] == "interrupted"
    assert event["output_chars"] == len("".join(emitted))


def test_nothing_is_generated_when_the_audit_log_cannot_take_it() -> None:
    pipeline, loader, audit = make(["never"])
    audit.broken = True
    with pytest.raises(VaultIntegrityError):
        run(pipeline, "Say hi")
    assert loader.loads == []


def test_history_above_the_model_limit_is_not_sent_back() -> None:
    # The output reaches SECRET (allowed to a SECRET sink) but the model is RESTRICTED:
    # that reply must not be given back to it as context.
    pipeline, loader, _ = make(["SECRET\nThe plan.\nSECRET"], model_level="RESTRICTED")
    with pipeline.session("fake", clearance="SECRET") as session:
        first = session.turn("Draft a memo.", PARAMS, lambda _: None)
        assert first.level == "SECRET"
        with pytest.raises(Blocked, match="conversation so far is SECRET"):
            session.turn("Shorten it.", PARAMS, lambda _: None)
        assert len(loader.engine.calls) == 1
        session.clear()
        session.turn("Start again.", PARAMS, lambda _: None)
        assert len(loader.engine.calls) == 2
