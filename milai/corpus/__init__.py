"""Ask the documents: an encrypted corpus of passages, each at its document's level, and
retrieval (BM25, en/fr/de/lb) that never reads up.

Documents are read by ``milai.documents``, levelled by the policy (the higher of the level
declared and the level the gate finds), split into passages that keep their part and page,
and kept as vault records (``Corpus``). ``retrieve`` ranks only the passages at or below
the level the asker may read: the others are left out before anything is counted.
``retrieve_hybrid`` adds a cosine ranking over passage vectors (``PassageVectors``, made by
the vault's embedding model) under the same rule and fuses the two by reciprocal rank.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
from milai.corpus._vectors import Matrix, PassageVectors, as_matrix, fuse, nearest

RRF_CONSTANT = 60  # the k of reciprocal rank fusion (Cormack et al. 2009)
RRF_DEPTH = 100  # how deep each ranking goes into the fusion

if TYPE_CHECKING:
    from milai.policy import Policy


def readable_at(policy: Policy, limit: str) -> Callable[[str], bool]:
    """Whether a document's level is at or below ``limit``. A level the policy no longer
    has is never readable (fail closed)."""
    policy.canonical_level(limit)  # an unknown limit is refused now, not at the first read
    known = set(policy.levels)
    return lambda level: level in known and not policy.above(level, limit)


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


@dataclass(frozen=True)
class Retrieval:
    """The passages ``retrieve_hybrid`` chose, and how many readable documents had no
    vectors of the model (ranked by their words alone)."""

    hits: list[Hit]
    unembedded: int


def retrieve_hybrid(
    corpus: Corpus,
    question: str,
    query: Sequence[float],
    model: str,
    may_read: Callable[[str], bool],
    k: int,
    collection: str | None = None,
) -> Retrieval:
    """The ``k`` best passages for ``question``, whose vector by embedding model ``model``
    (its sha256) is ``query``: BM25's ranking and the cosine ranking, each over the
    passages of the documents ``may_read`` allows and nothing else, each ``RRF_DEPTH``
    deep, fused by reciprocal rank (k = ``RRF_CONSTANT``). Hits score their fused score."""
    names = [collection] if collection else corpus.collections()
    indexes = [corpus.index(name) for name in names]
    if k < 1:
        return Retrieval([], 0)
    lexical = search(indexes, query_variants(question), may_read, max(k, RRF_DEPTH))
    vector = as_matrix([query], len(query))
    pairs = [(index, corpus.vectors(index.collection)) for index in indexes]
    semantic, unembedded = nearest(pairs, vector, model, may_read, max(k, RRF_DEPTH))
    return Retrieval(fuse([lexical, semantic], k, RRF_CONSTANT), unembedded)


__all__ = [
    "DEFAULT_COLLECTION",
    "ID_PURPOSE",
    "Added",
    "Corpus",
    "DocumentEntry",
    "Hit",
    "Matrix",
    "PackedIndex",
    "Passage",
    "PassageVectors",
    "PreparedDocument",
    "Retrieval",
    "StoredPassage",
    "as_matrix",
    "check_collection",
    "name_lines",
    "prepare_document",
    "readable_at",
    "retrieve",
    "retrieve_hybrid",
    "split_document",
]
