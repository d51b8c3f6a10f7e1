"""Example documents built in code (Word, OpenDocument, PDF, e-mail, HTML): the tests, the
hostile-fixture maker and the benchmark all build their files here, byte for byte the same
on every run."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

FIXED_TIME = (2024, 1, 1, 0, 0, 0)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml"


def zip_bytes(members: Iterable[tuple[str, bytes]], *, stored: Sequence[str] = ()) -> bytes:
    """A zip of ``members`` in order, deflated (except ``stored``), with fixed timestamps."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


# --- Word ------------------------------------------------------------------------------


def _runs(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _paragraphs(lines: Iterable[str]) -> str:
    return "".join(f"<w:p>{_runs(line)}</w:p>" for line in lines)


@dataclass
class Docx:
    """What goes into a built .docx; every field is optional."""

    body: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)  # paragraphs deleted as tracked changes
    inserted: list[str] = field(default_factory=list)  # tracked insertions
    hidden: list[str] = field(default_factory=list)  # runs with w:vanish
    core: dict[str, str] = field(default_factory=dict)  # dc:title, cp:keywords…
    custom: dict[str, str] = field(default_factory=dict)  # custom properties (MSIP labels)
    label_info: list[dict[str, str]] = field(default_factory=list)  # docMetadata/LabelInfo.xml
    raw_body: str = ""  # extra WordprocessingML appended to the body
    members: list[tuple[str, bytes]] = field(default_factory=list)  # more zip members
    overrides: list[tuple[str, str]] = field(default_factory=list)  # (/part name, type)
    defaults: list[tuple[str, str]] = field(default_factory=list)  # (extension, type)

    def build(self) -> bytes:
        body = _paragraphs(self.body)
        body += "".join(
            f"<w:p><w:del w:id='{n}' w:author='a'><w:r><w:delText>"
            f"{escape(text)}</w:delText></w:r></w:del></w:p>"
            for n, text in enumerate(self.deleted)
        )
        body += "".join(
            f"<w:p><w:ins w:id='{100 + n}' w:author='a'>{_runs(text)}</w:ins></w:p>"
            for n, text in enumerate(self.inserted)
        )
        body += "".join(
            f'<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t xml:space="preserve">{escape(text)}'
            "</w:t></w:r></w:p>"
            for text in self.hidden
        )
        body += self.raw_body
        members: list[tuple[str, str]] = []
        overrides = [("/word/document.xml", f"{WORD}.document.main+xml")]
        members.append(
            (
                "word/document.xml",
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<w:document xmlns:w="{W}"><w:body>{body}<w:sectPr/></w:body></w:document>',
            )
        )
        if self.header:
            overrides.append(("/word/header1.xml", f"{WORD}.header+xml"))
            members.append(
                ("word/header1.xml", f'<w:hdr xmlns:w="{W}">{_paragraphs(self.header)}</w:hdr>')
            )
        if self.footer:
            overrides.append(("/word/footer1.xml", f"{WORD}.footer+xml"))
            members.append(
                ("word/footer1.xml", f'<w:ftr xmlns:w="{W}">{_paragraphs(self.footer)}</w:ftr>')
            )
        if self.footnotes:
            notes = "".join(
                f"<w:footnote w:id='{n + 1}'>{_paragraphs([text])}</w:footnote>"
                for n, text in enumerate(self.footnotes)
            )
            overrides.append(("/word/footnotes.xml", f"{WORD}.footnotes+xml"))
            members.append(
                ("word/footnotes.xml", f'<w:footnotes xmlns:w="{W}">{notes}</w:footnotes>')
            )
        if self.comments:
            notes = "".join(
                f"<w:comment w:id='{n}' w:author='reviewer'>{_paragraphs([text])}</w:comment>"
                for n, text in enumerate(self.comments)
            )
            overrides.append(("/word/comments.xml", f"{WORD}.comments+xml"))
            members.append(("word/comments.xml", f'<w:comments xmlns:w="{W}">{notes}</w:comments>'))
        if self.core:
            props = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in self.core.items())
            overrides.append(
                ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml")
            )
            members.append(
                (
                    "docProps/core.xml",
                    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
                    'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                    f"{props}</cp:coreProperties>",
                )
            )
        if self.custom:
            props = "".join(
                f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{n + 2}" '
                f"name={quoteattr(k)}><vt:lpwstr>{escape(v)}</vt:lpwstr></property>"
                for n, (k, v) in enumerate(self.custom.items())
            )
            overrides.append(
                (
                    "/docProps/custom.xml",
                    "application/vnd.openxmlformats-officedocument.custom-properties+xml",
                )
            )
            members.append(
                (
                    "docProps/custom.xml",
                    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/'
                    f'officeDocument/2006/docPropsVTypes">{props}</Properties>',
                )
            )
        if self.label_info:
            labels = "".join(
                "<clbl:label " + " ".join(f"{k}={quoteattr(v)}" for k, v in label.items()) + "/>"
                for label in self.label_info
            )
            overrides.append(
                ("/docMetadata/LabelInfo.xml", "application/vnd.ms-office.classificationlabels+xml")
            )
            members.append(
                (
                    "docMetadata/LabelInfo.xml",
                    '<clbl:labelList xmlns:clbl="http://schemas.microsoft.com/office/2020/'
                    f'mipLabelMetadata">{labels}</clbl:labelList>',
                )
            )
        overrides += self.overrides
        types = "".join(
            f'<Override PartName="{name}" ContentType="{ctype}"/>' for name, ctype in overrides
        ) + "".join(
            f'<Default Extension="{ext}" ContentType="{ctype}"/>' for ext, ctype in self.defaults
        )
        content_types = (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
            f"{types}</Types>"
        )
        return zip_bytes(
            [("[Content_Types].xml", content_types.encode())]
            + [(name, text.encode()) for name, text in members]
            + self.members
        )


