"""Documents that show more than their source's words say, as generator families over every
banner marking of both shipped policies (the fast line: a sample, tests/scale.py); the gate
must read each at least at the marking's level (issue 9), and the everyday forms of the same
constructs stay UNCLASSIFIED:

* text in small letters that rendering shows in capitals: CSS ``text-transform:
  uppercase`` (inline and by a class), Word's ``<w:caps/>`` and ``<w:smallCaps/>``,
  OpenDocument's ``fo:text-transform`` and ``fo:font-variant`` styles, LaTeX's
  ``\\MakeUppercase``/``\\uppercase``, Typst's ``#upper[…]``/``#upper("…")``; the same words
  in capitals and rendered in capitals read alike;
* watermarks: Word's VML text watermark (``<v:textpath string="…"/>``, alone or in an
  ``mc:Fallback``), a PDF ``/Watermark`` annotation's appearance stream;
* whole documents in base64 inside a text (Graph's ``contentBytes``, a ``data:`` URI, an
  XML attachment wrapped over lines) and files attached to a PDF (``EmbeddedFiles``).
"""

from __future__ import annotations

import base64
import io
import json
import random
from collections.abc import Callable

import pytest

from milai.documents import read_document
from milai.policy import Policy, check_text
from tests.documents.builders import ODF_NS, WORD, Docx, W, pdf_bytes, zip_bytes
from tests.levels import assert_targets_read
from tests.policy.families import Target, banner_sample

VML = 'xmlns:v="urn:schemas-microsoft-com:vml"'
MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
FO = 'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"'
TITLES = ["Annex B", "Classification", "Distribution", "Einstufung", "Niveau"]


def small(text: str) -> str:
    """``text`` in small letters, where a letter's small one shows as it in capitals."""
    return "".join(ch.lower() if ch.lower().upper() == ch else ch for ch in text)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def docx_header(xml: str, body: str = "Minutes of the meeting.") -> bytes:
    """A .docx whose header holds the WordprocessingML paragraphs ``xml``."""
    header = f'<w:hdr xmlns:w="{W}" {VML} {MC}>{xml}</w:hdr>'
    return Docx(
        body=[body],
        members=[("word/header1.xml", header.encode())],
        overrides=[("/word/header1.xml", f"{WORD}.header+xml")],
    ).build()


def _run(text: str, props: str = "") -> str:
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{_escape(text)}</w:t></w:r>'


def docx_caps(title: str, text: str, prop: str) -> bytes:
    return docx_header(f"<w:p>{_run(title)}<w:r><w:tab/></w:r>{_run(text, prop)}</w:p>")


def docx_styled(title: str, text: str, *, paragraph: bool) -> bytes:
    """A .docx whose header sets ``text`` in capitals by a style (a character style, or a
    paragraph style based on one that says ``<w:caps/>``), not by the run's properties."""
    styles = (
        f'<w:styles xmlns:w="{W}"><w:style w:type="character" w:styleId="Banner">'
        '<w:rPr><w:caps/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Caps">'
        '<w:rPr><w:caps/><w:b/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Mark">'
        '<w:basedOn w:val="Caps"/></w:style></w:styles>'
    )
    if paragraph:
        line = _run(f"{title}\t{text}")
        xml = f'<w:p><w:pPr><w:pStyle w:val="Mark"/></w:pPr>{line}</w:p>'
    else:
        styled = _run(text, '<w:rStyle w:val="Banner"/>')
        xml = f"<w:p>{_run(title)}<w:r><w:tab/></w:r>{styled}</w:p>"
    header = f'<w:hdr xmlns:w="{W}">{xml}</w:hdr>'
    return Docx(
        body=["Minutes of the meeting."],
        members=[("word/header1.xml", header.encode()), ("word/styles.xml", styles.encode())],
        overrides=[
            ("/word/header1.xml", f"{WORD}.header+xml"),
            ("/word/styles.xml", f"{WORD}.styles+xml"),
        ],
    ).build()


def odt_styled(title: str, text: str, properties: str, *, paragraph: bool = False) -> bytes:
    family = "paragraph" if paragraph else "text"
    styles = (
        f'<office:automatic-styles><style:style style:name="X1" style:family="{family}">'
        f"<style:text-properties {properties}/></style:style></office:automatic-styles>"
    )
    if paragraph:
        body = (
            f"<text:p>{_escape(title)}</text:p>"
            f'<text:p text:style-name="X1">{_escape(text)}</text:p>'
        )
    else:
        body = (
            f'<text:p>{_escape(title)}<text:tab/><text:span text:style-name="X1">'
            f"{_escape(text)}</text:span></text:p>"
        )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NS} {FO}>'
        f"{styles}<office:body><office:text>{body}</office:text></office:body>"
        "</office:document-content>"
    )
    return zip_bytes(
        [
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", content.encode()),
        ],
        stored=("mimetype",),
    )


