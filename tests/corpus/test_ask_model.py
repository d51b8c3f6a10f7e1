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
