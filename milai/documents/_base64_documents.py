"""Whole documents written in base64 inside a text: Microsoft Graph's attachment JSON
(``"contentBytes": "UEsDB…"``), a ``data:application/pdf;base64,…`` URI in HTML, an XML
element that carries a file (``<attachment encoding="base64">``), a blob pasted into
prose, on one line or wrapped over many (JSON's ``\\/`` and ``\\n`` escapes allowed).

The gate reads base64 that decodes to text; a run that decodes to a document the reader
opens (a zip: Word or OpenDocument, ``PK\\x03\\x04``; a PDF, ``%PDF-``) is opened as that
document, with the reader's own limits (its size, its text, documents nested no deeper than
``Limits.max_depth``), at most ``MAX_DOCUMENTS`` a text, and its parts added as
``base64 document N: PART``. One that does not open is noted as skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from milai.documents._base64_runs import MIN_LINE, START_RE, document_bytes
from milai.documents._model import Document, DocumentBuilder, DocumentError

MAX_DOCUMENTS = 16
# A run's pieces: base64 characters (JSON may escape "/" as "\/"), then blanks or escaped
# line breaks between the lines of a wrapped run.
_PIECE = re.compile(r"(?:[A-Za-z0-9+_\-]|\\?/)+={0,2}")
_BREAK = re.compile(r"(?:[ \t\r\n]|\\[rn])+")


def _runs(text: str, most_chars: int) -> list[str]:
    """The base64 runs in ``text`` that start like a document, each joined (no breaks,
    no escapes), none longer than ``most_chars``."""
    runs: list[str] = []
    position = 0
    while len(runs) < MAX_DOCUMENTS:
        start = START_RE.search(text, position)
        if start is None:
            break
        pieces: list[str] = []
        size = 0
        at = start.start()
        while True:
            piece = _PIECE.match(text, at)
            if piece is None or (pieces and len(piece.group()) < MIN_LINE):
                break
            pieces.append(piece.group())
            size += len(piece.group())
            at = piece.end()
            if piece.group().endswith("=") or size > most_chars:
                break
            gap = _BREAK.match(text, at)
            if gap is None:
                break
            at = gap.end()
        position = max(at, start.end())
        if size <= most_chars:
            runs.append("".join(pieces).replace("\\", ""))
    return runs


def read_base64_documents(
    text: str, builder: DocumentBuilder, read_nested: Callable[[bytes, str], Document]
) -> None:
    """Open each document written in base64 in ``text`` and add its parts to ``builder``."""
    if "UEsDB" not in text and "JVBERi0" not in text:
        return
    most_chars = builder.limits.max_input_bytes * 4 // 3 + 4
    count = 0
    for run in _runs(text, most_chars):
        data = document_bytes(run)
        if data is None:
            continue
        count += 1
        label = f"base64 document {count}"
        where = f"{builder.name}: {label}"
        try:
            nested = read_nested(data, where)
        except DocumentError as error:
            builder.not_opened(label, where, error)
            continue
        builder.add_nested(label, nested)
