"""The corpus in the vault: per collection, one index record (``PackedIndex``) and one text
record per document (its passages), all sealed vault records listed in the vault state, so
a tampered, swapped or rolled-back one is a ``VaultIntegrityError`` like any vault file.
Every change to a collection (its index and the text records it names) is one vault
change: all of it lands, or none does.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import struct
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from milai.corpus._chunk import Passage, split_document
from milai.corpus._index import DocumentEntry, Hit, IndexEditor, PackedIndex
from milai.corpus._prompt import Source
from milai.corpus._text import index_terms
from milai.corpus._vectors import Matrix, PassageVectors
from milai.errors import UsageError, VaultIntegrityError

if TYPE_CHECKING:
    from milai.documents import Document
    from milai.policy import Policy
    from milai.vault import RecordStore
    from milai.vault.records import RecordBatch

KIND = "corpus"
ID_PURPOSE = "milai corpus document id v1"
DEFAULT_COLLECTION = "default"
ID_CHARS = 16
MIN_ID_PREFIX = 4
MAX_TITLE = 100
MAX_REASONS = 5  # findings kept to say why a document was raised
MAX_TITLE_TRIES = 5  # lines tried for a title before the file name stands in
_COLLECTION = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_INDEX = "index:"
_VECTORS = "vectors:"
_TEXT = "text:"
SHARD_BYTES = 1 << 20  # a text record grows to about this size before the next is begun
_SHARD_HEAD = struct.Struct("<I")


def check_collection(name: str) -> str:
    """``name`` if it is a valid collection name. Raises ``UsageError``."""
    if not _COLLECTION.fullmatch(name):
        raise UsageError(
            f"invalid collection name {name!r}: letters, digits, '.', '_' and '-', "
            "64 at most, starting with a letter or digit"
        )
    return name


@dataclass(frozen=True)
class PreparedDocument:
    """A document read, levelled and split, ready to be added (not yet in the vault)."""

    name: str
    title: str
    format: str
    declared: str
    found: str
    level: str
    raised_by: tuple[dict[str, str], ...]  # the findings at ``level`` when above declared
    size: int
    digest: bytes  # SHA-256 of its bytes (the corpus keys it into the document's id)
    passages: tuple[Passage, ...]
    terms: tuple[tuple[str, ...], ...]
    languages: dict[str, int]

    @property
    def raised(self) -> bool:
        """Whether the gate found it above its declared level."""
        return self.level != self.declared


def name_lines(name: str) -> str:
    """A document's name as the gate reads it: each folder of its path on a line of its
    own, so a folder or file named like a banner (``SECRET/plan.txt``) reads as one."""
    return "\n".join(piece for piece in re.split(r"[/\\]", name) if piece)


def prepare_document(
    policy: Policy, data: bytes, name: str, declared: str, document: Document
) -> PreparedDocument:
    """``document`` (read from ``data``, named ``name``) with its level: the higher of
    ``declared`` and what the gate finds in its text (every part) and in its name (which
    ``ask`` prints in its sources and puts in the prompt)."""
    from milai.policy import check_text

    in_text = check_text(policy, document.text)
    in_name = check_text(policy, name_lines(name))
    found = policy.higher(in_text.level, in_name.level)
    level = policy.higher(declared, found)
    raised_by: list[dict[str, str]] = []
    if level != declared:
        seen = [(finding, document.part_at(finding.start)) for finding in in_text.findings]
        seen += [(finding, "file name") for finding in in_name.findings]
        for finding, part in seen:
            reason = {"rule": finding.rule, "level": finding.level, "part": part}
            if finding.level == level and reason not in raised_by:
                raised_by.append(reason)
    passages = tuple(split_document(document))
    languages: Counter[str] = Counter()
    terms = []
    for passage in passages:
        language, passage_terms = index_terms(passage.text)
        languages[language or "none"] += 1
        terms.append(tuple(passage_terms))
    return PreparedDocument(
        name=name,
        title=_title(policy, document, name),
        format=document.format,
        declared=declared,
        found=found,
        level=level,
        raised_by=tuple(raised_by[:MAX_REASONS]),
        size=len(data),
        digest=hashlib.sha256(data).digest(),
        passages=passages,
        terms=tuple(terms),
        languages=dict(languages),
    )


def _title(policy: Policy, document: Document, name: str) -> str:
    """The title in the document's properties, else its first line of text that is not a
    marking (a banner is no title), else ``name``."""
    from milai.policy import check_text

    for part in document.parts:
        if part.name != "metadata":
            continue
        for line in document.text[part.start : part.end].splitlines():
            key, _, value = line.partition(":")
            if key.strip().casefold() in ("title", "dc:title") and value.strip():
                return value.strip()[:MAX_TITLE]
    tried = 0
    for part in document.parts:
        if part.name != "body" and not part.name.startswith("page "):
            continue
        for line in document.text[part.start : part.end].splitlines():
            if sum(char.isalnum() for char in line) < 3:
                continue
            if not check_text(policy, line).findings:
                return " ".join(line.split())[:MAX_TITLE]
            tried += 1
            if tried >= MAX_TITLE_TRIES:
                return name[:MAX_TITLE]
    return name[:MAX_TITLE]


@dataclass(frozen=True)
class Added:
    """What adding one document did: ``added``, ``present`` (same content already in the
    collection) or ``raised`` (already there, now at the higher level asked)."""

    status: str
    entry: DocumentEntry


@dataclass(frozen=True)
class StoredPassage:
    """A passage as kept in a document's text record."""

    part: str
    page: int | None
    text: str


