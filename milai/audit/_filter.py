"""Selecting entries for display: by time, command and decision."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from milai.audit._entry import AuditEntry


def filter_entries(
    entries: Iterable[AuditEntry],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    command: str | None = None,
    decision: str | None = None,
) -> Iterator[AuditEntry]:
    """The entries with ``since <= time < until`` whose event's ``command`` and ``decision``
    equal those given; ``None`` matches anything. Naive datetimes are taken as UTC, the
    log's own zone.

    Raises what iterating ``entries`` raises (``AuditIntegrityError`` for a checked
    stream), and ``ValueError`` for an entry whose time is not ISO-8601.
    """
    since, until = _as_utc(since), _as_utc(until)
    for entry in entries:
        if command is not None and entry.event.get("command") != command:
            continue
        if decision is not None and entry.event.get("decision") != decision:
            continue
        if since is not None or until is not None:
            moment = entry.timestamp
            if (since is not None and moment < since) or (until is not None and moment >= until):
                continue
        yield entry


def _as_utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
