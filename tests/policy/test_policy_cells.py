"""Cells of a line and the page numbers before a banner: the pair families that the
corpus report's full pair run found missed (issue 9), as rules, with the everyday text
next to them that must stay as it is, and adversarial lines that must stay fast."""

from __future__ import annotations

import itertools
import time

import pytest

from milai.policy import Policy, check_stream, check_text
from milai.policy.detect import LineOutlook
from milai.policy.normalise import skeleton
from tests.levels import assert_reads_at_least

CAUGHT = [
    # page numbers without a word, two page numbers, a page number after a label
    ("- 8 -          TOP SE-\nCRET\nThe plan.", "TOP SECRET"),
    ("3/39    NATO SECRET ATOM-\nAL\nThe plan.", "SECRET"),
    ("- 5 -\tCONFIDEN-\nTIAL\nThe plan.", "CONFIDENTIAL"),
    ("p. 7 Page 1/9 - CONFIDENTIAL - Exemplaire n° 2\nThe plan.", "CONFIDENTIAL"),
    ("Klassifikatioun : p. 7 TOP SECRET\nThe plan.", "TOP SECRET"),
    ("Classification = Seite 5 SECRET\nThe plan.", "SECRET"),
    # letters spelt out in a cell: the lead's "S." is the marking's, not a list letter
    ("Réf. 2024/117 du 3 mars\tN. A. T. O   C. O. N. F. I. D. E. N. T. I. A. L", "CONFIDENTIAL"),
    ("Ref\tS. E. C. R. E. T", "SECRET"),
    # bars or wide gaps between single letters are letter gaps, not cell delimiters
    ("Appendix 2 to Annex C\t\tS||T||R||E||N||G    G||E||H||E||I||M", "SECRET"),
    ("<td>S||E||C||R||E||T</td><td>Convoy plan</td>", "SECRET"),
    ("3 mars 2024|T  R  È  S    S  E  C  R  E  T    L  U  X|Exemplaire n° 2", "TOP SECRET"),
    ("Ref. J2/44 | V  S  V  E  R  T  R  A  U  L  I  C  H | Draft v2", "CONFIDENTIAL"),
    # a quoted value is cut into cells; <<…>> is a wrapper, not a tag; a role is markup
    ('<meta name="dc.subject" content="Ref. J2/44 | CONFIDENTIAL | Draft v2">', "CONFIDENTIAL"),
    ('<input value="Annex A to OPORD 3/24        NATO SECRET" readonly>', "SECRET"),
    ("Anlage 3 zum Befehl Nr. 12      <<SECRET UE>>", "SECRET"),
    ("Annex A to OPORD 3/24          [.big]*CONFIDENTIAL*", "CONFIDENTIAL"),
    # a marking split over lines inside cells
    ("12 March 2024 | REST-\nRICTED | Exemplaire n° 2\nThe plan.", "RESTRICTED"),
    ("Annex A to OPORD 3/24        TOP\n        SECRET\nThe plan.", "TOP SECRET"),
    ("Ref. J2/44|VS-NUR\nFUER\nDEN\nDIENSTGEBRAUCH|Copy 3 of 5\n", "RESTRICTED"),
    ("{\\rtf1\\ansi {\\b RESTRI-\nCTED\\par}\nThe plan.", "RESTRICTED"),
    ('<input value="RE-\nSTREINT LUX" readonly>\nThe plan.', "RESTRICTED"),
    ('<meta name="dc.subject" content="CON-\nFIDENTIAL">\nThe plan.', "CONFIDENTIAL"),
    # the cells of an upside-down line, its letters turned small
    ("1 ǝƃɐd|pǝʇɔᴉɹʇsǝɹ oʇɐu|4202 ɥɔɹɐɯ 21\nThe plan.", "RESTRICTED"),
    ("<ǝlʇᴉʇ/>lɐᴉʇuǝpᴉɟuoɔ<ǝlʇᴉʇ>\nThe plan.", "CONFIDENTIAL"),
    # odd case is evasion, whatever case a marking's other words are in (a cell, a subject)
    ("12 March 2024  |  rEsTrEiNt Ue  |  Exemplaire n° 2\nThe plan.", "RESTRICTED"),
    ('<meta property="og:title" content="cOnFiDeNtIeL Ue" />\nThe plan.', "CONFIDENTIAL"),
    ("Subject: rEsTrEiNt Ue agenda for Monday\n\nThe plan.", "RESTRICTED"),
    ("Bijlage 4 bij nota 2024-88\tsEcReT Ue\nThe plan.", "SECRET"),
    ("v<!-- ToDo: FiX -->s-NfD\n\nThe plan.", "RESTRICTED"),
    # a comment inside a CSV column's value is not read (a reader never sees it)
    ("owner,Classification,id\nJ. Weber,RES<!-- x -->TREINT UE,100\n", "RESTRICTED"),
    ("owner;id;Classification\nJ. Weber;100;VS-VERTR<!-- x -->AULICH\n", "CONFIDENTIAL"),
    # a doubled quote is one quote; a value over 200 characters is read in its first 200
    ('<meta property="og:title" content=""NATO SECRET"" />\nThe plan.', "SECRET"),
    ('id,"""TOP SECRET""",3\nThe plan.', "TOP SECRET"),
    ('<input value="' + " / ".join(["NATO CONFIDENTIAL"] * 14) + '">\nThe plan.', "CONFIDENTIAL"),
    # a quoted value left open ends at its quote on the next line, after an indented cell
    ('<input value="    NATO\nSECRET" readonly>\nThe plan.', "SECRET"),
    ('<input value="    CONFIDENTIEL\n    UE" readonly>\nThe plan.', "CONFIDENTIAL"),
]

