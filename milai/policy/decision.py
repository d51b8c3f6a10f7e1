"""What the gate decides: actions, findings, decisions, and the results of policy tests."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Action(StrEnum):
    """What a rule does with a finding, from least to most severe."""

    ALLOW = "allow"
    WARN = "warn"
    REDACT = "redact"
    BLOCK = "block"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {Action.ALLOW: 0, Action.WARN: 1, Action.REDACT: 2, Action.BLOCK: 3}


def most_severe(actions: list[Action]) -> Action:
    """The most severe of ``actions`` (``ALLOW`` when there are none)."""
    return max(actions, key=_SEVERITY.__getitem__, default=Action.ALLOW)


@dataclass(frozen=True)
class Finding:
    """One thing the policy found: which rule, what kind, its level, and where.

    ``start``/``end`` are character offsets into the original text (not the normalised
    view), so a reader can highlight exactly what triggered the rule.
    """

    rule: str
    kind: str
    level: str
    action: Action
    start: int
    end: int
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "kind": self.kind,
            "level": self.level,
            "action": str(self.action),
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class PolicyInfo:
    """Which policy decided: reported with every decision and in the audit log."""

    name: str
    version: str
    sha256: str


@dataclass(frozen=True)
class Decision:
    """The policy's verdict on one text: action, level (high-water mark) and why."""

    action: Action
    level: str
    findings: tuple[Finding, ...]
    policy: PolicyInfo

    def to_json(self) -> dict[str, Any]:
        return {
            "decision": str(self.action),
            "level": self.level,
            "findings": [finding.to_json() for finding in self.findings],
            "policy": {
                "name": self.policy.name,
                "version": self.policy.version,
                "sha256": self.policy.sha256,
            },
        }


@dataclass(frozen=True)
class TestResult:
    """One embedded policy test: what was expected and what the policy decided."""

    __test__ = False  # not a pytest test class

    name: str
    text: str
    direction: str
    expected_decision: Action
    expected_level: str
    got_decision: Action
    got_level: str

    @property
    def passed(self) -> bool:
        return (self.expected_decision, self.expected_level) == (
            self.got_decision,
            self.got_level,
        )
