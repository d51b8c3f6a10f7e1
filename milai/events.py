"""The audit event of one run or chat turn: what the pipeline records and replay reads.

A turn is written ahead: a ``started`` entry before the model sees the prompt, then one
outcome entry with the same ``run_id``. A prompt the gate refuses has only the outcome. The
event holds no prompt or output text, only keyed digests and lengths (the policy may ask
for the texts, which are then kept encrypted and referred to by ``text_record``).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from milai.errors import Blocked


class Outcome(StrEnum):
    """How a turn ended: the gate's action, or why there is none; ``done`` is an
    administrative act that committed (``Context.act``)."""

    ALLOW = "allow"
    WARN = "warn"
    REDACT = "redact"
    BLOCK = "block"
    INTERRUPTED = "interrupted"
    ERROR = "error"
    DONE = "done"

    @property
    def completed(self) -> bool:
        """The model answered and the answer was released."""
        return self in (Outcome.ALLOW, Outcome.WARN, Outcome.REDACT)


class Stage(StrEnum):
    """Where a turn was when it ended: gating the system text or the prompt, loading the
    model, or generating and gating the output."""

    SYSTEM = "system"
    PROMPT = "prompt"
    LOAD = "load"
    OUTPUT = "output"


def outcome_of(error: BaseException) -> Outcome:
    """How an exception ends a turn, or an administrative act, in the audit log."""
    if isinstance(error, Blocked):
        return Outcome.BLOCK
    if isinstance(error, KeyboardInterrupt | BrokenPipeError):
        return Outcome.INTERRUPTED
    return Outcome.ERROR


def new_run_id() -> str:
    """A random run id: 16 hex characters."""
    return secrets.token_hex(8)


@dataclass(frozen=True)
class Named:
    """A model or a policy as the log names it."""

    name: str
    sha256: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "sha256": self.sha256}


@dataclass(frozen=True)
class Retrieved:
    """What ``ask`` gave the model beside the question: the question's keyed digest, the
    ids and levels of the passages (never their text), and how many were left out to fit
    the model's context."""

    question_digest: str
    passages: tuple[tuple[str, str], ...]  # (passage id, level), in prompt order
    collection: str | None = None
    left_out: int = 0
    context_tokens: int | None = None  # the context the passages were fitted to (replay)
    embedder: str | None = None  # sha256 of the embedding model when ranked hybrid

    @property
    def levels(self) -> tuple[str, ...]:
        return tuple(level for _, level in self.passages)

    def to_json(self) -> dict[str, Any]:
        return {
            "question_digest": self.question_digest,
            "collection": self.collection,
            "passages": [{"id": passage, "level": level} for passage, level in self.passages],
            "left_out": self.left_out,
            "context_tokens": self.context_tokens,
            **({"embedder": self.embedder} if self.embedder else {}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Retrieved:
        """Raises ``KeyError``/``TypeError`` for anything ``to_json`` did not write."""
        collection, context_tokens = data.get("collection"), data.get("context_tokens")
        return cls(
            question_digest=str(data["question_digest"]),
            passages=tuple((str(p["id"]), str(p["level"])) for p in data["passages"]),
            collection=None if collection is None else str(collection),
            left_out=int(data.get("left_out", 0)),
            context_tokens=None if context_tokens is None else int(context_tokens),
            embedder=None if data.get("embedder") is None else str(data["embedder"]),
        )


@dataclass(frozen=True)
class RunEvent:
    """One turn's audit event. Built when the turn starts; ``finished`` adds the outcome.

    ``started_json`` is the write-ahead entry (no decision); ``to_json`` is the outcome.
    """

    command: str
    model: Named
    policy: Named
    clearance: str
    out_level: str
    sampling: Mapping[str, float | int]
    prompt_digest: str
    prompt_chars: int
    turn: int = 1
    system_digest: str | None = None
    chat_format: str | None = None
    run_id: str = field(default_factory=new_run_id)
    # The outcome, once there is one.
    decision: Outcome | None = None
    stage: Stage | None = None
    levels: Mapping[str, str] = field(default_factory=dict)
    rules: tuple[str, ...] = ()
    output_digest: str | None = None
    output_chars: int = 0
    usage: Mapping[str, int] | None = None
    finish_reason: str | None = None
    text_record: str | None = None
    text_record_error: str | None = None
    # A remote engine (milai.engine.remote): name, endpoint, served model id, fingerprint.
    engine: Mapping[str, Any] | None = None
    # ``ask``: the question's digest and the passages the prompt holds (ids and levels).
    retrieved: Retrieved | None = None

    def finished(self, decision: Outcome, stage: Stage, **outcome: Any) -> RunEvent:
        """This event with its outcome (any other outcome field as a keyword)."""
        return replace(self, decision=decision, stage=stage, **outcome)

    def _common(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "run_id": self.run_id,
            "command": self.command,
            "model": self.model.to_json(),
            "policy": self.policy.to_json(),
            "clearance": self.clearance,
            "out_level": self.out_level,
            "sampling": dict(self.sampling),
            "prompt_digest": self.prompt_digest,
            "prompt_chars": self.prompt_chars,
            "turn": self.turn,
        }
        if self.system_digest is not None:
            data["system_digest"] = self.system_digest
        if self.chat_format is not None:
            data["chat_format"] = self.chat_format
        if self.engine is not None:
            data["engine"] = dict(self.engine)
        if self.retrieved is not None:
            data["retrieved"] = self.retrieved.to_json()
        return data

    def started_json(self) -> dict[str, Any]:
        """The write-ahead entry: who asks what of which model, before it answers."""
        return {**self._common(), "phase": "started"}

    def to_json(self) -> dict[str, Any]:
        """The outcome entry. Raises ``ValueError`` when the event has no outcome yet."""
        if self.decision is None or self.stage is None:
            raise ValueError("the run event has no outcome yet")
        data = {
            **self._common(),
            "phase": "outcome",
            "decision": str(self.decision),
            "stage": str(self.stage),
            "levels": dict(self.levels),
            "rules": list(self.rules),
            "output_chars": self.output_chars,
        }
        optional = {
            "output_digest": self.output_digest,
            "usage": None if self.usage is None else dict(self.usage),
            "finish_reason": self.finish_reason,
            "text_record": self.text_record,
            "text_record_error": self.text_record_error,
        }
        data.update({key: value for key, value in optional.items() if value is not None})
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunEvent:
        """Read an outcome entry back (as ``to_json`` wrote it, or as entries written
        before run ids existed). Raises ``ValueError`` when it is not a run event."""
        try:
            model, policy = data["model"], data["policy"]
            decision = data.get("decision")
            stage = data.get("stage")
            retrieved = data.get("retrieved")
            return cls(
                command=str(data["command"]),
                model=Named(str(model["name"]), str(model["sha256"])),
                policy=Named(str(policy["name"]), str(policy["sha256"])),
                clearance=str(data["clearance"]),
                out_level=str(data.get("out_level") or data["clearance"]),
                sampling=dict(data["sampling"]),
                prompt_digest=str(data["prompt_digest"]),
                prompt_chars=int(data.get("prompt_chars", 0)),
                turn=int(data.get("turn", 1)),
                system_digest=_optional_str(data.get("system_digest")),
                chat_format=_optional_str(data.get("chat_format")),
                run_id=str(data.get("run_id", "")),
                decision=None if decision is None else Outcome(decision),
                stage=None if stage is None else Stage(stage),
                levels=dict(data.get("levels") or {}),
                rules=tuple(data.get("rules") or ()),
                output_digest=_optional_str(data.get("output_digest")),
                output_chars=int(data.get("output_chars", 0)),
                usage=data.get("usage"),
                finish_reason=_optional_str(data.get("finish_reason")),
                text_record=_optional_str(data.get("text_record")),
                text_record_error=_optional_str(data.get("text_record_error")),
                engine=_optional_mapping(data.get("engine")),
                retrieved=None if retrieved is None else Retrieved.from_json(retrieved),
            )
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"not a run event: {error}") from None


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)


def _optional_mapping(value: object) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise TypeError("engine is not an object")
    return dict(value)


__all__ = ["Named", "Outcome", "Retrieved", "RunEvent", "Stage", "new_run_id", "outcome_of"]
