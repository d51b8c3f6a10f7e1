"""``milai ask`` in process, with a scripted engine: at each clearance only the passages at
or below min(clearance, model accreditation) are retrieved, cited, and put in the prompt
(checked on the prompt the engine received); the rest is never counted; sources, JSON,
audit entries, trimming and the no-sources note."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.fixtures import SYNTHETIC_SECRET_MODEL, SyntheticVault
from tests.cli.harness import Cli, CliResult
from tests.corpus.corpus_files import (
    DOCX_FACT,
    FACTS,
    NOTE_FACT,
    PDF_FACT,
    QUESTION,
    write_corpus,
)
from tests.fakes import FakeEngine

SECRET_MODEL = ("--model", SYNTHETIC_SECRET_MODEL)


@pytest.fixture
def corpus(cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path) -> dict[str, Path]:
    files = write_corpus(tmp_path / "docs")
    for name, level in (
        ("note.txt", "RESTRICTED"),
        ("report.pdf", "CONFIDENTIAL"),
        ("brief.docx", "RESTRICTED"),  # headed SECRET: raised
    ):
        result = cli("docs", "add", str(files[name]), "--level", level)
        assert result.code == 0, result.stderr
    return files


def prompt_of(engine: FakeEngine) -> str:
    """Everything the model was given in its last call."""
    return "\n".join(message["content"] for message in engine.calls[-1])


def ask_json(cli: Cli, *args: str) -> dict[str, Any]:
    result = cli("ask", "--json", *args)
    assert result.code == 0, result.stderr
    [line] = result.stdout.splitlines()
    data: dict[str, Any] = json.loads(line)
    return data


def ask_events(cli: Cli) -> list[dict[str, Any]]:
    shown = cli("audit", "show", "--json")
    assert shown.code == 0, shown.stderr
    events = [json.loads(line)["event"] for line in shown.stdout.splitlines()]
    return [e for e in events if e.get("command") == "ask" and e.get("phase") == "outcome"]


def only_facts(result: CliResult, *allowed: str) -> None:
    for fact in FACTS:
        if fact not in allowed:
            assert fact not in result.stdout and fact not in result.stderr, fact


def test_at_restricted_only_the_note_is_retrieved_cited_and_given_to_the_model(
    cli: Cli, corpus: dict[str, Path], fake_engine: FakeEngine
) -> None:
    fake_engine.chunks = ["The fuel ", "is at ", f"{NOTE_FACT} [1]."]
    result = cli("ask", QUESTION, "--clearance", "RESTRICTED", *SECRET_MODEL, "--k", "10")
    assert result.code == 0, result.stderr
    prompt = prompt_of(fake_engine)
    assert NOTE_FACT in prompt
    assert PDF_FACT not in prompt and DOCX_FACT not in prompt
    assert "report.pdf" not in prompt and "brief.docx" not in prompt
    assert result.stdout.startswith(f"The fuel is at {NOTE_FACT} [1].\n\nSources:\n")
    assert "  [1] note.txt, body, RESTRICTED" in result.stdout
    assert "report.pdf" not in result.stdout and "brief.docx" not in result.stdout
    only_facts(result, NOTE_FACT)
    assert result.stderr == ""  # nothing hidden is counted or mentioned


def test_at_confidential_the_pdf_joins_and_the_secret_brief_stays_out(
    cli: Cli, corpus: dict[str, Path], fake_engine: FakeEngine
) -> None:
    data = ask_json(cli, QUESTION, "--clearance", "CONFIDENTIAL", *SECRET_MODEL, "--k", "10")
    docs = {source["doc"] for source in data["sources"]}
    assert docs == {"note.txt", "report.pdf"}
    pdf = next(source for source in data["sources"] if source["doc"] == "report.pdf")
    assert pdf["part"] == "page 2" and pdf["page"] == 2 and pdf["level"] == "CONFIDENTIAL"
    assert DOCX_FACT not in prompt_of(fake_engine)
    assert PDF_FACT in prompt_of(fake_engine)
    assert data["level"] == "CONFIDENTIAL"  # the answer carries its sources' level


def test_at_secret_the_docx_is_cited(
    cli: Cli, corpus: dict[str, Path], fake_engine: FakeEngine
) -> None:
    data = ask_json(
        cli, "Where is the strategic fuel reserve?", "--clearance", "SECRET", *SECRET_MODEL
    )
    top = data["sources"][0]
    assert top["doc"] == "brief.docx"
    assert top["level"] == "SECRET"
    assert top["title"] == "Operation brief"
    assert top["part"] == "body" and top["page"] is None
    assert isinstance(top["score"], float) and top["score"] > 0
    assert DOCX_FACT in prompt_of(fake_engine)
    assert data["level"] == "SECRET"
    assert data.keys() >= {
        "text",
        "decision",
        "level",
        "model",
        "usage",
        "timings",
        "seed",
        "finish_reason",
        "sources",
    }


def test_the_model_accreditation_bounds_retrieval_like_the_clearance(
    cli: Cli, corpus: dict[str, Path], fake_engine: FakeEngine
) -> None:
    # The default model is UNCLASSIFIED: at SECRET clearance nothing may be given to it.
    result = cli("ask", QUESTION, "--clearance", "SECRET")
    assert result.code == 0
    assert result.stdout == ""
    assert result.stderr == "milai: no sources at your clearance (UNCLASSIFIED)\n"
    assert fake_engine.calls == []  # the model was not asked


def test_no_sources_json_and_audit(
    cli: Cli, corpus: dict[str, Path], fake_engine: FakeEngine
) -> None:
    data = ask_json(cli, "What is the weather on Mars?", "--clearance", "SECRET", *SECRET_MODEL)
    assert (
        data["sources"] == []
        and data["text"] == ""
        and data["note"] == "no sources at your clearance"
    )
    assert fake_engine.calls == []
    [event] = ask_events(cli)
    assert event["decision"] == "no-sources"
    assert len(event["retrieved"]["question_digest"]) == 64
    assert event["retrieved"]["passages"] == []


def test_the_hidden_documents_change_no_score(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path, fake_engine: FakeEngine
) -> None:
    """BM25's statistics are counted over the readable passages only: adding SECRET
    documents that share the question's words changes no RESTRICTED score."""
    files = write_corpus(tmp_path / "docs")
    assert cli("docs", "add", str(files["note.txt"]), "--level", "RESTRICTED").code == 0
    before = ask_json(cli, QUESTION, "--clearance", "RESTRICTED", *SECRET_MODEL)["sources"]
    folder = tmp_path / "secret"
    folder.mkdir()
    for number in range(5):
        (folder / f"s{number}.txt").write_text(f"SECRET\n\nFuel fuel battalion kept {number}.\n")
    assert cli("docs", "add", str(folder), "--level", "SECRET").code == 0
    after = ask_json(cli, QUESTION, "--clearance", "RESTRICTED", *SECRET_MODEL)["sources"]
    assert after == before
    at_secret = ask_json(cli, QUESTION, "--clearance", "SECRET", *SECRET_MODEL, "--k", "10")
    at_secret = at_secret["sources"]
    note = next(s for s in at_secret if s["doc"] == "note.txt")
    assert note["score"] != before[0]["score"]  # the same statistics, counted higher, differ


