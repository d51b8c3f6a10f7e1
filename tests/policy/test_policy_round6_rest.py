"""Red team round 6's remaining in-scope misses (issue 9): a footer glued to the sentence
before it and a banner glued to the title after it (pdftotext without ``-layout``), a
security event's unquoted value with blanks (CEF, LEEF: ``cs1=NATO SECRET fname=x``), and a
string written in pieces that a program reads as one (a PO file's continuation lines, C's
and Python's adjacent literals, CDATA sections side by side), for markings and codewords.
Each family streams as it reads whole, cut at every point; the everyday forms of the same
syntax stay UNCLASSIFIED. Whole-text accuracy, alone and in pairs, is in
test_policy_families.py and test_policy_codeword_families.py.
"""

from __future__ import annotations

import pytest

from milai.policy import Policy, check_text
from tests.policy.test_policy_stream_properties import (
    _assert_stream_properties,
    assert_family_streams,
)
from tests.scale import sample

MINE = ("glued-sentence", "glued-title", "kv-event", "string-pieces")


@pytest.mark.parametrize("family", MINE)
def test_a_family_streams_as_it_reads_whole(family: str) -> None:
    assert_family_streams(family, 12)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # a footer glued to the sentence before it
        ("The battalion reports by 1800.NATO SECRET\n", "SECRET"),
        ("Le bataillon rend compte \u00e0 18 h.SECRET UE\n", "SECRET"),
        ("Are the convoys ready?COSMIC TOP SECRET\n", "TOP SECRET"),
        ("The unit reports by 1800.[b]NATO SECRET[/b]\n", "SECRET"),
        ("The unit reports by 1800.NATO SECRET - Page 2 of 4\n", "SECRET"),
        ("3 mars 2024 | The unit reports by 1800.RESTREINT UE | Page 1\n", "RESTRICTED"),
        ("title=The unit moves on Tuesday.NATO SECRET\n", "SECRET"),
        # a banner of two words or more glued to the title after it
        ("NATO SECRETAnnex B to OPORD 3/24\n", "SECRET"),
        ("STRENG GEHEIMAnlage 3\n", "TOP SECRET"),
        ("SECRET UEListe des participants\n", "SECRET"),
        # an event's unquoted value, to the next key
        (
            "CEF:0|Vendor|DLP|1.0|100|Doc exported|5|cs1Label=classification "
            "cs1=NATO SECRET fname=plan.docx\n",
            "SECRET",
        ),
        (
            "LEEF:2.0|Vendor|DLP|1.0|100|^|cat=Export^classification=SECRET UE^usrName=jm\n",
            "SECRET",
        ),
        (
            "<134>Mar 12 10:00:00 dlp01 dlp: act=export cs2=COSMIC TOP SECRET suser=jm\n",
            "TOP SECRET",
        ),
        # a string written in pieces
        ('msgid ""\n"NATO SEC"\n"RET"\nmsgstr ""\n', "SECRET"),
        ('static const char *banner = "COSMIC TOP " "SECRET";\n', "TOP SECRET"),
        ('BANNER = ("NATO SEC"\n          "RET")\n', "SECRET"),
        ("banner = 'SECRET' ' UE'\n", "SECRET"),
        ('const banner = "NATO SEC" +\n    "RET";\n', "SECRET"),
        ("<b><![CDATA[NATO SEC]]><![CDATA[RET]]></b>\n", "SECRET"),
    ],
)
def test_round6_rest_minimal_examples(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, text).level == level


@pytest.mark.parametrize(
    "text",
    [
        'msgid ""\n"Operation BLUE "\n"HERON"\nmsgstr ""\n',
        'msgstr ""\n"NIGHT"\n"JAR"\n',
        'op = "NIGHT" "JAR"\n',
        "op = 'SILVER ' 'LINDEN'\n",
        'op = "MOSELLE" +\n  " SHIELD";\n',
        "<op><![CDATA[NIGHT]]><![CDATA[JAR]]></op>\n",
        "<op><![CDATA[NIGH]]><![CDATA[TJAR]]></op>\n",
    ],
)
def test_codewords_in_string_pieces(ministry_policy: Policy, text: str) -> None:
    assert check_text(ministry_policy, text).level == "SECRET"


