"""Documents in: Word, OpenDocument text, PDF, HTML, e-mail, Markdown and plain text, told
apart by their content, read into one text for the gate with the parts it came from
(``body``, ``header``, ``footer``, ``footnote``, ``comment``, ``deleted``, ``metadata``,
``page N``…) so every finding says where it was. Hostile files (zip bombs, XML entity
bombs, oversized parts) are refused within ``Limits``.
"""

from __future__ import annotations

from milai.documents._calendar import looks_like_calendar
from milai.documents._folder import FolderFile, NewFiles, walk_folder
from milai.documents._model import Document, DocumentError, Limits, Part
from milai.documents._read import read_document
from milai.documents._sniff import HEAD_BYTES, sniff
from milai.documents._subtitles import looks_like_subtitles
from milai.documents._text import decode_readings

__all__ = [
    "HEAD_BYTES",
    "Document",
    "DocumentError",
    "FolderFile",
    "Limits",
    "NewFiles",
    "Part",
    "decode_readings",
    "looks_like_calendar",
    "looks_like_subtitles",
    "read_document",
    "sniff",
    "walk_folder",
]
