"""Ctrl-C while ``docs add`` or ``docs embed`` gives documents vectors: exit 130, the act's
outcome is "interrupted" and lists what was done, no vector of the interrupted group is
written, and ``docs embed`` later gives every document without vectors its own."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.cli.fixtures import SyntheticVault, interruptible, milai_command, run_milai
from tests.cli.harness import Cli
from tests.corpus.test_hybrid import DOCS, FakeEmbedder, import_embedder, write


class _CtrlCOnCall(FakeEmbedder):
    """The fake embedder, with Ctrl-C pressed during call number ``at`` (one document's
    passages: milai.engine raises it at the end of that document's current group)."""

    def __init__(self, at: int) -> None:
        super().__init__()
        self.at = at
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls += 1
        if self.calls == self.at:
            raise KeyboardInterrupt
        return super().embed(texts)


@pytest.fixture
def ctrl_c_on_second_document(monkeypatch: pytest.MonkeyPatch) -> _CtrlCOnCall:
    from milai.engine import llama

    embedder = _CtrlCOnCall(at=2)
    monkeypatch.setattr(
        llama.LlamaEmbedder, "load", staticmethod(lambda path, threads=None: embedder)
    )
    return embedder


def _acts(cli: Cli, command: str) -> list[dict[str, Any]]:
    shown = cli("audit", "show", "--json")
    events = [json.loads(line)["event"] for line in shown.stdout.splitlines()]
    return [event for event in events if event.get("command") == command]


def test_docs_add_interrupted_while_embedding_keeps_the_documents_without_vectors(
    cli: Cli,
    synthetic_vault: SyntheticVault,
    tmp_path: Path,
    ctrl_c_on_second_document: _CtrlCOnCall,
) -> None:
    import_embedder(cli, synthetic_vault)
    added = cli("docs", "add", str(write(tmp_path / "docs", DOCS)), "--level", "RESTRICTED")
    assert (added.code, added.stdout, added.stderr) == (130, "", "")
    assert ctrl_c_on_second_document.calls == 2  # the third document was never embedded
    listed = json.loads(cli("docs", "list", "--json", "--clearance", "SECRET").stdout)
    assert sorted(row["name"] for row in listed) == sorted(f"docs/{name}" for name in DOCS)
    started, outcome = _acts(cli, "docs.add")
    assert (started["phase"], outcome["phase"]) == ("started", "outcome")
    assert (outcome["decision"], outcome["error"]) == ("interrupted", "KeyboardInterrupt")
    assert sorted(d["id"] for d in outcome["documents"]) == sorted(row["id"] for row in listed)
    assert cli("audit", "verify").code == 0
    ctrl_c_on_second_document.at = 0  # no more Ctrl-C
    embedded = cli("docs", "embed")
    assert embedded.code == 0, embedded.stderr
    assert "vectors for 3 document(s) by embedder" in embedded.stderr  # none had any


def test_docs_embed_interrupted_writes_no_vector_of_its_group(
    cli: Cli,
    synthetic_vault: SyntheticVault,
    tmp_path: Path,
    ctrl_c_on_second_document: _CtrlCOnCall,
) -> None:
    added = cli("docs", "add", str(write(tmp_path / "docs", DOCS)), "--level", "RESTRICTED")
    assert added.code == 0, added.stderr
    import_embedder(cli, synthetic_vault)
    interrupted = cli("docs", "embed")
    assert (interrupted.code, interrupted.stderr) == (130, "")
    _started, outcome = _acts(cli, "docs.embed")
    assert (outcome["decision"], outcome["documents"]) == ("interrupted", {"default": 0})
    assert cli("audit", "verify").code == 0
    ctrl_c_on_second_document.at = 0
    embedded = cli("docs", "embed")
    assert "vectors for 3 document(s) by embedder" in embedded.stderr
    assert _acts(cli, "docs.embed")[-1]["documents"] == {"default": 3}


@pytest.mark.model
def test_ctrl_c_while_the_real_model_embeds_a_long_document_ends_it_within_seconds(
    vault_home: Path, tmp_path: Path
) -> None:
    """SIGINT to the real ``milai docs add`` of a 200-passage document while the demo model
    embeds it (llama.cpp logging on every decode, where the signal lands): it ends in
    seconds with exit 130, where it used to go on to the end of the document."""
    from milai.vault import demo_model_path

    imported = run_milai(
        "model", "import", str(demo_model_path()), "--name", "smol-embed",
        "--level", "UNCLASSIFIED", "--embedding",
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    paragraph = "The convoy leaves the depot at dawn and reaches the border by noon. " * 14
    document = tmp_path / "long.txt"
    document.write_text("\n\n".join(f"{number}. {paragraph}" for number in range(200)))
    child = subprocess.Popen(
        milai_command("-v", "docs", "add", str(document), "--level", "UNCLASSIFIED"),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=interruptible,
    )
    assert child.stderr is not None
    decoding = threading.Event()
    lines: list[bytes] = []

    def drain() -> None:
        assert child.stderr is not None
        for line in child.stderr:
            lines.append(line)
            if b"llama_perf_context_print" in line:  # -v: after each call into llama.cpp
                decoding.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        assert decoding.wait(300), b"".join(lines[-20:]).decode(errors="replace")
        time.sleep(0.5)  # into the next group's decode, where the signal lands in the callback
        assert child.poll() is None, "the document was embedded before Ctrl-C"
        pressed = time.monotonic()
        child.send_signal(signal.SIGINT)
        code = child.wait(timeout=120)
        waited = time.monotonic() - pressed
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    reader.join(10)
    assert code == 130, b"".join(lines[-20:]).decode(errors="replace")
    # About one group: ~1-3 s on an idle 2-core machine, 15 s at load 10 (27 tokens/s); the
    # whole document is ~100 groups.
    assert waited < 90, waited
    assert not any(b"Traceback" in line for line in lines)
    verified = run_milai("audit", "verify")
    assert verified.returncode == 0, verified.stderr
    shown = run_milai("audit", "show", "--json")
    events = [json.loads(line)["event"] for line in shown.stdout.splitlines()]
    outcome = [e for e in events if e.get("command") == "docs.add"][-1]
    assert (outcome["phase"], outcome["decision"]) == ("outcome", "interrupted")
