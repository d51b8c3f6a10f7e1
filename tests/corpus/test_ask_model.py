"""``milai docs add`` and ``milai ask`` end to end with the real demo model (SmolLM2-135M,
UNCLASSIFIED) in a subprocess: the answer streams, the sources follow, the audit log
verifies, and a document above the model's accreditation is never given to it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.fixtures import MilaiRunner

pytestmark = pytest.mark.model

NOTE = "Depot note\n\nThe fuel depot of the battalion is at Kirchberg, next to the old bridge.\n"
HIDDEN = "RESTRICTED\n\nThe fuel reserve of the battalion is kept at Wiltz.\n"


def test_ask_answers_from_the_corpus_with_the_real_model(
    vault_home: Path, milai: MilaiRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "note.txt").write_text(NOTE)
    (folder / "hidden.txt").write_text(HIDDEN)
    added = milai("docs", "add", str(folder), "--level", "UNCLASSIFIED")
    assert added.returncode == 0, added.stderr
    assert "declared UNCLASSIFIED, raised to RESTRICTED" in added.stderr
    args = ("--seed", "1", "--temperature", "0", "--max-tokens", "40")
    streamed = milai("ask", "Where is the fuel depot?", "--clearance", "RESTRICTED", *args)
    assert streamed.returncode == 0, streamed.stderr
    answer, _, sources = streamed.stdout.partition("\n\nSources:\n")
    assert answer.strip()
    assert sources == "  [1] docs/note.txt, body, UNCLASSIFIED\n"
    assert "Wiltz" not in streamed.stdout
    result = milai("ask", "--json", "Where is the fuel depot?", *args)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["text"].strip() == answer.strip()  # same seed, same prompt: same answer
    assert [source["doc"] for source in data["sources"]] == ["docs/note.txt"]
    assert data["usage"]["prompt_tokens"] > 40  # the passage was in the prompt
    assert data["model"]["name"] == "smollm2-135m"
    # The RESTRICTED passage matches best, but the model is UNCLASSIFIED: never given.
    reserve = milai(
        "ask", "--json", "Where is the fuel reserve kept?", "--clearance", "SECRET", *args
    )
    assert reserve.returncode == 0, reserve.stderr
    assert "Wiltz" not in reserve.stdout
    assert all(s["level"] == "UNCLASSIFIED" for s in json.loads(reserve.stdout)["sources"])
    verified = milai("audit", "verify")
    assert verified.returncode == 0, verified.stderr


def test_hybrid_ask_with_the_demo_model_in_embedding_mode(
    vault_home: Path, milai: MilaiRunner, tmp_path: Path
) -> None:
    """The demo model imported again as the embedding model: docs add gives vectors (real
    llama.cpp embeddings, loaded from memory), ask fuses both rankings, and a question
    sharing no word with the corpus still gets the passages nearest in meaning."""
    from milai.vault import demo_model_path

    imported = milai(
        "model", "import", str(demo_model_path()), "--name", "smol-embed",
        "--level", "UNCLASSIFIED", "--embedding",
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "note.txt").write_text(NOTE)
    (folder / "canteen.txt").write_text("The canteen serves lunch at noon on weekdays.\n")
    added = milai("docs", "add", str(folder), "--level", "UNCLASSIFIED")
    assert added.returncode == 0, added.stderr
    assert "vectors for 2 document(s) (smol-embed)" in added.stderr
    args = ("--seed", "1", "--temperature", "0", "--max-tokens", "8", "--k", "1")
    result = milai("ask", "--json", "Where is the fuel depot?", *args)
    assert result.returncode == 0, result.stderr
    [source] = json.loads(result.stdout)["sources"]
    assert source["doc"] == "docs/note.txt"
    assert source["score"] == round(2 / 61, 4)  # first by words and by meaning
    unshared = milai("ask", "--json", "petrol?", *args)
    assert unshared.returncode == 0, unshared.stderr
    assert len(json.loads(unshared.stdout)["sources"]) == 1  # BM25 alone finds nothing
    shown = milai("audit", "show", "--json")
    events = [json.loads(line)["event"] for line in shown.stdout.splitlines()]
    asked = [e for e in events if e.get("command") == "ask" and e.get("phase") == "outcome"]
    assert len(asked[-1]["retrieved"]["embedder"]) == 64
    assert milai("audit", "verify").returncode == 0
