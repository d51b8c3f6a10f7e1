"""Every command that reads a document fails closed on one the reader left partly unread
(a document nested past ``Limits.max_depth``, attack14): ``check`` blocks (exit 3, rule
``unreadable-document``), ``redact`` writes no copy (exit 3), ``run --input`` gives the
model nothing (exit 3), ``docs add`` refuses it (exit 3) and adds the rest; stderr says
so in one line. Three deep still reads; an image attachment stays a note."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.fixtures import SYNTHETIC_SECRET_MODEL, SyntheticVault
from tests.cli.harness import Cli
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
