"""Replaying a recorded ``run`` or ``ask``: same model, policy, parameters and seed must give
the same bytes. Texts are never recorded, only their keyed digests, so the caller supplies the
prompt (and system text) again; their digests must match the record. For ``ask`` the caller
gives the question: the prompt is rebuilt from the recorded passages, which must still be in
the corpus, and its digest must match too.

A run on a remote engine is replayed against that engine, but less can be proven: its
weights are not in the vault, so nothing shows that it still serves the same model. The
replay says so, compares what the server reports (served model id, system fingerprint) and
the endpoint with the record, and a match shows only that the server answered alike.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from milai.context import Context
from milai.engine import LoadOptions, SamplingParams
from milai.errors import Blocked, ModelError, UsageError, VaultIntegrityError
from milai.events import Named, Retrieved, RunEvent
from milai.pipeline import AuditSink, Pipeline
from milai.policy import Policy
from milai.settings import resolve_clearance

REPLAYABLE = ("run", "ask")
# What a replay asks again: the prompt, the system text, the passages and the load options.
Asked = tuple[str, str | None, Retrieved | None, LoadOptions]
# What the audit entry of a remote run says about the engine that answered.
ENGINE_FIELDS = ("endpoint", "address", "model_id", "served_model", "system_fingerprint")
REMOTE_NOTE = (
    "a remote engine's weights are not in the vault: milai cannot check that it serves the "
    "model it served then; a match shows only that it gave the same text for this seed"
)


def recorded_run(context: Context, seq: int) -> RunEvent:
    """The completed ``run`` or ``ask`` recorded in audit entry ``seq``. Raises
    ``UsageError``."""
    try:
        event = RunEvent.from_json(context.audit.entry(seq).event)
    except ValueError:
        event = None
    if (
        event is None
        or event.command not in REPLAYABLE
        or not (event.decision and event.decision.completed)
    ):
        raise UsageError(f"audit entry {seq} is not a completed `run` or `ask`")
    return event


def replay_entry(
    context: Context,
    seq: int,
    event: RunEvent,
    prompt: str,
    system: str | None = None,
    *,
    clearance: str | None = None,
) -> dict[str, Any]:
    """Re-run ``event`` (audit entry ``seq``, from ``recorded_run``) with ``prompt`` (the
    composed PROMPT and stdin of then); return what was compared.

    Raises ``UsageError`` when the prompt or system text differs, ``VaultIntegrityError``
    when the model or the policy is no longer the recorded one, ``Blocked`` when the entry
    was run at a clearance above ``clearance`` (yours; default: the settings'): a replay
    neither reads up nor confirms a guess of a prompt above you.
    """
    policy = context.policy()
    if policy.sha256 != event.policy.sha256:
        raise VaultIntegrityError(
            f"the policy in force ({policy.name} {policy.sha256[:12]}…) is not the one "
            f"recorded in entry {seq} ({event.policy.sha256[:12]}…)"
        )
    mine = resolve_clearance(policy, clearance, context.settings)
    if policy.above(event.clearance, mine):
        raise Blocked(
            f"audit entry {seq} was run at clearance {event.clearance}, above your clearance "
            f"{mine}; it is not replayed"
        )
    retrieved = None
    options = LoadOptions(chat_format=event.chat_format)
    if event.retrieved is not None:
        prompt, system, retrieved, options = _ask_prompt(context, seq, event, prompt)
    if context.digest(prompt) != event.prompt_digest:
        raise UsageError(f"the prompt differs from the one recorded in entry {seq}")
    recorded_system = event.system_digest
    if (system is None) != (recorded_system is None) or (
        system is not None and context.digest(system) != recorded_system
    ):
        raise UsageError(f"the --system text differs from the one recorded in entry {seq}")
    asked = (prompt, system, retrieved, options)
    if event.engine is not None:
        return _replay_remote(context, seq, event, policy, asked)
    model = context.vault.model(event.model.name)
    if model.sha256 != event.model.sha256:
        raise VaultIntegrityError(f"model {model.name} is not the one recorded in entry {seq}")
    pipeline = context.pipeline(policy)
    return _compared(context, seq, event, pipeline, Named(model.name, model.sha256), asked)


def _compared(
    context: Context,
    seq: int,
    event: RunEvent,
    pipeline: Pipeline,
    model: Named,
    asked: Asked,
) -> dict[str, Any]:
    """Run ``event``'s turn again on ``model`` through ``pipeline``; what the replay
    reports."""
    prompt, system, retrieved, options = asked
    policy = pipeline.policy
    params = SamplingParams.from_json(event.sampling)
    with pipeline.session(
        model.name,
        clearance=resolve_clearance(policy, event.clearance, context.settings),
        out_level=event.out_level,
        load_options=options,
        command="replay",
        system=system,
    ) as session:
        result = session.turn(prompt, params, lambda _text: None, retrieved=retrieved)
    replayed = context.digest(result.text)
    return {
        "seq": seq,
        "match": replayed == event.output_digest,
        "recorded_digest": event.output_digest,
        "replayed_digest": replayed,
        "model": {"name": model.name, "sha256": model.sha256},
        "policy": {"name": policy.name, "sha256": policy.sha256},
        "seed": params.seed,
    }


class _Keep:
    """An audit sink that passes events on and keeps the last outcome (what the engine
    reported during the replay)."""

    def __init__(self, audit: AuditSink) -> None:
        self._audit = audit
        self.outcome: RunEvent | None = None

    def preflight(self) -> None:
        self._audit.preflight()

    def started(self, event: RunEvent) -> None:
        self._audit.started(event)

    def record(self, event: RunEvent) -> None:
        self.outcome = event
        self._audit.record(event)


def _replay_remote(
    context: Context,
    seq: int,
    event: RunEvent,
    policy: Policy,
    asked: Asked,
) -> dict[str, Any]:
    """Replay a remote run against the engine of the same name. Raises ``ModelError`` when
    the engine is no longer configured or fails."""
    recorded = dict(event.engine or {})
    name = str(recorded.get("name") or event.model.name)
    definition = context.engines.find(name)
    if definition is None:
        raise ModelError(
            f"engine {name}, which answered entry {seq}, is no longer configured",
            hint="a remote run can be replayed only against its engine",
        )
    pipeline = context.pipeline(policy)
    kept = _Keep(pipeline.audit)
    pipeline = dataclasses.replace(pipeline, audit=kept)
    report = _compared(context, seq, event, pipeline, Named(name, ""), asked)
    now = dict(kept.outcome.engine or {}) if kept.outcome is not None else {}
    now.setdefault("endpoint", definition.endpoint)
    now.setdefault("address", definition.address)
    now.setdefault("model_id", definition.model_id)
    return {
        **report,
        "engine": {
            "name": name,
            "recorded": {key: recorded.get(key) for key in ENGINE_FIELDS},
            "replayed": {key: now.get(key) for key in ENGINE_FIELDS},
            "changed": [key for key in ENGINE_FIELDS if recorded.get(key) != now.get(key)],
            "weights_verified": False,
        },
        "note": REMOTE_NOTE,
    }


def _ask_prompt(
    context: Context, seq: int, event: RunEvent, question: str
) -> tuple[str, str, Retrieved, LoadOptions]:
    """The prompt, system text, passages and context of a recorded ``ask``, rebuilt from the
    question and the passages the entry names. Raises ``UsageError``."""
    from milai.corpus import readable_at
    from milai.corpus._prompt import ASK_SYSTEM, build_prompt

    recorded = event.retrieved
    if recorded is None or recorded.context_tokens is None:
        raise UsageError(f"audit entry {seq} does not say which passages it was given")
    if context.digest(question) != recorded.question_digest:
        raise UsageError(f"the question differs from the one recorded in entry {seq}")
    ids = [passage_id for passage_id, _level in recorded.passages]
    policy = context.policy()
    name = str((event.engine or {}).get("name") or event.model.name)
    model_level = context.pipeline(policy).models.model(name).level
    # Read at the levels the ask read at, like ask: a passage raised above them since is
    # as gone as a removed one.
    limit = policy.lower(event.clearance, event.out_level, model_level)
    hits = context.corpus.hits_by_id(ids, recorded.collection, readable_at(policy, limit))
    params = SamplingParams.from_json(event.sampling)
    prompt = build_prompt(
        question,
        context.corpus.sources(hits),
        context_tokens=recorded.context_tokens,
        max_tokens=params.max_tokens,
    )
    retrieved = Retrieved(
        question_digest=recorded.question_digest,
        passages=tuple((source.passage_id, source.level) for source in prompt.sources),
        collection=recorded.collection,
        left_out=recorded.left_out,
        context_tokens=recorded.context_tokens,
        embedder=recorded.embedder,
    )
    options = LoadOptions(chat_format=event.chat_format, context_tokens=recorded.context_tokens)
    return prompt.text, ASK_SYSTEM, retrieved, options