EVERYDAY = [
    "Page 3 of 12    The plan for Monday\nAgenda.",
    "- 2 -    Secret recipes of the house\nFlour, eggs.",
    "Step 1/3  Mix the flour\nStep 2/3  Bake for an hour",
    "Seite 4 von 9    Protokoll der Sitzung",
    "| Name | Status |\n| Weber | done |\n| 1984 | 1985 |",
    "12 March 2024 | Top\nSecret recipe | page 2",
    '<input value="Con-\nfidential stuff" readonly>',
    "Name:\tJ. Weber\nStatus:\tdone\n",
    "a  b  c  d  e  f  g  h  i  j  k  l  m  n  o  p  q  r  s  t  u  v  w  x  y  z",
    "id\tsize\tcount\n1\t2\t3\n4\t5\t6\n",
    "ʇxǝʇ uʍop ǝpᴉsdn",
    "Subject: Top secret recipe for Monday\n\nFlour, eggs.",
    '<input placeholder="" value="Secret garden">',
    'name,note\nWeber,"""Secret"" was the film"\n',
    '<p title="' + " and on" * 40 + ' the Top Secret film">x</p>',
    "Brand | iPhone Secret Edition | 2024",
]


@pytest.mark.parametrize(("text", "level"), CAUGHT)
def test_caught_at_its_level(default_policy: Policy, text: str, level: str) -> None:
    assert_reads_at_least(default_policy, text, level)


@pytest.mark.parametrize(("text", "level"), CAUGHT)
def test_streamed_in_small_pieces_as_whole(default_policy: Policy, text: str, level: str) -> None:
    whole = check_text(default_policy, text)
    for size in (1, 3, 7):
        pieces = [text[i : i + size] for i in range(0, len(text), size)]
        streamed = check_stream(default_policy, pieces)
        assert (streamed.level, [(f.rule, f.start, f.end) for f in streamed.findings]) == (
            whole.level,
            [(f.rule, f.start, f.end) for f in whole.findings],
        )


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_text_is_not_raised(default_policy: Policy, text: str) -> None:
    decision = check_text(default_policy, text)
    assert decision.level == default_policy.lowest, decision.findings


def test_a_line_start_is_read_with_its_lead_letters_left_to_the_marking(
    default_policy: Policy,
) -> None:
    engine = default_policy.engine
    for line in ("S. E. C. R. E. T", "Page 3 S. E. C. R. E. T", "n. a. t. o   s. e. c"):
        assert engine.line_outlook(skeleton(line)) is LineOutlook.OPEN, line
    # a complete cell: a whole marking after its lead, or nothing to read
    assert engine.line_outlook(skeleton("S. E. C. R. E. T"), complete=True) is LineOutlook.OPEN
    for cell in ("1", "- 1 -", "Page 3 of 7", "SECR", "Classification"):
        assert engine.line_outlook(skeleton(cell), complete=True) is LineOutlook.RULED_OUT, cell


