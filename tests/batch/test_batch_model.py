"""``milai batch`` end to end on the real model in a vault: a small batch, a batch killed
with SIGKILL and resumed, and JSON Schema answers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.batch.support import read_entries, request, write_lines
from tests.cli.fixtures import MilaiRunner, milai_command

pytestmark = pytest.mark.model

PERSON: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 40},
        "age": {"type": "integer", "minimum": 0, "maximum": 150},
        "city": {"type": "string", "maxLength": 40},
    },
    "required": ["name", "age", "city"],
    "additionalProperties": False,
}


def test_a_small_batch_end_to_end(vault_home: Path, tmp_path: Path, milai: MilaiRunner) -> None:
    source = write_lines(
        tmp_path / "in.jsonl",
        request("capital", ("user", "What is the capital of France?"), max_tokens=24, seed=1),
        request(
            "brief",
            ("system", "Answer in one short sentence."),
            ("user", "Why is the sky blue?"),
            max_tokens=32,
            temperature=0,
        ),
        request("marked", ("user", "SECRET//NOFORN\nSummarise the convoy plan."), max_tokens=8),
    )
    out = tmp_path / "out.jsonl"
    result = milai("batch", str(source), "-o", str(out))
    assert result.returncode == 3, result.stderr  # complete, one line blocked
    entries = {entry["custom_id"]: entry for entry in read_entries(out)}
    assert set(entries) == {"capital", "brief", "marked"}
    for name in ("capital", "brief"):
        body = entries[name]["response"]["body"]
        assert body["choices"][0]["message"]["content"].strip()
        assert body["usage"]["completion_tokens"] > 0
        assert entries[name]["decision"] == "allow"
    assert entries["marked"]["error"]["code"] == "blocked"
    assert "convoy" not in out.read_text(encoding="utf-8")
    assert result.stderr.startswith("milai: line 3 (marked): blocked: blocked by rule")
    audit = milai("audit", "show", "--json")
    batch_events = [
        json.loads(line)["event"]
        for line in audit.stdout.splitlines()
        if json.loads(line)["event"].get("command") == "batch"
    ]
    outcomes = [event["decision"] for event in batch_events if event.get("decision")]
    assert sorted(outcomes) == ["allow", "allow", "block"]


def test_a_killed_batch_resumes_and_answers_every_line_once(
    vault_home: Path, tmp_path: Path, milai: MilaiRunner
) -> None:
    names = [f"story-{n}" for n in range(5)]
    source = write_lines(
        tmp_path / "in.jsonl",
        *(
            request(
                name,
                ("user", f"Tell a long story about a lighthouse, part {n}."),
                max_tokens=48,
                temperature=0.8,
                seed=n,
            )
            for n, name in enumerate(names)
        ),
    )
    out = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        milai_command("batch", str(source), "-o", str(out)),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if out.exists() and out.read_bytes().count(b"\n") >= 1:
                break
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    data = out.read_bytes()
    complete = data.count(b"\n")
    assert 1 <= complete < len(names), "the kill must land mid-batch"
    for line in data.split(b"\n")[:complete]:
        assert json.loads(line)["error"] is None  # every complete line is a whole entry

    resumed = milai("batch", str(source), "-o", str(out), timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    entries = read_entries(out)
    assert sorted(entry["custom_id"] for entry in entries) == sorted(names)
    assert all(entry["error"] is None for entry in entries)
    assert milai("audit", "verify").returncode == 0


def test_json_schema_answers_are_valid(
    vault_home: Path, tmp_path: Path, milai: MilaiRunner
) -> None:
    response_format = {"type": "json_schema", "json_schema": {"name": "person", "schema": PERSON}}
    source = write_lines(
        tmp_path / "in.jsonl",
        *(
            request(
                f"person-{n}",
                ("user", f"Invent a person who lives in {city}. Answer in JSON."),
                response_format=response_format,
                max_tokens=80,
                temperature=0,
            )
            for n, city in enumerate(("Luxembourg", "Brussels"))
        ),
        request(
            "object",
            ("user", "Describe a cat in JSON."),
            max_tokens=60,
            response_format={"type": "json_object"},
        ),
    )
    out = tmp_path / "out.jsonl"
    result = milai("batch", str(source), "-o", str(out), timeout=300)
    assert result.returncode == 0, result.stderr
    entries = read_entries(out)
    for entry in entries:
        if entry["error"] is not None:
            # A 135M model may run out of tokens mid-object: then it is a schema error,
            # never an invalid answer released.
            assert entry["error"]["code"] == "schema", entry["error"]
            continue
        content = entry["response"]["body"]["choices"][0]["message"]["content"]
        value = json.loads(content)
        if entry["custom_id"].startswith("person"):
            jsonschema.validate(value, PERSON)
        else:
            assert isinstance(value, dict)
    assert sum(entry["error"] is None for entry in entries) >= 2


def test_run_schema_answers_json_or_exits_5(
    vault_home: Path, tmp_path: Path, milai: MilaiRunner
) -> None:
    schema = tmp_path / "person.json"
    schema.write_text(json.dumps(PERSON))
    args = ("run", "--schema", str(schema), "--temperature", "0", "--seed", "1")
    answered = milai(*args, "--max-tokens", "80", "Invent a person. Answer in JSON.")
    assert answered.returncode == 0, answered.stderr
    jsonschema.validate(json.loads(answered.stdout), PERSON)
    cut = milai(*args, "--max-tokens", "3", "Invent a person.")
    assert (cut.returncode, cut.stdout) == (5, "")
    assert cut.stderr.startswith("milai: error: the model's answer is not JSON")
