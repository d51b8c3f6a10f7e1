"""Each format read with every part where a classification hides: the level the gate reads
and the part the finding is in."""

from __future__ import annotations

import pytest

from milai.documents import DocumentError, read_document
from milai.policy import Policy
from tests.documents.builders import (
    Docx,
    Odt,
    eml_bytes,
    encrypted_pdf,
    html_bytes,
    pdf_bytes,
)
from tests.documents.conftest import level_and_parts

BODY = ["The convoy leaves at dawn.", "Nothing in this paragraph is marked."]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
LABEL_GUID = "0e5f3b39-8c4a-4f3e-9d1c-6b2a9f1e7c55"


def test_docx_marking_only_in_the_page_header(policy: Policy) -> None:
    document = read_document(Docx(body=BODY, header=["NATO SECRET"]).build(), "report.docx")
    assert document.format == "docx"
    assert level_and_parts(policy, document) == ("SECRET", {"header"})
    assert "The convoy leaves at dawn." in document.text


@pytest.mark.parametrize(
    ("docx", "part"),
    [
        (Docx(body=BODY, footer=["SECRET"]), "footer"),
        (Docx(body=BODY, footnotes=["SECRET//NOFORN"]), "footnote"),
        (Docx(body=BODY, comments=["CONFIDENTIEL LUX"]), "comment"),
        (Docx(body=BODY, deleted=["SECRET"]), "deleted"),
        (Docx(body=[*BODY, "SECRET"]), "body"),
        (Docx(body=BODY, inserted=["SECRET"]), "body"),
        (Docx(body=BODY, hidden=["SECRET"]), "body"),
        (Docx(body=BODY, custom={"Classification": "SECRET"}), "metadata"),
        (Docx(body=BODY, core={"dc:subject": "x", "cp:category": "x"}), None),
    ],
    ids=[
        "footer",
        "footnote",
        "comment",
        "deletion",
        "body",
        "insertion",
        "hidden",
        "custom",
        "plain-props",
    ],
)
def test_docx_parts(policy: Policy, docx: Docx, part: str | None) -> None:
    document = read_document(docx.build(), "report.docx")
    level, parts = level_and_parts(policy, document)
    if part is None:
        assert level == "UNCLASSIFIED"
    else:
        assert (level, parts) == (
            "CONFIDENTIAL" if part == "comment" else "SECRET",
            # a property is read as it stands (metadata) and as its value (properties)
            _read_as(part),
        )


def _read_as(part: str) -> set[str]:
    """A property is read as it stands (``metadata``) and as its value (``properties``)."""
    return {part, "properties"} if part == "metadata" else {part}


def test_a_tracked_deletion_keeps_its_paragraph(policy: Policy) -> None:
    changed = (
        "<w:p><w:r><w:t>The convoy leaves </w:t></w:r><w:del w:id='7' w:author='a'><w:r>"
        "<w:delText>at dawn</w:delText></w:r></w:del><w:ins w:id='8' w:author='a'><w:r>"
        "<w:t>tomorrow</w:t></w:r></w:ins></w:p>"
    )
    document = read_document(Docx(raw_body=changed).build(), "r.docx")
    assert [(p.name, document.text[p.start : p.end]) for p in document.parts] == [
        ("body", "The convoy leaves tomorrow"),
        ("deleted", "The convoy leaves at dawn"),
    ]
    document = read_document(Docx(body=BODY, deleted=["SECRET"]).build(), "r.docx")
    body = next(p for p in document.parts if p.name == "body")
    assert "SECRET" not in document.text[body.start : body.end]


def test_office_sensitivity_label(policy: Policy) -> None:
    label = f"MSIP_Label_{LABEL_GUID}_Name"
    docx = Docx(body=BODY, custom={f"MSIP_Label_{LABEL_GUID}_Enabled": "true", label: "SECRET"})
    document = read_document(docx.build(), "labelled.docx")
    assert f"{label}: SECRET" in document.text
    assert level_and_parts(policy, document) == ("SECRET", {"metadata", "properties"})


