"""The one path every prompt takes: gate in → engine → gate out (streaming) → audit.

``run`` and every ``chat`` turn go through ``Session.turn``; there is no other way to reach
the engine. A session holds one model instance for one clearance: a llama.cpp context keeps
the previous prompt in its KV cache, so it never serves two clearance levels.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from typing import Any, Protocol

from milai.engine import Engine, LoadOptions, Message, SamplingParams, Timings, Usage, load_engine
from milai.errors import Blocked, UsageError
from milai.policy import Decision, Gate, OutputGate, Policy


class ModelInfo(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def sha256(self) -> str: ...

    @property
    def level(self) -> str: ...


class ModelSource(Protocol):
    """Where models come from (the vault). ``open_model`` yields a path llama.cpp can open."""

    def model(self, name: str) -> ModelInfo: ...

    def open_model(self, name: str) -> AbstractContextManager[str]: ...


class AuditSink(Protocol):
    def record(self, event: dict[str, Any]) -> None: ...


class NoAudit:
    """An audit sink that keeps nothing (for tests and benchmarks)."""

    def record(self, event: dict[str, Any]) -> None:
        return None


EngineLoader = Callable[[str, LoadOptions], Engine]
GateFactory = Callable[..., Gate]


@dataclass(frozen=True)
class RunResult:
    text: str
    decision: Decision
    model: ModelInfo
    usage: Usage
    timings: Timings
    params: SamplingParams

    @property
    def level(self) -> str:
        return self.decision.level

    def to_json(self) -> dict[str, Any]:
        """The ``run --json`` object of DESIGN.md."""
        return {
            "text": self.text,
            "decision": str(self.decision.action),
            "level": self.level,
            "model": {"name": self.model.name, "sha256": self.model.sha256},
            "usage": self.usage.to_json(),
            "timings": self.timings.to_json(),
            "seed": self.params.seed,
            "findings": [finding.to_json() for finding in self.decision.findings],
            "policy": self.decision.policy.name,
        }


def compose_prompt(instruction: str | None, material: str | None) -> str:
    """PROMPT, a blank line, then stdin (DESIGN.md). Raises ``UsageError`` when both are empty."""
    parts = [part for part in (instruction, material) if part is not None and part.strip()]
    if not parts:
        raise UsageError("empty prompt: give PROMPT or pipe text on stdin")
    return "\n\n".join(parts)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Session:
    """A conversation with one model at one clearance. Use as a context manager."""

    pipeline: Pipeline
    model_name: str
    clearance: str
    out_level: str | None
    load_options: LoadOptions
    command: str = "run"
    system: str | None = None
    history: list[Message] = field(default_factory=list)
    level: str = ""
    _stack: ExitStack = field(default_factory=ExitStack)
    _engine: Engine | None = None
    _info: ModelInfo | None = None
    _gate: Gate | None = None

    def __enter__(self) -> Session:
        policy = self.pipeline.policy
        self.level = self.level or policy.lowest
        try:
            self._info = self.pipeline.models.model(self.model_name)
            self._gate = self.pipeline.gate(
                policy,
                clearance=self.clearance,
                model_level=self._info.level,
                out_level=self.out_level,
            )
        except BaseException:
            self._stack.close()
            raise
        return self

    def _ensure_engine(self) -> Engine:
        # Loaded on the first prompt the gate lets through: a blocked prompt costs no load.
        if self._engine is None:
            path = self._stack.enter_context(self.pipeline.models.open_model(self.model_name))
            self._engine = self.pipeline.load(path, self.load_options)
            self._stack.callback(self._engine.close)
        return self._engine

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()

    @property
    def model(self) -> ModelInfo:
        if self._info is None:
            raise RuntimeError("use the session as a context manager")
        return self._info

    def turn(self, prompt: str, params: SamplingParams, emit: Callable[[str], None]) -> RunResult:
        """Gate ``prompt``, stream the gated reply to ``emit``, record the event.

        Raises ``Blocked`` (after recording it) when the prompt or the output is blocked;
        text already emitted never contains any part of a blocked span.
        """
        if self._gate is None:
            # Never an assert: without the gate there is no turn (and -O strips asserts).
            raise RuntimeError("use the session as a context manager")
        policy = self.pipeline.policy
        event = self._event(prompt, params)
        try:
            prompt_decision = self._gate.check_prompt(prompt)
        except Blocked as blocked:
            self._record_blocked(event, blocked, "prompt")
            raise
        # The conversation's high-water mark: a reply inherits every earlier turn's level.
        self.level = _higher(policy, self.level, prompt_decision.level)
        context_decision = dataclasses.replace(prompt_decision, level=self.level)
        event["levels"] = {"prompt": prompt_decision.level}
        engine = self._ensure_engine()
        output_gate = self._gate.open_output(context_decision)
        messages = self._messages(prompt)
        released: list[str] = []
        try:
            for released_text in _gated(engine.generate(messages, params), output_gate):
                released.append(released_text)
                emit(released_text)
        except Blocked as blocked:
            event["usage"] = engine.usage.to_json()
            self._record_blocked(event, blocked, "output")
            raise
        text = "".join(released)
        decision = output_gate.decision
        self.level = _higher(policy, self.level, decision.level)
        self.history += [
            {"role": "user", "content": prompt},
            {"role": "assistant", "content": text},
        ]
        result = RunResult(
            text=text,
            decision=decision,
            model=self.model,
            usage=engine.usage,
            timings=engine.timings,
            params=params,
        )
        event.update(
            decision=str(decision.action),
            levels={"prompt": prompt_decision.level, "output": decision.level},
            rules=sorted({f.rule for f in (*prompt_decision.findings, *decision.findings)}),
            usage=result.usage.to_json(),
            output_sha256=sha256_text(text),
            output_chars=len(text),
        )
        self.pipeline.audit.record(event)
        return result

    def clear(self) -> None:
        """Forget the conversation. The level stays: what was seen at a level was seen."""
        self.history.clear()

    def _messages(self, prompt: str) -> list[Message]:
        messages: list[Message] = []
        if self.system:
            messages.append({"role": "system", "content": self.system})
        return [*messages, *self.history, {"role": "user", "content": prompt}]

    def _event(self, prompt: str, params: SamplingParams) -> dict[str, Any]:
        policy = self.pipeline.policy
        return {
            "command": self.command,
            "model": {"name": self.model.name, "sha256": self.model.sha256},
            "policy": {"name": policy.name, "sha256": policy.sha256},
            "clearance": self.clearance,
            "out_level": self.out_level or self.clearance,
            "sampling": params.to_json(),
            "prompt_sha256": sha256_text(prompt),
            "prompt_chars": len(prompt),
        }

    def _record_blocked(self, event: dict[str, Any], blocked: Blocked, stage: str) -> None:
        decision = blocked.decision
        event.update(decision="block", stage=stage)
        if isinstance(decision, Decision):
            event["rules"] = sorted({f.rule for f in decision.findings})
            event.setdefault("levels", {})[stage] = decision.level
        self.pipeline.audit.record(event)


def _gated(chunks: Iterator[str], gate: OutputGate) -> Iterator[str]:
    """Pass the engine's stream through the output gate; stop generating on a block."""
    try:
        for chunk in chunks:
            released = gate.feed(chunk)
            if released:
                yield released
        tail = gate.close()
        if tail:
            yield tail
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def _higher(policy: Policy, first: str, second: str) -> str:
    return first if policy.level_index(first) >= policy.level_index(second) else second