class Corpus:
    """The documents of every collection. Every method may raise ``VaultIntegrityError``
    (a record tampered with, missing or damaged) or ``VaultError`` (I/O)."""

    def __init__(self, records: RecordStore, id_key: bytes) -> None:
        self._records = records
        self._id_key = id_key

    def collections(self) -> list[str]:
        """The collections that hold an index, sorted."""
        return [
            record_id[len(_INDEX) :]
            for record_id in self._records.list(KIND)
            if record_id.startswith(_INDEX)
        ]

    def index(self, collection: str) -> PackedIndex:
        """The collection's index (empty when it has none)."""
        raw = self._records.get(KIND, _INDEX + collection)
        if raw is None:
            return PackedIndex.empty(collection)
        return PackedIndex.decode(raw, collection)

    def vectors(self, collection: str) -> PassageVectors | None:
        """The collection's passage vectors, or None when it has none."""
        raw = self._records.get(KIND, _VECTORS + collection)
        return None if raw is None else PassageVectors.decode(raw, collection)

    def put_vectors(
        self, collection: str, model: str, dimensions: int, added: Mapping[str, Matrix]
    ) -> int:
        """Keep ``added`` (document id -> one unit row per passage, computed by ``model``)
        for the documents the collection still holds, in one vault change; vectors of
        another model are dropped. Returns how many documents got vectors."""
        with self._records.batch() as batch:
            raw = batch.get(KIND, _INDEX + collection)
            if raw is None:
                return 0
            index = PackedIndex.decode(raw, collection)
            held = {entry.id: entry.passages for entry in index.documents}
            kept = {
                doc: matrix
                for doc, matrix in added.items()
                if held.get(doc) == len(matrix) and matrix.shape[1] == dimensions
            }
            old_raw = batch.get(KIND, _VECTORS + collection)
            old = None if old_raw is None else PassageVectors.decode(old_raw, collection)
            if old is None or old.model != model or old.dimensions != dimensions:
                old = PassageVectors.empty(collection, model, dimensions)
            gone = [doc for doc in old.documents if doc not in held]
            batch.put(KIND, _VECTORS + collection, old.changed(kept, gone).encode())
        return len(kept)

    def document_id(self, collection: str, digest: bytes) -> str:
        """The id of a document of ``collection`` whose bytes have SHA-256 ``digest``: keyed
        (the id does not let anyone confirm a guess of the content), the same for the same
        content in the same collection."""
        message = collection.encode() + b"\x00" + digest
        return hmac.new(self._id_key, message, hashlib.sha256).hexdigest()[:ID_CHARS]

    def add(
        self, collection: str, documents: Sequence[PreparedDocument], policy: Policy
    ) -> list[Added]:
        """Add ``documents`` to ``collection`` in one vault change; the same content twice
        is one document (asked again at a higher level, it is raised to it)."""
        check_collection(collection)
        results = []
        added_at = datetime.now(UTC).isoformat(timespec="seconds")
        with self._records.batch() as batch:
            raw = batch.get(KIND, _INDEX + collection)
            index = PackedIndex.decode(raw, collection) if raw else PackedIndex.empty(collection)
            editor = IndexEditor(index)
            shards = _ShardWriter(batch, collection, editor.shards)
            known = {entry.id: entry for entry in index.documents}
            for document in documents:
                document_id = self.document_id(collection, document.digest)
                existing = known.get(document_id)
                if existing is not None:
                    if policy.above(document.level, existing.level):
                        existing = replace(
                            existing, level=document.level, raised_by=list(document.raised_by)
                        )
                        editor.replace(existing)
                        known[document_id] = existing
                        results.append(Added("raised", existing))
                    else:
                        results.append(Added("present", existing))
                    continue
                entry = DocumentEntry(
                    id=document_id,
                    name=document.name,
                    title=document.title,
                    format=document.format,
                    level=document.level,
                    declared=document.declared,
                    found=document.found,
                    added=added_at,
                    passages=len(document.passages),
                    tokens=sum(len(terms) for terms in document.terms),
                    chars=sum(len(passage.text) for passage in document.passages),
                    size=document.size,
                    raised_by=list(document.raised_by),
                    shard=shards.add(document_id, _pack(document.passages)),
                    languages=document.languages,
                )
                editor.add(entry, document.terms)
                known[document_id] = entry
                results.append(Added("added", entry))
            if any(result.status != "present" for result in results):
                shards.write()
                batch.put(KIND, _INDEX + collection, editor.pack().encode())
        return results

    def remove(self, collection: str, document_id: str) -> DocumentEntry:
        """Remove a document and its passages (one vault change). Raises ``UsageError``
        when the collection holds no such document."""
        with self._records.batch() as batch:
            raw = batch.get(KIND, _INDEX + collection)
            if raw is None:
                raise UsageError(f"no document {document_id}")
            editor = IndexEditor(PackedIndex.decode(raw, collection))
            try:
                removed = editor.remove(document_id)
            except KeyError:
                raise UsageError(f"no document {document_id}") from None
            shard_id = _shard_id(collection, removed.shard)
            blobs = _read_shard(batch.get(KIND, shard_id), shard_id)
            blobs.pop(document_id, None)
            if blobs:
                data = _write_shard(blobs)
                batch.put(KIND, shard_id, data)
                editor.shards[removed.shard] = len(data)
            else:
                batch.delete(KIND, shard_id)
                editor.shards.pop(removed.shard, None)
            if editor.documents:
                batch.put(KIND, _INDEX + collection, editor.pack().encode())
            else:
                batch.delete(KIND, _INDEX + collection)
            raw_vectors = batch.get(KIND, _VECTORS + collection)
            if raw_vectors is not None:
                vectors = PassageVectors.decode(raw_vectors, collection)
                if editor.documents and set(vectors.documents) - {removed.id}:
                    kept = vectors.changed({}, [removed.id])
                    batch.put(KIND, _VECTORS + collection, kept.encode())
                else:
                    batch.delete(KIND, _VECTORS + collection)
        return removed

    def passages(self, collection: str, entry: DocumentEntry) -> list[StoredPassage]:
        """The passages of a document the collection's index lists."""
        shard_id = _shard_id(collection, entry.shard)
        blob = _read_shard(self._records.get(KIND, shard_id), shard_id).get(entry.id)
        where = f"the text of document {entry.id} in collection {collection!r}"
        if blob is None:
            raise VaultIntegrityError(f"{where} is missing from the vault")
        try:
            rows = json.loads(zlib.decompress(blob))
            passages = [
                StoredPassage(str(part), None if page is None else int(page), str(text))
                for part, page, text in rows
            ]
        except (ValueError, TypeError, zlib.error):
            raise VaultIntegrityError(f"{where} is damaged") from None
        if len(passages) != entry.passages:
            raise VaultIntegrityError(f"{where} does not match the index")
        return passages

    def sources(self, hits: Sequence[Hit]) -> list[Source]:
        """The passages ``hits`` name, with their text (each text record read once)."""
        texts: dict[tuple[str, str], list[StoredPassage]] = {}
        sources = []
        for hit in hits:
            key = (hit.collection, hit.document.id)
            if key not in texts:
                texts[key] = self.passages(hit.collection, hit.document)
            passage = texts[key][hit.ordinal]
            sources.append(
                Source(
                    passage_id=hit.passage_id,
                    collection=hit.collection,
                    doc=hit.document.name,
                    title=hit.document.title,
                    part=passage.part,
                    page=passage.page,
                    level=hit.document.level,
                    score=hit.score,
                    text=passage.text,
                )
            )
        return sources

    def hits_by_id(
        self, passage_ids: Sequence[str], collection: str | None, may_read: Callable[[str], bool]
    ) -> list[Hit]:
        """The passages with these ids (``DOCUMENT:NUMBER``), in order, scored 0, among the
        documents ``may_read`` allows. Raises ``UsageError`` for one the corpus no longer
        holds, or holds above those levels (the same words: its existence is not said)."""
        documents = {entry.id: (name, entry) for name, entry in self.entries(may_read, collection)}
        hits = []
        for passage_id in passage_ids:
            document_id, _, number = passage_id.partition(":")
            found = documents.get(document_id)
            if found is None or not number.isdigit() or int(number) >= found[1].passages:
                raise UsageError(f"passage {passage_id} is no longer in the corpus")
            hits.append(Hit(found[0], found[1], int(number), 0.0))
        return hits

    def find(
        self, prefix: str, may_read: Callable[[str], bool], collection: str | None = None
    ) -> tuple[str, DocumentEntry]:
        """The document whose id starts with ``prefix`` among those ``may_read`` allows
        (others are as if they were not there). Raises ``UsageError`` when none or
        several match."""
        wanted = prefix.strip().lower()
        if len(wanted) < MIN_ID_PREFIX or not re.fullmatch(r"[0-9a-f]+", wanted):
            raise UsageError(f"no document {prefix}: give its id (at least {MIN_ID_PREFIX} hex)")
        found = [
            (name, entry)
            for name, entry in self.entries(may_read, collection)
            if entry.id.startswith(wanted)
        ]
        if not found:
            raise UsageError(f"no document {prefix}")
        if len(found) > 1:
            raise UsageError(f"{prefix} names several documents: give more of its id")
        return found[0]

    def entries(
        self, may_read: Callable[[str], bool], collection: str | None = None
    ) -> Iterable[tuple[str, DocumentEntry]]:
        """(collection, document) of every document ``may_read`` allows."""
        for name in [collection] if collection else self.collections():
            for entry in self.index(name).documents:
                if may_read(entry.level):
                    yield name, entry


