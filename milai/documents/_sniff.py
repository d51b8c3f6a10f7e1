"""What a file is, from its first bytes (never its name)."""

from __future__ import annotations

import codecs
import re

HEAD_BYTES = 8192  # enough to tell every format milai reads

_HTML_STARTS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<script",
    b"<iframe",
    b"<h1",
    b"<div",
    b"<font",
    b"<table",
    b"<a",
    b"<style",
    b"<title",
    b"<b",
    b"<body",
    b"<br",
    b"<p",
    b"<!--",
)  # fmt: skip  (the WHATWG MIME sniffing list)
# A line is read to its end once (a folded line of blanks cut every way was quadratic),
# from a line's start only (searched, a long line was quadratic).
_HEADER_LINE = re.compile(rb"(?<![^\n])(?:[!-9;-~]+:[ \t]?[^\r\n]*+\r?\n|[ \t][^\r\n]*+\r?\n)")
_MAIL_HEADERS = {
    b"from", b"to", b"cc", b"subject", b"date", b"message-id", b"mime-version", b"received",
    b"return-path", b"reply-to", b"content-type", b"sender", b"delivered-to",
}  # fmt: skip
# A PDF's header: readers look for it in the first 1024 bytes (ISO 32000-2, 7.5.2).
PDF_HEADER_WITHIN = 1024
_INDIRECT_OBJECT = re.compile(rb"(?<![0-9])[0-9]{1,10}[ \t\r\n]+[0-9]{1,5}[ \t\r\n]+obj\b")
_IMAGES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")


def sniff(head: bytes) -> str:
    """The format of a file that starts with ``head``: ``pdf``, ``zip``, ``ole``, ``image``,
    ``html``, ``email``, ``utf16`` or ``text``."""
    if _is_pdf(head):
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(_IMAGES):
        return "image"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _nul_heavy(head):
        return "utf16"  # read whole, every plausible reading (documents/_text.py)
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n\x0c").lower()
    if _is_html(start):
        return "html"
    if _is_mail(head.removeprefix(b"\xef\xbb\xbf")):
        return "email"
    return "text"


def _is_pdf(head: bytes) -> bool:
    """A PDF header in the first 1024 bytes, and a file's: at its start, or after bytes that
    are not text (junk a mail gateway or MacBinary put first; a PDF's own binary), or on a
    line of its own before an indirect object (``1 0 obj``). Text that quotes the header
    (``Why does my file start with %PDF-1.7?``, ``head -c 8``'s output) is text."""
    at = head.find(b"%PDF-", 0, PDF_HEADER_WITHIN)
    if at < 0:
        return False
    if not head[:at].removeprefix(b"\xef\xbb\xbf").strip(b" \t\r\n\x0c"):
        return True
    if not _utf8_text(head):
        return True
    on_its_line = head[at - 1 : at] in (b"\n", b"\r")
    return on_its_line and _INDIRECT_OBJECT.search(head, at) is not None


def _utf8_text(head: bytes) -> bool:
    """Whether ``head`` (perhaps cut inside a character) is UTF-8 text without a NUL."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


def _nul_heavy(head: bytes) -> bool:
    """UTF-16 without a byte-order mark, as far as its first bytes tell: a quarter NUL."""
    return len(head) >= 2 and head.count(0) * 4 >= len(head)


def _is_html(start: bytes) -> bool:
    for tag in _HTML_STARTS:
        if start.startswith(tag) and start[len(tag) : len(tag) + 1] in (b" ", b">", b"\t", b"\n"):
            return True
    return start.startswith(b"<?xml") and b"<html" in start[:1024]


def _is_mail(head: bytes) -> bool:
    """Headers first (an mbox ``From `` line allowed), at least two that mail carries."""
    if head.startswith(b"From "):
        head = head.partition(b"\n")[2]
    known = 0
    at = 0
    while at < len(head):
        if head.startswith((b"\r\n", b"\n"), at):
            return known >= 2
        line = _HEADER_LINE.match(head, at)
        if line is None:
            return False
        name = line.group().partition(b":")[0].strip().lower()
        known += name in _MAIL_HEADERS
        at = line.end()
    return known >= 2
