"""``milai run`` on documents, in process with the scripted engine: a document on stdin or
``--input PATH`` is extracted whole (every part), gated whole before the model sees any of
it, and its bad forms are exit 2 with one line."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

import milai.documents
from milai.documents import Limits, read_document
from tests.cli.fixtures import SYNTHETIC_SECRET_MODEL, MilaiRunner, SyntheticVault
from tests.cli.harness import Cli, CliResult
from tests.documents.builders import (
    Docx,
    eml_bytes,
    encrypted_pdf,
    pdf_bytes,
    sensitivity_label,
)
from tests.fakes import FakeEngine

BODY = ["Convoy schedule", "The convoy leaves the depot at dawn."]
HEADER_SECRET = Docx(body=BODY, header=["NATO SECRET"], comments=["Checked."]).build()
LABEL_ID = "0e5f3b39-8c4a-4f3e-9d1c-6b2a9f1e7c55"
SECRET_RUN = ("--model", SYNTHETIC_SECRET_MODEL, "--clearance", "SECRET")


def refused(result: CliResult, engine: FakeEngine, code: int, *nouns: str, kind: str) -> str:
    """Refused before the model saw anything: the code, nothing on stdout, one line."""
    assert result.code == code, result.stderr
    assert result.stdout == ""
    assert engine.calls == []
    line = result.error_line(kind)
    for noun in nouns:
        assert noun in line, line
    return line


def test_a_document_on_stdin_is_the_material_every_part_of_it(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    result = cli("run", *SECRET_RUN, "Summarise", stdin=HEADER_SECRET)
    assert result.code == 0, result.stderr
    [messages] = fake_engine.calls
    extracted = read_document(HEADER_SECRET, "stdin").text
    assert messages[-1]["content"] == "Summarise\n\n" + extracted
    for part in ("NATO SECRET", "Convoy schedule", "Checked."):  # header, body, comment
        assert part in messages[-1]["content"]
    assert "PK" not in messages[-1]["content"]  # never the zip bytes


def test_input_path_reads_the_file_and_leaves_stdin_alone(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine, tmp_path: Path
) -> None:
    pdf = pdf_bytes([["Briefing, page 1.", "", "SECRET//NOFORN"], ["Page 2.", "", "SECRET"]])
    path = tmp_path / "brief.bin"  # the name says nothing: the content decides
    path.write_bytes(pdf)
    result = cli("run", *SECRET_RUN, "--input", str(path), "Summarise", stdin="ignored\n")
    assert result.code == 0, result.stderr
    [messages] = fake_engine.calls
    assert messages[-1]["content"] == "Summarise\n\n" + read_document(pdf, "x").text
    assert "ignored" not in messages[-1]["content"]
    assert cli("run", *SECRET_RUN, "-i", str(path)).code == 0  # no PROMPT: the material alone
    assert fake_engine.calls[1][-1]["content"] == read_document(pdf, "x").text


def test_a_header_above_the_clearance_blocks_before_the_model_sees_anything(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    result = cli(
        "run", "--model", SYNTHETIC_SECRET_MODEL, "--clearance", "CONFIDENTIAL", "Summarise",
        stdin=HEADER_SECRET,
    )  # fmt: skip
    line = refused(result, fake_engine, 3, "SECRET", kind="blocked")
    assert line.endswith("(in the document's header)"), line


def test_json_when_blocked_names_the_part_of_the_document(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    result = cli("run", "--json", "--clearance", "CONFIDENTIAL", "Summarise", stdin=HEADER_SECRET)
    assert result.code == 3
    assert fake_engine.calls == []
    [line] = result.stdout.splitlines()
    data = json.loads(line)
    assert (data["decision"], data["level"], data["text"]) == ("block", "SECRET", "")
    assert data["input_format"] == "docx"
    parts = {f["part"] for f in data["findings"] if f["level"] == "SECRET"}
    assert parts == {"header"}


def test_json_names_the_parts_of_the_prompt_findings(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    result = cli("run", *SECRET_RUN, "--json", "(S) Summarise", stdin=HEADER_SECRET)
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["input_format"] == "docx"
    parts = {(f["rule"], f["part"]) for f in data["prompt_findings"]}
    assert ("marking-nato-secret", "header") in parts
    assert any(part == "instruction" for _, part in parts), parts
    plain = json.loads(cli("run", *SECRET_RUN, "--json", "Go", stdin="SECRET\nx\n").stdout)
    assert plain["input_format"] is None
    assert {f["part"] for f in plain["prompt_findings"]} == {"body"}


def test_a_label_the_policy_maps_to_secret_blocks_an_unmarked_document(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine, tmp_path: Path
) -> None:
    default = Path(__file__).resolve().parents[2] / "policies" / "default.yaml"
    policy = tmp_path / "labelled.yaml"
    policy.write_text(
        default.read_text(encoding="utf-8")
        + f"\nlabels:\n  sensitivity:\n    SECRET: [{LABEL_ID}]\n",
        encoding="utf-8",
    )
    assert cli("settings", "set", "policy", str(policy)).code == 0
    docx = Docx(body=BODY, custom=sensitivity_label(LABEL_ID, "Falcon")).build()
    result = cli("run", "--json", "--clearance", "CONFIDENTIAL", "Summarise", stdin=docx)
    assert result.code == 3, result.stderr
    assert fake_engine.calls == []
    data = json.loads(result.stdout)
    assert data["level"] == "SECRET"
    label = [f for f in data["findings"] if f["kind"] == "sensitivity-label"]
    assert [(f["rule"], f["part"]) for f in label] == [(f"label-{LABEL_ID}", "metadata")]


@dataclass(frozen=True)
class SmallLimits(Limits):
    max_input_bytes: int = 16384  # above the bytes sniffed first (HEAD_BYTES)
    max_text_chars: int = 2048


def _truncated() -> bytes:
    return HEADER_SECRET[: len(HEADER_SECRET) // 2]


@pytest.mark.parametrize(
    ("data", "nouns"),
    [
        (_truncated(), ("stdin",)),
        (encrypted_pdf(pdf_bytes([["Secret plans."]]), user_password="pw"), ("stdin", "password")),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), ("legacy binary Office file",)),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), ("does not OCR",)),
        (pdf_bytes([[]]), ("stdin",)),  # a PDF without a text layer
        (b"caf\xe9\n", ("stdin is not valid UTF-8 text",)),
    ],
    ids=["truncated-docx", "encrypted-pdf", "legacy-doc", "image", "no-text-pdf", "latin-1"],
)
def test_bad_documents_are_exit_2_with_one_line(
    cli: Cli,
    synthetic_vault: SyntheticVault,
    fake_engine: FakeEngine,
    data: bytes,
    nouns: tuple[str, ...],
) -> None:
    refused(cli("run", "Summarise", stdin=data), fake_engine, 2, *nouns, kind="error")


def test_oversized_input_is_exit_2(
    cli: Cli,
    synthetic_vault: SyntheticVault,
    fake_engine: FakeEngine,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(milai.documents, "Limits", SmallLimits)
    # Digests: text that does not compress, so the file itself is large.
    big = Docx(body=[hashlib.sha256(str(n).encode()).hexdigest() for n in range(1024)]).build()
    assert len(big) > SmallLimits.max_input_bytes
    refused(cli("run", "Summarise", stdin=big), fake_engine, 2, "larger than 16384", kind="error")
    long_text = "word " * 1000
    refused(
        cli("run", "Summarise", stdin=long_text), fake_engine, 2, "longer than 2048", kind="error"
    )
    path = tmp_path / "big.docx"
    path.write_bytes(big)
    refused(cli("run", "-i", str(path), "x"), fake_engine, 2, str(path), "larger", kind="error")


def test_input_path_errors(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.docx"
    refused(
        cli("run", "-i", str(missing), "x"), fake_engine, 2, f"cannot read {missing}", kind="error"
    )
    refused(cli("run", "-i", str(tmp_path), "x"), fake_engine, 2, "is a directory", kind="error")
    refused(
        cli("run", "--system-file", "-", "--input", "-", "x", stdin="be brief"),
        fake_engine,
        2,
        "stdin cannot carry both",
        kind="error",
    )


def test_system_text_on_stdin_and_the_material_from_a_path(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine, tmp_path: Path
) -> None:
    path = tmp_path / "note.eml"
    path.write_bytes(eml_bytes("Convoy", "The convoy leaves at dawn.\n"))
    result = cli("run", "--system-file", "-", "-i", str(path), stdin="Be brief.")
    assert result.code == 0, result.stderr
    [messages] = fake_engine.calls
    assert messages[0] == {"role": "system", "content": "Be brief."}
    assert "The convoy leaves at dawn." in messages[-1]["content"]


def test_utf16_text_with_a_byte_order_mark_is_text(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    assert cli("run", "Summarise", stdin="Réunion mardi.\n".encode("utf-16")).code == 0
    assert fake_engine.calls[0][-1]["content"] == "Summarise\n\nRéunion mardi."


def test_an_empty_document_and_no_prompt_is_an_empty_prompt(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    empty = Docx(body=[" "]).build()
    refused(cli("run", stdin=empty), fake_engine, 2, "empty prompt", kind="error")


@pytest.mark.model
def test_the_real_model_summarises_a_document_and_never_sees_a_marked_one(
    vault_home: Path, milai: MilaiRunner, tmp_path: Path
) -> None:
    from tests.documents.examples import examples

    plain = tmp_path / "plain.docx"
    plain.write_bytes(Docx(body=BODY, comments=["Checked by the duty officer."]).build())
    answered = milai(
        "-v", "run", "--json", "--seed", "1", "--max-tokens", "24", "-i", str(plain),
        "Summarise in one sentence.",
    )  # fmt: skip
    assert answered.returncode == 0, answered.stderr
    data = json.loads(answered.stdout)
    assert data["decision"] == "allow" and data["text"].strip()
    assert data["input_format"] == "docx" and data["usage"]["prompt_tokens"] > 20
    # No --threads and no setting: the default, decided as the model loads (-v says it).
    assert re.search(
        r"milai.llama: threads: \d+ \(the default: \d+ physical cores\)", answered.stderr
    )
    blocked = milai("run", "Summarise", input=examples()["report.docx"])
    assert blocked.returncode == 3
    assert blocked.stdout == ""
    assert blocked.stderr.endswith("(in the document's header)\n"), blocked.stderr


def test_the_readme_label_examples(cli: Cli, tmp_path: Path) -> None:
    from tests.documents.examples import main as write_examples

    write_examples(tmp_path / "examples")
    labelled = str(tmp_path / "examples" / "labelled.docx")
    assert cli("check", labelled).stdout == "allow UNCLASSIFIED\n"
    ministry = Path(__file__).resolve().parents[2] / "policies" / "ministry-codewords.yaml"
    shown = cli("check", "--policy", str(ministry), labelled)
    assert shown.stdout.splitlines() == [
        "allow SECRET",
        "  label-b6f1c3d2-7a8e-4f90-9c1d-2e3f4a5b6c7d sensitivity-label SECRET allow metadata "
        "[84:139]",
    ]


def test_the_readme_run_examples(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine, tmp_path: Path
) -> None:
    from tests.documents.examples import main as write_examples

    write_examples(tmp_path / "examples")
    brief = str(tmp_path / "examples" / "brief.pdf")
    result = cli("run", "Summarise", "--input", brief, "--json")
    data = json.loads(result.stdout)
    assert [data["decision"], data["input_format"], [f["part"] for f in data["findings"]]] == [
        "block",
        "pdf",
        ["page 1", "page 2", "page 3", "page 1"],
    ]
    report = (tmp_path / "examples" / "report.docx").read_bytes()
    line = cli("run", "Summarise", stdin=report).error_line("blocked")
    assert line.startswith("milai: blocked: blocked by rule marking-nato-secret: prompt is SECRET")
    assert line.endswith("(in the document's header)")
    assert fake_engine.calls == []


def test_a_run_on_a_document_replays_from_the_same_file(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine, tmp_path: Path
) -> None:
    path = tmp_path / "plain.docx"
    path.write_bytes(Docx(body=BODY, comments=["Checked."]).build())
    assert cli("run", "--seed", "5", "-i", str(path), "Summarise").code == 0
    shown = cli("audit", "show", "--json", "--command", "run").stdout.splitlines()
    seq = [json.loads(line) for line in shown if "decision" in json.loads(line)["event"]][-1]["seq"]
    replayed = cli("replay", str(seq), "Summarise", "--json", stdin=path.read_bytes())
    assert replayed.code == 0, replayed.stderr
    assert json.loads(replayed.stdout)["match"] is True
    # The same prompt, byte for byte: the extracted text, not the zip.
    assert fake_engine.calls[0][-1] == fake_engine.calls[1][-1]
    other = Docx(body=[*BODY, "One more line."]).build()
    assert cli("replay", str(seq), "Summarise", stdin=other).code == 2  # another prompt
