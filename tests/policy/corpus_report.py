"""The detection corpus: per-category accuracy of the shipped policies on named samples.

The corpus (tests/fixtures/policy/corpus/*.yaml) holds clean markings in every scheme and
language, obfuscated markings of every kind, false positives that must stay UNCLASSIFIED,
personal data, codewords and multi-marking documents. A sample is right when the policy's
decision and level are exactly the expected ones.

Run from the repository root:  python -m tests.policy.corpus_report  (exit 1 on any miss)
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from milai.policy import Policy, check_text, load_policy

ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIR = ROOT / "tests" / "fixtures" / "policy" / "corpus"
POLICY_DIR = ROOT / "policies"


@dataclass(frozen=True)
class Sample:
    category: str
    id: str
    text: str
    policy: str
    level: str | None  # None: the policy's lowest level
    decision: str
    direction: Literal["prompt", "output"]
    kind: str  # the evasion technique, or the language


@dataclass(frozen=True)
class Outcome:
    sample: Sample
    expected_level: str
    got_level: str
    got_decision: str

    @property
    def ok(self) -> bool:
        return (self.got_level, self.got_decision) == (self.expected_level, self.sample.decision)


def load_corpus() -> list[Sample]:
    samples: list[Sample] = []
    for path in sorted(CORPUS_DIR.glob("*.yaml")):
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        policy = data.get("policy", "default.yaml")
        for item in data["samples"]:
            samples.append(
                Sample(
                    category=data["category"],
                    id=f"{path.stem}/{item['id']}",
                    text=item["text"],
                    policy=policy,
                    level=item.get("level"),
                    decision=item.get("decision", "allow"),
                    direction=item.get("direction", "prompt"),
                    kind=item.get("kind") or item.get("lang", ""),
                )
            )
    return samples


def evaluate(samples: list[Sample]) -> list[Outcome]:
    policies: dict[str, Policy] = {}
    outcomes = []
    for sample in samples:
        policy = policies.setdefault(sample.policy, load_policy(POLICY_DIR / sample.policy))
        decision = check_text(policy, sample.text, direction=sample.direction)
        outcomes.append(
            Outcome(sample, sample.level or policy.lowest, decision.level, str(decision.action))
        )
    return outcomes


def report(outcomes: list[Outcome]) -> str:
    """A table of accuracy per category (and per technique or language), then every miss."""
    lines = ["policy corpus: accuracy per category", ""]
    lines.append(f"{'category':<28} {'samples':>7} {'right':>6} {'accuracy':>9}")
    categories: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        categories.setdefault(outcome.sample.category, []).append(outcome)
    for name, group in categories.items():
        right = sum(o.ok for o in group)
        lines.append(f"{name:<28} {len(group):>7} {right:>6} {right / len(group):>9.1%}")
        kinds: dict[str, list[Outcome]] = {}
        for outcome in group:
            kinds.setdefault(outcome.sample.kind or "-", []).append(outcome)
        if len(kinds) > 1:
            for kind, members in sorted(kinds.items()):
                good = sum(o.ok for o in members)
                share = good / len(members)
                lines.append(f"  {kind:<26} {len(members):>7} {good:>6} {share:>9.1%}")
    total = len(outcomes)
    right = sum(o.ok for o in outcomes)
    lines.append(f"{'all':<28} {total:>7} {right:>6} {right / max(total, 1):>9.1%}")
    misses = [o for o in outcomes if not o.ok]
    if misses:
        lines += ["", "misses:"]
        lines += [
            f"  {o.sample.id}: expected {o.sample.decision} {o.expected_level}, "
            f"got {o.got_decision} {o.got_level}"
            for o in misses
        ]
    return "\n".join(lines)


def main() -> int:
    outcomes = evaluate(load_corpus())
    print(report(outcomes))
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
