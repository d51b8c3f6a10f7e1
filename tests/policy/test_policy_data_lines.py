"""Markings in data, logs and configuration lines (issue 9, red team 3), and level names in
code that are a vocabulary, not a marking: whole and streamed a character at a time."""

from __future__ import annotations

import pytest

from milai.policy import Policy, check_stream, check_text

COUNTS = [
    # a field anywhere on its line; "_" and "+" as gaps; YAML tags and anchors
    ("ts=2025-01-02T03:04:05Z level=warn classification=CONFIDENTIAL host=a7", "CONFIDENTIAL"),
    ("op=export classification=NATO_SECRET owner=j2 pages=4", "SECRET"),
    ("title=Report&security_classification=COSMIC+TOP+SECRET&n=2", "TOP SECRET"),
    ("POST /api?doc=12&level=NATO_CONFIDENTIAL&lang=fr", "CONFIDENTIAL"),
    ("Einstufung: !!str VS-VERTRAULICH", "CONFIDENTIAL"),
    ("classification: &default RESTREINT UE", "RESTRICTED"),
    ("niveau_de_classification: !!str 'SECRET UE'", "SECRET"),
    # lists with caveats, SQL rows
    ('["NATO CONFIDENTIAL", "REL TO KFOR"]', "CONFIDENTIAL"),
    ('{"doc": 4, "markings": ["TOP SECRET", "NOFORN", "ORCON"]}', "TOP SECRET"),
    ("('SECRET UE/EU SECRET', 'EYES ONLY')", "SECRET"),
    ("insert into t (id, protective_marking) values (3, 'RESTRICTED'), (4, 'x');", "RESTRICTED"),
    # field names in every spelling, spreadsheet cells
    ("id,security-classification,owner\n9,NATO RESTRICTED,j2", "RESTRICTED"),
    ("mention de protection : diffusion restreinte", "RESTRICTED"),
    ("Geheimhaltungsgrad: streng geheim", "TOP SECRET"),
    ("B3: Rubricering\tC3: ZEER GEHEIM", "TOP SECRET"),
    # banner tails and log prefixes
    ("CONFIDENTIEL DÉFENSE; SPÉCIAL FRANCE\nLe plan.", "CONFIDENTIAL"),
    ("NATO SECRET        N° 17/2025\nThe plan.", "SECRET"),
    ("Jan  7 23:59:59 gw kernel: [TOP SECRET] dump", "TOP SECRET"),
    ("2025-01-02 03:04:05,678 ERROR NATO SECRET", "SECRET"),
    ("time=2025-01-02T03:04:05Z level=error [CONFIDENTIAL] report", "CONFIDENTIAL"),
    # one level is a marking, even with code around it
    ('["SECRET"]', "SECRET"),
    ('{"classification": "TOP SECRET"}', "TOP SECRET"),
    ("field value='CONFIDENTIAL'", "CONFIDENTIAL"),
    ('["NATO SECRET", "SECRET UE"]', "SECRET"),
]

VOCABULARIES = [
    "enum Clearance { RESTRICTED, CONFIDENTIAL, TOP_SECRET };",
    "ALLOWED = {'CONFIDENTIAL', 'SECRET'}",
    'p.add_argument("--to", choices=("RESTRICTED", "TOP SECRET"))',
    "[NATO RESTRICTED, NATO SECRET]",
    "if marking == 'TOP SECRET' or marking != \"SECRET\":",
    "while (level >= 'CONFIDENTIAL') {",
    "WHERE level IN ('SECRET', 'TOP SECRET')",
]


def _level(policy: Policy, text: str) -> tuple[str, str]:
    whole = check_text(policy, text).level
    streamed = check_stream(policy, list(text)).level
    return whole, streamed


@pytest.mark.parametrize(("text", "level"), COUNTS)
def test_markings_in_data_lines_count(default_policy: Policy, text: str, level: str) -> None:
    assert _level(default_policy, text + "\n") == (level, level)


@pytest.mark.parametrize("text", VOCABULARIES)
def test_level_names_in_code_are_a_vocabulary(default_policy: Policy, text: str) -> None:
    assert _level(default_policy, text + "\n") == ("UNCLASSIFIED", "UNCLASSIFIED")


def test_a_list_of_two_levels_inside_a_banner_line_is_no_marking(default_policy: Policy) -> None:
    """The vocabulary reaches only the list: a marking beside it on the line still counts."""
    text = 'CONFIDENTIAL\nlevels = ("RESTRICTED", "SECRET")\n'
    assert check_text(default_policy, text).level == "CONFIDENTIAL"
