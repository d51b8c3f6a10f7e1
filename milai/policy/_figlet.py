"""Banners drawn in ASCII art: FIGlet's fonts (``figlet NATO SECRET`` in /etc/motd, in a
code comment, inside ``<pre>``), and the Unix ``banner`` command's ``#`` letters (FIGlet's
``banner`` font draws them alike), read back to the text they draw.

A block of art is found cheaply first (``art_regions``): three lines or more in a row that
hold no two letters side by side (art has none; words have them) and some of art's
strokes. Each region is then read in each font whose strokes it is drawn with
(``_Font.read``): its lines, a comment's prefix (or a box round them) taken off, are cut
into blocks of the font's height (FIGlet wraps a long banner at 80 columns into blocks
stacked one under the other: they are read in order, as one line), and each block is read
left to right.

Reading a block is a search over glyph placements (``_block``). FIGlet lays glyphs
out kerned or smushed: a glyph moves left until, in some row, it touches the glyph before
or shares a column with it, the shared cell drawn as one of the two characters (or
``|``, ``Y``, ``X`` for a pair of slashes or brackets). So, row by row, the glyphs' drawn
stretches follow each other in order, at most one cell shared between neighbours. The
search keeps, for each row, the last cell covered so far; the next glyph's stretch in a
row must start at that row's next drawn cell (or share the last one), and match the block
exactly but for the cells it may share. A block is read only when its every drawn cell
is covered: what no glyph draws is no art of these fonts. A gap between two glyphs as
wide as a blank's glyph leaves (``WORD_GAPS``, font by font) makes a word break. The
search stops at its first exact reading (wider glyphs tried first), and gives a block up
after ``MOST_PLACEMENTS`` placements tried, a whole region (every font, prefix and
block) after ``REGION_PLACEMENTS``: a drawing made to be slow to read costs a bounded
time, and is not read.

The fonts are the FIGlet distribution's (``_figlet_fonts``, written by ``_figlet_gen``):
contributed fonts without leave to redistribute them (``doom``, ``banner3``, ``starwars``)
are not read, nor are fonts of one row (plain text already) or art drawn freehand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from milai._lazyre import lazy_compile

# A line of art: no two letters side by side (FIGlet's strokes hold single letters at
# most: bubble's and digital's framed letters, mini's ``o``), something drawn. Three such
# lines in a row, blank lines between them allowed, make a region worth reading.
# Linear: blanks, digits and lone letters up to the first thing drawn, anything but a
# letter pair after it (no character can match two ways).
_ALONE = r"[A-Za-z](?![A-Za-z])"
_ART_LINE = rf"(?:[\t 0-9]|{_ALONE})*[^\sA-Za-z0-9](?:[^A-Za-z\n]|{_ALONE})*"
_ART_RUN = lazy_compile(rf"(?m)^(?:{_ART_LINE}\n(?:[ \t]*\n){{0,3}}){{2,}}{_ART_LINE}(?:\n|\Z)")
# A comment's prefix that every line of a block may carry (``# ``, ``// ``, `` * ``,
# ``-- ``, ``;; ``, ``% ``, ``> ``), tried off when the art does not read with it.
_PREFIX = lazy_compile(r"[ \t]*(?:#+|//+|/?\*+|--+|;+|%+|>+|!+|')[ \t]?")
_DELIMITER = lazy_compile(
    r"[ \t]*(?:/\*+|\*+/|<!--|-->|\"\"\"|\'\'\'|\{-|-\}|```+[\w+-]{0,20}|~~~+[\w+-]{0,20})[ \t]*"
)
MOST_LINES = 64  # a region longer than this is no banner (a diagram, a drawing)
MOST_WIDTH = 320  # nor is a line wider than four FIGlet wraps
# A word break, font by font: the fewest blanks between two glyphs' strokes, in the rows
# both draw in, that a blank's glyph leaves (False), or between their boxes (True: fonts
# whose glyphs keep their own blank columns). Measured on pyfiglet's layout (the tests).
WORD_GAPS: dict[str, tuple[int, bool]] = {
    "banner": (1, True),
    "block": (1, True),
    "bubble": (0, False),
    "digital": (0, False),
    "lean": (6, False),
    "script": (1, True),
    "shadow": (3, False),
    "smscript": (2, False),
}
MOST_PLACEMENTS = 100_000  # placements tried in one block before it is given up as no art
REGION_PLACEMENTS = 400_000  # and in one region, all its readings together
TEXT_PLACEMENTS = 800_000  # and in one text, all its regions together, and per character:
PLACEMENTS_PER_CHAR = 4
SMUSHED = "|YX"  # what two glyphs' shared cell may show besides either glyph's character
# Glyphs a reader prefers where two look alike (banner's small letters are its capitals).
_ORDER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\u00c4\u00d6\u00dc-/abcdefghijklmnopqrstuvwxyz"
_ORDER += "\u00e4\u00f6\u00fc\u00df"


@dataclass(frozen=True, slots=True)
class _Glyph:
    """A glyph: its character, and for each row it draws in, (row, first drawn column,
    the drawn stretch from there to the last drawn column)."""

    char: str
    width: int
    rows: tuple[tuple[int, int, str], ...]


class _Font:
    """One FIGlet font, read back: its glyphs and the strokes they are drawn with."""

    def __init__(self, name: str, height: int, glyphs: dict[str, str]) -> None:
        self.name = name
        self.height = height
        seen: set[tuple[tuple[int, int, str], ...]] = set()
        self.glyphs: list[_Glyph] = []
        # characters _ORDER does not name (find: -1) last
        for char in sorted(glyphs, key=lambda c: _ORDER.find(c) % (len(_ORDER) + 1)):
            if char == " ":
                continue
            rows = []
            for number, row in enumerate(glyphs[char].split("\n")):
                drawn = row.replace("$", " ")
                core = drawn.strip(" ")
                if core:
                    rows.append((number, len(drawn) - len(drawn.lstrip(" ")), core))
            key = tuple(rows)
            if key and key not in seen:  # a look-alike reads as the glyph preferred
                seen.add(key)
                width = max(map(len, glyphs[char].split("\n")))
                self.glyphs.append(_Glyph(char, width, key))
        # Wider glyphs first: the search stops at its first exact reading, and one glyph
        # read where its strokes could also be two narrower ones' is the likelier.
        self.glyphs.sort(key=lambda glyph: -glyph.width)
        self.strokes = frozenset("".join(c for g in self.glyphs for _, _, c in g.rows))
        self.strokes |= frozenset(SMUSHED + " ")
        self.word_gap, self.by_box = WORD_GAPS.get(name, (1, False))

    def read(self, lines: list[str], budget: list[int]) -> str | None:
        """The text ``lines`` (a region, its prefix off) draw in this font, a block a
        line; None unless every drawn cell belongs to a glyph. ``budget``: the
        placements the region may still try (spent here)."""
        height = self.height
        texts: list[str] = []
        count = len(lines)
        done = 0  # the first line that no block read so far covers
        while True:
            at = done
            while at < count and not lines[at].strip():
                at += 1
            if at >= count:
                break
            lowest = done if texts else at - height + 1
            text = None
            for first in range(at, max(lowest, at - height + 1) - 1, -1):
                # The block's first row: this line, or a blank one above it (above the
                # region's first line too: a font's top row is often blank). Its last rows
                # may be missing (blank rows dropped: an HTML page's <pre>, an editor).
                for end in range(first + height, at, -1):
                    rows = [
                        lines[n] if 0 <= n < min(count, end) else ""
                        for n in range(first, first + height)
                    ]
                    text = _block(self, tuple(rows), budget)
                    if text:
                        break
                if text:
                    texts.append(text)
                    done = end
                    break
            else:
                return None
        # blocks stacked are lines: a banner wrapped at 80 columns reads as a marking split
        # over lines does, and two drawn one under the other (a marking, then a host's
        # name) read as two lines, not one
        return "\n".join(texts) if texts else None


def _block(font: _Font, rows: tuple[str, ...], region: list[int]) -> str | None:
    """The text one block (``font.height`` rows) draws, or None (``region``: the
    placements its region may still try, spent here)."""
    height = len(rows)
    glyphs = font.glyphs
    memo: dict[tuple[tuple[int, ...], tuple[str, ...]], tuple[int, int, str] | None] = {}
    budget = [min(MOST_PLACEMENTS, region[0])]

    def best(covered: tuple[int, ...], lefts: tuple[str, ...]) -> tuple[int, int, str] | None:
        """The cheapest way to cover what is left right of ``covered`` (the last covered
        column of each row; ``lefts``: the character the last glyph drew there): (cells
        shown as a neighbour's, glyphs, text), or None."""
        key = (covered, lefts)
        if key in memo:
            return memo[key]
        memo[key] = None  # no placement leads back here: each covers a new cell
        nexts = []
        owed = []
        for r in range(height):
            row = rows[r]
            at = covered[r]
            owed.append(at >= 0 and row[at] != lefts[r])
            start = at + 1
            while start < len(row) and row[start] == " ":
                start += 1
            nexts.append(start if start < len(row) else -1)
        if all(n < 0 for n in nexts):
            answer = None if any(owed) else (0, 0, "")
            memo[key] = answer
            return answer
        found: tuple[int, int, str] | None = None
        # The next glyph draws the leftmost cell not covered yet (its stretch in that
        # row starts there: what it follows is covered).
        leftmost = min(n for n in nexts if n >= 0)
        aims = [r for r in range(height) if nexts[r] == leftmost]
        for glyph in glyphs:
            # its stretch starts there, or shares the cell before with what it follows
            starts = {leftmost - left for r, left, _ in glyph.rows if r in aims}
            starts.update(covered[r] - left for r, left, _ in glyph.rows if r in aims)
            for x in starts:
                budget[0] -= 1
                if budget[0] < 0:
                    return None
                placed = _place(glyph, x, rows, covered, lefts, nexts, owed)
                if placed is None:
                    continue
                new_covered, new_lefts, shared, gap = placed
                rest = best(new_covered, new_lefts)
                if rest is None:
                    continue
                candidate = (rest[0] + shared, rest[1] + 1, _join(glyph, x, gap, rest[2]))
                if found is None or candidate[:2] < found[:2]:
                    found = candidate
                if not found[0]:
                    break  # no cell shown as a neighbour's: as good as it gets
            if found is not None and not found[0]:
                break
        memo[key] = found
        return found

    start = best(tuple([-1] * height), tuple([""] * height))
    region[0] -= min(MOST_PLACEMENTS, region[0]) - max(budget[0], 0)
    if start is None or not start[2]:
        return None
    return _words(start[2], font.word_gap, font.by_box)


def _join(glyph: _Glyph, x: int, gap: int, rest: str) -> str:
    """A glyph's character before the rest of the block's, where it stands recorded
    (its left edge, width, and gap to what it follows; read by ``_words``)."""
    return f"\0{x},{glyph.width},{gap}\0{glyph.char}{rest}"


_PLACED = lazy_compile("\0(-?[0-9]+),([0-9]+),(-?[0-9]+)\0(.)", re.DOTALL)


def _words(coded: str, word_gap: int, by_box: bool) -> str:
    """``_join``'s text with a blank where a gap is a word break: the fewest blanks
    between two glyphs' strokes (``by_box``: between their boxes) at least ``word_gap``.
    Where most gaps (of three or more) would be breaks, the art was laid out full width
    (``figlet -W``: each glyph in its own box, side by side): a break is a gap between
    boxes."""
    placed = [
        (int(match.group(1)), int(match.group(2)), int(match.group(3)), match.group(4))
        for match in _PLACED.finditer(coded)
    ]
    boxes = [x - (last[0] + last[1]) for last, (x, _, _, _) in pairwise(placed)]
    strokes = [gap for _, _, gap, _ in placed[1:]]
    breaks = [gap >= word_gap for gap in (boxes if by_box else strokes)]
    if len(breaks) >= 3 and 2 * sum(breaks) > len(breaks):
        breaks = [gap >= 1 for gap in boxes]
    out = [placed[0][3]] if placed else []
    for wide, (_, _, _, char) in zip(breaks, placed[1:], strict=True):
        out.append(" " + char if wide else char)
    return "".join(out)


def _place(
    glyph: _Glyph,
    x: int,
    rows: tuple[str, ...],
    covered: tuple[int, ...],
    lefts: tuple[str, ...],
    nexts: list[int],
    owed: list[bool],
) -> tuple[tuple[int, ...], tuple[str, ...], int, int] | None:
    """``glyph`` placed with its left edge at column ``x``: the new covered columns and
    last characters, how many of its cells show a neighbour's character, and its gap to
    what it follows (the fewest blanks between, in the rows both draw in); None where it
    does not fit."""
    new_covered = list(covered)
    new_lefts = list(lefts)
    shared = 0
    gap = 1 << 20
    advanced = False
    for r, left, core in glyph.rows:
        row = rows[r]
        start = x + left
        end = start + len(core) - 1
        if start < 0 or end >= len(row):
            return None
        last = covered[r]
        if start < last:
            return None
        if start == last:  # smushed with what it follows: either one, or a smush
            cell = row[start]
            if cell != core[0] and cell != lefts[r] and cell not in SMUSHED:
                return None
            if cell != core[0]:
                shared += 1
        else:
            if owed[r] or nexts[r] != start:
                return None
            if row[start] != core[0] and end > start:
                return None
        if end > start:
            if row[start + 1 : end] != core[1:-1]:
                return None
            if row[end] != core[-1]:
                shared += 1  # shown as the next glyph's, which must share it
        if last >= 0:
            gap = min(gap, start - last - 1)
        if end > last:
            advanced = True
        new_covered[r] = end
        new_lefts[r] = core[-1]
    if not advanced:
        return None
    return tuple(new_covered), tuple(new_lefts), shared, gap


@cache
def fonts() -> tuple[_Font, ...]:
    """The fonts read, built on first use (only where art was found)."""
    from milai.policy._figlet_fonts import FONTS

    return tuple(_Font(name, height, glyphs) for name, (height, _, glyphs) in FONTS.items())


@dataclass(frozen=True, slots=True)
class Banner:
    """A region of art read: its span in the text, the text it draws (its blocks joined by
    a blank, as FIGlet wraps one line), the font, and the blocks' texts one by one."""

    start: int
    end: int
    text: str
    font: str
    blocks: tuple[str, ...] = ()


def art_regions(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that may be art (``_ART_RUN``): lines, the last one's new
    line excluded."""
    found = []
    for match in _ART_RUN.finditer(text):
        end = match.end()
        if text[end - 1 : end] == "\n":
            end -= 1
        found.append((match.start(), end))
    return found


_LINE = lazy_compile(_ART_LINE)
_PAIR = lazy_compile(r"[A-Za-z]{2}")


def art_prefix(piece: str, length: int) -> bool:
    """Whether an unfinished line, ``length`` characters so far, whose latest text is
    ``piece``, may still be a line of art (as far as ``piece`` tells: no letter pair)."""
    return length <= MOST_WIDTH and _PAIR.search(piece) is None


def art_open_start(text: str) -> int | None:
    """Where, in complete lines (``text`` ends with a new line), the lines of art that
    the next lines may continue into a banner start (lines of art at the end, two blank
    lines between them at most, and after them), or None."""
    if not text.endswith("\n"):
        return None
    end = len(text) - 1
    start = None
    blanks = 0
    for _ in range(MOST_LINES + 1):
        if end < 0:
            break
        line_start = text.rfind("\n", 0, end) + 1
        line = text[line_start:end]
        if not line.strip():
            blanks += 1
            if blanks > 3:
                break
        elif len(line) <= MOST_WIDTH and _LINE.fullmatch(line):
            start, blanks = line_start, 0
        else:
            break
        end = line_start - 1
    else:
        return None  # too many lines for a banner
    return start


def _prefixes(lines: list[str]) -> list[int]:
    """The prefix lengths to try taking off every line: none, and a comment's prefix
    every drawn line starts with (as long as all share it, and shorter)."""
    drawn = [line for line in lines if line.strip()]
    found = [0]
    if not drawn:
        return found
    first = _PREFIX.match(drawn[0])
    if first is None:
        return found
    prefix = first.group()
    while prefix.strip() and not all(
        line.startswith(prefix) or not line.strip(prefix) for line in drawn
    ):
        prefix = prefix[:-1]
    stripped = prefix.rstrip(" \t")
    for size in (len(prefix), len(stripped)):
        if stripped.strip() and size not in found:
            found.append(size)
    return found


def read_banners(text: str) -> list[Banner]:
    """The art regions of ``text`` read as text, in whichever font reads them (a carriage
    return read as a blank: Windows line ends). All of a text's regions share a budget of
    placements
    (``TEXT_PLACEMENTS`` and a few a character): a text of many regions built to be slow
    costs time in its length; past the budget, the rest is not read as art."""
    text = text.replace("\r", " ")
    found = []
    budget = [TEXT_PLACEMENTS + PLACEMENTS_PER_CHAR * len(text)]
    for start, end in art_regions(text):
        if budget[0] <= 0:
            break
        region = text[start:end]
        lines = region.split("\n")
        if len(lines) > MOST_LINES or max(map(len, lines)) > MOST_WIDTH:
            continue
        read = _read_region(lines, budget)
        if read is not None:
            blocks = tuple(read[0].split("\n"))
            found.append(Banner(start, end, " ".join(blocks), read[1], blocks))
    return found


def _read_region(lines: list[str], spent: list[int]) -> tuple[str, str] | None:
    """What a region's lines draw, and in which font (a comment's opening or closing
    line, ``/*`` or `` */``, read as a blank line); or, failing that, the same inside a
    box (``_unboxed``)."""
    lines = ["" if _DELIMITER.fullmatch(line) else line for line in lines]
    budget = [min(REGION_PLACEMENTS, spent[0])]
    try:
        return _read_candidates(lines, budget)
    finally:
        spent[0] -= min(REGION_PLACEMENTS, spent[0]) - max(budget[0], 0)


def _read_candidates(lines: list[str], budget: list[int]) -> tuple[str, str] | None:
    for size in _prefixes(lines):
        cut = [line[size:].rstrip() if line.strip() else "" for line in lines]
        for candidate in (cut, _unboxed(cut)):
            if candidate is None:
                continue
            drawn = frozenset("".join(candidate))
            if len(drawn - {" "}) == 1 and "#" not in drawn:
                # banner's letters drawn with another character (``tr '#' '*'``)
                (ink,) = drawn - {" "}
                candidate = [line.replace(ink, "#") for line in candidate]
                drawn = frozenset("# ")
            for font in fonts():
                if not drawn <= font.strokes:
                    continue
                text = font.read(candidate, budget)
                if text and any(char.isalnum() for char in text):
                    return text, font.name
    return None


def _unboxed(lines: list[str]) -> list[str] | None:
    """The lines inside a box drawn round them (a motd's frame of ``#`` or ``*``): rules
    of one repeated character above and below made blank, and the frame's right edge (the
    same character ending every other drawn line in the same column) taken off; None where
    there is no such box. Its left edge is a prefix (``_prefixes``)."""
    drawn = [n for n, line in enumerate(lines) if line.strip()]
    if len(drawn) < 3:
        return None
    out = list(lines)
    frame = set()
    for n in (drawn[0], drawn[-1]):
        rule = lines[n].strip()
        if len(rule) >= 3 and rule == rule[0] * len(rule):
            out[n] = ""
            frame.add(rule[0])
    inner = [line for line in out if line.strip()]
    edge = {(len(line), line[-1]) for line in inner}
    # the right edge is the frame's own character (``#`` round ``#``), not a glyph's
    # straight stroke under a dash rule or a Markdown fence
    if len(edge) == 1 and next(iter(edge))[1] in frame:
        out = [line[:-1].rstrip() for line in out]
    return out if out != lines else None
