"""Replaying a recorded ``run``: same model, policy, parameters and seed must give the same
bytes. The prompt is never recorded, so the caller supplies it again; its sha256 must match.
"""

from __future__ import annotations

from typing import Any

from milai.context import Context
from milai.engine import SamplingParams
from milai.errors import UsageError, VaultIntegrityError
from milai.pipeline import compose_prompt, sha256_text


def replay_entry(
    context: Context, seq: int, instruction: str | None, material: str | None
) -> dict[str, Any]:
    """Re-run audit entry ``seq``; return what was compared.

    Raises ``UsageError`` when the entry is not a completed ``run`` or the prompt differs,
    ``VaultIntegrityError`` when the model or the policy is no longer the recorded one.
    """
    event = context.audit.entry(seq).event
    if event.get("command") != "run" or "output_sha256" not in event:
        raise UsageError(f"audit entry {seq} is not a completed `run`")
    prompt = compose_prompt(instruction, material)
    if sha256_text(prompt) != event["prompt_sha256"]:
        raise UsageError(f"the prompt differs from the one recorded in entry {seq}")
    policy = context.policy()
    if policy.sha256 != event["policy"]["sha256"]:
        raise VaultIntegrityError(
            f"the policy in force ({policy.name} {policy.sha256[:12]}…) is not the one "
            f"recorded in entry {seq} ({event['policy']['sha256'][:12]}…)"
        )
    model = context.vault.model(event["model"]["name"])
    if model.sha256 != event["model"]["sha256"]:
        raise VaultIntegrityError(f"model {model.name} is not the one recorded in entry {seq}")
    sampling = event["sampling"]
    params = SamplingParams(
        max_tokens=sampling["max_tokens"],
        temperature=sampling["temperature"],
        seed=sampling["seed"],
        top_p=sampling["top_p"],
        top_k=sampling["top_k"],
    )
    pipeline = context.pipeline(policy)
    with pipeline.session(
        model.name,
        clearance=event["clearance"],
        out_level=event.get("out_level"),
        command="replay",
    ) as session:
        result = session.turn(prompt, params, lambda _text: None)
    output_sha256 = sha256_text(result.text)
    return {
        "seq": seq,
        "match": output_sha256 == event["output_sha256"],
        "recorded_sha256": event["output_sha256"],
        "replayed_sha256": output_sha256,
        "model": {"name": model.name, "sha256": model.sha256},
        "policy": {"name": policy.name, "sha256": policy.sha256},
        "seed": params.seed,
    }