@pytest.mark.parametrize(
    "text",
    [
        # a sentence's end glued to text that is no footer
        "We meet at 1800.Next we go to the depot.\n",
        "The meeting is at 1800.Top Secret was the film we saw.\n",
        "I loved it.SECRET SANTA party on Friday\n",
        "See you at 8.[b]Secret Santa[/b]\n",
        "He works for the U.S.SECRET SERVICE now\n",
        "see the file README.SECRET\n",
        "return settings.SECRET\n",
        "x = Level.SECRET\n",
        "if lvl == Level.SECRET:\n",
        "Version 1.2.3.RC1 is out.\n",
        # capitals run into a word: a longer word, a name in code
        "ACRONYMSList\n",
        "README.mdSECRET\n",
        "SECRETARY GENERAL\n",
        "SECRETKey = load()\n",
        "GEHEIMListe\n",
        "Top Secretary\n",
        "Top SecretAnnex\n",
        # security events with everyday values
        "CEF:0|Vendor|DLP|1.0|100|Doc exported|5|msg=Top secret recipe shared suser=jm "
        "cs1Label=Classification cs1=Public\n",
        "CEF:0|Vendor|AV|1.0|200|Malware|8|act=blocked fname=secret_santa.xlsx "
        "cs1Label=Policy cs1=Default Policy\n",
        "type=USER_LOGIN msg=audit(1710237600.123:42): op=login acct=root res=success\n",
        "ts=2024-03-12T10:00:00Z level=info msg=Secret Santa draw done user=jd\n",
        # a PO file translating "Secret Santa", whole and wrapped as msgcat wraps it
        'msgid "Secret Santa"\nmsgstr "Wichteln"\n',
        'msgid ""\n"Who draws names for the Secret Santa "\n"party this year?"\n'
        'msgstr ""\n"Wer zieht dieses Jahr die Namen f\u00fcr das "\n"Wichteln?"\n',
        # strings side by side in code and prose
        'print("Top " "secret recipe")\n',
        '"Hello," she said. "How are you?"\n"Fine, thanks."\n',
        "<p><![CDATA[Secret]]><![CDATA[ary]]></p>\n",
    ],
)
def test_the_same_syntax_in_everyday_text_stays_unclassified(
    default_policy: Policy, ministry_policy: Policy, text: str
) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"
    assert check_text(ministry_policy, text).level == "UNCLASSIFIED"


@pytest.mark.parametrize(
    "text",
    [
        "Intro.\nThe battalion reports by 1800.NATO SECRET\nEnd.\n",
        "NATO SECRETAnnex B to OPORD 3/24\nBody.\n",
        "CEF:0|V|DLP|1.0|1|D|5|cs1Label=Classification cs1=NATO SECRET fname=x.docx\n",
        'msgid ""\n"NATO SEC"\n"RET"\nmsgstr ""\n',
        'x = "NATO SEC" "RET"\nmore\n',
    ],
)
def test_every_single_cut(default_policy: Policy, text: str) -> None:
    for cut in sample(range(1, len(text)), 8, seed=text):  # every cut in CI (tests/scale.py)
        _assert_stream_properties(default_policy, text, [text[:cut], text[cut:]])


def test_a_codeword_in_pieces_at_every_cut(ministry_policy: Policy) -> None:
    text = 'Before.\nmsgid ""\n"Operation NIGHT"\n"JAR starts"\nmsgstr ""\n'
    for cut in sample(range(1, len(text)), 8, seed=text):  # every cut in CI (tests/scale.py)
        _assert_stream_properties(ministry_policy, text, [text[:cut], text[cut:]])
