"""The detection corpus: every sample right, with a per-category report (pytest -s)."""

from __future__ import annotations

import pytest

from tests.policy.corpus_report import Sample, evaluate, load_corpus, report

SAMPLES = load_corpus()


def test_corpus_covers_every_category_and_language() -> None:
    categories = {s.category for s in SAMPLES}
    assert categories == {
        "clean markings",
        "obfuscated markings",
        "false positives",
        "personal data",
        "multi-marking documents",
        "codewords",
        "red-team probes",
    }
    clean = {s.kind for s in SAMPLES if s.category == "clean markings"}
    assert {"en", "fr", "de", "lb", "nl"} <= clean
    techniques = {s.kind for s in SAMPLES if s.category == "obfuscated markings"}
    assert {
        "invisible",
        "bidi",
        "homoglyph",
        "width",
        "spacing",
        "encoded",
        "case",
        "marks",
        "ascii-lookalike",
    } <= techniques


def test_corpus_report_is_perfect() -> None:
    outcomes = evaluate(SAMPLES)
    text = report(outcomes)
    print("\n" + text)
    misses = [o.sample.id for o in outcomes if not o.ok]
    assert misses == [], text


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.id for s in SAMPLES])
def test_sample(sample: Sample) -> None:
    (outcome,) = evaluate([sample])
    assert (outcome.got_decision, outcome.got_level) == (
        outcome.sample.decision,
        outcome.expected_level,
    )
