"""A line of markup as a reader sees it rendered, where that differs from its text in a way
the line's own readers do not see: hidden elements removed, small capitals shown as
capitals, a word split across two table cells joined, struck text left out.

- **Hidden elements** (an HTML ``hidden`` attribute or class, a style of ``display:none``,
  ``visibility:hidden``, ``font-size:0``, ``opacity:0``) are not shown: ``SEC<span
  hidden>x9q</span>RET UE`` reads ``SECRET UE``. The element and its text are removed up
  to its closing tag on the line.
- **Small capitals** (LaTeX's ``\\textsc{…}``, ``{\\scshape …}``, ``{\\sc …}``, RTF's
  ``{\\scaps …}``, an element styled ``font-variant: small-caps`` or of a ``smallcaps``
  class or rendition, Pandoc's ``[…]{.smallcaps}``) print small letters as capitals: a word
  in small letters there is read in capitals (``\\textsc{nato secret}``); a word with a
  capital in it keeps its case, since small capitals show it (``\\textsc{Secret Santa}``).
- **Table cells**: an HTML cell that ends against a letter, and the next cell that starts
  with one (``<td>NATO SEC</td><td>RET</td>``), are read joined, as between bars; a symbol
  that stands for a letter counts as one (``🅐🅣🅞</td><td>🅜🅐🅛``), and a separator of a
  marking spelled out may stand on one side (``A. T. O.</td><td>M. A. L``).
- **Struck text** (``<del>``, ``<s>``, ``<strike>``) is visible, so the line is read with
  it (its tags are inline: the line's own reading) and once more without it.

``renderings`` gives each such reading with every character's offset in the line and the
marks a finding must touch to be new: a seam where something was removed, a span shown in
capitals. Each reading is linear in the line; none is given when nothing changes.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from typing import NamedTuple

from milai._lazyre import lazy_compile
from milai.policy.normalise import skeleton_char

# What makes a line of markup worth each rendering (looked for in the line in lower case:
# a line with none costs a few scans in C).
_HIDDEN_HINTS = ("hidden", "display", "font-size", "visibility", "opacity")
_STRUCK_HINTS = ("<del", "<s>", "<s ", "<strike")
_OPEN_TAG_RE = lazy_compile(
    r"<(?P<name>[A-Za-z][\w:\-]{0,30})(?P<attrs>[^\S\n][^<>\n]{0,400})?>", re.IGNORECASE
)
_HIDDEN_ATTRS_RE = lazy_compile(
    r"(?<![\w\-])hidden(?![\w\-])"
    r"|display[^\S\n]{0,3}:[^\S\n]{0,3}none"
    r"|visibility[^\S\n]{0,3}:[^\S\n]{0,3}(?:hidden|collapse)"
    r"|(?:font-size|opacity)[^\S\n]{0,3}:[^\S\n]{0,3}0*(?:\.0*)?(?![.\d])",
    re.IGNORECASE,
)
_SMALL_CAPS_ATTRS_RE = lazy_compile(r"small-?caps", re.IGNORECASE)
# An element that CSS shows in capitals, and LaTeX's and Typst's capitals: the text they set.
# (CSS's style; a class that sets it, Tailwind's ``uppercase`` and Bootstrap's
# ``text-uppercase``; XAML's ``CharacterCasing``, MAUI's ``TextTransform``, Android's
# ``textAllCaps``)
_UPPER_ATTRS_RE = lazy_compile(
    r"text-transform[^\S\n]{0,3}:[^\S\n]{0,3}uppercase"
    r"""|class(?:Name)?[^\S\n]{0,3}=[^\S\n]{0,3}["'][^"'\n]{0,200}(?<![\w-])(?:text-)?uppercase(?![\w-])"""
    r"""|(?:CharacterCasing|TextTransform|textAllCaps)[^\S\n]{0,3}=[^\S\n]{0,3}["']?"""
    r"(?:upper(?:case)?|true)\b",
    re.IGNORECASE,
)
_UPPER_RE = lazy_compile(
    r"\\(?:MakeUppercase|uppercase)\{(?P<arg>[^{}\n]{1,400})\}"
    r"|#upper(?:\[(?P<content>[^\[\]\n]{1,400})\]|\(\"(?P<string>[^\"\n]{1,400})\"\))"
)
_STRUCK_NAMES = frozenset({"del", "s", "strike"})
# LaTeX's and RTF's small capitals, and Pandoc's span: the text they set.
_SMALL_CAPS_RE = lazy_compile(
    r"\\textsc\{(?P<arg>[^{}\n]{1,400})\}"
    r"|\\(?:scshape|sc|scaps)(?![A-Za-z])[^\S\n]?(?P<group>[^{}\\\n]{1,400})"
    r"|\[(?P<span>[^\[\]\n]{1,400})\]\{\.smallcaps\}"
)
# The seam between two table cells, between letters (``SEC</td><td>RET``; a look-alike
# that stands for a letter is one: ``🅐🅣🅞</td><td>🅜🅐🅛``, ``letterlike``).
_CELL_SEAM_RE = lazy_compile(
    r"</[tT][dDhH][^\S\n]{0,3}>[^\S\n]{0,8}<[tT][dDhH](?:[^\S\n][^<>\n]{0,200})?>(?=[^\s<])"
)
_TAG_RE = lazy_compile(r"<[^<>\n]{0,400}>")
_END_TAG_RE = lazy_compile(r"</(?P<name>[A-Za-z][\w:\-]{0,30})[^\S\n]{0,3}>")
_START_NAME_RE = lazy_compile(r"<(?P<name>[A-Za-z][\w:\-]{0,30})(?=[\s>/])")
_WORD_RE = lazy_compile(r"[^\W\d_]+")
_MAX_ELEMENT = 400  # the most characters from an element's start tag to its end tag


