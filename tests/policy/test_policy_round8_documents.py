"""Red team round 8's document formats (issue 9): a marking carried by a document's text
elements, one element a line (OCR's ALTO and hOCR, SVG's tspans, TEI's ``<w>``, spans), or
drawn by a page description's text operators (PostScript's ``show``, a ZPL label's field
data). Each family streams as it reads whole; everyday documents of the same formats stay
UNCLASSIFIED (tests/fixtures/policy/everyday/ holds more). Whole-text accuracy, alone and
in pairs, is in test_policy_families.py.
"""

from __future__ import annotations

import pytest

from milai.policy import Policy, check_stream, check_text
from tests.policy.corpus_report import everyday_documents
from tests.policy.families import DOCUMENT_TEXT, POLICY_DIR, shipped_policy
from tests.policy.test_policy_stream_properties import assert_family_streams
from tests.policy.writers import DOCUMENT_WRITERS
from tests.scale import sample

JOINED = "(a document's text elements, as shown)"
PAGE = "(a PDF content stream's text, as shown)"
ALTO_LINE = (
    '<TextLine ID="l1" HPOS="10" VPOS="10">\n'
    '  <String CONTENT="{}" HPOS="10" VPOS="10"/>\n'
    '  <String CONTENT="{}" HPOS="60" VPOS="10"/>\n'
    "</TextLine>\n"
)


@pytest.mark.parametrize("family", DOCUMENT_TEXT)
def test_a_family_streams_as_it_reads_whole(family: str) -> None:
    assert_family_streams(family, 12)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # ALTO: a String element's CONTENT a word, one a line
        (ALTO_LINE.format("TOP", "SECRET"), "TOP SECRET"),
        (ALTO_LINE.format("TRÈS", "SECRET"), "TOP SECRET"),
        (
            '<TextLine>\n<String CONTENT="COSMIC"/>\n<SP/>\n<String CONTENT="TOP"/>\n'
            '<SP/>\n<String CONTENT="SEC"/>\n<HYP CONTENT="-"/>\n</TextLine>\n'
            '<TextLine>\n<String CONTENT="RET"/>\n</TextLine>\n',
            "TOP SECRET",
        ),
        # hOCR: an ocrx_word span a word, one a line
        (
            "<span class='ocr_line' id='line_1'>\n"
            "<span class='ocrx_word' id='w1' title='bbox 1 2 3 4'>TOP</span>\n"
            "<span class='ocrx_word' id='w2' title='bbox 5 6 7 8'>SECRET</span>\n"
            "</span>\n",
            "TOP SECRET",
        ),
        # SVG: tspans that cut a word, on one line or over lines
        ("<svg><text><tspan>NATO SEC</tspan><tspan>RET</tspan></text></svg>\n", "SECRET"),
        ("<text>\n  <tspan>COSMIC TOP SEC</tspan>\n  <tspan>RET</tspan>\n</text>\n", "TOP SECRET"),
        ("<text>\n<tspan>TOP</tspan>\n<tspan>SECRET</tspan>\n</text>\n", "TOP SECRET"),
        (
            '<text x="10" y="20">\n<tspan x="10" dy="1.2em">TOP</tspan>\n'
            '<tspan x="10" dy="1.2em">SECRET</tspan>\n</text>\n',
            "TOP SECRET",
        ),
        # TEI's words, spans a converter writes a word each
        ("<p>\n  <w>TOP</w>\n  <w>SECRET</w>\n</p>\n", "TOP SECRET"),
        ("<p>\n<span>NATO</span>\n<span>SECRET</span>\n</p>\n", "SECRET"),
        # PostScript: show and its kin, pieces joined, escapes decoded
        ("250 800 moveto (NATO SECRET) show\n", "SECRET"),
        ("250 800 moveto (NATO ) show (SECRET) show\n", "SECRET"),
        ("250 800 moveto\n(COSMIC TOP SEC) show\n(RET) show\nshowpage\n", "TOP SECRET"),
        ("100 700 moveto (\\(TR\\310S SECRET\\)) show\n", "TOP SECRET"),
        ("100 700 moveto 0 0 (SECRET UE) ashow\n", "SECRET"),
        # a PDF content stream's text, as before
        ("BT /F1 12 Tf 200 800 Td [(NATO SEC) -20 (RET)] TJ ET\n", "SECRET"),
        # ZPL: a field's data, two fields at one height side by side, ^FH escapes
        ("^XA\n^FO50,50^A0N,40,40^FDNATO SECRET^FS\n^XZ\n", "SECRET"),
        ("^XA^FO50,50^A0N,40^FDTOP^FS^FO50,100^A0N,40^FDSECRET^FS^XZ\n", "TOP SECRET"),
        ("^XA^FO50,50^A0N,40^FDNATO SEC^FS^FO210,50^A0N,40^FDRET^FS^XZ\n", "SECRET"),
        ("^XA^CI28^FO50,50^A0N,40^FH^FDTR_C3_88S SECRET^FS^XZ\n", "TOP SECRET"),
        # a marking in an XML attribute split over lines (round 8's markup list)
        ('<doc classification="TOP\nSECRET">\n', "TOP SECRET"),
        ('<meta name="classification"\n      content="NATO SECRET">\n', "SECRET"),
    ],
)
def test_round8_document_markings_read(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, text).level == level
    assert check_stream(default_policy, list(text)).level == level


