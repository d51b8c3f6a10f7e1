"""Strings written in pieces that a program reads as one: string literals side by side
(C's and Python's implicit concatenation ``"NIGHT" "JAR"``, a ``+`` between them, a PO
file's continuation lines ``msgstr ""`` / ``"NIGHT"`` / ``"JAR"``) and CDATA sections side
by side (``<![CDATA[NIGH]]><![CDATA[TJAR]]>``: an XML parser returns one text). Pure
functions over one block of original text; ``detect.JoinedUnit`` reads what they join.
"""

from __future__ import annotations

import re

from milai._lazyre import lazy_compile

# A string literal in double or in single quotes on one line (escapes kept as written),
# up to 400 characters inside; each kind of quote is read on its own, so that an
# apostrophe in prose (don't) never hides a double-quoted string.
_STRING_RES = (
    lazy_compile(r'"(?:[^"\\\n]|\\.){0,400}+"'),
    lazy_compile(r"'(?:[^'\\\n]|\\.){0,400}+'"),
)
# An operator that joins the strings on its sides: "+" (C#, Java, JavaScript, Python), "||"
# (SQL), "." and ".." (PHP, Perl, Lua), "&" (Visual Basic), "<<" (a C++ stream, Ruby's
# append), a call of concat on the first
# (JavaScript's ``"SEC".concat("RET")``, chained ``).concat(``), or a comma between a join's
# arguments (kept only inside a join: ``_comma_glue``).
_OP = r"(?:\+|\|\||\.\.?|&|<<|,|(?:\)[^\S\n]{0,8})?\.[^\S\n]{0,8}(?i:concat)[^\S\n]{0,8}\()"
# Between two pieces of one string: blanks, perhaps an operator, perhaps one line break (a
# backslash may continue the line) and the next line's indentation, perhaps an operator.
_GAP_RE = lazy_compile(
    rf"[^\S\n]{{0,80}}+(?:{_OP}[^\S\n]{{0,80}}+)?"
    rf"(?:\\?\r?\n[^\S\n]{{0,80}}+(?:{_OP}[^\S\n]{{0,80}}+)?)?"
)
_CONCAT_GAP_RE = lazy_compile(r"\)?[^\S\n]{0,8}+\.[^\S\n]{0,8}+(?i:concat)")
# What makes a comma between pieces a join (the glue between them: a short literal): before
# the first piece, SQL's or JavaScript's concat call (``CONCAT('NATO ', 'SEC', 'RET')``,
# glue "") or Python's ``"".join([`` (glue: the literal); after the last, JavaScript's
# ``].join("")``. An everyday list of strings (``["a", "b"]``) joins nothing.
_JOIN_BEFORE_RE = lazy_compile(
    r"(?:(?<![\w$])(?i:concat)[^\S\n]{0,8}\("
    r"|(?P<quote>[\"'])(?P<glue>[^\"'\\\n]{0,8})(?P=quote)[^\S\n]{0,8}\.[^\S\n]{0,8}join"
    r"[^\S\n]{0,8}\([^\S\n]{0,8}[\[(]?)[^\S\n]{0,80}+(?:\r?\n[^\S\n]{0,80}+)?\Z"
)
_JOIN_AFTER_RE = lazy_compile(
    r"[^\S\n]{0,80}+(?:,[^\S\n]{0,80}+)?(?:\r?\n[^\S\n]{0,80}+)?\][^\S\n]{0,8}\.[^\S\n]{0,8}join"
    r"[^\S\n]{0,8}\([^\S\n]{0,8}(?P<quote>[\"'])(?P<glue>[^\"'\\\n]{0,8})(?P=quote)"
    r"[^\S\n]{0,8}\)"
)
_JOIN_REACH = 200  # how far before a first piece its join call is looked for
CDATA_SEAM = "]]><![CDATA["
_HINT_GAP = (
    r"[^\S\n]{0,80}" + _OP + r"?[^\S\n]{0,80}(?:\\?\r?\n[^\S\n]{0,80}" + _OP + r"?[^\S\n]{0,80})?"
)
# Where a block may hold pieces to join: a closing quote, a gap, an opening quote (an
# empty string, "", too: a PO entry's first line); a closing quote, then the end of an
# array that is joined (``"T"\n].join("")``); a join call's opening bracket, then a quote
# on its line or the next; or a seam of CDATA sections.
# One character set first: ``re`` then skips ahead to it quickly (an alternation of two
# first characters is tried at every position).
HINT_RE = lazy_compile(
    r"[\"'\](\[](?:(?<=[\"'])" + _HINT_GAP + r"(?:[\"']|\][^\S\n]{0,8}\.[^\S\n]{0,8}join)"
    r"|(?<=\])\]><!\[CDATA\["
    r"|(?:(?<=[Cc][Oo][Nn][Cc][Aa][Tt]\()|(?<=join\()|(?<=join\(\[)|(?<=join\(\())"
    r"[^\S\n]{0,80}(?:\r?\n[^\S\n]{0,80})?[\"'])"
)
# A line that may go on as a string on the next: it ends with a quote (after blanks, an
# operator or a backslash), or with a join call's opening bracket.
_OPEN_END_RE = lazy_compile(
    r"(?:[\"'][^\S\n]{0,80}" + _OP + r"?[^\S\n]{0,80}\\?"
    r"|(?:(?i:concat)|join)[^\S\n]{0,8}\([^\S\n]{0,8}[\[(]?[^\S\n]{0,80})\r?$"
)
_MAX_PIECES = 256  # the most pieces of one string joined (a block is read in such runs)