def test_the_audit_entry_names_passages_and_levels_never_text(
    cli: Cli, corpus: dict[str, Path], fake_engine: FakeEngine
) -> None:
    data = ask_json(cli, QUESTION, "--clearance", "CONFIDENTIAL", *SECRET_MODEL)
    [event] = ask_events(cli)
    retrieved = event["retrieved"]
    assert [p["id"] for p in retrieved["passages"]] == [s["id"] for s in data["sources"]]
    assert [p["level"] for p in retrieved["passages"]] == [s["level"] for s in data["sources"]]
    assert len(retrieved["question_digest"]) == 64
    assert event["levels"]["prompt"] == "CONFIDENTIAL"
    assert event["run_id"] == data["run_id"]
    text = json.dumps(event)
    for secret in (*FACTS, "fuel", "battalion", "note.txt"):
        assert secret not in text


def test_the_prompt_takes_the_sources_level_and_the_output_level_is_enforced(
    cli: Cli, corpus: dict[str, Path], fake_engine: FakeEngine
) -> None:
    """The note holds no marking, yet an answer from it is RESTRICTED: an output level
    below that retrieves nothing at RESTRICTED, so no RESTRICTED passage reaches it."""
    result = cli(
        "ask", QUESTION, "--clearance", "RESTRICTED", "--out-level", "UNCLASSIFIED", *SECRET_MODEL
    )
    assert result.code == 0
    assert "no sources at your clearance (UNCLASSIFIED)" in result.stderr
    data = ask_json(cli, QUESTION, "--clearance", "RESTRICTED", *SECRET_MODEL)
    assert data["level"] == "RESTRICTED"
    [event, *_] = ask_events(cli)[-1:]
    assert event["levels"]["output"] == "RESTRICTED"