def _rep(piece: str, size: int = 20_000) -> str:
    return (piece * (size // len(piece) + 1))[:size]


ADVERSARIAL = [
    _rep("- 1 - "),
    _rep("1/1 "),
    _rep("p 1 "),
    _rep("Classification: Page 2 "),
    _rep("|"),
    _rep("S||"),
    _rep("a  "),
    _rep("a  bb  "),
    _rep("<<a>"),
    _rep('v="A  B | C" '),
    "\n".join([_rep("- 1 -\t", 200)] * 100),
    "\n".join(["Ref\t" + _rep("S  E  ", 300)] * 60),
    "\n".join(["1\t2\t3\t4\t5\t6\t7\t8"] * 1000),
    "\n".join(['x | TOP value="SE-'] * 1000),
    _rep('content="') + "\n" + _rep("A"),
]


# One test each: together they were the suite's second-longest test, and a parallel run
# (pytest -n) could be left waiting on it alone at the end.
@pytest.mark.parametrize("text", ADVERSARIAL, ids=range(len(ADVERSARIAL)))
def test_adversarial_cells_and_page_numbers_stay_fast(default_policy: Policy, text: str) -> None:
    """20 KB lines and tables built from the new rules' own pieces: linear patterns take
    well under a second each on a loaded machine (a backtracking one takes minutes)."""
    started = time.perf_counter()
    check_text(default_policy, text + "\n")
    assert time.perf_counter() - started < 15, text[:40]


@pytest.mark.parametrize("split", [1, 3])
def test_a_cell_far_into_a_stream_is_read_where_it_is(default_policy: Policy, split: int) -> None:
    """Once the scanner has dropped the text it no longer needs (past 64 KiB), a cell is
    still read from its own line: the unit took its buffer offsets for view positions,
    read other text (a table's NATO CONFIDENTIAL after 300 KB in three chunks was
    UNCLASSIFIED) or put a marking where there was none."""
    pad = "The meeting moved to Tuesday at ten.\n" * 8000
    line = "12 March | NATO CONFIDENTIAL | Copy 3\n"
    text = pad + line + pad[:100_000]
    cut = [len(text) * n // split for n in range(split + 1)]
    decision = check_stream(default_policy, [text[a:b] for a, b in itertools.pairwise(cut)])
    at = text.index("NATO CONFIDENTIAL")
    assert decision.level == "CONFIDENTIAL"
    assert [(f.start, f.end) for f in decision.findings] == [(at, at + len("NATO CONFIDENTIAL"))]


@pytest.mark.parametrize("piece", [7, 1 << 20])
@pytest.mark.parametrize("brk", ["\n", "\r\n", "\u2028", "\r"])
def test_the_line_with_a_cell_is_found_past_lines_without_one(
    default_policy: Policy, piece: int, brk: str
) -> None:
    """The unit goes straight to the next line whose original text holds a delimiter:
    through other line breaks, hidden and expanded characters before it, and one line
    after another that has one."""
    rows = ["12 March | NATO CONFIDENTIAL | Copy 3", "Annex\tSECRET\tdraft"]
    prose = brk.join(["The meeting\u200b moved to ﬁve.", "Tuesday…"] * 20)
    text = brk.join([prose, rows[0], rows[1], prose, rows[0]]) + brk
    chunks = [text[i : i + piece] for i in range(0, len(text), piece)]
    decision = check_stream(default_policy, chunks)
    spans = sorted((f.start, f.end) for f in decision.findings if f.kind == "marking")
    first = text.index("NATO CONFIDENTIAL")
    last = text.rindex("NATO CONFIDENTIAL")
    secret = text.index("SECRET\t")
    width = len("NATO CONFIDENTIAL")
    assert spans == [(first, first + width), (secret, secret + 6), (last, last + width)]


@pytest.mark.parametrize("separator", ["", " ", "  ", " - ", " / "])
@pytest.mark.parametrize("count", [16, 17, 40, 64])
def test_a_watermark_line_of_repeated_banners(
    default_policy: Policy, separator: str, count: int
) -> None:
    """A PDF page's watermark line repeats its banner across the page: up to 64 copies on
    one line read as the banner (the body stopped at 16, and 17 copies read UNCLASSIFIED)."""
    for marking, level in (("SECRET", "SECRET"), ("NATO CONFIDENTIAL", "CONFIDENTIAL")):
        text = separator.join([marking] * count) + "\nThe plan.\n"
        assert check_text(default_policy, text).level == level, (count, separator, marking)
