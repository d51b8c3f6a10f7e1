"""Administrator settings, kept as one encrypted record in the vault.

Precedence, in one place (``resolve_clearance``): the command-line flag, else the configured
default, else the policy's lowest level; never above the configured ceiling.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from milai.config import default_policy_path
from milai.errors import UsageError, VaultIntegrityError

if TYPE_CHECKING:
    from milai.policy import Policy
    from milai.vault import RecordStore

SETTINGS_KIND = "settings"
SETTINGS_ID = "main"


@dataclass(frozen=True)
class Settings:
    default_model: str | None = None
    clearance: str | None = None
    ceiling: str | None = None
    policy: str | None = None
    policy_sha256: str | None = None

    @classmethod
    def load(cls, records: RecordStore) -> Settings:
        """Read the settings record. Raises ``VaultIntegrityError`` if it is not valid JSON."""
        raw = records.get(SETTINGS_KIND, SETTINGS_ID)
        if raw is None:
            return cls()
        try:
            data: dict[str, Any] = json.loads(raw)
        except ValueError:
            raise VaultIntegrityError("the settings record is corrupted") from None
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def save(self, records: RecordStore) -> None:
        records.put(SETTINGS_KIND, SETTINGS_ID, json.dumps(asdict(self)).encode())

    def policy_path(self) -> Path:
        return Path(self.policy) if self.policy else default_policy_path()


def resolve_clearance(policy: Policy, requested: str | None, settings: Settings) -> str:
    """The clearance a command runs at. Raises ``UsageError`` for an unknown level or one
    above the administrator's ceiling."""
    clearance = policy.canonical_level(requested or settings.clearance or policy.lowest)
    if settings.ceiling is not None and policy.above(clearance, settings.ceiling):
        raise UsageError(
            f"clearance {clearance} is above the ceiling {settings.ceiling} "
            "set by the administrator"
        )
    return clearance


def resolve_out_level(policy: Policy, clearance: str, requested: str | None) -> str:
    """The highest level output may carry here: ``--out-level``, else the clearance.

    Raises ``UsageError`` above the clearance: a sink may be lower, never higher (no read up
    through the back door of stdout).
    """
    out_level = policy.canonical_level(requested) if requested else clearance
    if policy.above(out_level, clearance):
        raise UsageError(f"--out-level {out_level} is above your clearance {clearance}")
    return out_level


def check_levels(policy: Policy, settings: Settings) -> Settings:
    """Validate the levels in ``settings`` against ``policy``; return them canonical.

    Raises ``UsageError`` for an unknown level or a default clearance above the ceiling.
    """
    clearance = policy.canonical_level(settings.clearance) if settings.clearance else None
    ceiling = policy.canonical_level(settings.ceiling) if settings.ceiling else None
    if clearance and ceiling and policy.above(clearance, ceiling):
        raise UsageError(f"the default clearance {clearance} is above the ceiling {ceiling}")
    return replace(settings, clearance=clearance, ceiling=ceiling)
