"""What the gate cannot read fails closed, through the CLI (attack14).

Every command that reads a document fails closed on one the reader left partly unread (a
document nested past ``Limits.max_depth``): ``check`` blocks (exit 3, rule
``unreadable-document``), ``redact`` writes no copy (exit 3), ``run --input`` gives the
model nothing (exit 3), ``docs add`` refuses it (exit 3) and adds the rest; stderr says
so in one line. Three deep still reads. Compressed text wrapped over lines past the
nesting bound, a PDF's streams past the budget, a base64 document run past its bound:
``check`` exits 3 (a PDF file bomb: exit 2, one line); the output gate's whole reading of
an answer past the budget blocks the turn.
"""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path

import pytest

from tests.cli.fixtures import SYNTHETIC_SECRET_MODEL, SyntheticVault
from tests.cli.harness import Cli
from tests.documents.test_pdf_streams import bomb, flate_pdf
from tests.documents.test_unread import INNER, nested_docx
from tests.fakes import FakeEngine

WHY = f"not read: embedded {INNER}: documents nested deeper than 3"


def _deep(tmp_path: Path, depth: int = 4, body: str = "Lunch menu") -> Path:
    path = tmp_path / f"nested{depth}.docx"
    path.write_bytes(nested_docx(depth, body))
    return path


def test_check_blocks_a_document_nested_too_deep(cli: Cli, tmp_path: Path) -> None:
    for depth in (4, 5):
        result = cli("check", str(_deep(tmp_path, depth)))
        assert result.code == 3, result.stderr
        assert result.stdout.splitlines()[0] == "block UNCLASSIFIED"
        assert "unreadable-document" in result.stdout
        line = result.error_line("blocked")
        assert WHY in line and "rule unreadable-document" in line
    data = json.loads(cli("check", "--json", str(_deep(tmp_path))).stdout)
    assert data["decision"] == "block"
    assert data["unread"] == [WHY.removeprefix("not read: ")]
    assert [f["rule"] for f in data["findings"]] == ["unreadable-document"]
    shallow = cli("check", str(_deep(tmp_path, 3)))
    assert (shallow.code, shallow.stdout, shallow.stderr) == (0, "allow UNCLASSIFIED\n", "")


def test_check_of_a_folder_blocks_that_file(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    _deep(folder)
    _deep(folder, 3)
    result = cli("check", "--json", str(folder))
    assert result.code == 3, result.stderr
    rows = {row["path"]: row for row in map(json.loads, result.stdout.splitlines())}
    assert rows["nested4.docx"]["decision"] == "block"
    assert rows["nested4.docx"]["exit_code"] == 3
    assert rows["nested3.docx"]["decision"] == "allow"


def test_redact_writes_no_copy_of_a_document_nested_too_deep(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "copy.txt"
    result = cli("redact", str(_deep(tmp_path)), "-o", str(out))
    assert result.code == 3 and result.stdout == ""
    assert "no redacted copy is written" in result.error_line("blocked")
    assert not out.exists()
    assert cli("redact", str(_deep(tmp_path))).stdout == ""
    folder = tmp_path / "docs"
    folder.mkdir()
    _deep(folder)
    _deep(folder, 3)
    copies = tmp_path / "copies"
    folded = cli("redact", "--json", str(folder), "-o", str(copies))
    assert folded.code == 3, folded.stderr
    rows = {row["path"]: row for row in map(json.loads, folded.stdout.splitlines())}
    assert rows["nested4.docx"]["exit_code"] == 3 and WHY in rows["nested4.docx"]["error"]
    assert rows["nested3.docx"]["exit_code"] == 0
    assert sorted(p.name for p in copies.iterdir()) == ["nested3.docx.txt"]


def test_run_gives_the_model_nothing(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine, tmp_path: Path
) -> None:
    args = ("run", "--model", SYNTHETIC_SECRET_MODEL, "--clearance", "SECRET", "Summarise")
    result = cli(*args, "--input", str(_deep(tmp_path)))
    assert result.code == 3 and result.stdout == ""
    assert fake_engine.calls == []
    assert "the model is given nothing" in result.error_line("blocked")
    assert cli(*args, "--input", str(_deep(tmp_path, 3))).code == 0


def test_docs_add_refuses_it_and_adds_the_rest(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    _deep(folder)
    _deep(folder, 3)
    result = cli("docs", "add", str(folder), "--level", "RESTRICTED")
    assert result.code == 3, result.stderr
    assert f"milai: refused docs/nested4.docx: {WHY}" in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "milai: blocked: 1 document(s) refused: documents nested in it too deep to read"
    )
    listed = json.loads(cli("docs", "list", "--json", "--clearance", "SECRET").stdout)
    assert [row["name"] for row in listed] == ["docs/nested3.docx"]


def test_check_blocks_wrapped_compressed_text_past_the_nesting_bound(cli: Cli) -> None:
    text = "SECRET\nThe convoy leaves the depot at dawn.\n" * 40
    for _ in range(5):
        line = base64.b64encode(gzip.compress(text.encode(), mtime=0)).decode()
        text = "\n".join(line[at : at + 64] for at in range(0, len(line), 64)) + "\n"
    result = cli("check", "-", stdin=f"Attached:\n{text}\nThanks\n")
    assert result.code == 3, result.stderr
    assert "decompression-budget" in result.stdout and result.stderr == ""


def test_check_refuses_or_blocks_a_pdf_bomb(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "bomb.pdf"
    path.write_bytes(flate_pdf([bomb(64 << 20)]))
    result = cli("check", str(path))
    assert result.code == 2 and result.stdout == ""
    assert "a stream unpacks to more than" in result.error_line()
    blob = base64.b64encode(flate_pdf([bomb(2 << 20) for _ in range(3)])).decode()
    written = cli("check", "--json", "-", stdin=json.dumps({"contentBytes": blob}))
    assert written.code == 3, written.stderr
    assert json.loads(written.stdout)["decision"] == "block"


def test_check_blocks_a_base64_document_past_the_run_bound(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from milai.policy import _document_runs

    monkeypatch.setattr(_document_runs, "MAX_RUN_CHARS", 1024)
    blob = base64.b64encode(nested_docx(1, "Quarterly figures")).decode()
    assert len(blob) > 1024
    result = cli("check", "-", stdin=json.dumps({"contentBytes": blob}))
    assert result.code == 3, result.stderr
    assert "decompression-budget" in result.stdout


def test_run_blocks_an_answer_whose_document_reading_goes_past_the_budget(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    from tests.pipeline.test_output_read_whole import _pdf_mail

    fake_engine.chunks = list(_pdf_mail(flate_pdf([bomb(2 << 20) for _ in range(3)])))
    result = cli("run", "--model", SYNTHETIC_SECRET_MODEL, "--clearance", "SECRET", "Write it")
    assert result.code == 3
    assert "unreadable-document" in result.stderr
    assert "See attached" not in result.stdout
