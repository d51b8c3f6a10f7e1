"""Replaying a recorded ``run`` or ``ask``: same model, policy, parameters and seed must give
the same bytes. Texts are never recorded, only their keyed digests, so the caller supplies the
prompt (and system text) again; their digests must match the record. For ``ask`` the caller
gives the question: the prompt is rebuilt from the recorded passages, which must still be in
the corpus, and its digest must match too.
"""

from __future__ import annotations

from typing import Any

from milai.context import Context
from milai.engine import LoadOptions, SamplingParams
from milai.errors import UsageError, VaultIntegrityError
from milai.events import Retrieved, RunEvent
from milai.settings import resolve_clearance

REPLAYABLE = ("run", "ask")


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
    context: Context, seq: int, event: RunEvent, prompt: str, system: str | None = None
) -> dict[str, Any]:
    """Re-run ``event`` (audit entry ``seq``, from ``recorded_run``) with ``prompt`` (the
    composed PROMPT and stdin of then); return what was compared.

    Raises ``UsageError`` when the prompt or system text differs, ``VaultIntegrityError``
    when the model or the policy is no longer the recorded one.
    """
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
    policy = context.policy()
    if policy.sha256 != event.policy.sha256:
        raise VaultIntegrityError(
            f"the policy in force ({policy.name} {policy.sha256[:12]}…) is not the one "
            f"recorded in entry {seq} ({event.policy.sha256[:12]}…)"
        )
    model = context.vault.model(event.model.name)
    if model.sha256 != event.model.sha256:
        raise VaultIntegrityError(f"model {model.name} is not the one recorded in entry {seq}")
    params = SamplingParams.from_json(event.sampling)
    clearance = resolve_clearance(policy, event.clearance, context.settings)
    with context.pipeline(policy).session(
        model.name,
        clearance=clearance,
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


def _ask_prompt(
    context: Context, seq: int, event: RunEvent, question: str
) -> tuple[str, str, Retrieved, LoadOptions]:
    """The prompt, system text, passages and context of a recorded ``ask``, rebuilt from the
    question and the passages the entry names. Raises ``UsageError``."""
    from milai.corpus._prompt import ASK_SYSTEM, build_prompt

    recorded = event.retrieved
    if recorded is None or recorded.context_tokens is None:
        raise UsageError(f"audit entry {seq} does not say which passages it was given")
    if context.digest(question) != recorded.question_digest:
        raise UsageError(f"the question differs from the one recorded in entry {seq}")
    ids = [passage_id for passage_id, _level in recorded.passages]
    hits = context.corpus.hits_by_id(ids, recorded.collection)
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
    )
    options = LoadOptions(chat_format=event.chat_format, context_tokens=recorded.context_tokens)
    return prompt.text, ASK_SYSTEM, retrieved, options