def _shard_id(collection: str, number: int) -> str:
    return f"{_TEXT}{collection}:{number}"


def _read_shard(raw: bytes | None, shard_id: str) -> dict[str, bytes]:
    """The compressed passages of each document in a text record (by document id)."""
    if raw is None:
        raise VaultIntegrityError(f"the corpus record {shard_id} is missing from the vault")
    try:
        (size,) = _SHARD_HEAD.unpack_from(raw)
        header = json.loads(raw[_SHARD_HEAD.size : _SHARD_HEAD.size + size])
        body = _SHARD_HEAD.size + size
        return {
            str(document_id): raw[body + start : body + end]
            for document_id, (start, end) in header.items()
        }
    except (ValueError, TypeError, struct.error):
        raise VaultIntegrityError(f"the corpus record {shard_id} is damaged") from None


def _write_shard(blobs: dict[str, bytes]) -> bytes:
    header: dict[str, tuple[int, int]] = {}
    offset = 0
    for document_id, blob in blobs.items():
        header[document_id] = (offset, offset + len(blob))
        offset += len(blob)
    encoded = json.dumps(header, separators=(",", ":")).encode()
    return _SHARD_HEAD.pack(len(encoded)) + encoded + b"".join(blobs.values())


class _ShardWriter:
    """Puts the passages of new documents into the collection's text records: the last
    one while it is under ``SHARD_BYTES``, then new ones. (A record per document would
    cost every command that opens the vault a file to check per document.)"""

    def __init__(self, batch: RecordBatch, collection: str, sizes: dict[int, int]) -> None:
        self._batch = batch
        self._collection = collection
        self._sizes = sizes  # the index's shard sizes, kept up to date
        self._number = max(sizes, default=-1)
        self._blobs: dict[str, bytes] | None = None

    def add(self, document_id: str, blob: bytes) -> int:
        """Place a document's compressed passages; return the number of their shard."""
        if self._blobs is None:
            if self._number >= 0 and self._sizes[self._number] + len(blob) <= SHARD_BYTES:
                shard_id = _shard_id(self._collection, self._number)
                self._blobs = _read_shard(self._batch.get(KIND, shard_id), shard_id)
            else:
                self._number += 1
                self._blobs = {}
        elif self._blobs and sum(map(len, self._blobs.values())) + len(blob) > SHARD_BYTES:
            self.write()
            self._number += 1
            self._blobs = {}
        self._blobs[document_id] = blob
        return self._number

    def write(self) -> None:
        if self._blobs:
            data = _write_shard(self._blobs)
            self._batch.put(KIND, _shard_id(self._collection, self._number), data)
            self._sizes[self._number] = len(data)


def _pack(passages: Iterable[Passage]) -> bytes:
    rows = [[passage.part, passage.page, passage.text] for passage in passages]
    return zlib.compress(json.dumps(rows, ensure_ascii=False).encode(), 6)