def html_inline(title: str, text: str) -> bytes:
    return (
        f'<html><body><table><tr><td>{_escape(title)}</td><td><span style="text-transform: '
        f'uppercase">{_escape(text)}</span></td></tr></table><p>The convoy leaves at dawn.</p>'
        "</body></html>"
    ).encode()


def html_class(title: str, text: str) -> bytes:
    return (
        "<html><head><style>h1 { color: navy } .banner, .mark { text-transform:uppercase; }"
        f'</style></head><body><table><tr><th>{_escape(title)}</th><td class="banner">'
        f"{_escape(text)}</td></tr></table></body></html>"
    ).encode()


def vml_watermark(text: str, *, fallback: bool = False) -> bytes:
    shape = (
        '<w:pict><v:shape id="PowerPlusWaterMarkObject1" type="#_x0000_t136" '
        'style="position:absolute;rotation:315"><v:textpath style="font-family:Calibri" '
        f'string="{_escape(text)}"/></v:shape></w:pict>'
    )
    if fallback:
        shape = (
            '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing/></mc:Choice>'
            f"<mc:Fallback>{shape}</mc:Fallback></mc:AlternateContent>"
        )
    return docx_header(f"<w:p><w:r>{shape}</w:r></w:p>")


def pdf_watermark(text: str) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, StreamObject

    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes([["Minutes of the meeting."]])))
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    literal = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    appearance = StreamObject()
    appearance.set_data(f"BT /F1 40 Tf 1 0 0 1 40 300 Tm ({literal}) Tj ET".encode("cp1252"))
    appearance.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([FloatObject(v) for v in (0, 0, 612, 792)]),
            NameObject("/Resources"): DictionaryObject(
                {
                    NameObject("/Font"): DictionaryObject(
                        {NameObject("/F1"): writer._add_object(font)}
                    )
                }
            ),
        }
    )
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Watermark"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (0, 0, 612, 792)]),
            NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(appearance)}),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_attached(name: str, data: bytes) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes([["Minutes of the meeting."]])))
    writer.add_attachment(name, data)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _inner(target: Target, rng: random.Random) -> tuple[str, bytes]:
    """A document that carries the marking: a .docx (body or header), or a PDF page."""
    if rng.random() < 0.5:
        return "minutes.pdf", pdf_bytes([[target.text, "The convoy leaves at dawn."]])
    if rng.random() < 0.5:
        return "minutes.docx", Docx(body=[target.text, "The convoy leaves at dawn."]).build()
    return "minutes.docx", Docx(header=[target.text], body=["The convoy leaves at dawn."]).build()


def graph_json(target: Target, rng: random.Random) -> bytes:
    name, data = _inner(target, rng)
    attachment = {
        "@odata.type": "#microsoft.graph.fileAttachment",
        "name": name,
        "contentType": "application/octet-stream",
        "contentBytes": base64.b64encode(data).decode(),
    }
    text = json.dumps({"value": [attachment]}, indent=rng.choice([None, 2]))
    return (text.replace("/", "\\/") if rng.random() < 0.3 else text).encode()


def data_uri(target: Target, rng: random.Random) -> bytes:
    name, data = _inner(target, rng)
    kind = "application/pdf" if name.endswith(".pdf") else "application/octet-stream"
    return (
        "<html><body><p>The minutes are attached.</p>"
        f'<a download="{name}" href="data:{kind};base64,{base64.b64encode(data).decode()}">'
        "minutes</a></body></html>"
    ).encode()


def xml_attachment(target: Target, rng: random.Random) -> bytes:
    name, data = _inner(target, rng)
    encoded = base64.b64encode(data).decode()
    width = rng.choice([64, 76, 0])
    if width:
        encoded = "\n".join(encoded[i : i + width] for i in range(0, len(encoded), width))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<message><subject>Minutes</subject>\n'
        f'<attachment name="{name}" encoding="base64">\n{encoded}\n</attachment></message>\n'
    ).encode()


def _title(target: Target, rng: random.Random) -> str:
    return rng.choice(TITLES)


