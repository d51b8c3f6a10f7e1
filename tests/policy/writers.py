"""Writers that render a text's lines in a document format, shared by the tests of
documents whose text elements carry a marking (test_policy_word_elements.py,
test_policy_round8_documents.py).

``WORD_WRITERS``: one element a word, each placed as a layout's export writes it (ALTO's
``String`` with its position, hOCR's ``ocrx_word``, TEI's ``<w>``, SVG's tspans or texts at
one height, PostScript's ``show`` a word, Word's runs; ALTO and Word with a whole line on one
source line too). ``DOCUMENT_WRITERS``: round 8's plainer forms (ALTO and hOCR words without
positions, SVG tspans a line's text element, PostScript a line in two ``show``s, a ZPL
label's fields).
"""

from __future__ import annotations

from collections.abc import Callable


def xml_escaped(text: str) -> str:
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        text = text.replace(char, entity)
    return text


def _words(line: str) -> list[str]:
    """A line's words (parted by blanks: a no-break space keeps two words one element)."""
    return [word for word in line.split(" ") if word]


def _ps(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def as_alto(lines: list[str]) -> str:
    rows = ['<alto><Layout><Page ID="p1"><PrintSpace>', '<TextBlock ID="b1">']
    for n, line in enumerate(lines):
        rows.append(f'<TextLine ID="l{n}" HPOS="40" VPOS="{40 + 30 * n}">')
        for i, word in enumerate(_words(line)):
            if i:
                rows.append(f'  <SP HPOS="{40 + 90 * i - 10}"/>')
            rows.append(
                f'  <String ID="s{n}_{i}" CONTENT="{xml_escaped(word)}" HPOS="{40 + 90 * i}" '
                f'VPOS="{40 + 30 * n}" WC="0.93"/>'
            )
        rows.append("</TextLine>")
    return "\n".join([*rows, "</TextBlock>", "</PrintSpace></Page></Layout></alto>"]) + "\n"


def as_hocr(lines: list[str]) -> str:
    rows = ["<div class='ocr_page' id='page_1' title='bbox 0 0 2480 3508'>"]
    for n, line in enumerate(lines):
        y = 60 + 40 * n
        rows.append(f"<span class='ocr_line' id='line_1_{n}' title='bbox 40 {y} 2000 {y + 30}'>")
        rows += [
            f"  <span class='ocrx_word' id='word_1_{n}_{i}' title='bbox {40 + 90 * i} {y} "
            f"{120 + 90 * i} {y + 30}; x_wconf 91'>{xml_escaped(word)}</span>"
            for i, word in enumerate(_words(line))
        ]
        rows.append("</span>")
    return "\n".join([*rows, "</div>"]) + "\n"


def as_tei(lines: list[str]) -> str:
    rows = ["<TEI><text><body>"]
    for line in lines:
        rows.append("<l>")
        rows += [f"  <w>{xml_escaped(word)}</w>" for word in _words(line)]
        rows.append("</l>")
    return "\n".join([*rows, "</body></text></TEI>"]) + "\n"


def as_svg_tspans(lines: list[str]) -> str:
    rows = ['<svg xmlns="http://www.w3.org/2000/svg" width="800" height="2000">']
    for n, line in enumerate(lines):
        rows.append(f'<text x="20" y="{30 + 20 * n}" font-size="14">')
        rows += [f"  <tspan>{xml_escaped(word)} </tspan>" for word in _words(line)]
        rows.append("</text>")
    return "\n".join([*rows, "</svg>"]) + "\n"


def as_svg_text(lines: list[str]) -> str:
    rows = ['<svg xmlns="http://www.w3.org/2000/svg" width="800" height="2000">']
    for n, line in enumerate(lines):
        rows += [
            f'<text x="{20 + 70 * i}" y="{30 + 20 * n}">{xml_escaped(word)}</text>'
            for i, word in enumerate(_words(line))
        ]
    return "\n".join([*rows, "</svg>"]) + "\n"


def as_postscript(lines: list[str]) -> str:
    rows = ["%!PS-Adobe-3.0", "/Helvetica findfont 12 scalefont setfont"]
    for n, line in enumerate(lines):
        rows += [
            f"{72 + 40 * i} {760 - 14 * n} moveto {_ps(word)} show"
            for i, word in enumerate(_words(line))
        ]
    return "\n".join([*rows, "showpage"]) + "\n"


def as_word(lines: list[str]) -> str:
    rows = ["<w:document><w:body>"]
    for line in lines:
        rows.append("<w:p>")
        rows += [
            f'  <w:r><w:t xml:space="preserve">{xml_escaped(word)} </w:t></w:r>'
            for word in _words(line)
        ]
        rows.append("</w:p>")
    return "\n".join([*rows, "</w:body></w:document>"]) + "\n"


def as_alto_lines(lines: list[str]) -> str:
    """ALTO with each ``TextLine`` on one source line (its words side by side)."""
    rows = as_alto(lines).split("\n")
    joined: list[str] = []
    for row in rows:
        if joined and (row.startswith("  ") or row == "</TextLine>"):
            joined[-1] += row.strip()
        else:
            joined.append(row)
    return "\n".join(joined)


def as_word_document(lines: list[str]) -> str:
    """Word's ``document.xml`` as Word writes it: the whole body on one line, a run a word."""
    return "".join(row.strip() for row in as_word(lines).split("\n")) + "\n"


WORD_WRITERS: dict[str, Callable[[list[str]], str]] = {
    "alto": as_alto,
    "hocr": as_hocr,
    "tei": as_tei,
    "svg-tspans": as_svg_tspans,
    "svg-text": as_svg_text,
    "postscript": as_postscript,
    "word": as_word,
    "alto-lines": as_alto_lines,
    "word-document": as_word_document,
}


def document_alto(lines: list[str]) -> str:
    rows = ["<TextBlock>"]
    for line in lines:
        rows.append("<TextLine>")
        rows += [
            f'  <String CONTENT="{xml_escaped(word)}" HPOS="1" VPOS="2"/>' for word in line.split()
        ]
        rows.append("</TextLine>")
    return "\n".join([*rows, "</TextBlock>"]) + "\n"


def document_hocr(lines: list[str]) -> str:
    rows = ["<div class='ocr_page'>"]
    for line in lines:
        rows.append("<span class='ocr_line'>")
        rows += [f"  <span class='ocrx_word'>{xml_escaped(word)}</span>" for word in line.split()]
        rows.append("</span>")
    return "\n".join([*rows, "</div>"]) + "\n"


def document_svg(lines: list[str]) -> str:
    rows = ["<svg>"]
    for number, line in enumerate(lines):
        rows.append(f'<text x="10" y="{20 * number + 20}">')
        rows += [f"  <tspan>{xml_escaped(word)} </tspan>" for word in line.split()]
        rows.append("</text>")
    return "\n".join([*rows, "</svg>"]) + "\n"


def document_postscript(lines: list[str]) -> str:
    rows = ["%!PS", "/Helvetica findfont 12 scalefont setfont"]
    for number, line in enumerate(lines):
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        cut = escaped.find(" ", len(escaped) // 2)  # two pieces, the line's own blank between
        shows = f"({escaped}) show"
        if cut > 0:
            shows = f"({escaped[:cut]}) show ({escaped[cut:]}) show"
        rows.append(f"72 {700 - 14 * number} moveto {shows}")
    return "\n".join([*rows, "showpage"]) + "\n"


def document_zpl(lines: list[str]) -> str:
    rows = ["^XA", "^CI28"]
    for number, line in enumerate(lines):
        data = "".join(f"_{ord(ch):02X}" if ch in "^~_" else ch for ch in line)
        rows.append(f"^FO20,{30 * number + 20}^A0N,24,24^FH^FD{data}^FS")
    return "\n".join([*rows, "^XZ"]) + "\n"


DOCUMENT_WRITERS: dict[str, Callable[[list[str]], str]] = {
    "alto": document_alto,
    "hocr": document_hocr,
    "svg": document_svg,
    "postscript": document_postscript,
    "zpl": document_zpl,
}
