"""Replaying a recorded ``run``: same model, policy, parameters and seed must give the same
bytes. Texts are never recorded, only their keyed digests, so the caller supplies the prompt
(and system text) again; their digests must match the record.
"""

from __future__ import annotations

from typing import Any

from milai.context import Context
from milai.engine import LoadOptions, SamplingParams
from milai.errors import UsageError, VaultIntegrityError
from milai.events import RunEvent
from milai.settings import resolve_clearance


def recorded_run(context: Context, seq: int) -> RunEvent:
    """The completed ``run`` recorded in audit entry ``seq``. Raises ``UsageError``."""
    try:
        event = RunEvent.from_json(context.audit.entry(seq).event)
    except ValueError:
        event = None
    if event is None or event.command != "run" or not (event.decision and event.decision.completed):
        raise UsageError(f"audit entry {seq} is not a completed `run`")
    return event


def replay_entry(
    context: Context, seq: int, event: RunEvent, prompt: str, system: str | None = None
) -> dict[str, Any]:
    """Re-run ``event`` (audit entry ``seq``, from ``recorded_run``) with ``prompt`` (the
    composed PROMPT and stdin of then); return what was compared.

    Raises ``UsageError`` when the prompt or system text differs, ``VaultIntegrityError``
    when the model or the policy is no longer the recorded one.
    """
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
        load_options=LoadOptions(chat_format=event.chat_format),
        command="replay",
        system=system,
    ) as session:
        result = session.turn(prompt, params, lambda _text: None)
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
