"""Plain text and Markdown: UTF-8 (a byte-order mark allowed), or UTF-16/32 with one.

Bytes that admit more than one plausible reading are read every way (fail closed): a
UTF-16/32 byte-order mark in front of text that a UTF-8 reader shows as text, or UTF-16
without a mark (NUL bytes between ASCII letters). The gate reads every reading, each a
part of its own (``as UTF-8``, ``as UTF-16``), and takes the highest level. Bytes that no
reading decodes are refused (``DocumentError``, exit 2).
"""

from __future__ import annotations

import codecs

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


def decode_text(data: bytes, name: str) -> str:
    """``data`` as text in its first reading (see ``decode_readings``)."""
    return decode_readings(data, name)[0][1]


def decode_readings(data: bytes, name: str) -> list[tuple[str, str]]:
    """Every plausible reading of ``data`` as ``(part, text)``, the primary one first
    (part ``body``). Raises ``DocumentError`` when no reading is valid text."""
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
        try:
            rest = data[len(bom) :].decode("utf-8", errors="replace" if readings else "strict")
        except UnicodeDecodeError:
            rest = ""
        rest = rest.replace("\0", "")  # NULs show as nothing: UTF-16 of ASCII is its text
        if rest and (not readings or rest != readings[0][1]):
            readings.append(("as UTF-8", rest))
    elif not bom and data.count(0) * _NUL_SHARE >= len(data) > 0:
        for codec in ("utf-16-le", "utf-16-be"):
            try:
                readings.append((f"as {codec.upper()}", data.decode(codec)))
            except UnicodeDecodeError:
                continue
    if not readings:
        raise DocumentError(failure)
    return readings
