"""Generator tests: every evasion family, and pairs of them, on every marking of every
shipped policy; the gate must read each text at least at the marking's level.

The suite runs every family on every marking, each composable pair on one marking drawn at
random (seeded: MILAI_GATE_SEED, default 0), and nested encodings; README's fast line draws a
sample of those (2 markings a family on average, among them one of each policy and kind,
banner or portion, it applies to: ``Target.kind``, and each scheme under some family:
``Target.scheme``; a sixty-fourth of the pairs, among them each family and each scheme;
``MILAI_TESTS=thorough``, as CI sets it, runs them all: tests/scale.py). The exhaustive
run (every pair on every marking) is opt-in: ``pytest -m exhaustive tests/policy``.
"""

from __future__ import annotations

import os
from collections import defaultdict
from functools import cache

import pytest

from milai.policy import load_policy
from tests.levels import reads_at_least
from tests.policy.corpus_report import everyday_documents
from tests.policy.families import (
    BY_NAME,
    FAMILIES,
    KNOWN_MISSES,
    POLICY_DIR,
    Case,
    known_miss,
    nested_cases,
    pair_cases,
    pairs,
    pairs_with,
    shipped_policy,
    singles,
    targets,
)
from tests.scale import sample

# Under -n, one worker runs this module (pyproject.toml: --dist loadgroup):
# the generated cases are built once, not once a worker.
pytestmark = pytest.mark.xdist_group("families")

SEED = int(os.environ.get("MILAI_GATE_SEED", "0"))


@cache
def _singles() -> list[Case]:
    """Built once per process (0.7 s a time): a list the tests only read."""
    return singles(SEED)


def _caught(case: Case) -> bool:
    policy = shipped_policy(case.target.policy)
    return reads_at_least(policy, case.text, case.target.level)


def _misses(cases: list[Case]) -> list[str]:
    return [
        f"{case.id}: {case.text[:160]!r}"
        for case in cases
        if not known_miss(case.families) and not _caught(case)
    ]


def test_targets_are_every_marking_of_every_shipped_policy() -> None:
    found = {(t.policy, t.text, t.portion) for t in targets()}
    for path in sorted(POLICY_DIR.glob("*.yaml")):
        policy = load_policy(path)
        for marking in policy.spec.markings:
            if marking.level != policy.lowest:
                assert (path.name, marking.text, marking.portion) in found


def test_every_family_applies_to_some_marking() -> None:
    for family in FAMILIES:
        assert any(family.applies(t) for t in targets()), family.name


def test_every_family_changes_the_banner() -> None:
    """A family whose texts hold the plain banner line tests nothing new."""
    cases = _singles()
    for family in FAMILIES:
        if family.name in ("banner-line",) or family.group == "portion marks":
            continue
        texts = [c for c in cases if c.families == (family.name,)]
        plain = [c for c in texts if c.target.text in c.text.split("\n")]
        assert not plain, f"{family.name}: {plain[0].text!r}"


FAST_SINGLES = 2  # a family's markings in the fast line, on average (the cover may add)


@cache
def _sampled_singles() -> dict[tuple[str, ...], list[Case]]:
    """Every single case in CI (tests/scale.py); the fast line's sample holds each family on
    a marking of each policy and kind (banner, portion) it applies to (``Target.kind``), each
    scheme (``Target.scheme``) under some family, and ``FAST_SINGLES`` a family in all."""
    found: dict[tuple[str, ...], list[Case]] = defaultdict(list)
    for case in _fast_sample(_singles(), f"{SEED}:singles"):
        found[case.families].append(case)
    return found


def _fast_sample(cases: list[Case], seed: str) -> list[Case]:
    return sample(
        cases,
        FAST_SINGLES * len(FAMILIES),
        seed=seed,
        cover=lambda c: [f"{c.families[0]}|{c.target.kind}", c.target.scheme],
    )


@pytest.mark.parametrize("family", [f.name for f in FAMILIES])
def test_family_on_every_marking(family: str) -> None:
    assert [c for c in _singles() if c.families == (family,)]
    cases = _sampled_singles()[(family,)]
    misses = _misses(cases)
    assert not misses, f"{len(misses)}/{len(cases)} missed:\n" + "\n".join(misses[:20])


@cache
def _pairs_on_one_marking() -> list[Case]:
    """Each composable pair on one marking drawn at random: built once per process."""
    return pair_cases(SEED, per_pair=1)


def test_pairs_of_families_on_a_sampled_marking() -> None:
    cases = _pairs_on_one_marking()
    assert len(cases) >= len(pairs()) // 2
    # every pair in CI; the fast line's 64th holds each family and each scheme at least once
    cases = sample(
        cases,
        len(cases) // 64 or 1,
        seed=f"{SEED}:pairs",
        cover=lambda c: [*c.families, c.target.scheme],
    )
    misses = _misses(cases)
    assert not misses, f"{len(misses)}/{len(cases)} missed:\n" + "\n".join(misses[:30])


