"""Everyday text in en/fr/de/lb/nl stays UNCLASSIFIED and unblocked under every shipped
policy (tests/fixtures/policy/everyday/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from milai.policy import Action, check_text, load_policy
from tests.policy.corpus_report import EVERYDAY_DIR, everyday_documents

POLICIES = sorted((Path(__file__).resolve().parents[2] / "policies").glob("*.yaml"))
DOCUMENTS = everyday_documents()


def test_corpus_covers_the_languages_and_the_families_of_everyday_text() -> None:
    languages = {doc_id.split("/")[0] for doc_id, _ in DOCUMENTS}
    assert languages == {"en", "fr", "de", "lb", "nl"}
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in EVERYDAY_DIR.glob("*.txt"))
    assert lines >= 300
    text = "\n".join(body for _, body in DOCUMENTS)
    for needle in (
        "(C) Crown copyright",
        "(S)-ibuprofen",
        "(S) (M) (L)",
        "(NC)",
        "This e-mail is intended only for",
        "Vertrouwelijk\n",
        "Vertraulich\n",
        "Confidential\n",
        "Secretary",
        "Geheimdienst",
        "restricted area",
        "keying material",
        "top secret",
    ):
        assert needle in text, needle


@pytest.mark.parametrize("policy_path", POLICIES, ids=[p.name for p in POLICIES])
def test_everyday_text_is_not_raised(policy_path: Path) -> None:
    policy = load_policy(policy_path)
    raised = []
    for doc_id, text in DOCUMENTS:
        decision = check_text(policy, text)
        if decision.level != policy.lowest or decision.action == Action.BLOCK:
            rules = sorted({f.rule for f in decision.findings})
            raised.append(f"{doc_id}: {decision.action} {decision.level} {rules}")
    assert not raised, "\n".join(raised)
