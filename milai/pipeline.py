"""The one path every prompt takes: gate in → engine → gate out (streaming) → audit.

``run`` and every ``chat`` turn go through ``Session.turn``; there is no other way to reach
the engine. A session holds one model instance for one clearance: a llama.cpp context keeps
the previous prompt in its KV cache, so it never serves two clearance levels.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from typing import Any, Protocol

from milai.engine import Engine, LoadOptions, Message, SamplingParams, Timings, Usage, load_engine
from milai.errors import Blocked, PolicyError, UsageError
from milai.policy import Action, Decision, Gate, OutputGate, Policy, redact_text

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
    def preflight(self) -> None:
        """Raise if ``record`` would fail: nothing is generated that cannot be recorded."""

    def record(self, event: dict[str, Any]) -> None: ...


class NoAudit:
    """An audit sink that keeps nothing (for tests and benchmarks)."""

    def preflight(self) -> None:
        return None

    def record(self, event: dict[str, Any]) -> None:
        return None


EngineLoader = Callable[[str, LoadOptions], Engine]
GateFactory = Callable[..., Gate]


@dataclass(frozen=True)
class RunResult:
    text: str
    decision: Decision
    prompt_decision: Decision
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
            "prompt_findings": [f.to_json() for f in self.prompt_decision.findings],
            "policy": {"name": self.decision.policy.name, "sha256": self.decision.policy.sha256},
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
    """A conversation with one model at one clearance. Use as a context manager.

    ``level`` is the conversation's high-water mark (what was seen at a level was seen);
    the model is never given context above min(clearance, its accreditation).
    """

    pipeline: Pipeline
    model_name: str
    clearance: str
    out_level: str | None
    load_options: LoadOptions
    command: str = "run"
    system: str | None = None
    history: list[Message] = field(default_factory=list)
    level: str = ""
    _context_level: str = ""
    _system_text: str | None = None
    _system_level: str = ""
    _stack: ExitStack = field(default_factory=ExitStack)
    _engine: Engine | None = None
    _info: ModelInfo | None = None
    _gate: Gate | None = None

    def __enter__(self) -> Session:
        policy = self.pipeline.policy
        self.level = self.level or policy.lowest
        self._context_level = self._system_level = policy.lowest
        try:
            self._info = self.pipeline.models.model(self.model_name)
            self._gate = self.pipeline.gate(
                policy,
                clearance=self.clearance,
                model_level=self._info.level,
                out_level=self.out_level,
            )
            if self.system:
                # The system text reaches the model too: the same gate, the same levels.
                decision = self._check_system(self._gate, self.system)
                self._system_text = self._model_text(self.system, decision)
                self._context_level = self._system_level = decision.level
                self.level = policy.higher(self.level, decision.level)
        except BaseException:
            self._stack.close()
            raise
        return self

    def _ensure_engine(self) -> Engine:
        # Loaded on the first prompt the gate lets through: a blocked prompt costs no load.
        if self._engine is None:
            self.pipeline.audit.preflight()
            path = self._stack.enter_context(self.pipeline.models.open_model(self.model_name))
            self._engine = self.pipeline.load(path, self.load_options)
            self._stack.callback(self._engine.close)
            if _log.isEnabledFor(logging.INFO):
                _log_memory_lock(self.load_options)
        return self._engine

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()

    @property
    def model(self) -> ModelInfo:
        if self._info is None:
            raise RuntimeError("use the session as a context manager")
        return self._info

    def turn(self, prompt: str, params: SamplingParams, emit: Callable[[str], None]) -> RunResult:
        """Gate ``prompt``, stream the gated reply to ``emit``; record the event whatever
        happens (allowed, blocked, interrupted, failed).

        Raises ``Blocked`` when the prompt or the output is blocked; text already emitted
        never contains any part of a blocked span.
        """
        gate = self._gate
        if gate is None:
            # Never an assert: without the gate there is no turn (and -O strips asserts).
            raise RuntimeError("use the session as a context manager")
        policy = self.pipeline.policy
        event = self._event(prompt, params)
        released: list[str] = []
        stage = "prompt"
        try:
            prompt_decision = gate.check_prompt(prompt)
            event.update(
                levels={"prompt": prompt_decision.level},
                rules=_rule_ids(prompt_decision),
            )
            context_level = policy.higher(self._context_level, prompt_decision.level)
            self._refuse_context_above_model(context_level, prompt_decision)
            self.level = policy.higher(self.level, prompt_decision.level)
            model_prompt = self._model_text(prompt, prompt_decision)
            engine = self._ensure_engine()
            stage = "output"
            output_gate = gate.open_output(
                dataclasses.replace(prompt_decision, level=context_level)
            )
            messages = self._messages(model_prompt)
            for released_text in _gated(engine.generate(messages, params), output_gate):
                released.append(released_text)
                emit(released_text)
            output_decision = output_gate.decision
        except Blocked as blocked:
            event.update(decision="block", stage=stage)
            if isinstance(blocked.decision, Decision):
                event["rules"] = sorted({*event.get("rules", ()), *_rule_ids(blocked.decision)})
                event.setdefault("levels", {})[stage] = blocked.decision.level
            raise
        except (KeyboardInterrupt, BrokenPipeError):
            event.update(decision="interrupted", stage=stage)
            raise
        except BaseException:
            event.update(decision="error", stage=stage)
            raise
        finally:
            self._finish_event(event, prompt, "".join(released))
        text = "".join(released)
        self.level = policy.higher(self.level, output_decision.level)
        self._context_level = policy.higher(context_level, output_decision.level)
        self.history += [
            {"role": "user", "content": model_prompt},
            {"role": "assistant", "content": text},
        ]
        decision = dataclasses.replace(
            output_decision, action=_worse(prompt_decision.action, output_decision.action)
        )
        event.update(
            decision=str(decision.action),
            levels={"prompt": prompt_decision.level, "output": decision.level},
            rules=sorted({*_rule_ids(prompt_decision), *_rule_ids(output_decision)}),
        )
        self.pipeline.audit.record(event)
        return RunResult(
            text=text,
            decision=decision,
            prompt_decision=prompt_decision,
            model=self.model,
            usage=engine.usage,
            timings=engine.timings,
            params=params,
        )

    def clear(self) -> None:
        """Forget the conversation. The level stays: what was seen at a level was seen."""
        self.history.clear()
        self._context_level = self._system_level

    def _check_system(self, gate: Gate, system: str) -> Decision:
        try:
            return gate.check_prompt(system)
        except Blocked as blocked:
            event = self._event("", SamplingParams())
            event.update(decision="block", stage="system")
            if isinstance(blocked.decision, Decision):
                event["rules"] = _rule_ids(blocked.decision)
            self.pipeline.audit.record(event)
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

    def _event(self, prompt: str, params: SamplingParams) -> dict[str, Any]:
        policy = self.pipeline.policy
        digest = self.pipeline.digest
        event: dict[str, Any] = {
            "command": self.command,
            "model": {"name": self.model.name, "sha256": self.model.sha256},
            "policy": {"name": policy.name, "sha256": policy.sha256},
            "clearance": self.clearance,
            "out_level": self.out_level or self.clearance,
            "sampling": params.to_json(),
            "prompt_digest": digest(prompt),
            "prompt_chars": len(prompt),
            "turn": len(self.history) // 2 + 1,
        }
        engine = getattr(self.model, "engine", None)  # a remote engine (milai.engine.remote)
        if engine:
            event["engine"] = dict(engine)
        if self.system:
            event["system_digest"] = digest(self.system)
        if self.load_options.chat_format:
            event["chat_format"] = self.load_options.chat_format
        return event

    def _finish_event(self, event: dict[str, Any], prompt: str, released: str) -> None:
        event.update(output_digest=self.pipeline.digest(released), output_chars=len(released))
        if self.pipeline.policy.record_text:
            keep = self.pipeline.keep_text
            if keep is None:
                # The policy asks for the texts and nothing can keep them encrypted: refuse
                # rather than record less than the policy demands.
                raise PolicyError("the policy records texts, but no encrypted store is open")
            texts = {"prompt": prompt, "output": released}
            if self.system:
                texts["system"] = self.system
            event["text_record"] = keep(texts)
        if self._engine is not None:
            event["usage"] = self._engine.usage.to_json()
            remote = getattr(self._engine, "audit_details", None)
            if remote is not None:
                event["engine"] = remote()  # endpoint, served model id, system_fingerprint
        if event.get("decision") in ("block", "interrupted", "error"):
            self.pipeline.audit.record(event)


def _log_memory_lock(options: LoadOptions) -> None:
    """With -v: say whether the decrypted weights are locked in RAM or could reach swap
    (llama.cpp only warns when mlock fails, so milai reads VmLck itself)."""
    from milai.vault import memory_lock_status

    status = memory_lock_status()
    locked_mib = status["vm_locked_bytes"] / 2**20
    if status["swap_enabled"] and (not options.use_mlock or locked_mib < 1):
        _log.warning("model pages could reach swap: %.0f MiB locked", locked_mib)
    else:
        _log.info(
            "model pages: %.0f MiB locked in memory; swap %s",
            locked_mib,
            "on" if status["swap_enabled"] else "off",
        )


def _rule_ids(decision: Decision) -> list[str]:
    return sorted({finding.rule for finding in decision.findings})


def _worse(first: Action, second: Action) -> Action:
    return first if first.severity >= second.severity else second


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


@dataclass
class Pipeline:
    """Everything a gated generation needs: the policy, the models, the audit sink.

    ``load`` and ``gate`` are seams for tests and benchmarks (a fake engine, the
    pass-through gate); commands always use the defaults. ``digest`` fingerprints prompt
    and output text for the audit log: commands key it with the vault, so the log cannot
    be used to confirm a guess of a short text. When the policy asks for texts to be
    recorded, ``keep_text`` stores them encrypted and returns the id the entry refers to.
    """

    policy: Policy
    models: ModelSource
    audit: AuditSink = field(default_factory=NoAudit)
    load: EngineLoader = load_engine
    gate: GateFactory = Gate
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
