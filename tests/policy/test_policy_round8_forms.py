"""Red team round 8's in-scope findings (issue 9): a path whose last part is a level word
in lower case (a false raise), a State Department cable's letter-spaced first line, Word's
cell mark BEL between a label and its value, and a country's code before a marking. Each
new family streams as it reads whole; the everyday forms of the same syntax stay
UNCLASSIFIED. Whole-text accuracy, alone and in pairs, is in test_policy_families.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from milai.policy import (
    Policy,
    check_stream,
    check_text,
    load_policy,
    redact_stream,
    redact_text,
)
from tests.policy.families import POLICY_DIR, shipped_policy
from tests.policy.test_policy_stream_properties import assert_family_streams

MINE = ("cable-line", "word-cells")


@pytest.mark.parametrize("family", MINE)
def test_a_family_streams_as_it_reads_whole(family: str) -> None:
    assert_family_streams(family, 12)


@pytest.mark.parametrize(
    "text",
    [
        # a level word in lower case as a path's last part: web-server configs, shells
        "<Directory /var/www/secret>\n",
        "<Location /restricted>\n",
        "<Location /secret>\n    Require valid-user\n</Location>\n",
        "cd /var/www/secret\n",
        "ls /srv/secret\n",
        "ls -la /home/anna/confidential\n",
        "rsync -a build/ /srv/restricted\n",
        "GET /api/v1/restricted HTTP/1.1\n",
        "See https://example.com/docs/secret\n",
        "https://intranet.example.org/confidential\n",
        "cd C:\\Users\\anna\\secret\n",
        "dir D:\\shares\\restricted\n",
        "path: /etc/confidential\n",
        "DocumentRoot /var/www/secret\n",
        # letter-spaced headings, and a spaced level word before prose or a title
        "S U M M A R Y\n",
        "M E N U\n",
        "S U M M A R Y OF FINDINGS\n",
        "S E C R E T Santa party\n",
        "S E C R E T the plan\n",
        "s e c r e t SECTION 01\n",
        "S e c r e t SECTION 01\n",
        "S E C R E T A R Y GENERAL\n",
        # a Word table's cells, each ended by BEL, a row by two
        "Title\x07The secret garden\x07\x07\n",
        "Status\x07restricted\x07\x07\n",
        "Item\x07Top secret recipes\x07\x07Owner\x07Anna\x07\x07\n",
        "Name\r\x07Anna\r\x07\r\x07Note\r\x07secret santa\r\x07\r\x07\n",
        # a country's code before a level word in prose or a headline
        "The UK secret service\n",
        "UK SECRET SERVICE FILES DECLASSIFIED\n",
        "MY SECRET\n",
        "THE SECRET\n",
    ],
)
def test_round8_everyday_text_stays_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # capitals are evidence, in a path too; slashes as a banner's or a portion's furniture
        ("ls /srv/SECRET\n", "SECRET"),
        ("/NATO SECRET/\n", "SECRET"),
        ("//SECRET\n", "SECRET"),
        ("SECRET//NOFORN\n", "SECRET"),
        ("//COSMIC TOP SECRET\n", "TOP SECRET"),
        ("/RESTRICTED/\n", "RESTRICTED"),
        # a State Department cable's first line: one blank after the spaced marking
        ("S E C R E T SECTION 01 OF 03 BRUSSELS 000456\n", "SECRET"),
        ("C O N F I D E N T I A L ROME 001234\n", "CONFIDENTIAL"),
        ("S E C R E T SIPDIS\n", "SECRET"),
        ("T O P  S E C R E T STATE 123456\n", "TOP SECRET"),
        ("S\u0336 E\u0336 C\u0336 R\u0336 E\u0336 T\u0336 SECTION 01 OF 03\n", "SECRET"),
        ("V S N f D ROME 001234\n", "RESTRICTED"),
        ("S E C R E T  SECTION 01 OF 03\n", "SECRET"),
        # Word's cell mark BEL separates a label's cell from its value's as a tab does
        ("Classification\x07NATO SECRET\x07\x07\n", "SECRET"),
        ("Einstufung\x07VS-NfD\x07\x07\n", "RESTRICTED"),
        ("Owner\x07Anna\x07\x07Level\x07SECRET UE\x07\x07\n", "SECRET"),
        ("Classification\r\x07COSMIC TOP SECRET\r\x07\r\x07\n", "TOP SECRET"),
        ("SEC\x07RET\n", "SECRET"),
    ],
)
def test_round8_markings_still_read(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, text).level == level


@pytest.mark.xfail(strict=True, reason="README: the place's LUX is read into SECRET LUX")
def test_a_cable_place_that_starts_with_a_marking_word_is_a_known_miss(
    default_policy: Policy,
) -> None:
    assert check_text(default_policy, "S E C R E T LUXEMBOURG 000217\n").level == "SECRET"


IBAN_ROW = "Name\x07Anna\x07\x07IBAN\x07LU28 0019 4006 4475 0000\x07\x07\n"


def test_an_iban_in_a_word_cell_is_redacted_and_the_cell_marks_kept(
    default_policy: Policy,
) -> None:
    """Read as tabs, given back as they came: the cell marks stay BEL in what is released."""
    want = "Name\x07Anna\x07\x07IBAN\x07[REDACTED:pii-iban]\x07\x07\n"
    assert redact_text(default_policy, IBAN_ROW) == want
    for size in (1, 2, 5):
        pieces = [IBAN_ROW[i : i + size] for i in range(0, len(IBAN_ROW), size)]
        assert "".join(redact_stream(default_policy, pieces)) == want
    level = check_stream(default_policy, list("Classification\x07NATO SECRET\x07\x07\n")).level
    assert level == "SECRET"


def test_a_policy_that_lists_the_uks_markings_reads_them(tmp_path: Path) -> None:
    """No shipped scheme is the UK's (README): a policy that lists them reads them, with
    their furniture, and a country's code before a level word stays a headline."""
    spec = yaml.safe_load((POLICY_DIR / "default.yaml").read_text(encoding="utf-8"))
    spec["markings"]["UK"] = {"TOP SECRET": ["UK TOP SECRET"], "SECRET": ["UK SECRET"]}
    path = tmp_path / "uk.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    policy = load_policy(path)
    assert check_text(policy, "UK SECRET\n").level == "SECRET"
    assert check_text(policy, "UK TOP SECRET STRAP1\n").level == "TOP SECRET"
    assert check_text(policy, "UK SECRET - UK EYES ONLY\n").level == "SECRET"
    assert check_text(policy, "The UK secret service\n").level == "UNCLASSIFIED"
    assert check_text(shipped_policy("default.yaml"), "UK SECRET\n").level == "UNCLASSIFIED"
