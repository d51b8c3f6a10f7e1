"""Hybrid retrieval in process: ``model import --embedding``, vectors given by ``docs add``
and ``docs embed``, ``ask`` fusing BM25 and cosine rankings by reciprocal rank, each over
the passages the asker may read and nothing else. The embedding model is a fake that
knows a few synonyms (so a question can match a passage that shares none of its words),
loaded through the real path: the vault decrypts the model into memory and hands its
path over."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest

from tests.cli.fixtures import SYNTHETIC_SECRET_MODEL, SyntheticVault
from tests.cli.harness import Cli
from tests.fakes import FakeEngine

SECRET_MODEL = ("--model", SYNTHETIC_SECRET_MODEL)
EMBEDDER = "embedder"
DIMENSIONS = 16
# Words of one concept share a dimension: "petrol" finds "diesel" without sharing a word.
CONCEPTS = {
    "fuel": 0,
    "diesel": 0,
    "petrol": 0,
    "gasoline": 0,
    "depot": 1,
    "stored": 1,
    "kept": 1,
    "warehouse": 1,
    "canteen": 2,
    "lunch": 2,
    "noon": 2,
}


class FakeEmbedder:
    """Bag of concepts: each word adds to its concept's dimension, or to a hashed one."""

    dimensions = DIMENSIONS

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.closed = False

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.texts.extend(texts)
        vectors = []
        for text in texts:
            vector = [0.0] * DIMENSIONS
            for word in text.lower().replace("?", " ").replace(".", " ").split():
                if word in CONCEPTS:
                    vector[CONCEPTS[word]] += 1.0
                else:
                    vector[3 + hashlib.sha256(word.encode()).digest()[0] % 13] += 0.2
            vectors.append(vector)
        return vectors

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def fake_embedder(monkeypatch: pytest.MonkeyPatch) -> FakeEmbedder:
    """Every embedding-model load in this test gives this fake, once the file handed over
    is a decrypted GGUF file."""
    from milai.engine import llama

    embedder = FakeEmbedder()

    def load(path: str, threads: int | None = None) -> FakeEmbedder:
        with open(path, "rb") as model_file:
            assert model_file.read(4) == b"GGUF"
        return embedder

    monkeypatch.setattr(llama.LlamaEmbedder, "load", staticmethod(load))
    return embedder


def import_embedder(cli: Cli, vault: SyntheticVault, level: str = "SECRET") -> None:
    result = cli(
        "model", "import", str(vault.source), "--name", EMBEDDER, "--level", level, "--embedding"
    )
    assert result.code == 0, result.stderr


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


DOCS = {
    "diesel.txt": "The diesel is stored at the Kirchberg warehouse.\n",
    "canteen.txt": "The canteen serves lunch at noon.\n",
    "roads.txt": "The roads to Wiltz are closed in winter.\n",
}


def add_docs(cli: Cli, tmp_path: Path) -> str:
    """``DOCS`` added at RESTRICTED; what ``docs add`` wrote to stderr."""
    added = cli("docs", "add", str(write(tmp_path / "docs", DOCS)), "--level", "RESTRICTED")
    assert added.code == 0, added.stderr
    return added.stderr


