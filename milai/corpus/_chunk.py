"""Splitting a read document into passages for the index: each stays within one part of
the document (so it keeps its part, and its page for a PDF), packed from whole paragraphs
up to about ``TARGET_CHARS``; a longer paragraph is split at sentence ends, then at spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from milai.documents import Document

TARGET_CHARS = 1000
MAX_CHARS = 1600

_PARAGRAPHS = re.compile(r"\n[ \t]*\n")
_SENTENCES = re.compile(r"(?<=[.!?;:])\s+|\n")
_PAGE = re.compile(r"page (\d+)")


@dataclass(frozen=True)
class Passage:
    """One passage of a document: where it is (``part``, ``page``) and its ``text``."""

    part: str
    page: int | None
    text: str


def page_of(part: str) -> int | None:
    """The page number of a part named ``page N``, else None."""
    match = _PAGE.fullmatch(part)
    return int(match.group(1)) if match else None


def split_document(document: Document) -> list[Passage]:
    """The passages of ``document``, in text order."""
    passages: list[Passage] = []
    for part in document.parts:
        page = page_of(part.name)
        text = document.text[part.start : part.end]
        passages.extend(Passage(part.name, page, piece) for piece in _pack(_pieces(text)))
    return passages


def _pieces(text: str) -> Iterator[str]:
    for paragraph in _PARAGRAPHS.split(text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if len(paragraph) <= MAX_CHARS:
            yield paragraph
            continue
        for sentence in _SENTENCES.split(paragraph):
            sentence = sentence.strip()
            while len(sentence) > MAX_CHARS:
                cut = sentence.rfind(" ", TARGET_CHARS // 2, MAX_CHARS)
                cut = cut if cut > 0 else MAX_CHARS
                yield sentence[:cut]
                sentence = sentence[cut:].strip()
            if sentence:
                yield sentence


def _pack(pieces: Iterator[str]) -> Iterator[str]:
    current: list[str] = []
    size = 0
    for piece in pieces:
        if current and size + 2 + len(piece) > TARGET_CHARS:
            yield "\n\n".join(current)
            current, size = [], 0
        current.append(piece)
        size += len(piece) + (2 if size else 0)
    if current:
        yield "\n\n".join(current)
