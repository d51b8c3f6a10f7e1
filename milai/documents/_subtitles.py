"""Subtitles (SRT, WebVTT): the cues' text joined, one more reading of the file.

A subtitle file cuts its text into timed cues; a banner cut over two cues (``TOP`` in cue
1, ``SECRET`` in cue 2) reads in the file as two lines with a number and a timing line
between them. The joined reading puts each cue's text on the lines after the last cue's,
as the viewer reads it, so ``TOP`` / ``SECRET`` is split over lines and counts as one
banner. Only files that start as subtitles do (``WEBVTT``, or an SRT cue number and its
timing line); the check reads at most the first lines.
"""

from __future__ import annotations

import re

_TIMING = r"(?:\d{1,3}:)?\d{1,2}:\d{2}[,.]\d{3}[ \t]+-->[ \t]+(?:\d{1,3}:)?\d{1,2}:\d{2}[,.]\d{3}"
# Matched on stripped lines: no pattern here starts with blanks (a long run of blanks
# tried from each of its characters would be quadratic).
_TIMING_RE = re.compile(_TIMING + r"[^\n]{0,200}")
# The start of a subtitle file: WEBVTT (perhaps after a byte-order mark), or an SRT cue.
_START_RE = re.compile(r"\ufeff?(?:WEBVTT(?:[ \t][^\n]*)?\n|\d{1,9}[ \t]{0,8}\r?\n" + _TIMING + ")")
_CUE_NUMBER_RE = re.compile(r"\d{1,9}")


def looks_like_subtitles(head: str) -> bool:
    """Whether ``head`` (the start of a text) starts as a subtitle file."""
    return _START_RE.match(head.lstrip()) is not None


def joined_cues(text: str) -> str | None:
    """The text of ``text``'s cues, one after the other (cue numbers, timing lines, the
    header and notes left out); None when ``text`` is no subtitle file or has no cue."""
    if not looks_like_subtitles(text):
        return None
    lines = text.replace("\r\n", "\n").split("\n")
    cues: list[str] = []
    in_cue = False
    for at, line in enumerate(lines):
        line = line.strip()
        if _TIMING_RE.fullmatch(line):
            in_cue = True
            continue
        if not line.strip():
            in_cue = False
            continue
        following = lines[at + 1].strip() if at + 1 < len(lines) else ""
        if _CUE_NUMBER_RE.fullmatch(line) and _TIMING_RE.fullmatch(following):
            continue  # an SRT cue number, or a WebVTT cue identifier made of digits
        if in_cue:
            cues.append(line)
    return "\n".join(cues) if cues else None
