"""Red team round 5's in-scope misses (issue 9): text as a terminal shows it (families
``crlf``, ``terminal-colour``, ``overstrike``), a spreadsheet's merged title row and its
header and footer codes, calendar properties with parameters, a converter's bracketed
shape name or a reviewer's name before a marking, a title that ends on its banner, SQL
values, a PDF or FDF field's string. Each family streams as it reads whole; the everyday
forms of the same syntax (paths, directory trees, coloured prose) stay UNCLASSIFIED.
Whole-text accuracy, alone and in pairs, is in test_policy_families.py.
"""

from __future__ import annotations

import pytest

from milai.policy import Policy, check_text
from tests.policy.test_policy_stream_properties import assert_family_streams

MINE = ("crlf", "terminal-colour", "overstrike", "merged-title-row", "title-dash")


@pytest.mark.parametrize("family", MINE)
def test_a_family_streams_as_it_reads_whole(family: str) -> None:
    assert_family_streams(family, 3)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("SE-\r\nCRET\r\n", "SECRET"),
        ("TOP\r\nSECRET\r\n", "TOP SECRET"),
        ("Classification: NATO SEC=\r\nRET\r\n", "SECRET"),
        ("Operation report\r\n[CONFI-\r\nDENTIAL]\r\n", "CONFIDENTIAL"),
        ("\x1b[1;31mNATO SECRET\x1b[0m\n", "SECRET"),
        ("S\bSE\bEC\bCR\bRE\bET\bT\n", "SECRET"),
        # a sequence's final letter that is no colour's is read: it cannot hide a letter
        ("\x1b[SECRET\n", "SECRET"),
        ("NATO \x1b[5ECRET\n", "SECRET"),
        ("\x1b[01;31mSECRET UE\x1b[m\n", "SECRET"),
        (",,,NATO SECRET,,,\n", "SECRET"),
        (",,ZEER GEHEIM,,\n", "TOP SECRET"),
        ("SUMMARY;LANGUAGE=fr-FR:SECRET UE\r\n", "SECRET"),
        ("NOTE;ENCODING=QUOTED-PRINTABLE:RESTREINT LUX\r\n", "RESTRICTED"),
        ("[TextBox 12] NATO SECRET\n", "SECRET"),
        ("Comment [J. Muller]: SECRET LUX\n", "SECRET"),
        ("SUMMARY:Convoy brief \u2013 NATO SECRET\r\n", "SECRET"),
        ("Lagebericht Nord - GEHEIM\n", "SECRET"),
        ("&LNATO SECRET&RPage &P of &N\n", "SECRET"),
        ("<< /T (classification) /V (NATO SECRET) >>\n", "SECRET"),
        ("/Subtype /Text /Contents (SECRET UE) >>\n", "SECRET"),
        ('&C&"Arial,Bold"&14SECRET UE&R&D\n', "SECRET"),
        ("INSERT INTO docs VALUES (12,'Convoy plan','NATO SECRET');\n", "SECRET"),
        ("INSERT INTO docs VALUES (12, 'Convoy', 'TOP SECRET//SI//NOFORN');\n", "TOP SECRET"),
        # a struck footer's page number (the exhaustive pair run)
        ("~~UNCLASSIFIED~~ Page 2 SECRET\n", "SECRET"),
        # caveats and capitals still count after one slash or a tree's branch
        ("SECRET/NOFORN\n", "SECRET"),
        ("Secret/Noforn\n", "SECRET"),
        ("└── SECRET\n", "SECRET"),
    ],
)
def test_round5_minimal_examples(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, text).level == level


@pytest.mark.parametrize(
    "text",
    [
        "secret/db-credentials created\n",
        "$ vault kv get secret/data/app\n",
        "./secret/keys/server.pem\n",
        "confidential/  public/  secret/\n",
        "├── restricted\n│   └── secret\n",
        "|-- secret\n`-- restricted\n",
        ",,,Secret,,,\n",
        "SUMMARY;LANGUAGE=en:Top Secret screening\r\n",
        "[Figure 3] Top Secret recipe\n",
        "Note [1]: Top secret recipe\n",
        "Recipe book - Top Secret\n",
        "Meeting - confidential notes\n",
        "&LR&D budget&RPage &P\n",
        "AT&T and P&L Secret plans\n",
        "/Title (Top secret recipes)\n",
        "see /usr/bin (the folder)\n",
        "He said, 'keep it secret', and left.\n",
        "It's fine, 'Top Secret' is a film\n",
        "\x1b[1mSecret\x1b[0m Santa on Friday\r\n",
        "Line one\r\n\r\nkeep it secret\r\n",
    ],
)
def test_the_same_syntax_in_everyday_text_stays_unclassified(
    default_policy: Policy, text: str
) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"
