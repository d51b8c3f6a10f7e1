"""``read_document``: sniff the bytes, hand them to the reader of their format."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from milai.documents._base64_documents import read_base64_documents
from milai.documents._calendar import unfolded
from milai.documents._model import Document, DocumentBuilder, DocumentError, Limits, TooDeep
from milai.documents._sniff import HEAD_BYTES, sniff
from milai.documents._subtitles import joined_cues
from milai.documents._text import LEGACY_ENCODING, decode_readings, is_legacy

_UNREAD = {
    "ole": "a legacy binary Office file (.doc, .xls, .msg): save it as .docx or .odt",
    "image": "an image: milai reads text, it does not OCR",
}


def read_document(
    data: bytes, name: str, limits: Limits | None = None, *, legacy: bool = False
) -> Document:
    """The text of the document ``data`` (named ``name`` in messages) and its parts;
    ``legacy``: plain text or HTML that is not UTF-8 is read as cp1252 (a file's bytes, not
    stdin's: ``documents._text``), and the document's ``encoding`` says so.

    Raises ``DocumentError`` (exit 2) for a format milai does not read, a damaged,
    encrypted or image-only file, hostile XML, a zip bomb, or anything past ``limits``.
    """
    document = _read(data, name, limits or Limits(), 0, legacy=legacy)
    if legacy and document.format in ("text", "html") and is_legacy(data):
        return dataclasses.replace(document, encoding=LEGACY_ENCODING)
    return document


def _read(data: bytes, name: str, limits: Limits, depth: int, *, legacy: bool = False) -> Document:
    if len(data) > limits.max_input_bytes:
        raise DocumentError(f"{name} is larger than {limits.max_input_bytes} bytes")
    builder = DocumentBuilder(name, limits)
    kind = sniff(data[:HEAD_BYTES])
    if kind in _UNREAD:
        raise DocumentError(f"{name} is {_UNREAD[kind]}")
    if kind == "pdf":
        from milai.documents._pdf import read_pdf

        read_pdf(data, builder, _nested(limits, depth))
        return builder.build("pdf")
    if kind == "zip":
        return _read_zip(data, builder, depth)
    if kind == "email":
        from milai.documents._mail import read_mail

        read_mail(data, builder, _nested(limits, depth))
        return builder.build("eml")
    readings = decode_readings(data, name, legacy=legacy)
    if kind == "html":
        from milai.documents._html import read_html

        for _, text in readings:
            read_html(text, builder)
        read_base64_documents(readings[0][1], builder, _nested(limits, depth))
        return builder.build("html")
    for part, text in readings:
        builder.add(part, text)
    read_base64_documents(readings[0][1], builder, _nested(limits, depth))
    cues = joined_cues(readings[0][1])
    if cues is not None:
        builder.add("subtitle cues", cues)  # a banner cut over two cues reads whole
    lines = unfolded(readings[0][1])
    if lines is not None:
        builder.add("calendar unfolded", lines)  # SUMMARY:NATO SEC / RET reads whole
    return builder.build("text")


def _read_zip(data: bytes, builder: DocumentBuilder, depth: int) -> Document:
    from milai.documents._zip import BoundedZip

    archive = BoundedZip(data, builder.name, builder.limits)
    if "mimetype" in archive:
        from milai.documents._odf import read_odt

        mimetype = archive.read("mimetype")[:200].decode("ascii", "replace").strip()
        read_odt(archive, mimetype, builder)
        return builder.build("odt")
    from milai.documents._ooxml import CONTENT_TYPES, read_docx

    if CONTENT_TYPES in archive:
        read_docx(archive, builder, _nested(builder.limits, depth))
        return builder.build("docx")
    raise DocumentError(f"{builder.name} is a zip archive, not a document milai reads")


def _nested(limits: Limits, depth: int) -> Callable[[bytes, str], Document]:
    """The reader of documents inside this one (attachments, embedded objects); one nested
    past ``Limits.max_depth`` raises ``TooDeep``."""

    def read_nested(data: bytes, name: str) -> Document:
        if depth + 1 > limits.max_depth:
            raise TooDeep(f"{name}: documents nested deeper than {limits.max_depth}")
        return _read(data, name, limits, depth + 1)

    return read_nested
