"""Write-ahead audit (interfaces.md §2): ``started`` before the model sees the prompt, one
outcome per turn with the same run id, and nothing that records can replace the exception
that ended a turn."""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from milai.config import default_policy_path
from milai.engine import LoadOptions, Message, SamplingParams, Usage
from milai.errors import Blocked, PolicyError, VaultError
from milai.events import RunEvent
from milai.pipeline import Pipeline
from milai.policy import load_policy
from tests.fakes import FakeEngine, FakeLoader, FakeModels

PARAMS = SamplingParams(max_tokens=16, temperature=0, seed=7)
CLEAN = "Name three capitals."


@dataclass
class Log:
    """An audit sink that keeps every entry's JSON and can be told to fail."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    fail_record: bool = False
    on_started: list[Any] = field(default_factory=list)

    def preflight(self) -> None:
        return None

    def started(self, event: RunEvent) -> None:
        for check in self.on_started:
            check()
        self.entries.append(event.started_json())

    def record(self, event: RunEvent) -> None:
        if self.fail_record:
            raise VaultError("cannot write the audit log: No space left on device")
        self.entries.append(event.to_json())

    @property
    def phases(self) -> list[str]:
        return [entry["phase"] for entry in self.entries]


class Failing(FakeEngine):
    """Streams two chunks, then raises ``error``."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(["x"])
        self.error = error

    def generate(self, messages: list[Message], params: SamplingParams) -> Iterator[str]:
        self.calls.append(messages)
        yield "Once upon a time there was a quiet harbour by the sea.\n"
        yield "Every morning the boats went out. "
        raise self.error


def make(
    engine: FakeEngine, *, log: Log | None = None, model_level: str = "SECRET", **extra: Any
) -> tuple[Pipeline, FakeLoader, Log]:
    loader = FakeLoader(engine)
    log = log or Log()
    pipeline = Pipeline(
        policy=extra.pop("policy", None) or load_policy(default_policy_path()),
        models=FakeModels(level=model_level),
        audit=log,
        load=loader,
        **extra,
    )
    return pipeline, loader, log


def run(pipeline: Pipeline, prompt: str, **options: Any) -> list[str]:
    emitted: list[str] = []
    pipeline.run(
        prompt,
        model_name="fake",
        clearance=options.pop("clearance", "SECRET"),
        params=PARAMS,
        emit=emitted.append,
        **options,
    )
    return emitted


def test_a_blocked_prompt_is_recorded_once_without_started() -> None:
    pipeline, loader, log = make(FakeEngine(["never"]), model_level="RESTRICTED")
    with pytest.raises(Blocked):
        run(pipeline, "SECRET\n\nThe convoy leaves at dawn.\n\nSECRET")
    assert log.phases == ["outcome"]
    [entry] = log.entries
    assert (entry["decision"], entry["stage"]) == ("block", "prompt")
    assert entry["levels"] == {"prompt": "SECRET"}
    assert loader.loads == []


def test_a_blocked_system_text_is_recorded_once_without_started() -> None:
    pipeline, _, log = make(FakeEngine(["never"]))
    with pytest.raises(Blocked):
        run(pipeline, "Say hi", system="The KEYMAT for tonight is 4431.")
    assert log.phases == ["outcome"]
    assert (log.entries[0]["decision"], log.entries[0]["stage"]) == ("block", "system")


def test_an_allowed_turn_is_started_before_the_model_sees_it_then_has_one_outcome() -> None:
    engine = FakeEngine(["Paris, ", "Berlin."])
    pipeline, loader, log = make(engine)

    def model_has_not_seen_it() -> None:
        assert loader.loads == [] and engine.calls == []

    log.on_started.append(model_has_not_seen_it)
    run(pipeline, CLEAN)
    assert log.phases == ["started", "outcome"]
    started, outcome = log.entries
    assert re.fullmatch(r"[0-9a-f]{16}", started["run_id"])
    assert outcome["run_id"] == started["run_id"]
    assert "decision" not in started
    assert {"command", "model", "policy", "clearance", "sampling"} <= started.keys()
    assert started["sampling"]["seed"] == 7
    assert (outcome["decision"], outcome["stage"]) == ("allow", "output")
    assert outcome["finish_reason"] == "stop"


def test_each_turn_has_its_own_run_id() -> None:
    pipeline, _, log = make(FakeEngine(["ok"]))
    with pipeline.session("fake", clearance="SECRET", command="chat") as session:
        session.turn("One.", PARAMS, lambda _: None)
        session.turn("Two.", PARAMS, lambda _: None)
    assert log.phases == ["started", "outcome", "started", "outcome"]
    ids = [entry["run_id"] for entry in log.entries]
    assert ids[0] == ids[1] != ids[2] == ids[3]
    assert [entry["turn"] for entry in log.entries] == [1, 1, 2, 2]


