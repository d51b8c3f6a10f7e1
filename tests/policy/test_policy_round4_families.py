"""Red team round 4's in-scope misses, as families (issue 9): a portion mark as a field's
value (``portion-label``), and the families added after it in families.py. Each family
streams as it reads whole; the everyday forms of the same syntax stay UNCLASSIFIED. Their
whole-text accuracy, alone and in pairs, is in test_policy_families.py.
"""

from __future__ import annotations

import pytest

from milai.policy import Policy, check_text
from tests.policy.test_policy_stream_properties import (
    assert_family_streams,
)

MINE = ("portion-label", "base64-prefixed", "wiki-macro", "troff", "rfc2047", "rtf")


@pytest.mark.parametrize("family", MINE)
def test_a_family_streams_as_it_reads_whole(family: str) -> None:
    assert_family_streams(family, 4)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Short description: (S//NF) Convoy plan", "SECRET"),
        ("Subject: (C) Meeting moved", "CONFIDENTIAL"),
        ("Summary: (TS//SCI) plan", "TOP SECRET"),
        ("Objet : (NC) Réunion reportée", "CONFIDENTIAL"),
        ("{panel:title=NATO SECRET|borderStyle=solid}\nConvoy at 0600.\n{panel}", "SECRET"),
        ("> {panel:title=NATO SECRET}\n> Convoy at 0600.\n> {panel}", "SECRET"),
        ("{status:colour=Red|title=SECRET}", "SECRET"),
        ("{{Infobox document|title=NATO SECRET|author=J3}}", "SECRET"),
        ('.TH CONVOY 7 "March 2025" "NATO SECRET" "Ops Manual"\n.SH NAME', "SECRET"),
        ('.ce\n.B "NATO SECRET"\n.PP', "SECRET"),
        (".B NATO SECRET", "SECRET"),
        (".SH SECRET", "SECRET"),
        (".tl ''NATO SECRET''", "SECRET"),
        ("Subject: =?utf-8?Q?NATO_SECRET?=", "SECRET"),
        ("Subject: =?iso-8859-1?Q?CONFIDENTIEL_D=C9FENSE_-_r=E9union?=", "CONFIDENTIAL"),
        ("Subject: =?utf-8?Q?N4T0_S3CR3T?=", "SECRET"),
        ("Subject: =?UTF-8?Q?NATO?= =?UTF-8?Q?_SECRET?= plan", "SECRET"),
        ("+U0VDUkVU", "SECRET"),
        ("{\\rtf1 \\qc TR\\'c8S SECRET UE\\par}", "TOP SECRET"),
        ("{\\rtf1\\ansi CONFIDENTIEL D\\'c9FENSE\\par}", "CONFIDENTIAL"),
        ("{\\rtf1\\ansi\\pard\\qc{\\caps nato secret}\\par\\pard The convoy.\\par}", "SECRET"),
        ("{\\rtf1 TR\\u200?S SECRET UE\\par}", "TOP SECRET"),
    ],
)
def test_round4_minimal_examples(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, f"{text}\n").level == level


@pytest.mark.parametrize(
    "text",
    [
        # a portion-like mark after a label: a size, a copyright, a credit
        "Size: (S) small",
        "Sizes: (S) Small (M) Medium (L) Large",
        "Photo: (C) Reuters",
        "Photo : (C) Ville de Luxembourg",
        "Image credit: (C) Jean Muller",
        "Result: (C) Copyright 2024 Acme",
        "Note: (s) denotes the plural",
        "Answer: (C) The mitochondria",
        "Correct answer: (C) None of the above",
        "Réponse : (C) La mitochondrie",
        "Antwort: (S) Sehr gut erklärt",
        # wiki macros whose parameters are prose, a file name or a film's title
        "{color:red}Top secret recipe{color}",
        "{panel:title=Secret Garden|borderStyle=solid}",
        "{code:title=SECRET.java}",
        "{code:title=SECRET_KEY.md|borderStyle=solid}",
        "{panel:title=Top Secret Recipes}",
        "{{Infobox film|name=Top Secret Rosies|director=Jim Abrahams}}",
        "{{cite web|title=Top Secret Rosies: The Female Computers of WWII|url=x}}",
        # man pages: a film's title set in bold, a command named secret
        ".B Secret Garden",
        '.TH SECRET 1 "March 2025" "secret 2.1" "User Commands"',
        ".SH SEE ALSO\n.B secret\n\\- manage secrets",
        '.SH "SECRET GARDEN"',
        ".NET is a framework",
        '.NET "TOP SECRET" edition of the game',
        # encoded words of a title in prose case, a name
        "Subject: =?utf-8?Q?Top_Secret_Recipes?=",
        "Subject: =?utf-8?q?secret_santa_2025?=",
        "From: =?utf-8?Q?Jean_M=C3=BCller?= <jm@example.lu>",
        "Subject: =?UTF-8?B?VG9wIFNlY3JldCBSZWNpcGVz?=",
        # RTF: accented prose, a title in small capitals
        "{\\rtf1 Cr\\'e8me br\\'fbl\\'e9e, top secret recipe\\par}",
        "{\\rtf1 {\\caps secret garden}\\par}",
        "{\\rtf1\\ansi Top secret recipe\\par}",
    ],
)
def test_the_same_syntax_in_everyday_text_stays_unclassified(
    default_policy: Policy, text: str
) -> None:
    assert check_text(default_policy, f"{text}\n").level == "UNCLASSIFIED"
