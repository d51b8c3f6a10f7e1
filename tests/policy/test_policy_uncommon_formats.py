"""Red team 14: a marking as a field's value in formats README does not name (subtitles,
HL7, EDIFACT, BibTeX, RIS, reST fields, MARC records, Org properties, PostScript's DSC
comments, desktop entries, PO files, property lists): each reads as a cell. Every banner of
every shipped policy in each format (a sample in the fast line); everyday records stay
UNCLASSIFIED."""

from __future__ import annotations

import pytest

from milai.policy import Policy, check_text
from tests.levels import assert_targets_read
from tests.policy.families import banner_sample

FORMATS = {
    "ass": "[Events]\nDialogue: 0,0:00:01.00,0:00:04.00,Default,,0,0,0,,{m}\n",
    "hl7": "MSH|^~\\&|LAB|HOSP|||202612010800||ORU^R01|1|P|2.5\nNTE|1||{m}\n",
    "edifact": "UNH+1+ORDERS:D:96A:UN'\nFTX+AAI+++{m}'\n",
    "bibtex": "@techreport{{plan2026,\n  title = {{Plan}},\n  note = {{{m}}},\n}}\n",
    "ris": "TY  - RPRT\nN1  - {m}\nER  - \n",
    "rest": ":Classification: {m}\n:Author: J. Doe\n",
    "marc": "=245  10$aPlan 2026$b{m}\n=500  \\\\$a{m}\n",
    "org": "* Plan\n  :PROPERTIES:\n  :CLASSIFICATION: {m}\n  :END:\n",
    "dsc": "%!PS-Adobe-3.0\n%%Title: ({m})\n%%Creator: Word\n",
    "desktop": "[Desktop Entry]\nName={m}\nType=Application\n",
    "po": 'msgid "Banner"\nmsgstr "{m}"\n',
    "plist": "<dict>\n  <key>Classification</key>\n  <string>{m}</string>\n</dict>\n",
}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_banner_as_a_field_of_an_uncommon_format_reads(name: str) -> None:
    form = FORMATS[name]
    assert_targets_read(banner_sample(f"format:{name}"), lambda t: form.format(m=t.text))


EVERYDAY = [
    "=245  10$aThe secret garden /$cFrances Hodgson Burnett.\n=650  \\0$aSecret service.\n",
    "=245  14$aThe Top Secret Affair$h[videorecording].\n",
    "price 100 $a, and the rest\n",
    "Dialogue: 0,0:00:01.00,0:00:04.00,Default,,0,0,0,,It's a secret, don't tell.\n",
    "NTE|1||Patient keeps medication confidential per request.\n",
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_records_stay_unclassified(text: str, default_policy: Policy) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"
