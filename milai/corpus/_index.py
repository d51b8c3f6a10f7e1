"""One collection's index, as kept in its vault record: the documents, and an inverted
index of their passages (terms → passages and counts) for BM25.

The record is one binary blob, laid out so that opening it is a few copies, not a parse of
every posting: a small JSON header (the documents), then little-endian arrays (passage
lengths, term offsets, postings, counts) and the sorted terms. A search reads only the
postings of the question's terms.

BM25 is computed here, not by a library, because of one rule: the statistics (how many
passages, how long on average, how many hold a term) are counted over the passages the
asker may read and nothing else, so a passage above that level changes no score and
cannot be inferred from one. ``bm25s`` precomputes its weights over the whole corpus, and
``rank_bm25`` would have to be rebuilt over the allowed passages for every question.
"""

from __future__ import annotations

import bisect
import heapq
import json
import math
import struct
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from milai.errors import VaultIntegrityError

MAGIC = b"MILAICX1"
_HEAD = struct.Struct("<8sI")
_TAIL = struct.Struct("<I")  # the vocabulary's length, last
K1 = 1.2
B = 0.75
MAX_COUNT = 0xFFFF


@dataclass(frozen=True)
class DocumentEntry:
    """A document of the corpus as its collection's index lists it (no text)."""

    id: str
    name: str
    title: str
    format: str
    level: str
    declared: str
    found: str
    added: str
    passages: int
    tokens: int
    chars: int
    size: int
    shard: int = 0  # the text record that holds its passages
    languages: dict[str, int] = field(default_factory=dict)
    # Why it is above its declared level: the findings at its level (rule, level, part),
    # never their text.
    raised_by: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: Any) -> DocumentEntry:
        """Raises ``ValueError`` for anything but an entry ``to_json`` wrote (the record
        is authenticated: this guards the arithmetic, not against an attacker)."""
        if not isinstance(raw, dict):
            raise ValueError("a document entry is an object")
        passages, level = raw.get("passages"), raw.get("level")
        if not isinstance(passages, int) or passages < 0 or not isinstance(level, str):
            raise ValueError("a document entry's passages or level is malformed")
        try:
            return cls(**raw)
        except TypeError as error:
            raise ValueError(str(error)) from None


def _little(values: array[int]) -> bytes:
    if sys.byteorder == "big":
        values = array(values.typecode, values)
        values.byteswap()
    return values.tobytes()


def _read_array(typecode: str, data: memoryview, start: int, count: int) -> tuple[array[int], int]:
    values = array(typecode)
    end = start + count * values.itemsize
    if end > len(data):
        raise ValueError("the index is shorter than its header says")
    values.frombytes(data[start:end])
    if sys.byteorder == "big":
        values.byteswap()
    return values, end


