"""The one path every prompt takes: gate in → engine → gate out (streaming) → audit.

``run`` and every ``chat`` turn go through ``Session.turn``; there is no other way to reach
the engine. A session holds one model instance for one clearance: a llama.cpp context keeps
the previous prompt in its KV cache, so it never serves two clearance levels.

Each turn is written ahead (``AuditSink.started`` before the model sees the prompt) and
its outcome recorded exactly once, whatever ends it; a failure to record an outcome never
replaces the exception that ended the turn.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from typing import Protocol

from milai.engine import Engine, LoadOptions, Message, SamplingParams, Timings, Usage, load_engine
from milai.errors import Blocked, PolicyError
from milai.events import Named, Outcome, Retrieved, RunEvent, Stage, outcome_of
from milai.policy import Action, Decision, Gate, OutputGate, Policy, PolicyGate, redact_text

_log = logging.getLogger("milai.pipeline")


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
    """Where run events go (interfaces.md §2)."""

    def preflight(self) -> None:
        """Raise if ``record`` would fail: nothing is generated that cannot be recorded."""

    def started(self, event: RunEvent) -> None:
        """Write ``event.started_json()`` durably, before the model sees the prompt."""

    def record(self, event: RunEvent) -> None:
        """Write the outcome ``event.to_json()`` (once per turn)."""


class NoAudit:
    """An audit sink that keeps nothing (for tests and benchmarks)."""

    def preflight(self) -> None:
        return None

    def started(self, event: RunEvent) -> None:
        return None

    def record(self, event: RunEvent) -> None:
        return None


EngineLoader = Callable[[str, LoadOptions], Engine]


class GateFactory(Protocol):
    def __call__(
        self, policy: Policy, *, clearance: str, model_level: str, out_level: str | None
    ) -> Gate: ...


@dataclass(frozen=True)
class RunResult:
    """What one turn produced: the released text and why it was released."""

    text: str
    decision: Decision
    prompt_decision: Decision
    model: ModelInfo
    usage: Usage
    timings: Timings
    params: SamplingParams
    run_id: str = ""

    @property
    def level(self) -> str:
        return self.decision.level

    @property
    def finish_reason(self) -> str:
        """``length`` when the output stopped at ``max_tokens``, else ``stop``."""
        return self.usage.finish_reason


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _TurnRecord:
    """The audit side of one turn: ``started`` at most once, the outcome exactly once."""

    def __init__(self, pipeline: Pipeline, event: RunEvent, texts: dict[str, str]) -> None:
        self._pipeline = pipeline
        self._texts = texts
        self.event = event
        self.levels: dict[str, str] = {}
        self.rules: set[str] = set()
        self._recorded = False

    def saw(self, stage: Stage, decision: Decision) -> None:
        self.levels[str(stage)] = decision.level
        self.rules.update(finding.rule for finding in decision.findings)

    def started(self) -> None:
        self._pipeline.audit.started(self.event)

    def outcome(self, decision: Outcome, stage: Stage, released: str, engine: _LazyEngine) -> None:
        """Record how the turn ended. Raises what the sink raises, and ``VaultError`` when
        the policy asks for the texts and they could not be kept (after recording that)."""
        if self._recorded:
            raise RuntimeError("a turn's outcome is recorded once")
        self._recorded = True
        usage = engine.usage
        event = self.event.finished(
            decision,
            stage,
            levels=dict(self.levels),
            rules=tuple(sorted(self.rules)),
            output_digest=self._pipeline.digest(released),
            output_chars=len(released),
            usage=None if usage is None else usage.to_json(),
            finish_reason=None
            if usage is None or stage is not Stage.OUTPUT
            else usage.finish_reason,
        )
        remote = getattr(engine._engine, "audit_details", None)
        if remote is not None:  # what the remote engine said: served model id, fingerprint
            event = dataclasses.replace(event, engine=remote())
        kept_error: Exception | None = None
        if self._pipeline.policy.record_text and self._pipeline.keep_text is not None:
            try:
                record_id = self._pipeline.keep_text({**self._texts, "output": released})
                event = dataclasses.replace(event, text_record=record_id)
            except Exception as error:  # recorded below, then raised: the entry comes first
                kept_error = error
                event = dataclasses.replace(event, text_record_error=type(error).__name__)
        self._pipeline.audit.record(event)
        if kept_error is not None:
            raise kept_error

    def ended_by(
        self, error: BaseException, stage: Stage, released: str, engine: _LazyEngine
    ) -> None:
        """Record that ``error`` ended the turn. Never raises: a failure to record is logged
        and noted on ``error``, which the caller re-raises unchanged (with its exit code).
        A ``started`` entry already on record then stands as "no outcome"."""
        if isinstance(error, Blocked) and isinstance(error.decision, Decision):
            self.saw(stage, error.decision)
        try:
            self.outcome(outcome_of(error), stage, released, engine)
        except BaseException as failure:
            note = f"the outcome of run {self.event.run_id} was not recorded: {failure}"
            _log.error("%s", note)
            error.add_note(note)


class _LazyEngine:
    """The session's model, loaded on the first prompt the gate lets through."""

    def __init__(
        self, pipeline: Pipeline, model_name: str, options: LoadOptions, stack: ExitStack
    ) -> None:
        self._pipeline = pipeline
        self._model_name = model_name
        self._options = options
        self._stack = stack
        self._engine: Engine | None = None

    @property
    def loaded(self) -> bool:
        return self._engine is not None

    @property
    def usage(self) -> Usage | None:
        return None if self._engine is None else self._engine.usage

    @property
    def timings(self) -> Timings | None:
        return None if self._engine is None else self._engine.timings

    def get(self) -> Engine:
        if self._engine is None:
            models = self._pipeline.models
            path = self._stack.enter_context(models.open_model(self._model_name))
            self._engine = self._pipeline.load(path, self._options)
            self._stack.callback(self._engine.close)
        return self._engine