def test_odt_parts(policy: Policy) -> None:
    for odt, part in (
        (Odt(body=BODY, header=["NATO SECRET"]), "header"),
        (Odt(body=BODY, footer=["SECRET"]), "footer"),
        (Odt(body=BODY, annotations=["SECRET"]), "comment"),
        (Odt(body=BODY, footnotes=["SECRET"]), "footnote"),
        (Odt(body=BODY, deleted=["SECRET"]), "deleted"),
        (Odt(body=BODY, user_defined={"Classification": "SECRET"}), "metadata"),
    ):
        document = read_document(odt.build(), "report.odt")
        assert document.format == "odt"
        assert level_and_parts(policy, document) == ("SECRET", _read_as(part)), part
    plain = read_document(Odt(body=BODY).build(), "plain.odt")
    assert level_and_parts(policy, plain)[0] == "UNCLASSIFIED"
    assert "See here." not in plain.text  # no annotation, no anchor text


def test_odt_other_kinds_are_refused() -> None:
    sheet = Odt(body=BODY, mimetype="application/vnd.oasis.opendocument.spreadsheet").build()
    with pytest.raises(DocumentError, match="OpenDocument spreadsheet"):
        read_document(sheet, "sheet.ods")


def test_pdf_footer_banner_on_every_page(policy: Policy) -> None:
    pages = [[f"Page {n} of the report.", "", "NATO SECRET"] for n in range(1, 4)]
    document = read_document(pdf_bytes(pages), "report.pdf")
    assert document.format == "pdf"
    level, parts = level_and_parts(policy, document)
    assert (level, parts) == ("SECRET", {"page 1", "page 2", "page 3"})


def test_pdf_metadata_and_a_blank_page(policy: Policy) -> None:
    pdf = pdf_bytes([["Unmarked text."], []], info={"Title": "Q3", "Classification": "SECRET"})
    document = read_document(pdf, "report.pdf")
    assert [p.name for p in document.parts] == ["page 1", "metadata", "properties"]
    assert level_and_parts(policy, document) == ("SECRET", {"metadata", "properties"})


def test_encrypted_pdf() -> None:
    pdf = pdf_bytes([["SECRET"]])
    with pytest.raises(DocumentError, match=r"^locked\.pdf is an encrypted PDF"):
        read_document(encrypted_pdf(pdf, user_password="hunter2"), "locked.pdf")
    # Only an owner password (printing and copying restricted): anyone can open it.
    opened = read_document(encrypted_pdf(pdf, user_password=""), "restricted.pdf")
    assert "SECRET" in opened.text


def test_eml_subject_and_body(policy: Policy) -> None:
    message = eml_bytes("Convoy", "Team,\n\nSECRET\n\nThe convoy leaves at dawn.\n")
    document = read_document(message, "message.eml")
    assert document.format == "eml"
    assert level_and_parts(policy, document) == ("SECRET", {"body"})
    tagged = read_document(eml_bytes("[SECRET] Convoy", "Unmarked."), "tagged.eml")
    assert level_and_parts(policy, tagged) == ("SECRET", {"header"})


def test_eml_label_header(policy: Policy) -> None:
    labels = f"MSIP_Label_{LABEL_GUID}_Enabled=true; MSIP_Label_{LABEL_GUID}_Name=SECRET"
    document = read_document(
        eml_bytes("Convoy", "Unmarked.", headers={"msip_labels": labels}), "m.eml"
    )
    assert level_and_parts(policy, document) == ("SECRET", {"header"})


def test_eml_attachment_is_read_as_a_document(policy: Policy) -> None:
    from email import message_from_bytes
    from email import policy as email_policy

    message = message_from_bytes(eml_bytes("Report", "See attached."), policy=email_policy.default)
    docx = Docx(body=BODY, header=["SECRET"]).build()
    message.add_attachment(
        docx,
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename="report.docx",
    )
    message.add_attachment(b"\x89PNG\r\n", maintype="image", subtype="png", filename="logo.png")
    document = read_document(message.as_bytes(), "with-attachment.eml")
    assert level_and_parts(policy, document) == ("SECRET", {"attachment report.docx: header"})
    assert document.skipped == ("attachment logo.png: an image (milai does not OCR)",)


@pytest.mark.parametrize(
    ("data", "subtype"),
    [
        (b"NATO SECRET\nThe convoy leaves at dawn.\n", "png"),  # text that calls itself an image
        (b'<svg xmlns="http://www.w3.org/2000/svg"><text>NATO SECRET</text></svg>', "svg+xml"),
    ],
)
def test_an_attachment_typed_as_an_image_that_is_none_is_read(
    policy: Policy, data: bytes, subtype: str
) -> None:
    from email import message_from_bytes
    from email import policy as email_policy

    message = message_from_bytes(eml_bytes("Report", "See attached."), policy=email_policy.default)
    message.add_attachment(data, maintype="image", subtype=subtype, filename="plan.png")
    document = read_document(message.as_bytes(), "typed.eml")
    assert level_and_parts(policy, document)[0] == "SECRET"
    assert document.skipped == ()


