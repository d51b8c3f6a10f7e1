"""Passage vectors for hybrid ranking: per collection, one vault record (sealed like the
index, changed in the same vault change) holding a unit vector per passage, computed by
the vault's embedding model, and the nearest passages to a question among those the asker
may read.

Vectors are kept as int8 with one float32 scale per row (the row's largest component is
127), not float16 or float32: the record is a quarter of float32's and half of float16's,
and every ``ask`` decrypts it whole (about 6 ms a MB here), and widening int8 to float32 for
the product takes 1.6 ms at 10,000 x 576 where float16 takes 23 ms (numpy converts float16
element by element; it has no fast float16 product either). The rounding moves a cosine by
at most ~1.3e-3 (measured on random unit vectors of 576 dimensions; float16: 3e-5), so it
reorders only passages whose cosines are that close, which reciprocal-rank fusion weighs
almost alike anyway.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from milai.corpus._index import Hit, PackedIndex
from milai.errors import VaultIntegrityError

MAGIC = b"MILAIVX1"
_HEAD = struct.Struct("<8sI")
STORED = np.dtype("i1")
SCALES = np.dtype("<f4")  # little-endian whatever the host
LEVELS = 127.0
Matrix = npt.NDArray[np.float32]


def as_matrix(vectors: Sequence[Sequence[float]], dimensions: int) -> Matrix:
    """``vectors`` as a float32 matrix of unit rows. Raises ``ValueError`` for rows of
    another width or a zero row (a model that gave nothing)."""
    matrix = np.asarray(vectors, dtype=np.float32).reshape(-1, dimensions)
    norms = np.linalg.norm(matrix, axis=1)
    if len(matrix) and not np.all(norms > 0):
        raise ValueError("the embedding model gave an empty vector")
    result: Matrix = matrix / norms[:, None] if len(matrix) else matrix
    return result


@dataclass(frozen=True)
class PassageVectors:
    """The vectors of one collection: by whose model (its sha256), how wide, and for each
    document (by id) its rows in ``matrix`` (one per passage, in passage order); row i is
    ``matrix[i] * scales[i]``."""

    collection: str
    model: str
    dimensions: int
    documents: dict[str, tuple[int, int]]  # id -> (first row, rows)
    matrix: npt.NDArray[np.int8]
    scales: npt.NDArray[np.float32]

    @classmethod
    def empty(cls, collection: str, model: str, dimensions: int) -> PassageVectors:
        return cls(
            collection,
            model,
            dimensions,
            {},
            np.zeros((0, dimensions), STORED),
            np.zeros(0, SCALES),
        )

    def rows_of(self, document_id: str) -> tuple[int, int] | None:
        return self.documents.get(document_id)

    def changed(self, added: Mapping[str, Matrix], removed: Iterable[str] = ()) -> PassageVectors:
        """These vectors with documents ``removed`` and ``added`` (replacing any rows a
        document had)."""
        gone = set(removed) | set(added)
        kept = [(doc, rows) for doc, rows in self.documents.items() if doc not in gone]
        pieces = [self.matrix[first : first + count] for _doc, (first, count) in kept]
        scales = [self.scales[first : first + count] for _doc, (first, count) in kept]
        for matrix in added.values():
            quantized, scale = _quantize(matrix)
            pieces.append(quantized)
            scales.append(scale)
        documents: dict[str, tuple[int, int]] = {}
        row = 0
        for doc, count in [(doc, rows[1]) for doc, rows in kept] + [
            (doc, len(matrix)) for doc, matrix in added.items()
        ]:
            documents[doc] = (row, count)
            row += count
        if not pieces:
            return PassageVectors.empty(self.collection, self.model, self.dimensions)
        return PassageVectors(
            self.collection,
            self.model,
            self.dimensions,
            documents,
            np.concatenate(pieces),
            np.concatenate(scales),
        )

    def encode(self) -> bytes:
        ordered = sorted(self.documents.items(), key=lambda item: item[1][0])
        header = json.dumps(
            {
                "collection": self.collection,
                "model": self.model,
                "dimensions": self.dimensions,
                "dtype": "int8",
                "documents": [[doc, count] for doc, (_first, count) in ordered],
            },
            separators=(",", ":"),
        ).encode()
        body = np.ascontiguousarray(self.matrix, dtype=STORED).tobytes()
        scales = np.ascontiguousarray(self.scales, dtype=SCALES).tobytes()
        return _HEAD.pack(MAGIC, len(header)) + header + body + scales

    @classmethod
    def decode(cls, record: bytes, collection: str) -> PassageVectors:
        """The vectors in ``record`` (authenticated by the vault). Raises
        ``VaultIntegrityError`` when it is not a well-formed vector record of
        ``collection``."""
        try:
            magic, size = _HEAD.unpack_from(record)
            if magic != MAGIC:
                raise ValueError("not a vector record")
            start = _HEAD.size + size
            header = json.loads(record[_HEAD.size : start])
            if header["collection"] != collection or header["dtype"] != "int8":
                raise ValueError("the vectors of another collection")
            dimensions = int(header["dimensions"])
            documents: dict[str, tuple[int, int]] = {}
            row = 0
            for doc, count in header["documents"]:
                documents[str(doc)] = (row, int(count))
                row += int(count)
            size = row * dimensions * STORED.itemsize
            if dimensions < 1 or len(record) - start != size + row * SCALES.itemsize:
                raise ValueError("the vectors are not as long as their header says")
            matrix = np.frombuffer(record, STORED, row * dimensions, start)
            scales = np.frombuffer(record, SCALES, row, start + size).astype(np.float32)
            return cls(
                collection,
                str(header["model"]),
                dimensions,
                documents,
                matrix.reshape(row, dimensions),
                scales,
            )
        except (ValueError, KeyError, TypeError, struct.error):
            raise VaultIntegrityError(
                f"the passage vectors of collection {collection!r} are damaged",
                hint="remove the collection's documents and add them again",
            ) from None


def _quantize(matrix: Matrix) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
    """Unit rows as int8 and a scale each (the row's largest component maps to 127)."""
    scales = np.abs(matrix).max(axis=1) / LEVELS
    scales = np.where(scales > 0, scales, 1.0).astype(np.float32)
    quantized = np.clip(np.rint(matrix / scales[:, None]), -LEVELS, LEVELS).astype(STORED)
    return quantized, scales


def nearest(
    collections: Sequence[tuple[PackedIndex, PassageVectors | None]],
    query: Matrix,
    model: str,
    may_read: Callable[[str], bool],
    depth: int,
) -> tuple[list[Hit], int]:
    """The ``depth`` passages nearest ``query`` (a unit vector of ``model``), best first,
    among those of documents ``may_read`` allows that have vectors of ``model``; and how
    many documents it allows have none (they rank by words alone).

    The others are left out before any product is taken: their rows are never read.
    """
    candidates: list[tuple[float, int, int, Hit]] = []
    unembedded = 0
    for number, (index, vectors) in enumerate(collections):
        usable = (
            vectors
            if vectors is not None
            and vectors.model == model
            and vectors.dimensions == query.shape[-1]
            else None
        )
        rows: list[npt.NDArray[np.intp]] = []
        places: list[tuple[int, int]] = []  # (document number, passages) per block of rows
        for doc_number, document in enumerate(index.documents):
            if not document.passages or not may_read(document.level):
                continue
            found = usable.rows_of(document.id) if usable is not None else None
            if found is None or found[1] != document.passages:
                unembedded += 1
                continue
            rows.append(np.arange(found[0], found[0] + found[1]))
            places.append((doc_number, found[1]))
        if not rows or usable is None:
            continue
        picked = np.concatenate(rows)
        scores = (usable.matrix[picked].astype(np.float32) @ query.reshape(-1)) * usable.scales[
            picked
        ]
        best = np.argsort(-scores, kind="stable")[:depth]
        owners = np.repeat(np.arange(len(places)), [count for _doc, count in places])
        firsts = np.cumsum([0] + [count for _doc, count in places])
        for position in best.tolist():
            block = int(owners[position])
            doc_number = places[block][0]
            ordinal = position - int(firsts[block])
            document = index.documents[doc_number]
            score = float(scores[position])
            hit = Hit(index.collection, document, ordinal, score)
            candidates.append((-score, number, int(index.starts[doc_number]) + ordinal, hit))
    candidates.sort(key=lambda item: item[:3])
    return [item[3] for item in candidates[:depth]], unembedded


def fuse(rankings: Sequence[Sequence[Hit]], k: int, constant: int = 60) -> list[Hit]:
    """Reciprocal rank fusion: each passage scores the sum of 1 / (``constant`` + its rank)
    over the rankings that hold it (ranks from 1); the ``k`` best, ties in the order they
    were first met (the first ranking's order first)."""
    scores: dict[str, float] = {}
    first: dict[str, tuple[int, Hit]] = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking, start=1):
            key = f"{hit.collection}\x00{hit.passage_id}"
            scores[key] = scores.get(key, 0.0) + 1.0 / (constant + rank)
            if key not in first:
                first[key] = (len(first), hit)
    ordered = sorted(scores, key=lambda key: (-scores[key], first[key][0]))
    fused = []
    for key in ordered[:k]:
        hit = first[key][1]
        fused.append(Hit(hit.collection, hit.document, hit.ordinal, scores[key]))
    return fused