@pytest.mark.parametrize(
    ("error", "decision"),
    [
        (RuntimeError("the engine fell over"), "error"),
        (KeyboardInterrupt(), "interrupted"),
        (BrokenPipeError(), "interrupted"),
    ],
)
def test_a_turn_ended_by_an_exception_has_started_and_one_outcome(
    error: BaseException, decision: str
) -> None:
    pipeline, _, log = make(Failing(error))
    emitted: list[str] = []
    with pytest.raises(type(error)) as raised:
        pipeline.run(
            CLEAN, model_name="fake", clearance="SECRET", params=PARAMS, emit=emitted.append
        )
    assert raised.value is error  # the very exception, not a replacement
    assert log.phases == ["started", "outcome"]
    outcome = log.entries[1]
    assert (outcome["decision"], outcome["stage"]) == (decision, "output")
    assert outcome["output_chars"] == len("".join(emitted)) > 0


def test_a_failing_outcome_record_cannot_replace_an_interrupt() -> None:
    pipeline, _, log = make(Failing(KeyboardInterrupt()))
    log.fail_record = True
    with pytest.raises(KeyboardInterrupt) as raised:
        run(pipeline, CLEAN)
    assert log.phases == ["started"]  # stands as "no outcome"
    assert any("was not recorded" in note for note in raised.value.__notes__)


def test_a_failing_outcome_record_cannot_replace_a_block() -> None:
    pipeline, _, log = make(FakeEngine(["never"]), model_level="RESTRICTED")
    log.fail_record = True
    with pytest.raises(Blocked):
        run(pipeline, "SECRET\n\nThe convoy leaves at dawn.")


def _recording_texts(keep: Any) -> dict[str, Any]:
    policy = copy.copy(load_policy(default_policy_path()))  # loaded policies are shared
    policy.record_text = True
    return {"policy": policy, "keep_text": keep}


def _cannot_keep(texts: dict[str, str]) -> str:
    raise VaultError("cannot write the record: No space left on device")


def test_a_record_text_failure_cannot_mask_a_block() -> None:
    chunks = ["Here is the memo.\n", "TOP SEC", "RET\n", "The plan."]
    pipeline, _, log = make(
        FakeEngine(chunks), model_level="TOP SECRET", **_recording_texts(_cannot_keep)
    )
    with pytest.raises(Blocked):
        run(pipeline, "Write a memo.", clearance="TOP SECRET", out_level="SECRET")
    assert log.phases == ["started", "outcome"]
    outcome = log.entries[1]
    assert outcome["decision"] == "block"
    assert outcome["text_record_error"] == "VaultError"
    assert "text_record" not in outcome


def test_a_record_text_failure_after_a_reply_is_recorded_then_raised() -> None:
    pipeline, _, log = make(FakeEngine(["ok"]), **_recording_texts(_cannot_keep))
    with pytest.raises(VaultError):
        run(pipeline, CLEAN)
    assert log.entries[-1]["decision"] == "allow"
    assert log.entries[-1]["text_record_error"] == "VaultError"


def test_texts_are_kept_when_the_policy_asks() -> None:
    kept: list[dict[str, str]] = []

    def keep(texts: dict[str, str]) -> str:
        kept.append(texts)
        return "record-1"

    pipeline, _, log = make(FakeEngine(["ok"]), **_recording_texts(keep))
    run(pipeline, CLEAN)
    assert kept == [{"prompt": CLEAN, "output": "ok"}]
    assert log.entries[-1]["text_record"] == "record-1"


def test_a_policy_that_records_texts_needs_a_store_before_anything_runs() -> None:
    pipeline, loader, log = make(FakeEngine(["ok"]), **_recording_texts(None))
    with pytest.raises(PolicyError, match="no encrypted store"):
        run(pipeline, CLEAN)
    assert log.entries == [] and loader.loads == []


def test_a_stop_at_max_tokens_is_reported_and_recorded() -> None:
    class Long(FakeEngine):
        def generate(self, messages: list[Message], params: SamplingParams) -> Iterator[str]:
            yield "word " * 16
            self.usage = Usage(prompt_tokens=3, completion_tokens=16, finish_reason="length")

    pipeline, _, log = make(Long([]))
    with pipeline.session("fake", clearance="SECRET") as session:
        result = session.turn(CLEAN, PARAMS, lambda _: None)
    assert result.finish_reason == "length"
    assert log.entries[-1]["finish_reason"] == "length"


def test_held_output_is_said_once_with_verbose_logging(caplog: pytest.LogCaptureFixture) -> None:
    pipeline, _, _ = make(FakeEngine(["The weather is mild."]))
    emitted: list[str] = []
    logger = logging.getLogger("milai")
    propagate, logger.propagate = logger.propagate, True
    try:
        with caplog.at_level(logging.INFO, logger="milai.pipeline"):
            with pipeline.session(
                "fake", clearance="SECRET", out_level="RESTRICTED", load_options=LoadOptions()
            ) as session:
                session.turn("One.", PARAMS, emitted.append)
                session.turn("Two.", PARAMS, emitted.append)
    finally:
        logger.propagate = propagate
    held = [r for r in caplog.records if "output held" in r.getMessage()]
    assert len(held) == 1
    assert emitted == ["The weather is mild.", "The weather is mild."]  # whole, at the end
