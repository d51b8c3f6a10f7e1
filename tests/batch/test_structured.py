"""Structured output: schemas loaded strictly, JSON answers gated as JSON (decoded strings,
not escapes) and validated before release."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from milai.batch import BatchOutput, BatchRunner
from milai.config import default_policy_path
from milai.engine import Message, SamplingParams
from milai.errors import Blocked, ExitCode
from milai.policy import PolicyGate, load_policy
from milai.structured import (
    SchemaError,
    SchemaMismatch,
    StructuredGate,
    json_strings,
    load_schema,
    parse_schema,
    schema_from_response_format,
)
from tests.batch.support import Answer, make_pipeline, read_entries, request, write_lines

POLICY = load_policy(default_policy_path())
PERSON: dict[str, Any] = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}},
    "required": ["name", "age"],
}
PERSON_FORMAT = {"type": "json_schema", "json_schema": {"name": "person", "schema": PERSON}}


def gated(answer: str, *, clearance: str = "SECRET", chunk: int = 3) -> tuple[str, Any]:
    """Stream ``answer`` through a structured gate in small chunks; (released, decision)."""
    gate = StructuredGate(
        POLICY, clearance=clearance, model_level="SECRET", schema=parse_schema(PERSON)
    )
    output = gate.open_output(gate.check_prompt("Describe a person."))
    released = "".join(output.feed(answer[i : i + chunk]) for i in range(0, len(answer), chunk))
    try:
        return released + output.close(), output.decision
    finally:
        assert released == ""  # nothing leaves before the whole answer was checked


def test_a_marking_written_with_json_escapes_is_still_a_marking() -> None:
    answer = '{"name": "\\u0053ECRET//NOFORN", "age": 3}'
    assert json.loads(answer)["name"] == "SECRET//NOFORN"
    with pytest.raises(Blocked, match="SECRET") as caught:
        gated(answer, clearance="UNCLASSIFIED")
    decision = caught.value.decision
    assert decision.action == "block" and decision.level == "SECRET"
    # The finding points at the string in the raw answer, escapes and all.
    marking = next(f for f in decision.findings if f.rule == "marking-secret")
    assert answer[marking.start : marking.end].startswith('"\\u0053ECRET//NOFORN"')


def test_a_marking_in_a_string_raises_the_level_when_the_sink_may_hold_it() -> None:
    text, decision = gated('{"name": "SECRET//NOFORN", "age": 3}', clearance="SECRET")
    assert json.loads(text)["age"] == 3
    assert decision.level == "SECRET"
    marking = next(f for f in decision.findings if f.rule == "marking-secret")
    assert text[marking.start : marking.end] == "SECRET"  # exact: no escapes in it


def test_a_redaction_inside_a_string_keeps_the_answer_json() -> None:
    answer = '{"name": "write to j\\u006fhn.doe@example.com", "age": 40}'
    text, decision = gated(answer)
    assert json.loads(text) == {"name": "write to [REDACTED:pii-email-output]", "age": 40}
    assert decision.action == "redact"


def test_an_answer_that_does_not_match_is_never_released() -> None:
    with pytest.raises(SchemaMismatch, match="at age") as caught:
        gated('{"name": "Ada", "age": -1}')
    assert caught.value.exit_code == ExitCode.MODEL
    with pytest.raises(SchemaMismatch, match="'age' is a required property"):
        gated('{"name": "Ada"}')
    with pytest.raises(SchemaMismatch, match="not JSON"):
        gated('{"name": "Ada", "age":')


def test_prompts_are_gated_exactly_as_by_the_plain_gate() -> None:
    structured = StructuredGate(
        POLICY, clearance="UNCLASSIFIED", model_level="SECRET", schema=parse_schema(PERSON)
    )
    plain = PolicyGate(POLICY, clearance="UNCLASSIFIED", model_level="SECRET")
    for prompt in ("hello", "RESTRICTED\nnotes", "SECRET//NOFORN\nplans"):
        try:
            expected: Any = plain.check_prompt(prompt)
        except Blocked as blocked:
            expected = blocked.decision
        try:
            got: Any = structured.check_prompt(prompt)
        except Blocked as blocked:
            got = blocked.decision
        assert got == expected


def test_json_strings_decode_keys_and_values_with_their_raw_spans() -> None:
    text = '{"k\\u00e9y": ["a\\"b", 1, "plain"]}'
    strings = json_strings(text)
    assert [s.value for s in strings] == ["k\u00e9y", 'a"b', "plain"]
    assert [text[s.start : s.end] for s in strings] == ['"k\\u00e9y"', '"a\\"b"', '"plain"']
    assert [s.escaped for s in strings] == [True, True, False]
    assert json_strings('{"open": "never closed')[-1].value == "never closed"


def test_schema_files_are_checked(tmp_path: Path) -> None:
    good = tmp_path / "person.json"
    good.write_text(json.dumps(PERSON))
    assert load_schema(good).schema == PERSON
    cases = {
        "missing.json": (None, "cannot read schema file"),
        "notjson.json": ("{not json", "is not JSON"),
        "list.json": ("[1, 2]", "is not a JSON object"),
        "invalid.json": ('{"type": 5}', "is not a valid JSON Schema"),
        "latin1.json": (b"\xff\xfe", "is not UTF-8"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif content is not None:
            path.write_text(content)
        with pytest.raises(SchemaError, match=message) as caught:
            load_schema(path)
        assert caught.value.exit_code == ExitCode.USAGE


def test_response_formats() -> None:
    assert schema_from_response_format(None) is None
    assert schema_from_response_format({"type": "text"}) is None
    json_object = schema_from_response_format({"type": "json_object"})
    assert json_object is not None and json_object.schema == {"type": "object"}
    person = schema_from_response_format(PERSON_FORMAT)
    assert person is not None and json.loads(person.text) == PERSON
    for bad in ("json", {"type": "json_schema"}, {"type": "json_schema", "json_schema": {}}):
        with pytest.raises(SchemaError):
            schema_from_response_format(bad)


def run_structured(
    tmp_path: Path, answer: Answer, clearance: str = "SECRET"
) -> tuple[list[dict[str, Any]], list[SamplingParams], list[Any]]:
    source = write_lines(
        tmp_path / "in.jsonl",
        request("p", ("user", "Describe a person."), response_format=PERSON_FORMAT),
        request("o", ("user", "Any object."), response_format={"type": "json_object"}),
        request("t", ("user", "Plain text.")),
    )
    pipeline, loader, audit = make_pipeline(answer)
    runner = BatchRunner(pipeline=pipeline, model_name="fake", clearance=clearance)
    with source.open("rb") as handle, BatchOutput(tmp_path / "out.jsonl") as output:
        runner.run(handle, output)
    return read_entries(tmp_path / "out.jsonl"), loader.engine.params, audit.events


def test_batch_lines_with_a_response_format_are_constrained_and_validated(
    tmp_path: Path,
) -> None:
    def person(messages: list[Message]) -> list[str]:
        return ['{"name": "Ada', '", "age": 36}']

    entries, params, _ = run_structured(tmp_path, person)
    assert [entry["error"] for entry in entries] == [None, None, None]
    content = entries[0]["response"]["body"]["choices"][0]["message"]["content"]
    assert json.loads(content) == {"name": "Ada", "age": 36}
    assert params[0].json_schema is not None and json.loads(params[0].json_schema) == PERSON
    assert params[1].json_schema is not None
    assert json.loads(params[1].json_schema) == {"type": "object"}
    assert params[2].json_schema is None


def test_a_batch_answer_that_does_not_match_is_a_schema_error(tmp_path: Path) -> None:
    def wrong(messages: list[Message]) -> list[str]:
        return ['{"name": 7}']

    entries, _, events = run_structured(tmp_path, wrong)
    assert entries[0]["error"]["code"] == "schema" and entries[0]["response"] is None
    assert "7" not in entries[0]["error"]["message"]  # says where, not what the model said
    assert entries[1]["error"] is None  # any object is an object
    assert [event["decision"] for event in events] == ["error", "allow", "allow"]


def test_a_batch_answer_with_an_escaped_marking_is_withheld(tmp_path: Path) -> None:
    def escaped(messages: list[Message]) -> list[str]:
        return ['{"name": "\\u0054OP SECRET", "age": 1}']

    entries, _, events = run_structured(tmp_path, escaped, clearance="SECRET")
    assert (entries[0]["error"]["code"], entries[0]["level"]) == ("blocked", "TOP SECRET")
    assert entries[0]["error"]["stage"] == "output"
    # A plain-text answer is read for JSON string escapes too (the gate decodes them in any
    # text): withheld alike.
    assert (entries[2]["error"]["code"], entries[2]["level"]) == ("blocked", "TOP SECRET")
    assert events[0]["decision"] == "block"
