"""Red team round 5's last in-scope families (issue 9): a calendar or contact folded in
text (not a file), a string printed as text by a shell or program, a PDF content stream's
strings as the page shows them; and the two forms decided not to be markings (an event's
access class, an enum written one value a line). Each family streams as it reads whole,
cut at every point; the everyday forms of the same syntax stay UNCLASSIFIED. Whole-text
accuracy on every marking, alone and in pairs, is in test_policy_families.py.
"""

from __future__ import annotations

import itertools
import re

import pytest

from milai.policy import Policy, check_text
from tests.levels import assert_reads_at_least
from tests.policy.families import shipped_policy, targets
from tests.policy.test_policy_stream_properties import (
    assert_cuts_stream,
    assert_family_streams,
)
from tests.scale import sample

MINE = ("calendar-fold", "printed-string", "pdf-content-stream")
RED_TEAM_VCARD = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jean Muller\r\nNOTE:GEHE\r\n IM\r\nEND:VCARD\r\n"


@pytest.mark.parametrize("family", MINE)
def test_a_family_streams_as_it_reads_whole(family: str) -> None:
    assert_family_streams(family, 6)


FOLDED = [
    # red team 5: released by `milai run` in 3 of 171 streams
    (RED_TEAM_VCARD, "SECRET"),
    ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:NATO SEC\n RET\nEND:VEVENT\n", "SECRET"),
    # a calendar indented whole (a Markdown block): a fold goes past its indentation
    ("Sure:\n\n  BEGIN:VCARD\n  NOTE:TOP SE\n  \tCRET\n  END:VCARD\n", "TOP SECRET"),
    # every few characters, as a 75-octet fold would on a long value
    (
        "BEGIN:VCARD\nNOTE:Co\n nvoy \n plan \n - CO\n NFID\n ENTI\n EL D\n ÉFEN\n SE\nEND:VCARD\n",
        "CONFIDENTIAL",
    ),
    # a vCard 2.1 quoted-printable soft line break
    (
        "BEGIN:VCARD\nVERSION:2.1\nNOTE;ENCODING=QUOTED-PRINTABLE:NATO SEC=\nRET\nEND:VCARD\n",
        "SECRET",
    ),
]


FOLDED_CUT = [
    RED_TEAM_VCARD,
    "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:NATO SEC\n RET\nEND:VEVENT\n",
]


FOLDS_EVERYDAY = [
    # a fold counts only after a calendar begins: an indented line is not glued
    "NOTE:GEHE\n IM Schrank\n",
    "The code:\n  SEC\n  RET = os.environ['X']\n",
    "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Secret\r\n  Santa at the office\r\n",
    "BEGIN:VCARD\nFN:Anna Weber\nTITLE:Secretary\n  General\nEND:VCARD\n",
    "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDESCRIPTION:Bring the top\n secret recipe\nEND:VEVENT\n",
    "We met at BEGIN:VCARD, the bar.\nNOTE:GEHE\n IM\n",
]


PRINTED = [
    # red team 5
    ('echo "NATO SECRET" > /etc/issue.net\n', "SECRET"),
    ("printf 'COSMIC TOP SECRET\\nAnnex B\\n' > banner.txt\n", "TOP SECRET"),
    # the family: every printer, escapes, flags, colours around the command
    ("echo -e 'TOP\\nSECRET' | tee /etc/motd\n", "TOP SECRET"),
    ("echo NATO SECRET > /etc/motd\n", "SECRET"),
    ('print(f"SECRET UE")\n', "SECRET"),
    ("console.log('NATO CONFIDENTIAL');\n", "CONFIDENTIAL"),
    ('Write-Host "RESTREINT LUX`nAnnexe B" -ForegroundColor Red\n', "RESTRICTED"),
    ('System.out.println("Re: Plan 7 - GEHEIM");\n', "SECRET"),
    ('\x1b[7mecho "SECRET UE" > /etc/issue\x1b[27m\n', "SECRET"),
    ("echo Sierra Echo Charlie Romeo Echo Tango > /etc/motd\n", "SECRET"),
]


