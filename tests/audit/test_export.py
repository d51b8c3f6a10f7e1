"""Export for a SIEM: one JSON record per entry with its status, then a summary."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from milai.audit import AuditIntegrityError, AuditLog
from tests.audit.support import FIXTURES, fixed_signer, open_log, verify_signature

FixtureCopy = Callable[[str], Path]


def export(log: AuditLog, **options: Any) -> tuple[list[dict[str, Any]], Exception | None]:
    out = io.StringIO()
    failure = None
    try:
        log.export_jsonl(out, **options)
    except AuditIntegrityError as error:
        failure = error
    return [json.loads(line) for line in out.getvalue().splitlines()], failure


def test_a_sound_log_exports_verified_entries_and_a_summary(fixture_copy: FixtureCopy) -> None:
    log = open_log(fixture_copy("clean.log"), fixed_signer())
    records, failure = export(
        log,
        checkpoint=fixture_copy("checkpoint-8.json"),
        verify_signature=verify_signature,
        seal_key=FIXTURES / "clean.seal-key",
        generation=3,
    )

    assert failure is None
    *entries, summary = records
    assert [record["seq"] for record in entries] == list(range(1, 9))
    assert set(entries[0]) == {"record", "seq", "time", "event", "prev", "mac", "hash", "verified"}
    assert all(record["record"] == "entry" and record["verified"] for record in entries)
    assert entries[1]["event"]["command"] == "run"
    assert entries[1]["hash"] == entries[2]["prev"]
    assert summary == {
        "record": "summary",
        "status": "verified",
        "log": str(log.path),
        "exported": summary["exported"],
        "entries": 8,
        "head": entries[-1]["hash"],
        "torn_tail": False,
        "torn_bytes": 0,
        "checkpoints_checked": 2,
        "sealed": True,
        "seal_key_exported": True,
        "no_outcome": [],
        "vault_lagged": False,
        "error": None,
        "sequence": None,
    }
    assert entries[3]["event"]["decision"] == "block"  # decrypted: the log itself is not


def test_a_tampered_log_exports_whole_and_then_fails(fixture_copy: FixtureCopy) -> None:
    log = open_log(fixture_copy("swapped-entries-5-6.log"))
    records, failure = export(log)

    assert isinstance(failure, AuditIntegrityError) and failure.sequence == 5
    *entries, summary = records
    assert [record["verified"] for record in entries] == [True] * 4 + [False] * 4
    assert entries[4]["line"] == 5 and entries[4]["unverified"]["seq"] == 6
    assert entries[4]["error"] == str(failure)
    assert "error" not in entries[5]
    assert summary["status"] == "failed"
    assert (summary["entries"], summary["sequence"], summary["error"]) == (4, 5, str(failure))


def test_unparseable_lines_export_as_text(fixture_copy: FixtureCopy) -> None:
    path = fixture_copy("clean.log")
    with path.open("ab") as out:
        out.write(b"not json \xff\n")
    records, failure = export(open_log(path))

    assert failure is not None and failure.sequence == 9  # type: ignore[attr-defined]
    assert records[8]["unverified"] == "not json \ufffd"


def test_truncation_shows_in_the_summary(fixture_copy: FixtureCopy) -> None:
    log = open_log(fixture_copy("truncated-after-6.log"), fixed_signer())
    records, failure = export(
        log, checkpoint=fixture_copy("checkpoint-8.json"), verify_signature=verify_signature
    )

    assert failure is not None
    assert all(record["verified"] for record in records[:-1])
    assert records[-1]["status"] == "failed" and records[-1]["sequence"] == 7


def test_a_missing_log_exports_only_a_failed_summary(fixture_copy: FixtureCopy) -> None:
    path = fixture_copy("clean.log")
    path.unlink()
    records, failure = export(open_log(path))
    assert failure is not None
    assert [record["record"] for record in records] == ["summary"]
    assert records[0]["status"] == "failed" and "does not exist" in records[0]["error"]


def test_export_reports_a_torn_tail(fixture_copy: FixtureCopy) -> None:
    records, failure = export(open_log(fixture_copy("torn-tail.log")))
    assert failure is None
    assert records[-1]["torn_tail"] is True and records[-1]["torn_bytes"] == 70
    assert len(records) == 9


@pytest.mark.parametrize("fixture", ["clean.log", "deleted-entry-4.log"])
def test_export_agrees_with_verify(fixture_copy: FixtureCopy, fixture: str) -> None:
    log = open_log(fixture_copy(fixture))
    records, failure = export(log)
    try:
        report = log.verify()
    except AuditIntegrityError as error:
        assert str(error) == str(failure)
    else:
        assert records[-1]["entries"] == report.entries and failure is None


def test_hostile_lines_export_as_text(fixture_copy: FixtureCopy) -> None:
    path = fixture_copy("clean.log")
    with path.open("ab") as out:
        out.write(b'{"seq":NaN}\n' + b"[" * 100_000 + b"\n")
    records, failure = export(open_log(path))

    assert failure is not None
    assert [record["unverified"] for record in records[8:10]] == ['{"seq":NaN}', "[" * 100_000]