@pytest.mark.parametrize(
    ("filename", "level"),
    [
        ("[SECRET] annex B.bin", "SECRET"),
        ("NATO SECRET - Annex B.bin", "SECRET"),  # sent as RFC 2231 (filename*=utf-8''...)
        ("Top secret recipes.bin", "UNCLASSIFIED"),
    ],
)
def test_an_attachment_s_name_is_read(policy: Policy, filename: str, level: str) -> None:
    """A file's name is text its sender wrote, read whatever the file (here, bytes that no
    reader reads); red team round 5."""
    from email import message_from_bytes
    from email import policy as email_policy

    message = message_from_bytes(eml_bytes("Annex", "Attached."), policy=email_policy.default)
    message.add_attachment(
        b"\x00\x01binary", maintype="application", subtype="octet-stream", filename=filename
    )
    data = message.as_bytes()
    assert b"filename*=" in data or filename.isascii()
    document = read_document(data, "annex.eml")
    read, parts = level_and_parts(policy, document)
    assert read == level
    assert level == "UNCLASSIFIED" or parts == {f"attachment {filename}: name"}


def test_html_banner_in_a_centred_paragraph(policy: Policy) -> None:
    document = read_document(html_bytes("SECRET", "The convoy leaves at dawn."), "note.html")
    assert document.format == "html"
    assert level_and_parts(policy, document) == ("SECRET", {"body"})
    assert document.text.splitlines()[0] == "SECRET"


def test_html_parts(policy: Policy) -> None:
    page = (
        b"<html><head><meta name='classification' content='SECRET'></head><body>"
        b"<header>Weekly</header><p>Unmarked &amp; plain.</p><!-- NATO SECRET -->"
        b"<script>var x = 'TOP SECRET';</script><footer>Page 1</footer></body></html>"
    )
    document = read_document(page, "page.html")
    assert [p.name for p in document.parts] == ["header", "body", "footer", "comment", "metadata"]
    assert "TOP SECRET" not in document.text
    assert "Unmarked & plain." in document.text
    assert level_and_parts(policy, document) == ("SECRET", {"comment", "metadata"})


def test_html_table_rows() -> None:
    page = b"<table><tr><td>Classification</td><td>NATO SECRET</td></tr></table>"
    assert read_document(page, "t.html").text == "| Classification | NATO SECRET |"


def test_markdown_and_text(policy: Policy) -> None:
    document = read_document(b"# Report\n\n**SECRET**\n\nBody.\n", "notes.md")
    assert document.format == "text"
    assert level_and_parts(policy, document) == ("SECRET", {"body"})
    utf16 = read_document("SECRET\nBody.\n".encode("utf-16"), "windows.txt")
    assert utf16.text.startswith("SECRET")


def test_not_utf8_names_the_offset() -> None:
    with pytest.raises(
        DocumentError, match=r"^bin\.txt is not valid UTF-8 text \(bad byte at offset 2\)$"
    ):
        read_document(b"ok\xff\xfe", "bin.txt")


def test_sniffed_by_content_not_name(policy: Policy) -> None:
    docx = Docx(body=BODY, header=["SECRET"]).build()
    document = read_document(docx, "misnamed.txt")
    assert document.format == "docx"
    assert level_and_parts(policy, document) == ("SECRET", {"header"})


def test_part_at_every_offset() -> None:
    document = read_document(Docx(body=BODY, header=["H"], footer=["F"]).build(), "r.docx")
    for part in document.parts:
        assert document.part_at(part.start) == part.name
        assert document.part_at(part.end - 1) == part.name


def test_docx_parts_found_by_content_type_not_name(policy: Policy) -> None:
    header = f'<w:hdr xmlns:w="{W}"><w:p><w:r><w:t>SECRET</w:t></w:r></w:p></w:hdr>'.encode()
    docx = Docx(
        body=BODY,
        members=[("word/odd-name.hdr", header)],
        defaults=[
            ("hdr", "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml")
        ],
    )
    document = read_document(docx.build(), "r.docx")
    assert level_and_parts(policy, document) == ("SECRET", {"header"})