class Rendering(NamedTuple):
    """A line as rendered: its text, each character's offset in the line, and the marks
    a finding must touch (``touches``): seams (start == end) and spans shown in capitals."""

    text: str
    offsets: list[int]
    marks: list[tuple[int, int]]

    def touches(self, start: int, end: int) -> bool:
        """Whether a finding at ``[start, end)`` of the text spans a seam or overlaps a
        span in capitals."""
        return any(
            start < seam < end if seam == stop else start < stop and seam < end
            for seam, stop in self.marks
        )


def _closed_on_the_line(
    line: str, wanted: Callable[[re.Match[str]], bool]
) -> list[tuple[int, int, int, int]]:
    """The elements whose start tag is ``wanted`` and whose end tag is on the line: start
    tag's start and end, end tag's start and end."""
    found: list[tuple[int, int, int, int]] = []
    position = 0
    while True:
        tag = _OPEN_TAG_RE.search(line, position)
        if tag is None:
            return found
        position = tag.end()
        if not wanted(tag):
            continue
        close = _end_tag(line, tag.group("name"), tag.end())
        if close is not None:
            found.append((tag.start(), tag.end(), *close))
            position = close[1]


def _elements(line: str, attrs_re: re.Pattern[str]) -> list[tuple[int, int, int, int]]:
    """The elements whose start tag's attributes match ``attrs_re``, closed on the line."""

    def wanted(tag: re.Match[str]) -> bool:
        attrs = tag.group("attrs")
        return attrs is not None and attrs_re.search(attrs) is not None

    return _closed_on_the_line(line, wanted)


def _struck(line: str) -> list[tuple[int, int, int, int]]:
    """The struck elements (``<del>…</del>``, ``<s>``, ``<strike>``) closed on the line."""
    return _closed_on_the_line(line, lambda tag: tag.group("name").lower() in _STRUCK_NAMES)


def _end_tag(line: str, name: str, start: int) -> tuple[int, int] | None:
    """The span of the end tag of an element ``name`` opened before ``start``, when it is
    within reach and no element of that name opens before it (nested: not read)."""
    wanted = name.lower()
    stop = min(len(line), start + _MAX_ELEMENT)
    for close in _END_TAG_RE.finditer(line, start, stop):
        if close.group("name").lower() != wanted:
            continue
        opened = _START_NAME_RE.finditer(line, start, close.start())
        if any(tag.group("name").lower() == wanted for tag in opened):
            return None
        return close.span()
    return None


def _small_caps(
    line: str, lowered: str, removed: list[tuple[int, int]], changed: dict[int, str]
) -> list[tuple[int, int]]:
    """The spans of text that small capitals set (outside tags: a tag's own text is no
    text). Pandoc's ``[…]{.smallcaps}`` shows as a group in braces (``{…}``: a cell, as
    LaTeX's), its attributes removed (``removed``, ``changed``)."""
    spans: list[tuple[int, int]] = []
    matches: list[re.Match[str]] = []
    if "\\sc" in line or "\\textsc" in line or "{.smallcaps}" in line:
        matches = list(_SMALL_CAPS_RE.finditer(line))
    for match in matches:
        group = next(g for g in ("arg", "group", "span") if match.group(g) is not None)
        spans.append(match.span(group))
        if group == "span":
            changed[match.start()] = "{"
            changed[match.end(group)] = "}"
            removed.append((match.end(group) + 1, match.end()))
    if "caps" in lowered and "<" in line:
        spans += _styled_text(line, _SMALL_CAPS_ATTRS_RE)
    return [span for span in spans if span[1] > span[0]]