def ask_json(cli: Cli, *args: str) -> dict[str, Any]:
    result = cli("ask", "--json", *args)
    assert result.code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_an_embedding_model_is_imported_listed_and_never_answers(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    import_embedder(cli, synthetic_vault)
    rows = {row["name"]: row for row in json.loads(cli("model", "list", "--json").stdout)}
    assert rows[EMBEDDER]["kind"] == "embedding"
    assert rows["synthetic"]["kind"] == "chat"
    table = cli("model", "list")
    assert "(embedd" in table.stdout  # "(embedding)", cut to the 80-column table
    again = cli(
        "model", "import", str(synthetic_vault.source), "--name", "e2", "--level", "SECRET",
        "--embedding",
    )  # fmt: skip
    assert again.code == 2
    assert "already holds an embedding model (embedder)" in again.error_line()
    run = cli("run", "hello", "--model", EMBEDDER)
    assert run.code == 5
    assert "is an embedding model" in run.error_line()
    assert fake_engine.calls == []
    assert cli("run", "hello").code == 0  # the default is still the chat model


def test_the_kind_is_sealed_only_for_embedding_models() -> None:
    """A chat model's header is what it was before kinds existed; a kind the header does
    not allow is an integrity failure, not a model of another kind."""
    from dataclasses import replace

    from milai.errors import VaultIntegrityError
    from milai.vault.container import ModelManifest

    chat = ModelManifest("m", 1, "ab" * 32, "llama", "Q4_1", "SECRET", "2026-01-01", True)
    assert b"kind" not in chat.sealed_json()
    embedding = replace(chat, kind="embedding")
    assert ModelManifest.from_sealed_json(embedding.sealed_json()).kind == "embedding"
    assert ModelManifest.from_sealed_json(chat.sealed_json()).kind == "chat"
    forged = json.loads(chat.sealed_json())
    for kind in ("chat", "other"):
        with pytest.raises(VaultIntegrityError):
            ModelManifest.from_sealed_json(json.dumps({**forged, "kind": kind}).encode())


def test_hybrid_finds_a_passage_that_shares_no_word_with_the_question(
    cli: Cli,
    synthetic_vault: SyntheticVault,
    tmp_path: Path,
    fake_engine: FakeEngine,
    fake_embedder: FakeEmbedder,
) -> None:
    add_docs(cli, tmp_path)
    question = ("Where is the petrol?", "--clearance", "RESTRICTED", *SECRET_MODEL)
    lexical = cli("ask", *question)
    assert lexical.code == 0
    assert "no sources at your clearance" in lexical.stderr  # BM25 alone: no shared word
    import_embedder(cli, synthetic_vault)
    unembedded = cli("ask", *question)
    assert "3 document(s) at your clearance have no vectors" in unembedded.stderr
    embedded = cli("docs", "embed")
    assert embedded.code == 0, embedded.stderr
    assert "vectors for 3 document(s) by embedder" in embedded.stderr
    assert fake_embedder.closed
    data = ask_json(cli, *question, "--k", "1")
    [source] = data["sources"]
    assert source["doc"] == "docs/diesel.txt"
    assert 0 < source["score"] <= 2 / 61  # a fused score: one ranking, at best first
    assert "Kirchberg" in "\n".join(m["content"] for m in fake_engine.calls[-1])
    shown = cli("audit", "show", "--json")
    events = [json.loads(line)["event"] for line in shown.stdout.splitlines()]
    [*_, asked] = [e for e in events if e.get("command") == "ask" and e.get("phase") == "outcome"]
    assert asked["retrieved"]["embedder"] == synthetic_vault.sha256
    [started, recorded] = [e for e in events if e.get("command") == "docs.embed"]
    assert (started["phase"], recorded["phase"]) == ("started", "outcome")
    assert recorded["documents"] == {"default": 3}
    again = cli("docs", "embed")
    assert "vectors for 0 document(s)" in again.stderr  # nothing left to do


def test_both_rankings_agree_and_fuse_by_reciprocal_rank(
    cli: Cli,
    synthetic_vault: SyntheticVault,
    tmp_path: Path,
    fake_engine: FakeEngine,
    fake_embedder: FakeEmbedder,
) -> None:
    import_embedder(cli, synthetic_vault)
    assert "vectors for 3 document(s) (embedder)" in add_docs(cli, tmp_path)
    data = ask_json(cli, "Where is the diesel stored?", "--clearance", "RESTRICTED", *SECRET_MODEL)
    top = data["sources"][0]
    assert top["doc"] == "docs/diesel.txt"
    assert top["score"] == round(2 / 61, 4)  # first in both rankings


def test_no_passage_above_the_level_is_scored_or_counted(
    cli: Cli,
    synthetic_vault: SyntheticVault,
    tmp_path: Path,
    fake_engine: FakeEngine,
    fake_embedder: FakeEmbedder,
) -> None:
    """SECRET documents with vectors nearer the question than anything readable change no
    RESTRICTED source or score, and a SECRET document without vectors is not counted in
    the note about missing vectors."""
    import_embedder(cli, synthetic_vault)
    add_docs(cli, tmp_path)
    question = ("Where is the petrol kept?", "--clearance", "RESTRICTED", *SECRET_MODEL, "--k", "3")
    before = ask_json(cli, *question)["sources"]
    secret = write(
        tmp_path / "secret",
        {f"s{n}.txt": f"SECRET\n\nPetrol petrol kept {n}.\n" for n in range(4)},
    )
    assert cli("docs", "add", str(secret), "--level", "SECRET").code == 0
    after = cli("ask", "--json", *question)
    assert after.code == 0 and after.stderr == ""
    assert json.loads(after.stdout)["sources"] == before
    at_secret = ask_json(cli, "Where is the petrol kept?", "--clearance", "SECRET", *SECRET_MODEL)
    assert at_secret["sources"][0]["level"] == "SECRET"
    # A SECRET document without vectors: counted at SECRET only.
    assert cli("model", "remove", EMBEDDER).code == 0
    assert cli("docs", "add", str(write(tmp_path / "late", {"late.txt": "SECRET\n\nx\n"})),
               "--level", "SECRET").code == 0  # fmt: skip
    import_embedder(cli, synthetic_vault)
    low = cli("ask", *question)
    assert low.code == 0 and low.stderr == ""
    high = cli("ask", "Where is the petrol kept?", "--clearance", "SECRET", *SECRET_MODEL)
    assert "milai: 1 document(s) at your clearance have no vectors" in high.stderr


def test_the_cosine_ranking_never_reads_a_row_above_the_level() -> None:
    """The rows of documents above the level are never taken out of the matrix."""
    from milai.corpus import DocumentEntry, PackedIndex, PassageVectors, as_matrix
    from milai.corpus._index import IndexEditor
    from milai.corpus._vectors import nearest

    def entry(doc: str, level: str, passages: int) -> DocumentEntry:
        return DocumentEntry(doc, doc, doc, "text", level, level, level, "", passages, 2, 9, 9)

    editor = IndexEditor(PackedIndex.empty("c"))
    documents = [
        entry("low", "RESTRICTED", 2),
        entry("high", "SECRET", 3),
        entry("l2", "RESTRICTED", 1),
    ]
    for document in documents:
        editor.add(document, [["a"]] * document.passages)
    index = editor.pack()
    rng = np.random.default_rng(1)
    rows = {d.id: as_matrix(rng.normal(size=(d.passages, 4)).tolist(), 4) for d in documents}
    vectors = PassageVectors.empty("c", "m", 4).changed(rows)

    class Watched:
        def __init__(self, matrix: np.ndarray[Any, Any]) -> None:
            self.matrix, self.read = matrix, set[int]()

        def __getitem__(self, picked: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
            self.read |= set(picked.tolist())
            return cast("np.ndarray[Any, Any]", self.matrix[picked])

    watched = Watched(vectors.matrix)
    object.__setattr__(vectors, "matrix", watched)
    query = as_matrix([[1.0, 0.0, 0.0, 0.0]], 4)
    hits, unembedded = nearest([(index, vectors)], query, "m", lambda lvl: lvl != "SECRET", 10)
    high_first, high_count = vectors.documents["high"]
    assert watched.read and not watched.read & set(range(high_first, high_first + high_count))
    assert {hit.document.id for hit in hits} == {"low", "l2"} and len(hits) == 3
    assert unembedded == 0


def test_docs_add_skips_documents_above_the_embedding_model_and_remove_drops_vectors(
    cli: Cli,
    synthetic_vault: SyntheticVault,
    tmp_path: Path,
    fake_engine: FakeEngine,
    fake_embedder: FakeEmbedder,
) -> None:
    import_embedder(cli, synthetic_vault, level="RESTRICTED")
    files = {**DOCS, "secret.txt": "SECRET\n\nThe petrol reserve is at Vianden.\n"}
    added = cli("docs", "add", str(write(tmp_path / "docs", files)), "--level", "RESTRICTED")
    assert added.code == 0, added.stderr
    assert "vectors for 3 document(s) (embedder, 1 above its level)" in added.stderr
    assert not any("Vianden" in text for text in fake_embedder.texts)  # never shown to it
    from milai.context import Context
    from milai.vault.unlock import Unlock

    def vector_rows() -> int:
        vectors = Context(Unlock(key_file=synthetic_vault.key_file)).corpus.vectors("default")
        return 0 if vectors is None else len(vectors.matrix)

    assert vector_rows() == 3
    rows = json.loads(cli("docs", "list", "--json", "--clearance", "SECRET").stdout)
    diesel = next(row for row in rows if row["name"] == "docs/diesel.txt")
    assert cli("docs", "remove", diesel["id"], "--clearance", "SECRET").code == 0
    assert vector_rows() == 2
    # A question above the embedding model's level is ranked by words alone.
    fake_embedder.texts.clear()
    data = ask_json(cli, "SECRET\nWhere is the canteen?", "--clearance", "SECRET", *SECRET_MODEL)
    assert fake_embedder.texts == []
    assert data["sources"]


def test_docs_embed_without_an_embedding_model_and_a_damaged_vector_record(
    cli: Cli,
    synthetic_vault: SyntheticVault,
    tmp_path: Path,
    fake_engine: FakeEngine,
    fake_embedder: FakeEmbedder,
) -> None:
    none = cli("docs", "embed")
    assert none.code == 2
    assert "the vault holds no embedding model" in none.error_line()
    import_embedder(cli, synthetic_vault)
    add_docs(cli, tmp_path)
    from milai.vault import KeySource, Vault

    vault = Vault.open(synthetic_vault.home, KeySource(key_file=synthetic_vault.key_file))
    record = vault.records.file_of("corpus", "vectors:default")
    data = bytearray(record.read_bytes())
    data[len(data) // 2] ^= 1
    record.write_bytes(bytes(data))
    result = cli("ask", "Where is the petrol?", "--clearance", "RESTRICTED", *SECRET_MODEL)
    assert result.code == 4
    assert "Kirchberg" not in record.read_bytes().decode("latin-1")


def test_vectors_round_trip_through_their_record_within_the_stated_error() -> None:
    """Kept as int8 and a scale per row: every cosine within 2e-3 of float32's, the record
    a quarter of float32's, and a record of another length or kind is exit 4."""
    from milai.corpus import PassageVectors, as_matrix
    from milai.errors import VaultIntegrityError

    rng = np.random.default_rng(3)
    rows = {f"d{n}": as_matrix(rng.normal(size=(7, 576)).tolist(), 576) for n in range(5)}
    vectors = PassageVectors.empty("c", "m", 576).changed(rows)
    record = vectors.encode()
    opened = PassageVectors.decode(record, "c")
    query = as_matrix(rng.normal(size=(1, 576)).tolist(), 576)[0]
    for doc, exact in rows.items():
        first, count = opened.documents[doc]
        rebuilt = opened.matrix[first : first + count].astype(np.float32)
        rebuilt *= opened.scales[first : first + count, None]
        assert np.abs(rebuilt @ query - exact @ query).max() < 2e-3
    assert len(record) < 35 * 576 * 4 / 3.9
    smaller = opened.changed({}, ["d1", "d3"])
    assert set(smaller.documents) == {"d0", "d2", "d4"} and len(smaller.matrix) == 21
    first, _count = smaller.documents["d4"]
    assert np.array_equal(smaller.matrix[first], opened.matrix[opened.documents["d4"][0]])
    for damaged in (record[:-1], record + b"\x00", record.replace(b'"int8"', b'"int9"')):
        with pytest.raises(VaultIntegrityError):
            PassageVectors.decode(damaged, "c")
    with pytest.raises(VaultIntegrityError):
        PassageVectors.decode(record, "other")
