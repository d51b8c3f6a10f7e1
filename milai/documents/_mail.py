"""E-mail (RFC 5322 / MIME, ``.eml``): the headers (``header``), every text and HTML body
(``body``; both versions of a multipart/alternative, which may differ), forwarded messages,
and attached documents read as documents (``attachment NAME: part``). Image attachments are
skipped and said so (milai does not OCR)."""

from __future__ import annotations

import re
from collections.abc import Callable
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser

from milai.documents._html import read_html
from milai.documents._model import Document, DocumentBuilder, DocumentError
from milai.documents._text import plausible_utf8

MAX_MIME_PARTS = 1000
_MSIP = re.compile(r"MSIP_Label_[0-9A-Fa-f-]{36}_Name=([^;]+)")

ReadNested = Callable[[bytes, str], Document]


def read_mail(data: bytes, builder: DocumentBuilder, read_nested: ReadNested) -> None:
    """Add the headers, bodies and attachments of the message ``data`` to ``builder``.

    Raises ``DocumentError`` for an attachment that cannot be read (other than an image).
    """
    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
        _message(message, builder, read_nested, [0])
    except DocumentError:
        raise
    except Exception as error:  # the email package on hostile headers: one answer
        raise DocumentError(
            f"{builder.name} is a malformed e-mail message ({type(error).__name__})"
        ) from None


def _message(
    message: Message, builder: DocumentBuilder, read_nested: ReadNested, seen: list[int]
) -> None:
    lines = []
    for key, value in message.raw_items():
        text = " ".join(_header_text(value).split())
        lines.append(f"{key}: {text}")
        if key.lower() == "msip_labels":
            lines.extend(f"classification: {name.strip()}" for name in _MSIP.findall(text))
    builder.add("header", "\n".join(lines))
    _parts(message, builder, read_nested, seen)


def _parts(
    message: Message, builder: DocumentBuilder, read_nested: ReadNested, seen: list[int]
) -> None:
    seen[0] += 1
    if seen[0] > MAX_MIME_PARTS:
        raise DocumentError(f"{builder.name}: a message of more than {MAX_MIME_PARTS} parts")
    content_type = message.get_content_type()
    if content_type == "message/rfc822":
        for inner in message.get_payload() or []:
            if isinstance(inner, Message):
                _message(inner, builder, read_nested, seen)
        return
    if message.is_multipart():
        for part in message.get_payload() or []:
            if isinstance(part, Message):
                _parts(part, builder, read_nested, seen)
        return
    filename = message.get_filename()
    if filename is None and content_type in ("text/plain", "text/html"):
        for part, text in _decoded(message):
            if content_type == "text/html":
                read_html(text, builder)
            else:
                builder.add(part, text)
        return
    label = filename or content_type
    if filename:
        # a file's name is text its sender wrote (``[SECRET] annex B.pdf``), whatever the file
        builder.add(f"attachment {label}: name", " ".join(filename.split()))
    if content_type.startswith("image/"):
        builder.skip(f"attachment {label}: an image (milai does not OCR)")
        return
    payload = message.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return
    nested = read_nested(payload, f"{builder.name}: attachment {label}")
    for part in nested.parts:
        builder.add(f"attachment {label}: {part.name}", nested.text[part.start : part.end])
    for note in nested.skipped:
        builder.skip(note)


def _decoded(message: Message) -> list[tuple[str, str]]:
    """The text of a body in its declared charset, and as UTF-8 too when that reads it
    otherwise (fail closed: a ``charset=utf-16`` or EBCDIC label over UTF-8 bytes is
    what a mail client that ignores it shows)."""
    payload = message.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    charset = message.get_content_charset() or "utf-8"
    as_utf8 = data.decode("utf-8", errors="replace")
    try:
        text = data.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know: read what UTF-8 can
        return [("body", as_utf8)]
    readings = [("body", text)]
    if plausible_utf8(data, as_utf8, text):
        readings.append(("body as UTF-8", as_utf8))
    return readings


def _header_text(raw: str) -> str:
    """A header's value with its RFC 2047 encoded words decoded (``=?utf-8?q?…?=`` hides
    nothing), or as it stands when they do not decode."""
    try:
        return str(make_header(decode_header(raw)))
    except (ValueError, LookupError, UnicodeError):
        return raw
