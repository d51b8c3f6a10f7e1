"""``milai docs add|list|show|remove`` in process, on a vault of synthetic models: levels
(declared, raised by markings, refused above the ceiling), idempotence, folders with
unreadable files, audit entries, encryption at rest and tampering (exit 4)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.cli.fixtures import SyntheticVault
from tests.cli.harness import Cli
from tests.corpus.corpus_files import DOCX_FACT, FACTS, NOTE_FACT, PDF_FACT, write_corpus
from tests.documents.builders import encrypted_pdf, pdf_bytes


def add(cli: Cli, *args: str) -> Any:
    return cli("docs", "add", *args)


def listed(cli: Cli, *args: str) -> list[dict[str, Any]]:
    result = cli("docs", "list", "--json", *args)
    assert result.code == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def audit_events(cli: Cli, command: str) -> list[dict[str, Any]]:
    """The outcomes of the acts ``command``, each after its ``started`` entry."""
    shown = cli("audit", "show", "--json")
    assert shown.code == 0, shown.stderr
    events = [json.loads(line)["event"] for line in shown.stdout.splitlines()]
    acts = [event for event in events if event.get("command") == command]
    assert [event["phase"] for event in acts] == ["started", "outcome"] * (len(acts) // 2)
    return [event for event in acts if event["phase"] == "outcome"]


def corpus_record(vault: SyntheticVault, record_id: str) -> Path:
    from milai.vault import KeySource, Vault

    opened = Vault.open(vault.home, KeySource(key_file=vault.key_file))
    return opened.records.file_of("corpus", record_id)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return write_corpus(tmp_path / "docs")


def test_add_keeps_the_declared_level_and_raises_a_marked_document(
    cli: Cli, synthetic_vault: SyntheticVault, files: dict[str, Path]
) -> None:
    note = add(cli, str(files["note.txt"]), "--level", "RESTRICTED")
    assert note.code == 0, note.stderr
    assert "added" in note.stderr and "note.txt (RESTRICTED" in note.stderr
    brief = add(cli, str(files["brief.docx"]), "--level", "restricted")
    assert brief.code == 0, brief.stderr
    assert "brief.docx: declared RESTRICTED, raised to SECRET" in brief.stderr
    rows = {row["name"]: row for row in listed(cli, "--clearance", "TOP SECRET")}
    assert rows["note.txt"]["level"] == "RESTRICTED"
    assert rows["brief.docx"]["level"] == "SECRET"
    assert rows["brief.docx"]["declared"] == "RESTRICTED"
    assert rows["brief.docx"]["found"] == "SECRET"
    assert rows["brief.docx"]["collection"] == "default"
    assert rows["brief.docx"]["title"] == "Operation brief"


def test_the_same_content_twice_is_one_document(
    cli: Cli, synthetic_vault: SyntheticVault, files: dict[str, Path], tmp_path: Path
) -> None:
    assert add(cli, str(files["note.txt"]), "--level", "RESTRICTED").code == 0
    copy = tmp_path / "copy-of-note.txt"
    shutil.copy(files["note.txt"], copy)
    again = add(cli, str(copy), "--level", "RESTRICTED")
    assert again.code == 0, again.stderr
    assert "is already here as" in again.stderr
    assert len(listed(cli, "--clearance", "SECRET")) == 1
    # Asked again at a higher level, the one document is raised to it (never lowered).
    higher = add(cli, str(copy), "--level", "CONFIDENTIAL")
    assert "now CONFIDENTIAL" in higher.stderr
    lower = add(cli, str(copy), "--level", "UNCLASSIFIED")
    assert "(CONFIDENTIAL)" in lower.stderr
    [row] = listed(cli, "--clearance", "SECRET")
    assert row["level"] == "CONFIDENTIAL"
    # Another collection is another document.
    assert add(cli, str(copy), "--level", "RESTRICTED", "--collection", "other").code == 0
    assert len(listed(cli, "--clearance", "SECRET")) == 2


def test_a_folder_is_read_whole_and_an_unreadable_file_never_stops_it(
    cli: Cli, synthetic_vault: SyntheticVault, files: dict[str, Path]
) -> None:
    folder = files["note.txt"].parent
    (folder / "locked.pdf").write_bytes(encrypted_pdf(pdf_bytes([["x"]]), user_password="pw"))
    (folder / "a-link.txt").symlink_to(files["note.txt"])
    (folder / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    result = add(cli, str(folder), "--level", "RESTRICTED")
    assert result.code == 2, result.stderr
    assert "skipped docs/a-link.txt: a symbolic link" in result.stderr
    assert "locked.pdf is an encrypted PDF" in result.stderr
    assert "scan.png is an image" in result.stderr
    assert result.stderr.splitlines()[-1] == "milai: error: 3 file(s) could not be read"
    names = {row["name"] for row in listed(cli, "--clearance", "SECRET")}
    assert names == {"docs/note.txt", "docs/report.pdf", "docs/brief.docx"}


def test_a_document_above_the_ceiling_is_refused_and_the_rest_added(
    cli: Cli, synthetic_vault: SyntheticVault, files: dict[str, Path]
) -> None:
    assert cli("settings", "set", "ceiling", "CONFIDENTIAL").code == 0
    declared = add(cli, str(files["note.txt"]), "--level", "SECRET")
    assert declared.code == 2
    assert declared.error_line() == "milai: error: --level SECRET is above the ceiling CONFIDENTIAL"
    result = add(cli, str(files["note.txt"].parent), "--level", "RESTRICTED")
    assert result.code == 3, result.stderr
    assert "refused docs/brief.docx: it is SECRET, above the ceiling CONFIDENTIAL" in result.stderr
    assert "milai: blocked: 1 document(s) refused" in result.stderr
    names = {row["name"] for row in listed(cli, "--clearance", "CONFIDENTIAL")}
    assert names == {"docs/note.txt", "docs/report.pdf"}
    [*_, event] = audit_events(cli, "docs.add")
    assert event["refused_levels"] == ["SECRET"]


def test_list_show_and_remove_see_only_what_the_clearance_allows(
    cli: Cli, synthetic_vault: SyntheticVault, files: dict[str, Path]
) -> None:
    assert add(cli, str(files["note.txt"].parent), "--level", "RESTRICTED").code == 0
    assert {row["level"] for row in listed(cli, "--clearance", "RESTRICTED")} == {"RESTRICTED"}
    assert listed(cli) == []  # the default clearance is the lowest level
    assert cli("docs", "list").stderr == "milai: no documents at your clearance\n"
    secret = next(r for r in listed(cli, "--clearance", "SECRET") if r["level"] == "SECRET")
    hidden = cli("docs", "show", secret["id"], "--clearance", "CONFIDENTIAL")
    assert hidden.code == 2
    assert hidden.error_line() == f"milai: error: no document {secret['id']}"
    shown = cli("docs", "show", secret["id"][:8], "--clearance", "SECRET")
    assert shown.code == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["name"] == "docs/brief.docx"
    parts = {passage["part"] for passage in data["passage_list"]}
    assert {"header", "body", "footer"} <= parts
    assert DOCX_FACT not in shown.stdout  # show lists where the passages are, not their text
    assert cli("docs", "remove", secret["id"], "--clearance", "RESTRICTED").code == 2
    removed = cli("docs", "remove", secret["id"], "--clearance", "SECRET")
    assert removed.code == 0, removed.stderr
    assert {row["name"] for row in listed(cli, "--clearance", "SECRET")} == {
        "docs/note.txt",
        "docs/report.pdf",
    }
    [event] = audit_events(cli, "docs.remove")
    assert event["document"] == {"id": secret["id"], "level": "SECRET"}


def test_adding_is_audited_without_names_or_text(
    cli: Cli, synthetic_vault: SyntheticVault, files: dict[str, Path]
) -> None:
    assert add(cli, str(files["note.txt"].parent), "--level", "RESTRICTED").code == 0
    [event] = audit_events(cli, "docs.add")
    assert event["collection"] == "default"
    assert event["declared"] == "RESTRICTED"
    levels = sorted(document["level"] for document in event["documents"])
    assert levels == ["RESTRICTED", "RESTRICTED", "SECRET"]
    text = json.dumps(event)
    for secret in (*FACTS, "note.txt", "brief"):
        assert secret not in text


def test_nothing_of_the_corpus_is_readable_at_rest(
    cli: Cli, synthetic_vault: SyntheticVault, files: dict[str, Path]
) -> None:
    assert add(cli, str(files["note.txt"].parent), "--level", "RESTRICTED").code == 0
    words = [*FACTS, "battalion", "Readiness", "note.txt", "brief.docx"]
    needles = {form.encode() for word in words for form in (word, word.lower())}
    needles |= {"kirchberg".encode("utf-16-le")}
    for root, _dirs, names in os.walk(synthetic_vault.home):
        for name in names:
            data = (Path(root) / name).read_bytes()
            for needle in needles:
                assert needle not in data, (name, needle)


def test_a_tampered_index_is_exit_4_for_every_command_that_reads_it(
    cli: Cli, synthetic_vault: SyntheticVault, files: dict[str, Path]
) -> None:
    # Records are hashed when read (a vault open checks only the folder's structure), and
    # `audit verify` hashes every file: a command that never reads the corpus, such as `run`,
    # uses nothing from it.
    assert add(cli, str(files["note.txt"]), "--level", "RESTRICTED").code == 0
    index = corpus_record(synthetic_vault, "index:default")
    data = bytearray(index.read_bytes())
    data[len(data) // 2] ^= 0x01
    index.write_bytes(bytes(data))
    for args in (("docs", "list"), ("ask", "where is the fuel?"), ("audit", "verify")):
        result = cli(*args)
        assert result.code == 4, (args, result.stderr)
        line = result.error_line()
        assert "a corpus record" in line, line
        assert NOTE_FACT not in line


def test_a_rolled_back_index_is_exit_4(
    cli: Cli, synthetic_vault: SyntheticVault, files: dict[str, Path], tmp_path: Path
) -> None:
    assert add(cli, str(files["note.txt"]), "--level", "RESTRICTED").code == 0
    index = corpus_record(synthetic_vault, "index:default")
    old = index.read_bytes()
    assert add(cli, str(files["report.pdf"]), "--level", "CONFIDENTIAL").code == 0
    index.write_bytes(old)  # the index before the PDF: it would hide the PDF's passages
    result = cli("ask", f"Where does the convoy leave from? {PDF_FACT}?")
    assert result.code == 4
    assert "does not match the vault state" in result.error_line()


def test_bad_input_is_one_line_and_exit_2(
    cli: Cli, synthetic_vault: SyntheticVault, files: dict[str, Path]
) -> None:
    cases = [
        (("docs", "add", str(files["note.txt"]), "--level", "PUBLIC"), "unknown level 'PUBLIC'"),
        (
            ("docs", "add", str(files["note.txt"]), "--level", "RESTRICTED", "-c", "../x"),
            "invalid collection name",
        ),
        (("docs", "list", "-c", "../x"), "invalid collection name"),
        (("docs", "show", "0123", "-c", "a/b"), "invalid collection name"),
        (("docs", "remove", "0123", "--collection", "x\x1b[31m"), "invalid collection name"),
        (("docs", "show", "zz"), "no document zz"),
        (("docs", "remove", "0123456789abcdef"), "no document 0123456789abcdef"),
    ]
    for args, message in cases:
        result = cli(*args)
        assert result.code == 2, (args, result.stderr)
        assert message in result.error_line(), result.stderr
    missing = add(cli, str(files["note.txt"].parent / "missing.txt"), "--level", "RESTRICTED")
    assert missing.code == 2
    assert "skipped" in missing.stderr and "No such file" in missing.stderr


def test_a_marked_file_name_raises_its_document_and_show_says_which_finding(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path, files: dict[str, Path]
) -> None:
    """A name is printed in sources and put in the prompt: a marking in it (a file or a
    folder named like a banner) raises the document like a marking in its text."""
    folder = tmp_path / "names"
    (folder / "SECRET").mkdir(parents=True)
    (folder / "SECRET" / "depot.txt").write_text("The depot keeps spare tyres.\n")
    (folder / "[CONFIDENTIAL] tyres.txt").write_text("The tyres are changed in May.\n")
    (folder / "plain.txt").write_text("The canteen opens at noon.\n")
    result = add(cli, str(folder), "--level", "RESTRICTED")
    assert result.code == 0, result.stderr
    assert (
        "names/SECRET/depot.txt: declared RESTRICTED, raised to SECRET "
        "(the gate found marking-secret in its file name)"
    ) in result.stderr
    rows = {row["name"]: row for row in listed(cli, "--clearance", "TOP SECRET")}
    assert rows["names/SECRET/depot.txt"]["level"] == "SECRET"
    assert rows["names/[CONFIDENTIAL] tyres.txt"]["level"] == "CONFIDENTIAL"
    assert rows["names/plain.txt"]["level"] == "RESTRICTED"
    assert rows["names/plain.txt"]["raised_by"] == []
    assert {r["name"] for r in listed(cli, "--clearance", "RESTRICTED")} == {"names/plain.txt"}
    shown = cli("docs", "show", rows["names/SECRET/depot.txt"]["id"], "--clearance", "SECRET")
    assert json.loads(shown.stdout)["raised_by"] == [
        {"rule": "marking-secret", "level": "SECRET", "part": "file name"}
    ]
    # A marking in the text: show names the rule and the part that held it.
    assert add(cli, str(files["brief.docx"]), "--level", "RESTRICTED").code == 0
    brief = next(r for r in listed(cli, "--clearance", "SECRET") if r["name"] == "brief.docx")
    shown = cli("docs", "show", brief["id"], "--clearance", "SECRET")
    reasons = json.loads(shown.stdout)["raised_by"]
    assert {"rule": "marking-secret", "level": "SECRET", "part": "header"} in reasons
    assert all(set(reason) == {"rule", "level", "part"} for reason in reasons)