@pytest.mark.parametrize(
    "text",
    [
        ALTO_LINE.format("The", "secret") + ALTO_LINE.format("Top", "tips"),
        ALTO_LINE.format("Confidential", "information"),
        ALTO_LINE.format("Secret", "Santa"),
        "<span class='ocr_line'>\n<span class='ocrx_word'>Top</span>\n"
        "<span class='ocrx_word'>secret</span>\n<span class='ocrx_word'>recipes</span>\n</span>\n",
        "<svg>\n<text>\n  <tspan>ACME</tspan>\n  <tspan>SOFT</tspan>\n</text>\n</svg>\n",
        "<svg><text><tspan>The secret</tspan> <tspan>of good bread</tspan></text></svg>\n",
        "<p>\n<span>Top</span>\n<span>secret</span>\n<span>recipes</span>\n</p>\n",
        "<nav>\n<a href='/'>HOME</a>\n<a href='/faq'>FAQ</a>\n</nav>\n",
        "<resources>\n<string name='a'>Top</string>\n<string name='b'>Secret</string>\n"
        "</resources>\n",
        "72 720 moveto (The secret of good bread) show\n72 700 moveto (Top) show ( tips) show\n",
        "72 720 moveto (MENU) show\n72 700 moveto (SOUP OF THE DAY) show\nshowpage\n",
        # "show" and "moveto" in prose draw nothing
        "Recent studies (secret) show that slow fermentation matters.\n",
        "Our tests (top secret recipes) show it too, and the figures (confidential) show more.\n",
        "The turtle's moveto (secret) shows the path.\n",
        "^XA^FO20,20^A0N,50^FDFRAGILE^FS^FO20,80^A0N,50^FDTHIS SIDE UP^FS^XZ\n",
        "^XA\n^FO50,50^A0N,30^FDThe secret of good bread^FS\n^FO50,90^A0N,30^FDTop shelf^FS\n^XZ\n",
        "^XA^FO50,50^FDLe secret du bon pain^FS^FO50,90^FDDas Geheimnis guten Brotes^FS^XZ\n",
        "<p>\n<w>Het</w>\n<w>geheim</w>\n<w>van</w>\n<w>goed</w>\n<w>brood</w>\n</p>\n",
        "<style>\n.secret { color: red }\n</style>\n<p>\n<b>Note</b>\n<i>well</i>\n</p>\n",
    ],
)
def test_round8_everyday_documents_stay_unclassified(text: str) -> None:
    for path in sorted(POLICY_DIR.glob("*.yaml")):
        policy = shipped_policy(path.name)
        assert check_text(policy, text).level == policy.lowest, path.name


def test_a_finding_lands_on_the_elements_own_characters(default_policy: Policy) -> None:
    """What a reading of the joined text finds spans the elements' own letters."""
    text = ALTO_LINE.format("TOP", "SECRET")
    decision = check_text(default_policy, text)
    spans = [(f.start, f.end) for f in decision.findings if f.level == "TOP SECRET"]
    assert spans
    for start, end in spans:
        assert text[start : start + 3] == "TOP"
        assert text[end - 6 : end] == "SECRET"


# Each renders a text's lines in its format (tests/policy/writers.py).
WRITERS = DOCUMENT_WRITERS


@pytest.mark.parametrize("writer", WRITERS)
def test_everyday_text_written_as_a_document_raises_nothing_joined(writer: str) -> None:
    """The everyday corpus (en/fr/de/lb/nl), each document's lines written as the format's
    text elements: what the document's text and a page's text find, joined, is nothing.
    (What the lines' own readers find is in test_policy_word_elements.py: a word element
    alone on its source line is a cell only where the document's text puts it alone on its
    line.)"""
    documents = everyday_documents()
    if writer in ("postscript", "zpl"):
        # markup source drawn on a page is no document's text elements: read as markup, its
        # tags and the page's operators make one text of neither (a known limit)
        documents = [(doc_id, text) for doc_id, text in documents if "<" not in text]
    # every document in CI (tests/scale.py); the fast line's 12 hold each language
    documents = sample(
        documents, 12, seed=f"documents:{writer}", cover=lambda doc: [doc[0].split("/")[0]]
    )
    raised = []
    for path in sorted(POLICY_DIR.glob("*.yaml")):
        policy = shipped_policy(path.name)
        for doc_id, text in documents:
            lines = [line for line in text.splitlines() if line.strip()][:60]
            written = WRITERS[writer](lines)
            for finding in check_text(policy, written).findings:
                joined = JOINED in finding.detail or PAGE in finding.detail
                if joined and finding.level != policy.lowest:
                    raised.append(f"{doc_id} [{path.name}]: {finding.detail}")
    assert not raised, "\n".join(raised)
