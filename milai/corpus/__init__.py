"""Ask the documents: an encrypted corpus of passages, each at its document's level, and
retrieval (BM25, en/fr/de/lb) that never reads up.

Documents are read by ``milai.documents``, levelled by the policy (the higher of the level
declared and the level the gate finds), split into passages that keep their part and page,
and kept as vault records (``Corpus``). ``retrieve`` ranks only the passages at or below
the level the asker may read: the others are left out before anything is counted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from milai.corpus._chunk import Passage, split_document
from milai.corpus._index import DocumentEntry, Hit, PackedIndex, search
from milai.corpus._store import (
    DEFAULT_COLLECTION,
    ID_PURPOSE,
    Added,
    Corpus,
    PreparedDocument,
    StoredPassage,
    check_collection,
    name_lines,
    prepare_document,
)
from milai.corpus._text import query_variants

if TYPE_CHECKING:
    from milai.policy import Policy


def readable_at(policy: Policy, limit: str) -> Callable[[str], bool]:
    """Whether a document's level is at or below ``limit``. A level the policy no longer
    has is never readable (fail closed)."""
    ceiling = policy.level_index(limit)
    known = set(policy.levels)
    return lambda level: level in known and policy.level_index(level) <= ceiling


def retrieve(
    corpus: Corpus,
    question: str,
    may_read: Callable[[str], bool],
    k: int,
    collection: str | None = None,
) -> list[Hit]:
    """The ``k`` best passages for ``question`` in ``collection`` (every collection when
    None) among the documents ``may_read`` allows."""
    names = [collection] if collection else corpus.collections()
    return search((corpus.index(name) for name in names), query_variants(question), may_read, k)


__all__ = [
    "DEFAULT_COLLECTION",
    "ID_PURPOSE",
    "Added",
    "Corpus",
    "DocumentEntry",
    "Hit",
    "PackedIndex",
    "Passage",
    "PreparedDocument",
    "StoredPassage",
    "check_collection",
    "name_lines",
    "prepare_document",
    "readable_at",
    "retrieve",
    "split_document",
]
