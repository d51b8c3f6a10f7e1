"""Chat conversations, stored as encrypted records in the vault, each with its level.

A conversation's level is the highest level any of its turns reached; reading one back
(``show``/``export``) is refused above the reader's clearance.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from milai.errors import Blocked, UsageError, VaultIntegrityError

if TYPE_CHECKING:
    from milai.policy import Policy
    from milai.vault import RecordStore

HISTORY_KIND = "history"


@dataclass
class Conversation:
    id: str
    created: str
    model: str
    clearance: str
    level: str
    turns: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def new(cls, *, model: str, clearance: str, level: str) -> Conversation:
        now = datetime.now(UTC)
        conversation_id = f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
        return cls(conversation_id, now.isoformat(timespec="seconds"), model, clearance, level)

    def add_turn(self, prompt: str, reply: str, level: str) -> None:
        self.turns.append({"user": prompt, "assistant": reply, "level": level})

    def save(self, records: RecordStore) -> None:
        records.put(HISTORY_KIND, self.id, json.dumps(asdict(self)).encode("utf-8"))

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created": self.created,
            "model": self.model,
            "level": self.level,
            "turns": len(self.turns),
        }


def load_conversation(records: RecordStore, conversation_id: str) -> Conversation:
    """Raises ``UsageError`` for an unknown id, ``VaultIntegrityError`` for a bad record."""
    raw = records.get(HISTORY_KIND, conversation_id)
    if raw is None:
        raise UsageError(f"no conversation {conversation_id!r}", hint="see `milai history list`")
    try:
        return Conversation(**json.loads(raw))
    except (ValueError, TypeError):
        raise VaultIntegrityError("a history record is corrupted") from None


def list_conversations(records: RecordStore) -> list[Conversation]:
    return sorted(
        (load_conversation(records, record_id) for record_id in records.list(HISTORY_KIND)),
        key=lambda conversation: conversation.created,
    )


def readable(policy: Policy, conversation: Conversation, clearance: str) -> Conversation:
    """Return ``conversation`` if ``clearance`` may read it. Raises ``Blocked`` (no read up)."""
    if policy.above(conversation.level, clearance):
        raise Blocked(
            f"conversation {conversation.id} is {conversation.level}, above your clearance "
            f"{clearance}"
        )
    return conversation


def purge(records: RecordStore, conversation_id: str | None = None) -> int:
    """Delete one conversation, or all when ``conversation_id`` is None; return how many."""
    ids = [conversation_id] if conversation_id else records.list(HISTORY_KIND)
    for record_id in ids:
        if records.get(HISTORY_KIND, record_id) is None:
            raise UsageError(f"no conversation {record_id!r}")
        records.delete(HISTORY_KIND, record_id)
    return len(ids)