@dataclass
class Pipeline:
    """Everything a gated generation needs: the policy, the models, the audit sink.

    ``load`` and ``gate`` are seams for tests and benchmarks (a fake engine, the
    pass-through gate); commands always use the defaults.
    """

    policy: Policy
    models: ModelSource
    audit: AuditSink = field(default_factory=NoAudit)
    load: EngineLoader = load_engine
    gate: GateFactory = Gate

    def session(
        self,
        model_name: str,
        *,
        clearance: str,
        out_level: str | None = None,
        load_options: LoadOptions | None = None,
        command: str = "run",
        system: str | None = None,
    ) -> Session:
        return Session(
            pipeline=self,
            model_name=model_name,
            clearance=clearance,
            out_level=out_level,
            load_options=load_options or LoadOptions(),
            command=command,
            system=system,
        )

    def run(
        self,
        prompt: str,
        *,
        model_name: str,
        clearance: str,
        params: SamplingParams,
        emit: Callable[[str], None],
        out_level: str | None = None,
        system: str | None = None,
        load_options: LoadOptions | None = None,
    ) -> RunResult:
        """One gated generation. Raises ``Blocked``, ``ModelError``, ``VaultError``…"""
        with self.session(
            model_name,
            clearance=clearance,
            out_level=out_level,
            load_options=load_options,
            system=system,
        ) as session:
            return session.turn(prompt, params, emit)


__all__ = [
    "AuditSink",
    "ModelInfo",
    "ModelSource",
    "NoAudit",
    "Pipeline",
    "RunResult",
    "Session",
    "compose_prompt",
]