@dataclass(frozen=True)
class SessionSpec:
    """Who talks to which model, at which levels (fixed for a session)."""

    model_name: str
    clearance: str
    out_level: str | None = None
    load_options: LoadOptions = field(default_factory=LoadOptions)
    command: str = "run"
    system: str | None = None


class Session:
    """A conversation with one model at one clearance. Use as a context manager.

    ``level`` is the conversation's high-water mark (what was seen at a level was seen);
    the model is never given context above min(clearance, its accreditation).
    """

    def __init__(self, pipeline: Pipeline, spec: SessionSpec) -> None:
        self.pipeline = pipeline
        self.spec = spec
        self.history: list[Message] = []
        lowest = pipeline.policy.lowest
        self.level = lowest  # high-water mark of everything seen
        self._context_level = lowest  # what the model's context holds now
        self._system_level = lowest
        self._system_text: str | None = None
        self._stack = ExitStack()
        self._engine = _LazyEngine(pipeline, spec.model_name, spec.load_options, self._stack)
        self._model: ModelInfo | None = None
        self._gate: Gate | None = None
        self._said_held = False

    @property
    def clearance(self) -> str:
        return self.spec.clearance

    @property
    def model(self) -> ModelInfo:
        if self._model is None:
            raise RuntimeError("use the session as a context manager")
        return self._model

    @property
    def engine_loaded(self) -> bool:
        return self._engine.loaded

    @property
    def usage(self) -> Usage:
        """The last generation's token counts (none before the model is loaded)."""
        return self._engine.usage or Usage()

    @property
    def timings(self) -> Timings:
        return self._engine.timings or Timings()

    def __enter__(self) -> Session:
        pipeline, spec = self.pipeline, self.spec
        if pipeline.policy.record_text and pipeline.keep_text is None:
            # The policy asks for the texts and nothing can keep them encrypted: refuse
            # rather than record less than the policy demands.
            raise PolicyError("the policy records texts, but no encrypted store is open")
        self._model = pipeline.models.model(spec.model_name)
        self._gate = pipeline.gate(
            pipeline.policy,
            clearance=spec.clearance,
            model_level=self._model.level,
            out_level=spec.out_level,
        )
        if spec.system:
            # The system text reaches the model too: the same gate, the same levels.
            decision = self._check_system(self._gate, spec.system)
            self._system_text = self._model_text(spec.system, decision)
            self._context_level = self._system_level = decision.level
            self.level = pipeline.policy.higher(self.level, decision.level)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()

    def turn(
        self,
        prompt: str,
        params: SamplingParams,
        emit: Callable[[str], None],
        *,
        retrieved: Retrieved | None = None,
    ) -> RunResult:
        """Gate ``prompt``, stream the gated reply to ``emit``; record the outcome whatever
        happens (allowed, blocked, interrupted, failed).

        ``retrieved``: the prompt holds these passages (``ask``); its level is at least
        theirs, marked or not, and the audit entry names them.

        Raises ``Blocked`` when the prompt or the output is blocked; text already emitted
        never contains any part of a blocked span.
        """
        gate = self._gate
        if gate is None:
            # Never an assert: without the gate there is no turn (and -O strips asserts).
            raise RuntimeError("use the session as a context manager")
        policy = self.pipeline.policy
        record = self._record(prompt, params, retrieved)
        stage = Stage.PROMPT
        released: list[str] = []
        try:
            prompt_decision = gate.check_prompt(prompt)
            if retrieved is not None and retrieved.passages:
                level = policy.higher(prompt_decision.level, *retrieved.levels)
                prompt_decision = dataclasses.replace(prompt_decision, level=level)
            record.saw(Stage.PROMPT, prompt_decision)
            context_level = policy.higher(self._context_level, prompt_decision.level)
            self._refuse_context_above_model(context_level, prompt_decision)
            self.level = policy.higher(self.level, prompt_decision.level)
            output_gate = gate.open_output(
                dataclasses.replace(prompt_decision, level=context_level),
                conversation_level=self.level,
            )
            self._say_held(output_gate)
            model_prompt = self._model_text(prompt, prompt_decision)
            messages = self._messages(model_prompt)
            if not self._engine.loaded:
                self.pipeline.audit.preflight()
            record.started()
            stage = Stage.LOAD
            engine = self._engine.get()
            stage = Stage.OUTPUT
            chunks = engine.generate(messages, params)
            for released_text in _gated(chunks, output_gate, self._say_reads_as):
                released.append(released_text)
                emit(released_text)
            output_decision = output_gate.decision
        except BaseException as error:
            record.ended_by(error, stage, "".join(released), self._engine)
            raise
        text = "".join(released)
        record.saw(Stage.OUTPUT, output_decision)
        self._context_level = policy.higher(context_level, output_decision.level)
        self.level = policy.higher(self.level, output_decision.level)
        self.history += [
            {"role": "user", "content": model_prompt},
            {"role": "assistant", "content": text},
        ]
        decision = dataclasses.replace(
            output_decision, action=_worse(prompt_decision.action, output_decision.action)
        )
        record.outcome(Outcome(str(decision.action)), Stage.OUTPUT, text, self._engine)
        return RunResult(
            text=text,
            decision=decision,
            prompt_decision=prompt_decision,
            model=self.model,
            usage=engine.usage,
            timings=engine.timings,
            params=params,
            run_id=record.event.run_id,
        )

    def clear(self) -> None:
        """Forget the conversation. The level stays: what was seen at a level was seen."""
        self.history.clear()
        self._context_level = self._system_level

    def _say_held(self, output_gate: OutputGate) -> None:
        if output_gate.held and not self._said_held:
            self._said_held = True
            _log.info(
                "output held until it is complete: the output level %s is below the "
                "model's accreditation or the conversation's level",
                self.spec.out_level or self.spec.clearance,
            )

    def _say_reads_as(self, output_gate: OutputGate) -> None:
        kind = output_gate.reads_as
        if kind is not None and not self._said_held:
            self._said_held = True
            _log.info(
                "output held until it is complete: it reads as %s, and is decided as "
                "`milai check` reads it",
                kind,
            )

    def _check_system(self, gate: Gate, system: str) -> Decision:
        try:
            return gate.check_prompt(system)
        except BaseException as error:
            self._record("", SamplingParams()).ended_by(error, Stage.SYSTEM, "", self._engine)
            raise

    def _refuse_context_above_model(self, context_level: str, prompt: Decision) -> None:
        policy = self.pipeline.policy
        if policy.above(context_level, policy.lower(self.clearance, self.model.level)):
            raise Blocked(
                f"the conversation so far is {context_level}, above what model "
                f"{self.model.name} may be given; /clear starts afresh",
                decision=dataclasses.replace(prompt, level=context_level),
            )

    def _model_text(self, text: str, decision: Decision) -> str:
        """What the model is given: ``text`` with the prompt's redactions applied."""
        if any(finding.action == Action.REDACT for finding in decision.findings):
            return redact_text(self.pipeline.policy, text, direction="prompt")
        return text

    def _messages(self, prompt: str) -> list[Message]:
        messages: list[Message] = []
        if self._system_text:
            messages.append({"role": "system", "content": self._system_text})
        return [*messages, *self.history, {"role": "user", "content": prompt}]

    def _record(
        self, prompt: str, params: SamplingParams, retrieved: Retrieved | None = None
    ) -> _TurnRecord:
        pipeline, spec = self.pipeline, self.spec
        digest = pipeline.digest
        event = RunEvent(
            command=spec.command,
            model=Named(self.model.name, self.model.sha256),
            policy=Named(pipeline.policy.name, pipeline.policy.sha256),
            clearance=spec.clearance,
            out_level=spec.out_level or spec.clearance,
            sampling=params.to_json(),
            prompt_digest=digest(prompt),
            prompt_chars=len(prompt),
            turn=len(self.history) // 2 + 1,
            system_digest=digest(spec.system) if spec.system else None,
            chat_format=spec.load_options.chat_format,
            engine=getattr(self.model, "engine", None),  # a remote engine's name and endpoint
            retrieved=retrieved,
        )
        texts = {"prompt": prompt}
        if spec.system:
            texts["system"] = spec.system
        return _TurnRecord(pipeline, event, texts)


