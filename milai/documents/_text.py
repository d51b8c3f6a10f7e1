"""Plain text and Markdown: UTF-8 (a byte-order mark allowed), or UTF-16/32 with one."""

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


def decode_text(data: bytes, name: str) -> str:
    """``data`` as text. Raises ``DocumentError`` when it is not valid in its encoding."""
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), "utf-8")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise DocumentError(
            f"{name} is not valid {encoding.upper().removesuffix('-SIG')} text "
            f"(bad byte at offset {error.start})"
        ) from None