def test_a_question_above_the_limit_is_blocked_before_anything(
    cli: Cli, corpus: dict[str, Path], fake_engine: FakeEngine
) -> None:
    for question in ("TOP SECRET\nWhere is the fuel?", "TOP SECRET\nweather on Mars"):
        result = cli("ask", question, "--clearance", "RESTRICTED", *SECRET_MODEL)
        assert result.code == 3, result.stderr
        assert result.stdout == ""
        assert result.error_line("blocked")
    assert fake_engine.calls == []


def test_sources_that_overflow_the_context_are_left_out_and_said(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path, fake_engine: FakeEngine
) -> None:
    folder = tmp_path / "long"
    folder.mkdir()
    for number in range(6):
        filler = " ".join(f"word{number}x{n}" for n in range(140))
        (folder / f"d{number}.txt").write_text(f"The fuel depot number {number}. {filler}\n")
    assert cli("docs", "add", str(folder), "--level", "UNCLASSIFIED").code == 0
    result = cli("ask", "--json", "fuel depot", "--ctx", "1024", "--max-tokens", "128", "--k", "6")
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert 0 < len(data["sources"]) < 6
    assert data["left_out"] == 6 - len(data["sources"])
    assert f"milai: {data['left_out']} of 6 sources left out" in result.stderr
    assert len(prompt_of(fake_engine)) < (1024 - 128) * 3
    tight = cli("ask", "fuel depot", "--ctx", "512", "--max-tokens", "500")
    assert tight.code == 2
    assert "no room for the sources" in tight.error_line()


def test_bad_input(cli: Cli, corpus: dict[str, Path], fake_engine: FakeEngine) -> None:
    for args, message in (
        (("ask", " "), "empty question"),
        (("ask", "x", "--k", "0"), "--k must be between 1 and 50"),
        (("ask", "x", "--collection", "a/b"), "invalid collection name"),
        (("ask", "x", "--clearance", "PUBLIC"), "unknown level"),
        (("ask", "x", "--max-tokens", "0"), "--max-tokens must be at least 1"),
    ):
        result = cli(*args)
        assert result.code == 2, (args, result.stderr)
        assert message in result.error_line()
    unknown = cli("ask", "x", "--model", "nope")
    assert unknown.code == 5


def test_an_empty_corpus_and_an_unknown_collection_say_no_sources(
    cli: Cli, synthetic_vault: SyntheticVault, fake_engine: FakeEngine
) -> None:
    for args in ((), ("--collection", "nothing-here")):
        result = cli("ask", QUESTION, *args)
        assert result.code == 0
        assert result.stderr == "milai: no sources at your clearance (UNCLASSIFIED)\n"


def last_ask_seq(cli: Cli) -> str:
    shown = cli("audit", "show", "--json")
    entries = [json.loads(line) for line in shown.stdout.splitlines()]
    asks = [e for e in entries if e["event"].get("command") == "ask" and "decision" in e["event"]]
    return str(asks[-1]["seq"])


