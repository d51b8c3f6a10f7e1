"""Office sensitivity labels mapped to levels by a policy's ``labels.sensitivity``: a label
sets the document's level even where its text says nothing, in every format that carries
labels, and the section is as strict as the rest of the policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from milai.documents import Document, read_document
from milai.errors import PolicyError
from milai.policy import Policy, check_stream, check_text, load_policy, validate_policy
from tests.documents.builders import Docx, Odt, eml_bytes, sensitivity_label
from tests.scale import sample

FALCON_ID = "0e5f3b39-8c4a-4f3e-9d1c-6b2a9f1e7c55"
INTERNAL_ID = "9a1c7e52-3b4d-4e6f-8a0b-1c2d3e4f5a6b"
UNMAPPED_ID = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"
BODY = ["Convoy schedule", "The convoy leaves the depot at dawn."]

POLICY = """\
name: labels-test
version: "1"
scale: [UNCLASSIFIED, RESTRICTED, CONFIDENTIAL, SECRET]
markings:
  test:
    UNCLASSIFIED: [UNCLASSIFIED]
    RESTRICTED: [RESTRICTED]
    CONFIDENTIAL: [CONFIDENTIAL]
    SECRET: [SECRET]
labels:
  sensitivity:
{mapping}
{rest}"""
MAPPING = f"""\
    SECRET: ["{{{FALCON_ID.upper()}}}"]
    CONFIDENTIAL: [Project Heron]
    RESTRICTED: [{INTERNAL_ID}, Usage interne]"""


def write_policy(tmp_path: Path, mapping: str = MAPPING, rest: str = "") -> Path:
    path = tmp_path / "labels.yaml"
    path.write_text(POLICY.format(mapping=mapping, rest=rest), encoding="utf-8")
    return path


@pytest.fixture
def policy(tmp_path: Path) -> Policy:
    return load_policy(write_policy(tmp_path))


def labelled_docx(label_id: str, name: str) -> Document:
    docx = Docx(body=BODY, custom=sensitivity_label(label_id, name))
    return read_document(docx.build(), "labelled.docx")


def label_findings(policy: Policy, document: Document) -> list[tuple[str, str, str, str]]:
    """(rule, kind, level, part) of each finding of a label mapping."""
    decision = check_text(policy, document.text)
    return [
        (f.rule, f.kind, f.level, document.part_at(f.start))
        for f in decision.findings
        if f.kind == "sensitivity-label"
    ]


# -- a label sets the level ------------------------------------------------------------------


def test_a_label_mapped_by_id_makes_an_unmarked_document_secret(policy: Policy) -> None:
    document = labelled_docx(FALCON_ID, "Falcon")
    assert "secret" not in document.text.lower()  # nothing in the text says so
    decision = check_text(policy, document.text, clearance="CONFIDENTIAL")
    assert (decision.action, decision.level) == ("block", "SECRET")
    assert label_findings(policy, document) == [
        (f"label-{FALCON_ID}", "sensitivity-label", "SECRET", "metadata")
    ]
    # The rule that reports it says which mapping it is.
    rule = next(r for r in policy.spec.rules if r.id == f"label-{FALCON_ID}")
    assert FALCON_ID in rule.description and "SECRET" in rule.description


def test_a_label_mapped_by_name_ignores_case_but_not_the_rest_of_the_name(
    policy: Policy,
) -> None:
    assert label_findings(policy, labelled_docx(UNMAPPED_ID, "PROJECT HERON")) == [
        ("label-project-heron", "sensitivity-label", "CONFIDENTIAL", "metadata")
    ]
    for other in ("Project Heron Archive", "Project Hero", "Old Project Heron"):
        document = labelled_docx(UNMAPPED_ID, other)
        assert label_findings(policy, document) == [], other
        assert check_text(policy, document.text).level == "UNCLASSIFIED", other


def test_an_unmapped_label_leaves_the_level_to_the_text(policy: Policy) -> None:
    document = labelled_docx(UNMAPPED_ID, "Falcon")
    assert check_text(policy, document.text).level == "UNCLASSIFIED"


def test_the_highest_of_label_and_markings_wins(policy: Policy) -> None:
    docx = Docx(body=BODY, header=["CONFIDENTIAL"], custom=sensitivity_label(FALCON_ID, "x"))
    document = read_document(docx.build(), "both.docx")
    assert check_text(policy, document.text).level == "SECRET"
    lower = Docx(body=BODY, header=["SECRET"], custom=sensitivity_label(INTERNAL_ID, "x"))
    assert check_text(policy, read_document(lower.build(), "l.docx").text).level == "SECRET"


def test_labels_in_every_format_that_carries_them(policy: Policy) -> None:
    label_info = Docx(
        body=BODY,
        label_info=[
            {
                "id": "{" + FALCON_ID + "}",
                "enabled": "1",
                "method": "Privileged",
                "siteId": "{72f988bf-86f1-41af-91ab-2d7cd011db47}",
            }
        ],
    )
    mail_header = "; ".join(
        f"{k}={v}" for k, v in sensitivity_label(UNMAPPED_ID, "Usage interne").items()
    )
    documents = {
        "LabelInfo.xml (newer Office)": (read_document(label_info.build(), "n.docx"), "SECRET"),
        "OpenDocument user-defined": (
            read_document(
                Odt(body=BODY, user_defined=sensitivity_label(INTERNAL_ID, "I")).build(), "o.odt"
            ),
            "RESTRICTED",
        ),
        "msip_labels mail header": (
            read_document(
                eml_bytes("Convoy", "Unmarked.", headers={"msip_labels": mail_header}), "m.eml"
            ),
            "RESTRICTED",
        ),
    }
    for what, (document, level) in documents.items():
        found = label_findings(policy, document)
        assert [(kind, got) for _, kind, got, _ in found] == [("sensitivity-label", level)], what
        assert check_text(policy, document.text).level == level, what


def test_a_label_split_across_stream_chunks_reads_the_same(policy: Policy) -> None:
    for name, level in (
        ("Project Heron", "CONFIDENTIAL"),
        ("Project Heron Archive", "UNCLASSIFIED"),
    ):
        text = labelled_docx(UNMAPPED_ID, name).text
        whole = check_text(policy, text).level
        assert whole == level
        start = text.index("MSIP_Label_")
        cuts = range(start, min(len(text), start + 140))
        for cut in sample(cuts, 35, seed=name):  # every cut in CI (tests/scale.py)
            assert check_stream(policy, (text[:cut], text[cut:])).level == whole, (name, cut)


def test_a_label_in_a_prompt_or_an_output_counts_too(policy: Policy) -> None:
    # Pasted properties are the same evidence as a document's: the gate is one gate.
    line = f"MSIP_Label_{FALCON_ID}_Enabled: true"
    assert check_text(policy, line, direction="output").level == "SECRET"


# -- the policy section is strict ------------------------------------------------------------


@pytest.mark.parametrize(
    ("mapping", "rest", "line", "fragment"),
    [
        ("    SECRET: [Falcon]\n    MEDIUM: [Heron]", "", 13, "unknown level 'MEDIUM'"),
        ("    SECRET: Falcon", "", 12, "labels.sensitivity level must be a list of strings"),
        (
            "    SECRET: [Falcon]\n    RESTRICTED: [falcon]",
            "",
            13,
            "mapped twice (SECRET at line 12",
        ),
        (f"    SECRET: [{FALCON_ID}]\n    RESTRICTED: ['{{{FALCON_ID}}}']", "", 13, "mapped twice"),
        ("    SECRET: ['Falcon; Heron']", "", 12, "must not hold ';'"),
        ("    SECRET: ['" + "x" * 129 + "']", "", 12, "at most 128 characters"),
        ("    SECRET: [Falcon]\n  classification: [x]", "", 13, "unknown key 'classification'"),
        (
            "    SECRET: [Falcon]",
            "detectors:\n  mine:\n    kind: sensitivity-label\n    keywords: [x]\n"
            "rules:\n  - {id: r, action: block, match: {detector: mine}}\n",
            15,
            "kind 'sensitivity-label' is reserved",
        ),
    ],
)
def test_a_bad_labels_section_is_refused_with_its_line(
    tmp_path: Path, mapping: str, rest: str, line: int, fragment: str
) -> None:
    path = write_policy(tmp_path, mapping, rest)
    errors = validate_policy(path)
    assert any(e.startswith(f"{path}:{line}: ") and fragment in e for e in errors), errors
    with pytest.raises(PolicyError):
        load_policy(path)


def test_a_policy_rule_can_act_on_labels(tmp_path: Path) -> None:
    rest = (
        "rules:\n"
        "  - {id: no-labelled-output, action: block, direction: output,"
        " match: {kind: sensitivity-label}}\n"
        "  - {id: heron-warn, action: warn, match: {detector: label-project-heron}}\n"
    )
    policy = load_policy(write_policy(tmp_path, rest=rest))
    falcon = labelled_docx(FALCON_ID, "x").text
    assert check_text(policy, falcon, direction="output").action == "block"
    assert check_text(policy, falcon, direction="prompt").action == "allow"
    heron = check_text(policy, labelled_docx(UNMAPPED_ID, "Project Heron").text)
    assert (heron.action, heron.level) == ("warn", "CONFIDENTIAL")
    assert {f.rule for f in heron.findings} == {"heron-warn"}


def test_label_ids_never_take_a_policy_rule_or_detector_id(tmp_path: Path) -> None:
    rest = (
        "detectors:\n  label-project-heron:\n    kind: codeword\n    keywords: [kestrel]\n"
        "rules:\n  - {id: codewords, action: warn, match: {kind: codeword}}\n"
    )
    policy = load_policy(write_policy(tmp_path, rest=rest))
    heron = check_text(policy, labelled_docx(UNMAPPED_ID, "Project Heron").text)
    assert [f.rule for f in heron.findings if f.kind == "sensitivity-label"] == [
        "label-project-heron-2"
    ]


def test_shipped_policies_hold_a_valid_labels_example() -> None:
    root = Path(__file__).resolve().parents[2] / "policies"
    for path in sorted(root.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert "sensitivity:" in text, path  # an example, live or commented
        assert validate_policy(path) == [], path


def test_names_ignore_case_but_keep_accents() -> None:
    ministry = load_policy(
        Path(__file__).resolve().parents[2] / "policies" / "ministry-codewords.yaml"
    )
    for name, level in (
        ("DIFFUSION RESTREINTE MINISTÈRE", "CONFIDENTIAL"),
        ("Diffusion restreinte ministere", "UNCLASSIFIED"),  # another name
    ):
        assert check_text(ministry, labelled_docx(UNMAPPED_ID, name).text).level == level, name


def test_policy_show_validate_and_test_know_the_section(tmp_path: Path) -> None:
    from tests.cli.harness import invoke

    path = write_policy(
        tmp_path,
        rest="tests:\n"
        f"  - text: 'MSIP_Label_{FALCON_ID}_Enabled: true'\n"
        "    clearance: CONFIDENTIAL\n"
        "    expect: {decision: block, level: SECRET}\n",
    )
    assert invoke("policy", "validate", str(path)).code == 0
    tested = invoke("policy", "test", str(path))
    assert (tested.code, tested.stdout) == (0, "labels-test: 1/1 tests passed\n")
    shown = json.loads(invoke("policy", "show", "--json", str(path)).stdout)
    assert shown["sensitivity_labels"] == [
        {"by": "id", "value": FALCON_ID, "level": "SECRET", "rule": f"label-{FALCON_ID}"},
        {
            "by": "name",
            "value": "Project Heron",
            "level": "CONFIDENTIAL",
            "rule": "label-project-heron",
        },
        {"by": "id", "value": INTERNAL_ID, "level": "RESTRICTED", "rule": f"label-{INTERNAL_ID}"},
        {
            "by": "name",
            "value": "Usage interne",
            "level": "RESTRICTED",
            "rule": "label-usage-interne",
        },
    ]
    table = invoke("policy", "show", str(path)).stdout
    assert "sensitivity labels" in table and "Project Heron" in table


# Red team 14: a mapped label written outside the MSIP property forms.
ELSEWHERE = [
    # Microsoft Graph's label of a file or a message
    ('{{"sensitivityLabel": {{"labelId": "{id}", "displayName": "x"}}}}', "SECRET"),
    ('{{"assignedSensitivityLabels": [{{"sensitivityLabelId": "{ID}"}}]}}', "SECRET"),
    # a unified audit log's row (CSV), its id in capitals
    ("2026-12-01T10:00:00Z,jd@min.example,SensitivityLabelApplied,{ID},plan.docx", "SECRET"),
    # a header that carries the id in braces
    ("X-MS-Exchange-Organization-Classification: {{{id}}}", "SECRET"),
    # an ODF document's user-defined property, as XML
    (
        '<meta:user-defined meta:name="MSIP_Label_{other}_Name" meta:value-type="string">'
        "Usage interne</meta:user-defined>",
        "RESTRICTED",
    ),
    ('{{"MSIP_Label_{other}_Name": "Project Heron"}}', "CONFIDENTIAL"),
    ('{{"sensitivityLabel": {{"id": "{other}", "displayName": "Project Heron"}}}}', "CONFIDENTIAL"),
    ("LabelName: Usage interne", "RESTRICTED"),
]


@pytest.mark.parametrize(("form", "level"), ELSEWHERE)
def test_a_mapped_label_counts_wherever_its_id_or_name_is_written(
    policy: Policy, form: str, level: str
) -> None:
    text = form.format(id=FALCON_ID, ID=FALCON_ID.upper(), other=UNMAPPED_ID) + "\n"
    assert check_text(policy, text).level == level


@pytest.mark.parametrize(
    "text",
    [
        f"MSIP_Label_{FALCON_ID}_SiteId: 72f988bf-86f1-41af-91ab-2d7cd011db47",  # not applied
        f'{{"labelId": "{UNMAPPED_ID}", "displayName": "General"}}',
        f"{FALCON_ID}0",  # a longer hex string, no id
        "The intern said the usage interne rules apply; label: usage interne draft",
        '{"displayName": "Project Heron", "kind": "folder"}',  # a name, no label's key
    ],
)
def test_what_only_resembles_a_label_says_nothing(policy: Policy, text: str) -> None:
    assert check_text(policy, text + "\n").level == "UNCLASSIFIED"


@pytest.mark.parametrize(
    ("form", "level"),
    [
        ("labelId: {hex}", "SECRET"),  # the id without its hyphens (uuid.hex)
        ("Sensitivity label: Project Heron", "CONFIDENTIAL"),
        ("<LabelName>Usage interne</LabelName>", "RESTRICTED"),
        (
            "<sensitivityLabel><displayName>Project Heron</displayName></sensitivityLabel>",
            "CONFIDENTIAL",
        ),
        ("LabelName: Project Heron (applied)", "CONFIDENTIAL"),
    ],
)
def test_a_mapped_label_in_more_forms(policy: Policy, form: str, level: str) -> None:
    text = form.format(hex=FALCON_ID.replace("-", "")) + "\n"
    assert check_text(policy, text).level == level


def test_a_longer_name_is_another_label(policy: Policy) -> None:
    assert check_text(policy, "LabelName: Project Heron Plus\n").level == "UNCLASSIFIED"