FAMILIES: dict[str, Callable[[Target, random.Random], bytes]] = {
    "docx-caps": lambda t, r: docx_caps(_title(t, r), small(t.text), "<w:caps/>"),
    "docx-small-caps": lambda t, r: docx_caps(
        _title(t, r), small(t.text), '<w:smallCaps w:val="1"/>'
    ),
    "docx-caps-character-style": lambda t, r: docx_styled(
        _title(t, r), small(t.text), paragraph=False
    ),
    "docx-caps-paragraph-style": lambda t, r: docx_styled(
        _title(t, r), small(t.text), paragraph=True
    ),
    "odt-uppercase-span": lambda t, r: odt_styled(
        _title(t, r), small(t.text), 'fo:text-transform="uppercase"'
    ),
    "odt-small-caps-paragraph": lambda t, r: odt_styled(
        _title(t, r), small(t.text), 'fo:font-variant="small-caps"', paragraph=True
    ),
    "html-uppercase-inline": lambda t, r: html_inline(_title(t, r), small(t.text)),
    "html-uppercase-class": lambda t, r: html_class(_title(t, r), small(t.text)),
    "docx-vml-watermark": lambda t, r: vml_watermark(t.text),
    "docx-vml-watermark-fallback": lambda t, r: vml_watermark(t.text, fallback=True),
    "pdf-watermark-annotation": lambda t, r: pdf_watermark(t.text),
    "pdf-embedded-file": lambda t, r: pdf_attached(*_inner(t, r)),
    "base64-graph-json": graph_json,
    "base64-data-uri": data_uri,
    "base64-xml-attachment": xml_attachment,
}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_banner_is_read_as_rendered(family: str) -> None:
    def text(target: Target) -> str:
        data = FAMILIES[family](target, random.Random(f"{family}:{target.id}"))
        return read_document(data, "probe").text

    assert_targets_read(banner_sample(f"rendered:{family}"), text)


def _level(policy: Policy, data: bytes) -> str:
    return check_text(policy, read_document(data, "probe").text).level


@pytest.mark.parametrize(
    "words",
    [
        "Secret garden",
        "Top secret recipes",
        "Confidential waste bins",
        "Introduction",
        "Restricted area",
    ],
)
def test_rendered_capitals_read_as_the_same_words_typed_in_capitals(
    policy: Policy, words: str
) -> None:
    typed = _level(
        policy,
        docx_header(f"<w:p>{_run('Chapter 1')}<w:r><w:tab/></w:r>{_run(words.upper())}</w:p>"),
    )
    shown = [
        docx_caps("Chapter 1", words, "<w:caps/>"),
        docx_styled("Chapter 1", words, paragraph=False),
        odt_styled("Chapter 1", words, 'fo:text-transform="uppercase"'),
        html_inline("Chapter 1", words),
        html_class("Chapter 1", words),
    ]
    assert [_level(policy, data) for data in shown] == [typed] * len(shown)


def test_everyday_documents_stay_unclassified(policy: Policy) -> None:
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4).decode()
    inner = Docx(body=["Lunch is at noon.", "The secret garden opens on Sunday."]).build()
    everyday = [
        vml_watermark("DRAFT"),
        vml_watermark("COPY", fallback=True),
        vml_watermark("DO NOT COPY"),
        pdf_watermark("DRAFT"),
        pdf_watermark("SAMPLE"),
        html_inline("Menu", "secret garden salad"),
        docx_caps("Chapter 1", "introduction", "<w:caps/>"),
        (
            "<html><body><p>Our secret garden.</p>"
            f'<img src="data:image/png;base64,{png}"></body></html>'
        ).encode(),
        json.dumps(
            {"name": "lunch.docx", "contentBytes": base64.b64encode(inner).decode()}
        ).encode(),
        pdf_attached("lunch.docx", inner),
    ]
    assert [_level(policy, data) for data in everyday] == ["UNCLASSIFIED"] * len(everyday)


def test_a_bad_or_nested_base64_document_is_noted_not_fatal() -> None:
    broken = base64.b64encode(b"PK\x03\x04" + bytes(300)).decode()
    document = read_document(json.dumps({"contentBytes": broken}).encode(), "mail.json")
    assert any("base64 document 1" in note for note in document.skipped)
    # documents attached inside documents inside base64: no deeper than max_depth
    data = Docx(body=["NATO SECRET"]).build()
    for _ in range(4):
        data = pdf_attached("inner.pdf", data)
    nested = read_document(
        json.dumps({"contentBytes": base64.b64encode(data).decode()}).encode(), "deep.json"
    )
    assert "NATO SECRET" not in nested.text
    assert any("nested deeper" in note for note in nested.unread)  # unread: it blocks
