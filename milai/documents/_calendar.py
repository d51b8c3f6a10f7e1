"""Calendars and contacts (iCalendar, vCard): their lines unfolded, one more reading.

RFC 5545 and RFC 6350 fold a long property over lines: a line break followed by one blank
continues the line before it, wherever the break falls (``SUMMARY:NATO SEC`` / `` RET``).
The unfolded reading joins each folded line as a calendar program shows it, and removes a
quoted-printable value's soft line breaks (vCard 2.1, ``=`` at a line's end). Only texts
that start as a calendar or a contact (``BEGIN:VCALENDAR``, ``BEGIN:VCARD``) do.
"""

from __future__ import annotations

import re

_START_RE = re.compile(r"\ufeff?[ \t\r\n]{0,64}BEGIN:(?:VCALENDAR|VCARD)\b", re.IGNORECASE)
# A line break then one blank (a folded line), or a quoted-printable soft line break.
_FOLD_RE = re.compile(r"\r?\n[ \t]|=\r?\n")


def looks_like_calendar(head: str) -> bool:
    """Whether ``head`` (the start of a text) starts as an iCalendar or vCard file."""
    return _START_RE.match(head) is not None


def unfolded(text: str) -> str | None:
    """``text``'s folded lines joined; None when it is no calendar or has no fold."""
    if not looks_like_calendar(text):
        return None
    joined = _FOLD_RE.sub("", text)
    return joined if joined != text else None
