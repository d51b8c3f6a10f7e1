"""Red team round 9's findings (issue 9): a portion mark after a heading's or a section's
number, and false raises (a question's number before a choice's letter, a size list, a
commit log's tags). Each new family streams as it reads whole; the everyday forms of the
same syntax stay UNCLASSIFIED. Whole-text accuracy, alone and in pairs, is in
test_policy_families.py.
"""

from __future__ import annotations

import pytest

from milai.policy import Policy, check_text
from tests.policy.families import shipped_policy, singles
from tests.policy.test_policy_stream_properties import assert_family_streams

MINE = ("portion-outline", "base64-glued", "leet-symbols")


@pytest.mark.parametrize("family", MINE)
def test_a_family_streams_as_it_reads_whole(family: str) -> None:
    assert_family_streams(family, 12)


@pytest.mark.parametrize("family", MINE)
def test_every_marking_of_every_policy_is_read_through_the_family(family: str) -> None:
    cases = singles(only=family)
    assert cases and all(case.families == (family,) for case in cases)
    for case in cases:
        found = check_text(shipped_policy(case.target.policy), case.text).level
        assert found == case.target.level, (case.id, case.text, found)


@pytest.mark.parametrize(
    "text",
    [
        # numbered headings and sections without a portion mark, or with a list's letter
        "### 3.1 Movement of the convoy\n",
        "## 2. Logistics (see annex)\n",
        "§ 3 (1) Der Vertrag endet am 31. März.\n",
        "§ 3 (s) siehe oben\n",
        "Art. 4 (a) the parties agree\n",
        "Art. 4 (C) 2024 Acme Corp.\n",
        "1.a (see above) the figures\n",
        "e.g. (S) enantiomer\n",
        "A.1.2 (b) De leverancier levert binnen 30 dagen.\n",
        "2.1 (L) Large: 4 pcs\n",
        "Section 3.2 (ii) Les parties conviennent.\n",
        "D'Artikel 4 (a) gëllt net.\n",
        # a question's or an exercise's number before the letter of its choice
        "Q3: (C) The mitochondria\n",
        "Q 12: (S) The answer is wrong\n",
        "Question 3: (C) The cell wall\n",
        "Question n° 3 : (C) La mitochondrie\n",
        "Vraag 3: (C) De mitochondriën\n",
        "Frage 3: (C) die Mitochondrien\n",
        "Aufgabe 2b: (C) Die Zelle\n",
        "Exercise 4: (S) The sodium ion\n",
        "Fro 5: (C) D'Zell\n",
        # a size list's items: a size's word after the letter, or sizes before it
        "- (S) Small: 2 pcs\n",
        "- (S) Petit : 2 pièces\n",
        "* (M) Medium\n",
        "- (S) Klein: 3 Stück\n",
        "- (S) Klein (36-38)\n",
        "- (S) Kleng: 2 Stéck\n",
        "- (S) Small / 36\n",
        "- (XL) Extra large: 1\n- (L) Large: 2\n- (M) Medium: 3\n- (S) 4 pcs\n",
        "(L) Groot: 1\n(M) Middel: 2\n(S): 3 stuks\n",
        # a commit log's lines: a hash, a language's tag, a verb
        "3f2a9c1 [TS] Fix type error in parser\n",
        "3f2a9c1 [C] Free the buffer on error\n",
        "a1b2c3d4e5 [TS] Add strict null checks\n",
        "9e8d7c6 [S] Remove the unused macro\n",
        # symbols among letters and digits: shell pipes, code, prices, a leet word in prose
        "ls -la | grep secret | wc -l\n",
        "cat log.txt |2 grep |\\| wc\n",
        "if (x + y) { return a|2; }\n",
        "int c = (CONFIDENTIAL + 1);\n",
        "x = N|2 + C++;\n",
        "Le livre coûte 5 € (C++ pour débutants).\n",
        "Preis: 12,50 € pro Stück, £10 in London\n",
        "De prijs is €5 per stuk.\n",
        "De Präis ass 5€ d'Stéck.\n",
        "The 5EC|2E7 plan is nice, said Anna.\n",
        "C++ and C# are languages; (S)he agreed.\n",
        "grep -E '(SEC|RET)' file.txt\n",
        # key=value lines whose values decode to nothing readable, or to no marking
        "password=Hunter22 size=XL\n",
        "level=info msg=started user=jd id=5f3a9c1e\n",
        "https://example.org/search?q=TWFueSBoYW5kcyBtYWtlIGxpZ2h0IHdvcms&page=2\n",
        "session=YWJjZGVmZ2hpams user=anna\n",
        "token=eyJhbGciOiJIUzI1NiJ9 exp=1700000000\n",
    ],
)
def test_round9_everyday_text_stays_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, "Intro.\n\n" + text).level == "UNCLASSIFIED"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # symbol leetspeak in marking contexts
        ("5EC|2E7\n", "SECRET"),
        ("5E(R37\n", "SECRET"),
        ("$ECRE+ UE\n", "SECRET"),
        ("|\\|470 53CR37\n", "SECRET"),
        ("(0NFIDENTIAL\n", "CONFIDENTIAL"),
        ("S3CR€T UE\n", "SECRET"),
        ("Classification: $ECRE+\n", "SECRET"),
        ("[5EC|2E7] Convoy plan\n", "SECRET"),
        # a value glued after its key's "="
        ("token=TkFUTyBTRUNSRVQ\n", "SECRET"),
        ("level=info msg=TkFUTyBTRUNSRVQ user=jd\n", "SECRET"),
        ("https://x.example/v?c=TkFUTyBTRUNSRVQ&x=1\n", "SECRET"),
        # portion marks after a heading's or a section's number
        ("### 3.1 (S) Movement of the convoy\n", "SECRET"),
        ("## 2. (C) Logistics are in place.\n", "CONFIDENTIAL"),
        ("**1. (S)** The convoy leaves at 0600.\n", "SECRET"),
        ("§ 3 (S) Der Konvoi fährt um 6 Uhr.\n", "SECRET"),
        ("1.a (S) The convoy leaves at 0600.\n", "SECRET"),
        ("A.1.2 (TS) The convoy leaves at 0600.\n", "TOP SECRET"),
        ("Art. 4 (C) De colonne vertrekt om 6 uur.\n", "CONFIDENTIAL"),
        # a portion mark stays one where the evidence is missing
        ("3. (C) The mitochondria are the plant's power station.\n", "CONFIDENTIAL"),
        ("Task: (S) The convoy leaves at 0600.\n", "SECRET"),
        ("(S) Small units move at dawn.\n", "SECRET"),
        ("- (S) Smallpox cases rose.\n", "SECRET"),
        ("(M) Medium\n(S) The convoy leaves at noon.\n", "SECRET"),
        ("3f2a9c1 [S] Convoy plan update\n", "SECRET"),
        ("3f2a9c1a [NATO SECRET] convoy\n", "SECRET"),
        # README: without a hash, a tag before a capital is read as a portion mark
        ("[TS] Fix the convoy's position at the bridge.\n", "TOP SECRET"),
    ],
)
def test_round9_marks_still_read(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, "Intro.\n\n" + text).level == level
