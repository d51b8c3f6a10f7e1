"""Plain text and Markdown: UTF-8 (a byte-order mark allowed), or UTF-16/32 with one.

Bytes that admit more than one plausible reading are read every way (fail closed): a
UTF-16/32 byte-order mark in front of text that a UTF-8 reader shows as other text (few
NULs, few bytes it cannot read: genuine UTF-16 is not read twice), or UTF-16 without a
mark (a quarter of the bytes NUL: UTF-8 and the byte order the NULs point to). Every
reading is a part of its own (``as UTF-8``, ``as UTF-16-LE``), so the gate takes the
highest level and names the reading; ``run`` and ``docs add`` get every reading too. Bytes
that no reading decodes are refused (``DocumentError``, exit 2).

A file (``legacy=True``: ``check FILE``, ``redact FILE``, a folder's files; never stdin) that
is not UTF-8 and holds no NUL byte is a Windows "ANSI" file: read as code page 1252 (``TRÈS
SECRET`` saved by Notepad or Word as ``TR\xc8S SECRET``), the five bytes that cp1252 leaves
undefined as Latin-1 (C1 controls), so that every byte is one character and back
(``LEGACY_ENCODING``, ``encode_legacy``). Where such bytes also hold UTF-8 sequences (UTF-8
text with a stray byte), they are read as UTF-8 too, a part of its own (``as UTF-8``).
"""

from __future__ import annotations

import codecs
import re

from milai.documents._model import DocumentError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# UTF-16 without a byte-order mark: at least this share of the bytes are NUL.
_NUL_SHARE = 4
# UTF-8 after a UTF-16/32 mark is a plausible reading when under this share of its bytes
# are NUL (UTF-16 of Latin text is half NULs) and of its characters are U+FFFD.
_NOT_UTF8_SHARE = 10


LEGACY_ENCODING = "cp1252"


def _legacy_table() -> dict[int, str]:
    """Latin-1's code points 0x80-0x9F to cp1252's characters (the rest are the same)."""
    table: dict[int, str] = {}
    for byte in range(0x80, 0xA0):
        try:
            table[byte] = bytes([byte]).decode(LEGACY_ENCODING)
        except UnicodeDecodeError:
            pass  # undefined in cp1252: the Latin-1 control, as Windows' own API reads it
    return table


_TO_LEGACY = _legacy_table()
# A character that only a UTF-8 sequence gives (not ASCII, not the replacement character).
_BEYOND_ASCII = re.compile("[^\x00-\x7f\ufffd]")
_FROM_LEGACY = {ord(ch): chr(byte) for byte, ch in _TO_LEGACY.items()}


def decode_legacy(data: bytes) -> str:
    """``data`` as cp1252, every byte a character (undefined ones as Latin-1)."""
    return data.decode("latin-1").translate(_TO_LEGACY)


def encode_legacy(text: str) -> bytes:
    """The inverse of ``decode_legacy``. Raises ``UnicodeEncodeError`` for a character that
    no byte stands for."""
    return text.translate(_FROM_LEGACY).encode("latin-1")


def is_legacy(data: bytes) -> bool:
    """Whether ``decode_readings(data, legacy=True)`` reads ``data`` as cp1252: no UTF-16
    or UTF-32 byte-order mark, no NUL (a binary file, or UTF-16), and not valid UTF-8."""
    if b"\x00" in data or any(data.startswith(b) for b, enc in _BOMS if enc != "utf-8-sig"):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def decode_text(data: bytes, name: str, *, legacy: bool = False) -> str:
    """``data`` as text in its first reading (see ``decode_readings``)."""
    return decode_readings(data, name, legacy=legacy)[0][1]


def decode_readings(data: bytes, name: str, *, legacy: bool = False) -> list[tuple[str, str]]:
    """Every plausible reading of ``data`` as ``(part, text)``, the primary one first
    (part ``body``); with ``legacy``, bytes that are not UTF-8 as cp1252 (``is_legacy``).
    Raises ``DocumentError`` when no reading is valid text."""
    if legacy and is_legacy(data):
        legacy_readings = [("body", decode_legacy(data))]
        as_utf8 = data.removeprefix(codecs.BOM_UTF8).decode("utf-8", "replace")
        if _BEYOND_ASCII.search(as_utf8):
            legacy_readings.append(("as UTF-8", as_utf8))  # UTF-8 with a stray byte: both ways
        return legacy_readings
    bom, encoding = next(((b, enc) for b, enc in _BOMS if data.startswith(b)), (b"", "utf-8"))
    readings: list[tuple[str, str]] = []
    try:
        readings.append(("body", data.decode(encoding)))
    except UnicodeDecodeError as error:
        failure = (
            f"{name} is not valid {encoding.upper().removesuffix('-SIG')} text "
            f"(bad byte at offset {error.start})"
        )
    else:
        failure = ""
    if encoding in ("utf-16", "utf-32"):
        # What every UTF-8 reader shows: the mark is two or four bytes it cannot read.
        # Beside a sound reading, what it shows whatever bytes it cannot read; alone, only
        # valid UTF-8.
        rest = data[len(bom) :]
        try:
            as_utf8 = rest.decode("utf-8", errors="replace" if readings else "strict")
        except UnicodeDecodeError:
            as_utf8 = ""
        if as_utf8 and (not readings or plausible_utf8(rest, as_utf8, readings[0][1])):
            readings.append(("as UTF-8", as_utf8))
    elif not bom and data.count(0) * _NUL_SHARE >= len(data) > 0:
        # UTF-16 without a mark: the byte order its NULs point to (Latin text has them
        # second in little-endian, first in big-endian).
        big_endian = data[0::2].count(0) > data[1::2].count(0)
        codec = "utf-16-be" if big_endian else "utf-16-le"
        try:
            readings.append((f"as {codec.upper()}", data.decode(codec)))
        except UnicodeDecodeError:
            pass
    if not readings:
        raise DocumentError(failure)
    return readings


def plausible_utf8(raw: bytes, text: str, primary: str) -> bool:
    """Whether ``text`` (``raw`` read as UTF-8) is another text than ``primary`` that a
    UTF-8 reader would show: few NULs, few bytes it cannot read, not the same letters."""
    if raw.count(0) * _NOT_UTF8_SHARE >= len(raw):
        return False  # UTF-16 itself: its letters are the primary reading's
    if text.count("\ufffd") * _NOT_UTF8_SHARE >= len(text):
        return False
    return text != primary
