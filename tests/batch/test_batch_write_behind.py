"""Lines run one at a time: a line's outcome entry and OUT entry are written behind, while
the next line decodes, without changing what a kill or a failure can leave."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from milai.batch import BatchOutput, BatchRunner
from milai.engine import SamplingParams
from milai.errors import VaultError
from tests.batch.support import make_pipeline, read_entries, request, write_lines


@dataclass
class OrderedAudit:
    """Notes every audit write and OUT write in one global order, with the writing thread."""

    log: list[tuple[str, str, str]] = field(default_factory=list)  # (what, run or id, thread)
    fail_outcome_of: str | None = None  # the prompt whose outcome write fails

    def preflight(self) -> None:
        return None

    def started(self, event: Any) -> None:
        self.log.append(("started", event.run_id, threading.current_thread().name))

    def record(self, event: Any) -> None:
        if self.fail_outcome_of is not None and event.prompt_chars == len(self.fail_outcome_of):
            raise VaultError("cannot write the audit log: No space left on device")
        self.log.append(("outcome", event.run_id, threading.current_thread().name))


def run(
    tmp_path: Path, audit: OrderedAudit, prompts: list[str], report: Any = None
) -> list[dict[str, Any]]:
    pipeline, _loader, _ = make_pipeline()
    pipeline.audit = audit
    runner = BatchRunner(
        pipeline=pipeline,
        model_name="fake",
        clearance="SECRET",
        defaults=SamplingParams(max_tokens=16, temperature=0.0),
    )
    source = write_lines(
        tmp_path / "in.jsonl", *(request(f"q{n}", ("user", p)) for n, p in enumerate(prompts))
    )
    out = tmp_path / "out.jsonl"
    with source.open("rb") as handle, BatchOutput(out) as output:
        original = output.append

        def append(entry: dict[str, Any]) -> None:
            audit.log.append(("out", entry["custom_id"], threading.current_thread().name))
            original(entry)

        output.append = append  # type: ignore[method-assign]
        runner.run(handle, output, report or (lambda outcome: None))
    return read_entries(out)


def test_outcome_and_out_are_written_behind_the_next_started(tmp_path: Path) -> None:
    audit = OrderedAudit()
    entries = run(tmp_path, audit, ["one", "two", "three"])
    assert [e["custom_id"] for e in entries] == ["q0", "q1", "q2"]
    runs = [run_id for what, run_id, _ in audit.log if what == "started"]
    order = [(what, run_id) for what, run_id, _ in audit.log]
    assert order == [
        ("started", runs[0]),
        ("started", runs[1]),
        ("outcome", runs[0]),
        ("out", "q0"),
        ("started", runs[2]),
        ("outcome", runs[1]),
        ("out", "q1"),
        ("outcome", runs[2]),  # the last line's, at the end
        ("out", "q2"),
    ]
    writers = {thread for what, _, thread in audit.log if what != "started"}
    assert any(name.startswith("milai-batch-writer") for name in writers)


def test_a_failed_outcome_write_stops_the_batch_before_its_out_entry(tmp_path: Path) -> None:
    audit = OrderedAudit(fail_outcome_of="bb")  # matched by length: make them differ
    with pytest.raises(VaultError, match="No space left"):
        run(tmp_path, audit, ["a", "bb", "ccc", "dddd"])
    # q1's outcome could not be written: neither its OUT entry nor anything after it is.
    assert [e["custom_id"] for e in read_entries(tmp_path / "out.jsonl")] == ["q0"]
    assert [what for what, _, _ in audit.log].count("out") == 1


def test_a_stop_still_writes_what_was_held(tmp_path: Path) -> None:
    audit = OrderedAudit()
    seen: list[Any] = []

    def report(outcome: Any) -> None:
        seen.append(outcome)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(tmp_path, audit, ["one", "two", "three"], report)
    # Both answered lines are on record and in OUT, though the second was still held.
    assert [e["custom_id"] for e in read_entries(tmp_path / "out.jsonl")] == ["q0", "q1"]
    assert [what for what, _, _ in audit.log].count("outcome") == 2
