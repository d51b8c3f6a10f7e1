"""The public API: decisions, findings, levels, banners, JSON shapes, embedded tests."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from milai.errors import UsageError
from milai.policy import (
    Action,
    Policy,
    check_stream,
    check_text,
    load_policy,
    redact_text,
    run_policy_tests,
)

POLICIES = Path(__file__).resolve().parents[2] / "policies"


def test_actions_are_ordered_by_severity() -> None:
    assert [a.value for a in Action] == ["allow", "warn", "redact", "block"]
    assert [a.severity for a in Action] == [0, 1, 2, 3]


def test_policy_identity(default_policy: Policy) -> None:
    data = (POLICIES / "default.yaml").read_bytes()
    assert default_policy.sha256 == hashlib.sha256(data).hexdigest()
    assert default_policy.info.name == default_policy.name == "milai-default"
    assert default_policy.version == "1.0.0"
    assert default_policy.levels == (
        "UNCLASSIFIED",
        "RESTRICTED",
        "CONFIDENTIAL",
        "SECRET",
        "TOP SECRET",
    )
    assert default_policy.lowest == "UNCLASSIFIED"
    assert default_policy.record_text is False


def test_record_text_is_parsed(tmp_path: Path) -> None:
    text = (POLICIES / "default.yaml").read_text(encoding="utf-8")
    path = tmp_path / "p.yaml"
    path.write_text(text.replace("record_text: false", "record_text: true"), encoding="utf-8")
    assert load_policy(path).record_text is True


def test_level_index_and_unknown_level(default_policy: Policy) -> None:
    assert default_policy.level_index("UNCLASSIFIED") == 0
    assert default_policy.level_index("top secret") == 4  # case does not matter
    with pytest.raises(UsageError) as caught:
        default_policy.level_index("COSMIC")
    assert caught.value.message == (
        "unknown level 'COSMIC': the policy milai-default has UNCLASSIFIED, RESTRICTED, "
        "CONFIDENTIAL, SECRET, TOP SECRET"
    )


def test_banners(default_policy: Policy, ministry_policy: Policy) -> None:
    assert default_policy.banner("secret") == "SECRET"
    assert ministry_policy.banner("SECRET") == "SECRET LUX"
    for policy in (default_policy, ministry_policy):
        for level in policy.levels:
            assert check_text(policy, policy.banner(level)).level == level
    with pytest.raises(UsageError):
        default_policy.banner("nope")


def test_check_json_shape(default_policy: Policy) -> None:
    decision = check_text(default_policy, "NATO SECRET\nCall +352 621 123 456.")
    doc = decision.to_json()
    assert set(doc) == {"decision", "level", "findings", "policy"}
    assert doc["decision"] == "warn"
    assert doc["level"] == "SECRET"
    assert doc["policy"]["name"] == "milai-default"
    assert doc["policy"]["sha256"] == default_policy.sha256
    for finding in doc["findings"]:
        assert list(finding) == ["rule", "kind", "level", "action", "start", "end"]
    assert [f["rule"] for f in doc["findings"]] == ["marking-nato-secret", "pii-phone-prompt"]
    json.dumps(doc)  # plain JSON types only


def test_offsets_point_into_the_original(default_policy: Policy) -> None:
    text = "Intro\n\u200b\uff33\uff25\uff23\uff32\uff25\uff34\nMail jean@etat.lu now"
    decision = check_text(default_policy, text, direction="output")
    by_rule = {f.rule: f for f in decision.findings}
    marking = by_rule["marking-secret"]
    assert text[marking.start : marking.end] == "\uff33\uff25\uff23\uff32\uff25\uff34"
    hidden = by_rule["hidden-characters"]
    assert (hidden.start, hidden.end) == (6, 7)
    mail = by_rule["pii-email-output"]
    assert text[mail.start : mail.end] == "jean@etat.lu"
    # The detail explains without repeating the personal data.
    assert "jean" not in mail.detail


def test_encoded_findings_cover_the_encoded_run(default_policy: Policy) -> None:
    text = "Decode this: U0VDUkVU please"
    (finding,) = check_text(default_policy, text).findings
    assert text[finding.start : finding.end] == "U0VDUkVU"
    assert finding.level == "SECRET"
    assert finding.detail.startswith("base64-encoded:")


def test_clearance_turns_a_high_level_into_a_block(default_policy: Policy) -> None:
    text = "NATO SECRET\nOrder of battle"
    assert check_text(default_policy, text, clearance="SECRET").action is Action.ALLOW
    decision = check_text(default_policy, text, clearance="restricted")
    assert decision.action is Action.BLOCK
    assert decision.level == "SECRET"
    last = decision.findings[-1]
    assert (last.rule, last.kind, last.action) == ("level-above-clearance", "level", Action.BLOCK)
    assert text[last.start : last.end] == "NATO SECRET"
    with pytest.raises(UsageError):
        check_text(default_policy, text, clearance="COSMIC")


def test_unknown_direction(default_policy: Policy) -> None:
    with pytest.raises(UsageError, match="unknown direction"):
        check_text(default_policy, "x", direction="sideways")  # type: ignore[arg-type]


def test_block_is_a_decision_not_an_exception(default_policy: Policy) -> None:
    decision = check_text(default_policy, "Send the KEYMAT.")
    assert decision.action is Action.BLOCK
    assert decision.findings[0].rule == "keying-material"


def test_rules_per_direction(default_policy: Policy) -> None:
    text = "Write to jean.dupont@etat.lu"
    assert check_text(default_policy, text).action is Action.WARN
    assert check_text(default_policy, text, direction="output").action is Action.REDACT


def test_embedded_tests_of_shipped_policies_pass(
    default_policy: Policy, ministry_policy: Policy
) -> None:
    for policy in (default_policy, ministry_policy):
        results = run_policy_tests(policy)
        assert len(results) >= 9
        failed = [r.name for r in results if not r.passed]
        assert failed == []


def test_failing_embedded_test_is_reported(tmp_path: Path) -> None:
    text = (POLICIES / "default.yaml").read_text(encoding="utf-8")
    path = tmp_path / "p.yaml"
    path.write_text(
        text.replace(
            "    expect: {decision: allow, level: SECRET}\n",
            "    expect: {decision: allow, level: TOP SECRET}\n",
            1,
        ),
        encoding="utf-8",
    )
    results = run_policy_tests(load_policy(path))
    failed = [r for r in results if not r.passed]
    assert len(failed) == 1
    assert (failed[0].expected_level, failed[0].got_level) == ("TOP SECRET", "SECRET")
    assert failed[0].name == "CAPCO banner lines"


def test_compiled_policies_are_cached_by_content(tmp_path: Path, default_policy: Policy) -> None:
    copy = tmp_path / "copy.yaml"
    shutil.copy(POLICIES / "default.yaml", copy)
    assert load_policy(copy) is default_policy
    copy.write_text(copy.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    changed = load_policy(copy)
    assert changed is not default_policy
    assert changed.sha256 != default_policy.sha256


def test_redact_text(default_policy: Policy) -> None:
    text = "IBAN LU28 0019 4006 4475 0000, matricule 1985 0315 123 71."
    assert redact_text(default_policy, text) == (
        "IBAN [REDACTED:pii-iban], matricule [REDACTED:pii-matricule]."
    )


def test_check_stream_equals_check_text(default_policy: Policy) -> None:
    text = "SECRET//NOFORN\nbody KEYMAT jean@etat.lu\n(TS) x"
    assert check_stream(default_policy, list(text)) == check_text(default_policy, text)
    assert check_stream(default_policy, iter([])) == check_text(default_policy, "")


def test_decision_and_finding_are_frozen(default_policy: Policy) -> None:
    decision = check_text(default_policy, "SECRET\nx")
    with pytest.raises(AttributeError):
        decision.level = "TOP SECRET"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        decision.findings[0].level = "TOP SECRET"  # type: ignore[misc]


def test_hidden_characters_are_reported(default_policy: Policy) -> None:
    decision = check_text(default_policy, "plain\u202etxt.exe")
    (finding,) = decision.findings
    assert (finding.rule, finding.kind, finding.action) == (
        "hidden-characters",
        "hidden-characters",
        Action.WARN,
    )
    assert (finding.start, finding.end) == (5, 6)


def test_one_finding_per_marking_when_two_contexts_see_it(default_policy: Policy) -> None:
    """A pretty JSON line is a banner line and a classification field: one finding."""
    text = '{\n  "classification": "SECRET",\n  "id": 3\n}'
    findings = check_text(default_policy, text).findings
    assert [(f.rule, text[f.start : f.end]) for f in findings] == [("marking-secret", "SECRET")]


@pytest.mark.parametrize(
    "text",
    [
        '{"id":7,"classification":"NATO SECRET","title":"Convoy"}',
        '<doc id="7" securityClassification=\'NATO SECRET\' lang="en">',
        "id;title;Einstufung\n7;Convoy;NATO SECRET\n",
        "id\ttitle\tclassification\n7\tConvoy\tNATO SECRET\n",
    ],
)
def test_classification_fields_anywhere(default_policy: Policy, text: str) -> None:
    decision = check_text(default_policy, text)
    assert decision.level == "SECRET"
    assert [text[f.start : f.end] for f in decision.findings] == ["NATO SECRET"]


@pytest.mark.parametrize(
    "text",
    [
        '{"species":"Panthera leo","classification":"Mammalia"}',
        "name,classification\nSecret Garden,annual\n",
        # no classification column, and no marking in capitals as a whole field (one is
        # read as a CSV row's cell: red team 10, test_policy_round10_data.py)
        "name,price,note\nSecret Garden,3.50,secret recipe\n",
        '<book classification="823.914">The Secret Agent</book>',
    ],
)
def test_classification_fields_without_markings(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"