def _all_capitals(line: str, lowered: str, removed: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans of text shown in capitals whatever its case: an element styled
    ``text-transform: uppercase``, LaTeX's ``\\MakeUppercase{…}``, Typst's ``#upper[…]`` and
    ``#upper("…")`` (outside tags: a tag's own text is no text). Typst's function name is
    not shown: ``#upper[…]`` reads as a group in brackets (``removed``)."""
    spans: list[tuple[int, int]] = []
    if "uppercase" in lowered or "#upper" in lowered:
        for match in _UPPER_RE.finditer(line):
            group = next(g for g in ("arg", "content", "string") if match.group(g) is not None)
            spans.append(match.span(group))
            if group == "content":
                removed.append((match.start(), match.start(group) - 1))
    if ("upper" in lowered or "allcaps" in lowered) and "<" in line:
        spans += _styled_text(line, _UPPER_ATTRS_RE)
    return [span for span in spans if span[1] > span[0]]


def _styled_text(line: str, attributes: re.Pattern[str]) -> list[tuple[int, int]]:
    """The text between the tags inside each element of ``line`` whose attributes match
    ``attributes`` (a style that shows it in capitals or small capitals)."""
    spans: list[tuple[int, int]] = []
    for _, open_end, close_start, _ in _elements(line, attributes):
        last = open_end
        for tag in _TAG_RE.finditer(line, open_end, close_start):
            spans.append((last, tag.start()))
            last = tag.end()
        spans.append((last, close_start))
    return spans


def _uppered(line: str, spans: list[tuple[int, int]]) -> dict[int, str]:
    """The characters that capitals change: each small letter in ``spans``, as its capital
    (one character: ``ß`` stays)."""
    changed: dict[int, str] = {}
    for start, end in spans:
        for at in range(start, end):
            upper = line[at].upper()
            if len(upper) == 1 and upper != line[at]:
                changed[at] = upper
    return changed


def _capitals(line: str, spans: list[tuple[int, int]]) -> dict[int, str]:
    """The characters that small capitals change: each letter of a word in small letters
    in ``spans``, as its capital (one character: ``ß`` stays)."""
    changed: dict[int, str] = {}
    for start, end in spans:
        for word in _WORD_RE.finditer(line, start, end):
            if not word.group().islower():
                continue
            for at in range(word.start(), word.end()):
                upper = line[at].upper()
                if len(upper) == 1 and upper != line[at]:
                    changed[at] = upper
    return changed


def _render(
    line: str,
    removed: list[tuple[int, int]],
    changed: dict[int, str],
    regions: list[tuple[int, int]],
) -> Rendering:
    """``line`` without ``removed`` (spans, may overlap) and with ``changed``; the marks
    are the seams, the changed characters and ``regions`` (line offsets)."""
    text: list[str] = []
    offsets: list[int] = []
    marks: list[tuple[int, int]] = []
    position = 0
    for start, end in sorted(removed):
        if end <= position:
            continue
        for at in range(position, max(start, position)):
            text.append(changed.get(at, line[at]))
            offsets.append(at)
        marks.append((len(text), len(text)))
        position = end
    for at in range(position, len(line)):
        text.append(changed.get(at, line[at]))
        offsets.append(at)
    run = -1
    for index, at in enumerate(offsets):
        if at in changed:
            if run < 0:
                run = index
        elif run >= 0:
            marks.append((run, index))
            run = -1
    if run >= 0:
        marks.append((run, len(offsets)))
    for start, end in regions:
        first = bisect_left(offsets, start)
        last = bisect_left(offsets, end)
        if last > first:
            marks.append((first, last))
    return Rendering("".join(text), offsets, marks)


def _cell_before(line: str, end: int) -> str:
    """The text of the table cell that ends at ``end`` (from the tag before it)."""
    return line[line.rfind(">", 0, end) + 1 : end]


def letterlike(ch: str) -> bool:
    """A letter or a digit, or a symbol that stands for a letter (a letter in a circle or
    a square, a regional indicator, a Braille cell: its skeleton is a letter)."""
    return ch.isalnum() or (not ch.isascii() and skeleton_char(ch).isalpha())


# What spaces a marking's letters out (``S.E.C.R.E.T``, ``S|E|C``, ``S-E-C``, ``S*E*C``).
_LETTER_SEPARATORS = frozenset(".|-_*/\u00b7\u2022\u2800")


def joins(before: str, after: str) -> bool:
    """Whether two table cells that meet on ``before`` and ``after`` show one word: both
    ``letterlike`` (``SEC|RET``), or one a separator that spaces a marking's letters out
    (cut at one: ``A. T. O.|M. A. L``)."""
    if letterlike(before):
        return letterlike(after) or after in _LETTER_SEPARATORS
    return before in _LETTER_SEPARATORS and letterlike(after)


def despaced(cell: str) -> str | None:
    """A cell's text spelled out a letter at a time (``S|E|C``, ``G. E. H. E``, ``N||A||T||O
    S||E``) without its separators and blanks (``SEC``); None when a letter stands beside
    another (words, not letters spaced out) or the cell holds other characters, or is one
    letter with no separator (``S|`` is one)."""
    kept = []
    alone = separated = False
    for ch in cell:
        if letterlike(ch):
            if alone:
                return None
            kept.append(ch)
            alone = True
        elif ch in _LETTER_SEPARATORS or ch.isspace():
            separated = separated or ch in _LETTER_SEPARATORS
            alone = False
        else:
            return None
    return "".join(kept) if len(kept) > 1 or (kept and separated) else None


def renderings(line: str, starts_marking: Callable[[str], bool]) -> list[Rendering]:
    """The readings of ``line`` as rendered (module docstring); none when it shows as its
    text reads. Two table cells are joined only where the first holds the start of a
    marking and no whole one (``starts_marking``): a table's rows hold many seams between
    words (``Anna</td><td>Berg``), and reading each row again would cost a scan each."""
    if "<" not in line and "\\" not in line and "{.smallcaps}" not in line and "#upper" not in line:
        return []
    lowered = line.lower()
    removed: list[tuple[int, int]] = []
    if "<" in line and any(hint in lowered for hint in _HIDDEN_HINTS):
        removed += [(start, end) for start, _, _, end in _elements(line, _HIDDEN_ATTRS_RE)]
    if "</t" in lowered:
        removed += [
            seam.span()
            for seam in _CELL_SEAM_RE.finditer(line)
            if seam.start()
            and joins(line[seam.start() - 1], line[seam.end()])
            and starts_marking(_cell_before(line, seam.start()))
        ]
    changed: dict[int, str] = {}
    regions = _small_caps(line, lowered, removed, changed)
    changed.update(_capitals(line, regions))
    uppers = _all_capitals(line, lowered, removed)
    changed.update(_uppered(line, uppers))
    regions += uppers
    found: list[Rendering] = []
    if removed or changed:
        found.append(_render(line, removed, changed, regions))
    struck = _struck(line) if any(hint in lowered for hint in _STRUCK_HINTS) else []
    if struck:
        spans = removed + [(start, end) for start, _, _, end in struck]
        found.append(_render(line, spans, changed, regions))
    return found


# A line that ends with a table cell against a letter, and one that starts with a cell
# against a letter: a row written a cell a line (``<td>NATO SEC</td>`` / ``<td>RET</td>``).
_ROW_TAIL_RE = lazy_compile(r"(?<=[^\s>])</t[dh][^\S\n]{0,3}>[^\S\n]*$", re.IGNORECASE)
_ROW_HEAD_RE = lazy_compile(
    r"[^\S\n]{0,80}<t[dh](?:[^\S\n][^<>\n]{0,200})?>(?=[^\s<])", re.IGNORECASE
)


def row_ends(line: str, starts_marking: Callable[[str], bool]) -> bool:
    """Whether ``line`` ends with a table cell whose text ends against its end tag and
    holds the start of a marking and no whole one (``renderings``)."""
    if "</" not in line[-16:]:
        return False
    tail = _ROW_TAIL_RE.search(line, max(0, len(line) - 16))
    return tail is not None and starts_marking(_cell_before(line, tail.start()))


def row_seam(before: str, before_at: int, line: str, at: int) -> Rendering | None:
    """The last cell of ``before`` (a line that ``row_ends``, at original offset
    ``before_at``) and the first of ``line`` (at ``at``) read joined, the seam between
    them removed; offsets are original offsets. None when ``line`` starts with no cell."""
    head = _ROW_HEAD_RE.match(line)
    tail = _ROW_TAIL_RE.search(before, max(0, len(before) - 16))
    if head is None or tail is None or not joins(before[tail.start() - 1], line[head.end()]):
        return None
    text = before[: tail.start()] + line[head.end() :]
    offsets = [before_at + i for i in range(tail.start())]
    offsets += [at + i for i in range(head.end(), len(line))]
    return Rendering(text, offsets, [(tail.start(), tail.start())])
