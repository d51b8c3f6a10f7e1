"""Red team round 5's model-hide family (issue 9): a marking spelled down a structure, one
letter or one word per unit (list items, paragraphs, the values of consecutive keys, a
table's rows), read as its reader reads it, top to bottom. Each family streams as it reads
whole; the same structures in everyday text (a size table, a reading list, grades, an
acrostic, chess moves) stay UNCLASSIFIED. Whole-text accuracy, alone and in pairs, is in
test_policy_families.py; the everyday corpus in test_policy_everyday.py.
"""

from __future__ import annotations

import pytest

from milai.policy import Policy, check_text
from milai.policy._spelled import Unit, cells, last_word, read_run, word_ends
from milai.policy.detect import Scanner, SpelledDownUnit, SpelledState
from tests.policy.families import UNIT_SPLITS
from tests.policy.test_policy_stream_long_lines import _released
from tests.policy.test_policy_stream_properties import (
    _assert_stream_properties,
    assert_cuts_stream,
    assert_family_streams,
)

MINE = sorted(UNIT_SPLITS)
BODY = "The convoy leaves the depot at 05:00 and reaches the border by noon.\n"


@pytest.mark.parametrize("family", MINE)
def test_a_family_streams_as_it_reads_whole(family: str) -> None:
    assert_family_streams(family, 6)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # 1. words as numbered or bulleted items
        ("Header words:\n1. TOP\n2. SECRET\n\n" + BODY, "TOP SECRET"),
        ("a) NATO\nb) SECRET\n" + BODY, "SECRET"),
        ("- TRÈS\n- SECRET\n- UE\n", "TOP SECRET"),
        ("\u2022 VS-NUR\n\u2022 FÜR\n\u2022 DEN\n\u2022 DIENSTGEBRAUCH\n", "RESTRICTED"),
        ("1) COSMIC\n\n2) TOP\n\n3) SECRET\n\n" + BODY, "TOP SECRET"),
        ("* URGENT\n* TOP\n* SECRET\n", "TOP SECRET"),
        ("1. S\n2. E\n3. C\n4. R\n5. E\n6. T\n", "SECRET"),
        # 4. letters in separate paragraphs
        ("S\n\nE\n\nC\n\nR\n\nE\n\nT\n\n" + BODY, "SECRET"),
        ("G\n\n\nE\n\n\nH\n\n\nE\n\n\nI\n\n\nM\n" + BODY, "SECRET"),
        # 3. one letter per value, on one line or one a line
        ('{"1": "S", "2": "E", "3": "C", "4": "R", "5": "E", "6": "T"}\n', "SECRET"),
        (
            '{\n  "a": "Z",\n  "b": "E",\n  "c": "E",\n  "d": "R",\n  "e": "G",\n  "f": "E",\n'
            '  "g": "H",\n  "h": "E",\n  "i": "I",\n  "j": "M"\n}\n',
            "TOP SECRET",
        ),
        ('[\n  "S",\n  "E",\n  "C",\n  "R",\n  "E",\n  "T"\n]\n', "SECRET"),
        (
            "letter_1: A\nletter_2: T\nletter_3: O\nletter_4: M\nletter_5: A\nletter_6: L\n",
            "TOP SECRET",
        ),
        ("{0: 'C', 1: 'U', 2: 'I'}\n", "RESTRICTED"),
        # 2. a table's column read down
        (
            "| Letter | Meaning |\n|---|---|\n| N | north |\n| A | alpha |\n| T | tango |\n"
            "| O | oscar |\n| S | sierra |\n| E | echo |\n| C | charlie |\n| R | romeo |\n"
            "| E | echo |\n| T | tango |\n",
            "SECRET",
        ),
        ("| # | Word |\n|---|---|\n| 1 | EU |\n| 2 | TOP |\n| 3 | SECRET |\n", "TOP SECRET"),
        ("part,meaning\nS,sierra\nE,echo\nC,charlie\nR,romeo\nE,echo\nT,tango\n", "SECRET"),
        ("part\tmeaning\nS\tsierra\nE\techo\nC\tcharlie\nR\tromeo\nE\techo\nT\ttango\n", "SECRET"),
        # tabs that indent a line cut no cells; a leetspeak symbol alone is a unit
        ("\t\t\t  - COSMIC\n\n  - TOP\n\n  - SECRET\n" + BODY, "TOP SECRET"),
        ("\t\t\tR\n\n\nE\n\n\nS\n\n\nT\n\n\nR\n\n\nI\n\n\nC\n\n\nT\n\n\nE\n\n\nD\n", "RESTRICTED"),
        ("R\n\n3\n\n$\n\n7\n\nR\n\n3\n\n1\n\nN\n\n7\n\nL\n\nU\n\nX\n" + BODY, "RESTRICTED"),
        ("C\n\nO\n\nN\n\nF\n\n!\n\nD\n\n3\n\nN\n\n7\n\nI\n\nA\n\nL\n", "CONFIDENTIAL"),
        # look-alikes and leetspeak in the units
        ("1. T0P\n2. 5ECRET\n", "TOP SECRET"),
        ("- \ua731\n- \u1d07\n- \u1d04\n- \u0280\n- \u1d07\n- \u1d1b\n", "SECRET"),
    ],
)
def test_spelled_down_minimal_examples(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, text).level == level


