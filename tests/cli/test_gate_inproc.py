"""``check``, ``redact`` and ``policy validate|show|test`` in process: exit codes, bad files,
bad policies and blocks (no vault needed, except to show what gets audited)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.fixtures import SyntheticVault
from tests.cli.harness import Cli, refused

SECRET_NOTE = "SECRET//NOFORN\nThe convoy leaves at dawn.\nSECRET//NOFORN\n"
KEYMAT = "Attached: the KEYMAT for next month.\n"
MATRICULE = "Matricule 1985 0315 123 71 pour le dossier.\n"
DEFAULT_POLICY = Path("policies/default.yaml")


@pytest.fixture
def malformed_policy(tmp_path: Path) -> Path:
    policy = tmp_path / "malformed.yaml"
    policy.write_text("name: x\nname: y\n")
    return policy


# -- check -----------------------------------------------------------------------------------


def test_check_json_has_the_contract_shape(cli: Cli) -> None:
    result = cli("check", "--json", stdin=SECRET_NOTE)
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data.keys() >= {"decision", "level", "findings", "policy"}
    assert (data["decision"], data["level"]) == ("allow", "SECRET")
    assert data["policy"]["name"] == "milai-default"
    first = data["findings"][0]
    assert first.keys() >= {"rule", "kind", "level", "action", "start", "end"}
    assert SECRET_NOTE[first["start"] : first["end"]].upper().startswith("SECRET")
    assert result.stderr == ""


def test_check_prints_the_decision_and_its_findings(cli: Cli, tmp_path: Path) -> None:
    document = tmp_path / "note.txt"
    document.write_text(SECRET_NOTE)
    result = cli("check", str(document))
    assert result.code == 0
    assert result.stdout.splitlines()[0] == "allow SECRET"
    explained = cli("check", "--explain", str(document))
    assert explained.code == 0
    assert "marking" in explained.stdout


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (("check", "-"), KEYMAT),
        (("check", "--json", "-"), KEYMAT),
        (("check", "--explain", "-"), KEYMAT),
        (("check", "-", "--clearance", "RESTRICTED"), SECRET_NOTE),
    ],
    ids=["keying-material", "json", "explain", "read-up"],
)
def test_check_exits_3_when_the_policy_blocks(cli: Cli, args: tuple[str, ...], stdin: str) -> None:
    result = cli(*args, stdin=stdin)
    assert result.code == 3, result.stderr
    assert result.stderr == ""  # the decision is the output, on stdout
    if "--json" in args:
        assert json.loads(result.stdout)["decision"] == "block"


def test_check_at_a_sufficient_clearance_allows(cli: Cli) -> None:
    assert cli("check", "-", "--clearance", "SECRET", stdin=SECRET_NOTE).code == 0


def test_check_and_redact_bad_input(cli: Cli, tmp_path: Path, malformed_policy: Path) -> None:
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"ok\x00\xff\xfe")  # a NUL: binary (an 8-bit code page file reads)
    for command in ("check", "redact"):
        refused(cli(command, str(tmp_path / "nope.txt")), 2, "cannot read", "nope.txt")
        if command == "redact":  # a folder is walked (test_gate_cli.py); redact needs -o
            refused(cli(command, str(tmp_path)), 2, "-o OUTDIR")
        refused(cli(command, str(binary)), 2, str(binary), "UTF-8", "offset 3")
        refused(cli(command, stdin=b"caf\xe9\n"), 2, "stdin", "UTF-8")
        refused(cli(command, "-", tty=True), 2, "no input")
        refused(cli(command, "--policy", str(malformed_policy), "-", stdin="hi"), 2, "policy")
        refused(cli(command, "--policy", str(tmp_path / "none.yaml"), "-", stdin="hi"), 2)
        refused(cli(command, "--bogus"), 2, "--bogus")
    refused(cli("check", "--clearance", "PUBLIC", "-", stdin="hi"), 2, "PUBLIC")
    # A flag the case would ignore is refused, not dropped: an operator's script asked for it.
    refused(cli("check", "--json", "--explain", "-", stdin="hi"), 2, "--explain", "--json")
    refused(cli("redact", "--json", "-", stdin="hi"), 2, "--json", "folder")
    refused(cli("redact", "--json", str(binary)), 2, "--json", "folder")


def test_an_empty_policy_denies_everything(cli: Cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    refused(cli("check", "--policy", str(empty), "-", stdin="hello"), 2)
    refused(cli("redact", "--policy", str(empty), "-", stdin="hello"), 2)


def test_checks_are_audited_when_a_vault_exists(cli: Cli, synthetic_vault: SyntheticVault) -> None:
    assert cli("check", "-", stdin="hello").code == 0
    assert cli("check", "-", stdin=KEYMAT).code == 3
    assert cli("redact", "-", stdin=MATRICULE).code == 0
    shown = cli("audit", "show", "--json")
    events = [json.loads(line)["event"] for line in shown.stdout.splitlines()]
    recorded = [
        (e["command"], e["decision"]) for e in events if e["command"] in ("check", "redact")
    ]
    assert recorded == [("check", "allow"), ("check", "block"), ("redact", "redact")]


def test_check_with_a_locked_vault_exits_4(cli: Cli, synthetic_vault: SyntheticVault) -> None:
    # A vault exists, so the decision must be recorded: without a key there is no record.
    (synthetic_vault.home / "key-file.path").unlink()
    refused(cli("check", "-", stdin="hello"), 4, "locked")


# -- redact ----------------------------------------------------------------------------------


def test_redact_replaces_pii_and_keeps_the_rest(cli: Cli) -> None:
    result = cli("redact", "-", stdin=MATRICULE)
    assert result.code == 0, result.stderr
    assert "1985 0315 123 71" not in result.stdout
    assert result.stdout.startswith("Matricule ")
    assert result.stdout.endswith(" pour le dossier.\n")
    assert result.stderr == ""


def test_redact_a_file(cli: Cli, tmp_path: Path) -> None:
    document = tmp_path / "doc.txt"
    document.write_text("Plain words only.\n")
    result = cli("redact", str(document))
    assert result.code == 0
    assert result.stdout == "Plain words only.\n"


def test_redact_a_folder_keeps_plain_text_byte_for_byte(cli: Cli, tmp_path: Path) -> None:
    """A redacted copy of a plain-text file differs only in its redacted spans: its final
    new line, blank lines at either end and CR LF line ends are kept (a red team found the
    final new line dropped), as redacting one file or stdin keeps them."""
    folder, output = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    texts = {
        "final.txt": "Plain words only.\n",
        "none.txt": "No new line at the end",
        "blank.txt": "\n\nBlank lines around.\n\n\n",
        "crlf.txt": "Line one\r\nLine two\r\n",
        "pii.txt": MATRICULE,
    }
    for name, text in texts.items():
        (folder / name).write_bytes(text.encode())
    result = cli("redact", str(folder), "-o", str(output))
    assert result.code == 0, result.stderr
    for name, text in texts.items():
        written = (output / name).read_bytes().decode()
        if name == "pii.txt":
            assert written == cli("redact", "-", stdin=text).stdout
            assert "1985 0315 123 71" not in written and written.endswith(".\n")
        else:
            assert written == text, name


# -- policy validate / show / test -----------------------------------------------------------


def test_policy_validate(cli: Cli, tmp_path: Path) -> None:
    valid = cli("policy", "validate", str(DEFAULT_POLICY))
    assert valid.code == 0
    assert valid.stderr == f"milai: {DEFAULT_POLICY} is valid\n"
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nversion: '1'\nscale: [LOW, HIGH]\nfrobnicate: 1\nrules: 5\n")
    result = cli("policy", "validate", str(bad))
    assert result.code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert any(line.startswith(f"{bad}:4:") for line in lines), lines
    assert any(line.startswith(f"{bad}:5:") for line in lines), lines
    assert "Traceback" not in result.stderr


def test_policy_validate_an_unreadable_file_exits_2(cli: Cli, tmp_path: Path) -> None:
    for path in (tmp_path / "missing.yaml", tmp_path):
        result = cli("policy", "validate", str(path))
        assert result.code == 2
        [line] = result.stderr.splitlines()
        assert line.startswith(str(path))
    refused(cli("policy", "validate"), 2, "file")


def test_policy_show(cli: Cli, malformed_policy: Path) -> None:
    shown = cli("policy", "show", "--json")
    assert shown.code == 0, shown.stderr
    view = json.loads(shown.stdout)
    assert view["scale"] == ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET", "TOP SECRET"]
    assert "NATO SECRET" in {marking["text"] for marking in view["markings"]["SECRET"]}
    assert {rule["id"] for rule in view["rules"]} >= {"keying-material", "pii-matricule"}
    assert cli("policy", "show", str(DEFAULT_POLICY)).code == 0
    refused(cli("policy", "show", str(malformed_policy)), 2, str(malformed_policy))
    refused(cli("policy", "show", str(malformed_policy.with_name("none.yaml"))), 2, "none.yaml")


def test_policy_test_runs_the_embedded_tests(cli: Cli, tmp_path: Path) -> None:
    passed = cli("policy", "test", str(DEFAULT_POLICY))
    assert passed.code == 0
    assert passed.stdout.splitlines()[-1].endswith(" tests passed")
    failing = tmp_path / "failing.yaml"
    failing.write_text(
        DEFAULT_POLICY.read_text().replace(
            "expect: {decision: allow, level: SECRET}",
            "expect: {decision: allow, level: RESTRICTED}",
            1,
        )
    )
    failed = cli("policy", "test", str(failing))
    assert failed.code == 1  # a failing policy test, like `opa test` (README)
    assert failed.stdout.startswith("FAIL ")


def test_policy_test_bad_input(cli: Cli, tmp_path: Path, malformed_policy: Path) -> None:
    refused(cli("policy", "test", str(malformed_policy)), 2, str(malformed_policy))
    untested = tmp_path / "untested.yaml"
    text = DEFAULT_POLICY.read_text()
    untested.write_text(text[: text.index("\ntests:")] + "\n")
    refused(cli("policy", "test", str(untested)), 2, "no embedded tests")
    refused(cli("policy", "frobnicate"), 2, "frobnicate")
