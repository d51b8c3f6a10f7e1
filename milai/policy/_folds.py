"""Calendar and contact lines in text (RFC 5545, RFC 6350): where a text turns into an
iCalendar or vCard, a folded line's text as a calendar program shows it (3.1), and an
event's access class (3.8.1.3), which is no marking. LDIF (RFC 2849) folds its lines so too,
and a mail's header (RFC 5322 keeps the blank: read joined all the same, as an evasion cuts
a marking there).

After a ``BEGIN:VCALENDAR``, ``BEGIN:VCARD`` (or a component's: ``BEGIN:VEVENT``,
``VTODO``, ``VJOURNAL``) line, from an LDIF record's ``dn:`` line on, and from a mail header's
line (``Subject:``, ``X-…:``) to the header's end (an empty line), a line that starts
with one blank or tab continues the line before it, wherever the break falls (``NOTE:GEHE``
/ `` IM``); a quoted-printable value's soft line break (vCard 2.1, ``=`` at a line's end)
joins too.
The documents reader unfolds calendar files (``milai.documents``); this is the same
reading for text that is no file (a model's answer, a prompt).
"""

from __future__ import annotations

import re
from functools import cache

from milai._lazyre import lazy_compile

# The start of a calendar or contact in the skeleton view (lower case; tabs are blanks):
# found by a search first, then checked to be a line of its own; an LDIF record's first
# line (``dn:``) starts one too, and so does a mail's header field at a line's start
# (RFC 5322 folds a header's lines alike: its block ends at the first empty line).
_MARK_RE = lazy_compile(
    r"begin:v|dn:|(?<![^\n])(?:from|to|cc|subject|date|received|return-path|delivered-to"
    r"|message-id|mime-version|reply-to|sender|x-[a-z0-9\-]{1,40}):"
)
MARK_LENGTH = 44  # longer than any mark: a mark cut at the view's end is looked for again
_CALENDAR_LINE_RE = lazy_compile(r"\n *begin:v(?:calendar|card|event|todo|journal) *\n")
_LDIF_LINE_RE = lazy_compile(r"\n *dn::? ?[^\s:][^\n]{0,4000}\n")
CALENDAR, LDIF, MAIL = "calendar", "ldif", "mail"
# What a text that is read unfolded starts with, so that its reading knows it stands in a
# calendar (``_labelled_values``: a property's value is a labelled field there).
CALENDAR_LEAD = "BEGIN:VCALENDAR\n"
# The deepest indentation of a calendar's ``BEGIN`` line that is read (blanks).
_LINE_LEAD = 64
# A logical line longer than this is read up to it, and the next physical line starts a
# new one (memory stays bounded on an endless folded line).
MAX_FOLDED = 8192


def next_mark(skel: str, start: int) -> int:
    """Where in the skeleton view ``skel`` the next calendar's, LDIF record's or mail
    header's first line may stand from ``start`` (``calendar_starts`` tells), or -1."""
    mark = _MARK_RE.search(skel, start)
    return -1 if mark is None else mark.start()


def fold_kind(skel: str, at: int) -> str:
    """What the first line ``calendar_starts`` found at ``at`` opens: a calendar (or a
    contact), an LDIF file's records or a mail's header."""
    if skel.startswith("begin:v", at):
        return CALENDAR
    return LDIF if skel.startswith("dn:", at) else MAIL


def calendar_starts(skel: str, at: int) -> tuple[int, int] | None:
    """Where the first line that may fold starts and how far a fold is indented, when the
    skeleton view ``skel`` holds at ``at`` a calendar's ``BEGIN`` line (the line after it;
    a calendar quoted in a Markdown list or code block is indented whole), an LDIF record's
    ``dn:`` line or a mail header's line (that line itself); None when that is no such line
    (``BEGIN:VCARD`` inside a sentence) or the line is not complete yet."""
    start = skel.rfind("\n", max(0, at - _LINE_LEAD), at)
    if start < 0 or skel[start + 1 : at].strip(" "):
        return None
    kind = fold_kind(skel, at)
    if kind == MAIL:  # at a line's start, whole
        return (at, 0) if at == start + 1 and skel.find("\n", at) >= 0 else None
    if kind == LDIF:  # an LDIF record's dn line may fold itself
        match = _LDIF_LINE_RE.match(skel, start)
        return None if match is None else (start + 1, at - start - 1)
    match = _CALENDAR_LINE_RE.match(skel, start)
    return None if match is None else (match.end(), at - start - 1)


@cache
def _fold_re(indent: int, soft: bool) -> re.Pattern[str]:
    """A fold of a calendar indented by ``indent`` blanks: a line break, the indentation,
    then one blank or tab; or (``soft``) a quoted-printable soft line break."""
    fold = rf"\r?\n[ \t]{{{indent}}}[ \t]"
    return re.compile(fold + rf"|=\r?\n(?:[ \t]{{{indent}}})?" if soft else fold)


def unfold(text: str, indent: int = 0, *, soft: bool = True) -> tuple[str, list[int]] | None:
    """``text`` (one logical line, original text) with its folds removed, and each of its
    characters' offsets in ``text``; None when it holds no fold. ``soft``: a
    quoted-printable soft line break is a fold too (a vCard's; LDIF's ``==`` is base64)."""
    fold_re = _fold_re(indent, soft)
    if fold_re.search(text) is None:
        return None
    parts: list[str] = []
    offsets: list[int] = []
    done = 0
    for fold in fold_re.finditer(text):
        parts.append(text[done : fold.start()])
        offsets.extend(range(done, fold.start()))
        done = fold.end()
    parts.append(text[done:])
    offsets.extend(range(done, len(text)))
    return "".join(parts), offsets


# An iCalendar component that has an access class (RFC 5545 3.8.1.3): its first and last
# lines, and the class that an event, a to-do or a journal entry may declare (each matched
# whole against a short line without its blanks around).
_COMPONENT_RE = lazy_compile(r"(BEGIN|END):(?:VEVENT|VTODO|VJOURNAL)", re.I)
_ACCESS_CLASS_RE = lazy_compile(r"CLASS[ \t]{0,8}:[ \t]{0,8}CONFIDENTIAL", re.I)
_SHORT_LINE = 80


def component_edge(line: str) -> bool | None:
    """True for the line that begins an event, a to-do or a journal entry, False for the
    line that ends one, None for any other line."""
    edge = _COMPONENT_RE.fullmatch(line.strip()) if len(line) <= _SHORT_LINE else None
    return None if edge is None else edge.group(1).upper() == "BEGIN"


def access_class(line: str) -> bool:
    """Whether ``line`` is the access class ``CLASS:CONFIDENTIAL`` (an Outlook private
    appointment: who may see it in a shared calendar, not a classification marking)."""
    return len(line) <= _SHORT_LINE and _ACCESS_CLASS_RE.fullmatch(line.strip()) is not None