class Vocabulary:
    """The sorted terms of an index as one UTF-8 blob and their offsets: opened without a
    string per term, looked up by binary search on the bytes."""

    def __init__(self, blob: bytes, offsets: array[int]) -> None:
        self.blob = blob
        self.offsets = offsets  # term i is blob[offsets[i]:offsets[i+1]]

    @classmethod
    def of(cls, terms: Iterable[str]) -> Vocabulary:
        """The vocabulary of ``terms``, which must be sorted by their UTF-8 bytes."""
        offsets = array("I", [0])
        pieces = []
        size = 0
        for term in terms:
            encoded = term.encode()
            pieces.append(encoded)
            size += len(encoded)
            offsets.append(size)
        return cls(b"".join(pieces), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __iter__(self) -> Iterator[str]:
        blob, offsets = self.blob, self.offsets
        for number in range(len(self)):
            yield blob[offsets[number] : offsets[number + 1]].decode()

    def find(self, term: str) -> int | None:
        """The number of ``term``, or None when the index has no such term."""
        wanted = term.encode()
        blob, offsets = self.blob, self.offsets
        low, high = 0, len(self)
        while low < high:
            middle = (low + high) // 2
            if blob[offsets[middle] : offsets[middle + 1]] < wanted:
                low = middle + 1
            else:
                high = middle
        if low < len(self) and blob[offsets[low] : offsets[low + 1]] == wanted:
            return low
        return None


def sorted_terms(terms: Iterable[str]) -> list[str]:
    """``terms`` in the vocabulary's order (by UTF-8 bytes, i.e. by code point)."""
    return sorted(terms)


class PackedIndex:
    """A collection's index, read-only, as opened from its record.

    ``shards`` maps each text record of the collection (by number) to its size; documents
    name the shard that holds their passages.
    """

    def __init__(
        self,
        collection: str,
        documents: Sequence[DocumentEntry],
        lengths: array[int],
        vocabulary: Vocabulary,
        offsets: array[int],
        postings: array[int],
        counts: array[int],
        shards: dict[int, int] | None = None,
    ) -> None:
        self.collection = collection
        self.documents = tuple(documents)
        self.lengths = lengths  # tokens of each passage
        self.vocabulary = vocabulary
        self.offsets = offsets  # postings of term i: postings[offsets[i]:offsets[i+1]]
        self.postings = postings  # passage numbers
        self.counts = counts  # how often the term occurs in that passage
        self.shards = dict(shards or {})
        starts = [0]
        for document in self.documents:
            starts.append(starts[-1] + document.passages)
        self.starts = starts  # passages of documents[i]: starts[i] to starts[i+1]

    @classmethod
    def empty(cls, collection: str) -> PackedIndex:
        return cls(
            collection,
            (),
            array("I"),
            Vocabulary(b"", array("I", [0])),
            array("I", [0]),
            array("I"),
            array("H"),
        )

    def __len__(self) -> int:
        return len(self.lengths)

    def document(self, document_id: str) -> DocumentEntry | None:
        for document in self.documents:
            if document.id == document_id:
                return document
        return None

    def term_postings(self, term: str) -> tuple[array[int], array[int]] | None:
        """The passages holding ``term`` and how often, or None."""
        number = self.vocabulary.find(term)
        if number is None:
            return None
        start, end = self.offsets[number], self.offsets[number + 1]
        return self.postings[start:end], self.counts[start:end]

    def locate(self, passage: int) -> tuple[DocumentEntry, int]:
        """The document holding passage number ``passage``, and its place in it."""
        index = bisect.bisect_right(self.starts, passage) - 1
        return self.documents[index], passage - self.starts[index]

    # -- the record ----------------------------------------------------------------------

    def encode(self) -> bytes:
        header = json.dumps(
            {
                "collection": self.collection,
                "documents": [document.to_json() for document in self.documents],
                "terms": len(self.vocabulary),
                "postings": len(self.postings),
                "shards": {str(number): size for number, size in sorted(self.shards.items())},
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        vocabulary = self.vocabulary
        return b"".join(
            (
                _HEAD.pack(MAGIC, len(header)),
                header,
                _little(self.lengths),
                _little(self.offsets),
                _little(self.postings),
                _little(self.counts),
                _little(vocabulary.offsets),
                vocabulary.blob,
                _TAIL.pack(len(vocabulary.blob)),
            )
        )

    @classmethod
    def decode(cls, record: bytes, collection: str) -> PackedIndex:
        """The index in ``record`` (authenticated by the vault). Raises
        ``VaultIntegrityError`` when it is not a well-formed index of ``collection``."""
        try:
            return cls._decode(record, collection)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, struct.error):
            raise VaultIntegrityError(
                f"the corpus index of collection {collection!r} is damaged",
                hint="remove the collection's documents and add them again",
            ) from None

    @classmethod
    def _decode(cls, body: bytes, collection: str) -> PackedIndex:
        data = memoryview(body)
        magic, header_size = _HEAD.unpack_from(data)
        if magic != MAGIC:
            raise ValueError("not an index")
        start = _HEAD.size + header_size
        header = json.loads(bytes(data[_HEAD.size : start]))
        if header["collection"] != collection:
            raise ValueError("the index of another collection")
        documents = [DocumentEntry.from_json(raw) for raw in header["documents"]]
        shards = {int(number): int(size) for number, size in header["shards"].items()}
        passages = sum(document.passages for document in documents)
        terms, postings = int(header["terms"]), int(header["postings"])
        lengths, start = _read_array("I", data, start, passages)
        offsets, start = _read_array("I", data, start, terms + 1)
        chunk_ids, start = _read_array("I", data, start, postings)
        counts, start = _read_array("H", data, start, postings)
        term_offsets, start = _read_array("I", data, start, terms + 1)
        (size,) = _TAIL.unpack_from(data, len(data) - _TAIL.size)
        if start + size + _TAIL.size != len(data):
            raise ValueError("the index is not as long as its header says")
        if offsets[0] != 0 or offsets[-1] != postings or term_offsets[-1] != size:
            raise ValueError("the index does not add up")
        vocabulary = Vocabulary(bytes(data[start : start + size]), term_offsets)
        return cls(collection, documents, lengths, vocabulary, offsets, chunk_ids, counts, shards)


class IndexEditor:
    """A collection's index being changed (documents added, removed, re-levelled), packed
    again when done. Passages are numbered in document order."""

    def __init__(self, index: PackedIndex) -> None:
        self.collection = index.collection
        self.documents = list(index.documents)
        self.lengths = array("I", index.lengths)
        self.shards = dict(index.shards)
        self._postings: dict[str, tuple[array[int], array[int]]] = {}
        offsets, postings, counts = index.offsets, index.postings, index.counts
        for number, term in enumerate(index.vocabulary):
            start, end = offsets[number], offsets[number + 1]
            self._postings[term] = (postings[start:end], counts[start:end])

    def add(self, document: DocumentEntry, passage_terms: Sequence[Sequence[str]]) -> None:
        """Append ``document`` whose passages hold ``passage_terms``."""
        first = len(self.lengths)
        for offset, terms in enumerate(passage_terms):
            self.lengths.append(len(terms))
            tally: dict[str, int] = {}
            for term in terms:
                tally[term] = tally.get(term, 0) + 1
            for term, count in tally.items():
                found = self._postings.get(term)
                if found is None:
                    found = self._postings[term] = (array("I"), array("H"))
                found[0].append(first + offset)
                found[1].append(min(count, MAX_COUNT))
        self.documents.append(document)

    def remove(self, document_id: str) -> DocumentEntry:
        """Remove a document and its passages. Raises ``KeyError`` when it is not here."""
        numbers = [n for n, document in enumerate(self.documents) if document.id == document_id]
        if not numbers:
            raise KeyError(document_id)
        start = sum(document.passages for document in self.documents[: numbers[0]])
        removed = self.documents.pop(numbers[0])
        end = start + removed.passages
        del self.lengths[start:end]
        shift = end - start
        for term in list(self._postings):
            ids, counts = self._postings[term]
            if not ids or ids[-1] < start:
                continue
            kept_ids, kept_counts = array("I"), array("H")
            for passage, count in zip(ids, counts, strict=True):
                if passage < start:
                    kept_ids.append(passage)
                    kept_counts.append(count)
                elif passage >= end:
                    kept_ids.append(passage - shift)
                    kept_counts.append(count)
            if kept_ids:
                self._postings[term] = (kept_ids, kept_counts)
            else:
                del self._postings[term]
        return removed

    def replace(self, document: DocumentEntry) -> None:
        """Replace the entry of the document with ``document``'s id (its passages stay)."""
        for number, found in enumerate(self.documents):
            if found.id == document.id:
                self.documents[number] = document
                return
        raise KeyError(document.id)

    def pack(self) -> PackedIndex:
        terms = sorted_terms(self._postings)
        offsets, postings, counts = array("I", [0]), array("I"), array("H")
        for term in terms:
            ids, tallies = self._postings[term]
            postings.extend(ids)
            counts.extend(tallies)
            offsets.append(len(postings))
        return PackedIndex(
            self.collection,
            self.documents,
            self.lengths,
            Vocabulary.of(terms),
            offsets,
            postings,
            counts,
            {number: size for number, size in self.shards.items() if size},
        )


@dataclass(frozen=True)
class Hit:
    """A passage that answers a question: its collection, document, place and score."""

    collection: str
    document: DocumentEntry
    ordinal: int
    score: float

    @property
    def passage_id(self) -> str:
        return f"{self.document.id}:{self.ordinal}"


def search(
    indexes: Iterable[PackedIndex],
    question_terms: Sequence[frozenset[str]],
    may_read: Callable[[str], bool],
    k: int,
) -> list[Hit]:
    """The ``k`` best passages for the question (one set of term variants per word) among
    those of documents whose level ``may_read`` allows, best first.

    Passages of other documents are left out before anything is counted: they are never
    scored and no statistic includes them (passage count, average length, how many hold a
    term). A word scores by its best variant in each passage.
    """
    indexes = list(indexes)
    masks: list[bytearray] = []
    allowed_passages = allowed_tokens = 0
    for index in indexes:
        mask = bytearray(len(index))
        for number, document in enumerate(index.documents):
            if document.passages and may_read(document.level):
                start = index.starts[number]
                mask[start : start + document.passages] = b"\x01" * document.passages
                allowed_passages += document.passages
                allowed_tokens += document.tokens
        masks.append(mask)
    if not allowed_passages or k < 1:
        return []
    average = max(allowed_tokens / allowed_passages, 1.0)
    scores: dict[tuple[int, int], float] = {}
    for variants in question_terms:
        best: dict[tuple[int, int], float] = {}
        for term in sorted(variants):
            kept: list[tuple[int, list[tuple[int, int]]]] = []
            holding = 0
            for number, index in enumerate(indexes):
                found = index.term_postings(term)
                if found is None:
                    continue
                mask = masks[number]
                allowed = [(p, c) for p, c in zip(*found, strict=True) if mask[p]]
                if allowed:
                    holding += len(allowed)
                    kept.append((number, allowed))
            if not holding:
                continue
            idf = math.log(1.0 + (allowed_passages - holding + 0.5) / (holding + 0.5))
            for number, allowed in kept:
                lengths = indexes[number].lengths
                for passage, count in allowed:
                    norm = K1 * (1.0 - B + B * lengths[passage] / average)
                    score = idf * count * (K1 + 1.0) / (count + norm)
                    key = (number, passage)
                    if score > best.get(key, 0.0):
                        best[key] = score
        for key, score in best.items():
            scores[key] = scores.get(key, 0.0) + score
    ranked = heapq.nsmallest(k, scores.items(), key=lambda item: (-item[1], item[0]))
    hits = []
    for (number, passage), score in ranked:
        document, ordinal = indexes[number].locate(passage)
        hits.append(Hit(indexes[number].collection, document, ordinal, score))
    return hits
