"""Text that quotes a PDF header is read as text by every command (red team 7: `check -`,
`check FILE`, `redact` and `run -` refused it with exit 2, "not a readable PDF"); a file
that is a PDF, broken, is still refused naming it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.fixtures import SyntheticVault
from tests.cli.harness import Cli, refused
from tests.fakes import FakeEngine

QUESTION = "Why does my file start with %PDF-1.7 and then binary?\n"
SHELL = "$ head -c 8 plan.pdf\n%PDF-1.7\nTOP SECRET\n"


@pytest.mark.parametrize(("text", "level"), [(QUESTION, "UNCLASSIFIED"), (SHELL, "TOP SECRET")])
def test_check_reads_it_as_text(cli: Cli, tmp_path: Path, text: str, level: str) -> None:
    path = tmp_path / "note.txt"
    path.write_text(text)
    for args, stdin in ((("check", "-", "--json"), text), (("check", str(path), "--json"), None)):
        result = cli(*args, stdin=stdin)
        assert result.code in (0, 3), result.stderr
        assert json.loads(result.stdout)["level"] == level
        assert json.loads(result.stdout)["format"] == "text"


def test_redact_keeps_it_as_it_is(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text(QUESTION)
    assert cli("redact", "-", stdin=QUESTION).stdout == QUESTION
    assert cli("redact", str(path)).stdout == QUESTION


def test_run_takes_it_on_stdin(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    result = cli("run", stdin=QUESTION)
    assert result.code == 0, result.stderr
    [messages] = fake_engine.calls
    assert messages[-1]["content"] == QUESTION


def test_a_broken_pdf_is_still_refused_naming_it(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\nbroken")
    refused(cli("check", str(path)), 2, str(path), "not a readable PDF")
