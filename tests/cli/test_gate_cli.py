"""The policy gate through the CLI: check, redact, and run refusing what it must."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.fixtures import MilaiRunner
from tests.cli.harness import invoke

SECRET_NOTE = "SECRET//NOFORN\nThe convoy leaves at dawn.\nSECRET//NOFORN\n"


def test_check_json_has_the_contract_shape(milai: MilaiRunner) -> None:
    result = milai("check", "--json", input=SECRET_NOTE)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["decision"] == "allow"
    assert data["level"] == "SECRET"
    assert data["policy"]["name"] == "milai-default"
    assert len(data["policy"]["sha256"]) == 64
    first = data["findings"][0]
    assert set(first) >= {"rule", "kind", "level", "action", "start", "end"}
    assert SECRET_NOTE[first["start"] : first["end"]].upper().startswith("SECRET")


def test_check_blocks_keying_material_with_exit_3(milai: MilaiRunner, tmp_path: Path) -> None:
    document = tmp_path / "doc.txt"
    document.write_text("Attached: the KEYMAT for next month.\n")
    result = milai("check", str(document), "--json")
    assert result.returncode == 3
    assert json.loads(result.stdout)["decision"] == "block"


def test_check_with_clearance_blocks_read_up(milai: MilaiRunner) -> None:
    assert milai("check", "-", "--clearance", "SECRET", input=SECRET_NOTE).returncode == 0
    assert milai("check", "-", "--clearance", "RESTRICTED", input=SECRET_NOTE).returncode == 3


def test_check_bad_inputs(milai: MilaiRunner, tmp_path: Path) -> None:
    missing = milai("check", str(tmp_path / "nope.txt"))
    assert missing.returncode == 2
    assert missing.stderr.startswith("milai: error: cannot read ")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"ok\x00\xff\xfe")  # a NUL: no text in any 8-bit code page
    bad = milai("check", str(binary))
    assert bad.returncode == 2
    assert bad.stderr == f"milai: error: {binary} is not valid UTF-8 text (bad byte at offset 3)\n"
    piped = milai("check", "-", input=b"TR\xc8S SECRET\n")  # stdin cannot be read twice
    assert piped.returncode == 2
    assert piped.stderr == "milai: error: stdin is not valid UTF-8 text (bad byte at offset 2)\n"
    malformed = tmp_path / "policy.yaml"
    malformed.write_text("name: x\nname: y\n")
    refused = milai("check", "--policy", str(malformed), "-", input="hello")
    assert refused.returncode == 2
    assert refused.stdout == ""


def test_redact_replaces_pii(milai: MilaiRunner) -> None:
    result = milai("redact", "-", input="Matricule 1985 0315 123 71 pour le dossier.\n")
    assert result.returncode == 0, result.stderr
    assert "1985 0315 123 71" not in result.stdout
    assert result.stdout.startswith("Matricule ")
    assert result.stdout.endswith(" pour le dossier.\n")


def test_explain_highlights_findings(milai: MilaiRunner) -> None:
    result = milai("check", "--explain", "-", input=SECRET_NOTE)
    assert result.returncode == 0
    assert "SECRET" in result.stdout
    assert "marking" in result.stdout


@pytest.mark.model
def test_run_blocks_a_prompt_above_clearance(vault_home: Path, milai: MilaiRunner) -> None:
    result = milai("run", "Summarise", input=SECRET_NOTE)
    assert result.returncode == 3
    assert result.stdout == ""
    assert result.stderr.startswith("milai: blocked: ")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.model
def test_run_blocks_a_prompt_above_the_model_accreditation(
    vault_home: Path, milai: MilaiRunner
) -> None:
    # The demo model is accredited UNCLASSIFIED: a SECRET clearance does not lift that.
    result = milai("run", "--clearance", "SECRET", "Summarise", input=SECRET_NOTE)
    assert result.returncode == 3
    assert "UNCLASSIFIED" in result.stderr


@pytest.mark.model
def test_run_blocks_keying_material(vault_home: Path, milai: MilaiRunner) -> None:
    result = milai("run", "Explain the KEYMAT handling rules.")
    assert result.returncode == 3
    assert "keying-material" in result.stderr


@pytest.mark.model
def test_label_prints_banners(vault_home: Path, milai: MilaiRunner) -> None:
    result = milai("run", "--label", "--max-tokens", "8", "--seed", "1", "Say hello.")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == lines[-1]
    assert "UNCLASSIFIED" in lines[0]


def test_policy_commands(milai: MilaiRunner) -> None:
    shown = milai("policy", "show", "--json")
    assert shown.returncode == 0, shown.stderr
    view = json.loads(shown.stdout)
    assert view["scale"] == ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET", "TOP SECRET"]
    assert "NATO SECRET" in {m["text"] for m in view["markings"]["SECRET"]}
    assert {rule["id"] for rule in view["rules"]} >= {"keying-material", "pii-matricule"}
    for shipped in sorted(Path("policies").glob("*.yaml")):
        tested = milai("policy", "test", str(shipped))
        assert tested.returncode == 0, tested.stdout
        assert " tests passed" in tested.stdout
        assert milai("policy", "validate", str(shipped)).returncode == 0


def test_policy_validate_reports_each_error_with_its_line(
    milai: MilaiRunner, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nversion: '1'\nscale: [LOW, HIGH]\nfrobnicate: 1\nrules: 5\n")
    result = milai("policy", "validate", str(bad))
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert any(line.startswith(f"{bad}:4:") for line in lines), lines
    assert any(line.startswith(f"{bad}:5:") for line in lines), lines


def test_a_failing_embedded_test_exits_1(milai: MilaiRunner, tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    text = Path("policies/default.yaml").read_text()
    policy.write_text(
        text.replace(
            "expect: {decision: allow, level: SECRET}",
            "expect: {decision: allow, level: RESTRICTED}",
            1,
        )
    )
    result = milai("policy", "test", str(policy))
    assert result.returncode == 1
    assert result.stdout.startswith("FAIL CAPCO banner lines: expected allow RESTRICTED")


@pytest.mark.model
def test_run_reports_a_prompt_warning_on_stderr(vault_home: Path, milai: MilaiRunner) -> None:
    result = milai("run", "--max-tokens", "4", "--seed", "1", "Reply to jean.muller@example.lu")
    assert result.returncode == 0, result.stderr
    assert "milai: warn: rule pii-email-prompt (pii, UNCLASSIFIED)" in result.stderr.splitlines()


# --- documents and folders ---------------------------------------------------------------


def _documents(folder: Path) -> dict[str, Path]:
    from tests.documents.builders import Docx, html_bytes, pdf_bytes

    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "header.docx": Docx(body=["The convoy leaves at dawn."], header=["NATO SECRET"]).build(),
        "footer.pdf": pdf_bytes([[f"Page {n}.", "", "SECRET"] for n in (1, 2)]),
        "plain.txt": b"Nothing marked here.\n",
        "note.html": html_bytes("CONFIDENTIAL", "Matricule 1985 0315 123 71 pour le dossier."),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in files}


def test_check_a_docx_marked_only_in_its_header(milai: MilaiRunner, tmp_path: Path) -> None:
    docx = _documents(tmp_path / "docs")["header.docx"]
    result = milai("check", str(docx), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["level"], data["format"]) == ("SECRET", "docx")
    assert {f["part"] for f in data["findings"]} == {"header"}
    text = milai("check", str(docx))
    assert text.stdout.splitlines()[0] == "allow SECRET"
    assert " header [" in text.stdout
    explained = milai("check", "--explain", str(docx))
    assert "header" in explained.stdout and "The convoy leaves at dawn." in explained.stdout


def test_check_a_pdf_on_stdin_with_clearance(milai: MilaiRunner, tmp_path: Path) -> None:
    pdf = _documents(tmp_path / "docs")["footer.pdf"].read_bytes()
    result = milai("check", "-", "--json", "--clearance", "RESTRICTED", input=pdf)
    assert result.returncode == 3
    data = json.loads(result.stdout)
    assert data["decision"] == "block"
    assert {f["part"] for f in data["findings"]} >= {"page 1", "page 2"}


def test_unreadable_documents_exit_2_with_one_line(milai: MilaiRunner) -> None:
    fixtures = Path("tests/fixtures/documents")
    for name in ("zip-bomb.docx", "billion-laughs.docx", "scanned.pdf", "legacy.doc"):
        result = milai("check", str(fixtures / name))
        assert result.returncode == 2, name
        assert result.stderr.startswith(f"milai: error: {fixtures / name}"), result.stderr
        assert result.stdout == ""


def test_redact_a_document_writes_its_redacted_text(milai: MilaiRunner, tmp_path: Path) -> None:
    html = _documents(tmp_path / "docs")["note.html"]
    result = milai("redact", str(html))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "CONFIDENTIAL"
    assert "1985 0315 123 71" not in result.stdout
    assert "<p" not in result.stdout
    assert "extracted text" in milai("redact", "--help").stdout


def test_check_a_folder(milai: MilaiRunner, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    _documents(folder)
    (folder / "sub").mkdir()
    (folder / "sub" / "keys.txt").write_text("Attached: the KEYMAT for next month.\n")
    (folder / "sub" / "broken.docx").write_bytes(b"PK\x03\x04 not really")
    outside = tmp_path / "outside.txt"
    outside.write_text("TOP SECRET\n")
    (folder / "link.txt").symlink_to(outside)
    result = milai("check", str(folder), "--json")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    by_path = {line["path"]: line for line in lines}
    assert list(by_path) == [
        "footer.pdf",
        "header.docx",
        "link.txt",
        "note.html",
        "plain.txt",
        "sub/broken.docx",
        "sub/keys.txt",
    ]
    assert by_path["header.docx"]["level"] == "SECRET"
    assert by_path["footer.pdf"]["findings"][0]["part"] == "page 1"
    assert by_path["link.txt"] == {
        "path": "link.txt",
        "error": "a symbolic link: not followed",
        "exit_code": 2,
    }
    assert by_path["sub/broken.docx"]["exit_code"] == 2
    assert by_path["sub/keys.txt"]["decision"] == "block"
    assert result.returncode == 3  # a block beats an unreadable file
    (folder / "sub" / "keys.txt").unlink()
    assert milai("check", str(folder), "--json").returncode == 2
    table = milai("check", str(folder))
    assert table.returncode == 2
    assert "a symbolic link: not followed" in table.stdout
    assert "6 files: " in table.stdout


def test_redact_a_folder(milai: MilaiRunner, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    _documents(folder)
    out = tmp_path / "out"
    result = milai("redact", str(folder), "-o", str(out), "--json")
    assert result.returncode == 0, result.stderr
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert written == ["footer.pdf.txt", "header.docx.txt", "note.html.txt", "plain.txt"]
    assert "1985 0315 123 71" not in (out / "note.html.txt").read_text()
    assert (out / "plain.txt").stat().st_mode & 0o777 == 0o600
    # The level of what was written: markings stay, so a SECRET file stays SECRET.
    levels = {line["path"]: line["level"] for line in map(json.loads, result.stdout.splitlines())}
    assert levels == {
        "footer.pdf": "SECRET",
        "header.docx": "SECRET",
        "note.html": "CONFIDENTIAL",
        "plain.txt": "UNCLASSIFIED",
    }
    again = milai("redact", str(folder), "-o", str(out))
    assert again.returncode == 2
    assert again.stderr.startswith(f"milai: error: the output folder {out} is not empty")
    inside = milai("redact", str(folder), "-o", str(folder / "red"))
    assert inside.returncode == 2
    assert milai("redact", str(folder)).returncode == 2


def test_an_installed_policy_is_the_floor(milai: MilaiRunner, tmp_path: Path) -> None:
    assert milai("init", "--key-file", str(tmp_path / "vault.key")).returncode == 0
    lax = tmp_path / "lax.yaml"
    lax.write_text(Path("policies/default.yaml").read_text().replace("KEYMAT, ", ""))
    # No policy installed yet: --policy may choose one.
    assert milai("check", "--policy", str(lax), "-", input="hello").returncode == 0
    installed = tmp_path / "installed.yaml"
    installed.write_text(Path("policies/default.yaml").read_text())
    assert milai("settings", "set", "policy", str(installed)).returncode == 0
    refused = milai("check", "--policy", str(lax), "-", input="the KEYMAT")
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr.startswith(
        f"milai: error: --policy {lax} is not the policy an administrator installed"
    )
    assert milai("redact", "--policy", str(lax), "-", input="x").returncode == 2
    same = milai("check", "--policy", str(installed), "-", "--json", input="the KEYMAT")
    assert same.returncode == 3
    assert milai("check", "-", input="the KEYMAT").returncode == 3


def test_the_readme_document_examples(milai: MilaiRunner, tmp_path: Path) -> None:
    from tests.documents.examples import main as write_examples

    folder = tmp_path / "examples"
    write_examples(folder)
    report = milai("check", str(folder / "report.docx"))
    assert report.stdout.splitlines() == [
        "allow SECRET",
        "  marking-nato-secret marking SECRET allow header [0:11]",
    ]
    brief = milai("check", str(folder / "brief.pdf"), "--clearance", "RESTRICTED", "--json")
    assert brief.returncode == 3
    data = json.loads(brief.stdout)
    assert [data["decision"], [f["part"] for f in data["findings"]]] == [
        "block",
        ["page 1", "page 2", "page 3", "page 1"],
    ]
    levels = {
        json.loads(line)["path"]: json.loads(line)["level"]
        for line in milai("check", str(folder), "--json").stdout.splitlines()
    }
    assert levels == {
        "brief.pdf": "SECRET",
        "labelled.docx": "UNCLASSIFIED",  # the default policy maps no sensitivity label
        "message.eml": "RESTRICTED",
        "minutes.odt": "CONFIDENTIAL",
        "note.html": "UNCLASSIFIED",
        "report.docx": "SECRET",
    }


def test_a_folder_check_is_audited_file_by_file(milai: MilaiRunner, tmp_path: Path) -> None:
    assert milai("init", "--key-file", str(tmp_path / "vault.key")).returncode == 0
    folder = tmp_path / "docs"
    _documents(folder)
    assert milai("check", str(folder), "--json").returncode == 0
    shown = milai("audit", "show", "--json")
    events = [json.loads(line)["event"] for line in shown.stdout.splitlines()]
    checks = [event for event in events if event.get("command") == "check"]
    assert sorted(event["format"] for event in checks) == ["docx", "html", "pdf", "text"]
    assert milai("check", str(folder), "--explain").returncode == 2


def test_skipped_attachments_are_said(milai: MilaiRunner, tmp_path: Path) -> None:
    from email import message_from_bytes
    from email import policy as email_policy

    from tests.documents.builders import eml_bytes

    message = message_from_bytes(eml_bytes("Logo", "Unmarked."), policy=email_policy.default)
    message.add_attachment(b"\x89PNG\r\n", maintype="image", subtype="png", filename="logo.png")
    mail = tmp_path / "logo.eml"
    mail.write_bytes(message.as_bytes())
    result = milai("check", str(mail), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["skipped"] == [
        "attachment logo.png: an image (milai does not OCR)"
    ]
    assert result.stderr == (
        "milai: note: not read: attachment logo.png: an image (milai does not OCR)\n"
    )


# Files saved by Windows in its "ANSI" code page (cp1252): a French or German marking in it.
LEGACY_FILES = [
    (b"TR\xc8S SECRET\nRapport de la r\xe9union \x96 suite.\n", "TOP SECRET"),
    (b"CONFIDENTIEL D\xc9FENSE\n\x93Objet\x94 : la r\xe9union.\n", "CONFIDENTIAL"),
    (b"GEHEIM\nGr\xfc\xdfe aus K\xf6ln.\n", "SECRET"),
    (b"VS-VERTRAULICH\nDie \xdcbung beginnt am Montag.\n", "CONFIDENTIAL"),
    (b"VS-NUR F\xdcR DEN DIENSTGEBRAUCH\nStra\xdfe 3.\n", "RESTRICTED"),
    (b"Bericht \x84Lage\x93\n\nGEHEIM\n", "SECRET"),
    # a stray byte in UTF-8 text: read both ways, the UTF-8 marking is not lost
    ("TRÈS SECRET\nnote".encode() + b" \xff\n", "TOP SECRET"),
]


@pytest.mark.parametrize(("data", "level"), LEGACY_FILES)
def test_a_file_in_a_legacy_code_page_reads_its_level(
    milai: MilaiRunner, tmp_path: Path, data: bytes, level: str
) -> None:
    """A file that is not UTF-8 is read as cp1252 (README, DESIGN): said once on stderr and
    in --json's ``encoding``; its level is its marking's."""
    path = tmp_path / "note.txt"
    path.write_bytes(data)
    result = milai("check", str(path), "--json")
    assert result.returncode == 0, result.stderr
    decision = json.loads(result.stdout)
    assert (decision["level"], decision["encoding"]) == (level, "cp1252")
    assert result.stderr == (f"milai: note: {path} is not UTF-8: read as Windows-1252 (cp1252)\n")
    folder = milai("check", str(tmp_path), "--json")
    line = json.loads(folder.stdout)
    assert (line["level"], line["encoding"]) == (level, "cp1252")


def test_a_utf8_file_has_no_encoding_key(milai: MilaiRunner, tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("TRÈS SECRET\n", encoding="utf-8")
    result = milai("check", str(path), "--json")
    assert json.loads(result.stdout)["level"] == "TOP SECRET"
    assert "encoding" not in json.loads(result.stdout)
    assert result.stderr == ""


def test_a_legacy_file_is_redacted_in_its_own_code_page(milai: MilaiRunner, tmp_path: Path) -> None:
    """The copy keeps the file's bytes but for what is redacted: cp1252 in, cp1252 out
    (stdout, -o and a folder alike)."""
    data = b"Caf\xe9 \x80 \x81\nMatricule 1985 0315 123 71 pour le dossier.\n"
    want = b"Caf\xe9 \x80 \x81\nMatricule [REDACTED:pii-matricule] pour le dossier.\n"
    source = tmp_path / "in" / "pii.txt"
    source.parent.mkdir()
    source.write_bytes(data)
    out = tmp_path / "out.txt"
    written = milai("redact", str(source), "-o", str(out))
    assert written.returncode == 0, written.stderr
    assert out.read_bytes() == want
    assert "written in cp1252" in written.stderr
    folder = milai("redact", str(source.parent), "-o", str(tmp_path / "copy"))
    assert folder.returncode == 0, folder.stderr
    assert (tmp_path / "copy" / "pii.txt").read_bytes() == want
    assert invoke("redact", str(source)).stdout_bytes == want
