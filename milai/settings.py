"""Administrator settings, kept as one encrypted record in the vault.

Precedence, in one place each: the command-line flag, else the configured default, else the
built-in one. For the clearance (``resolve_clearance``) the built-in default is the policy's
lowest level, and nothing goes above the configured ceiling; for the sampling and loading
defaults (``Sampling.over``) it is the engine's.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from milai.config import MIN_CONTEXT_TOKENS, default_policy_path
from milai.errors import UsageError, VaultIntegrityError

if TYPE_CHECKING:
    from milai.policy import Policy
    from milai.vault import RecordStore

SETTINGS_KIND = "settings"
SETTINGS_ID = "main"


class _Bound(NamedTuple):
    """The values one sampling or loading setting may take, and how to say so."""

    kind: type[int] | type[float]
    low: float
    high: float
    low_open: bool  # ``low`` itself is refused
    words: str


_BOUNDS: dict[str, _Bound] = {
    "temperature": _Bound(float, 0.0, 5.0, False, "between 0 and 5"),
    "top_p": _Bound(float, 0.0, 1.0, True, "above 0 and at most 1"),
    "top_k": _Bound(int, 0, 1 << 20, False, "0 (no limit) or more (at most 1048576)"),
    "repeat_penalty": _Bound(float, 0.0, 10.0, True, "above 0 and at most 10"),
    "ctx": _Bound(int, MIN_CONTEXT_TOKENS, 1 << 20, False, "at least 512 tokens (at most 1048576)"),
    "threads": _Bound(int, 1, 1024, False, "at least 1 (at most 1024)"),
}
# The names an administrator types (``milai settings set top-p 0.9``), as the flags spell them.
SAMPLING_SETTINGS = {name.replace("_", "-"): name for name in _BOUNDS}


def check_sampling(key: str, value: float, name: str) -> None:
    """Refuse a sampling or loading value out of its bounds; ``name`` is how the message
    calls it (``--top-p`` for a flag, ``top-p`` for a setting). Raises ``UsageError``."""
    bound = _BOUNDS[key]
    inside = bound.low < value if bound.low_open else bound.low <= value
    if not (math.isfinite(value) and inside and value <= bound.high):
        raise UsageError(f"{name} must be {bound.words}")


def parse_sampling_setting(key: str, raw: str) -> tuple[str, float | int | None]:
    """``(field, value)`` for ``milai settings set KEY RAW``: ``none`` unsets (the built-in
    default again). Returns ``("", None)`` when KEY is not a sampling or loading setting.

    Raises ``UsageError`` for a value that is not a number of the right kind or is out of
    bounds.
    """
    known = SAMPLING_SETTINGS.get(key) or (key if key in _BOUNDS else "")
    if not known or raw.strip().lower() == "none":
        return known, None
    name = known.replace("_", "-")
    bound = _BOUNDS[known]
    try:
        value: float | int = bound.kind(raw.strip())
    except ValueError:
        kind = "a whole number" if bound.kind is int else "a number"
        raise UsageError(f"{name} must be {kind}, not {raw!r}") from None
    check_sampling(known, value, name)
    return known, value


@dataclass(frozen=True)
class Sampling:
    """Sampling and loading choices that may each be left open (None): flags, or the
    administrator's defaults."""

    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    repeat_penalty: float | None = None
    ctx: int | None = None
    threads: int | None = None

    def check(self, prefix: str = "--") -> Sampling:
        """Refuse any value out of bounds, naming it ``prefix`` + its flag name; return self.

        Raises ``UsageError``.
        """
        for key in _BOUNDS:
            value = getattr(self, key)
            if value is not None:
                check_sampling(key, value, prefix + key.replace("_", "-"))
        return self

    def over(self, settings: Settings) -> Sampling:
        """Each choice made here, else the administrator's default (still None: the
        built-in default). Raises ``UsageError`` for a stored default out of bounds."""
        stored = settings.sampling.check("the setting ")
        return Sampling(
            **{
                f: getattr(self, f) if getattr(self, f) is not None else getattr(stored, f)
                for f in _BOUNDS
            }
        )


@dataclass(frozen=True)
class Settings:
    default_model: str | None = None
    clearance: str | None = None
    ceiling: str | None = None
    policy: str | None = None
    policy_sha256: str | None = None
    # Sampling and loading defaults for run, chat and batch (a flag wins).
    sampling: Sampling = field(default_factory=Sampling)

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
        values = {k: v for k, v in data.items() if k in known}
        sampling = values.pop("sampling", None) or {}
        if not isinstance(sampling, dict):
            raise VaultIntegrityError("the settings record is corrupted")
        known_sampling = {k: v for k, v in sampling.items() if k in _BOUNDS}
        return cls(**values, sampling=Sampling(**known_sampling))

    def changed(self, **changes: object) -> Settings:
        """These settings with ``changes`` (field name → new value; a sampling or loading
        default by its own name: ``top_p``…)."""
        sampling: dict[str, Any] = {k: changes.pop(k) for k in list(changes) if k in _BOUNDS}
        fresh = Sampling(**{**asdict(self.sampling), **sampling})
        return Settings(**{**asdict(self), **changes, "sampling": fresh})

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