def sensitivity_label(label_id: str, name: str, *, enabled: bool = True) -> dict[str, str]:
    """The custom properties Office writes for an applied sensitivity label."""
    prefix = f"MSIP_Label_{label_id}_"
    return {
        f"{prefix}Enabled": "true" if enabled else "false",
        f"{prefix}SetDate": "2024-01-01T00:00:00Z",
        f"{prefix}Method": "Standard",
        f"{prefix}Name": name,
        f"{prefix}SiteId": "72f988bf-86f1-41af-91ab-2d7cd011db47",
        f"{prefix}ActionId": "3c1b2a4e-5d6f-4a7b-8c9d-0e1f2a3b4c5d",
        f"{prefix}ContentBits": "0",
    }


# --- OpenDocument ------------------------------------------------------------------------

ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"'
)


def _odf_paragraphs(lines: Iterable[str]) -> str:
    return "".join(f"<text:p>{escape(line)}</text:p>" for line in lines)


@dataclass
class Odt:
    """What goes into a built .odt."""

    body: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    annotations: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    user_defined: dict[str, str] = field(default_factory=dict)
    mimetype: str = "application/vnd.oasis.opendocument.text"

    def build(self) -> bytes:
        changes = "".join(
            f'<text:changed-region text:id="ct{n}"><text:deletion><office:change-info>'
            "<dc:creator>a</dc:creator></office:change-info>"
            f"<text:p>{escape(text)}</text:p></text:deletion></text:changed-region>"
            for n, text in enumerate(self.deleted)
        )
        tracked = f"<text:tracked-changes>{changes}</text:tracked-changes>" if changes else ""
        notes = "".join(
            f'<text:p>Noted<text:note text:note-class="footnote"><text:note-citation>{n + 1}'
            f"</text:note-citation><text:note-body><text:p>{escape(text)}</text:p>"
            "</text:note-body></text:note></text:p>"
            for n, text in enumerate(self.footnotes)
        )
        remarks = "".join(
            "<text:p>See<office:annotation><dc:creator>reviewer</dc:creator>"
            f"<text:p>{escape(text)}</text:p></office:annotation> here.</text:p>"
            for text in self.annotations
        )
        content = (
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NS}>'
            f"<office:body><office:text>{tracked}{_odf_paragraphs(self.body)}{notes}{remarks}"
            "</office:text></office:body></office:document-content>"
        )
        header = (
            f"<style:header>{_odf_paragraphs(self.header)}</style:header>" if self.header else ""
        )
        footer = (
            f"<style:footer>{_odf_paragraphs(self.footer)}</style:footer>" if self.footer else ""
        )
        styles = (
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {ODF_NS}>'
            '<office:master-styles><style:master-page style:name="Standard">'
            f"{header}{footer}</style:master-page></office:master-styles></office:document-styles>"
        )
        user = "".join(
            f"<meta:user-defined meta:name={quoteattr(k)}>{escape(v)}</meta:user-defined>"
            for k, v in self.user_defined.items()
        )
        meta = (
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {ODF_NS}>'
            f"<office:meta><dc:title>Report</dc:title>{user}</office:meta></office:document-meta>"
        )
        return zip_bytes(
            [
                ("mimetype", self.mimetype.encode()),
                ("content.xml", content.encode()),
                ("styles.xml", styles.encode()),
                ("meta.xml", meta.encode()),
            ],
            stored=("mimetype",),
        )


