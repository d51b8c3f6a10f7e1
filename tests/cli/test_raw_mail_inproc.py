"""E-mail with raw 8-bit headers through every command that reads documents (red team 7:
``redact`` crashed and left an empty copy, a folder stopped at it, ``redact -`` wrote
``??bung``, ``run -`` and ``docs add`` ended in an internal error); and a redacted copy that
reads at least what the redaction left."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.fixtures import SyntheticVault
from tests.cli.harness import Cli, refused
from tests.fakes import FakeEngine

RAW_RESTRICTED = "From: x\nSubject: VS-NUR FÜR DEN DIENSTGEBRAUCH\n\nbody\n".encode()
RAW_PLAIN = "From: x\nSubject: Übung: Réunion de coordination\n\nMontag.\n".encode()
ENCODED_TOP_SECRET = b"From: x\nSubject: =?iso-8859-1?Q?TR=C8S_SECRET_UE?=\n\nbody\n"


def _level(cli: Cli, path: Path) -> str:
    result = cli("check", str(path), "--json")
    assert result.code in (0, 3), result.stderr
    return str(json.loads(result.stdout)["level"])


@pytest.mark.parametrize(
    ("data", "level", "shown"),
    [
        (RAW_RESTRICTED, "RESTRICTED", "Subject: VS-NUR FÜR DEN DIENSTGEBRAUCH"),
        (ENCODED_TOP_SECRET, "TOP SECRET", "Subject: TRÈS SECRET UE"),
    ],
)
def test_redact_a_mail_to_a_file_and_its_copy_keeps_the_level(
    cli: Cli, tmp_path: Path, data: bytes, level: str, shown: str
) -> None:
    mail, copy = tmp_path / "m.eml", tmp_path / "copy.txt"
    mail.write_bytes(data)
    assert _level(cli, mail) == level
    result = cli("redact", str(mail), "-o", str(copy))
    assert result.code == 0, result.stderr
    assert shown in copy.read_text(encoding="utf-8")
    assert _level(cli, copy) == level


def test_redact_a_mail_to_stdout_keeps_its_letters(cli: Cli) -> None:
    result = cli("redact", "-", stdin=RAW_PLAIN)
    assert result.code == 0, result.stderr
    assert "Subject: Übung: Réunion de coordination" in result.stdout


def test_redact_a_folder_writes_every_copy(cli: Cli, tmp_path: Path) -> None:
    folder, output = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    (folder / "a.txt").write_text("Before.\n")
    (folder / "b.eml").write_bytes(RAW_RESTRICTED)
    (folder / "c.txt").write_text("After.\n")
    result = cli("redact", str(folder), "-o", str(output), "--json")
    assert result.code == 0, result.stderr
    assert sorted(p.name for p in output.iterdir()) == ["a.txt", "b.eml.txt", "c.txt"]
    assert "FÜR DEN DIENSTGEBRAUCH" in (output / "b.eml.txt").read_text(encoding="utf-8")
    assert (output / "c.txt").read_text() == "After.\n"


def test_a_failed_write_leaves_no_copy(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import milai.policy

    def failing(policy: object, chunks: object) -> Iterator[str]:
        yield "From: x\n"
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(milai.policy, "redact_stream", failing)
    mail, copy = tmp_path / "m.eml", tmp_path / "copy.txt"
    mail.write_bytes(RAW_PLAIN)
    result = cli("redact", str(mail), "-o", str(copy))
    refused(result, 2, "cannot write", str(copy), "No space left on device")
    assert not copy.exists()


def test_a_failed_folder_write_leaves_no_partial_file(tmp_path: Path) -> None:
    from milai.documents import NewFiles

    files = NewFiles(tmp_path / "out")
    with pytest.raises(UnicodeEncodeError):
        files.write("a.txt", "half \udcc3 written")
    assert not (tmp_path / "out" / "a.txt").exists()


def test_run_reads_a_raw_mail_on_stdin(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    result = cli("run", stdin=RAW_PLAIN)
    assert result.code == 0, result.stderr
    [messages] = fake_engine.calls
    assert "Subject: Übung: Réunion de coordination" in messages[-1]["content"]
    secret = "From: x\nSubject: TRÈS SECRET UE\n\nbody\n".encode()
    blocked = cli("run", stdin=secret)
    assert blocked.code == 3, blocked.stderr
    assert "internal error" not in blocked.stderr
    assert len(fake_engine.calls) == 1


def test_docs_add_a_folder_with_a_raw_mail(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("The depot opens at nine.\n")
    (folder / "b.eml").write_bytes(RAW_PLAIN)
    result = cli("docs", "add", str(folder), "--level", "UNCLASSIFIED")
    assert result.code == 0, result.stderr
    listed = cli("docs", "list", "--json")
    assert "a.txt" in listed.stdout and "b.eml" in listed.stdout
