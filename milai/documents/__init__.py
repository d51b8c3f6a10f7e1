"""Documents in: Word, OpenDocument text, PDF, HTML, e-mail, Markdown and plain text, told
apart by their content, read into one text for the gate with the parts it came from
(``body``, ``header``, ``footer``, ``footnote``, ``comment``, ``deleted``, ``metadata``,
``page N``…) so every finding says where it was. Hostile files (zip bombs, XML entity
bombs, oversized parts) are refused within ``Limits``.

Each public name's module is imported when the name is first asked for: ``milai check``
of a plain-text file only sniffs its head (``sniff``, ``looks_like_…``), and the document
model and readers (their dataclasses are a few milliseconds of every start) stay unloaded.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names as the modules define them (exported: ``as`` themselves)
    from milai.documents._calendar import looks_like_calendar as looks_like_calendar
    from milai.documents._folder import FolderFile as FolderFile
    from milai.documents._folder import NewFiles as NewFiles
    from milai.documents._folder import walk_folder as walk_folder
    from milai.documents._model import Document as Document
    from milai.documents._model import DocumentError as DocumentError
    from milai.documents._model import Limits as Limits
    from milai.documents._model import Part as Part
    from milai.documents._read import read_document as read_document
    from milai.documents._sniff import HEAD_BYTES as HEAD_BYTES
    from milai.documents._sniff import sniff as sniff
    from milai.documents._subtitles import looks_like_subtitles as looks_like_subtitles
    from milai.documents._text import decode_readings as decode_readings

# Each public name and the module that defines it.
_MODULES = {
    "HEAD_BYTES": "_sniff",
    "Document": "_model",
    "DocumentError": "_model",
    "FolderFile": "_folder",
    "Limits": "_model",
    "NewFiles": "_folder",
    "Part": "_model",
    "decode_readings": "_text",
    "looks_like_calendar": "_calendar",
    "looks_like_subtitles": "_subtitles",
    "read_document": "_read",
    "sniff": "_sniff",
    "walk_folder": "_folder",
}

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


def __getattr__(name: str) -> Any:
    """The public ``name``, its module imported on first use (then kept as an attribute)."""
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
