"""Red team round 6's in-scope misses (issue 9): BBCode and emoji shortcodes around a
banner, a page number or footer glued to it (pdftotext without ``-layout``), tracked
changes as text (Word's reviewing pane, CriticMarkup), several reply prefixes before a
subject's tag, a chat message's recipient, a heading's attributes, CDATA seams, a value
that a keyword gives (COBOL ``VALUE``, an XML entity). Each family streams as it reads
whole; the everyday forms of the same syntax stay UNCLASSIFIED, and so do a level's word
in lower case after a word (``Finance;restricted``) and a quoted word in title case
(``msgid "Restricted"``). Whole-text accuracy, alone and in pairs, is in
test_policy_families.py.
"""

from __future__ import annotations

import pytest

from milai.policy import Policy, check_text
from tests.policy.test_policy_stream_properties import assert_family_streams

MINE = ("bbcode", "shortcode", "glued-footer", "review-pane")


@pytest.mark.parametrize("family", MINE)
def test_a_family_streams_as_it_reads_whole(family: str) -> None:
    assert_family_streams(family, 6)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("[b]NATO SECRET[/b]\n", "SECRET"),
        ("[size=5]COSMIC TOP SECRET[/size]\n", "TOP SECRET"),
        ("[url=https://x.example]NATO SECRET[/url]\n", "SECRET"),
        ('[quote="jm"]SECRET UE\n', "SECRET"),
        (":lock: NATO SECRET\n", "SECRET"),
        ("NATO SECRET :lock:\n", "SECRET"),
        (":red_circle: *SECRET UE* :red_circle:\n", "SECRET"),
        ('{"text": ":lock: NATO SECRET"}\n', "SECRET"),
        ("~~:warning: *CONFIDENTIEL* :warning:~~ DRAFT\n", "CONFIDENTIAL"),
        (":revremark: NATO SECRET\n", "SECRET"),
        ("# NATO SECRET {#classification .banner}\n", "SECRET"),
        ("3NATO SECRET\n", "SECRET"),
        ("1NATO SECRET\n CONVOY   0600\n", "SECRET"),
        ("COSMIC TOP SECRETPage 2 of 4\n", "TOP SECRET"),
        ("[Deleted: SECRET] UNCLASSIFIED\n", "SECRET"),
        ("[Inserted: NATO SECRET]\n", "SECRET"),
        ("og:title: [Inserted: LUX CONFIDENTIAL]\n", "CONFIDENTIAL"),
        ("[Inserted: TOP\nSECRET]\n", "TOP SECRET"),
        ("{~~UNCLASSIFIED~>SECRET~~}\n", "SECRET"),
        ("Subject: FW: [EXT] [NATO SECRET] convoy\n", "SECRET"),
        ("Subject: RE: FW: [EXT] [NATO SECRET] convoy\n", "SECRET"),
        ("Jean \u2192 Ops: SECRET UE\n", "SECRET"),
        ("Jean -> Ops: SECRET UE\n", "SECRET"),
        ("<banner><![CDATA[NATO SEC]]><![CDATA[RET]]></banner>\n", "SECRET"),
        ("       01  WS-BANNER  PIC X(11) VALUE 'NATO SECRET'.\n", "SECRET"),
        ('<!DOCTYPE doc [<!ENTITY cls "COSMIC TOP SECRET">]>\n', "TOP SECRET"),
        # capitals after a word still count
        ("Finance;SECRET\n", "SECRET"),
        ('msgid "RESTRICTED"\n', "RESTRICTED"),
    ],
)
def test_round6_minimal_examples(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, text).level == level


@pytest.mark.parametrize(
    "text",
    [
        "name;visibility\nFinance;restricted\n",
        "Finance;secret\n",
        'msgid "Restricted"\nmsgstr "Eingeschr\u00e4nkt"\n',
        'msgid "Confidential"\nmsgstr "Vertraulich"\n',
        'msgstr "Confidentiel"\n',
        "[b]Top Secret![/b] The new trailer is out\n",
        ":lock: Secret recipe for Sunday\n",
        "2secret\n",
        "2Secret Santa\n",
        "SECRETpage 2\n",
        "Secretpage\n",
        "[Deleted: Secret Santa on Friday]\n",
        "Subject: RE: FW: Top secret recipe\n",
        "Jean -> Ops: Secret Santa at 5\n",
        "<p><![CDATA[Secret]]><![CDATA[ary]]></p>\n",
        "INSERT INTO t VALUES 'Secret garden'\n",
        "the value 'Top Secret' is a film\n",
        "# Secret Garden {#intro .lead}\n",
    ],
)
def test_the_same_syntax_in_everyday_text_stays_unclassified(
    default_policy: Policy, text: str
) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"
