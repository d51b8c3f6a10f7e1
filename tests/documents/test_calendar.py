"""Calendars and contacts (iCalendar, vCard): their folded lines unfolded are one more
reading, so a marking folded mid-word (``SUMMARY:NATO SEC`` / `` RET``) reads whole
(issue 9, red team round 5)."""

from __future__ import annotations

import random

import pytest

from milai.cli.gate import own_text
from milai.documents import looks_like_calendar, read_document
from milai.documents._calendar import unfolded
from milai.policy import check_text
from tests.levels import assert_targets_read
from tests.policy.families import Target, shipped_policy, targets

BANNERS = [t for t in targets() if not t.portion and len(t.text) >= 4]


def _ics(summary: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART:20250312T100000Z\r\n"
        f"{summary}\r\nLOCATION:Room 2.14\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def _vcf(note: str) -> str:
    return f"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jean Muller\r\n{note}\r\nEND:VCARD\r\n"


@pytest.mark.parametrize("writer", [_ics, _vcf], ids=["ics", "vcf"])
def test_a_marking_folded_anywhere_reads_whole(writer: object) -> None:
    assert BANNERS
    rng = random.Random(5)

    def text(target: Target) -> str:
        cut = rng.randrange(1, len(target.text))
        prop = "SUMMARY" if writer is _ics else "NOTE"
        blank = rng.choice(" \t")
        folded = f"{prop}:{target.text[:cut]}\r\n{blank}{target.text[cut:]}"
        data = writer(folded).encode()  # type: ignore[operator]
        return read_document(data, "x.ics").text

    assert_targets_read(BANNERS, text)


def test_unfolding_joins_folds_and_soft_line_breaks_only() -> None:
    assert unfolded(_ics("SUMMARY:Team lu\r\n nch")) == _ics("SUMMARY:Team lunch")
    assert unfolded(_vcf("NOTE;ENCODING=QUOTED-PRINTABLE:GEHE=\r\nIM")) == _vcf(
        "NOTE;ENCODING=QUOTED-PRINTABLE:GEHEIM"
    )
    assert unfolded(_ics("SUMMARY:Team lunch")) is None  # nothing folded: no second reading
    assert unfolded("Minutes\r\n of the meeting\r\n") is None  # no calendar
    assert looks_like_calendar("\ufeffBEGIN:VCALENDAR\r\n")
    assert not looks_like_calendar("Notes on BEGIN:VCALENDAR\n")


def test_everyday_calendars_stay_unclassified() -> None:
    data = _ics("SUMMARY:Secret Santa p\r\n arty\r\nDESCRIPTION:Bring a top secret recipe").encode()
    for name in ("default.yaml", "ministry-codewords.yaml"):
        policy = shipped_policy(name)
        assert check_text(policy, read_document(data, "party.ics").text).level == policy.lowest


def test_a_redacted_copy_is_made_from_the_file_itself() -> None:
    data = _ics("SUMMARY:NATO SEC\r\n RET").encode()
    document = read_document(data, "x.ics")
    assert [part.name for part in document.parts] == ["body", "calendar unfolded"]
    assert own_text(document, data, "x.ics") == data.decode()