def test_replay_of_an_ask_rebuilds_its_prompt_from_the_recorded_passages(
    cli: Cli, corpus: dict[str, Path], fake_engine: FakeEngine
) -> None:
    asked = cli("ask", QUESTION, "--seed", "3", "--clearance", "CONFIDENTIAL", *SECRET_MODEL)
    assert asked.code == 0, asked.stderr
    seq = last_ask_seq(cli)
    prompt = prompt_of(fake_engine)
    above = cli("replay", seq, QUESTION)  # asked at CONFIDENTIAL: not replayed for less
    assert (above.code, above.stdout) == (3, "") and "above your clearance" in above.stderr
    replayed = cli("replay", seq, QUESTION, "--json", "--clearance", "CONFIDENTIAL")
    assert replayed.code == 0, replayed.stderr
    assert json.loads(replayed.stdout)["match"] is True
    assert prompt_of(fake_engine) == prompt  # the same passages, in the same order
    other = cli("replay", seq, "Where is the fuel?", "--clearance", "CONFIDENTIAL")
    assert other.code == 2
    assert "the question differs" in other.error_line()
    fake_engine.chunks = ["Something else."]
    differs = cli("replay", seq, QUESTION, "--clearance", "CONFIDENTIAL")
    assert differs.code == 4
    pdf = next(
        r
        for r in json.loads(cli("docs", "list", "--json", "--clearance", "SECRET").stdout)
        if r["name"] == "report.pdf"
    )
    assert cli("docs", "remove", pdf["id"], "--clearance", "SECRET").code == 0
    gone = cli("replay", seq, QUESTION, "--clearance", "CONFIDENTIAL")
    assert gone.code == 2
    assert "is no longer in the corpus" in gone.error_line()


def test_a_passage_the_policy_blocks_is_left_out_not_fatal(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path, fake_engine: FakeEngine
) -> None:
    folder = tmp_path / "keys"
    folder.mkdir()
    (folder / "keymat.txt").write_text("The fuel depot crypto: KEYMAT rotation is on Monday.\n")
    (folder / "plain.txt").write_text("The fuel depot is at Kirchberg.\n")
    assert cli("docs", "add", str(folder), "--level", "UNCLASSIFIED").code == 0
    result = cli("ask", "--json", "fuel depot")
    assert result.code == 0, result.stderr
    assert [s["doc"] for s in json.loads(result.stdout)["sources"]] == ["keys/plain.txt"]
    assert "1 source(s) left out: the policy blocks them" in result.stderr
    assert "KEYMAT" not in prompt_of(fake_engine)
    only_blocked = cli("ask", "crypto rotation Monday")
    assert only_blocked.code == 0
    assert "no sources at your clearance" in only_blocked.stderr


def test_a_name_the_gate_refuses_is_given_and_shown_as_its_id(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path, fake_engine: FakeEngine
) -> None:
    """Names reach the prompt's excerpt headers, the Sources and the JSON: a codeword or
    personal data in a name is replaced by the document's id, everywhere."""
    folder = tmp_path / "named"
    folder.mkdir()
    (folder / "KEYMAT fuel.txt").write_text("The fuel depot is at Kirchberg.\n")
    (folder / "jean.muller@army.lu fuel.txt").write_text("The fuel depot opens at six.\n")
    assert cli("docs", "add", str(folder), "--level", "UNCLASSIFIED").code == 0
    ids = {r["name"]: r["id"] for r in json.loads(cli("docs", "list", "--json").stdout)}
    result = cli("ask", "fuel depot")
    assert result.code == 0, result.stderr
    data = ask_json(cli, "fuel depot")
    shown = {source["doc"] for source in data["sources"]}
    assert shown == {f"document {ids[name]}" for name in ids}
    assert {source["title"] for source in data["sources"]} == {
        "The fuel depot is at Kirchberg.",
        "The fuel depot opens at six.",
    }
    for text in (result.stdout, result.stderr, prompt_of(fake_engine), json.dumps(data)):
        assert "KEYMAT" not in text and "muller" not in text
    assert f"  [1] document {ids['named/KEYMAT fuel.txt']}" in result.stdout or (
        f"  [2] document {ids['named/KEYMAT fuel.txt']}" in result.stdout
    )


