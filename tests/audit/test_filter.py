"""Selecting and fetching entries: filters by time, command and decision; one entry by number;
the torn-tail flag a reader sees before it renders anything."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from milai.audit import AuditEntry, AuditIntegrityError, AuditLog, filter_entries
from milai.errors import ExitCode, UsageError
from tests.audit.support import open_log

FixtureCopy = Callable[[str], Path]


@pytest.fixture
def clean(fixture_copy: FixtureCopy) -> AuditLog:
    return open_log(fixture_copy("clean.log"))


def seqs(entries: object) -> list[int]:
    return [entry.seq for entry in entries]  # type: ignore[attr-defined]


def test_filters_by_command_and_decision(clean: AuditLog) -> None:
    assert seqs(filter_entries(clean.entries(), command="run")) == [2, 4, 8]
    assert seqs(filter_entries(clean.entries(), command="run", decision="block")) == [4]
    assert seqs(filter_entries(clean.entries(), decision="redact")) == [5]
    assert seqs(filter_entries(clean.entries())) == list(range(1, 9))


def test_filters_by_time_since_inclusive_until_exclusive(clean: AuditLog) -> None:
    # The fixtures' clock gives entries 1 to 5 the times 09:00:00 to 09:00:04.
    at = datetime(2025, 3, 1, 9, 0, 2, tzinfo=UTC)
    assert seqs(filter_entries(clean.entries(), since=at)) == [3, 4, 5, 6, 7, 8]
    assert seqs(filter_entries(clean.entries(), until=at)) == [1, 2]
    assert seqs(filter_entries(clean.entries(), since=at, until=at + timedelta(seconds=2))) == [
        3,
        4,
    ]
    naive = at.replace(tzinfo=None)
    assert seqs(filter_entries(clean.entries(), since=naive)) == [3, 4, 5, 6, 7, 8]
    paris = at.astimezone(timezone(timedelta(hours=1)))
    assert seqs(filter_entries(clean.entries(), until=paris)) == [1, 2]


def test_filtering_a_tampered_log_raises(fixture_copy: FixtureCopy) -> None:
    log = open_log(fixture_copy("deleted-entry-4.log"))
    with pytest.raises(AuditIntegrityError):
        list(filter_entries(log.entries(), command="run"))


def test_filter_works_on_any_entries() -> None:
    entries = [AuditEntry(1, "2025-01-01T00:00:00.000000Z", {"command": "check"}, "0", "0", "0")]
    assert list(filter_entries(entries, command="check")) == entries


def test_entry_fetches_one_checked_entry(clean: AuditLog) -> None:
    entry = clean.entry(2)
    assert entry.event["output_sha256"] == "44" * 32
    assert entry.event["sampling"] == {"temperature": 0.0, "max_tokens": 64, "seed": 7}

    with pytest.raises(UsageError, match="no entry 9") as caught:
        clean.entry(9)
    assert caught.value.hint == "it holds entries 1 to 8"
    assert caught.value.exit_code == ExitCode.USAGE


def test_a_stream_says_up_front_whether_a_torn_tail_is_skipped(
    fixture_copy: FixtureCopy, clean: AuditLog
) -> None:
    with open_log(fixture_copy("torn-tail.log")).entries() as torn:
        assert (torn.torn_tail, torn.torn_bytes) == (True, 70)
        assert seqs(torn) == list(range(1, 9))
    with clean.entries() as sound:
        assert not sound.torn_tail
