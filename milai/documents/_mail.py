"""E-mail (RFC 5322 / MIME, ``.eml``): the headers (``header``), every text and HTML body
(``body``; both versions of a multipart/alternative, which may differ), forwarded messages,
and attached documents read as documents (``attachment NAME: part``). Image attachments are
skipped and said so (milai does not OCR).

Raw 8-bit header bytes (RFC 6532 mail, a client's "save as .eml", an mbox) are read as
UTF-8, else in the part's charset, else as Latin-1; a body without a charset as UTF-8, else
as Latin-1. No byte is kept as a surrogate escape (the email package's way), which no later
step could read or write."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.policy import EmailPolicy
from functools import lru_cache
from typing import Any

from milai.documents._html import read_html
from milai.documents._model import Document, DocumentBuilder, DocumentError, TooDeep
from milai.documents._sniff import HEAD_BYTES, sniff
from milai.documents._text import plausible_utf8

MAX_MIME_PARTS = 1000

_MSIP = re.compile(r"MSIP_Label_[0-9A-Fa-f-]{36}_Name=([^;]+)")
# A run of RFC 2047 encoded words: the blanks and folds between two of them are dropped. No
# ``?`` inside a word (RFC 2047), so each start is scanned to its next ``?`` at most.
_WORD = r"=\?[^?\s]+\?[QqBb]\?[^?]*\?="
_ENCODED_RUN = re.compile(rf"{_WORD}(?:\s*{_WORD})*")
_ASCII_PROBE = bytes(range(0x20, 0x7F))

ReadNested = Callable[[bytes, str], Document]


def read_mail(data: bytes, builder: DocumentBuilder, read_nested: ReadNested) -> None:
    """Add the headers, bodies and attachments of the message ``data`` to ``builder``.

    Raises ``DocumentError`` for an attachment that cannot be read (other than an image,
    a note, or one nested too deep: ``unread``).
    """
    try:
        message = BytesParser(policy=_POLICY).parsebytes(data)
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
    charset = message.get_content_charset()
    for key, value in message.raw_items():
        text = " ".join(_header_text(value, charset).split())
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
        # a file's name is text its sender wrote (``[SECRET] annex B.pdf``), whatever the file;
        # read as the header's value it is (``NATO SECRET.pdf`` alone is no banner line)
        name = " ".join(filename.split()).replace('"', "'")
        builder.add(f"attachment {label}: name", f'filename="{name}"')
    payload = message.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return
    if content_type.startswith("image/") and sniff(payload[:HEAD_BYTES]) == "image":
        builder.skip(f"attachment {label}: an image (milai does not OCR)")
        return
    # what its type calls an image and is none (text, an SVG, a document) is read as it is
    where = f"{builder.name}: attachment {label}"
    try:
        nested = read_nested(payload, where)
    except TooDeep as error:  # unread (the mail is not passed); any other failure refuses it
        builder.not_opened(f"attachment {label}", where, error)
        return
    builder.add_nested(f"attachment {label}", nested)


def _decoded(message: Message) -> list[tuple[str, str]]:
    """The text of a body in its declared charset, and as UTF-8 too when that reads it
    otherwise (fail closed: a ``charset=utf-16`` or EBCDIC label over UTF-8 bytes is
    what a mail client that ignores it shows). Without a charset (or with one Python does
    not know): UTF-8, else Latin-1."""
    payload = message.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    as_utf8 = data.decode("utf-8", errors="replace")
    charset = message.get_content_charset()
    try:
        text = data.decode(charset, errors="replace") if charset else _unlabelled(data, None)
    except LookupError:
        text = _unlabelled(data, None)
    readings = [("body", text)]
    if plausible_utf8(data, as_utf8, text):
        readings.append(("body as UTF-8", as_utf8))
    return readings


def _header_text(raw: str, charset: str | None) -> str:
    """A header's value with its raw 8-bit bytes read (``_unescaped``) and each run of RFC
    2047 encoded words decoded (``=?utf-8?q?…?=`` hides nothing); a run that does not
    decode stands as it is."""
    return _ENCODED_RUN.sub(_decoded_run, _unescaped(raw, charset))


def _decoded_run(match: re.Match[str]) -> str:
    try:
        return str(make_header(decode_header(match.group())))
    except (ValueError, LookupError, UnicodeError):
        return match.group()


def _unescaped(value: str, charset: str | None) -> str:
    """``value`` as the email package keeps it (each byte it could not read as ASCII a
    surrogate escape), with those bytes read: UTF-8 (RFC 6532), else ``charset`` when it
    is a charset that reads ASCII as ASCII, else Latin-1."""
    if value.isascii():
        return value
    try:
        data = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that stands for no byte: nothing to read back
        data = value.encode("utf-8", "replace")
    return _unlabelled(data, charset)


def _unlabelled(data: bytes, charset: str | None) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if charset and _reads_ascii(charset):
        return data.decode(charset, "replace")
    return data.decode("latin-1")


@lru_cache(maxsize=64)
def _reads_ascii(charset: str) -> bool:
    try:
        codecs.lookup(charset)
        return _ASCII_PROBE.decode(charset) == _ASCII_PROBE.decode("ascii")
    except (LookupError, UnicodeError, ValueError):
        return False


class _MailPolicy(EmailPolicy):
    """``policy.default``, but a header with raw 8-bit bytes is read as UTF-8, else as
    Latin-1, before it is parsed (the default reads what is not UTF-8 as U+FFFD): what a
    part's file name, type and charset are read from."""

    def header_fetch_parse(self, name: str, value: Any) -> Any:
        if isinstance(value, str):
            value = _unescaped(value, None)
        return super().header_fetch_parse(name, value)


_POLICY = _MailPolicy()