# --- PDF -----------------------------------------------------------------------------------


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def pdf_bytes(
    pages: Sequence[Sequence[str]],
    *,
    info: dict[str, str] | None = None,
    image_pages: Sequence[int] = (),
) -> bytes:
    """A PDF with one page per entry of ``pages``, each line of text drawn in Helvetica from
    the top down (an empty list: a blank page); pages whose index is in ``image_pages`` draw
    a one-pixel image and no text (as a scan does)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    image = add(
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream"
    )
    kids = []
    for index, lines in enumerate(pages):
        if index in image_pages:
            stream = b"q 500 0 0 700 50 50 cm /Im1 Do Q"
        else:
            commands = [
                f"BT /F1 11 Tf 72 {760 - 14 * n} Td {_pdf_string(line)} Tj ET"
                for n, line in enumerate(lines)
            ]
            stream = "\n".join(commands).encode("cp1252")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> /XObject << /Im1 %d 0 R >> >> >>"
                % (tree, content, font, image)
                if index in image_pages
                else b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (tree, content, font)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    info_ref = None
    if info:
        entries = " ".join(f"/{key} {_pdf_string(value)}" for key, value in info.items())
        info_ref = add(f"<< {entries} >>".encode("cp1252"))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, catalog)
    if info_ref is not None:
        trailer += b" /Info %d 0 R" % info_ref
    out.write(b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def encrypted_pdf(pdf: bytes, *, user_password: str) -> bytes:
    """``pdf`` encrypted with AES-128 (an empty ``user_password``: only an owner password)."""
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- e-mail and HTML ----------------------------------------------------------------------


def eml_bytes(subject: str, body: str, *, headers: dict[str, str] | None = None) -> bytes:
    """A plain-text message (no attachment), quoted-printable like many mailers send."""
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "analyst@example.lu"
    message["To"] = "desk@example.lu"
    message["Subject"] = subject
    message["Date"] = "Mon, 01 Jan 2024 09:00:00 +0100"
    for key, value in (headers or {}).items():
        message[key] = value
    message.set_content(body, cte="quoted-printable")
    return message.as_bytes()


def html_bytes(banner: str, body: str) -> bytes:
    return (
        "<!DOCTYPE html>\n<html><head><title>Weekly note</title></head><body>\n"
        f"<p align=center>{escape(banner)}</p>\n<p>{escape(body)}</p>\n"
        f"<p align=center>{escape(banner)}</p>\n</body></html>\n"
    ).encode()