class Joined:
    """A reading of a block: ``text`` with each character's ``offsets`` in the block, and
    the ``seams`` (positions in ``text`` where a piece after the first starts)."""

    __slots__ = ("offsets", "seams", "text")

    def __init__(self, text: str, offsets: list[int], seams: list[int]) -> None:
        self.text, self.offsets, self.seams = text, offsets, seams

    def crosses(self, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` spans a seam (a finding only the joining reveals)."""
        return any(start < seam < end for seam in self.seams)


def may_go_on(line: str) -> bool:
    """Whether a complete line ends as a piece of a string that the next line may go on."""
    return _OPEN_END_RE.search(line) is not None


def joined_strings(block: str) -> list[Joined]:
    """Each run of two string literals or more side by side in ``block`` (see the module),
    its pieces' contents joined."""
    found: list[Joined] = []
    for regex in _STRING_RES:
        run: list[re.Match[str]] = []
        gaps: list[str] = []
        for match in regex.finditer(block):
            if (
                run
                and len(run) < _MAX_PIECES
                and _GAP_RE.fullmatch(block, run[-1].end(), match.start()) is not None
            ):
                gaps.append(block[run[-1].end() : match.start()])
                run.append(match)
                continue
            _add_runs(found, block, run, gaps)
            run, gaps = [match], []
        _add_runs(found, block, run, gaps)
    return found


def _comma_glue(block: str, run: list[re.Match[str]]) -> str | None:
    """What a join puts between ``run``'s pieces where a comma separates them (see
    ``_JOIN_BEFORE_RE``), or None when the run is no join's arguments."""
    first, last = run[0].start(), run[-1].end()
    before = _JOIN_BEFORE_RE.search(block, max(0, first - _JOIN_REACH), first)
    if before is not None:
        return before.group("glue") or ""
    after = _JOIN_AFTER_RE.match(block, last)
    return None if after is None else after.group("glue")


def _add_runs(found: list[Joined], block: str, run: list[re.Match[str]], gaps: list[str]) -> None:
    """``run`` joined, cut where a comma separates two pieces outside any join; a comma
    after a ``.concat(`` separates its arguments."""
    if len(run) < 2:
        return
    glue: str | None = None
    if any("," in gap for gap in gaps):
        glue = _comma_glue(block, run)
    pieces: list[re.Match[str]] = [run[0]]
    glues: list[str] = []
    in_call = False
    for gap, match in zip(gaps, run[1:], strict=True):
        if _CONCAT_GAP_RE.search(gap) is not None:
            in_call = True
        elif "," in gap and glue is None and not in_call:
            _add_run(found, pieces, glues)
            pieces, glues = [match], []
            continue
        comma = "," in gap and not in_call
        glues.append((glue or "") if comma else "")
        pieces.append(match)
    _add_run(found, pieces, glues)


def _add_run(found: list[Joined], run: list[re.Match[str]], glues: list[str]) -> None:
    """``run``'s pieces joined, ``glues[i]`` between piece ``i`` and the next (its
    characters at the next piece's opening quote)."""
    if len(run) < 2:
        return
    parts: list[str] = []
    offsets: list[int] = []
    seams: list[int] = []
    length = 0
    for number, match in enumerate(run):
        start, end = match.start() + 1, match.end() - 1
        if number:
            seams.append(length)
            glue = glues[number - 1]
            parts.append(glue)
            offsets.extend([start - 1] * len(glue))
            length += len(glue)
        parts.append(match.string[start:end])
        offsets.extend(range(start, end))
        length += end - start
    if len(seams) and any(0 < seam < length for seam in seams):
        found.append(Joined("".join(parts), offsets, seams))


def joined_cdata(block: str) -> Joined | None:
    """``block`` with the seams of its CDATA sections removed, or None when it has none."""
    if CDATA_SEAM not in block:
        return None
    parts: list[str] = []
    offsets: list[int] = []
    seams: list[int] = []
    done = 0
    length = 0
    at = block.find(CDATA_SEAM)
    while at >= 0:
        parts.append(block[done:at])
        offsets.extend(range(done, at))
        length += at - done
        seams.append(length)
        done = at + len(CDATA_SEAM)
        at = block.find(CDATA_SEAM, done)
    parts.append(block[done:])
    offsets.extend(range(done, len(block)))
    return Joined("".join(parts), offsets, seams)
