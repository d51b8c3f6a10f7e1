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
# Between two pieces of one string: blanks, perhaps a "+", perhaps one line break (a
# backslash may continue the line) and the next line's indentation.
_GAP_RE = lazy_compile(
    r"[^\S\n]{0,80}+(?:\+[^\S\n]{0,80}+)?(?:\\?\r?\n[^\S\n]{0,80}+(?:\+[^\S\n]{0,80}+)?)?"
)
CDATA_SEAM = "]]><![CDATA["
# Where a block may hold pieces to join: a closing quote, a gap, an opening quote (an
# empty string, "", too: a PO entry's first line), or a seam of CDATA sections.
# One character set first: ``re`` then skips ahead to it quickly (an alternation of two
# first characters is tried at every position).
HINT_RE = lazy_compile(
    r"[\"'\]](?:(?<=[\"'])[^\S\n]{0,80}\+?[^\S\n]{0,80}"
    r"(?:\\?\r?\n[^\S\n]{0,80}\+?[^\S\n]{0,80})?[\"']|(?<=\])\]><!\[CDATA\[)"
)
# A line that may go on as a string on the next: it ends with a quote (after blanks, a
# "+" or a backslash).
_OPEN_END_RE = lazy_compile(r"[\"'][^\S\n]{0,80}\+?[^\S\n]{0,80}\\?\r?$")
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
        for match in regex.finditer(block):
            if (
                run
                and len(run) < _MAX_PIECES
                and _GAP_RE.fullmatch(block, run[-1].end(), match.start()) is not None
            ):
                run.append(match)
                continue
            _add_run(found, run)
            run = [match]
        _add_run(found, run)
    return found


def _add_run(found: list[Joined], run: list[re.Match[str]]) -> None:
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
