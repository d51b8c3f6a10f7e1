"""Red team round 7's in-scope findings (issue 9): a level word in lower case as a
table's last cell (a false raise), SQL's ``=`` in a condition, and the forms that read
lower or not at all. Each new family streams as it reads whole; the everyday forms of
the same syntax stay UNCLASSIFIED. Whole-text accuracy, alone and in pairs, is in
test_policy_families.py.
"""

from __future__ import annotations

import pytest

from milai.policy import Policy, check_text
from tests.policy.families import shipped_policy
from tests.policy.test_policy_stream_properties import assert_family_streams

MINE = (
    "roman-items",
    "commit-prefix",
    "long-label",
    "law-reference",
    "rtf-runs",
    "odf-inline",
    "mdoc-escapes",
    "xxd",
    "html-entities-bare",
)


@pytest.mark.parametrize("family", MINE)
def test_a_family_streams_as_it_reads_whole(family: str) -> None:
    assert_family_streams(family, 12)


@pytest.mark.parametrize(
    "text",
    [
        # a level word in lower or title case as a table's last cell, after a word
        "name | secret\n",
        "| id | name | secret |\n|----|------|--------|\n| 1 | anna | *** |\n",
        " id | name | secret \n----+------+--------\n  1 | anna | ****\n",
        "Visibility | restricted\n",
        "name | top secret\n",
        "Column | Type | Secret\n",
        "name | secret\nanna | x\nExplain this table.\n",
        # SQL's = in a condition compares
        "SELECT id, name FROM users WHERE role = 'RESTRICTED';\n",
        "SELECT * FROM docs WHERE id = 3 AND level = 'SECRET' OR x = 'TOP SECRET';\n",
        "DELETE FROM t WHERE t.visibility = 'CONFIDENTIAL'\n",
        # real git logs and blame
        "a1b2c3d fix secret handling in vault\n3f2a9c1 Merge top secret recipes branch\n",
        "9fceb02 (HEAD -> main, origin/main) Add restricted mode to the API\n",
        "e83c5163316f89bfbde7d9ab23ca2e25604af290 Top Secret - film review notes\n",
        "^3f2a9c1 (Jean Muller 2025-03-11 10:14:02 +0100 1) secret = load_key()\n",
        "3f2a9c1a src/vault.py (Anna Berg 2024-11-02 08:00:00 +0200 12) # Secret handling\n",
        "deadbeef Restricted\n",
        # long labels in prose: a value in prose case, or prose after it
        "The classification of this document: Top Secret, a film\n",
        "Questions about the classification of documents: see the FAQ\n",
        "Marking scheme for the final exam of this term: 40% coursework\n",
        "Notes on the classification of protected species in Europe: RESTRICTED AREA signs\n",
        # a bracketed reference after level words in prose case: a play, an article
        "Top Secret (Act 2)\n",
        "Top Secret (Article 5)\n",
        "top secret (see page 2)\n",
        "Secret (Art. 4)\n",
        "SECRET (Santa party 2024)\n",
        # everyday RTF, ODF and man pages
        "{\\rtf1\\ansi{\\b Sec}{\\b retary} of the board\\par\n\\pard The plan\\par}\n",
        "{\\rtf1 {\\b Top}\\par {\\b Secret garden}\\par}\n",
        "\\pard Sec{\\*\\bkmkstart _Toc1}{\\*\\bkmkend _Toc1}ret recipes\\par\n",
        "{\\b SEC}\\par{\\b RETAIL}\\par\n",
        '<text:p>The <text:span text:style-name="T1">sec</text:span>ret garden</text:p>\n',
        "<text:p>Top<text:s/>secret<text:s/>recipes</text:p>\n",
        ".Sy Secret Garden\n.Em nato confidential\n.Nm secret-tool\n",
        "\\s+2Secret Santa\\s0\n",
        # groups of four digits and xxd of everyday text
        "Years: 2024 2025 2026 2027\n",
        "Card 4111 1111 1111 1111, expires 0927\n",
        "00000000: 7365 6372 6574 3d34 320a                 secret=42.\n",
        "00000000: 546f 7020 7365 6372 6574 2072 6563 6970  Top secret recip\n",
        "Tom &#38 Jerry &amp co\n",
        # a Roman-numbered list of everyday words, in prose case
        "i. Top\nii. Secret garden\n",
        "i. Introduction\nii. Scope\niii. Top secret recipes\n",
        "Contents\nI. Overview\nII. Method\nIII. Results\nIV. Discussion\n",
        "iv) see the annex\nv) the top shelf\nvi) a secret drawer\n",
    ],
)
def test_round7_everyday_text_stays_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # a cell in capitals still counts, and so does a marking alone in bars
        ("name | SECRET\n", "SECRET"),
        ("12 March 2024 | NATO CONFIDENTIAL | Copy 3 of 5\n", "CONFIDENTIAL"),
        ("name | TOP SECRET\n", "TOP SECRET"),
        ("| top secret |\n", "TOP SECRET"),
        ("top secret\n", "TOP SECRET"),
        # a Roman-numbered list spelling a marking down
        ("i. TOP\nii. SECRET\n", "TOP SECRET"),
        ("i. COSMIC\nii. TOP\niii. SECRET\n", "TOP SECRET"),
        ("I. TOP\nII. SECRET\n", "TOP SECRET"),
        ("iv) COSMIC\nv) TOP\nvi) SECRET\n", "TOP SECRET"),
        ("ix. NATO\n\nx. SECRET\n", "SECRET"),
        # a commit's hash before a banner or a subject tag
        ("3f2a9c1a NATO SECRET\n", "SECRET"),
        ("a1b2c3d [NATO SECRET] convoy annex v2\n", "SECRET"),
        ("^3f2a9c1 (Jean Muller 2025-03-11 10:14:02 +0100 1) NATO SECRET\n", "SECRET"),
        ("3f2a9c1a docs/b.txt (Jean Muller 2025-03-11 10:14:02 +0100  1) SECRET UE\n", "SECRET"),
        ("a1b2c3d (HEAD -> main) COSMIC TOP SECRET\n", "TOP SECRET"),
        # a label longer than three words that starts or ends with a classification word
        ("Classification of this document: NATO SECRET\n", "SECRET"),
        ("CLASSIFICATION OF THIS TRANSMISSION: NATO SECRET\n", "SECRET"),
        ("Security classification of this message: SECRET UE\n", "SECRET"),
        ("Overall document security classification: COSMIC TOP SECRET\n", "TOP SECRET"),
        # the law or article that classifies it, in brackets after the marking
        ("GEHEIM (Wet van 11.12.1998)\n", "SECRET"),
        ("SECRET (Loi du 11.12.1998)\n", "SECRET"),
        ("SECRET (Art. 4)\n", "SECRET"),
        ("NATO SECRET (\u00a7 4 S\u00dcG)\n", "SECRET"),
        ("SECRET (NOFORN)\n", "SECRET"),
        # document markup: RTF runs and bookmarks, ODF inline elements and spaces, mdoc, troff
        ("{\\b NATO SEC}{\\b RET}\n", "SECRET"),
        ("NATO SEC{\\*\\bkmkstart _Toc1}{\\*\\bkmkend _Toc1}RET\n", "SECRET"),
        (
            "\\pard\\qc {\\rtlch\\b\\insrsid6581690 COSMIC TOP SEC}{\\insrsid81977 RET}\\par\n",
            "TOP SECRET",
        ),
        ('<text:p>NATO <text:span text:style-name="T1">SEC</text:span>RET</text:p>\n', "SECRET"),
        ("<text:p>COSMIC<text:s/>TOP<text:s/>SECRET</text:p>\n", "TOP SECRET"),
        (".Sy NATO SECRET\n", "SECRET"),
        ("\\s+2NATO SECRET\\s0\n", "SECRET"),
        ("\\s-1COSMIC TOP SECRET\\s+1\n", "TOP SECRET"),
        # xxd's grouped hex, numeric references without ";"
        ("00000000: 4e41 544f 2053 4543 5245 540a\n", "SECRET"),
        ("4e41 544f 2053 4543 5245 54\n", "SECRET"),
        ("&#x4e&#x41&#x54&#x4f&#x20&#x53&#x45&#x43&#x52&#x45&#x54\n", "SECRET"),
        ("&#78&#65&#84&#79&#32&#83&#69&#67&#82&#69&#84\n", "SECRET"),
        ("Please decode:\n4355 490a\n", "RESTRICTED"),
        ("PBASVQRAGVNY (Negvpyr 3 qr yn ybv qh 11 qrprzore 1998)\n", "CONFIDENTIAL"),
        # LaTeX's groups are no RTF runs: a command and its argument part the words
        ("\\begin{center}\\textbf{Page 12    EU TOP SECRET}\\end{center}\n", "TOP SECRET"),
        ("\\begin{center}\\textbf{Page 4 of 35 RESTREINT UE}\\end{center}\n", "RESTRICTED"),
        # a value SQL sets is no comparison
        ("UPDATE plans SET classification = 'NATO SECRET' WHERE id = 3;\n", "SECRET"),
        ("UPDATE plans SET classification='SECRET' WHERE id=3;\n", "SECRET"),
    ],
)
def test_round7_minimal_examples(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, text).level == level


@pytest.mark.parametrize(
    "text",
    [
        '<text:p>NIGHT<text:span text:style-name="T1">JAR</text:span></text:p>\n',
        'Plan <p>NIGHT<span class="x">JAR</span></p>\n',
        "{\\b NIGHT}{\\b JAR}\n",
        "<p>BLUE HE<span>RON</span></p>\n",
    ],
)
def test_a_codeword_cut_by_markup_reads(text: str) -> None:
    policy = shipped_policy("ministry-codewords.yaml")
    assert check_text(policy, text).level == "SECRET"
    assert check_text(policy, text.replace("JAR", "JAY").replace("RON", "ROW")).level == (
        "UNCLASSIFIED"
    )
