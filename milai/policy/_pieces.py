"""An encoded text cut into pieces, a piece a line (red team 14): key halves
(``part1=Q09TTUlDIF`` / ``part2=RPUCBTRUNSRVQ=``), a column of a CSV file (``1,Q09TTUlD`` /
``2,IFRPUCBT``), assignments (``key_a = "…"`` / ``key_b = "…"``), lines of four characters.
Consecutive lines that each end in a run of base64, base32 or hex after a prefix of the
same form (its letters and digits aside: ``part1=`` and ``part2=`` are one form, ``=``) are
joined, and decoded when the join reads as text. A prefix is nothing, or ends with a
key's or a field's delimiter (``=``, ``:``, ``,``, a quote, a bracket; a blank after one),
so prose (``the plan is done``) holds no pieces. Pure functions over complete lines;
``detect.DecodeUnit`` rescans what they decode.
"""

from __future__ import annotations

import re

from milai._lazyre import lazy_compile

# A piece's line: blanks, perhaps a prefix ending with a delimiter (a key's, a field's, a
# list's or a comment's), the piece (four of base64's characters or more with their
# padding; a shorter one only ends a run: ``_short``), perhaps closing quotes, brackets, a
# comma or a table's bar.
_LINE_RE = lazy_compile(
    r"(?m)^(?P<prefix>[^\S\n]{0,16}(?:[^\n]{0,40}?[=:,\"'(\[{\-#/|*>][^\S\n]{0,4})?)"
    r"(?P<piece>[A-Za-z0-9+/_-]{4,400}={0,6}|[A-Za-z0-9+/_-]{1,3}={0,6})"
    r"[^\S\n]{0,2}[\"')\]},;|]{0,3}[^\S\n]{0,8}\r?$"
)
_FORM_RE = lazy_compile(r"[^\W_]+|[^\S\n]+")
# What an encoded piece holds and a word does not: a digit, a symbol of base64's, or a
# capital after a small letter (``TUlD``).
_ENCODED_RE = lazy_compile(r"[0-9+/=_-]|[a-z][A-Z]")
LINE_MOST = 512  # longer than any piece line ``_LINE_RE`` takes (its bounds add to 481)
MIN_JOINED = 12  # the fewest characters joined worth decoding (9 bytes of base64)
_MAX_PIECES = 256


def _form(prefix: str) -> str:
    """A prefix's form: its letters, digits and blanks left out."""
    return _FORM_RE.sub("", prefix)


def piece_runs(text: str) -> list[list[re.Match[str]]]:
    """The runs of two piece lines or more of ``text`` (complete lines), one after the
    other, of one prefix's form, one of them at least encoded-looking."""
    runs: list[list[re.Match[str]]] = []
    run: list[re.Match[str]] = []
    form = ""
    for match in _LINE_RE.finditer(text):
        this = _form(match.group("prefix"))
        joins = (
            run
            and len(run) < _MAX_PIECES
            and this == form
            and not _short(run[-1])  # a short piece ends its run
            and run[-1].end() + 1 == match.start()  # the next line
        )
        if joins:
            run.append(match)
            continue
        _keep(runs, run)
        run, form = ([], "") if _short(match) else ([match], this)
    _keep(runs, run)
    return runs


def _short(match: re.Match[str]) -> bool:
    """A piece of fewer than four characters and no padding: a run's last (``RVQ``), or a
    word."""
    piece = match.group("piece")
    return len(piece) < 4 and not piece.endswith("=")


def _keep(runs: list[list[re.Match[str]]], run: list[re.Match[str]]) -> None:
    if len(run) < 2:
        return
    pieces = [match.group("piece") for match in run]
    if sum(map(len, pieces)) >= MIN_JOINED and any(map(_ENCODED_RE.search, pieces)):
        runs.append(run)


def readings(run: list[re.Match[str]]) -> list[list[re.Match[str]]]:
    """What of a run to try joined: all of it, without its first line (a column's header,
    ``id,chunk``, has the form of its rows), without its last (a footer, ``checksum=…``),
    without both."""
    found = [run]
    if len(run) > 2:
        found += [run[1:], run[:-1]]
    if len(run) > 3:
        found.append(run[1:-1])
    return found


def open_run_start(text: str) -> int | None:
    """Where, in complete lines, the run of piece lines that the next line may go on
    starts (its first line's start); None when the last line is no piece line."""
    if not text.endswith("\n"):
        return None
    start: int | None = None
    form = None
    end = len(text) - 1
    for _ in range(_MAX_PIECES):
        line_start = text.rfind("\n", 0, end) + 1
        match = _LINE_RE.match(text, line_start, end)
        if match is None or match.end() != end or (start is None and _short(match)):
            break  # a short piece last closes its run
        this = _form(match.group("prefix"))
        if form is not None and this != form:
            break
        form, start = this, line_start
        if line_start == 0:
            break
        end = line_start - 1
    return start