def test_left_out_counts_only_the_sources_that_could_be_given(
    cli: Cli, synthetic_vault: SyntheticVault, tmp_path: Path, fake_engine: FakeEngine
) -> None:
    """Passages the policy refuses are said on their own line; the context count is of
    the rest (both sets are passages the asker may read; nothing above is counted)."""
    folder = tmp_path / "long"
    folder.mkdir()
    (folder / "keys.txt").write_text("The fuel depot crypto: KEYMAT rotation is on Monday.\n")
    for number in range(6):
        filler = " ".join(f"word{number}x{n}" for n in range(140))
        (folder / f"d{number}.txt").write_text(f"The fuel depot number {number}. {filler}\n")
    assert cli("docs", "add", str(folder), "--level", "UNCLASSIFIED").code == 0
    secret = tmp_path / "secret"
    secret.mkdir()
    for number in range(3):
        (secret / f"s{number}.txt").write_text(f"SECRET\n\nThe fuel depot {number}.\n")
    assert cli("docs", "add", str(secret), "--level", "SECRET").code == 0
    args = ("fuel depot", "--ctx", "1024", "--max-tokens", "128", "--k", "10")
    result = cli("ask", "--json", *args, "--clearance", "SECRET")
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    given = len(data["sources"])
    assert 0 < given < 6
    assert data["left_out"] == 6 - given
    assert "milai: 1 source(s) left out: the policy blocks them in a prompt" in result.stderr
    assert f"milai: {6 - given} of 6 sources left out" in result.stderr


def test_replay_reads_passages_at_the_levels_the_ask_read(
    cli: Cli, corpus: dict[str, Path], fake_engine: FakeEngine
) -> None:
    """A passage raised above the ask's levels since is as gone as a removed one: the
    replay does not read it (nor name its new level)."""
    asked = cli("ask", QUESTION, "--clearance", "CONFIDENTIAL", *SECRET_MODEL, "--k", "10")
    assert asked.code == 0, asked.stderr
    assert PDF_FACT in prompt_of(fake_engine)
    seq = last_ask_seq(cli)
    calls = len(fake_engine.calls)
    raised = cli("docs", "add", str(corpus["report.pdf"]), "--level", "SECRET")
    assert "now SECRET" in raised.stderr
    replayed = cli("replay", seq, QUESTION, "--clearance", "SECRET")
    assert replayed.code == 2, replayed.stderr
    assert "is no longer in the corpus" in replayed.error_line()
    assert "SECRET" not in replayed.stderr
    assert len(fake_engine.calls) == calls  # the model was not asked


def test_ask_json_has_runs_keys_when_blocked_or_without_sources(
    cli: Cli, corpus: dict[str, Path], fake_engine: FakeEngine
) -> None:
    """One JSON shape for every outcome: `run --json`'s keys, plus sources and left_out."""
    question = "TOP SECRET\nWhere is the fuel?"
    run = cli("run", "--json", question, "--clearance", "RESTRICTED", *SECRET_MODEL)
    assert run.code == 3
    run_keys = set(json.loads(run.stdout)) - {"input_format"}
    blocked = cli("ask", "--json", question, "--clearance", "RESTRICTED", *SECRET_MODEL)
    assert blocked.code == 3
    data = json.loads(blocked.stdout)
    assert set(data) == run_keys | {"sources", "left_out"}
    assert data["decision"] == "block" and data["model"]["name"] == SYNTHETIC_SECRET_MODEL
    none = ask_json(cli, "weather on Mars", "--clearance", "SECRET", *SECRET_MODEL, "--seed", "7")
    assert set(none) == (run_keys - {"message"}) | {"sources", "left_out", "note"}
    assert none["seed"] == 7 and none["usage"] == {"prompt_tokens": 0, "completion_tokens": 0}
    answered = ask_json(cli, QUESTION, "--clearance", "SECRET", *SECRET_MODEL)
    ran = cli("run", "--json", "hello", "--clearance", "SECRET", *SECRET_MODEL)
    ran_keys = set(json.loads(ran.stdout)) - {"input_format"}
    assert set(answered) == ran_keys | {"sources", "left_out"}
