"""``milai batch`` refuses bad options and unusable files with one line and exit 2,
before any vault or model is touched."""

from __future__ import annotations

from pathlib import Path

import pytest

from milai.cli import main
from tests.batch.support import request, write_lines
from tests.cli.fixtures import SyntheticVault
from tests.cli.harness import Cli
from tests.fakes import FakeEngine


def milai(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return write_lines(tmp_path / "in.jsonl", request("a", ("user", "hello")))


def test_concurrency_above_one_needs_a_remote_engine(
    source: Path,
    tmp_path: Path,
    cli: Cli,
    synthetic_vault: SyntheticVault,
    fake_engine: FakeEngine,
) -> None:
    result = cli("batch", str(source), "-o", str(tmp_path / "o"), "--concurrency", "4")
    assert result.code == 2
    assert result.stderr == (
        "milai: error: --concurrency must be 1 with a local model "
        "(parallel lines need a remote inference engine)\n"
    )
    assert fake_engine.calls == []
    assert not (tmp_path / "o").exists()  # refused before OUT was opened
    assert cli("batch", str(source), "-o", str(tmp_path / "o"), "--concurrency", "1").code == 0


def test_a_missing_input_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.jsonl"
    code, err = milai(capsys, "batch", str(missing), "-o", str(tmp_path / "o"))
    assert (code, err) == (2, f"milai: error: cannot read {missing}: No such file or directory\n")


def test_in_and_out_must_differ(source: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = milai(capsys, "batch", str(source), "-o", str(source))
    assert (code, err) == (2, "milai: error: IN and OUT are the same file\n")


def test_a_bad_schema_file(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text('{"type": "no such type"}')
    code, err = milai(
        capsys, "batch", str(source), "-o", str(tmp_path / "o"), "--schema", str(schema)
    )
    assert code == 2
    assert err.startswith(f"milai: error: schema file {schema} is not a valid JSON Schema: ")
    assert err.count("\n") == 1


def test_out_is_required(source: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = milai(capsys, "batch", str(source))
    assert code == 2 and "--out" in err


def test_a_foreign_input_names_its_first_problems_only(
    tmp_path: Path, cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    """A binary or foreign IN is thousands of bad lines: stderr names the first ones, says once
    that the rest go unnamed, and counts them all; OUT still has an entry for every line."""
    bad = 30
    source = tmp_path / "in.jsonl"
    source.write_text("".join(f"not json {n}\n" for n in range(bad)))
    out = tmp_path / "out.jsonl"
    result = cli("batch", str(source), "-o", str(out))
    assert result.code == 0
    lines = result.stderr.splitlines()
    named = [line for line in lines if ": invalid: " in line]
    assert [line.split(":")[1] for line in named] == [f" line {n}" for n in range(1, 21)]
    assert lines[20] == "milai: further problems are not named here (OUT has an entry for each)"
    assert lines[21:] == [f"milai: batch: {bad} lines: 0 ok, 0 blocked, 0 failed, {bad} invalid"]
    assert len(out.read_text().splitlines()) == bad
    assert fake_engine.calls == []