@pytest.mark.parametrize("seed", [SEED, 1, 2])
def test_leetspeak_then_rot13_on_every_marking(seed: int) -> None:
    """A marking in leetspeak, then rot13 (``HAP1@5FVS1RQ``): rot13 leaves the digits and
    symbols, so a unit spelt half in leetspeak (``5s``) is read half turned (``5f``); the
    exhaustive pair run found a CUI missed so."""
    cases = pair_cases(seed, per_pair=None, only={("leetspeak", "rot13")})
    assert cases
    misses = _misses(cases)
    assert not misses, f"{len(misses)}/{len(cases)} missed:\n" + "\n".join(misses[:20])


def test_nested_encodings() -> None:
    cases = nested_cases(SEED, depth=3)
    misses = _misses(cases)
    assert not misses, f"{len(misses)}/{len(cases)} missed:\n" + "\n".join(misses[:20])


def test_known_misses_still_miss() -> None:
    """A known miss that the gate now catches must leave KNOWN_MISSES (and the README).
    Each is checked in CI (tests/scale.py); the fast line checks a seeded eighth of them,
    among them a family alone and a pair."""
    for names in KNOWN_MISSES:
        assert all(name in BY_NAME for name in names.split("+")), names
    checked = sample(
        list(KNOWN_MISSES),
        len(KNOWN_MISSES) // 8 or 1,
        seed=f"{SEED}:known misses",
        cover=lambda names: ["pair" if "+" in names else "single"],
    )
    wanted = {tuple(names.split("+")) for names in checked}
    only = {(a, b) for key in wanted if len(key) == 2 for a, b in (key, key[::-1])}
    by_families: dict[tuple[str, ...], list[Case]] = defaultdict(list)
    # pairs under three seeds: a miss of a few markings in one of a family's forms
    # (word-items+odd-case) is drawn or not as the seeded choices fall, and a new marking
    # in a shipped policy moves every later choice
    seeded = [case for seed in (SEED, SEED + 1, SEED + 2) for case in pair_cases(seed, None, only)]
    for case in _singles() + seeded:
        by_families[case.families].append(case)
    for names in checked:
        key = tuple(names.split("+"))
        cases = by_families.get(key) or by_families.get(key[::-1], [])
        assert cases, f"{names}: no generated case"
        if all(_caught(c) for c in cases) and len(key) == 2:
            # A pair's texts draw from one generator over every marking: a marking added
            # to a shipped policy shifts the draws of the others. A known miss holds when
            # more seeds' texts of the pair show it (a miss of one cut in one marking in 85
            # shows under one seed in ten or so: string-joins+overstrike).
            pair = {key, key[::-1]}
            cases = [c for seed in range(SEED + 1, SEED + 13) for c in pair_cases(seed, None, pair)]
        assert not all(_caught(c) for c in cases), f"{names} is caught now: remove it"


@pytest.mark.exhaustive
def test_every_pair_on_every_marking() -> None:
    """Every pair, or with MILAI_PAIRS_WITH=a,b the pairs that hold family a or b (on several
    processes: ``python -m tests.policy.pair_run a b --jobs 2``)."""
    wanted = os.environ.get("MILAI_PAIRS_WITH", "")
    names = {name for name in wanted.split(",") if name}
    assert all(name in BY_NAME for name in names), wanted
    cases = pair_cases(SEED, per_pair=None, only=pairs_with(names) if names else None)
    misses = _misses(cases)
    assert not misses, f"{len(misses)}/{len(cases)} missed:\n" + "\n".join(misses[:40])


def test_the_fast_samples_hold_each_family_and_each_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the fast line's samples above (and the word elements') hold (tests/scale.py),
    whatever the seed."""
    from tests import scale

    monkeypatch.setattr(scale, "THOROUGH", False)
    monkeypatch.setattr(scale, "SEED", "fast-sample-check")
    cases = _singles()
    chosen = _fast_sample(cases, "singles")
    assert len(chosen) < len(cases) // 2
    for family in FAMILIES:
        mine = [c for c in cases if c.families == (family.name,)]
        drawn = [c for c in chosen if c.families == (family.name,)]
        assert {c.target.kind for c in drawn} == {c.target.kind for c in mine}, family.name
    assert {c.target.scheme for c in chosen} == {t.scheme for t in targets()}
    pair = _pairs_on_one_marking()
    chosen = sample(
        pair, len(pair) // 64, seed="pairs", cover=lambda c: [*c.families, c.target.scheme]
    )
    assert {name for c in chosen for name in c.families} == {n for c in pair for n in c.families}
    assert {c.target.scheme for c in chosen} == {t.scheme for t in targets()}
    # the word-element documents (test_policy_word_elements.py): each language in every
    # writer's documents and sentences, each writer and scheme among the banner lines
    from tests.policy import test_policy_word_elements as elements

    documents = everyday_documents()
    languages = {doc_id.partition("/")[0] for doc_id, _ in documents}
    for writer in elements.WRITERS:
        written = elements._documents(writer)
        assert len(written) < len(documents) // 4
        assert {doc_id.partition("/")[0] for doc_id, _ in written} == languages
        spoken = {language for language, _ in elements._sentences(writer)}
        assert spoken == {language for language, _ in elements.SENTENCES}
    lines = elements._banner_cases("word-element-banners")
    assert {writer for _, writer in lines} == set(elements.WRITERS)
    assert {t.scheme for t, _ in lines} == {t.scheme for t in targets() if not t.portion}