EVERYDAY = [
    "| Size | Label |\n|---|---|\n| S | small |\n| M | medium |\n| L | large |\n",
    "S,small\nM,medium\nL,large\nXL,extra large\n",
    "1. Top\n2. Secret garden\n3. The Hobbit\n",
    "1. Top\n2. Secret\n",
    '{"a": "A", "b": "B", "c": "C"}\n',
    "Secrets of the sea,\nEvery wave a word,\nCarried on the wind,\nRising with the tide,\n"
    "Ever at the shore,\nTelling what it heard.\n",
    "Secret\n\nEvery\n\nCloud\n\nRains\n\nEventually\n\nToo\n",
    "s\n\ne\n\nc\n\nr\n\ne\n\nt\n",
    "1. e4 e5\n2. Nf3 Nc6\n3. Bb5 a6\n4. Ba4 Nf6\n5. O-O Be7\n",
    "1. B\n2. D\n3. A\n4. C\n5. B\n",
    "primer\tbase\n1\tA\n2\tC\n3\tG\n4\tT\n",
    # joined across a break of more than two blank lines, or across prose, nothing is spelled
    "TOP\n\n\n\nSECRET garden party\n",
    "S\nThe convoy\nE\nC\nR\nE\nT is a letter\n",
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_the_same_structures_in_everyday_text_stay_unclassified(
    default_policy: Policy, text: str
) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


STREAMED = [
    "Header words:\n1. TOP\n2. SECRET\n\n" + BODY,
    "S\n\nE\n\nC\n\nR\n\nE\n\nT\n\n" + BODY,
    '{"1": "S", "2": "E", "3": "C", "4": "R", "5": "E", "6": "T"}\nok\n',
    "| L | x |\n|---|---|\n| S | s |\n| E | e |\n| C | c |\n| R | r |\n| E | e |\n| T | t |\n",
    "a\tb\nS\tx\nE\tx\nC\tx\nR\tx\nE\tx\nT\tx\ndone\n",
    # a tab is a blank in the views: the row is held from its start while it is written
    "a\tb\nS\tsierra is a letter\nE\techo is one\nC\tcharlie is one\nR\tromeo is one\n"
    "E\techo again\nT\ttango is the last\ndone\n",
    "| Size | Label |\n| S | small |\n| M | medium |\n",
]


@pytest.mark.parametrize("text", STREAMED)
def test_every_single_cut_reads_as_the_whole(default_policy: Policy, text: str) -> None:
    # every cut in CI (tests/scale.py); one character at a time below
    assert_cuts_stream(default_policy, text, one_character=False)


@pytest.mark.parametrize("text", STREAMED[:3])
def test_one_character_at_a_time(default_policy: Policy, text: str) -> None:
    _assert_stream_properties(default_policy, text, list(text))


def _units(*keys: str) -> list[Unit]:
    return [Unit(key, n, n + 1, n, len(key) == 1) for n, key in enumerate(keys)]


WORDS = {
    "secret": word_ends(["secret"]),
    "topsecret": word_ends(["top", "secret"]),
    "secretue": word_ends(["secret", "ue"]),
    "natosecret": word_ends(["nato", "secret"]),
    "geheim": word_ends(["geheim"]),
}
KEYS = sorted(WORDS)


def test_a_run_reads_the_longest_marking_from_each_unit() -> None:
    found, decided = read_run(_units("top", "secret", "ue"), KEYS, WORDS, final=True)
    assert found == [(0, 2, "topsecret")]
    assert decided == 3
    found, _ = read_run(_units("x", "s", "e", "c", "r", "e", "t", "u", "e"), KEYS, WORDS, True)
    assert found == [(1, 9, "secretue")]


def test_a_stretch_that_may_still_grow_is_not_decided() -> None:
    units = _units("n", "a", "t", "o", "s", "e", "c", "r", "e", "t")
    found, decided = read_run(units, KEYS, WORDS, final=False)
    assert (found, decided) == ([], 0)  # NATO SECRET may still become NATO SECRET …
    found, decided = read_run([*units, Unit("x", 10, 11, 10)], KEYS, WORDS, False)
    assert found == [(0, 10, "natosecret")]
    assert decided == 11  # "x" begins no key: decided too


def test_a_unit_holds_one_letter_or_whole_words() -> None:
    """A word cut in two over units is no word a unit (a folded line's GEHE / IM)."""
    assert read_run(_units("gehe", "im"), KEYS, WORDS, final=True)[0] == []
    assert read_run(_units("g", "e", "h", "e", "i", "m"), KEYS, WORDS, True)[0] == [
        (0, 6, "geheim")
    ]


def test_one_unit_alone_is_left_to_the_banner_readers() -> None:
    found, _ = read_run(_units("secret", "x"), KEYS, WORDS, final=True)
    assert found == []


def test_cells_and_the_last_word() -> None:
    assert cells("| s | north |") == [(0, 0), (1, 4), (5, 12), (13, 13)]
    assert cells("s north", [1]) == [(0, 1), (2, 7)]
    assert last_word('  "1": "sec', 0, 11) == (8, 11)
    assert last_word("top**  ", 0, 7) == (0, 3)
    assert last_word("  ", 0, 2) is None


def test_a_prose_line_streams_while_it_is_written(default_policy: Policy) -> None:
    """The reader holds an unfinished line only from a cell whose last word may begin a
    marking's key: prose goes out word by word, not line by line."""
    text = "The convoy leaves the depot at five and reaches the border by noon. " * 20
    before, released, _ = _released(default_policy, list(text))
    assert released == text
    assert len(before) > 0.95 * len(text)


@pytest.mark.parametrize(
    ("fed", "held_from"),
    [
        ("a\tb\nS\tsierra is a lett", 4),  # a tab-separated row: from its start
        ("| a | b |\n| S | sierra is a lett", 11),  # from the first cell that may be a unit
        ("| a | b |\n| S | s |\n| E | e |\n| C | charlie", 12),  # from the stretch's first unit
        ("S\n\nE\n\nthe convoy leaves the depot", 0),  # the stretch from S
        ("1. TOP\n2. SECRET\n3. UE\nnot a unit: nothing held", 47),  # all decided
        ("The convoy leaves the depot at fi", 33),  # prose: only the last word, if ever
        ("func main() {\n\tfmt.Println(x)\n\t\tfmt.Println(y", 45),  # tabs that indent
    ],
)
def test_what_the_reader_itself_holds_back(
    default_policy: Policy, fed: str, held_from: int
) -> None:
    """The reader's own release point (other units hold lines of their own): the first unit
    of a stretch that may still grow, else the unfinished line's first cell that may still
    become a unit, else nothing."""
    scanner = Scanner(default_policy.engine)
    scanner.feed(fed)
    ((unit, state),) = [(u, s) for u, s in scanner.runs if isinstance(u, SpelledDownUnit)]
    assert isinstance(state, SpelledState)
    assert unit.release(scanner, state) == held_from
