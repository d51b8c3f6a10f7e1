"""The batch runner with a scripted engine: gating, independence of lines, bad lines,
resuming from OUT, and the OUT file's durability rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from milai.batch import (
    BatchFileError,
    BatchOutput,
    BatchRequest,
    BatchRunner,
    BatchSummary,
    LineOutcome,
    parse_request,
    split_conversation,
)
from milai.engine import Message, SamplingParams
from tests.batch.support import (
    Answer,
    Audit,
    Loader,
    echo,
    make_pipeline,
    read_entries,
    request,
    write_lines,
)

DEFAULTS = SamplingParams(max_tokens=16, temperature=0.0)


def run_batch(
    tmp_path: Path,
    *lines: dict[str, Any] | str,
    answer: Answer = echo,
    clearance: str = "SECRET",
    model_level: str = "SECRET",
    out_level: str | None = None,
) -> tuple[list[dict[str, Any]], BatchSummary, Loader, Audit]:
    source = write_lines(tmp_path / "in.jsonl", *lines)
    out = tmp_path / "out.jsonl"
    pipeline, loader, audit = make_pipeline(answer, model_level=model_level)
    runner = BatchRunner(
        pipeline=pipeline,
        model_name="fake",
        clearance=clearance,
        out_level=out_level,
        defaults=DEFAULTS,
    )
    outcomes: list[LineOutcome] = []
    with source.open("rb") as handle, BatchOutput(out) as output:
        summary = runner.run(handle, output, outcomes.append)
    assert len(outcomes) == summary.lines
    return read_entries(out), summary, loader, audit


def by_id(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {entry["custom_id"]: entry for entry in entries if entry["custom_id"] is not None}


def test_every_line_is_answered_in_the_openai_output_format(tmp_path: Path) -> None:
    entries, summary, loader, audit = run_batch(
        tmp_path,
        request("a", ("user", "What is the capital of France?"), seed=3),
        request("b", ("system", "Be brief."), ("user", "And of Italy?"), max_tokens=8),
        request("c", ("user", "And of Spain?"), temperature=0.7, top_p=0.5),
    )
    assert [entry["custom_id"] for entry in entries] == ["a", "b", "c"]
    assert summary == BatchSummary(lines=3, ok=3)
    first = entries[0]
    assert set(first) >= {"id", "custom_id", "response", "error", "decision", "level"}
    assert first["id"].startswith("batch_req_") and first["error"] is None
    response = first["response"]
    assert response["status_code"] == 200 and response["request_id"].startswith("req_")
    body = response["body"]
    assert body["object"] == "chat.completion" and body["model"] == "fake"
    assert body["choices"][0]["message"] == {
        "role": "assistant",
        "content": "Paris is the capital of France.",
    }
    assert body["choices"][0]["finish_reason"] == "stop"
    assert body["usage"] == {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}
    assert (first["decision"], first["level"], first["seed"]) == ("allow", "UNCLASSIFIED", 3)
    # One model load for the whole file; every line recorded as a batch turn.
    assert len(loader.loads) == 1
    assert [event["command"] for event in audit.events] == ["batch"] * 3
    params = loader.engine.params
    assert (params[1].max_tokens, params[2].temperature, params[2].top_p) == (8, 0.7, 0.5)
    assert params[0].max_tokens == DEFAULTS.max_tokens


def test_lines_are_independent_no_history_is_carried(tmp_path: Path) -> None:
    _, _, loader, _ = run_batch(
        tmp_path,
        request("a", ("system", "Be brief."), ("user", "first question")),
        request("b", ("user", "second question")),
    )
    first, second = loader.engine.calls
    assert first == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "first question"},
    ]
    assert second == [{"role": "user", "content": "second question"}]


def test_a_blocked_prompt_gets_an_error_with_the_rules_and_never_the_text(
    tmp_path: Path,
) -> None:
    secret = "SECRET//NOFORN\nThe convoy leaves at dawn from the northern depot."
    entries, summary, loader, audit = run_batch(
        tmp_path,
        request("open", ("user", "hello")),
        request("closed", ("user", secret)),
        clearance="UNCLASSIFIED",
    )
    entry = by_id(entries)["closed"]
    assert entry["response"] is None
    assert entry["error"]["code"] == "blocked"
    assert "marking-secret" in entry["error"]["rules"]
    assert (entry["decision"], entry["level"], entry["error"]["stage"]) == (
        "block",
        "SECRET",
        "prompt",
    )
    raw = (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    assert "convoy" not in raw and "northern depot" not in raw
    assert summary.blocked == 1 and summary.ok == 1
    assert len(loader.engine.calls) == 1  # the blocked prompt never reached the model
    assert [event["decision"] for event in audit.events] == ["allow", "block"]


def test_a_marked_system_message_is_gated_like_the_prompt(tmp_path: Path) -> None:
    entries, _, loader, _ = run_batch(
        tmp_path,
        request("sys", ("system", "TOP SECRET\nYou know the codes."), ("user", "hello")),
        clearance="SECRET",
    )
    assert entries[0]["error"]["code"] == "blocked"
    assert entries[0]["level"] == "TOP SECRET"
    assert loader.engine.calls == []


def test_every_message_of_a_conversation_is_gated(tmp_path: Path) -> None:
    conversation = (
        ("user", "hello"),
        ("assistant", "SECRET//NOFORN\nold answer"),
        ("user", "go on"),
    )
    entries, _, loader, _ = run_batch(
        tmp_path, request("turns", *conversation), clearance="UNCLASSIFIED"
    )
    assert entries[0]["error"]["code"] == "blocked"
    assert loader.engine.calls == []


def test_an_output_above_the_out_level_is_withheld(tmp_path: Path) -> None:
    def leaky(messages: list[Message]) -> list[str]:
        return ["Sure.\nSEC", "RET//NOFORN\nThe convoy leaves at dawn."]

    entries, summary, _, audit = run_batch(
        tmp_path,
        request("leak", ("user", "tell me")),
        answer=leaky,
        clearance="SECRET",
        out_level="UNCLASSIFIED",
    )
    entry = entries[0]
    assert (entry["error"]["code"], entry["error"]["stage"]) == ("blocked", "output")
    assert entry["response"] is None and entry["level"] == "SECRET"
    assert "convoy" not in (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    assert summary.blocked == 1
    assert audit.events[-1]["decision"] == "block"


BAD_LINES: list[tuple[dict[str, Any] | str, str]] = [
    ("not json at all", "invalid_json"),
    ('["a", "list"]', "invalid_request"),
    ({"method": "POST", "url": "/v1/chat/completions", "body": {}}, "invalid_request"),
    ({**request("url", ("user", "x")), "url": "/v1/embeddings"}, "invalid_url"),
    ({**request("get", ("user", "x")), "method": "GET"}, "invalid_request"),
    (request("role", ("tool", "x")), "invalid_request"),
    (request("last", ("user", "x"), ("assistant", "y")), "invalid_request"),
    (request("param", ("user", "x"), tools=[]), "invalid_request"),
    (request("n", ("user", "x"), n=2), "invalid_request"),
    (request("temp", ("user", "x"), temperature="hot"), "invalid_request"),
    (request("fmt", ("user", "x"), response_format={"type": "xml"}), "invalid_schema"),
]


def test_bad_lines_are_reported_one_by_one_and_never_stop_the_batch(tmp_path: Path) -> None:
    lines = [line for line, _ in BAD_LINES]
    entries, summary, loader, _ = run_batch(
        tmp_path, *lines, request("good", ("user", "still answered"))
    )
    assert [entry["error"]["code"] for entry in entries[:-1]] == [code for _, code in BAD_LINES]
    assert [entry["error"]["line"] for entry in entries[:-1]] == list(range(1, len(lines) + 1))
    assert all(entry["response"] is None for entry in entries[:-1])
    assert entries[-1]["custom_id"] == "good" and entries[-1]["error"] is None
    assert summary.invalid == len(BAD_LINES) and summary.ok == 1
    assert len(loader.engine.calls) == 1


def test_a_duplicate_custom_id_is_reported_and_not_run_twice(tmp_path: Path) -> None:
    entries, summary, loader, _ = run_batch(
        tmp_path,
        request("same", ("user", "first")),
        request("same", ("user", "second")),
    )
    assert [entry["custom_id"] for entry in entries] == ["same", None]
    assert entries[1]["error"] == {
        "code": "duplicate_custom_id",
        "message": "custom_id already used on line 1",
        "line": 2,
    }
    assert len(loader.engine.calls) == 1 and summary.invalid == 1


def test_rerunning_skips_what_out_holds_and_repairs_a_torn_last_line(tmp_path: Path) -> None:
    lines = [request(name, ("user", f"question {name}")) for name in ("a", "b", "c")]
    out = tmp_path / "out.jsonl"
    complete = {"id": "batch_req_1", "custom_id": "a", "response": None, "error": None}
    out.write_text(json.dumps(complete) + "\n" + '{"id": "batch_req_2", "custom_id": "b", "re')
    entries, summary, loader, _ = run_batch(tmp_path, *lines, "not json")
    assert [entry["custom_id"] for entry in entries] == ["a", "b", "c", None]
    assert summary == BatchSummary(lines=4, ok=2, invalid=1, skipped=1)
    assert len(loader.engine.calls) == 2
    # A second re-run has nothing left to do, not even the bad line to report again.
    again, summary, loader, _ = run_batch(tmp_path, *lines, "not json")
    assert again == entries
    assert summary == BatchSummary(lines=4, skipped=4)
    assert loader.loads == []  # nothing to run: the model is never loaded


def test_out_that_is_not_a_batch_output_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text('{"custom_id": "a"}\nsomething else\n{"custom_id": "b"}\n')
    with pytest.raises(BatchFileError, match="line 2 is not a batch output entry"):
        BatchOutput(out).__enter__()
    assert out.read_text().count("\n") == 3  # left as it was


def test_two_batches_cannot_write_the_same_out(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with BatchOutput(out), pytest.raises(BatchFileError, match="in use"):
        BatchOutput(out).__enter__()


def test_out_is_created_private(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with BatchOutput(out):
        pass
    assert out.stat().st_mode & 0o777 == 0o600


def test_split_conversation() -> None:
    assert split_conversation([{"role": "user", "content": "hi"}]) == (None, "hi")
    assert split_conversation(
        [
            {"role": "system", "content": "one"},
            {"role": "system", "content": [{"type": "text", "text": "two"}]},
            {
                "role": "user",
                "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}],
            },
        ]
    ) == ("one\n\ntwo", "a\n\nb")
    system, transcript = split_conversation(
        [
            {"role": "user", "content": "(S) first"},
            {"role": "assistant", "content": "reply"},
            {"role": "user", "content": "again"},
        ]
    )
    # Each message's content starts a line of its own: a portion mark stays a portion mark.
    assert system is None
    assert transcript == "User:\n(S) first\n\nAssistant:\nreply\n\nUser:\nagain"
    for bad in ([], "hi", [{"role": "user", "content": 3}], [{"role": "system", "content": "x"}]):
        with pytest.raises(ValueError):
            split_conversation(bad)


def test_a_line_without_a_seed_gets_a_recorded_random_one() -> None:
    line = json.dumps(request("a", ("user", "x"))).encode()
    first = parse_request(line, 1, DEFAULTS)
    second = parse_request(line, 1, DEFAULTS)
    assert isinstance(first, BatchRequest) and isinstance(second, BatchRequest)
    assert first.params.seed != second.params.seed
