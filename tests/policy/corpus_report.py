"""The detection corpus: per-category accuracy of the shipped policies on named samples,
per-family accuracy of the evasion generators, and the everyday corpus.

The corpus (tests/fixtures/policy/corpus/*.yaml) holds clean markings in every scheme and
language, obfuscated markings of every kind, false positives that must stay UNCLASSIFIED,
personal data, codewords and multi-marking documents. A sample is right when the policy's
decision and level are exactly the expected ones.

The generators (tests/policy/families.py) write every marking of every shipped policy in
every evasion family, and in pairs of families; a text is caught when the gate reads it at
least at the marking's level. The everyday corpus (tests/fixtures/policy/everyday/) must
never be raised: read above the lowest level, or blocked.

Run from the repository root:  python -m tests.policy.corpus_report  (exit 1 on any miss
outside the documented known misses, or any raised everyday text)
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from milai.policy import check_text, load_policy
from tests.levels import reads_at_least
from tests.policy.families import shipped_policy

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
    outcomes = []
    for sample in samples:
        policy = shipped_policy(sample.policy)  # loaded once (setdefault loaded it every time)
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


@dataclass
class Tally:
    tried: int = 0
    caught: int = 0

    @property
    def missed(self) -> int:
        return self.tried - self.caught


def family_tallies(
    seed: int = 0, per_pair: int | None = 3
) -> tuple[dict[str, Tally], dict[str, Tally], Tally, list[str]]:
    """Per family: single texts (every marking) and the pairs it is in (``per_pair``
    markings each, or every marking with None); nested encodings; every unexpected miss."""
    from tests.policy.families import (
        FAMILIES,
        known_miss,
        nested_cases,
        pair_cases,
        singles,
    )

    def caught(case: Any) -> bool:
        policy = shipped_policy(case.target.policy)
        return reads_at_least(policy, case.text, case.target.level)

    single = {f.name: Tally() for f in FAMILIES}
    paired = {f.name: Tally() for f in FAMILIES}
    nested = Tally()
    unexpected: list[str] = []
    groups = (
        (singles(seed), single),
        (pair_cases(seed, per_pair=per_pair), paired),
        (nested_cases(seed), None),
    )
    for cases, table in groups:
        for case in cases:
            ok = caught(case)
            tallies = [nested] if table is None else [table[n] for n in set(case.families)]
            for tally in tallies:
                tally.tried += 1
                tally.caught += ok
            if not ok and known_miss(case.families) is None:
                unexpected.append(f"{case.id}: {case.text[:120]!r}")
    return single, paired, nested, unexpected


EVERYDAY_DIR = ROOT / "tests" / "fixtures" / "policy" / "everyday"


def everyday_documents() -> list[tuple[str, str]]:
    """(id, text) of every everyday document: one file per language, split at ``%%``."""
    documents = []
    for path in sorted(EVERYDAY_DIR.glob("*.txt")):
        parts = path.read_text(encoding="utf-8").split("\n%%\n")
        documents += [(f"{path.stem}/{n + 1}", part) for n, part in enumerate(parts)]
    return documents


def everyday_raised() -> tuple[int, list[str]]:
    """How many (document, policy) checks there were, and each one raised."""
    raised = []
    checks = 0
    for path in sorted(POLICY_DIR.glob("*.yaml")):
        policy = load_policy(path)
        for doc_id, text in everyday_documents():
            checks += 1
            decision = check_text(policy, text)
            if decision.level != policy.lowest or decision.action == "block":
                rules = ", ".join(sorted({f.rule for f in decision.findings}))
                raised.append(
                    f"{doc_id} [{path.name}]: {decision.action} {decision.level} ({rules})"
                )
    return checks, raised


def family_report(
    single: dict[str, Tally], paired: dict[str, Tally], nested: Tally, unexpected: list[str]
) -> str:
    from tests.policy.families import BY_NAME, KNOWN_MISSES

    lines = ["evasion families: every marking of every shipped policy", ""]
    header = f"{'family':<22} {'group':<17} {'tried':>6} {'caught':>6} {'missed':>6}"
    lines.append(header + f"  {'in pairs':>8} {'caught':>6} {'missed':>6}")
    for name, tally in single.items():
        pair = paired[name]
        group = BY_NAME[name].group
        lines.append(
            f"{name:<22} {group:<17} {tally.tried:>6} {tally.caught:>6} {tally.missed:>6}"
            f"  {pair.tried:>8} {pair.caught:>6} {pair.missed:>6}"
        )
    lines.append(
        f"{'nested encodings':<40} {nested.tried:>6} {nested.caught:>6} {nested.missed:>6}"
    )
    if KNOWN_MISSES:
        lines += ["", "known misses (documented, README 'What the gate catches'):"]
        by_reason: dict[str, list[str]] = {}
        for name, why in KNOWN_MISSES.items():
            by_reason.setdefault(why, []).append(name)
        for why, names in by_reason.items():
            lines += [f"  {', '.join(names)}:", f"    {why}"]
    if unexpected:
        lines += ["", f"unexpected misses ({len(unexpected)}):"]
        lines += [f"  {miss}" for miss in unexpected[:50]]
    return "\n".join(lines)


def main() -> int:
    outcomes = evaluate(load_corpus())
    print(report(outcomes))
    single, paired, nested, unexpected = family_tallies()
    print()
    print(family_report(single, paired, nested, unexpected))
    checks, raised = everyday_raised()
    print()
    print(f"everyday corpus (en/fr/de/lb/nl): {checks} checks, {len(raised)} raised")
    for line in raised:
        print(f"  {line}")
    return 0 if all(o.ok for o in outcomes) and not unexpected and not raised else 1


if __name__ == "__main__":
    sys.exit(main())
