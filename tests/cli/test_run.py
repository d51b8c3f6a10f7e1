"""``milai run`` end to end on the real model, encrypted in a vault: the operator's contract.

Tests marked ``model`` use the real SmolLM2 model; the others fail before any vault is
opened (bad options) and run in the fast suite."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from milai.cli._app import compose_prompt
from milai.errors import UsageError
from tests.cli.fixtures import MilaiRunner, interruptible, milai_command, run_traced
from tests.helpers import DEMO_SHA256, write_key_file

QUESTION = "Name three capitals in Europe."
JSON_KEYS = {"text", "decision", "level", "model", "usage", "timings", "seed", "finish_reason"}


@pytest.mark.model
def test_run_streams_text_and_keeps_stderr_silent(vault_home: Path, milai: MilaiRunner) -> None:
    result = milai("run", QUESTION, "--seed", "1", "--temperature", "0", "--max-tokens", "300")
    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout.strip()
    assert result.stdout.endswith("\n")


@pytest.mark.model
def test_json_object_has_the_contract_keys(vault_home: Path, milai: MilaiRunner) -> None:
    result = milai("run", "--json", "--seed", "1", "--temperature", "0", input=QUESTION + "\n")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert JSON_KEYS <= data.keys()
    assert data["text"].strip()
    assert data["decision"] == "allow"
    assert data["level"] == "UNCLASSIFIED"
    assert data["model"] == {"name": "smollm2-135m", "sha256": DEMO_SHA256}
    assert set(data["usage"]) == {"prompt_tokens", "completion_tokens"}
    assert data["usage"]["completion_tokens"] > 0
    assert set(data["timings"]) == {"load_s", "first_token_s", "tokens_per_s"}
    assert data["seed"] == 1


@pytest.mark.model
def test_same_seed_gives_the_same_json_twice(vault_home: Path, milai: MilaiRunner) -> None:
    args = ("run", "--json", "--seed", "1", "--temperature", "0")
    first = json.loads(milai(*args, input=QUESTION).stdout)
    second = json.loads(milai(*args, input=QUESTION).stdout)
    for data in (first, second):
        data.pop("timings")  # wall-clock figures differ run to run
        data.pop("run_id")  # random by design
    assert first == second
    hot = ("run", "--json", "--seed", "99", "--temperature", "1.5", "--max-tokens", "30")
    assert (
        milai(*hot, input=QUESTION).stdout.split('"usage"')[0]
        == milai(*hot, input=QUESTION).stdout.split('"usage"')[0]
    )


@pytest.mark.model
def test_prompt_is_the_instruction_and_stdin_the_material(
    vault_home: Path, milai: MilaiRunner
) -> None:
    alone = json.loads(milai("run", "--json", "--max-tokens", "4", "Summarise").stdout)
    both = json.loads(
        milai(
            "run",
            "--json",
            "--max-tokens",
            "4",
            "Summarise",
            input="The meeting moved to Tuesday at ten.",
        ).stdout
    )
    assert both["usage"]["prompt_tokens"] > alone["usage"]["prompt_tokens"] + 5


@pytest.mark.model
def test_a_closed_pipe_ends_quietly(vault_home: Path) -> None:
    process = subprocess.Popen(
        milai_command(
            "run", "--max-tokens", "200", "--seed", "3", "Write a long story about the sea."
        ),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    head = process.stdout.read(10)
    process.stdout.close()
    returncode = process.wait(timeout=120)
    stderr = process.stderr.read().decode()
    assert len(head) == 10
    assert returncode == 0
    assert stderr == ""


@pytest.mark.model
def test_ctrl_c_exits_130_without_a_traceback(vault_home: Path) -> None:
    process = subprocess.Popen(
        milai_command("run", "--max-tokens", "2000", "--temperature", "1", "Tell a long tale."),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=interruptible,
    )
    assert process.stdout is not None
    process.stdout.read(1)  # generating now
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert b"Traceback" not in stderr


@pytest.mark.model
@pytest.mark.parametrize(
    ("args", "stdin", "code", "line"),
    [
        (("run", "--model", "nope", "hi"), None, 5, "milai: error: unknown model 'nope'"),
        (("run",), None, 2, "milai: error: empty prompt: give PROMPT or pipe text on stdin"),
        (("run",), b"   \n", 2, "milai: error: empty prompt: give PROMPT or pipe text on stdin"),
        (
            ("run",),
            b"caf\xe9 \xff\n",
            2,
            "milai: error: stdin is not valid UTF-8 text (bad byte at offset 3)",
        ),
        (
            ("run", "--max-tokens", "0", "hi"),
            None,
            2,
            "milai: error: --max-tokens must be at least 1",
        ),
        (
            ("run", "--max-tokens", "-5", "hi"),
            None,
            2,
            "milai: error: --max-tokens must be at least 1",
        ),
        (("run", "--bogus", "hi"), None, 2, "milai: error: No such option: --bogus"),
        (
            ("run", "--temperature", "hot", "hi"),
            None,
            2,
            "milai: error: Invalid value for '--temperature': 'hot' is not a valid float.",
        ),
        (("run", "--clearance", "PUBLIC", "hi"), None, 2, "milai: error: unknown level 'PUBLIC'"),
        (("frobnicate",), None, 2, "milai: error: No such command 'frobnicate'."),
    ],
)
def test_bad_input_gets_one_line_and_the_documented_code(
    vault_home: Path,
    milai: MilaiRunner,
    args: tuple[str, ...],
    stdin: bytes | None,
    code: int,
    line: str,
) -> None:
    result = milai(*args, input=stdin)
    assert result.returncode == code
    assert result.stderr.startswith(line)
    assert len(result.stderr.splitlines()) == 1
    assert result.stdout == ""


@pytest.mark.model
def test_a_locked_vault_exits_4_with_a_hint(vault_home: Path, milai: MilaiRunner) -> None:
    (vault_home / "key-file.path").unlink()
    result = milai("run", "hi")
    assert result.returncode == 4
    assert result.stderr.startswith("milai: error: the vault is locked")
    assert "--key-file" in result.stderr


@pytest.mark.model
def test_a_wrong_key_file_exits_4(vault_home: Path, milai: MilaiRunner, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.key"
    write_key_file(wrong, os.urandom(32))
    result = milai("--key-file", str(wrong), "run", "hi")
    assert result.returncode == 4
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.model
def test_no_vault_exits_4_pointing_at_init(milai: MilaiRunner, tmp_path: Path) -> None:
    result = milai("run", "hi", env={"MILAI_HOME": str(tmp_path / "none")})
    assert result.returncode == 4
    assert "milai init" in result.stderr


@pytest.mark.model
def test_verbose_shows_llama_logs_and_timings(vault_home: Path, milai: MilaiRunner) -> None:
    result = milai("-v", "run", "--max-tokens", "5", "--seed", "1", "hi")
    assert result.returncode == 0
    assert "milai.llama:" in result.stderr
    assert "tokens/s" in result.stderr
    assert "milai: model pages" in result.stderr  # locked in RAM, or a warning


@pytest.mark.model
@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_a_whole_run_makes_no_network_system_call(vault_home: Path, tmp_path: Path) -> None:
    trace = tmp_path / "trace.txt"
    result = run_traced(trace, "run", "--max-tokens", "8", "--seed", "1", QUESTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    calls = [line for line in trace.read_text().splitlines() if "(" in line]
    assert calls == []


@pytest.mark.model
def test_doctor_reports_as_json(vault_home: Path, milai: MilaiRunner) -> None:
    result = milai("doctor", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["network_guard"] is True
    assert report["vault"]["models"] == ["smollm2-135m"]
    assert report["llama_cpp"]["version"] == "0.3.36"
    assert "swap" in json.dumps(report["memory"])


@pytest.mark.model
def test_json_reports_the_load_time(vault_home: Path, milai: MilaiRunner) -> None:
    # That a process loads the model once, whatever the turns: test_run_inproc.py.
    started = time.perf_counter()
    data = json.loads(milai("run", "--json", "--max-tokens", "4", "hi").stdout)
    assert 0 < data["timings"]["load_s"] < time.perf_counter() - started


@pytest.mark.model
def test_json_when_blocked_is_one_object_and_exit_3(vault_home: Path, milai: MilaiRunner) -> None:
    result = milai("run", "--json", "Explain the KEYMAT rules.")
    assert result.returncode == 3
    data = json.loads(result.stdout)
    assert JSON_KEYS <= data.keys()
    assert (data["text"], data["decision"], data["finish_reason"]) == ("", "block", None)
    assert "keying-material" in {finding["rule"] for finding in data["findings"]}
    assert data["model"]["name"] == "smollm2-135m"
    assert result.stderr.startswith("milai: blocked: blocked by rule keying-material")


@pytest.mark.model
def test_json_when_withheld_by_the_out_level(vault_home: Path, milai: MilaiRunner) -> None:
    result = milai(
        "run", "--json", "--clearance", "SECRET", "--out-level", "RESTRICTED", "NATO SECRET\n\nhi"
    )
    assert result.returncode == 3, result.stderr
    data = json.loads(result.stdout)
    assert (data["text"], data["decision"], data["level"]) == ("", "block", "SECRET")


@pytest.mark.model
def test_a_stop_at_max_tokens_says_so(vault_home: Path, milai: MilaiRunner) -> None:
    # On stderr for a reader of the text; in the object alone with --json (cli5's decision,
    # tests/cli/NEWUSER.md).
    result = milai("run", "--json", "--max-tokens", "3", "--seed", "1", "Write a long story.")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["finish_reason"] == "length"
    assert result.stderr == ""
    plain = milai("run", "--max-tokens", "3", "--seed", "1", "Write a long story.")
    assert plain.returncode == 0, plain.stderr
    assert plain.stderr == "milai: output stopped at --max-tokens 3\n"


@pytest.mark.model
def test_sampling_and_load_options_reach_the_model(vault_home: Path, milai: MilaiRunner) -> None:
    args = ("run", "--json", "--seed", "3", "--temperature", "0.9", "--max-tokens", "12")
    plain = json.loads(milai(*args, QUESTION).stdout)
    tuned = milai(
        *args,
        "--top-p",
        "0.5",
        "--top-k",
        "5",
        "--repeat-penalty",
        "1.3",
        "--ctx",
        "1024",
        "--threads",
        "1",
        QUESTION,
    )
    assert tuned.returncode == 0, tuned.stderr
    assert json.loads(tuned.stdout)["text"] != plain["text"]
    entry = json.loads(milai("audit", "show", "--json").stdout.splitlines()[-1])["event"]
    assert entry["sampling"] == {
        "max_tokens": 12,
        "temperature": 0.9,
        "seed": 3,
        "top_p": 0.5,
        "top_k": 5,
        "repeat_penalty": 1.3,
    }


@pytest.mark.model
def test_system_file_from_a_path_and_from_stdin(
    vault_home: Path, milai: MilaiRunner, tmp_path: Path
) -> None:
    system = tmp_path / "system.txt"
    system.write_text("Answer in one word.")
    from_path = milai("run", "--system-file", str(system), "--max-tokens", "4", QUESTION)
    assert from_path.returncode == 0, from_path.stderr
    from_stdin = milai(
        "run", "--system-file", "-", "--max-tokens", "4", QUESTION, input="Answer in one word."
    )
    assert from_stdin.returncode == 0, from_stdin.stderr
    blocked = milai("run", "--system-file", "-", QUESTION, input="The KEYMAT is 4431.")
    assert blocked.returncode == 3


@pytest.mark.parametrize(
    ("args", "stdin", "line"),
    [
        (("run", "--top-p", "0", "hi"), None, "--top-p must be above 0 and at most 1"),
        (("run", "--top-p", "1.5", "hi"), None, "--top-p must be above 0 and at most 1"),
        (("run", "--top-k", "-1", "hi"), None, "--top-k must be 0 (no limit) or more"),
        (("run", "--repeat-penalty", "0", "hi"), None, "--repeat-penalty must be above 0"),
        (("run", "--ctx", "100", "hi"), None, "--ctx must be at least 512 tokens"),
        (("run", "--threads", "0", "hi"), None, "--threads must be at least 1"),
        (("chat", "--threads", "0"), None, "--threads must be at least 1"),
        (
            ("run", "--system", "a", "--system-file", "b", "hi"),
            None,
            "give --system or --system-file, not both",
        ),
        (
            ("run", "--system-file", "-"),
            b"be brief",
            "stdin cannot carry both the system text (--system-file -) and the prompt",
        ),
        (
            ("chat", "--system-file", "-"),
            b"be brief",
            "stdin cannot carry both the system text (--system-file -) and the conversation",
        ),
        (
            ("run", "--system-file", "/nonexistent/system.txt", "hi"),
            None,
            "cannot read system file /nonexistent/system.txt: No such file or directory",
        ),
        (
            ("run", "--system-file", "-", "hi"),
            b"caf\xe9",
            "the system text on stdin is not valid UTF-8 text (bad byte at offset 3)",
        ),
    ],
)
def test_bad_options_exit_2_before_anything_opens(
    milai: MilaiRunner, args: tuple[str, ...], stdin: bytes | None, line: str
) -> None:
    result = milai(*args, input=stdin)
    assert result.returncode == 2
    assert result.stderr.startswith(f"milai: error: {line}")
    assert len(result.stderr.splitlines()) == 1
    assert result.stdout == ""


def test_a_non_utf8_argument_exits_2_with_one_line() -> None:
    result = subprocess.run(
        milai_command("run", "caf\udce9"),  # how Python carries the byte 0xE9 of argv
        capture_output=True,
        check=False,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert result.stderr == b"milai: error: PROMPT is not valid UTF-8 text (bad byte at offset 3)\n"


def test_compose_prompt() -> None:
    assert compose_prompt("Summarise", "the text") == "Summarise\n\nthe text"
    assert compose_prompt(None, "only stdin") == "only stdin"
    assert compose_prompt("only prompt", None) == "only prompt"
    with pytest.raises(UsageError, match="empty prompt"):
        compose_prompt("  ", "\n")