def _worse(first: Action, second: Action) -> Action:
    return first if first.severity >= second.severity else second


def _gated(
    chunks: Iterator[str], gate: OutputGate, on_hold: Callable[[OutputGate], None]
) -> Iterator[str]:
    """Pass the engine's stream through the output gate; stop generating on a block.
    ``on_hold``: told once when a streaming gate starts holding the output (its start reads
    as a document ``check`` reads whole)."""
    streaming = not gate.held
    try:
        for chunk in chunks:
            released = gate.feed(chunk)
            if streaming and gate.held:
                streaming = False
                on_hold(gate)
            if released:
                yield released
        tail = gate.close()
        if tail:
            yield tail
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


@dataclass
class Pipeline:
    """Everything a gated generation needs: the policy, the models, the audit sink.

    ``load`` and ``gate`` are seams for tests and benchmarks (a fake engine, a
    pass-through gate); commands always use the defaults. ``digest`` fingerprints prompt
    and output text for the audit log: commands key it with the vault, so the log cannot
    be used to confirm a guess of a short text. When the policy asks for texts to be
    recorded, ``keep_text`` stores them encrypted and returns the id the entry refers to.
    """

    policy: Policy
    models: ModelSource
    audit: AuditSink = field(default_factory=NoAudit)
    load: EngineLoader = load_engine
    gate: GateFactory = PolicyGate
    digest: Callable[[str], str] = sha256_text
    keep_text: Callable[[dict[str, str]], str] | None = None

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
            self,
            SessionSpec(
                model_name=model_name,
                clearance=clearance,
                out_level=out_level,
                load_options=load_options or LoadOptions(),
                command=command,
                system=system,
            ),
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
    "GateFactory",
    "ModelInfo",
    "ModelSource",
    "NoAudit",
    "Pipeline",
    "RunResult",
    "Session",
    "SessionSpec",
    "outcome_of",
]
