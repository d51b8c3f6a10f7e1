"""The packed index: a record round-trips, documents are added and removed with their
passages, a damaged record is an integrity error, and BM25 counts only what may be read."""

from __future__ import annotations

import pytest

from milai.corpus._index import DocumentEntry, IndexEditor, PackedIndex, search
from milai.corpus._text import index_terms, query_variants
from milai.errors import VaultIntegrityError

LEVELS = ("UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET")


def entry(doc_id: str, level: str, passages: list[list[str]]) -> DocumentEntry:
    return DocumentEntry(
        id=doc_id,
        name=f"{doc_id}.txt",
        title=doc_id,
        format="text",
        level=level,
        declared=level,
        found=level,
        added="2026-01-01T00:00:00+00:00",
        passages=len(passages),
        tokens=sum(len(p) for p in passages),
        chars=0,
        size=0,
    )


def build(documents: list[tuple[str, str, list[str]]]) -> PackedIndex:
    editor = IndexEditor(PackedIndex.empty("c"))
    for doc_id, level, texts in documents:
        terms = [index_terms(text)[1] for text in texts]
        editor.add(entry(doc_id, level, terms), terms)
    return editor.pack()


def readable(limit: str):  # type: ignore[no-untyped-def]
    return lambda level: LEVELS.index(level) <= LEVELS.index(limit)


def ask(index: PackedIndex, question: str, limit: str, k: int = 10) -> list[tuple[str, float]]:
    hits = search([index], query_variants(question), readable(limit), k)
    return [(hit.passage_id, hit.score) for hit in hits]


CORPUS = [
    ("note", "RESTRICTED", ["the fuel depot is at Kirchberg", "the weather was fine"]),
    ("brief", "SECRET", ["the fuel reserve is at Wiltz", "fuel fuel fuel depot"]),
    ("memo", "UNCLASSIFIED", ["lunch is at noon in the canteen"]),
]


def test_a_record_round_trips() -> None:
    index = build(CORPUS)
    again = PackedIndex.decode(index.encode(), "c")
    assert again.documents == index.documents
    assert list(again.vocabulary) == list(index.vocabulary)
    assert list(again.postings) == list(index.postings)
    assert list(again.counts) == list(index.counts)
    assert list(again.lengths) == list(index.lengths)
    assert ask(again, "fuel depot", "SECRET") == ask(index, "fuel depot", "SECRET")


def test_search_ranks_the_passage_with_the_words() -> None:
    index = build(CORPUS)
    [(best, _), *_] = ask(index, "Where is the fuel depot?", "RESTRICTED")
    assert best == "note:0"
    assert ask(index, "canteen", "UNCLASSIFIED")[0][0] == "memo:0"
    assert ask(index, "xylophone", "SECRET") == []


def test_passages_above_the_limit_are_never_scored_or_counted() -> None:
    with_secret = build(CORPUS)
    without = build([doc for doc in CORPUS if doc[1] != "SECRET"])
    for question in ("fuel depot", "where is the fuel", "Kirchberg fuel reserve"):
        assert ask(with_secret, question, "RESTRICTED") == ask(without, question, "RESTRICTED")
        assert all(not p.startswith("brief") for p, _ in ask(with_secret, question, "RESTRICTED"))
    # Counted at SECRET, the same statistics differ (the test above could fail).
    assert ask(with_secret, "fuel depot", "SECRET")[0][0].startswith("brief")
    note_secret = dict(ask(with_secret, "fuel depot", "SECRET"))["note:0"]
    note_restricted = dict(ask(with_secret, "fuel depot", "RESTRICTED"))["note:0"]
    assert note_secret != note_restricted


def test_an_unknown_level_is_never_read() -> None:
    index = build([("odd", "SECRET", ["fuel"])])
    assert search([index], query_variants("fuel"), lambda level: False, 5) == []


def test_removing_a_document_renumbers_the_others() -> None:
    editor = IndexEditor(build(CORPUS))
    removed = editor.remove("note")
    assert removed.id == "note"
    index = editor.pack()
    assert [d.id for d in index.documents] == ["brief", "memo"]
    assert len(index) == 3
    assert ask(index, "Kirchberg", "SECRET") == []
    assert ask(index, "canteen", "SECRET")[0][0] == "memo:0"
    assert ask(index, "Wiltz", "SECRET")[0][0] == "brief:0"
    with pytest.raises(KeyError):
        editor.remove("note")
    assert ask(index, "fuel", "SECRET") == ask(
        build([d for d in CORPUS if d[0] != "note"]), "fuel", "SECRET"
    )


@pytest.mark.parametrize(
    "damage",
    [
        lambda body: body[:-5],
        lambda body: body.replace(b"MILAICX1", b"MILAICX9"),
        lambda body: body[:12] + b"[" + body[13:],
        lambda body: body + b"\nextra",
    ],
)
def test_a_damaged_record_is_an_integrity_error(damage) -> None:  # type: ignore[no-untyped-def]
    body = build(CORPUS).encode()
    with pytest.raises(VaultIntegrityError):
        PackedIndex.decode(damage(body), "c")
    with pytest.raises(VaultIntegrityError):
        PackedIndex.decode(b"not an index", "c")
    with pytest.raises(VaultIntegrityError):
        PackedIndex.decode(build(CORPUS).encode(), "another")
