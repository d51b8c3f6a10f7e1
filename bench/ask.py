"""The corpus behind ``milai ask``: ingest, open, retrieval, memory and disk.

In a fresh temporary vault (key file, Argon2 at its floor):

* **ingest**: PDFs built in code (``tests/documents/builders.py``), dense pages of mixed
  English, French, German and Luxembourgish prose, read by ``milai.documents`` (pypdf),
  levelled by the default policy's gate, split, stemmed and added to the vault as
  ``milai docs add`` does (one vault change per 64 documents): pages per second, extraction
  included; and the share of that time each step takes.
* **open**: reading the collection's index record (sha256 against the vault state,
  AES-GCM, zlib, array copies) at 10,000 passages, and what a corpus adds to every
  ``Vault.open`` (the state check hashes every record).
* **retrieval**: ``retrieve`` for a set of questions at 10,000 passages, at two levels.
* **memory and disk**: the index as opened (tracemalloc) and the corpus records on disk,
  per 1,000 pages.
* **hybrid**: random unit vectors (``--dimensions``, 576 as the demo model's) for the
  10,000 passages kept as ``docs add`` keeps them; opening them, ``retrieve_hybrid``
  (BM25 + cosine + reciprocal-rank fusion) against ``retrieve`` (BM25 alone) in the same
  run, and the cosine ranking in pure Python (the alternative to numpy).

Medians of repeated runs; the machine is shared and noisy.

    python bench/ask.py [--pages 400] [--passages 10000] [--repeat 15] [--dimensions 576]
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from milai.config import default_policy_path  # noqa: E402
from milai.corpus import (  # noqa: E402
    ID_PURPOSE,
    Corpus,
    PackedIndex,
    PreparedDocument,
    prepare_document,
    readable_at,
    retrieve,
    split_document,
)
from milai.corpus._store import KIND  # noqa: E402
from milai.corpus._text import index_terms  # noqa: E402
from milai.documents import read_document  # noqa: E402
from milai.policy import Policy, check_text, load_policy  # noqa: E402
from milai.vault import KeySource, Vault  # noqa: E402
from tests.documents.builders import pdf_bytes  # noqa: E402

WORDS = {
    "en": "the of and to in is that for it was with by on not this are from at which have "
    "they were convoy fuel depot supply route battalion readiness report liaison team "
    "ammunition vehicles maintenance training exercise schedule logistics northern "
    "sector bridge company platoon officer command staff radio equipment".split(),
    "fr": "le la les de des du un une et est que qui dans pour pas sur au avec il elle "
    "réserve carburant dépôt convoi itinéraire bataillon rapport équipe véhicules "
    "entretien exercice calendrier logistique secteur pont compagnie officier".split(),
    "de": "der die das und ist nicht ein eine zu den von mit sich des auf für im dem "
    "Treibstoff Lager Nachschub Route Bataillon Bereitschaft Bericht Fahrzeuge Wartung "
    "Übung Zeitplan Logistik Sektor Brücke Kompanie Offizier Stab Funkgerät".split(),
    "lb": "d' de an ass net mat fir een eng vun dat och sinn huet gëtt Reserve Brennstoff "
    "Depot Konvoi Bataillon Rapport Equipe Gefierer Iwwung Logistik Bréck Kompanie".split(),
}
QUESTIONS = [
    "Where is the fuel depot of the battalion?",
    "Quel est l'itinéraire du convoi logistique?",
    "Wo ist das Treibstofflager des Bataillons?",
    "readiness report maintenance vehicles northern sector",
    "Wéi gëtt de Konvoi geplangt?",
    "ammunition",
]


def median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


_RARE = [
    "".join(random.Random(n).choice("abcdefghiklmnoprstuvwyz") for _ in range(4 + n % 7))
    for n in range(60_000)
]  # names, places, technical words: a long tail, drawn by Zipf rank


def prose(rng: random.Random, words: int) -> str:
    language = rng.choice(list(WORDS))
    vocabulary = WORDS[language]
    # Zipf-like: the language's common words most of the time; otherwise a word of the long
    # tail by Zipf rank (so the vocabulary grows with the corpus as real text does, Heaps'
    # law), now and then with a number (a code, a date).
    chosen = []
    for _ in range(words):
        if rng.random() < 0.75:
            word = vocabulary[min(int(rng.paretovariate(1.2)) - 1, len(vocabulary) - 1)]
        else:
            word = _RARE[min(int(rng.paretovariate(0.3)) - 1, len(_RARE) - 1)]
            if rng.random() < 0.1:
                word += str(rng.randrange(1000))
        chosen.append(word)
    return " ".join(chosen)


def page_lines(rng: random.Random) -> list[str]:
    text = prose(rng, 450)  # a dense page: ~450 words, ~3,000 characters
    words = text.split()
    return [" ".join(words[n : n + 13]) for n in range(0, len(words), 13)]


def make_vault(root: Path) -> Vault:
    return Vault.create(
        root / "home", KeySource(key_file=root / "vault.key"), argon2_target_seconds=0
    )


def corpus_bytes(vault: Vault) -> int:
    return sum(
        vault.records.file_of(KIND, record_id).stat().st_size
        for record_id in vault.records.list(KIND)
    )


def bench_ingest(policy: Policy, root: Path, pages: int) -> None:
    rng = random.Random(7)
    pdfs = [pdf_bytes([page_lines(rng) for _ in range(10)]) for _ in range(pages // 10)]
    vault = make_vault(root / "ingest")
    corpus = Corpus(vault.records, vault.derive_key(ID_PURPOSE))
    spent = {"read": 0.0, "gate": 0.0, "split+stem": 0.0, "vault": 0.0}
    pending: list[PreparedDocument] = []
    started = time.perf_counter()
    for number, data in enumerate(pdfs):
        mark = time.perf_counter()
        document = read_document(data, f"r{number}.pdf")
        spent["read"] += time.perf_counter() - mark
        mark = time.perf_counter()
        check_text(policy, document.text)
        spent["gate"] += time.perf_counter() - mark
        mark = time.perf_counter()
        pending.append(prepare_document(policy, data, f"r{number}.pdf", "RESTRICTED", document))
        spent["split+stem"] += time.perf_counter() - mark  # the gate runs again inside
        if len(pending) >= 64 or number == len(pdfs) - 1:
            mark = time.perf_counter()
            corpus.add("bench", pending, policy)
            spent["vault"] += time.perf_counter() - mark
            pending = []
    elapsed = time.perf_counter() - started
    spent["split+stem"] -= spent["gate"]
    passages = len(corpus.index("bench"))
    print(
        f"ingest: {pages} PDF pages in {elapsed:.2f} s = {pages / elapsed:.1f} pages/s "
        f"({passages} passages, {passages / pages:.2f} per page)"
    )
    print("  time: " + ", ".join(f"{k} {v / elapsed:.0%}" for k, v in spent.items()))
    disk = corpus_bytes(vault)
    print(
        f"  disk: {disk / 1e6:.2f} MB for {pages} pages = {disk / pages * 1000 / 1e6:.2f} MB "
        "per 1,000 pages"
    )


def synthetic_corpus(policy: Policy, vault: Vault, passages: int) -> tuple[Corpus, int]:
    """``passages`` passages of ~1,000 characters (as the splitter makes them from dense
    pages: ~3 per page), in documents of 30 passages at mixed levels."""
    from milai.documents import Document, Part

    rng = random.Random(11)
    corpus = Corpus(vault.records, vault.derive_key(ID_PURPOSE))
    levels = ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET"]
    batch: list[PreparedDocument] = []
    made = 0
    number = 0
    while made < passages:
        count = min(30, passages - made)
        pieces, parts, offset = [], [], 0
        for page in range(count):
            text = prose(rng, 150)
            pieces.append(text)
            parts.append(Part(f"page {page + 1}", offset, offset + len(text)))
            offset += len(text) + 2
        document = Document("pdf", "\n\n".join(pieces), tuple(parts))
        assert len(split_document(document)) == count
        data = document.text.encode()
        level = levels[number % len(levels)]
        batch.append(prepare_document(policy, data, f"d{number}.pdf", level, document))
        made += count
        number += 1
        if len(batch) >= 64:
            corpus.add("bench", batch, policy)
            batch = []
    if batch:
        corpus.add("bench", batch, policy)
    return corpus, number


def bench_corpus(policy: Policy, root: Path, passages: int, repeat: int) -> tuple[Corpus, Vault]:
    vault = make_vault(root / "big")
    home = vault.home
    key = KeySource(key_file=root / "big" / "vault.key")
    started = time.perf_counter()
    corpus, documents = synthetic_corpus(policy, vault, passages)
    print(
        f"corpus: {passages} passages in {documents} documents, built in "
        f"{time.perf_counter() - started:.1f} s"
    )
    index = corpus.index("bench")
    assert len(index) == passages
    record = vault.records.file_of(KIND, "index:bench").stat().st_size
    disk = corpus_bytes(vault)
    print(
        f"  index record {record / 1e6:.2f} MB, {len(index.vocabulary)} terms, "
        f"{len(index.postings)} postings; all corpus records {disk / 1e6:.2f} MB"
    )

    open_ms = median_ms(lambda: corpus.index("bench"), repeat)
    print(f"open the index: {open_ms:.1f} ms (median of {repeat})")
    vault_ms = median_ms(lambda: Vault.open(home, key), repeat)
    empty = make_vault(root / "empty")
    empty_key = KeySource(key_file=root / "empty" / "vault.key")
    empty_ms = median_ms(lambda: Vault.open(empty.home, empty_key), repeat)
    print(
        f"Vault.open: {vault_ms:.1f} ms with the corpus, {empty_ms:.1f} ms without "
        f"(+{vault_ms - empty_ms:.1f} ms for every command)"
    )

    tracemalloc.start()
    held = corpus.index("bench")
    current, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    pages = passages / 3
    print(
        f"memory: the opened index holds {current / 1e6:.1f} MB = "
        f"{current / pages * 1000 / 1e6:.2f} MB per 1,000 pages (at ~3 passages a page)"
    )
    print(f"disk: {disk / pages * 1000 / 1e6:.2f} MB per 1,000 pages")
    del held

    raw_ms = median_ms(lambda: vault.records.get(KIND, "index:bench"), repeat)
    print(
        f"  baseline: reading the record alone (sha256, AES-GCM) {raw_ms:.1f} ms; "
        f"open / read = {open_ms / raw_ms:.2f}x"
    )

    for limit in ("SECRET", "RESTRICTED"):
        may_read = readable_at(policy, limit)
        per_question = [
            median_ms(partial(retrieve, corpus, question, may_read, 5, "bench"), repeat)
            for question in QUESTIONS
        ]
        warm = [
            median_ms(partial(_search_only, index, question, may_read), repeat)
            for question in QUESTIONS
        ]
        print(
            f"retrieve at {limit}: median {statistics.median(per_question):.1f} ms, "
            f"worst {max(per_question):.1f} ms (open + rank); ranking alone median "
            f"{statistics.median(warm):.1f} ms, worst {max(warm):.1f} ms"
        )
    return corpus, vault


def bench_hybrid(
    policy: Policy, corpus: Corpus, vault: Vault, repeat: int, dimensions: int
) -> None:
    import numpy as np

    from milai.corpus import as_matrix, retrieve_hybrid

    rng = np.random.default_rng(5)
    index = corpus.index("bench")
    rows = {
        entry.id: as_matrix(rng.normal(size=(entry.passages, dimensions)).tolist(), dimensions)
        for entry in index.documents
    }
    corpus.put_vectors("bench", "bench-model", dimensions, rows)
    size = vault.records.file_of(KIND, "vectors:bench").stat().st_size
    pages = len(index) / 3
    print(
        f"hybrid: vectors of {dimensions} dimensions (int8 + scale) for {len(index)} passages: "
        f"{size / 1e6:.2f} MB on disk = {size / pages * 1000 / 1e6:.2f} MB per 1,000 pages"
    )
    open_ms = median_ms(lambda: corpus.vectors("bench"), repeat)
    print(f"  open the vectors: {open_ms:.1f} ms (median of {repeat})")
    query = as_matrix(rng.normal(size=(1, dimensions)).tolist(), dimensions)[0].tolist()
    for limit in ("SECRET", "RESTRICTED"):
        may_read = readable_at(policy, limit)
        hybrid = [
            median_ms(
                partial(
                    retrieve_hybrid, corpus, question, query, "bench-model", may_read, 5, "bench"
                ),
                repeat,
            )
            for question in QUESTIONS
        ]
        lexical = [
            median_ms(partial(retrieve, corpus, question, may_read, 5, "bench"), repeat)
            for question in QUESTIONS
        ]
        print(
            f"  retrieve_hybrid at {limit}: median {statistics.median(hybrid):.1f} ms, worst "
            f"{max(hybrid):.1f} ms; retrieve (BM25 alone) in the same run median "
            f"{statistics.median(lexical):.1f} ms: "
            f"{statistics.median(hybrid) / statistics.median(lexical):.2f}x"
        )
    vectors = corpus.vectors("bench")
    assert vectors is not None
    allowed = [
        vectors.matrix[first : first + count].astype(np.float32).tolist()
        for entry in index.documents
        if readable_at(policy, "SECRET")(entry.level)
        for first, count in [vectors.documents[entry.id]]
    ]
    flat = [row for block in allowed for row in block]
    started = time.perf_counter()
    scores = [sum(a * b for a, b in zip(row, query, strict=True)) for row in flat]
    python_ms = (time.perf_counter() - started) * 1000
    from milai.corpus._vectors import nearest

    matrix = as_matrix([query], dimensions)
    secret = readable_at(policy, "SECRET")
    numpy_ms = median_ms(
        lambda: nearest([(index, vectors)], matrix, "bench-model", secret, 100), repeat
    )
    opened_ms = median_ms(lambda: corpus.vectors("bench"), repeat)
    print(
        f"  cosine over the {len(scores)} passages readable at SECRET: pure Python "
        f"{python_ms:.0f} ms (once; the rows already lists of floats) vs `nearest` (numpy: "
        f"gather, int8 to float32, product, sort) {numpy_ms:.1f} ms: "
        f"{python_ms / numpy_ms:.1f}x; opening the vectors {opened_ms:.1f} ms"
    )


def bench_rank_bm25(policy: Policy, corpus: Corpus, repeat: int) -> None:
    """The library alternative: rank_bm25 (if installed) must be built over the readable
    passages for each question, since its statistics cover whatever it is given."""
    try:
        BM25Okapi = importlib.import_module("rank_bm25").BM25Okapi
    except ImportError:
        print("rank_bm25: not installed (pip install rank_bm25==0.2.2 to compare)")
        return
    may_read = readable_at(policy, "RESTRICTED")
    tokenized = [
        index_terms(passage.text)[1]
        for name, entry in corpus.entries(may_read, "bench")
        for passage in corpus.passages(name, entry)
    ]
    from milai.corpus._text import query_variants

    query = sorted({term for variants in query_variants(QUESTIONS[0]) for term in variants})
    build_ms = median_ms(lambda: BM25Okapi(tokenized), max(3, repeat // 4))
    bm25 = BM25Okapi(tokenized)
    score_ms = median_ms(lambda: bm25.get_scores(query), repeat)
    print(
        f"rank_bm25 0.2.2 over the {len(tokenized)} passages readable at RESTRICTED: "
        f"build {build_ms:.0f} ms + score {score_ms:.1f} ms per question"
    )


def _search_only(index: PackedIndex, question: str, may_read: Callable[[str], bool]) -> object:
    from milai.corpus._index import search
    from milai.corpus._text import query_variants

    return search([index], query_variants(question), may_read, 5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--dimensions", type=int, default=576)
    args = parser.parse_args()
    policy = load_policy(default_policy_path())
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus, load average {load}")
    index_terms("warm the stemmers up")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        bench_ingest(policy, root, args.pages)
        corpus, vault = bench_corpus(policy, root, args.passages, args.repeat)
        bench_rank_bm25(policy, corpus, args.repeat)
        bench_hybrid(policy, corpus, vault, args.repeat, args.dimensions)


if __name__ == "__main__":
    main()