PRINTED_EVERYDAY = [
    'echo "Top secret recipe"\n',
    "echo 'Set SECRET_KEY first' >&2\n",
    'echo "SECRET=$SECRET" >> .env\n',
    "printf '%s\\n' \"$SECRET\"\n",
    'print("Confidential: do not share")\n',
    "console.log('secret santa list ready');\n",
    'Write-Host "Restricted access granted"\n',
    'echo "ERROR: SECRET not set"\n',
    'print("TOP SECRET clearance required")\n',
    "logger.info('SECRET rotated')\n",
    "echo Restricted area, keep out\n",
    "Please print the confidential annex twice.\n",
]


PRINTED_CUT = ["printf 'COSMIC TOP SECRET\\nAnnex B\\n' > banner.txt\necho done\n"]


PAGE_TEXT = [
    # red team 5
    ("BT /F1 12 Tf 200 800 Td (TR\\310S SECRET UE) Tj ET\n", "TOP SECRET"),
    # every letter an octal escape; escaped brackets and backslashes
    ("BT (\\116\\101\\124\\117\\040\\123\\105\\103\\122\\105\\124) Tj ET\n", "SECRET"),
    ("BT (\\(NATO SECRET\\)) Tj ET\n", "SECRET"),
    # a string cut over a TJ array's pieces, or over several Tj
    ("BT /F1 12 Tf [(SEC) -20 (RET)] TJ ET\n", "SECRET"),
    ("BT [(N) 10 (ATO) -300 (S) (ECRET)] TJ ET\n", "SECRET"),
    ("BT\n/F1 12 Tf\n72 760 Td\n(NATO SEC) Tj\n(RET) Tj\nET\n", "SECRET"),
    # a move to a new line between two strings: a banner split over lines
    ("BT\n(TOP) Tj\n0 -14 Td\n(SECRET) Tj\nET\n", "TOP SECRET"),
    # hexadecimal strings, UTF-16 after a byte order mark
    ("BT [<4E41544F20> -20 <534543524554>] TJ ET\n", "SECRET"),
    ("BT <FEFF004700450048004500490020> Tj (M) Tj ET\n", "SECRET"),
]


PAGE_TEXT_EVERYDAY = [
    "BT /F1 12 Tf 72 700 Td (Top secret recipes for the holidays) Tj ET\n",
    "BT (Secret) Tj ET\n",
    "BT [(The files were marked) -250 (SECRET in 1962.)] TJ ET\n",
    "BT (Confidential \\226 internal use) Tj ET\n",
    "He whispered (quietly) 'SECRET' to the room.\n",
    "See (a) Tj and (b) TJ in the PDF reference, chapter 9.\n",
]


PAGE_TEXT_CUT = [
    "BT /F1 12 Tf 200 800 Td (TR\\310S SECRET UE) Tj ET\n",
    "BT\n/F1 12 Tf\n(NATO SEC) Tj\n0 0 Td\n[(R) -10 (ET)] TJ\nET\nplain text after\n",
]


# Decided (README): an event's access class and an enumeration of levels are no markings.
RED_TEAM_EVENT = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Dentist\r\nCLASS:CONFIDENTIAL\r\n"
    "DTSTART:20250312T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
RED_TEAM_ENUM = "enum Visibility {\n  PUBLIC\n  RESTRICTED\n  SECRET\n}\n"


DECIDED_NOT_MARKINGS = [
    RED_TEAM_EVENT,
    "BEGIN:VTODO\nSUMMARY:Payroll\nclass : confidential\nEND:VTODO\n",
    RED_TEAM_ENUM,
    "enum Level {\n  UNCLASSIFIED,\n  RESTRICTED,\n  SECRET,\n  TOP_SECRET\n}\n",
    "public enum Level {\n    UNCLASSIFIED = 0,\n    SECRET = 3, // the top\n}\n",
    'export enum Level {\n  Restricted = "RESTRICTED",\n  Secret = "SECRET",\n}\n',
    "enum class Level {\n    CONFIDENTIAL,\n\n    // the highest\n    SECRET;\n}\n",
    "enum Level: String {\n    case RESTRICTED\n    case SECRET\n}\n",
]


