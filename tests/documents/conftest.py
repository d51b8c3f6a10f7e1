"""The shipped default policy, for tests that check the level a document reads at."""

from __future__ import annotations

import pytest

from milai.config import default_policy_path
from milai.documents import Document
from milai.policy import Policy, check_text, load_policy


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy(default_policy_path())


def level_and_parts(policy: Policy, document: Document) -> tuple[str, set[str]]:
    """The level the gate reads ``document`` at, and the parts its level-setting findings
    are in."""
    decision = check_text(policy, document.text)
    parts = {
        document.part_at(finding.start)
        for finding in decision.findings
        if finding.level == decision.level
    }
    return decision.level, parts