def test_docx_charts_alt_text_variables_and_custom_xml(policy: Policy) -> None:
    chart = (
        b'<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
        b'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><c:chart><c:title>'
        b"<c:tx><c:rich><a:p><a:r><a:t>SECRET</a:t></a:r></a:p></c:rich></c:tx></c:title>"
        b"</c:chart></c:chartSpace>"
    )
    settings = (
        f'<w:settings xmlns:w="{W}"><w:docVars><w:docVar w:name="Classification" '
        'w:val="SECRET"/></w:docVars></w:settings>'
    ).encode()
    custom_xml = b"<properties><Classification>SECRET</Classification></properties>"
    alt = (
        f'<w:p><w:r><w:drawing><wp:inline xmlns:wp="{WP}"><wp:docPr id="1" name="Picture 1" '
        'descr="SECRET"/></wp:inline></w:drawing></w:r></w:p>'
    )
    cases = [
        (
            Docx(
                body=BODY,
                members=[("word/charts/chart1.xml", chart)],
                overrides=[
                    (
                        "/word/charts/chart1.xml",
                        "application/vnd.openxmlformats-officedocument.drawingml.chart+xml",
                    )
                ],
            ),
            "drawing",
        ),
        (
            Docx(
                body=BODY,
                members=[("word/settings.xml", settings)],
                overrides=[
                    (
                        "/word/settings.xml",
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml",
                    )
                ],
            ),
            "metadata",
        ),
        (Docx(body=BODY, members=[("customXml/item1.xml", custom_xml)]), "metadata"),
        (Docx(body=BODY, raw_body=alt), "body"),
    ]
    for docx, part in cases:
        document = read_document(docx.build(), "r.docx")
        assert level_and_parts(policy, document) == ("SECRET", _read_as(part)), part


def test_docx_embedded_documents(policy: Policy) -> None:
    inner = Docx(body=BODY, header=["SECRET"]).build()
    docx = Docx(
        body=BODY,
        members=[
            ("word/embeddings/Microsoft_Word_Document.docx", inner),
            ("word/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)),
        ],
    )
    document = read_document(docx.build(), "outer.docx")
    assert level_and_parts(policy, document) == (
        "SECRET",
        {"embedded word/embeddings/Microsoft_Word_Document.docx: header"},
    )
    assert document.skipped == (
        "embedded word/embeddings/oleObject1.bin: is a legacy binary Office file (.doc, .xls, "
        ".msg): save it as .docx or .odt",
    )


def test_pdf_stamps_bookmarks_and_comments(policy: Policy) -> None:
    import io

    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        TextStringObject,
    )

    def annotated(subtype: str, **entries: object) -> bytes:
        writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes([["Unmarked text."]])))
        annotation = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject(subtype),
                NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (0, 0, 100, 100)]),
            }
        )
        for key, value in entries.items():
            annotation[NameObject(f"/{key}")] = value
        writer.add_annotation(page_number=0, annotation=annotation)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    stamped = read_document(annotated("/Stamp", Name=NameObject("/TopSecret")), "s.pdf")
    assert level_and_parts(policy, stamped) == ("TOP SECRET", {"comment"})
    noted = read_document(annotated("/Text", Contents=TextStringObject("SECRET//NOFORN")), "n.pdf")
    assert level_and_parts(policy, noted) == ("SECRET", {"comment"})
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes([["Unmarked text."]])))
    writer.add_outline_item(title="NATO SECRET", page_number=0)
    out = io.BytesIO()
    writer.write(out)
    bookmarked = read_document(out.getvalue(), "b.pdf")
    assert level_and_parts(policy, bookmarked) == ("SECRET", {"outline"})


def test_odt_embedded_chart_and_html_alt_text(policy: Policy) -> None:
    from tests.documents.builders import ODF_NS, zip_bytes

    chart = (
        f"<office:document-content {ODF_NS}><office:body><office:chart><text:p>SECRET"
        "</text:p></office:chart></office:body></office:document-content>"
    ).encode()
    odt = Odt(body=BODY).build()
    import io
    import zipfile

    members = [
        (i.filename, zipfile.ZipFile(io.BytesIO(odt)).read(i))
        for i in zipfile.ZipFile(io.BytesIO(odt)).infolist()
    ]
    with_chart = zip_bytes([*members, ("Object 1/content.xml", chart)], stored=("mimetype",))
    document = read_document(with_chart, "chart.odt")
    assert level_and_parts(policy, document) == ("SECRET", {"drawing"})
    page = read_document(b'<p>Figure: <img src="x.png" alt="SECRET"></p>', "alt.html")
    assert level_and_parts(policy, page) == ("SECRET", {"body"})