LEFT_RAISED = [
    # the access class outside an event, or any other value, or another property
    ("CLASS:CONFIDENTIAL\n", "CONFIDENTIAL"),
    ("BEGIN:VEVENT\nCLASS:SECRET\nEND:VEVENT\n", "SECRET"),
    ("BEGIN:VEVENT\nCLASS:CONFIDENTIAL\nEND:VEVENT\nCLASS:CONFIDENTIAL\n", "CONFIDENTIAL"),
    ("BEGIN:VEVENT\nX-CLASSIFICATION:CONFIDENTIAL\nEND:VEVENT\n", "CONFIDENTIAL"),
    (
        "BEGIN:VEVENT\nSUMMARY:NATO CONFIDENTIAL\nCLASS:CONFIDENTIAL\nEND:VEVENT\n",
        "CONFIDENTIAL",
    ),
    # an enumeration of one level, one never closed, or a body that is no list of values
    ("enum Level {\n  SECRET\n}\n", "SECRET"),
    ("enum Level {\n  RESTRICTED\n  SECRET\n", "SECRET"),
    ("enum Level {\n  RESTRICTED\n  TOP SECRET plan for the convoy\n}\n", "RESTRICTED"),
    # a banner after a vocabulary still counts
    (RED_TEAM_ENUM + "\nTOP SECRET\n", "TOP SECRET"),
]


DECIDED_CUT = [
    RED_TEAM_EVENT,
    RED_TEAM_ENUM + "TOP SECRET\n",
    "enum Level {\n  RESTRICTED\n  SECRET plan\n}\nok\n",
    "enum Level {\n  SECRET\n}\n",
]


def _identifier(marking: str) -> str:
    return re.sub(r"[^\w]+", "_", marking).strip("_")


@pytest.mark.parametrize("policy_name", sorted({t.policy for t in targets()}))
def test_every_marking_pair_in_an_enumeration_is_a_vocabulary(policy_name: str) -> None:
    """Every marking of a shipped policy with one of another level, as an enumeration's
    values one a line, is a vocabulary; each alone in one is still its level."""
    policy = shipped_policy(policy_name)
    banners = [t for t in targets() if t.policy == policy_name and not t.portion]
    lowest = next(m.text for m in policy.spec.markings if m.level == policy.lowest)
    level_of = {m.text: m.level for m in policy.spec.markings if not m.portion}
    for target in banners:
        alone = f"enum Level {{\n  {_identifier(target.text)}\n}}\n"
        assert_reads_at_least(policy, alone, target.level)
    pairs = [
        (first, second)
        for first, second in itertools.combinations([lowest, *(t.text for t in banners)], 2)
        if level_of[first] != level_of[second]
    ]
    for first, second in sample(pairs, 30, seed=policy_name):  # every pair in CI
        text = f"enum Level {{\n  {_identifier(first)},\n  {_identifier(second)},\n}}\n"
        assert check_text(policy, text).level == policy.lowest, text


@pytest.mark.parametrize(("text", "level"), FOLDED + PRINTED + PAGE_TEXT + LEFT_RAISED)
def test_each_form_reads_at_its_level(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, text).level == level


@pytest.mark.parametrize(
    "text", FOLDS_EVERYDAY + PRINTED_EVERYDAY + PAGE_TEXT_EVERYDAY + DECIDED_NOT_MARKINGS
)
def test_everyday_forms_stay_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


@pytest.mark.parametrize("text", FOLDED_CUT + PRINTED_CUT + PAGE_TEXT_CUT + DECIDED_CUT)
def test_each_form_streams_cut_at_every_point(default_policy: Policy, text: str) -> None:
    assert_cuts_stream(default_policy, text)  # every cut in CI (tests/scale.py)
