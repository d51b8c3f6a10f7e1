"""Against a real server: llama-cpp-python's own OpenAI-compatible server with the demo
model. A remote run gives the same gated text as a local run of the same model and seed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.fixtures import MilaiRunner
from tests.remote.conftest import LlamaServer

pytestmark = pytest.mark.model

PROMPT = "Write a short poem about the sea."
SAMPLING = ("--temperature", "0", "--seed", "1", "--max-tokens", "60")


@pytest.fixture
def remote_vault(vault_home: Path, llama_server: LlamaServer, milai: MilaiRunner) -> Path:
    added = milai("engine", "add", "server", "--url", llama_server.url, "--level", "UNCLASSIFIED")
    assert added.returncode == 0, added.stderr
    return vault_home


def test_remote_and_local_runs_give_the_same_text(
    remote_vault: Path, llama_server: LlamaServer, milai: MilaiRunner
) -> None:
    local = milai("run", "--json", "--model", "smollm2-135m", *SAMPLING, PROMPT)
    remote = milai("run", "--json", "--model", "server", *SAMPLING, PROMPT)
    assert local.returncode == 0, local.stderr
    assert remote.returncode == 0, remote.stderr
    local_data, remote_data = json.loads(local.stdout), json.loads(remote.stdout)
    assert remote_data["text"] == local_data["text"]
    assert remote_data["text"].strip()
    assert remote_data["decision"] == local_data["decision"] == "allow"
    assert remote_data["model"] == {"name": "server", "sha256": ""}
    assert remote_data["usage"]["completion_tokens"] == local_data["usage"]["completion_tokens"]
    audit = [
        json.loads(line)["event"]
        for line in milai("audit", "show", "--json").stdout.splitlines()
        if line.strip()
    ]
    outcomes = [e for e in audit if e.get("command") == "run" and e.get("phase") == "outcome"]
    event = outcomes[-1]
    assert event["engine"]["served_model"] == llama_server.model_id
    assert event["engine"]["endpoint"] == llama_server.url
    assert event["output_digest"] == outcomes[-2]["output_digest"]  # the local run's


def test_chat_and_a_blocked_prompt_against_the_server(
    remote_vault: Path, milai: MilaiRunner
) -> None:
    blocked = milai("run", "--model", "server", "SECRET//NOFORN\nThe plan.")
    assert blocked.returncode == 3
    chat = milai("chat", "--model", "server", input="Say hello.\n/exit\n")
    assert chat.returncode == 0, chat.stderr
    assert chat.stdout.strip()


def test_the_server_is_listed_and_checked(
    remote_vault: Path, llama_server: LlamaServer, milai: MilaiRunner
) -> None:
    checked = milai("engine", "check", "server", "--json")
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["served_models"] == [llama_server.model_id]
    models = json.loads(milai("model", "list", "--json").stdout)
    assert {(m["name"], m["kind"]) for m in models} == {
        ("smollm2-135m", "chat"),
        ("server", "remote"),
    }


def test_a_concurrent_batch_gives_the_serial_answers(
    remote_vault: Path, milai: MilaiRunner, tmp_path: Path
) -> None:
    from tests.batch.support import read_entries, request, write_lines

    source = write_lines(
        tmp_path / "in.jsonl",
        *(
            request(f"q{n}", ("user", f"One sentence about harbour {n}."), max_tokens=20, seed=n)
            for n in range(4)
        ),
    )
    texts = {}
    for concurrency in ("1", "2"):
        out = tmp_path / f"out{concurrency}.jsonl"
        done = milai("batch", str(source), "-o", str(out), "--model", "server",
                     "--temperature", "0", "--concurrency", concurrency)  # fmt: skip
        assert done.returncode == 0, done.stderr
        texts[concurrency] = [
            (e["custom_id"], e["response"]["body"]["choices"][0]["message"]["content"])
            for e in read_entries(out)
        ]
    assert texts["2"] == texts["1"]
    assert [custom_id for custom_id, _ in texts["2"]] == ["q0", "q1", "q2", "q3"]
    assert all(text.strip() for _, text in texts["2"])
