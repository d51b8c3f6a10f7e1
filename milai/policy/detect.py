"""The scanner: finds markings, keywords, regex detections, hidden characters and encoded
runs in text that arrives in pieces, with the same result whatever the pieces.

Each detection unit runs one regular expression over a view and keeps the position up to
which its answer is final. A position is final when no attempt to match there can look
past the text received so far: either the most a match can examine (its *reach*) fits, or
the attempt is stopped earlier by a character it cannot use (a new line for markings,
a space for an e-mail address). Whatever lies before every unit's next open position can
be released: no future finding can start there.
"""

from __future__ import annotations

import csv
import enum
import heapq
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Sequence
from functools import cache, cached_property, partial
from itertools import islice
from typing import TYPE_CHECKING, Any, Generic, Literal, NamedTuple, TypeVar, cast

from milai import _budget
from milai._lazyre import lazy_compile
from milai.documents._base64_runs import START_RE as BASE64_DOCUMENT_RE
from milai.documents._base64_runs import document_bytes
from milai.policy import _document_runs as document_runs
from milai.policy._built import Built, built_strings
from milai.policy._built import call_spans as built_call_spans
from milai.policy._built import hint_spans as built_hint_spans
from milai.policy._built import open_call as open_built_call
from milai.policy._calls import REACH as CALL_REACH
from milai.policy._calls import START_RE as CALL_START_RE
from milai.policy._calls import evaluated as evaluated_calls
from milai.policy._calls import holds_words as call_holds_words
from milai.policy._calls import sniffed as call_sniffed
from milai.policy._calls import value_re as call_value_re
from milai.policy._ciphers import CipherWords
from milai.policy._comments import undecided as undecided_comment
from milai.policy._comments import word_comments
from milai.policy._composed import ComposedShifts
from milai.policy._data_lines import (
    data_cells,
    escaped_strings,
    in_name_list,
    line_cells,
    sse_open,
    sse_runs,
    sse_texts,
)
from milai.policy._doubled import FillerWords
from milai.policy._dsl import values as dsl_values
from milai.policy._enums import EnumBody
from milai.policy._figlet import art_open_start, art_prefix, read_banners
from milai.policy._file_names import file_name_cells
from milai.policy._folds import (
    CALENDAR,
    CALENDAR_LEAD,
    MAIL,
    MARK_LENGTH,
    MAX_FOLDED,
    access_class,
    calendar_starts,
    component_edge,
    fold_kind,
    next_mark,
    unfold,
)
from milai.policy._joined import HINT_RE as JOINED_HINT_RE
from milai.policy._joined import Joined, joined_cdata, joined_strings, may_go_on
from milai.policy._key_values import (
    block_values,
    key_start,
    opens_text_block,
    setting,
    small_letters,
)
from milai.policy._key_values import values as key_values
from milai.policy._labelled_values import (
    labelled_cells,
    link_label,
    next_depth,
    org_heading_cells,
    property_cells,
)
from milai.policy._line_forms import LineForms
from milai.policy._lists import column_values, inside, lists, marking_items, vocabulary_spans
from milai.policy._lookups import lookup_keys
from milai.policy._markup_text import DocumentText, Seamed, without_seams
from milai.policy._markup_text import Shown as DocumentShown
from milai.policy._markup_text import search_candidate as search_markup_candidate
from milai.policy._panes import OPENER_REACH, first_opener, open_opener, panes
from milai.policy._parameters import hint_spans as parameter_hints
from milai.policy._parameters import joined_parameters
from milai.policy._parameters import may_go_on as parameter_goes_on
from milai.policy._pdf_text import SHOW_RE, PageText, Shown
from milai.policy._pieces import LINE_MOST as PIECE_LINE_MOST
from milai.policy._pieces import open_run_start as open_pieces_start
from milai.policy._pieces import piece_runs
from milai.policy._pieces import readings as piece_readings
from milai.policy._printed import print_at, printed_strings
from milai.policy._rendered import Rendering, despaced, renderings, row_ends, row_seam
from milai.policy._rotated import MIN_TURNED, rotated, turned_re
from milai.policy._short_titles import trailing_markings
from milai.policy._spelled import CANDIDATE_RE as SPELLED_CANDIDATE_RE
from milai.policy._spelled import CELL_RE as SPELLED_CELL_RE
from milai.policy._spelled import CELL_SPLIT_RE as SPELLED_SPLIT_RE
from milai.policy._spelled import (
    CONTENT_RE,
    MAX_BLANK_LINES,
    cells,
    cutting_tab,
    last_word,
    read_run,
    word_ends,
)
from milai.policy._spelled import Unit as SpelledUnit
from milai.policy._symbols import SymbolLeet
from milai.policy._terms import defined, term_line
from milai.policy._transforms import (
    SHORTEST_RUN,
    Rot13Portions,
    ShiftedWords,
    SpelledWords,
)
from milai.policy.decoders import (
    DUMP_HEAD_LENGTH,
    LINE_OVERLAP,
    MAX_LINE,
    RAW85_SYMBOL,
    TRIGGER_RE,
    base64_bytes,
    compressed,
    decode_block,
    decode_line_candidates,
    decode_pieces,
    decode_text_bytes,
    dump_candidates,
    dump_open_start,
    dump_row_begins,
    encoded_words_tail,
    folded_encoded_words,
    line_windows,
    mime_blocks,
    mime_tail,
    one_byte,
    packed_block,
    partial_start,
    raw85_candidates,
    raw85_start,
    readable,
    trigger_lines,
    unpercent,
    unpercent_plus,
    uu_candidates,
    uu_open_start,
)
from milai.policy.normalise import (
    CONTEXT,
    SGR_LONGEST,
    SGR_START,
    OffsetMap,
    Special,
    normalise,
    skeleton,
    terminal_kept,
    terminal_shown,
)
from milai.policy.patterns import (
    BBCODE,
    GLUED_FURNITURE_WORDS,
    KEYWORD_LEET,
    LEAD,
    LEAD_READINGS,
    LEAD_WORDS,
    LEAD_WORDS_FIRST,
    PORTION_OUTLINE_FORMING,
    _squeeze_table,
    banner_tail_ok,
    cell_label_regex,
    field_anchors,
    field_regex,
    keyword_alternatives,
    keyword_leet_ok,
    keyword_squeeze,
    marking_key,
    marking_squeeze,
    rot13,
    split_markings,
    squeeze,
    squeeze_is_unsure,
    tail_cites_law,
)
from milai.policy.patterns import (
    words as keyword_words,
)
from milai.policy.regexcheck import first_chars
from milai.policy.validators import VALIDATORS

if TYPE_CHECKING:
    from milai.policy.regexcheck import RegexFacts
    from milai.policy.schema import DetectorSpec, MarkingSpec

_TAG_WINDOW = 4096  # tag letters scanned at once in an endless run of them
_TAG_OVERLAP = 256  # kept from one window to the next: longer than any marking
_TAG_LETTERS = {code: code - 0xE0000 for code in range(0xE0020, 0xE007F)}
_TAG_RUN = lazy_compile("[\U000e0020-\U000e007e]+")


def tag_letters(text: str) -> str:
    """The ASCII that the tag characters in ``text`` spell (others left out)."""
    return "".join(_TAG_RUN.findall(text)).translate(_TAG_LETTERS)


# Variation selectors smuggle bytes after a visible character (an emoji): VS1-VS16
# (U+FE00-U+FE0F) are 0-15, VS17-VS256 (U+E0100-U+E01EF) 16-255; UTF-8 text read so.
_SELECTOR_RUN = lazy_compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]+")


def selector_bytes(text: str) -> bytes:
    """The bytes that the variation selectors in ``text`` stand for (others left out)."""
    return bytes(
        code - 0xFE00 if code < 0xE0000 else code - 0xE0100 + 16
        for run in _SELECTOR_RUN.findall(text)
        for code in map(ord, run)
    )


MAX_DEPTH = 4  # encodings inside encodings inside text (base64 of hex of rot13…), no deeper
ViewName = Literal["skel", "text", "classes"]
_TRIM_SLACK = 1 << 16
_MARGIN = 64  # view characters kept before the earliest open position (lookbehinds)


CELL_MARK = "\x07"  # BEL: read as a tab (``Scanner.feed``)


class Hit(NamedTuple):
    """A raw detection, before the policy's rules say what it means."""

    source: str  # "marking", "detector", "hidden" or "limit" (text not read: it blocks)
    key: str  # marking text, detector id, or "hidden-characters"
    kind: str
    level: str
    start: int  # original offsets
    end: int
    detail: str


class View:
    """A window on one view of the text, with absolute positions."""

    __slots__ = ("base", "buf", "map")

    def __init__(self, initial: str, offsets: OffsetMap) -> None:
        self.buf = initial
        self.base = 0
        self.map = offsets

    @property
    def end(self) -> int:
        return self.base + len(self.buf)

    def append(self, text: str, specials: list[Special], orig_start: int) -> None:
        start = self.end
        for special in specials:
            self.map.add(start + special.view_start, special.view_len, orig_start + special.orig)
        self.buf += text

    def trim(self, keep_from: int) -> None:
        cut = keep_from - self.base
        if cut > _TRIM_SLACK:
            self.buf = self.buf[cut:]
            self.base = keep_from
            self.map.trim(keep_from)


class Scanner:
    """Feeds text through every unit of a compiled policy; collects hits."""

    def __init__(self, engine: CompiledPolicy, depth: int = 0, cells: int = 0) -> None:
        self.engine = engine
        self.depth = depth
        # How many cells deep this text is (a cell's cells are read once more, no deeper).
        # Only the markings found in a cell count (``CellUnit``), so a cell's text runs
        # only the units that find markings.
        # Every view starts with a virtual new line (a space in the class view) so that
        # the first line is a line like the others; it maps to no original character.
        self.skel = View("\n", OffsetMap(-1))
        self.text = View("\n", OffsetMap(-1))
        self.classes = View(" ", OffsetMap(-1))
        self.orig = ""
        self.cell_marks: list[int] = []  # original offsets of the cell marks read as tabs
        self.before = ""  # the end of the text read, which decides how the next is shown
        self.unfinished = ""  # a colour sequence that the next chunk may finish
        self.orig_base = 0
        self.orig_end = 0
        # Each unit with its own scan state (typed by the unit).
        self.cells = cells
        self.runs: list[tuple[Unit[Any], ScanState]] = [
            (unit, unit.new_state()) for unit in (engine.marking_units if cells else engine.units)
        ]
        self.hits: list[Hit] = []
        self.hidden_run: tuple[int, int] | None = None  # may still grow with the next chunk
        self.hidden_tags = ""  # the ASCII that the run's tag characters spell (so far)
        self.hidden_bytes = b""  # the bytes that the run's variation selectors stand for
        self.closed = False
        # The caller's claim on the original text (a releaser keeps what it has not
        # released yet); None when only the scanner itself needs it.
        self.keep_orig_from: int | None = None
        self.seen: set[tuple[str, str, int, int]] = set()  # hits already taken, by span
        # Enumerations written one value a line (``EnumUnit``): where the body being read
        # starts (original offset; markings from there are held until it ends), and the
        # spans whose markings do not count: the bodies that are vocabularies, and the
        # keys of lookup calls (``_lookups``: names).
        self.enum_open: int | None = None
        self.vocabularies: list[tuple[int, int]] = []
        self.held: list[Hit] = []
        # A document's text elements (``DocumentTextUnit``) and a page's text
        # (``PageTextUnit``): where the document being read starts (original offset, by
        # unit; markings from there are held until its text is read), the source lines
        # whose own readers' markings on their text do not count (line start and end, text
        # start and end: one element's text on a line of the text that shows other lines'
        # too), and the hits of the text's own reading.
        self.document_open: dict[str, int] = {}
        self.quiet: list[tuple[int, int, int, int]] = []
        self.loud: set[Hit] = set()
        # What the whole check may unpack (``milai._budget``): the top scanner
        # owns it, the texts it decodes share it; and the release point last given.
        self.budget = _budget.Budget() if depth == 0 else None
        self.budget_said = False
        self.released_upto = 0

    def view(self, name: ViewName) -> View:
        return self.skel if name == "skel" else self.text if name == "text" else self.classes

    def feed(self, chunk: str) -> None:
        """Add text; finds whatever has become final."""
        if self.closed:
            raise RuntimeError("scanner already closed")
        self._budgeted(self._feed, chunk)

    def _budgeted(self, step: Callable[..., None], *args: str) -> None:
        """``step``, what it decompresses charged to the check's budget (the top scanner's;
        a decoded text's scanner runs inside its parent's step)."""
        if self.budget is None:
            step(*args)
            return
        with _budget.budgeted(self.budget):
            step(*args)
        self._say_budget()

    def _feed(self, chunk: str) -> None:
        chunk = self.unfinished + chunk
        self.unfinished = ""
        at = chunk.rfind("\x1b", max(0, len(chunk) - SGR_LONGEST))
        if at >= 0 and SGR_START.fullmatch(chunk, at):
            # a colour sequence not finished yet: it is read whole (see normalise)
            chunk, self.unfinished = chunk[:at], chunk[at:]
        if "<" in chunk:
            # a markup comment not decided yet (``_comments``): read whole, as the colours
            at = undecided_comment(chunk)
            chunk, self.unfinished = chunk[:at], chunk[at:] + self.unfinished
        if not chunk:
            return
        self._append(chunk)
        self._scan(final=False)
        self._trim()

    def _append(self, chunk: str) -> None:
        if CELL_MARK in chunk:
            # Word's cell mark (its object model, VBA and converters end a table's cell
            # with BEL, a row with two) separates cells as a tab does: read as one, one
            # character for one (every offset stays the original's); ``released`` gives
            # the text back as it came.
            start = self.orig_end
            self.cell_marks.extend(start + i for i, ch in enumerate(chunk) if ch == CELL_MARK)
            chunk = chunk.replace(CELL_MARK, "\t")
        comments = word_comments(chunk, self.before) if "<!--" in chunk else []
        views = normalise(chunk, self.before, comments)
        self.before = (self.before + chunk)[-CONTEXT:]
        at = self.orig_end
        self.skel.append(views.skel, views.skel_specials, at)
        self.text.append(views.text, views.text_specials, at)
        self.classes.append(views.classes, [], at)
        self.orig += chunk
        self.orig_end += len(chunk)
        if self.budget is not None:
            self.budget.allow(self.orig_end)
        for start, end in views.hidden:
            letters = tag_letters(chunk[start:end])
            selected = selector_bytes(chunk[start:end])
            start, end = at + start, at + end
            if self.hidden_run is not None and self.hidden_run[1] == start:
                start = self.hidden_run[0]  # a run cut by the chunking is still one run
            elif self.hidden_run is not None:
                self._emit_hidden()
            self.hidden_run = (start, end)
            if letters:
                self._add_tags(letters)
            if selected:
                self._add_selected(selected)
        if self.hidden_run is not None and self.hidden_run[1] < self.orig_end:
            self._emit_hidden()  # something visible follows: the run is complete
        if self.depth < MAX_DEPTH:
            for start, end in comments:
                # What the views no longer show is read on its own line, as a comment,
                # when it holds capitals (a comment inside prose is prose: the<!-- secret -->).
                comment = chunk[start:end]
                if _CAPITALS_RE.search(comment) is not None:
                    rescan(self, comment, at + start, at + end, "markup-comment")

    def read_whole(self, text: str) -> None:
        """``feed(text)`` then ``close()``, scanned once: a whole short text (a cell) needs
        no look at what is final before its end."""
        self._budgeted(self._append, text)
        self.close()

    def _add_tags(self, letters: str) -> None:
        """Tag characters (U+E0020-U+E007E) render as nothing but spell ASCII: the run's
        letters are another reading, scanned when the run ends, or in windows that overlap
        by more than any marking's length (memory bound on an endless run)."""
        self.hidden_tags += letters
        if len(self.hidden_tags) > _TAG_WINDOW:
            self._scan_tags()
            self.hidden_tags = self.hidden_tags[-_TAG_OVERLAP:]

    def _add_selected(self, selected: bytes) -> None:
        """Variation selectors stand for bytes (``selector_bytes``): the run's bytes, read
        as UTF-8, are another reading, scanned as the tag characters' are."""
        self.hidden_bytes += selected
        if len(self.hidden_bytes) > _TAG_WINDOW:
            self._scan_tags()
            self.hidden_bytes = self.hidden_bytes[-_TAG_OVERLAP:]

    def _scan_tags(self) -> None:
        run = self.hidden_run
        if run is not None and len(self.hidden_tags) >= 2 and self.depth < MAX_DEPTH:
            rescan(self, self.hidden_tags, run[0], run[1], "tag-character")
        if run is not None and len(self.hidden_bytes) >= 2 and self.depth < MAX_DEPTH:
            text = self.hidden_bytes.decode("utf-8", "replace")
            if readable(text):
                rescan(self, text, run[0], run[1], "variation-selector")

    def _emit_hidden(self) -> None:
        run = self.hidden_run
        if run is None:
            return
        self._scan_tags()
        self.hidden_tags = ""
        self.hidden_bytes = b""
        start, end = run
        count = end - start
        self.hits.append(
            Hit(
                "hidden",
                "hidden-characters",
                "hidden-characters",
                self.engine.lowest,
                start,
                end,
                f"{count} invisible or bidi control character{'s' if count > 1 else ''}",
            )
        )
        self.hidden_run = None

    def close(self) -> None:
        """End of text: everything becomes final."""
        if self.closed:
            return
        self._budgeted(self._close)

    def _say_budget(self) -> None:
        """Once a compressed payload or document went unread for the check's bounds,
        report it, from the last release point on (nothing after it was released): the
        check blocks (``Policy.resolve``)."""
        budget = self.budget
        if budget is None or not budget.refused or self.budget_said:
            return
        self.budget_said = True
        self.hits.append(
            Hit(
                "limit",
                "decompression-budget",
                "decompression-budget",
                self.engine.lowest,
                min(self.released_upto, self.orig_end),
                self.orig_end,
                "a compressed payload or document past the check's bounds is not read (nested "
                f"{MAX_DEPTH} deep; one payload: 1 MiB; all: {_budget.LEAST >> 20} MiB and "
                f"{_budget.RATIO} bytes a character)",
            )
        )

    def _close(self) -> None:
        if self.unfinished:
            self._append(self.unfinished)
            self.unfinished = ""
        self.skel.buf += "\n"
        self.text.buf += "\n"
        self.classes.buf += " "
        self._emit_hidden()
        self._scan(final=True)
        self.closed = True

    def _scan(self, final: bool) -> None:
        for unit, state in self.runs:
            unit.scan(self, state, final)

    def release_point(self) -> int:
        """Original offset before which no future hit can start."""
        if self.closed:
            return self.orig_end
        point = self.orig_end if self.hidden_run is None else self.hidden_run[0]
        for unit, state in self.runs:
            point = min(point, unit.release(self, state))
        if self.document_open:  # markings held there (``take_hits``)
            point = min(point, *self.document_open.values())
        self.released_upto = max(self.released_upto, point)
        return point

    def take_hits(self) -> list[Hit]:
        """The hits found since the last call; one per marking, place and span (a banner
        line and a classification field may both see one JSON line)."""
        hits, self.hits = self.held + self.hits, []
        self.held = []
        fresh = []
        for hit in hits:
            if hit.source == "marking":
                if self.enum_open is not None and hit.start >= self.enum_open:
                    self.held.append(hit)  # an enumeration's value, perhaps a vocabulary's
                    continue
                if inside(self.vocabularies, hit.start, hit.end):
                    continue
                if self.quiet and hit not in self.loud and _quieted(self.quiet, hit):
                    continue
                if self.document_open and hit.start >= min(self.document_open.values()):
                    self.held.append(hit)  # a document's, perhaps one word of its line
                    continue
                self.loud.discard(hit)
            seen = (hit.source, hit.key, hit.start, hit.end)
            if seen not in self.seen:
                self.seen.add(seen)
                fresh.append(hit)
        return fresh

    def orig_slice(self, start: int, end: int) -> str:
        return self.orig[start - self.orig_base : end - self.orig_base]

    def released(self, start: int, end: int) -> str:
        """The original text from ``start`` to ``end`` as it came (``orig_slice`` reads
        each cell mark as a tab)."""
        text = self.orig_slice(start, end)
        marks = self.cell_marks
        first = bisect_left(marks, start)
        if first == len(marks) or marks[first] >= end:
            return text
        chars = list(text)
        for mark in islice(marks, first, bisect_left(marks, end, first)):
            chars[mark - start] = CELL_MARK
        return "".join(chars)

    def _trim(self) -> None:
        keep: dict[ViewName, int] = {}
        orig_keep = self.orig_end if self.keep_orig_from is None else self.keep_orig_from
        for unit, state in self.runs:
            position = max(0, state.resume - _MARGIN)
            keep[unit.view] = min(keep.get(unit.view, position), position)
            needed = unit.orig_needed(state)
            if needed is not None:
                orig_keep = min(orig_keep, needed)
        for name, position in keep.items():
            view = self.view(name)
            view.trim(position)
            orig_keep = min(orig_keep, max(0, view.map.to_orig(view.base)))
        if orig_keep - self.orig_base > _TRIM_SLACK:
            self.orig = self.orig[orig_keep - self.orig_base :]
            self.orig_base = orig_keep
            del self.cell_marks[: bisect_left(self.cell_marks, orig_keep)]
            # No unit can find a hit that ends before the text it still reads.
            self.seen = {seen for seen in self.seen if seen[3] >= orig_keep}
            self.vocabularies = [span for span in self.vocabularies if span[1] >= orig_keep]
            self.quiet = [span for span in self.quiet if span[1] >= orig_keep]
            self.loud = {hit for hit in self.loud if hit.end >= orig_keep}


def _hold_from(scanner: Scanner, state: ScanState, unit: str, start: int, opens: str) -> None:
    """Hold the markings found from ``start`` on (none: -1) for ``unit``, and from the
    unfinished line's start where it holds one of ``opens`` (a piece may start there, which
    the unit reads when the line is complete; other readers may look at it before)."""
    view = scanner.skel
    if not scanner.closed and state.resume < view.end:
        line = view.map.to_orig(max(state.resume, view.base))
        tail = scanner.orig_slice(line, scanner.orig_end)
        if any(char in tail for char in opens):
            start = line if start < 0 else min(start, line)
    if start >= 0:
        scanner.document_open[unit] = start
    else:
        scanner.document_open.pop(unit, None)


def _quieted(quiet: list[tuple[int, int, int, int]], hit: Hit) -> bool:
    """Whether ``hit`` lies on one of the ``quiet`` source lines, over its text."""
    return any(
        start <= hit.start and hit.end <= end and hit.start < high and low < hit.end
        for start, end, low, high in quiet
    )


# --- units -------------------------------------------------------------------------------


class ScanState:
    """A unit's progress in one scan: view positions before ``resume`` are final."""

    __slots__ = ("resume",)

    def __init__(self) -> None:
        self.resume = 0


StateT = TypeVar("StateT", bound=ScanState)


class Unit(Generic[StateT]):
    """One regular expression over one view, with what makes its answers final."""

    view: ViewName = "skel"
    reach = 1
    state_class: type[StateT]  # what ``new_state`` makes

    def __init__(self, engine: CompiledPolicy) -> None:
        self.engine = engine

    def new_state(self) -> StateT:
        """A fresh scan state for this unit."""
        return self.state_class()

    def scan(self, scanner: Scanner, state: StateT, final: bool) -> None:
        raise NotImplementedError

    def earliest(self, scanner: Scanner, state: StateT) -> int:
        """The earliest view position where a future match could still start."""
        return state.resume

    def release(self, scanner: Scanner, state: StateT) -> int:
        """The original offset before which no future hit of this unit can start."""
        view = scanner.view(self.view)
        earliest = self.earliest(scanner, state)
        if earliest < view.end:
            return max(0, view.map.to_orig(earliest))
        return scanner.orig_end

    def orig_needed(self, state: StateT) -> int | None:
        """The original offset from which the unit still reads the original text."""
        return None


def _line_bound(view: View, reach: int, final: bool, lines: int = 1) -> int:
    """For units whose matches never cross a new line: the last line stays open (the last
    ``lines`` lines, for matches that cross up to ``lines - 1`` new lines)."""
    if final:
        return view.end + 1
    # A new line further back than ``reach`` cannot decide: look only that far back.
    buf = view.buf
    floor = max(0, len(buf) - reach)
    at = len(buf)
    for _ in range(lines):
        at = buf.rfind("\n", floor, at)
        if at < 0:
            break
    return max(view.end - reach + 1, view.base + at + 1)


class LineOutlook(enum.Enum):
    """Whether an unfinished line could still carry a marking."""

    OPEN = "open"  # it could
    NOT_YET = "not yet"  # it cannot, but more text could change the answer
    RULED_OUT = "ruled out"  # it cannot, whatever follows


class ContextState(ScanState):
    """The list letters seen so far, and the line start already ruled out."""

    __slots__ = ("at", "chain", "chord_at", "from_a", "letter", "ruled_out", "size_at", "term")

    def __init__(self) -> None:
        super().__init__()
        # The last single letter in brackets at a line start, where it was, how many
        # consecutive letters led to it and whether they started at (A).
        self.letter: str | None = None
        self.at = -(10**9)
        self.chain = 0
        self.from_a = False
        # Where the last (M) or (L) at a line start was: a size list's (S) may follow.
        self.size_at = -(10**9)
        # Where the last chord chart's line was ([C]Frère Jacques, [G]frère [C]Jacques).
        self.chord_at = -(10**9)
        # The new line (view position) whose line can no longer carry a marking,
        # whatever text follows; the gate's release point skips it without re-checking.
        self.ruled_out = -1
        # A banner line in small letters that may be a definition list's term
        # (``_terms``): its hits, its line's start and the next line's (view positions).
        self.term: tuple[list[Hit], int, int] | None = None


class ContextUnit(Unit[ContextState]):
    """Markings in marking contexts: banner/header lines, bracketed tags, portion marks."""

    view: ViewName = "skel"
    state_class = ContextState

    def __init__(self, engine: CompiledPolicy) -> None:
        self.engine = engine
        self.regex = engine.context_re
        self.reach = engine.context_reach

    def scan(self, scanner: Scanner, state: ContextState, final: bool) -> None:
        view = scanner.skel
        buf, base = view.buf, view.base
        # An attempt starts at a new line and examines at most that line plus the next
        # new line, so every attempt but the one at the last new line is final.
        if final:
            bound = view.end + 1
        else:  # a new line further back than the reach cannot decide: look only that far
            last = buf.rfind("\n", max(0, len(buf) - self.reach))
            bound = max(view.end - self.reach + 1, base + last)
        position = state.resume
        self._settle(scanner, state, final)
        while position < bound:
            match = self.regex.search(buf, position - base)
            if match is None or base + match.start() >= bound:
                break
            _chord_lines(state, buf, base, position, base + match.start())
            self._on_match(scanner, state, match, base)
            self._settle(scanner, state, final)
            position = base + match.end()
        _chord_lines(state, buf, base, position, bound)
        state.resume = max(position, bound)

    def _on_match(
        self, scanner: Scanner, state: ContextState, match: re.Match[str], base: int
    ) -> None:
        if match.groupdict().get("body") is not None:  # the portion branch alone has none
            held = len(scanner.hits)
            _banner_hits(self.engine, scanner, match, base, "banner line")
            self._hold_term(scanner, state, match, base, held)
            return
        engine = self.engine
        skel_map = scanner.skel.map
        line_at = base + match.start()
        letters = match.group("pmark")
        start, end = skel_map.span(base + match.start("pmark"), base + match.end("pmark"))
        original = scanner.orig_slice(start, end)
        spec = engine.portion_by_key.get(squeeze(letters))
        if len(letters) == 1 and letters.isalpha():
            # "(A) … (B) … (C)": a list, not portion marks. A run of three consecutive
            # letters, or of two from (A), is a list; "(R) … (S)" alone is not.
            follows = (
                state.letter is not None
                and line_at - state.at < 5000
                and ord(letters) == ord(state.letter) + 1
            )
            state.chain = state.chain + 1 if follows else 1
            state.from_a = state.from_a if follows else letters == "a"
            state.letter, state.at = letters, line_at
            if spec is not None and (state.chain >= 3 or (state.chain >= 2 and state.from_a)):
                return
            if letters in "ml" and _SIZE_WORD_RE.match(scanner.skel.buf, match.start("next")):
                state.size_at = line_at  # (M) Medium, (L) Large: a size list's items
        if spec is None or any(ch.islower() for ch in original):
            return  # (a), (b): list items; portion marks are written in capitals
        caveats = match.group("pcav")
        if caveats:
            cav_start, cav_end = skel_map.span(base + match.start("pcav"), base + match.end("pcav"))
            if any(ch.islower() for ch in scanner.orig_slice(cav_start, cav_end)):
                return  # (C/o), (S/n): not caveats, which are capitals too
        if match.group("paren") == "[" and not self._capital_next(scanner, match, base):
            return  # [S] = 2 mM, [S]0, [C] alone: a concentration or a box, no paragraph
        if match.group("paren") == "[" and _commit_tag(scanner.skel.buf, match):
            return  # 3f2a9c1 [TS] Fix type error: a commit's language tag, not a portion
        single = len(squeeze(letters)) == 1
        if match.group("outline") and not match.group("next"):
            return  # Chapter 3 (C), ## 2. (S) alone: a title's trailing letter, no paragraph
        glued = match.group("glued")
        if glued is not None:
            at = skel_map.to_orig(base + match.start("glued"))
            if not scanner.orig_slice(at, at + 1).isupper():
                return  # (S)-ibuprofen is caught by the bracket rule; (S)ome is a word
        following = match.group("next")
        if single and following:
            at = skel_map.to_orig(base + match.start("next"))
            first = scanner.orig_slice(at, at + 1)
            if following in "([" and first in "([":
                return  # (S) (M) (L): clothing sizes, not a paragraph (a low quote „ is "(")
            if following == "|" and _SIZE_CELL_RE.match(scanner.skel.buf, match.end()):
                return  # | (S) | 90 |: a size in a table, its next cell a number
            if first.islower() and "//" not in caveats:
                # (S) enantiomer, (R) configuration: a portion starts a sentence; after a
                # caveat behind "//" in capitals it is a portion whatever follows ((S//NF) the
                # convoy: nobody writes a list item or a configuration so)
                return
            if _SIZE_WORD_RE.match(scanner.skel.buf, match.start("next")) is not None:
                return  # - (S) Small: 2 pcs, - (S) Petit : 2 pièces: a size list's item
            if letters == "s" and line_at - state.size_at < 500 and following in "0123456789:":
                return  # (L) Large, (M) Medium, then (S) 2 pcs: a size list (siblings before)
        if letters == "c" and match.group("copyright") is not None:
            return  # (C) 2024, (C) Crown copyright: a copyright notice
        if single and self._legend(scanner, end):
            return  # (S) Subtitled  (AD) Audio described: a legend of abbreviations
        if letters in _CHORD_LETTERS and match.group("paren") == "[" and not caveats:
            if match.group("chords") is not None:
                state.chord_at = line_at
                return  # [C]Frère Jacques, [G]frère: a chord chart's line, chords on it
            if line_at - state.chord_at < _CHORD_LINES:
                return  # [C]Ding, dang, dong: the last line of a chord chart
        scanner.hits.append(_marking_hit(spec, start, end, "portion mark"))

    @staticmethod
    def _hold_term(
        scanner: Scanner, state: ContextState, match: re.Match[str], base: int, first: int
    ) -> None:
        """Hold the hits that a banner line in small letters alone gave (from ``first``
        on) until its next lines tell whether it is a definition list's term (``_terms``)."""
        hits = scanner.hits[first:]
        if not hits:
            return
        buf = scanner.skel.buf
        body = match.start("body")
        line_start, line_end = buf.rfind("\n", 0, body) + 1, buf.find("\n", body)
        skel_map = scanner.skel.map
        at = skel_map.to_orig(base + line_start)
        end = skel_map.to_orig(base + line_end) if line_end >= 0 else scanner.orig_end
        line = scanner.orig_slice(at, end)
        if line.lstrip().startswith("["):
            # [secret]: https://x.example/s: a link reference definition's label, a name
            kept = [hit for hit in hits if not link_label(line, hit.start - at, hit.end - at)]
            scanner.hits[first:] = hits = kept
        if not hits or line_end < 0 or state.term is not None:
            return  # the text's last line: nothing follows it
        term = term_line(line, scanner.orig_slice(hits[0].start, hits[-1].end))
        if term is not None:
            del scanner.hits[first:]
            if term:  # until its definition shows (an AsciiDoc term's syntax says it)
                state.term = (hits, base + line_start, base + line_end + 1)

    @staticmethod
    def _settle(scanner: Scanner, state: ContextState, final: bool) -> None:
        """A held term's hits count once its next lines show no definition below it."""
        if state.term is None:
            return
        hits, line_start, next_start = state.term
        view = scanner.skel
        buf, base = view.buf, view.base
        term = buf[line_start - base : next_start - base - 1]
        answer = defined(term, buf[next_start - base :], final)
        if answer is None:
            return
        state.term = None
        if not answer:
            scanner.hits += hits

    def _legend(self, scanner: Scanner, end: int) -> bool:
        """Whether a single letter's mark (original offset ``end`` after the letter) starts
        a legend of abbreviations: a few words, then another abbreviation in brackets that
        is no portion mark and its words (``(S) Subtitled  (AD) Audio described  (HD) High
        definition``, ``(C) Closed captions · (VO) Original version``). A paragraph marked
        (S) holds no second bracketed abbreviation after a column's gap."""
        rest = scanner.orig_slice(end, end + _LEGEND_REACH).partition("\n")[0]
        entry = _LEGEND_RE.match(rest)
        abbreviation = squeeze(skeleton(entry.group("abbr"))) if entry is not None else ""
        return bool(abbreviation) and abbreviation not in self.engine.portion_by_key

    @staticmethod
    def _capital_next(scanner: Scanner, match: re.Match[str], base: int) -> bool:
        """Whether a capital letter follows the portion mark (a paragraph starts there)."""
        at = scanner.skel.map.to_orig(base + match.start("next"))
        return scanner.orig_slice(at, at + 1).isupper()

    def earliest(self, scanner: Scanner, state: ContextState) -> int:
        if state.term is not None:
            return state.term[1]  # a term held until its next lines come (``_terms``)
        view = scanner.skel
        buf, base = view.buf, view.base
        position = state.resume
        found = buf.find("\n", position - base)
        if found < 0:
            return view.end
        if self.regex.match(buf, found):
            return base + found
        if state.ruled_out == base + found:
            return view.end  # this line's start already ruled out every marking context
        engine = self.engine
        if len(buf) - found - 1 > engine.context_reach:
            return view.end
        outlook = engine.line_outlook(buf[found + 1 :])
        if outlook is LineOutlook.RULED_OUT:
            state.ruled_out = base + found
        return base + found if outlook is LineOutlook.OPEN else view.end


# After a single letter's mark: its closing bracket, perhaps "=" or ":", up to four words
# (an abbreviation's meaning), a column's gap or a separator, then another abbreviation in
# brackets and a word (``(S) Subtitled  (AD) Audio described``).
_LEGEND_RE = lazy_compile(
    r"[^\S\n]{0,2}[)\]][^\S\n]{0,3}(?:[:=\-\u2013][^\S\n]{0,3})?"
    r"[^\W\d_][\w'\u2019.\-]{0,30}(?:[^\S\n][\w'\u2019.\-]{1,30}){0,3}"
    r"(?:[^\S\n]{2,}|\t|[^\S\n]{0,2}[|\u00b7\u2022;,/][^\S\n]{0,2})"
    r"[(\[](?P<abbr>[A-Z0-9][A-Za-z0-9+]{0,5})[)\]][^\S\n]{0,3}(?:[:=\-\u2013][^\S\n]{0,3})?"
    r"[^\W\d_]"
)
_LEGEND_REACH = 160

# Portion marks that are a chord's name too ([C]), and how far (characters) after a chord
# chart's line a line that starts with one is still the chart's.
_CHORD_LETTERS = frozenset("abcdefg")
_CHORD_LINES = 400
# A chord chart's line that starts with a chord no portion mark shares (``[G] home``,
# ``[Am7]``, ``[F#m]``, ``[G/B]``), then a lyric's word: a [C] line after it is the chart's.
_CHORD_LINE_RE = lazy_compile(
    r"(?<![^\n])[^\S\n]{0,4}\[(?:[abd-g]|c(?=[#b]|m|maj|min|dim|aug|sus|add|\d|/))"
    r"(?:#|b)?(?:maj|min|m|dim|aug|sus|add)?\d{0,2}(?:/[a-g](?:#|b)?)?\]"
    r"[^\S\n]{0,3}[^\W\d_]"
)


_CHORD_LINE_MAX = 32  # longer than a chord line's match (blanks, chord, blanks, a letter)


def _chord_lines(state: ContextState, buf: str, base: int, start: int, end: int) -> None:
    """Remember the last chord chart's line that starts in ``[start, end)`` (view
    positions; each line is complete or long enough in ``buf``: see ``ContextUnit.scan``)."""
    if end <= start or buf.find("[", start - base, end - base) < 0:
        return
    # (a chord line's match is short: it may end a little past ``end``)
    for line in _CHORD_LINE_RE.finditer(buf, start - base, end - base + _CHORD_LINE_MAX):
        if base + line.start() >= end:
            break
        state.chord_at = base + line.start()


# After a single-letter mark in a table cell: the cell ends and the next holds a number.
# A commit log's line (``git log --oneline``): its hash, then a tag in square brackets and
# a verb that starts a commit's subject. Without the hash, ``[TS] Fix…`` stays a portion
# mark (README: siblings such as ``[JS]`` come after it as often as before it, and orders
# fix, move and remove too).
_COMMIT_TAG_RE = lazy_compile(
    r"\n[^\S\n]{0,8}\^?(?=[0-9a-f]{7,40}[^\S\n])(?=[a-f]{0,39}\d)[0-9a-f]{7,40}[^\S\n]{1,4}\[$"
)
_COMMIT_VERB_RE = lazy_compile(
    r"(?:fix|add|remove|update|bump|refactor|revert|merge|free|rename|drop|implement|"
    r"support|handle|avoid|use|clean|improve|allow|enable|disable|document|replace|"
    r"simplify|upgrade|migrate|tweak|ignore|make|move|port|test|build|release|check|"
    r"correct|ensure|expose|extract|introduce|prevent|reduce|skip|split|switch)"
    r"(?:e?s|ed|ing)?[^\S\n]"
)


def _commit_tag(buf: str, match: re.Match[str]) -> bool:
    """Whether a portion mark in square brackets is a commit's tag: a hash before it on
    its line, a verb after it (``3f2a9c1 [TS] Fix type error in parser``)."""
    opened = match.start("paren") + 1
    return (
        _COMMIT_TAG_RE.match(buf, match.start(), opened) is not None
        and _COMMIT_VERB_RE.match(buf, match.start("next")) is not None
    )


# A size's word after a size's letter: a size list, not a paragraph (``- (S) Small``).
# A small size's word after (S), a medium's after (M), a large's after (L), then what a
# size list's item holds after it (a colon, a dash, a count, its measures, nothing): "(S)
# Small units move at dawn" is a paragraph.
_SIZE_WORD_RE = lazy_compile(
    r"(?:(?<=s\)[^\S\n])(?:small|petite?|klein(?:e|er)?|kleng|x{0,3}s)"
    r"|(?<=m\)[^\S\n])(?:medium|moyenne?|mittel|middel|m)"
    r"|(?<=l\)[^\S\n])(?:large|grande?|gro(?:ss|ß)e?|groot|x{0,3}l))"
    r"[^\S\n]{0,3}(?:[:\-\u2013/(,|=]|\d|\n)"
)
# A section's number forming before a portion mark (see ``line_outlook``).
_OUTLINE_FORMING_RE = lazy_compile(PORTION_OUTLINE_FORMING)
_SIZE_CELL_RE = lazy_compile(r"[^\S\n]{0,4}\|[^\S\n]{0,8}\d[\d.,]{0,8}[^\S\n]{0,8}(?:\||\n)")


def _banner_hits(
    engine: CompiledPolicy, scanner: Scanner, match: re.Match[str], base: int, context: str
) -> None:
    """The hits of a banner match, unless what surrounds it says it is no banner."""
    skel_map = scanner.skel.map
    tail = match.groupdict().get("tail")
    body = match.group("body")
    body_start = match.start("body")
    parts = engine.split_markings(body)
    bars = _ocr_bars(scanner, match, base)
    if bars is False:
        return  # I SECRET: a lone I or l before a marking is a bar only with its pair
    if tail and tail.strip() and not bars:
        tail_start, tail_end = skel_map.span(base + match.start("tail"), base + match.end("tail"))
        original = scanner.orig_slice(tail_start, tail_end)
        if not (
            banner_tail_ok(tail, original)
            or (
                _letter_spaced(body)
                and _letter_spaced(tail)
                and not _spaced_in_prose_case(scanner, match, base)
            )
            or _cable_first_line(engine, body, scanner, match, base, original)
            # a rot13 text turns the banner's furniture too (Ers. W2/44, - QENSG)
            or (engine.turned(body) and banner_tail_ok(rot13(tail), rot13(original)))
            or _subject_in_capitals(engine, scanner, match, base)
            or _titled_banner(tail, scanner, match, base)
            or _cites_law(tail, original, scanner, match, base)
            or (
                engine.turned(body)
                and _cites_law(rot13(tail), rot13(original), scanner, match, base)
            )
        ):
            return  # SECRET SANTA party, Top secret files found: prose, not a banner
    found: list[tuple[MarkingSpec, int, int, str]] = []
    for part_start, part_end, key in parts:
        marking = engine.marking_by_key[key]
        start, end = skel_map.span(base + body_start + part_start, base + body_start + part_end)
        found.append((marking, start, end, scanner.orig_slice(start, end)))
    if found and tail and tail.startswith(","):
        line_start = skel_map.to_orig(base + match.start() + 1)
        line = scanner.orig_slice(line_start, skel_map.to_orig(base + match.end()))
        if in_name_list(line, found[0][1] - line_start, found[-1][2] - line_start):
            return  # REDACT=SECRET,TOKEN,PASSWORD: names to mask (``_data_lines``)
    if any(_camel_name(marking.text, original) for marking, _, _, original in found):
        line_start = skel_map.to_orig(base + match.start() + 1)
        line = scanner.orig_slice(line_start, skel_map.to_orig(base + match.end()))
        found = [
            part
            for part in found
            if not _code_name(part[0].text, line, part[1] - line_start, part[2] - line_start)
        ]
    if len({marking.level for marking, _, _, _ in found}) >= 2:
        # Two levels or more: a list of them on the line is a vocabulary (an enum, a
        # tuple of choices), not a marking.
        line_start = skel_map.to_orig(base + match.start() + 1)
        line_end = skel_map.to_orig(base + match.end())
        spans = vocabulary_spans(scanner.orig_slice(line_start, line_end), engine.read_item)
        found = [
            part for part in found if not inside(spans, part[1] - line_start, part[2] - line_start)
        ]
    if not found or not _glued_in_capitals(scanner, found[0][1], found[-1][2]):
        return
    if _config_setting(scanner, match, base, found):
        return  # security.level=restricted, # restricted: a setting, a note in a config
    plain = (
        match.groupdict().get("label") is None
        and match.groupdict().get("open") is None
        and not match.group("ctl")
        and not _HEADING_TAIL_RE.sub("", tail or "").strip(" \t.:;!?,")
    )
    if plain and len(found) == 1:
        lead = match.string[match.start() : match.start("body")]
        titled = "#" in lead or bool(_TITLE_END_RE.search(tail or ""))
        if _is_heading(found[0][0], found[0][3], titled):
            return  # "Confidential" above an e-mail disclaimer: a heading, not a banner
    if (
        len(found) == 1
        and match.groupdict().get("label") is None
        and match.groupdict().get("open") is None
        and _written_as_word(found[0][0], found[0][3])
        and (
            (not match.group("ctl") and _ALNUM_RE.search(tail or "") is not None)
            or _PATH_AFTER_RE.match(scanner.orig_slice(found[0][2], found[0][2] + 2))
            or _PATH_BEFORE_RE.search(
                scanner.orig_slice(max(found[0][1] - 2, scanner.orig_base), found[0][1])
            )
            or _word_before(
                scanner.orig_slice(skel_map.to_orig(base + match.start() + 1), found[0][1])
            )
        )
    ):
        # secret: 42, | restricted | yes |: a key or a row of data; secret/db-credentials,
        # ./secret/keys, cd /var/www/secret, <Location /restricted>: a path; ├── restricted:
        # a name in a directory tree; Finance;secret,
        # msgid "Restricted": a value after a word (a row of data, a string). Not banners.
        return
    if _in_prose_case(scanner.orig_slice(found[0][1], found[-1][2])) and _work_title(
        scanner.orig_slice(skel_map.to_orig(base + match.start() + 1), found[0][1]),
        scanner.orig_slice(found[-1][2], skel_map.to_orig(base + match.end())),
    ):
        # | Top Secret! | 1984 |, Top Secret!,1984, Top Secret ........ 14: a work's title
        # beside its year, an entry of a table of contents; in capitals it counts (README)
        return
    if _in_prose_case(scanner.orig_slice(found[0][1], found[-1][2])) and _CELL_BEFORE_RE.search(
        scanner.orig_slice(skel_map.to_orig(base + match.start() + 1), found[0][1])
    ):
        # name | secret, | id | name | top secret |, Visibility | restricted: a table's
        # last cell after a word; a cell counts only in capitals (README).
        return
    for marking, start, end, _ in found:
        scanner.hits.append(_marking_hit(marking, start, end, context))


# A line comment's marker alone before a word (``# ``, ``// ``, ``; ``, ``-- ``, ``% ``).
_COMMENT_LEAD_RE = lazy_compile(r"[^\S\n]*(?:#{1,3}|//|;{1,2}|--|%|/\*{1,2})[^\S\n]*")


def _config_setting(
    scanner: Scanner,
    match: re.Match[str],
    base: int,
    found: list[tuple[MarkingSpec, int, int, str]],
) -> bool:
    """Whether a banner match in lower case is a configuration's setting or note (red team
    11): the value of a key spelled as code (``security.level=restricted``: a setting's
    value, which real markings never write in lower case), or a single word alone after a
    line comment's marker (``# restricted`` above ``menu.visibility=restricted``). In
    capitals both count (``security.level=RESTRICTED``, ``# SECRET``). Whether a key's
    value is a setting is ``_key_values.setting``'s to say."""
    if not all(small_letters(original) for _, _, _, original in found):
        return False
    skel_map = scanner.skel.map
    line_start = skel_map.to_orig(base + match.start() + 1)
    lead = scanner.orig_slice(line_start, found[0][1])
    tail = scanner.orig_slice(found[-1][2], skel_map.to_orig(base + match.end()))
    if tail.strip(" \t;\"'"):
        return False
    if match.groupdict().get("label") is not None and setting(
        lead, scanner.orig_slice(found[0][1], skel_map.to_orig(base + match.end()))
    ):
        return True
    return (
        len(found) == 1
        and _COMMENT_LEAD_RE.fullmatch(lead) is not None
        and (_WORD_RE.fullmatch(found[0][3]) is not None)
    )


# Between a cell and the next one: a bar, a comma, a semicolon, a tab, an HTML table's cell
# tags; a year in brackets after a title is its next "cell" too (``Top Secret (1984)``).
_NEXT_CELL = r"(?:\||[,;\t]|</t[dh]>[^\S\n]{0,4}<t[dh](?:[^\S\n][^<>\n]{0,80})?>|\()"
# A year (1500-2099) standing alone in its cell.
_YEAR_CELL = r"[^\S\n]{0,4}(?:1[5-9]|20)\d{2}(?![\w.,/:\-])"
# After a title in prose case: its own "!" or "?", then a year in the next cell (``| Top
# Secret! | 1984 |``, ``Top Secret!,1984``, ``<td>Top Secret!</td><td>1984</td>``, ``- Top
# Secret (1984) ★★★★``), or a table of contents' dot leader and page number (``Top Secret
# ........ 14``, ``Streng geheim . . . . 7``).
_TITLE_AFTER_RE = lazy_compile(
    r"[!?*_\"'\u201d\u00bb]{0,3}[^\S\n]{0,4}(?:"
    + _NEXT_CELL
    + _YEAR_CELL
    + r"|(?:[.\u2026\u00b7_][^\S\n]?){3,200}+[^\S\n]{0,8}\d{1,4}[^\S\n]*$)"
)
# Before a title in prose case: a year in the cell before it (``| 1984 | Top Secret! |``).
_YEAR_BEFORE_RE = lazy_compile(
    r"(?<![\w.,/:\-])(?:1[5-9]|20)\d{2}[^\S\n]{0,4}" + _NEXT_CELL + r"[^\S\n]{0,4}[\"'*_]{0,2}$"
)


def _work_title(lead: str, tail: str) -> bool:
    """Whether a marking's words (in prose case: the caller's to check) are a work's title
    in a table or list of works: a year in the cell beside it, or a table of contents' dot
    leader to a page number after it. Real markings are printed in capitals; a title's
    words are in title case (a film, a book, a song: ``Top Secret!``, ``Streng Geheim``)."""
    return _TITLE_AFTER_RE.match(tail) is not None or _YEAR_BEFORE_RE.search(lead) is not None


# A lone l or I (a table's bar read as a letter by OCR) before a banner, and after it.
_OCR_BAR_LEAD_RE = lazy_compile(r"^[^\S\n]*[lI][^\S\n]{1,8}$")
_OCR_BAR_TAIL_RE = lazy_compile(r"[^\S\n]{1,8}[lI|][^\S\n]*$")


def _ocr_bars(scanner: Scanner, match: re.Match[str], base: int) -> bool | None:
    """None when no lone l or I stands right before a banner's body; True when one does
    and another (or a bar) ends the line after it (``l NATO SECRET l``, ``I NATO SECRET
    I``: a table's bars that OCR read as letters), False when it stands alone (``I
    SECRET``: no bar)."""
    skel_map = scanner.skel.map
    body_at = skel_map.to_orig(base + match.start("body"))
    lead = scanner.orig_slice(skel_map.to_orig(base + match.start() + 1), body_at)
    if _OCR_BAR_LEAD_RE.search(lead) is None:
        return None
    tail = scanner.orig_slice(
        skel_map.to_orig(base + match.end("body")), skel_map.to_orig(base + match.end())
    )
    return _OCR_BAR_TAIL_RE.fullmatch(tail) is not None


# A word, then a bar between cells right before a marking: the marking is a table's cell.
_CELL_BEFORE_RE = lazy_compile(r"[^\W_][^\S\n]{0,8}\|[^\S\n]{0,8}$")


def _cites_law(tail: str, original: str, scanner: Scanner, match: re.Match[str], base: int) -> bool:
    """A marking in capitals, then the law or article that classifies it in brackets
    (``GEHEIM (Wet van 11.12.1998)``, ``SECRET (Art. 4)``), colours and all: the
    reference is read as a terminal shows it."""
    if "(" not in original or not tail_cites_law(tail, terminal_shown(original)):
        return False
    span = scanner.skel.map.span(base + match.start("body"), base + match.end("body"))
    return not _in_prose_case(scanner.orig_slice(*span))


def _glued_in_capitals(scanner: Scanner, start: int, end: int) -> bool:
    """A banner glued to a page number before it or to furniture after it (``3NATO
    SECRET``, ``SECRETPage 2``: text objects of a PDF with no blank between them) is one
    only in capitals, the furniture's first letter too (``2secret`` is a word). A word
    glued after it that is no furniture is a title (``NATO SECRETAnnex B to OPORD 3/24``)
    only in title case after a marking of two words or more: capitals run into a word of
    prose; one word in capitals glued to another is a name (``SECRETKey``, ``GEHEIMListe``),
    capitals glued to capitals a longer word (``SECRETARY``)."""
    before = scanner.orig_slice(max(start - 1, scanner.orig_base), start)
    after = scanner.orig_slice(end, end + _GLUED_WORD)
    if not before.isdigit() and not after[:1].isalpha():
        return True
    if after[:1].isalpha():
        if not after[0].isupper():
            return False
        if _GLUED_FURNITURE_RE.match(after) is None and not (
            _GLUED_TITLE_RE.match(after) is not None
            and _BLANK_RE.search(scanner.orig_slice(start, end)) is not None
        ):
            return False
    return not _in_prose_case(scanner.orig_slice(start, end))


_GLUED_WORD = 16  # characters after a banner that tell furniture or a title glued to it
_GLUED_FURNITURE_RE = lazy_compile(GLUED_FURNITURE_WORDS, re.IGNORECASE)
# A title's first word: a capital, then letters in lower case to its end.
_GLUED_TITLE_RE = lazy_compile(r"[A-Z][a-z\u00df-\u00ff]+(?![^\W\d_])")
_BLANK_RE = lazy_compile(r"[^\S\n]")


# A dash between blanks before a banner's title: ``GEHEIM - Lagebericht`` (any dash: the
# skeleton view writes each as "-").
_TITLE_DASH_RE = lazy_compile(r"[^\S\n]{1,3}-{1,3}[^\S\n]{1,3}(?=\S)")
# Another separator between blanks before a banner's title (``NATO SECRET · Convoy plan``,
# ``•``, ``»``, ``/``, ``‖``, ``◆``: ``TITLE_SEPARATORS`` but the dashes), on the text shown
# (the skeleton view writes some as letters or marks a tail holds otherwise).
_TITLE_MARKS = "\u00b7\u2022\u00bb\u203a/~\u2016\u25c6\u25c7\u2666\u25aa\u25cf\u2219\u22c5\u00a6"
_TITLE_MARK_RE = lazy_compile(r"[^\S\n]{1,3}[" + _TITLE_MARKS + r"][^\S\n]{1,3}(?=[^\W_])")
# A column's gap in a page laid out as text (pdftotext -layout, a tab-separated row): a
# tab, or two blanks or more, then a title that starts with a letter or a digit.
_TITLE_COLUMN_RE = lazy_compile(r"(?<![^\S\n])(?:[^\S\n]{2,}|\t)(?=[^\W_])")


def _titled_banner(engine_tail: str, scanner: Scanner, match: re.Match[str], base: int) -> bool:
    """A banner of two words or more in capitals with a title glued to it (see
    ``_glued_in_capitals``); a banner in capitals (no word of it written as prose), its
    furniture, then a dash and a title that starts with a capital or a digit, in any case
    after that (``engine_tail``: the tail, skeleton view), or the banner alone in a line's first
    column with a title in the next (``NATO SECRET        Annex B``, ``SECRET\tConvoy``):
    real banners are printed in capitals, the title after them is not."""
    skel_map = scanner.skel.map
    span = skel_map.span(base + match.start("body"), base + match.end("body"))
    if _in_prose_case(scanner.orig_slice(*span)):
        return False
    tail_at = base + match.start("tail")
    tail = terminal_shown(scanner.orig_slice(*skel_map.span(tail_at, base + match.end("tail"))))
    if (
        match.end("body") == match.start("tail")
        and _GLUED_TITLE_RE.match(tail) is not None
        and _BLANK_RE.search(scanner.orig_slice(*span)) is not None
    ):
        return True  # NATO SECRETAnnex B to OPORD 3/24: a title glued on (``_glued_in_capitals``)
    column = _TITLE_COLUMN_RE.search(tail)  # the first gap: a title may hold more
    if column is not None and not tail[column.end()].islower():
        furniture = tail[: column.start()]  # ]], (NOFORN), a closing wrapper
        if not furniture.strip() or banner_tail_ok(skeleton(furniture), furniture):
            return True
    for mark in _TITLE_MARK_RE.finditer(tail):
        if tail[mark.end()].islower():
            continue  # SECRET · a short story: as after a dash
        furniture = tail[: mark.start()]
        if not furniture.strip() or banner_tail_ok(skeleton(furniture), furniture):
            return True  # NATO SECRET · Convoy plan, GEHEIM » Lagebericht
    commented: bool | None = None
    for dash in _TITLE_DASH_RE.finditer(engine_tail):
        first = skel_map.to_orig(tail_at + dash.end())
        if scanner.orig_slice(first, first + 1).islower():
            if commented is None:
                line_start = skel_map.to_orig(base + match.start() + 1)
                line = scanner.orig_slice(line_start, span[1])
                letter = _ALNUM_RE.search(line)
                lead = line[: letter.start()] if letter is not None else line
                commented = _COMMENT_LEAD_RE.fullmatch(lead) is not None
            if not commented:
                continue  # SECRET - a short story: a title starts with a capital or a digit
        if not dash.start():
            return True
        original = scanner.orig_slice(*skel_map.span(tail_at, tail_at + dash.start()))
        if banner_tail_ok(engine_tail[: dash.start()], original):
            return True
    return False


# A word followed by one slash and no capital is a path's part (secret/keys, secret/); a
# marking's caveats after one slash start with a capital (Secret/Noforn, S/NF).
_PATH_AFTER_RE = lazy_compile(r"/(?![/A-Z])")
# A word right after one slash (or a backslash) is a path's last part (/var/www/secret,
# <Location /restricted>, C:\srv\secret); a portion's ``//`` is no path.
_PATH_BEFORE_RE = lazy_compile(r"(?<!/)/$|\\$")
# A directory tree as ``tree`` draws it, in box-drawing characters or in ASCII.
_TREE_LEAD_RE = lazy_compile(
    r"[\u251c\u2514\u2502\u2523\u2517\u2503\u2570]|(?:^|[^\S\n])[|`]--[^\S\n]"
)
# A word, then a delimiter glued to the value (``Finance;restricted``) or a quote before
# it (``msgid "Restricted"``): a value in a row of data or a string, not a banner's lead.
_DATA_BEFORE_RE = lazy_compile(
    r"[^\W_](?:[;,]|[^\S\n]{0,3}[\"'\u201c\u00ab\u201e\u2018][^\S\n]{0,2})$"
)


def _word_before(lead: str) -> bool:
    """Whether a line's text before a marking written as a word makes it a name or a
    value: a directory tree's branches, or a word right before it (``_DATA_BEFORE_RE``)."""
    return _TREE_LEAD_RE.search(lead) is not None or _DATA_BEFORE_RE.search(lead) is not None


_ADJACENT_RE = lazy_compile(r"[^\W_]{2}")
_ALNUM_RE = lazy_compile(r"[^\W_]")
# Where a word starts (a letter or digit after none).
_WORD_START_RE = lazy_compile(r"(?<![^\W_])[^\W_]")


def _written_as_word(spec: MarkingSpec, original: str) -> bool:
    """A one-word marking written as prose writes a word (secret, Restricted): in lower or
    title case, in the plain letters of prose."""
    if len(spec.text.split()) != 1:
        return False
    words = _WORD_RE.findall(terminal_shown(original))
    return len(words) == 1 and _word_case(words[0]) in ("lower", "title")


# After a marking spaced out letter by letter: blanks and marks, then a word of two letters
# or more (its case is judged apart).
_SPACED_THEN_WORD_RE = lazy_compile(r"[^\S\n]{1,3}[^\w\n]{0,12}?([^\W\d_]{2,})")
_WIDE_GAP_RE = lazy_compile(r"[^\S\n]{2,}")
# A word in capitals with a page's furniture glued to it (``SIPDISPage 2 of 12``: text
# objects of a PDF with no blank between them): the word is the capitals.
# One blank, then a letter or digit: a word spaced out goes on (S E C R E T A R Y).
_SPELLED_ON_RE = lazy_compile(r"[^\S\n][^\W_]")
# In a marking's word spaced out: a digit or a symbol among its letters (leetspeak).
_LEET_MARK_RE = lazy_compile(r"[^\w\s.\-]|\d")
_CAPITALS_GLUED_RE = lazy_compile(r"[A-Z]{2,}(?=(?i:" + GLUED_FURNITURE_WORDS + "))")


def _cable_first_line(
    engine: CompiledPolicy,
    body: str,
    scanner: Scanner,
    match: re.Match[str],
    base: int,
    original: str,
) -> bool:
    """A cable's first line: a marking spaced out letter by letter, not in prose case (a
    word in the marking's own small letters counts: ``S t g .``, ``V S - N f D``), then
    its furniture after one blank, its first word in capitals (``S E C R E T SECTION 01 OF
    03 BRUSSELS 000456``, ``C O N F I D E N T I A L ROME 001234``: how a State Department
    cable starts; a page's furniture glued to it as a PDF's text runs together: ``S E C R
    E T SIPDISPage 2 of 12``). Nobody spaces out a level word in prose; a word in lower or
    title case after it (``S E C R E T Santa``) stays prose."""
    if not _letter_spaced(body):
        return False
    shown = terminal_shown(original)
    after = _SPACED_THEN_WORD_RE.search(shown)
    # before the furniture, only the marking's caveats spaced out too, apart from its last
    # word: ( N O F O R N ); one blank and a letter spell that word on (S E C R E T A R Y)
    before = shown[: after.start()] if after is not None else ""
    if after is None or (
        before
        and (
            _ADJACENT_RE.search(before)
            or _in_prose_case(before)
            or _SPELLED_ON_RE.match(before) is not None
        )
    ):
        return False
    glued = _CAPITALS_GLUED_RE.match(after[1])
    word = after[1] if glued is None else glued.group()
    if _word_case(word) is not None or _odd_case(word):
        return False
    span = scanner.skel.map.span(base + match.start("body"), base + match.end("body"))
    words = _WIDE_GAP_RE.split(terminal_shown(scanner.orig_slice(*span)))
    own = {
        "".join(_WORD_RE.findall(word))
        for _, _, key in engine.split_markings(body)
        for word in engine.marking_by_key[key].text.split()
    }
    own |= {rot13(word) for word in own}  # F g t .: the marking's own small letters in rot13
    # a word with a digit or a symbol among its letters is leetspeak (S 7 g .), no prose
    joined = ("".join(_WORD_RE.findall(word)) for word in words if not _LEET_MARK_RE.search(word))
    return not _in_prose_case(" ".join(word for word in joined if word not in own))


def _letter_spaced(view: str) -> bool:
    """Whether a piece of a line (view text) is written letter by letter: letters or
    digits, no two side by side (S E C R E T, t.h.e p.l.a.n). Nobody spaces out prose;
    a line spaced out from its marking on is a banner hidden from a reader's search, so
    the text after such a marking does not make it prose (SECRET SANTA party does)."""
    return _ADJACENT_RE.search(view) is None and any(ch.isalnum() for ch in view)


def _spaced_in_prose_case(scanner: Scanner, match: re.Match[str], base: int) -> bool:
    """Whether a banner written letter by letter is in prose case, its letters read as one
    word (``s e c r e t``, ``S e c r e t``): spacing letters out hides a marking from a
    search, it does not change its case. A tool prints text letter by letter too (``od
    -c``: ``s   e   c   r   e   t   =   4   2  \\n``), in the text's own case; a spaced-out
    banner is in capitals or odd case (``S E C R E T``, ``s E c R e T``), as evasion writes
    it."""
    span = scanner.skel.map.span(base + match.start("body"), base + match.end("body"))
    return _in_prose_case(scanner.orig_slice(*span))


_LABEL_PARTS_RE = lazy_compile(r"[:\-\u2013|=>\]\[]")


def _subject_in_capitals(
    engine: CompiledPolicy, scanner: Scanner, match: re.Match[str], base: int
) -> bool:
    """A subject line (Subject:, Betreff:) whose first words are markings in capitals
    (``Subject: NATO SECRET plan``) is marked whatever words follow: an e-mail's subject
    carries its classification first. Prose case (``Re: Top secret recipe``) is not."""
    label = match.groupdict().get("label")
    if not label or not engine.subject_keys:
        return False
    if not any(squeeze(part) in engine.subject_keys for part in _LABEL_PARTS_RE.split(label)):
        return False
    start, end = scanner.skel.map.span(base + match.start("body"), base + match.end("body"))
    return not _in_prose_case(scanner.orig_slice(start, end))


# A year or a number in brackets after a title: "Top Secret! (1984)".
_HEADING_TAIL_RE = lazy_compile(r"\([^\S\n]{0,2}\d{1,4}[^\S\n]{0,2}\)")
# What ends a title rather than a banner: "!" or "?", a year in brackets.
_TITLE_END_RE = lazy_compile(r"[!?]|\([^\S\n]{0,2}\d{1,4}[^\S\n]{0,2}\)")


def _is_heading(spec: MarkingSpec, original: str, titled: bool = False) -> bool:
    """A marking written as words in title case is a heading: one word (Confidential,
    Vertrouwelijk), or several where the line says it is a title (``## Top Secret``, a
    Markdown heading; ``Top Secret! (1984)``, a film).

    Real banners are printed in capitals; lower case or odd case is kept as evasion, and so
    are several words in title case on a line of their own (Nato Confidential).
    """
    words = _WORD_RE.findall(original)
    if len(words) != len(_WORD_RE.findall(spec.text)):
        return False  # spelt with gaps or look-alikes that break the words up
    if len(words) != 1 and not titled:
        return False
    return all(_word_case(word) == "title" for word in words)


_WORD_RE = lazy_compile(r"[^\W\d_]+")
# After a word: its full stop, then a blank and another word (an abbreviation, ``Stg.``).
_ABBREVIATION_RE = lazy_compile(r"\.[^\S\n]{1,80}(?=[^\W\d_])")


def _word_case(word: str) -> str | None:
    """ "lower" or "title" for a word of two letters or more written in the plain letters
    of prose (ASCII and the accented letters of the covered languages); None otherwise:
    capitals, odd case, small capitals, turned letters and other look-alikes."""
    if len(word) < 2 or not all(ch.isascii() or ch in _PLAIN_LATIN for ch in word):
        return None
    if not word[1:].islower():
        return None
    return "lower" if word[0].islower() else "title" if word[0].isupper() else None


def _in_prose_case(text: str) -> bool:
    """Whether the words of ``text`` (a marking as written) are prose: one of them in lower
    or title case (<td>Secret</td>, Nato Secret), and none in odd case. Real markings are
    printed in capitals; odd case (rEsTrEiNt Ue, sEcReT uE) is evasion, whatever case its
    other words are in. Letters written one by one (``s e c r e t``, ``S e c r e t``) are
    one word: spacing letters out does not change their case. An abbreviation inside a
    marking (the Dutch ``Stg. GEHEIM``, ``Dep. VERTROUWELIJK``: a word, its full stop and a
    blank before the next) is printed so in the marking itself and tells nothing."""
    shown = terminal_shown(text)
    words = _WORD_RE.findall(shown)
    if len(words) > 1 and all(len(word) == 1 for word in words):
        words = ["".join(words)]
    elif "." in shown:
        words = [
            m.group()
            for m in _WORD_RE.finditer(shown)
            if not _ABBREVIATION_RE.match(shown, m.end())
        ]
    return any(_word_case(word) for word in words) and not any(map(_odd_case, words))


def _as_printed(text: str, printed: str) -> str:
    """``text`` without the words that the marking ``printed`` itself writes in small
    letters (the Dutch ``Stg``, ``Dep`` in an identifier, ``Stg_GEHEIM``): they tell no
    case of the writer's."""
    own = {word for word in _WORD_RE.findall(printed) if not word.isupper()}
    if not own:
        return text
    return _WORD_RE.sub(lambda word: "" if word.group() in own else word.group(), text)


def _odd_case(word: str) -> bool:
    """A word in plain letters with capitals after its first letter and a lower-case letter
    anywhere (rEsTrEiNt, sEcReT, NfD), neither prose nor capitals."""
    return (
        _word_case(word) is None
        and len(word) > 1
        and not word.isupper()
        and any(ch.isupper() for ch in word[1:])
        and all(ch.isascii() or ch in _PLAIN_LATIN for ch in word)
    )


def _written_as_prose(original: str, camel: Callable[[str], bool] = lambda word: False) -> bool:
    """Whether words broken over lines are written as prose: every word of two letters
    or more in plain lower case or title case (Top / Secret), or a marking's words glued in
    title case (``camel``: an enum's members over lines, ``Secret,`` / ``TopSecret,``).
    Banners are printed in capitals; small capitals, look-alikes and odd case (sE-/cReT,
    rEsTrEiNt / Ue) are evasion; single letters (V / S / N / f / D) say nothing."""
    # a word with digits among its letters is leetspeak (G3- / H3!M), no prose
    words = [word for word in _ALNUM_RUN_RE.findall(original) if len(word) > 1]
    return bool(words) and all(_word_case(word) is not None or camel(word) for word in words)


_ALNUM_RUN_RE = lazy_compile(r"[^\W_]+")
# A word's pieces at its capitals: ``TopSecret`` -> Top, Secret; ``topSecret`` -> top, Secret.
_CAMEL_PIECE_RE = lazy_compile(r"[^\W\d_][^\W\d_A-Z]*")
# Code before a name on its line: a qualifier (``Level.``, ``Level::``, Swift's ``.``), a
# brace, a list's comma, an assignment or a comparison, a keyword that declares or
# matches a name; or a tab alone (a gofmt constant block). After it: punctuation that ends
# or uses a name (``TopSecret,`` ``TopSecret = 4`` ``TopSecret:`` ``TopSecret =>``; not a
# comma or colon before capitals, a caveat's: ``Secret, NOFORN``), or a
# type then "=" (Go's ``TopSecret Level = iota``). A name in brackets alone (``[TopSecret]``)
# is a tag, and reads as one.
_CODE_BEFORE_RE = lazy_compile(
    r"(?:[.{,=<>!]|::|(?<![^\W_])(?:case|enum|const|let|var|val|pub|public|private"
    r"|protected|internal|static|final|readonly|type|return|new|when))[^\S\n]*$"
    r"|^\t[^\S\n]*$"
)
_CODE_AFTER_RE = lazy_compile(
    r"[^\S\n]*(?:[,;:](?![^\S\n]*[A-Z]{2})|[=({}\[<>?]|->|[^\W\d]\w*[^\S\n]*=)"
)


def _camel_name(marking: str, original: str) -> bool:
    """Whether a marking is written as one identifier in PascalCase, its words glued in
    title case (``TopSecret``, ``NatoSecret``, ``Secret``), or in camelCase (``topSecret``):
    how code names an enum member or a constant. ``TOPSECRET`` (capitals) and odd case
    (``ToPsEcReT``, whose pieces are not the marking's words) are not."""
    words = marking.split()
    if _WORD_RE.fullmatch(original) is None:
        return False
    pieces = _CAMEL_PIECE_RE.findall(original)
    if len(pieces) != len(words) or any(len(piece) < 2 for piece in pieces):
        return False
    if not all(_word_case(piece) == "title" for piece in pieces[1:]):
        return False
    if _word_case(pieces[0]) != "title" and (len(words) < 2 or _word_case(pieces[0]) is None):
        return False
    return all(
        marking_squeeze(skeleton(piece)) == marking_squeeze(skeleton(word))
        for piece, word in zip(pieces, words, strict=True)
    )


def _code_name(marking: str, line: str, start: int, end: int) -> bool:
    """Whether ``line[start:end]`` (original text), a marking, is an identifier in code: a
    ``_camel_name`` glued to other letters of a name (``isTopSecret``) or with code on
    either side on its line (``    TopSecret,``, ``case TopSecret:``, ``Level::TopSecret``,
    ``\tTopSecret`` in a Go constant block). Alone on a line or in prose it still reads as
    a marking in title case would."""
    if not _camel_name(marking, line[start:end]):
        return False
    before, after = line[:start], line[end:]
    if before[-1:].isalnum() or before[-1:] == "_" or after[:1].isalnum() or after[:1] == "_":
        return True
    return _CODE_BEFORE_RE.search(before) is not None or _CODE_AFTER_RE.match(after) is not None


# Lower-case letters of the languages the shipped policies cover (prose, not look-alikes).
_PLAIN_LATIN = frozenset("àáâäãåæçèéêëìíîïñòóôöõœùúûüÿßÀÁÂÄÃÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÖÕŒÙÚÛÜŸ")


class MultiLineState(ScanState):
    """New lines (view positions) before ``ruled_out_to`` can start no split marking."""

    __slots__ = ("ruled_out_to",)

    def __init__(self) -> None:
        super().__init__()
        self.ruled_out_to = 0


_TAG_RE = lazy_compile(r"<[^<>\n]{0,60}>")
_OPEN_TAG_RE = lazy_compile(r"<[^<>\n]{0,60}$")


class MultiLineUnit(Unit[MultiLineState]):
    """Banner lines split over lines: TOP / SECRET, SE- / CRET, one letter per line.

    Not when written as prose: lower-case or title-case words broken over lines.
    """

    view: ViewName = "skel"
    state_class = MultiLineState

    def __init__(self, engine: CompiledPolicy, regex: GuardedPattern) -> None:
        self.engine = engine
        self.regex = regex
        self.reach = engine.multiline_reach

    def scan(self, scanner: Scanner, state: MultiLineState, final: bool) -> None:
        view = scanner.skel
        buf, base = view.buf, view.base
        bound = view.end + 1 if final else view.end - self.reach + 1
        position = state.resume
        while position < bound:
            match = self.regex.search(buf, position - base)
            if match is None or base + match.start() >= bound:
                break
            if "\n" in match.group("body"):
                start = scanner.skel.map.to_orig(base + match.start("body"))
                end = scanner.skel.map.to_orig(base + match.end("body") - 1) + 1
                if not _written_as_prose(scanner.orig_slice(start, end), self.engine.camel_name):
                    _banner_hits(self.engine, scanner, match, base, "banner split over lines")
            # Attempts from later new lines may overlap this one (SECRET / UE after TRÈS).
            position = base + match.start() + 1
        state.resume = max(position, bound)

    def earliest(self, scanner: Scanner, state: MultiLineState) -> int:
        """A split marking can still start at a new line while a match there could still
        grow into the next, unfinished line, or while ``_may_grow`` says so."""
        view = scanner.skel
        buf, base = view.buf, view.base
        at = max(state.resume, state.ruled_out_to) - base
        while True:
            found = buf.find("\n", at)
            if found < 0:
                return view.end
            match = self.regex.match(buf, found)
            if match is not None and (
                "\n" in match.group("body") or buf.find("\n", match.end() + 1) < 0
            ):
                return base + found
            # A one-line match (a struck ``~~NON CLASSIFIÉ~~ EU`` read as that marking) is
            # not the last word: a split marking may start at a later lead of the same line
            # (EU / TOP / SECRET), so the lines may still grow as when nothing matched.
            if self._may_grow(buf, found):
                return base + found
            if self._settled(buf, found):
                state.ruled_out_to = base + found + 1
            at = found + 1

    def _settled(self, buf: str, found: int) -> bool:
        """Whether a "no" for the new line at ``found`` is final: its first line is
        complete or longer than any lead, so the lead's readings are fixed (while it is
        shorter, markup words may still come to end a lead: ``!!! da`` reads no marking,
        ``!!! danger "NATO SE-`` does)."""
        end = buf.find("\n", found + 1)
        return end >= 0 or len(buf) - found - 1 > self.engine.lead_width

    def _may_grow(self, buf: str, found: int) -> bool:
        """Whether the lines after the new line at ``found`` could still become a split
        marking. Squeezed line by line (tags dropped, the first line's lead too), every
        complete line but the last of a match leaves a prefix of labels and a marking; the
        last holds the marking's end and its furniture. So: while the complete lines squeeze
        to such a prefix, the unfinished line decides (a prefix, or a whole marking whose
        furniture may follow: squeezing is prefix-closed, so a "no" is final); once a
        complete line does not, the pattern has had every line it needs and said no.

        The first line's lead is the plain one or, where markup words lead it (``!!! danger
        "TOP``), any that ``CompiledPolicy.word_lead_ends`` gives: it may grow if any may."""
        engine = self.engine
        end = buf.find("\n", found + 1)
        line = buf[found + 1 :] if end < 0 else buf[found + 1 : end]
        lead = engine.lead_re.match(line)
        plain = lead.end() if lead else 0
        return any(
            self._grows(buf, found, lead_end)
            for lead_end in (plain, *engine.word_lead_ends(line, plain))
        )

    def _grows(self, buf: str, found: int, lead_end: int) -> bool:
        """``_may_grow`` with the first line's lead ending at ``lead_end``."""
        engine = self.engine
        window = engine.squeezed_window
        squeezed = ""
        position = found + 1
        while position - found <= self.reach:
            end = buf.find("\n", position)
            line = buf[position:] if end < 0 else buf[position:end]
            if position == found + 1:
                line = line[lead_end:]
            if squeeze_is_unsure(line):
                return True
            line = _TAG_RE.sub("", line)
            if end < 0:
                line = _OPEN_TAG_RE.sub("", line)
            squeezed = (squeezed + marking_squeeze(line))[:window]
            if end < 0:
                return engine.could_be_marked(squeezed, labels_left=3)
            if not engine.could_continue(squeezed, labels_left=3):
                return False
            position = end + 1
        return False


class LineState(ScanState):
    """The unfinished line: its start (view position) and the view text before ``looked``
    already searched for new lines."""

    __slots__ = ("line_at", "looked")

    def __init__(self) -> None:
        super().__init__()
        self.line_at = 0
        self.looked = 0

    def line_start(self, view: View) -> int:
        """The unfinished line's start, from the text that arrived since the last look."""
        start = max(self.looked, self.line_at, view.base) - view.base
        found = view.buf.rfind("\n", start)
        if found >= 0:
            self.line_at = view.base + found + 1
        self.looked = view.end
        return self.line_at

    def complete_lines(self, view: View, final: bool) -> tuple[int, int]:
        """The buffer offsets of the view text not yet read that holds complete lines only
        (all of it when ``final``): empty when the start is not before the end."""
        at = max(self.resume, view.base) - view.base
        limit = len(view.buf) if final else self.line_start(view) - view.base
        return at, limit


class FieldState(LineState):
    """The classification column of the CSV table being read: delimiter, index, width."""

    __slots__ = ("anchored", "columns", "opened", "searched", "valued")

    def __init__(self) -> None:
        super().__init__()
        self.columns: tuple[str, int, int] | None = None
        # The view text before ``searched`` searched for anchors, and whether one is there.
        self.searched = 0
        self.anchored = False
        self.opened = False  # the line opens a tag or an object ("<", "{")
        self.valued = False  # and names a value (content, value)


_CSV_DELIMITERS = (",", ";", "\t", "|")
# A field's label starts at most this far before its anchor (a glued prefix and two words
# before the anchor word: "dataSecurityClassification", "niveau de classification"), and
# the field ends at most this far after it (the label's rest, separators, a quoted value).
_FIELD_LEAD = 48
_FIELD_REACH = 520
_FIELD_SEPARATOR = lazy_compile("[:=]")
_VALUE_STRIP = " \t\"'"
_VALUE_CAVEAT_RE = lazy_compile(r"[^\S\n]{0,3}[,;/][^\S\n]{0,3}")


# Name/value pairs: an element or a flat object on one line, its attributes or keys in
# any order (<meta content="SECRET" name="classification">, {"name": …, "value": …}).
_PAIR_CONTAINER_RE = lazy_compile(r"<[a-z?!][^<>\n]{1,1000}>|\{[^{}\n]{1,1000}\}")
_ATTRIBUTE_RE = lazy_compile(
    r"(?<![\w:.\-])(?P<key>[a-z][\w:.\-]{0,40})[\"']?[^\S\n]{0,3}[:=][^\S\n]{0,3}"
    r"(?:\"(?P<double>[^\"\n]{0,400})\"|'(?P<single>[^'\n]{0,400})'|(?P<bare>[^\s\"'<>,;{}]{1,400}))"
)
_PAIR_NAME_KEYS = frozenset(
    {"name", "property", "itemprop", "key", "field", "id", "http-equiv", "label", "attribute"}
)
_PAIR_VALUE_KEYS = frozenset({"content", "value"})
_PAIR_VALUE_RE = lazy_compile(r"content|value")
_PAIR_VALUE_WIDTH = len("content")


# Where an unquoted value ends when more pairs follow on its line: "&" (a query string or
# form data) or blanks before the next key (logfmt: classification=SECRET user=jd).
_VALUE_END_RE = lazy_compile(r"&|[^\S\n]{1,8}[\w.\-]{1,40}[=:]")


# Cells of a line pasted from a spreadsheet or a table, and a cell reference before a
# cell's text (A1:, B12 =).
_TAB_CUT_RE = lazy_compile(r"\t+")
_BAR_CUT_RE = lazy_compile(r"[^\S\n]{0,8}\|[^\S\n]{0,8}")
_GAP_CUT_RE = lazy_compile(r"[^\S\n]{2,}")
_CELL_REFERENCE_RE = lazy_compile(r"[^\S\n]{0,4}[A-Za-z]{1,3}\d{1,7}[^\S\n]{0,2}[:=][^\S\n]{0,4}")


def _value_readings(value: str) -> list[str]:
    """A field's value (view text) as written, then cut where the next pair starts."""
    end = _VALUE_END_RE.search(value)
    return [value] if end is None else [value, value[: end.start()]]


def _field_setting(scanner: Scanner, line: str, at: int, match: re.Match[str]) -> bool:
    """Whether a field's bare value is a setting (``security.level=restricted``, in a file
    whose next line is ``ui.confidential.banner=false``): ``_key_values.setting`` reads
    the key from its start in the original text (the field's name may be its last word,
    ``app.classification``) and the value as written; a quoted value counts in any case."""
    group = match.lastgroup or "value"
    if group != "value":
        return False
    skel_map = scanner.skel.map
    line_start = skel_map.to_orig(at)
    original = scanner.orig_slice(line_start, skel_map.to_orig(at + len(line)))
    name_at = skel_map.to_orig(at + match.start()) - line_start
    value_start, value_end = skel_map.span(at + match.start(group), at + match.end(group))
    value_at = value_start - line_start
    start = key_start(original, name_at)
    return setting(original[start:value_at], original[value_at : value_end - line_start])


class FieldUnit(Unit[FieldState]):
    """Markings as the value of a classification field anywhere in a line: a JSON key
    (minified too), a YAML flow key, an XML attribute, or a CSV column under a header cell
    that names it. Complete lines only; the value must be nothing but markings (controls
    after ``//`` aside), in any case, or a portion mark in capitals (``ism:classification="TS"``).
    """

    view: ViewName = "skel"
    state_class = FieldState

    def __init__(self, engine: CompiledPolicy, labels: list[str]) -> None:
        self.engine = engine
        self.anchors = field_anchors(labels)
        self.longest_anchor = max(map(len, self.anchors), default=0)
        self.field_re = lazy_compile(field_regex(labels))
        self.cell_re = lazy_compile(cell_label_regex(labels))

    def is_label(self, name: str) -> bool:
        """Whether a column or key name (original text) names a classification field."""
        return self.cell_re.fullmatch(skeleton(name.strip(_VALUE_STRIP))) is not None

    def scan(self, scanner: Scanner, state: FieldState, final: bool) -> None:
        view = scanner.skel
        buf, base = view.buf, view.base
        at, limit = state.complete_lines(view, final)
        if limit <= at:
            return
        region = buf[at:limit]
        # Every line of the region ends with its new line: no empty line after the last.
        # Outside a CSV table only lines that hold an anchor can hold a field: each anchor
        # is found with ``str.find`` (its next place remembered), the lines between skipped.
        # The next place of each anchor, in a heap: a line costs the anchors it passes.
        nexts = [(-1, anchor) for anchor in self.anchors]
        position = 0
        while position < len(region):
            anchored = None
            if state.columns is None:
                while nexts and nexts[0][0] < position:
                    anchor = nexts[0][1]
                    place = region.find(anchor, position)
                    if place < 0:
                        heapq.heappop(nexts)
                    else:
                        heapq.heapreplace(nexts, (place, anchor))
                if not nexts:
                    break
                found = nexts[0][0]
                position = region.rfind("\n", position, found) + 1 or position
                anchored = True  # the line holds the anchor found
            line_end = region.find("\n", position)
            line_end = len(region) if line_end < 0 else line_end
            line = region[position:line_end]
            self._line(scanner, state, line, base + at + position, anchored)
            position = line_end + 1
        state.resume = base + limit

    def _line(
        self, scanner: Scanner, state: FieldState, line: str, at: int, anchored: bool | None
    ) -> None:
        """One complete line (view text at view position ``at``); ``anchored`` when the
        caller knows that it holds an anchor (None: look)."""
        skel_map = scanner.skel.map
        if anchored is None:
            anchored = any(a in line for a in self.anchors)
        fields = self._fields(line) if anchored else []
        if state.columns is not None or (anchored and not fields):
            # CSV cells are split in the original text: the views turn a tab into a blank.
            orig_start = skel_map.to_orig(at)
            original = scanner.orig_slice(orig_start, skel_map.to_orig(at + len(line)))
            if self._cells(scanner, state, original, orig_start):
                return
        if anchored and not fields:
            orig_start = skel_map.to_orig(at)
            original = scanner.orig_slice(orig_start, skel_map.to_orig(at + len(line)))
            self._labelled_cells(scanner, original, orig_start)
        values = [
            (match.group(match.lastgroup or "value"), match.start(match.lastgroup or "value"))
            for match in fields
            if not _field_setting(scanner, line, at, match)
        ]
        if anchored and _PAIR_VALUE_RE.search(line):
            values += [v for v in self._pairs(line) if v not in values]
        for value, value_at in values:
            value = value.split("//", 1)[0]
            for head in _value_readings(value):
                lead = len(head) - len(head.lstrip(_VALUE_STRIP))
                body = head.strip(_VALUE_STRIP)
                if not body:
                    continue
                start = at + value_at + lead
                end = start + len(body)
                original = scanner.orig_slice(*skel_map.span(start, end))
                found = self._markings(body, original)
                for spec in found:
                    scanner.hits.append(
                        _marking_hit(spec, *skel_map.span(start, end), "classification field")
                    )
                if found:
                    break

    def _labelled_cells(self, scanner: Scanner, line: str, at: int) -> None:
        """A cell that names the field, then the cell that holds its value, on a line cut
        by tabs, bars or wide gaps (a spreadsheet pasted as text: ``A1: Classification``,
        tab, ``B1: SECRET LUX``). ``line`` is original text at original offset ``at``."""
        # Cut by the widest delimiter the line has: a wide gap may lie inside a tab's cell.
        cut_re = _TAB_CUT_RE if "\t" in line else _BAR_CUT_RE if "|" in line else _GAP_CUT_RE
        if "\t" not in line and "|" not in line and "  " not in line:
            return
        cells = cut_re.split(line)
        if len(cells) < 2:
            return
        offset = 0
        starts = []
        for cut in cut_re.finditer(line):
            starts.append(offset)
            offset = cut.end()
        starts.append(offset)
        for number in range(len(cells) - 1):
            name = _CELL_REFERENCE_RE.sub("", cells[number], count=1).rstrip(" :=")
            if not name or not self.is_label(name):
                continue
            value = cells[number + 1]
            reference = _CELL_REFERENCE_RE.match(value)
            lead = reference.end() if reference is not None else 0
            body = value[lead:].strip(_VALUE_STRIP)
            if not body:
                continue
            start = at + starts[number + 1] + value.index(body, lead)
            for spec in self._markings(skeleton(body), body):
                scanner.hits.append(
                    _marking_hit(spec, start, start + len(body), "classification field")
                )

    def _pairs(self, line: str) -> list[tuple[str, int]]:
        """The values (text, position in the line) of name/value pairs, in either order, in
        one element or flat object: ``<meta content="SECRET" name="classification">``,
        ``{"value": "SECRET", "name": "classification"}``. The name attribute's value is a
        classification label; the value is in ``content`` or ``value``."""
        found: list[tuple[str, int]] = []
        for container in _PAIR_CONTAINER_RE.finditer(line):
            if not any(a in container.group() for a in self.anchors):
                continue
            named = False
            values: list[tuple[str, int]] = []
            for attribute in _ATTRIBUTE_RE.finditer(line, container.start(), container.end()):
                key = attribute.group("key").rsplit(":", 1)[-1]
                group = attribute.lastgroup or "bare"
                text = attribute.group(group)
                if key in _PAIR_VALUE_KEYS:
                    values.append((text, attribute.start(group)))
                elif key in _PAIR_NAME_KEYS:
                    label = re.split(r"[:.]", text.strip(_VALUE_STRIP))[-1]
                    named = named or self.cell_re.fullmatch(label) is not None
            if named:
                found += values
        return found

    def _fields(self, line: str) -> list[re.Match[str]]:
        """The field matches of a line, tried only around its anchors (a prose line that
        says "classified" is not searched from end to end)."""
        if ":" not in line and "=" not in line:
            return []  # every field has a separator after its label (``field_regex``)
        spots: list[int] = []
        for anchor in self.anchors:
            found = line.find(anchor)
            while found >= 0:
                spots.append(found)
                found = line.find(anchor, found + 1)
        spots.sort()
        matches: list[re.Match[str]] = []
        done = 0
        for spot in spots:
            if spot < done or _FIELD_SEPARATOR.search(line, spot, spot + _FIELD_LEAD) is None:
                continue  # "classified" in a sentence: no ":" or "=" follows it
            # The label starts at a word start a little before its anchor.
            for start in range(max(done, spot - _FIELD_LEAD), spot + 1):
                if start and line[start - 1].isalnum():
                    continue
                match = self.field_re.match(line, start, spot + _FIELD_REACH)
                if match is not None:
                    matches.append(match)
                    done = match.end()
                    break
        return matches

    def _cells(self, scanner: Scanner, state: FieldState, line: str, at: int) -> bool:
        """A CSV header (remembers the column) or a row (checks its cell): True when the
        line was either. ``line`` is original text at original offset ``at``."""
        if state.columns is not None:
            delimiter, index, width = state.columns
            cells = line.split(delimiter)
            if len(cells) == width:
                cell = cells[index]
                lead = len(cell) - len(cell.lstrip(_VALUE_STRIP))
                start = at + sum(len(cell) + 1 for cell in cells[:index]) + lead
                body = cell.strip(_VALUE_STRIP)
                for spec in self._markings(skeleton(body), body):
                    scanner.hits.append(
                        _marking_hit(spec, start, start + len(body), "classification column")
                    )
                return True
            if delimiter in line.strip() and not self._header(state, line):
                # A quoted delimiter ("Doe, J") or a ragged row: the table goes on. Read the
                # row as CSV; its column, or any cell when the count still differs, counts.
                parsed = next(csv.reader([line], delimiter=delimiter), [])
                values = [parsed[index]] if len(parsed) == width else parsed
                for value in values:
                    body = value.strip(_VALUE_STRIP)
                    for spec in self._markings(skeleton(body), body):
                        scanner.hits.append(
                            _marking_hit(spec, at, at + len(line), "classification column")
                        )
                return True
            state.columns = None  # the table ended
        return self._header(state, line)

    def _header(self, state: FieldState, line: str) -> bool:
        """Whether ``line`` is a CSV header with a classification column (remembered)."""
        for delimiter in _CSV_DELIMITERS:
            if delimiter not in line:
                continue
            cells = line.split(delimiter)
            for index, cell in enumerate(cells):
                # Anchors are lower case, without accents: a cheap first look on ASCII text;
                # accents and look-alikes need the skeleton (Niveau de sécurité, a Cyrillic a).
                if cell.isascii() and not any(a in cell.lower() for a in self.anchors):
                    continue
                body = skeleton(cell.strip(_VALUE_STRIP))
                if marking_squeeze(body) in self.engine.marking_key_set:
                    continue  # Unclassified, (an enum's member): a value, no column's name
                if any(a in body for a in self.anchors) and self.cell_re.fullmatch(body):
                    state.columns = (delimiter, index, len(cells))
                    return True
        return False

    def _markings(self, body: str, original: str) -> list[MarkingSpec]:
        """The markings a field value (skeleton ``body``, ``original`` text) consists of:
        markings in any case, or one portion mark in capitals; none when it is anything
        else. Controls after ``//`` are set aside; markup comments are not read (a
        reader never sees them: ``RES<!-- x -->TREINT UE`` in a CSV column)."""
        engine = self.engine
        kept = _shown(original)
        if kept is not None:
            original = _show(original, kept)
            body = skeleton(original)
        body = body.split("//", 1)[0].strip(_VALUE_STRIP)
        if not any(ch.isalpha() for ch in body):
            return []
        portion = engine.portion_by_key.get(squeeze(body))
        if portion is not None and original.split("//", 1)[0].strip(_VALUE_STRIP).isupper():
            return [portion]
        found = [engine.marking_by_key[key] for _, _, key in engine.split_markings(body)]
        if not found and _VALUE_CAVEAT_RE.search(body):
            # SECRET, NOFORN or SECRET / REL TO FVEY: caveats after a comma or a slash, in
            # capitals (real caveats are), as after "//".
            head = _VALUE_CAVEAT_RE.split(body, 1)[0]
            cut = _VALUE_CAVEAT_RE.search(original)
            if cut is not None and not _in_prose_case(original[cut.end() :]):
                return self._markings(head, original[: cut.start()])
        return found

    def earliest(self, scanner: Scanner, state: FieldState) -> int:
        """The unfinished line is held from its start while it could hold a field (a label,
        or the start of one, at its end) or a CSV column is being read."""
        view = scanner.skel
        buf, base = view.buf, view.base
        line_start = state.line_start(view)
        if state.resume < line_start:
            return state.resume
        if state.columns is not None:
            return line_start
        longest = self.longest_anchor
        if state.searched < line_start:
            state.searched, state.anchored = line_start, False
            state.opened = state.valued = False
        if not state.anchored:
            # Only the new text, and a word's length before it (one cut by the last look).
            overlap = max(longest, _PAIR_VALUE_WIDTH)
            since = buf[max(line_start, state.searched - overlap + 1) - base :]
            state.anchored = any(a in since for a in self.anchors)
            # A pair's value may come before its name (<meta content="…" name=…>): a line
            # that opens a tag or an object and names a value is held like an anchored one.
            state.opened = state.opened or "<" in since or "{" in since
            state.valued = state.valued or _PAIR_VALUE_RE.search(since) is not None
            state.anchored = state.anchored or (state.opened and state.valued)
            state.searched = view.end
        if state.anchored:
            return line_start  # the line holds an anchor: held to its end
        tail = buf[max(line_start - base, len(buf) - longest) :]
        if longest and _ends_with_a_start(tail, _prefixes(self.anchors)):
            return line_start
        return view.end


class CellState(LineState):
    """The unfinished line's original offset, the original text searched for a cell
    delimiter and the first one found (original offset, view position); the last cell
    of the last complete line when a marking may go on on the next line (its original
    offset and text)."""

    __slots__ = (
        "block",
        "calendar",
        "component",
        "line_orig",
        "pending",
        "row",
        "searched",
        "trigger",
    )

    def __init__(self) -> None:
        super().__init__()
        self.block = False  # the last line opened a text's block under its key (``_key_values``)
        self.component = False  # inside an iCalendar event, to-do or journal entry
        self.calendar = 0  # how deep in a calendar's or a contact's components
        self.line_orig = -1
        self.searched = 0
        self.trigger: tuple[int, int] | None = None
        # The cell's text from its original offset, each character's offset from it, and
        # the quote that ends it (a quoted value left open) or "".
        self.pending: tuple[int, str, list[int], str] | None = None
        # A line that ends with a table cell against a letter (``<td>NATO SEC</td>``): its
        # original offset, text and first delimiter's offset, held for the next line's
        # first cell (``_rendered``: ``<td>RET</td>``).
        self.row: tuple[int, str, int] | None = None


# A tag in square brackets or in parentheses that ends a line after a blank: a title or
# subject and its banner (``Subject: Convoy plan [NATO SECRET]``, as mail classification
# tools write it; ``Operation plan (SECRET)``, as a title's portion mark is placed). Its cell
# counts in capitals, as every cell's (``The Secret (2006)``, ``Dossier (Secret)`` are
# titles); a portion mark alone in it is no banner (``T-shirt (S)``).
# Between blanks, what parts a title from its banner: a dash, or the separators that
# title bars and breadcrumbs draw (a middle dot, a bullet, guillemets, a slash, a tilde, a
# double bar, a diamond, a small square or circle); a character class's contents.
TITLE_SEPARATORS = "\\-\u2013\u2014" + _TITLE_MARKS  # the dashes, then the other marks
_END_TAG = r"(?:\[[^\[\]\n]{1,240}\]|\([^()\n]{1,240}\))"
# What cuts a line into cells: XML CDATA brackets, markup comments and tags (not after
# another "<": <<SECRET>> is a wrapper), LaTeX and RTF control words (with an optional [C]
# argument; RTF's number has up to 10 digits: Word's revision ids, ``\insrsid6029077``),
# braces, table bars, tabs, two blanks or more (columns and justified or OCR text).
_CELL_SPLIT_RE = lazy_compile(
    r"<!\[CDATA\[|\]\]>|<!--.{0,300}?-->|(?<!<)<[a-zA-Z/!?][^<>\n]{0,300}>"
    # troff's font and size escapes, glued to the text they set (``\fBNATO``, ``\s+2NATO``)
    r"|\\(?:f(?:[A-Z1-4P]|\([A-Za-z]{2}|\[[^\[\]\n]{0,20}\])|s[+\-]?(?:\d{1,2}|\(\d{2}|\[\d{1,3}\]))"
    r"|\\[a-zA-Z]{1,32}\*?(?:\[[^\[\]\n]{0,40}\])?-?\d{0,10}[^\S\n]?"
    r"|[{}\t]|\|+|[^\S\n]{2,}"
    # a dash between blanks: a title and its banner (``Convoy brief - NATO SECRET``), or
    # another separator a title bar draws before a word (``Convoy plan · NATO SECRET``,
    # ``Annex B • SECRET``, ``»``, ``/``; before a single letter it is a marking's own gap
    # between words spelled letter by letter: ``T O P / S E C R E T``)
    r"|[^\S\n][-\u2013\u2014][^\S\n]"
    r"|(?<=[^\W_])[^\S\n][" + TITLE_SEPARATORS + r"][^\S\n](?=[^\W_]{2})"
    # a blank before a tag in square brackets that ends the line: a title or subject and
    # its banner (``Subject: Convoy plan [NATO SECRET]``, as mail classification tools write)
    r"|[^\S\n](?=" + _END_TAG + r"[^\S\n]*$)"
    # a spreadsheet's header and footer codes (``&LNATO SECRET&RPage &P``, ``&"Arial,Bold"``)
    r"|&(?:\"[^\"\n]{0,40}\"|\d{1,3}|K[0-9A-Fa-f]{6}|[LCRPNDTFAZGBIUSEXY])"
    # a BBCode tag inside another markup's value or a comment, whose own quotes end a quoted
    # value early (``text="[quote="jm"]NATO SECRET[/quote]"``)
    r"|(?i:" + BBCODE + r")"
)
# Complete comments are removed before the line is cut (so the cut sees a comment only
# where removing one closed another, and reads it like a tag: bounded). A comment never
# closed runs to the end of the line: searched again from every "<!--", such a line was
# quadratic (64 KB of "<!-- a ": 40 s).
_COMMENT_RE = lazy_compile(r"(?s)<!--.*?(?:(?P<closed>-->)|\Z)")


# The detectors of words (``kind: codeword`` or ``keyword``), read where markup cuts them.
_KEYWORD_KINDS = frozenset({"codeword", "keyword"})
# Inline elements between two letters or digits: a browser prints the letters side by
# side (<span>SEC</span><span>RET</span>, one span per glyph as PDF and Word converters
# write them). Block elements (td, p, div, li, br) part them. The seams of CDATA sections
# are not seen wherever they fall (<![CDATA[NATO SEC]]><![CDATA[RET]]>, <![CDATA[TRÈS
# ]]><![CDATA[SECRET]]>: an XML parser returns one text). ODF's inline elements have a
# namespace prefix (``<text:span text:style-name="T1">``, ``<text:a>``, a bookmark, a soft
# page break).
_INLINE_TAGS_RE = lazy_compile(
    r"(?<=[^\W_])(?:</?(?:(?:a|abbr|b|big|code|del|em|font|i|ins|mark|s|small|span|strike|"
    r"strong|sub|sup|tt|u)\b|text:(?:span|a|bookmark(?:-start|-end|-ref)?|soft-page-break"
    r"|reference-mark(?:-start|-end)?)(?![\w\-]))[^<>\n]{0,80}>|\]\]><!\[CDATA\[)+(?=[^\W_])"
    r"|(?:\]\]><!\[CDATA\[)+",
    re.IGNORECASE,
)
# ODF's space and tab elements (``COSMIC<text:s/>TOP<text:s/>SECRET``): shown as one
# blank, their "<" kept in its place (``_show``) and the rest not seen.
_SPACE_ELEMENT_RE = lazy_compile(
    r"<text:(?:s|tab)(?:[^\S\n]{1,3}text:c=\"\d{1,4}\")?[^\S\n]{0,2}/>"
)
# RTF's tokens: a destination group (a bookmark, a field's instructions: ``{\\*\\bkmkstart
# _Toc1}``), a control word and its delimiter, a control symbol, a brace, plain text.
_RTF_TOKEN_RE = lazy_compile(
    r"\{\\\*[^{}\n]{0,200}\}|\\(?P<word>[a-zA-Z]{1,32})-?\d{0,10}[^\S\n]?|\\[^a-zA-Z]|[{}]"
    r"|[^\\{}]{1,4096}"
)
# The control words that break the text (a paragraph, a line, a tab, a cell) or stand for
# a character: RTF between two letters with none of them is no gap (``_rtf_seams``).
_RTF_BREAKS = frozenset(
    "par pard line tab cell row nestcell sect page column lbr emdash endash bullet emspace"
    " enspace qmspace lquote rquote ldblquote rdblquote newline linebreak".split()
)


def _shown(text: str) -> list[int] | None:
    """The offsets of ``text`` that a reader sees as one line of text, or None when that
    is all of it: closed markup comments against a word (SE<!-- x -->CRET is one word;
    the text of any other comment is shown, only its delimiters are not), inline tags
    between letters (SEC</b><b>RET, ODF's SEC</text:span>RET) and RTF between the letters
    of a word (``_rtf_seams``) are not seen; ODF's ``<text:s/>`` shows its "<" (``_show``).
    Text without "<", or without a backslash and a brace, costs a scan or two."""
    rtf = "\\" in text and ("{" in text or "}" in text)
    if "<" not in text and not rtf:
        return None
    kept: list[int] | None = None
    shown = text
    if "<!--" in text:
        spans: list[tuple[int, int]] = []
        for comment in _COMMENT_RE.finditer(text):
            if comment.group("closed") is None:
                break  # never closed: no comment after it is either
            start, end = comment.span()
            if _against_word(text, start, end):
                spans.append((start, end))
            else:  # its text is shown, cut into cells with the line's
                spans += [(start, start + 4), (end - 3, end)]
        if spans:
            kept = _outside(spans, range(len(text)))
            shown = "".join(text[i] for i in kept)
    cuts = [tag.span() for tag in _INLINE_TAGS_RE.finditer(shown)] if "<" in shown else []
    if "<text:" in shown:
        cuts += [(space.start() + 1, space.end()) for space in _SPACE_ELEMENT_RE.finditer(shown)]
        cuts.sort()
    if cuts:
        kept = _outside(cuts, kept if kept is not None else range(len(text)))
    if rtf:
        if kept is not None:
            shown = "".join(text[i] for i in kept)
        seams = _rtf_seams(shown)
        if seams:
            kept = _outside(seams, kept if kept is not None else range(len(text)))
    return kept


def _against_word(text: str, start: int, end: int) -> bool:
    """Whether a letter or digit stands right before or after ``text[start:end]``."""
    return (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum())


def _rtf_seams(text: str) -> list[tuple[int, int]]:
    """The spans of RTF markup between two letters or digits of a word that show nothing
    between them: group seams, destination groups and control words that set the look of
    the text (``{\\b NATO SEC}{\\b RET}``, Word's runs split at each revision id)."""
    seams: list[tuple[int, int]] = []
    start = -1
    letter = breaks = False
    for token in _RTF_TOKEN_RE.finditer(text):
        first = token.group()[0]
        if first not in "\\{}":
            if start >= 0 and letter and not breaks and first.isalnum():
                seams.append((start, token.start()))
            letter, start, breaks = token.group()[-1].isalnum(), -1, False
            continue
        if start < 0:
            start = token.start()
        word = token.group("word")
        if word in _RTF_BREAKS or (word is None and first == "\\" and token.group() != "\\-"):
            breaks = True
        elif word is not None and text.startswith("{", token.end()):
            breaks = True  # LaTeX's \textbf{…}, \begin{center}: a command and its argument
    return seams


def _show(text: str, kept: Sequence[int]) -> str:
    """The characters of ``text`` at ``kept`` (``_shown``), an ODF space element's kept
    "<" as the blank it shows."""
    return "".join(
        " " if text[i] == "<" and _SPACE_ELEMENT_RE.match(text, i) else text[i] for i in kept
    )


def _outside(spans: list[tuple[int, int]], offsets: Sequence[int]) -> list[int]:
    """``offsets`` without the positions that ``spans`` (sorted, apart) cover."""
    kept: list[int] = []
    last = 0
    for start, end in spans:
        kept.extend(offsets[last:start])
        last = end
    kept.extend(offsets[last:])
    return kept


# A value in quotes after "=" or ":" (an attribute, a JSON or CSS value), or after a CSV
# delimiter or in an SQL row's values (``VALUES (12,'Plan','NATO SECRET')``): a cell too.
# A quoted value: a doubled quote around it is one quote (``content=""SECRET""``, CSV's
# ``"""SECRET"""``), and one longer than 200 characters is read in its first 200.
# A value that a keyword gives is one too: COBOL's ``PIC X(11) VALUE 'NATO SECRET'.``, an XML
# entity's ``<!ENTITY cls "COSMIC TOP SECRET">``, SQL's ``COMMENT ON TABLE docs IS 'NATO
# SECRET'``, a column's ``DEFAULT 'SECRET'`` or MySQL's ``COMMENT 'SECRET'``, and a C
# preprocessor's constant (``#define BANNER "COSMIC TOP SECRET"``, ``#define LVL L"…"``,
# ``#define LVL ("…")``; in rot13, ``#qrsvar``), as ``BANNER = "…"`` is.
_QUOTED_CELL_RE = lazy_compile(
    # (a list's first item too: ``["NATO SECRET", …]``; not an index or a type's argument,
    # a bracket glued to a name: ``Literal["SECRET"]``, ``os.environ["SECRET"]``)
    r"(?:[=:][^\S\n]{0,3}([\"'])|(?:(?<=[,;])|(?<=\[)(?<![\w\])]\[))[^\S\n]{0,3}([\"'])"
    r"|(?:(?:(?<![^\W_])(?i:values?|default|comment(?:[^\S\n]{1,3}on[^\S\n][^\"'\n]{1,160}?"
    r"[^\S\n]is)?)|<!ENTITY[^\S\n]{1,3}(?:%[^\S\n]{1,3})?[\w.\-]{1,40})[^\S\n]{1,3}"
    r"|#[^\S\n]{0,3}(?:define|qrsvar)[^\S\n]{1,3}[A-Za-z_]\w{0,40}+[^\S\n]{1,3}\(?(?:L|u8?|U|Y|h8?|H)?)"
    r"([\"']))"
    r"(?:(?:\1|\2|\3){1,2}(?=[^\"'\n]{1,200}(?:\1|\2|\3){2}))?"
    r"(?P<value>[^\"'\n]{1,200})(?:\1|\2|\3|(?<=[^\"'\n]{200})(?=[^\"'\n]))"
)
# A line that names a field, then gives its value: ``title: NATO SECRET``, ``dc.subject:
# SECRET``, ``Titel : GEHEIM - Lagebericht``. Any short field name (up to three words of
# letters, digits, dots, hyphens), not only the policy's labels: the value is a cell, read
# as a banner line, and counts in capitals only (``Title: Top Secret`` is a film).
# The words that name a classification field, whatever words stand around them.
_CLASSIFICATION_WORDS = (
    r"classifications?|classified|classement|classificatie|klassifizierung|klassifikatioun"
    r"|klassifizeierung|einstufung|marquage|marking|rubricering|geheimhaltungs(?:grad|stufe)"
)
_LABEL_CELL_RE = lazy_compile(
    r"[^\S\n]{0,8}"
    # a list's number before the field (``1. Header: SECRET UE``)
    r"(?:\d{1,3}[.)][^\S\n]{1,3})?"
    # a chat export's time stamp before the sender's name: ``[12/03/2025, 10:14:02] Jean:``,
    # ``12/03/2025, 10:14 - Jean:``
    r"(?:\[[^\[\]\n]{1,40}\][^\S\n]{0,3}"
    r"|\d{1,4}[./\-]\d{1,2}[./\-]\d{1,4},?[^\S\n]{1,3}\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:[^\S\n]?[aApP][mM])?[^\S\n]{1,3}[-\u2013][^\S\n]{1,3})?"
    # a list's marker or a section's number before the field (``1. Header: SECRET UE``,
    # ``- Banner: NATO SECRET``, ``3.2 Title:``, ``a) Stempel: VS-VERTRAULICH``)
    r"(?:(?:[-*\u2022\u00b7+]|\d{1,3}(?:\.\d{1,3}){0,4}[.)]?|[A-Za-z][.)]|[ivxIVX]{2,5}[.)]"
    r"|\((?:\d{1,3}|[A-Za-z]|[ivx]{2,5})\))[^\S\n]{1,4})?"
    # a longer name that starts or ends with a classification word (a fax cover's
    # ``CLASSIFICATION OF THIS TRANSMISSION:``, ``Security classification of this message:``)
    r"(?:(?:[^\W\d_][\w.\-]{0,31}[^\S\n]){0,4}(?i:" + _CLASSIFICATION_WORDS + r")"
    r"(?:[^\S\n][\w.\-]{1,31}){0,6}(?=[^\S\n]{0,3}:)"
    # a key with a domain's prefix (``classification.mil/level:``, Kubernetes' labels)
    r"|[^\W\d_][\w.\-]{0,31}(?::[a-z][\w.\-]{0,30}|/[\w.\-]{1,40})?"
    r"(?:[^\S\n][\w.\-]{1,31}){0,2})"
    # a message's recipient after its sender (``Jean → Ops:``, ``Jean -> Ops:``)
    r"(?:[^\S\n]{1,3}(?:\u2192|->|=>|\u00bb)[^\S\n]{1,3}[^\W\d_][\w.\-]{0,31}"
    r"(?:[^\S\n][\w.\-]{1,31}){0,2})?"
    # who or what the field is in brackets (``Comment [J. Muller]: SECRET LUX``)
    r"(?:[^\S\n]{0,2}\[[^\[\]\n]{1,40}\])?"
    # an iCalendar or vCard property's parameters (``SUMMARY;LANGUAGE=fr-FR:SECRET UE``)
    r"(?:;[\w\-]{1,30}=(?:\"[^\"\n]{0,60}\"|[^;:\n\"]{0,60})){0,4}"
    # ``key: VALUE``; ``key=VALUE`` with no blank before the "=" (a configuration or
    # properties line; ``level = SECRET`` is source code's assignment)
    r"(?:[^\S\n]{0,3}:|=(?!=))[^\S\n]{0,3}"
)
# A separator between blanks in a field's value: what comes before it is the value.
_VALUE_DASH_RE = lazy_compile(r"[^\S\n][" + TITLE_SEPARATORS + r"][^\S\n]")
# A documentation keyword line: a directive whose value a renderer prints as the
# document's title or a heading, or a documentation tag's text (Org's ``#+TITLE: SECRET
# UE``, ``#+SUBTITLE:``, POD's ``=head1 NATO SECRET``, ``=item``, Texinfo's ``@settitle NATO
# SECRET``, ``@chapter``, a Javadoc or Doxygen tag in a comment ``* @classification NATO
# SECRET``, an AsciiDoc block title ``.NATO SECRET``). Its value is a cell, read like a
# field's value: in capitals only (``#+TITLE: The Secret Garden`` is a title).
_DIRECTIVE_RE = lazy_compile(
    r"[^\S\n]{0,8}(?:"
    r"#\+[A-Za-z][\w\-]{0,30}[^\S\n]{0,3}:"
    r"|=(?i:head[1-6]|item|title|subtitle)(?![\w\-])"
    r"|(?:(?:/\*\*?|\*|//[/!]?|#|;|%|--)[^\S\n]{0,3})?@[A-Za-z][\w\-]{1,30}(?=[^\S\n])"
    r"|\.(?=[^\W\d_])"
    r")[^\S\n]{0,8}"
)
# An iCalendar or vCard property that a calendar shows as an event's or a contact's text
# (``SUMMARY:NATO SECRET briefing``, ``DESCRIPTION:``, ``LOCATION:``, a vCard's ``NOTE:``),
# its name in capitals, as such files write it, and its parameters. Its first words are read
# as a subject line's are: a marking in capitals there marks the event whatever follows
# (``SUMMARY:Secret Santa party`` is prose). ``CLASS:`` is an access class (``_folds``).
_PROPERTY_RE = lazy_compile(
    r"(?:SUMMARY|DESCRIPTION|LOCATION|COMMENT|CATEGORIES|CONTACT|RESOURCES|NOTE|TITLE|ORG"
    r"|X-[A-Z0-9\-]{1,30})"
    # the value glued to the colon, as such files write it (``NOTE: SECRET documents are
    # locked away`` is a note in prose)
    r"(?:;[\w\-]{1,30}=(?:\"[^\"\n]{0,60}\"|[^;:\n\"]{0,60})){0,4}:(?=\S)"
)
# A property value's first words, each the end of a cell read as a subject's first words.
_FIRST_WORDS_RE = lazy_compile(r"[^\s]{1,60}")
_FIRST_WORDS = 4
# A wiki macro's parameters (Confluence, Jira: ``{panel:title=NATO SECRET|borderStyle=solid}``,
# ``{status:colour=Red|title=SECRET}``; a MediaWiki template's, ``{{Box|title=SECRET}}``):
# each ``key=value`` after the macro's name is a field
# whose value is a cell, read like the value after a field name that starts a line.
_MACRO_RE = lazy_compile(r"\{\{?[a-zA-Z][\w\- ]{0,30}[:|](?P<params>[^{}\n]{1,400})\}")
_MACRO_PARAM_RE = lazy_compile(
    r"(?:^|\|)[^\S\n]{0,3}[a-zA-Z][\w\-]{0,30}[^\S\n]{0,3}=(?P<value>[^|]*)"
)
# A PDF or FDF object's string after its key (``<< /T (classification) /V (NATO SECRET) >>``,
# an annotation's ``/Contents (SECRET UE)``, a document's ``/Title (…)``): a field's value.
_PDF_VALUE_RE = lazy_compile(r"/[A-Z][A-Za-z]{0,19}[^\S\n]{0,3}\((?P<value>[^()\n\\]{1,200})\)")
# A troff request line (man pages, ms, mom): ``.TH CONVOY 7 "March 2025" "NATO SECRET"``,
# ``.B NATO SECRET``, ``.SH "SECRET UE"``, ``.tl ''NATO SECRET''``. Each quoted argument is a
# cell; the arguments of a macro that sets text (a font, a heading, a tag) are one cell
# together; a title's words between ``.tl``'s delimiters are cells.
_TROFF_RE = lazy_compile(r"\.[^\S\n]{0,3}(?P<name>[A-Za-z][A-Za-z0-9]?)(?:[^\S\n]+|(?=['\"]))")
_TROFF_ARG_RE = lazy_compile(r'"(?P<arg>[^"\n]{1,200})"')
_TROFF_TEXT = frozenset(
    {"B", "I", "BI", "BR", "IB", "IR", "RB", "RI", "SB", "SM", "SH", "SS", "IP", "TL", "NH", "UL"}
    # mdoc's (BSD man pages): symbolic and emphasised text, quotes, literal text, display
    | {"Sy", "Em", "Dq", "Qq", "Sq", "Ql", "Li", "Nm", "D1", "Dl", "Pq", "Bq", "Do", "Dc"}
)  # a request's name has one or two characters, as man and ms write them (.NET is a word)
# A value that may hold a marking in capitals: two capitals with at most three other
# characters (no letter) between them, odd case (sEcReT), or a letter beyond ASCII (a
# look-alike). Others (``key: value``, ``Title: Top Secret``) are not read: ``key: value``
# lines are common, and reading each value as a line of its own is not cheap.
_CAPITALS_RE = lazy_compile(r"[A-Z][^A-Za-z\n]{0,3}[A-Z]|[a-z][A-Z][a-z][A-Z]|[^\x00-\x7f]")
# A field that a classification word names (``Classification of this document:``): its
# value is read whatever its case (odd case, ``vS-nFd``, is evasion); it counts as a cell.
_CLASSIFICATION_LABEL_RE = lazy_compile(r"(?<![^\W\d_])(?i:" + _CLASSIFICATION_WORDS + r")")
# A portion mark as a field's value (``Short description: (S//NF) Convoy plan``, ``Subject:
# (C) Meeting moved``): in capitals, with a caveat (``//NF``, ``/NF``), or before a
# sentence that starts with a capital (a capitalised word, then one in lower case). A lone
# ``(S)`` in a table is a size; ``Photo: (C) Reuters`` a copyright.
_LABEL_PORTION_RE = lazy_compile(
    r"[(\[][^\S\n]{0,2}[^\W\d_a-z]{1,5}(?:"
    r"[^\S\n]{0,2}//?[^\S\n]{0,2}[^\W\d_a-z][^)\]\n]{0,80}[)\]]"
    r"|[^\S\n]{0,2}[)\]][^\S\n]{1,4}[A-Z][^\W\d_]*[^\S\n]{1,4}[^\W\d_A-Z])"
)
# A label whose value's bracketed letter is no portion mark: a credit's ``(C)`` is a
# copyright (``Photo : (C) Ville de Luxembourg``), an answer's or an option's is the letter
# of a choice (``Answer: (C) The mitochondria``), a size's is a size.
_NOT_PORTION_LABEL_RE = lazy_compile(
    r"photo|foto|image|bild|picture|illustration|graphi|grafik|video|source|quelle|bron|"
    r"cr[ée]dit|copyright|auteur|author|autor|rights|droits|rechte|"
    r"answer|antwort|r[ée]ponse|antwoord|[äa]ntwert|option|choice|choix|auswahl|keuze|"
    r"solution|l[öo]sung|oplossing|correct|richtig|juist|size|taille|gr[öo](?:ss|ß)e|maat|"
    # a question's or an exercise's number before the letter of its choice (``Q3: (C) The
    # mitochondria``, ``Vraag 3: (C) De cel``): the number is the evidence, the word alone
    # (``Task: (S) Move the convoy``) is none
    r"(?<![^\W\d_])(?:q|qu|quest|question|vraag|frage|fro|aufgabe|exercice|exercise|ex|"
    r"oefening|opgave|quiz|problem|probl[èe]me|item|task|t[âa]che|[üu]bung|uebung)\.?"
    r"[^\S\n]{0,2}(?:n[°or]\.?|#)?[^\S\n]{0,2}\d{1,3}[a-z]?(?!\d)",
    re.IGNORECASE,
)
# Where a cell may start: a character that can begin a delimiter above, or a quoted
# value's "=" or ":" (a line without one has a single cell).
# A quoted value that its line leaves open (content="CON- / FIDENTIAL">).
_OPEN_QUOTE_RE = lazy_compile(r"[=:][^\S\n]{0,3}(?P<quote>[\"'])(?P<value>[^\"'\n]{1,200})$")
# What before a quoted value's "=" compares it (==, !=, <=, >=): a name, not a value.
_COMPARISON = frozenset("=!<>")
# SQL's condition before an ``=``: ``WHERE role``, ``AND t.level``; the ``=`` compares.
_SQL_CONDITION_RE = lazy_compile(
    r"(?<![^\W_])(?i:where|and|or|having|on|when)[^\S\n]{1,3}[\w.\"`\[\]]{1,64}[^\S\n]{0,3}$"
)
# What may start a cell: one of ``<{}|\t\\]=:"``, two blanks, a quote after a comma or semicolon, a
# spreadsheet's ``&L``, a PDF's ``/Name (``, a dash between blanks (not before a word of prose: ``-
# the``, ``— sécurité``, ``- The``, ``— l'état``), a troff request (``.TL``), a sentence's end glued
# to a footer (``1800.NATO``). ``_CELL_TRIGGER_PLAIN`` writes them as one alternation, which ``re``
# tries at every position; ``_Triggers`` searches the same starts with two patterns, each led by one
# class of first characters, so that ``re`` skips in C every character that no trigger starts with
# (most of a text): those that start with a blank (a blank stops it at every word), and the others,
# their first character then looked at behind (3x faster on prose than the alternation). A class
# that holds ``\s`` tests each character by category: the blanks are listed one by one (``BLANKS``).
# Both are composed from one list of the triggers (below); the tests hold them to the same
# starts.
BLANKS = (
    "\t\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)  # every character ``[^\S\n]`` matches (a test recomputes them)
# (a word of three letters in title case, then a full stop and a blank, is an abbreviation
# that a marking may start with: ``Lagebericht - Stg. GEHEIM``)
_PROSE_AFTER_DASH = (
    r"(?![a-z\u00df-\u00ff]{2}|[A-Z][a-z\u00df-\u00ff]{2}(?!\.[^\S\n])|[a-z][\u2019'])"
)
# A field in capitals after a comma and a blank (a row of data: ``_data_lines``).
_CAPITALS_FIELD = (
    r"[^\S\n]{1,3}[A-Z\u00c0-\u00de](?:[A-Z\u00c0-\u00de]|[^,;\n]{0,40}?[A-Z\u00c0-\u00de]{2})"
)
# Words in capitals, two or more, that end the line after a blank (a short title's marking:
# ``Annex A NATO SECRET``, ``Anlage 3 VS-VERTRAULICH``; ``_short_titles``).
_CAPITALS_END = (
    r"[A-Z\u00c0-\u00de](?:[^a-z\s\-/]{0,30}+|[a-z]{1,3}\.)[\-/ ]"
    r"(?:[^a-z\n]|(?<=[A-Z])[a-z]{1,2}(?=[A-Z])){1,60}+(?m:$)"
)
# A blank before a LaTeX table's "&" (``Plan & NATO SECRET \\``), or after a diagram's
# keyword that starts its line (PlantUML's ``header NATO SECRET``, Mermaid's ``title``):
# their values are cells (``_dsl``). Each starts at the blank, in both patterns below.
_DSL_KEYWORD_BEFORE = (
    "(?:"
    + "|".join(
        rf"(?<=(?<![^\s])(?i:{word})[^\S\n])"
        for word in ("header", "footer", "title", "caption", "legend", "section")
    )
    # WebVTT's comment, in capitals at a line's start (``NOTE SECRET UE``)
    + r"|(?<=(?<![^\n])NOTE[^\S\n])"
    + ")"
)
# A flowchart's node label in brackets after its name, on a line that links nodes further
# on (``A[NATO SECRET] --> B``), a link's arrow (``A --> B[NATO SECRET]``), and a Typst
# content block after a call (``#align(center)[NATO SECRET]``).
_DSL_LINK_AHEAD = r"(?=[^\n]{0,160}?(?:--[->ox]|==[=>]|-\.|~~~))"
# Each trigger once; the three patterns below are composed from these lists, so a trigger
# added here is both in the plain alternation and in the led pattern of its first character.
# A blank's trigger: what follows the blank.
_BLANK_TRIGGERS = (
    r"[^\S\n]",  # two blanks
    # a dash between blanks (not before a word of prose)
    r"[" + TITLE_SEPARATORS + r"][^\S\n]{1,3}" + _PROSE_AFTER_DASH,
    # a tag in square brackets that ends the line (``Convoy plan [NATO SECRET]``)
    r"(?=" + _END_TAG + r"[^\S\n]*(?m:$))",
    # a LaTeX table's "&" (``_dsl``)
    r"(?=&[^\S\n])",
    # words in capitals that end the line (``_short_titles``)
    r"(?=" + _CAPITALS_END + ")",
    # a diagram's keyword before the blank (``_dsl``)
    _DSL_KEYWORD_BEFORE,
)
# Any other trigger: (the class of its first character, written without its brackets; what
# must stand behind the position after that character, "" for nothing: a lookbehind that
# starts with ``(?<=`` must end with the first character, as the led pattern takes it for
# the class; what follows the first character).
_OTHER_TRIGGERS = (
    (r"<{}|\t\\\]=:\"", "", ""),
    # a flowchart's node label after its name, on a line that links nodes; a link's arrow; a
    # Typst content block after a call (``_dsl``)
    (r"\[(", r"(?<=\w[\[(])", _DSL_LINK_AHEAD),
    (r"\-", "", r"(?=->|\.->)"),
    (r"\[", r"(?<=\)\[)", ""),
    # a documentation tag (Texinfo's ``@settitle``, Javadoc's ``@classification``): its text
    ("@", "", r"(?=[A-Za-z][\w\-]{1,30}[^\S\n])"),
    # a quote after a word that ends in "s" or "t" and a blank: SQL's ``IS '``, ``DEFAULT '``,
    # ``COMMENT '`` give a value (_QUOTED_CELL_RE)
    ("'", r"(?<=[SsTt][^\S\n]')", ""),
    # a quote after a comma, a semicolon or a bracket
    (r",;\[", "", r"[^\S\n]{0,3}'"),
    # a quote at a line's start (a string's repr: ``'TOP SECRET\\nAnnex B'``), or after a
    # string's prefix there (``b'``, ``$'``)
    ("'`", r"(?<![^\n]['`])", ""),
    ("'`", r"(?<=(?m:^)[bBuUrRfF$]['`])", ""),
    # a spreadsheet's ``&L``, a PDF's ``/Name (``
    ("&", "", "[LCR]"),
    ("/", "", r"[A-Z][A-Za-z]{0,19}[^\S\n]{0,3}\("),
    # a troff request (``.TL``): a full stop with no character but a new line before it
    (r"\.", r"(?<![^\n]\.)", "[A-Za-z]"),
    # a sentence's end glued to what is no small letter, digit or blank (a footer glued on:
    # ``_glued_footers``)
    (".!?", r"(?<=[^\W_A-Z][.!?])", r"(?=[^\sa-z\d]|\d{1,4}[A-Z])"),
    # a CSV row's comma or semicolon (no blank after it; not a decimal comma), grep's
    # ``plan.txt-3-``, a COBOL listing's sequence number at the line's start (``_data_lines``)
    (",;", r"(?<=[^\s\d][,;])", r"(?=[^\s,;])"),
    (",;", r"(?<=\d[,;])", r"(?=[^\s\d,;]|[^\S\n])"),
    # a comma and a blank before a field in capitals (``Plan, NATO SECRET, 3 pages``)
    (",;", "", "(?=" + _CAPITALS_FIELD + ")"),
    (r"\.", r"(?<=\w\.)", r"[A-Za-z0-9]{1,8}(?:[-:]\d{1,7})?-"),
    ("0", r"(?<![^\n]0)", r"\d{4,5}(?:[^\S\n]|[*/])"),
    # a file name's joiner next to a word in capitals (``minutes_SECRET_UE_v2.docx``,
    # ``_file_names``)
    ("_", r"(?<=[^\W_]_)", r"(?=[(\[]?[A-Z])"),
    ("_", r"(?<=[A-Z)\]]_)", r"(?=[^\W_])"),
    (r"\-.", r"(?<=[^\W_][\-.])", "(?=[A-Z]{2})"),
)
_PLAIN_TRIGGERS = (
    *(f"[{first}]{behind}{rest}" for first, behind, rest in _OTHER_TRIGGERS),
    *(r"[^\S\n]" + rest for rest in _BLANK_TRIGGERS),
)
_CELL_TRIGGER_PLAIN = "|".join(_PLAIN_TRIGGERS)
_OTHER_TRIGGER_RE = re.compile(
    "["
    + "".join(first for first, _, _ in _OTHER_TRIGGERS)
    + "](?:"
    + "|".join(
        (behind if behind.startswith("(?<=") else f"(?<=[{first}]){behind}") + rest
        for first, behind, rest in _OTHER_TRIGGERS
    )
    + ")"
)
_BLANK_TRIGGER_RE = re.compile("[" + re.escape(BLANKS) + "](?:" + "|".join(_BLANK_TRIGGERS) + ")")


class _Triggers:
    """The starts of ``_CELL_TRIGGER_PLAIN``'s matches in ``text[:end]``, asked for from
    positions that only grow (a walk over a text): each pattern's next match is remembered
    while it lies ahead, so each part of the text is searched once by each."""

    __slots__ = ("_blank", "_other", "end", "text")

    def __init__(self, text: str, end: int) -> None:
        self.text, self.end = text, end
        # (searched from, the first start found there or -1), for each pattern
        self._other = self._blank = (len(text) + 1, -1)

    def first(self, start: int) -> int:
        """The first start at or after ``start``, or -1."""
        searched, found = self._other
        if not searched <= start <= (found if found >= 0 else self.end):
            match = _OTHER_TRIGGER_RE.search(self.text, start, self.end)
            found = -1 if match is None else match.start()
            self._other = (start, found)
        other = found
        searched, found = self._blank
        if not searched <= start <= (found if found >= 0 else self.end):
            match = _BLANK_TRIGGER_RE.search(self.text, start, self.end)
            found = -1 if match is None else match.start()
            self._blank = (start, found)
        return other if found < 0 or 0 <= other < found else found


_TRIGGER_OVERLAP = 32  # longer than any trigger (``/Subject (``, ``Write-Output(``)
_MAX_CELL = 400
_LINE_BREAK = 2  # the most characters between two lines (CR LF)
_MAX_CHAINED_LABELS = 3  # Subject: RE: FW: AW: [SECRET]: the fields a value may start with
_MAX_CELL_WORDS = 6  # the most words a marking spread over wide gaps has (and one more)
_CELL_MEMO = 4096  # cells whose answers are remembered (then forgotten all at once)


# A footer glued to the sentence before it, which ends on a small letter or a digit
# (pdftotext without -layout glues a page's last line to its footer: ``…reports by
# 1800.NATO SECRET``): after the sentence's end, no blank, then no small letter nor digit
# (capitals, a look-alike, markup) or a number glued to a capital (a page number,
# ``1800.3NATO SECRET``; leetspeak, ``1800.70P SECR37``), and the rest of the cell, read as
# a banner line.
_GLUED_FOOTER_RE = lazy_compile(r"(?<=[^\W_A-Z][.!?])(?=[^\sa-z\d]|\d{1,4}[A-Z])[^\n]{2,400}+$")
# What makes the text before such a footer code rather than a sentence (``return
# settings.SECRET``, ``x = Level.SECRET``): a sentence has words after the last of these.
_CODE_CHARS_RE = lazy_compile(r"[=(){}\[\];<>][^=(){}\[\];<>]*$")
_SENTENCE_WORDS = 3  # the fewest words of a sentence before a glued footer


def _glued_footers(text: str, cells: list[tuple[int, int, bool, bool]]) -> list[tuple[int, int]]:
    """The spans of footers glued to the end of a sentence (``_GLUED_FOOTER_RE``) at the end
    of ``text`` or of one of its ``cells``, where a sentence of prose precedes them in it
    (words after any code)."""
    found = []
    for start, end in [(0, len(text)), *((cell[0], cell[1]) for cell in cells)]:
        footer = _GLUED_FOOTER_RE.search(text, start, end)
        if footer is None:
            continue
        before = text[start : footer.start()]
        code = _CODE_CHARS_RE.search(before)
        if len((before if code is None else code.group()).split()) >= _SENTENCE_WORDS:
            found.append(footer.span())
    return found


# A key of a key=value event (CEF's extension, LEEF, syslog and audit lines): a name
# glued to "=" after a blank, a bar, LEEF's "^" or the line's start (``cs1Label=Classification
# cs1=NATO SECRET fname=x.docx``). Its value is unquoted and may hold blanks: it runs to
# the next key.
_PAIR_KEY_RE = lazy_compile(r"(?:^|(?<=[^\S\n]|[|^]))[A-Za-z_][\w.\-]{0,40}=(?![=\"'])")
_PAIRS = 2  # the fewest keys of a line of key=value pairs
_MAX_PAIRS = 64  # the most values of one line read as cells


# A protective marking's tag in a mail's subject, as Australian government mail writes
# it (``Subject: Convoy plan [SEC=SECRET]``, ``[SEC=TOP-SECRET, DLM=Sensitive]``): each
# value up to a comma, colon, semicolon or the bracket, read as a cell (in capitals).
_PROTECTIVE_TAG_RE = lazy_compile(
    r"(?:\[|,)[^\S\n]{0,3}(?i:sec|dlm)[^\S\n]{0,3}=[^\S\n]{0,3}(?P<value>[^\[\],;:=\n]{1,80})"
)


def _pair_values(line: str) -> list[tuple[int, int]]:
    """The values of a line of key=value pairs (two keys or more, ``_PAIR_KEY_RE``), each
    to the blank before the next key, that may hold a marking in capitals
    (``_CAPITALS_RE``); none for a line of fewer pairs."""
    keys = [key.span() for key in islice(_PAIR_KEY_RE.finditer(line), _MAX_PAIRS + 1)]
    if len(keys) < _PAIRS:
        return []
    values = []
    for (_, start), (end, _) in zip(keys, [*keys[1:], (len(line), len(line))], strict=True):
        if end - start <= _MAX_CELL and _CAPITALS_RE.search(line, start, end) is not None:
            values.append((start, end))
    return values


# An X.500 / LDAP distinguished name (LDIF's ``dn: cn=plan,ou=NATO SECRET,dc=example``, a
# certificate's subject ``CN=…, OU=…, O=…``): its attribute values are cells, read in
# capitals as any cell (``ou=Secret Service`` and ``cn=Secretariat`` are names). A name
# is two attributes or more, the second after a comma, ";" or "+"; a value runs to the next
# unescaped separator.
_DN_TYPES = r"(?i:cn|ou|o|dc|c|l|st|street|uid|title|dnqualifier|serialnumber)"
_DN_HINT_RE = lazy_compile(r"[,;+][^\S\n]{0,3}" + _DN_TYPES + r"[^\S\n]{0,3}=")
_DN_RDN_RE = lazy_compile(
    r"(?:(?<=[,;+=:])|(?<![^\s\"'(]))[^\S\n]{0,3}"
    + _DN_TYPES
    + r"[^\S\n]{0,3}=[^\S\n]{0,3}(?P<value>(?:[^,;+=\\\n\"]|\\.){1,200}+)(?=[,;+\"\n]|$)"
)


def _dn_values(line: str) -> list[tuple[int, int]]:
    """The attribute values of the distinguished names in ``line`` that may hold a marking
    in capitals (``_CAPITALS_RE``); none for one attribute alone."""
    rdns = list(islice(_DN_RDN_RE.finditer(line), _MAX_PAIRS))
    if len(rdns) < _PAIRS:
        return []
    return [
        rdn.span("value")
        for rdn in rdns
        if _CAPITALS_RE.search(line, *rdn.span("value")) is not None
    ]


def _first_trigger(
    text: str, start: int = 0, end: int | None = None, triggers: _Triggers | None = None
) -> int:
    """Where in ``text[start:end]`` a cell may first start (``_Triggers``: give the one a
    walk over ``text`` keeps, for ``end``), or a command that prints a string (``echo "NATO
    SECRET" > /etc/issue.net``) first stands; -1 when nowhere."""
    start, end = max(0, start), len(text) if end is None else end
    found = (triggers or _Triggers(text, end)).first(start)
    printed = print_at(text, start, end if found < 0 else found)
    return printed if printed >= 0 else found


class _Vocabulary:
    """The vocabularies of a line (original text at original offset ``at``), read once
    when first asked; and its names in code (``_code_name``)."""

    __slots__ = ("at", "line", "read", "spans")

    def __init__(self, line: str, at: int, read: Callable[[str], MarkingSpec | None]) -> None:
        self.line, self.at, self.read = line, at, read
        self.spans: list[tuple[int, int]] | None = None

    def holds(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` (original offsets) lies inside a vocabulary."""
        if self.spans is None:
            at = self.at
            self.spans = [
                (at + low, at + high) for low, high in vocabulary_spans(self.line, self.read)
            ]
        return inside(self.spans, start, end)

    def names(self, marking: str, start: int, end: int) -> bool:
        """Whether the marking at ``[start, end)`` (original offsets) is a name in code."""
        return _code_name(marking, self.line, start - self.at, end - self.at)


def _troff_cells(line: str) -> list[tuple[int, int]]:
    """The cells of a troff request line (``_TROFF_RE``); none when it is no such line."""
    request = _TROFF_RE.match(line)
    if request is None:
        return []
    name, rest = request.group("name"), request.end()
    if name == "tl" and rest < len(line):
        delimiter = line[rest]  # .tl 'left'centre'right'
        cells, start = [], rest + 1
        while start < len(line):
            end = line.find(delimiter, start)
            end = len(line) if end < 0 else end
            if end > start:
                cells.append((start, end))
            start = end + 1
        return cells
    cells = [arg.span("arg") for arg in _TROFF_ARG_RE.finditer(line, rest)]
    if name in _TROFF_TEXT and rest < len(line):
        cells.append((rest, len(line)))
    return cells


def _between_letters(text: str, start: int, end: int, floor: int = 0) -> bool:
    """Whether the gap ``text[start:end]`` stands between two letters that are words of
    one letter each (S|E|C|R|E|T, S||E||C, S  E  C). A letter right after ``floor`` (where
    the cell starts: troff's ``\fBT|R|È|S``, whose escape cuts the line there) stands
    alone on that side."""

    def single(i: int, step: int) -> bool:
        if not (0 <= i < len(text)) or not text[i].isalpha():
            return False
        j = i + step
        return not (floor <= j < len(text)) or not text[j].isalnum()

    return single(start - 1, -1) and single(end, 1)


def _bar_between_letters(text: str, start: int, end: int) -> bool:
    """Whether a bar ``text[start:end]`` stands between letters spelled one by one, a
    marking's own full stop or hyphen among them spelled so too (S|t|g|. / C|O|N…,
    V|S|-|N|f|D): two single characters, a letter on one side at least. Doubled bars
    before a full stop cut there as they did (S||t||g|| / . / C||O||N…: the marking's
    words would stand four marks apart, wider than a marking's gap)."""
    if end - start != 1:
        return False

    def single(i: int, step: int) -> bool:
        if not (0 <= i < len(text)) or not (text[i].isalpha() or text[i] in ".-"):
            return False
        j = i + step
        return not (0 <= j < len(text)) or not (text[j].isalnum() or text[j] in ".-")

    sides = (start - 1, end)
    return (
        single(start - 1, -1)
        and single(end, 1)
        and any(0 <= i < len(text) and text[i].isalpha() for i in sides)
    )


def _cells(text: str, low: int, high: int) -> list[tuple[int, int, bool, bool]]:
    """The cells of ``text[low:high]`` (none when it is a single cell): start, end,
    whether the delimiter after it is blanks, and whether that is a gap between single
    letters. Bars between single letters are no delimiter (R|E|S, S||E)."""
    cells: list[tuple[int, int, bool, bool]] = []
    last = low
    for delimiter in _CELL_SPLIT_RE.finditer(text, low, high):
        gap_start, gap_end = delimiter.span()
        letters = _between_letters(text, gap_start, gap_end, last)
        if text[gap_start] == "|" and (letters or _bar_between_letters(text, gap_start, gap_end)):
            continue  # R|E|S|T|R|E|I|N|T, S||E||C: bars between letters are a letter gap
        blank = delimiter.group().isspace()
        cells.append((last, gap_start, blank, blank and letters))
        last = gap_end
    if cells:
        cells.append((last, high, False, False))
    return cells


def _cell_spans(text: str, low: int, high: int) -> list[tuple[int, int]]:
    """The cells of ``text[low:high]`` and the runs of cells that only blanks separate
    (a wide gap may lie inside a banner: TOP        SECRET), as spans; none when the
    text is a single cell. A wide gap between single letters (S  E  C  R  E  T) joins
    its cells whatever their number, and no span ends there."""
    return _join_cells(_cells(text, low, high))


def _join_cells(cells: list[tuple[int, int, bool, bool]]) -> list[tuple[int, int]]:
    if not cells:
        return []
    # The cell that ends each run of letter gaps (itself where its gap is no letter gap).
    run_end = list(range(len(cells)))
    for number in range(len(cells) - 2, -1, -1):
        if cells[number][3]:
            run_end[number] = run_end[number + 1]
    spans: list[tuple[int, int]] = []
    for number, (start, _, _, _) in enumerate(cells):
        reach = run_end[number]
        joined = 0
        while cells[reach][1] - start <= _MAX_CELL:
            spans.append((start, cells[reach][1]))
            if not cells[reach][2] or joined >= _MAX_CELL_WORDS:
                break
            joined += 1
            reach = run_end[reach + 1]
    return spans


# How a line that may print its last string ends (``main = putStrLn "NATO SECRET"``).
_PRINTED_ENDS = ('"', "'", '";', "';")


def _printed_cells(line: str) -> list[tuple[str, list[int]]]:
    """The strings that ``line`` prints (``_printed``) as a terminal and a browser show the
    line (colour sequences and markup comments are not seen), each with every character's
    offset in ``line``."""
    kept = terminal_kept(line)
    text = line if kept is None else "".join(line[i] for i in kept)
    markup = _shown(text)
    if markup is not None:
        kept = markup if kept is None else [kept[i] for i in markup]
        text = _show(text, markup)
    if kept is None:
        return printed_strings(text)
    return [(cell, [kept[o] for o in offsets]) for cell, offsets in printed_strings(text)]


def _keyword_values(text: str) -> list[tuple[int, int]]:
    """The cells of a documentation keyword line's value (``_DIRECTIVE_RE``) and of an
    iCalendar or vCard property's first words (``_PROPERTY_RE``), where they may hold a
    marking in capitals (``_CAPITALS_RE``)."""
    spans: list[tuple[int, int]] = []
    directive = _DIRECTIVE_RE.match(text)
    if directive is not None and directive.end() < len(text):
        end = min(len(text), directive.end() + _MAX_CELL)
        if _CAPITALS_RE.search(text, directive.end(), end) is not None:
            spans.append((directive.end(), end))
    prop = _PROPERTY_RE.match(text)
    if prop is not None:
        end = min(len(text), prop.end() + _MAX_CELL)
        if _CAPITALS_RE.search(text, prop.end(), end) is not None:
            words = _FIRST_WORDS_RE.finditer(text, prop.end(), end)
            spans += [(prop.end(), word.end()) for word in islice(words, _FIRST_WORDS)]
    return spans


class CellUnit(Unit[CellState]):
    """Markings that stand alone in a cell of a line that layout or markup cuts up: a
    column after a wide gap (``Annex A    NATO SECRET``, ``- 3 -    SECRET``), a table
    cell (``12 March | NATO CONFIDENTIAL | Copy 3``), an element's text, CDATA, a LaTeX
    or RTF group (``<title>NATO SECRET</title>``, ``\\fancyhead[C]{NATO SECRET}``), a
    quoted attribute or style value (``securityLevel="SECRET"``, ``content:'TOP SECRET'``),
    a marking with a markup comment inside (``SE<!-- x -->CRET``).

    Each cell (and each run of cells that only wide gaps separate) is read as a text of
    its own (a banner line); its banner hits count when their words are written in
    capitals (real markings are): ``<td>Secret</td>`` and ``password: "secret"`` are
    prose. Complete lines only. A hit starts at the line's first delimiter or later: the
    stream holds the unfinished line from there; a marking before it is left to the banner
    line's unit.
    """

    view: ViewName = "skel"
    state_class = CellState

    def __init__(self, engine: CompiledPolicy) -> None:
        self.engine = engine
        # What a cell's text gave, by text: lines repeat cells (a table's rows, a line of
        # SECRET  SECRET  …), and reading one costs a scan of its own. Bounded.
        self._worth: dict[str, bool] = {}
        self._hits: dict[tuple[str, int, int], list[Hit]] = {}

    def scan(self, scanner: Scanner, state: CellState, final: bool) -> None:
        if scanner.depth >= MAX_DEPTH or scanner.cells:
            return
        view = scanner.skel
        buf, base = view.buf, view.base
        at, limit = state.complete_lines(view, final)
        if limit <= at:
            return
        skel_map = view.map
        position = at
        orig_limit = skel_map.to_orig(base + limit) - scanner.orig_base
        triggers = _Triggers(scanner.orig, orig_limit)
        while position < limit:
            if state.pending is None:
                # Only a line with a delimiter in its original text has cells: go to the
                # line that holds the next one (lines before it hold none).
                since = skel_map.to_orig(base + position) - scanner.orig_base
                found = _first_trigger(scanner.orig, since, orig_limit, triggers)
                if found < 0:
                    state.row = None  # the next line holds no cell
                    break
                spot = skel_map.to_view(scanner.orig_base + found) - base
                if spot > position:
                    line_start = buf.rfind("\n", position, spot) + 1 or position
                    if line_start != position:
                        state.row = None  # lines without a cell come next
                    position = line_start
            line_end = buf.find("\n", position, limit)
            line_end = limit if line_end < 0 else line_end
            # A cell is read once, never split again (cells of cells multiplied the work),
            # and only on lines up to MAX_LINE (longer lines are read in windows elsewhere;
            # a known limit).
            start = skel_map.to_orig(base + position) if position < line_end else -1
            if start >= 0 and line_end <= position + MAX_LINE:
                end = skel_map.to_orig(base + line_end)
                self._line(scanner, state, scanner.orig_slice(start, end), start)
            else:
                state.pending = state.row = None
            position = line_end + 1
        state.resume = base + limit

    def _line(self, scanner: Scanner, state: CellState, line: str, at: int) -> None:
        """One complete line of original text at original offset ``at``."""
        pending, state.pending = state.pending, None
        if pending is not None:
            state.pending = self._joined(scanner, pending, line, at)
        row, state.row = state.row, None
        # the line right after it (a line between, which no delimiter leads here, parts them)
        if row is not None and at - (row[0] + len(row[1])) <= _LINE_BREAK:
            rendering = row_seam(row[1], row[0], line, at)
            if rendering is not None:
                self._rendered(scanner, rendering, 0, row[2], at + len(line))
        block, state.block = state.block, opens_text_block(line)
        trigger = _first_trigger(line)
        if trigger < 0:
            return
        _names(scanner, line, at)
        if row_ends(line, self._may_join):
            state.row = (at, line, at + trigger)
        in_calendar, state.calendar = state.calendar > 0, next_depth(state.calendar, line)
        edge = component_edge(line)
        if edge is not None:
            state.component = edge
        elif state.component and access_class(line):
            return  # an event's CLASS:CONFIDENTIAL is who may see it (README), no marking
        index: list[int] | None = None
        text = line
        kept = _shown(line)  # SE<!-- x -->CRET, SEC</b><b>RET: one word
        if kept is not None:
            index = kept
            text = _show(line, kept)
            self._shown_keywords(scanner, text, kept, at, at + trigger)
        cells = _cells(text, 0, len(text))
        spans = _join_cells(cells)
        if index is None and state.pending is None:
            # The last cell, or a quoted value left open, may go on on the next line.
            opened = _OPEN_QUOTE_RE.search(text)
            quote = "" if opened is None else opened.group("quote")
            tails = []
            if cells:  # inside a quoted value left open, it ends at the quote
                start, end = cells[-1][:2]
                inside = opened is not None and start >= opened.start("value")
                tails.append((start, end, quote if inside else ""))
            if opened is not None:
                tails.append((*opened.span("value"), quote))
            for start, end, quote in tails:
                tail = text[start:end]
                if tail.strip() and end - start <= _MAX_CELL and self._may_go_on(tail):
                    state.pending = (at + start, tail, list(range(len(tail))), quote)
                    break
        if index is not None and not spans:
            spans.append((0, len(text)))
        for quoted in _QUOTED_CELL_RE.finditer(text):
            if text[quoted.start() - 1 : quoted.start()] in _COMPARISON and quoted.start():
                continue  # level == "TOP SECRET": a value compared is a name, no marking
            if text[quoted.start()] == "=" and _SQL_CONDITION_RE.search(
                text, max(0, quoted.start() - 80), quoted.start()
            ):
                continue  # WHERE role = 'RESTRICTED': SQL's = in a condition compares
            start, end = quoted.span("value")
            spans.append((start, end))
            # and its cells: <meta content="Ref. J2/44 | SECRET | Draft">
            spans += _cell_spans(text, start, end)
            # and its data's (``{"row": "17,Plan,NATO SECRET,4"}``: ``_data_lines``)
            spans += [(start + low, start + high) for low, high in data_cells(text[start:end])]
            cut = _VALUE_CAVEAT_RE.search(text, start, end)
            if cut is not None and not _in_prose_case(text[cut.end() : end]):
                spans.append((start, cut.start()))  # "SECRET, NOFORN": caveats in capitals
        if "{" in text:
            for macro in _MACRO_RE.finditer(text):
                params = macro.group("params")
                at_params = macro.start("params")
                for param in _MACRO_PARAM_RE.finditer(params):
                    start, end = param.span("value")
                    if _CAPITALS_RE.search(params, start, end) is not None:
                        spans.append((at_params + start, at_params + end))
        if text.startswith("."):
            spans += _troff_cells(text)
        if "." in text or "!" in text or "?" in text:
            spans += _glued_footers(text, cells)
        if "=" in text:
            spans += _pair_values(text)
            spans += [tag.span("value") for tag in _PROTECTIVE_TAG_RE.finditer(text)]
            if _DN_HINT_RE.search(text) is not None:
                spans += _dn_values(text)
        if "/" in text and "(" in text:
            spans += [value.span("value") for value in _PDF_VALUE_RE.finditer(text)]
        label = _LABEL_CELL_RE.match(text)
        portion_at = -1
        if label is not None:
            end = min(len(text), label.end() + _MAX_CELL)
            if (
                _CAPITALS_RE.search(text, label.end(), end) is not None
                or _CLASSIFICATION_LABEL_RE.search(text, 0, label.end()) is not None
            ):
                spans.append((label.end(), end))
                # the value up to a dash and what the line says of it (``Handling: NATO
                # SECRET - do not forward``): the value alone is a cell
                cut = _VALUE_DASH_RE.search(text, label.end(), end)
                if cut is not None:
                    spans.append((label.end(), cut.start()))
                if _LABEL_PORTION_RE.match(
                    text, label.end()
                ) is not None and not _NOT_PORTION_LABEL_RE.search(text, 0, label.end()):
                    portion_at = label.end()
                # a value that starts with fields of its own: ``Subject: FW: [EXT] [SECRET]``
                for _ in range(_MAX_CHAINED_LABELS):
                    label = _LABEL_CELL_RE.match(text, label.end())
                    if label is None:
                        break
                    spans.append((label.end(), min(len(text), label.end() + _MAX_CELL)))
        spans += _keyword_values(text)
        if in_calendar:  # SUMMARY:Briefing NATO SECRET (``_labelled_values``)
            spans += property_cells(text)
        spans += labelled_cells(text)  # [1]: https://x.example "NATO SECRET", <?cls SECRET?>
        spans += data_cells(text)  # CSV fields, list items, after a tool's prefix, chat turns
        spans += trailing_markings(text)  # Annex A NATO SECRET (``_short_titles``)
        spans += file_name_cells(text)  # OPLAN_4711_(NATO_SECRET).pdf
        if index is None:  # a typesetting, diagram or configuration language's values
            spans += dsl_values(text)
            spans += key_values(text)  # a key's value in capitals (``_key_values``)
            if block:  # description: >, then the text's first line
                spans += block_values(text)
        # Cell hits start at the first delimiter or later: the stream holds the line from
        # there (``earliest``); a marking before it is the banner line's business.
        floor = at + trigger
        # Lists of two levels or more (an enum, a tuple of choices) are vocabularies: read
        # when a cell holds a hit.
        skip = _Vocabulary(line, at, self.engine.read_item)
        emitted: set[tuple[str, int, int]] = set()
        for start, end in dict.fromkeys(spans):
            cell = text[start:end]
            stripped = cell.strip()
            portions = start == portion_at
            if not stripped or end - start > _MAX_CELL:
                continue
            if not portions and not self._worth_reading(stripped):
                continue
            lead = start + len(cell) - len(cell.lstrip())
            self._cell(scanner, stripped, lead, index, at, floor, emitted, skip, portions)
        # An Org heading's title (``* TODO NATO SECRET``, ``* SECRET :ops:``), from the
        # line's start: the stream holds a heading's line (its tags' colon is no cell's
        # delimiter before the title), as a banner line's.
        for start, end in org_heading_cells(text):
            cell = text[start:end]
            lead = start + len(cell) - len(cell.lstrip())
            self._cell(scanner, cell.strip(), lead, index, at, at, emitted, skip)
        if index is not None:  # markup seams joined: the languages' values on the line
            for start, end in [*dsl_values(line), *key_values(line)]:
                cell = line[start:end]
                stripped = cell.strip()
                if stripped and end - start <= _MAX_CELL and self._worth_reading(stripped):
                    lead = start + len(cell) - len(cell.lstrip())
                    self._cell(scanner, stripped, lead, None, at, floor, emitted, skip)
        # A string printed as text, its escapes as the printer writes them: read as a line
        # of its own, cut into cells as a line is (its line breaks part its lines).
        prints = print_at(line) >= 0 or line.rstrip().endswith(_PRINTED_ENDS)
        printed = _printed_cells(line) if prints else []
        # and a literal that holds an escaped line break (``'TOP SECRET\\nAnnex B'``), its
        # lines' data cut as a line's (``_data_lines``)
        printed += escaped_strings(line)
        for cell, offsets in printed:
            inner = line_cells(cell) if "\n" in cell else data_cells(cell)
            for start, end in [(0, len(cell)), *_cell_spans(cell, 0, len(cell)), *inner]:
                part = cell[start:end]
                stripped = part.strip()
                if stripped and end - start <= _MAX_CELL:
                    lead = start + len(part) - len(part.lstrip())
                    self._cell(scanner, stripped, lead, offsets, at, floor, emitted, skip)
        # Markup as rendered: hidden elements removed, small capitals in capitals, a word
        # split over two table cells joined, struck text left out (``_rendered``).
        for rendering in renderings(line, self._may_join):
            self._rendered(scanner, rendering, at, floor, at + len(line))

    @staticmethod
    def _rendered(
        scanner: Scanner, rendering: Rendering, at: int, floor: int, line_end: int
    ) -> None:
        """A line as rendered, read as a text of its own: its findings that touch what
        rendering changed, on the line's original offsets, from the line's first delimiter
        on (a finding before it marks the delimiter's character: the stream holds the line
        from there, ``earliest``; Pandoc's ``[secret]{.smallcaps}`` is known at its end)."""
        inner = Scanner(scanner.engine, scanner.depth + 1)
        inner.read_whole(rendering.text)
        for hit in inner.take_hits():
            if hit.source == "hidden" or not rendering.touches(hit.start, hit.end):
                continue
            start = max(at + rendering.offsets[hit.start], floor)
            end = max(at + rendering.offsets[hit.end - 1] + 1, min(start + 1, line_end))
            if end > start:
                detail = f"{hit.detail} (markup as rendered)"
                scanner.hits.append(hit._replace(start=start, end=end, detail=detail))

    @staticmethod
    def _shown_keywords(
        scanner: Scanner, shown: str, index: list[int], at: int, floor: int
    ) -> None:
        """Codewords and keywords that markup cuts (``NIGHT<text:span>JAR</text:span>``,
        ``NIGHT}{\\b JAR``): read in the line as shown (``_shown``), on the line's original
        offsets; those the markup does not cut, the line's own reading has."""
        inner = Scanner(scanner.engine, scanner.depth + 1)
        inner.read_whole(shown)
        for hit in inner.take_hits():
            if hit.source != "detector" or hit.kind not in _KEYWORD_KINDS:
                continue
            first, last = index[hit.start], index[hit.end - 1]
            if last - first == hit.end - 1 - hit.start:
                continue
            start, end = max(at + first, floor), at + last + 1
            if end > start:
                scanner.hits.append(hit._replace(start=start, end=end))

    def _may_go_on(self, tail: str) -> bool:
        """Whether a line's last cell could be the first part of a marking that the next
        line ends (``| TOP`` / ``SECRET |``, ``Annex A    REST-`` / ``RICTED``): after
        its lead, a part of a marking that is not a whole one."""
        view = skeleton(tail)
        lead = self.engine.lead_re.match(view)
        squeezed = marking_squeeze(view[lead.end() if lead else 0 :])
        return bool(squeezed) and self.engine.starts_longer(squeezed)

    def _may_join(self, cell: str) -> bool:
        """Whether a table cell could be the first part of a marking in capitals that the
        next cell ends (``_rendered``): a cell counts only in capitals, so one whose last
        word is prose (``Anna``, ``Item 3``) and that holds no capitals (``_CAPITALS_RE``)
        is not looked at further."""
        words = _WORD_RE.findall(cell) or _WORD_RE.findall(skeleton(cell))
        if not words or (_word_case(words[-1]) and _CAPITALS_RE.search(cell) is None):
            return False
        if self._may_go_on(cell):
            return True
        # a marking spelled out a letter at a time, cut over two cells (S|E|C / R|E|T)
        letters = despaced(cell)
        return letters is not None and self._may_go_on(letters)

    def _joined(
        self, scanner: Scanner, pending: tuple[int, str, list[int], str], line: str, at: int
    ) -> tuple[int, str, list[int], str] | None:
        """The last cell of the lines before (``pending``) and this line's first cell, read
        as one cell over the line break (a marking split over lines in a cell); what may
        still go on on the next line, when this line is that cell alone."""
        tail_at, tail, offsets, quote = pending
        first = len(line) - len(line.lstrip())
        delimiter = _CELL_SPLIT_RE.search(line, first)
        end = delimiter.start() if delimiter is not None else len(line)
        closed = line.find(quote, 0, end) if quote else -1
        head = line[: end if closed < 0 else closed]
        if not head.strip() or len(tail) + len(head) >= _MAX_CELL:
            return None
        cell = f"{tail}\n{head}"
        # Offsets from the tail's start: the tail, its line's end, then this line.
        index = [*offsets, offsets[-1] + 1, *range(at - tail_at, at - tail_at + len(head))]
        stripped = cell.strip()
        self._cell(scanner, stripped, len(cell) - len(cell.lstrip()), index, tail_at, tail_at)
        if delimiter is None and closed < 0 and self._may_go_on(cell):
            return tail_at, cell, index, quote
        return None

    def release(self, scanner: Scanner, state: CellState) -> int:
        """A last cell that may go on on the next line is held until that line ends."""
        point = super().release(scanner, state)
        if state.pending is not None and not scanner.closed:
            point = min(point, state.pending[0] + state.pending[2][0])
        if state.row is not None and not scanner.closed:
            point = min(point, state.row[2])
        return point

    def orig_needed(self, state: CellState) -> int | None:
        return None if state.row is None else state.row[0]

    def _worth_reading(self, cell: str) -> bool:
        """Whether the cell, read as a line, could hold a banner (the banner unit's own
        look at a line's start: lead, page number, labels, then a marking's start)."""
        worth = self._worth.get(cell)
        if worth is None:
            if len(self._worth) >= _CELL_MEMO:
                self._worth.clear()
            worth = self._worth[cell] = self._could_hold_banner(cell)
        return worth

    def _could_hold_banner(self, cell: str) -> bool:
        view = skeleton(cell)
        # A cell spelled letter by letter (S. E. C. R. E. T) is read whole: its first
        # letter and dot look like a list's numbering to the line's first look.
        engine = self.engine
        if engine.line_outlook(view, complete=True) is LineOutlook.OPEN:
            return True
        # ... when its letters make a whole marking (not "- 1 -", "1", a table's numbers)
        return _letter_spaced(view) and (
            squeeze_is_unsure(view)
            or engine.could_hold_marking(
                marking_squeeze(view)[: engine.squeezed_window], labels_left=0
            )
        )

    def _cell_hits(self, scanner: Scanner, cell: str, portions: bool = False) -> list[Hit]:
        """The markings of a cell read as a text of its own, in capitals; portion marks
        only with ``portions`` (a field's value that starts with one: ``_LABEL_PORTION_RE``)."""
        inner = Scanner(scanner.engine, scanner.depth + 1, scanner.cells + 1)
        inner.read_whole(cell)
        return [
            hit
            for hit in inner.take_hits()
            # a lone (S) in a table cell is a size or a result, no paragraph
            if hit.source == "marking"
            and (portions or not hit.key.startswith("("))
            # <td>Secret</td>, password: "secret": prose, not a marking; phonetic words
            # spell a marking in any case (``echo Sierra Echo Charlie Romeo Echo Tango``)
            and (
                hit.detail.startswith("phonetic-spelled")
                or not _in_prose_case(cell[hit.start : hit.end])
            )
        ]

    def _cell(
        self,
        scanner: Scanner,
        cell: str,
        lead: int,
        index: list[int] | None,
        at: int,
        floor: int,
        emitted: set[tuple[str, int, int]] | None = None,
        skip: _Vocabulary | None = None,
        portions: bool = False,
    ) -> None:
        """The cell's markings, on the line's original offsets (``emitted``: the hits of
        the line's cells so far; the scanner would drop a second of the same span)."""
        key = (cell, scanner.depth, scanner.cells + (1 << 16 if portions else 0))
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) >= _CELL_MEMO:
                self._hits.clear()
            hits = self._hits[key] = self._cell_hits(scanner, cell, portions)
        for hit in hits:
            first, last = lead + hit.start, lead + hit.end - 1
            if index is not None:
                first, last = index[first], index[last]
            start, end = max(at + first, floor), at + last + 1
            if end <= start or (
                skip is not None and (skip.holds(start, end) or skip.names(hit.key, start, end))
            ):
                continue
            if emitted is not None:
                if (hit.key, start, end) in emitted:
                    continue
                emitted.add((hit.key, start, end))
            detail = hit.detail.replace("in a banner line", "in a cell of a line")
            scanner.hits.append(hit._replace(start=start, end=end, detail=detail))

    def earliest(self, scanner: Scanner, state: CellState) -> int:
        """Cells after the first delimiter start at it or later: the unfinished line is
        held from its first delimiter (or a blank at its end, which may become one), or
        from its start while its first cell could be a marking."""
        view = scanner.skel
        line_start = state.line_start(view)
        if state.resume < line_start:
            return state.resume
        if scanner.depth >= MAX_DEPTH or scanner.cells:
            return view.end
        orig_start = view.map.to_orig(line_start)
        if state.line_orig != orig_start:
            state.line_orig, state.searched = orig_start, orig_start
            state.trigger = None
        if state.trigger is None:
            # Only the text that arrived since the last look, and as much before it as the
            # longest trigger less one (``echo`` cut ``ec`` / ``ho``, ``/Title (``).
            since = max(orig_start, state.searched - _TRIGGER_OVERLAP)
            found = _first_trigger(scanner.orig_slice(since, scanner.orig_end))
            state.searched = scanner.orig_end
            if found >= 0:
                at = since + found
                state.trigger = (at, self._to_view(view, at, line_start))
        if state.trigger is not None:
            return state.trigger[1]
        if (
            scanner.orig_end > orig_start
            and scanner.orig_slice(scanner.orig_end - 1, scanner.orig_end).isspace()
        ):
            return self._to_view(view, scanner.orig_end - 1, line_start)
        return view.end

    @staticmethod
    def _to_view(view: View, orig: int, line_start: int) -> int:
        """A view position at or before original offset ``orig`` on the unfinished line
        (looked for from the end: ``orig`` is in the text that arrived last)."""
        position = view.end
        while position > line_start and view.map.to_orig(position) > orig:
            position -= 1
        return position


def read_as_shown(
    scanner: Scanner,
    text: str,
    offsets: list[int],
    how: str,
    *,
    folded: bool = False,
    keep: Callable[[Hit], bool] | None = None,
) -> None:
    """Read ``text``, another reading of the original (a line unfolded, a page's text), as
    a text of its own; its findings land on the original characters (``offsets``: each
    character's original offset), ``how`` the text was read in their details.

    A ``folded`` line's reading names its findings as the original's own readers would (a
    marking over a fold is a banner split over lines, as ``MultiLineUnit`` names it; one on
    a single line as read there): both may find one span, and the first to report it
    names it, in an order that a stream's pieces change. ``keep``: which of the text's own
    hits count (all, without it)."""
    inner = Scanner(scanner.engine, scanner.depth + 1)
    inner.read_whole(text)
    for hit in inner.take_hits():
        if hit.source == "hidden" or hit.end <= hit.start:
            continue  # the original's own hidden characters are reported as they are
        if keep is not None and not keep(hit):
            continue
        start, end = offsets[hit.start], offsets[hit.end - 1] + 1
        detail = f"{hit.detail} ({how})"
        if folded and hit.source == "marking":
            over_lines = "\n" in scanner.orig_slice(start, end)
            what = hit.detail.rsplit(" in a ", 1)[0]
            detail = f"{what} in a banner split over lines" if over_lines else hit.detail
        scanner.hits.append(hit._replace(start=start, end=end, detail=detail))


class FoldState(ScanState):
    """Whether a calendar has begun; the logical line being read (view position; ``resume``
    is its start, so the stream holds it), the next physical line's start, and whether the
    logical line holds a fold."""

    __slots__ = ("calendar", "folded", "indent", "kind", "next")

    def __init__(self) -> None:
        super().__init__()
        self.calendar = False
        self.kind = CALENDAR  # or LDIF's records, a mail's header (``_folds``)
        self.indent = 0  # the calendar's own (a Markdown block's), which a fold goes past
        self.folded = False
        self.next = 0


class FoldUnit(Unit[FoldState]):
    """A calendar's or contact's folded lines in text (``_folds``): after a ``BEGIN:VCARD``
    or ``BEGIN:VCALENDAR`` line, each logical line that holds a fold is read once more as a
    calendar program shows it (``NOTE:GEHE`` / `` IM`` is ``NOTE:GEHEIM``), its findings on
    their own characters. The lines as written are read too: the unfolded reading adds to
    them. A logical line is complete when the next line starts with no blank, so a stream
    holds the last one until then."""

    view: ViewName = "skel"
    state_class = FoldState

    def scan(self, scanner: Scanner, state: FoldState, final: bool) -> None:
        view = scanner.skel
        if scanner.depth >= MAX_DEPTH or scanner.cells:
            state.resume = view.end
            return
        # a mail's header ends at an empty line: look for the next block after it
        while self._begin(scanner, state, final) and self._lines(scanner, state, final):
            pass

    @staticmethod
    def _begin(scanner: Scanner, state: FoldState, final: bool) -> bool:
        """Whether a block of lines that may fold has begun (looked for when none has)."""
        if state.calendar:
            return True
        view = scanner.skel
        buf, base = view.buf, view.base
        at = next_mark(buf, max(state.next, base) - base)
        while at >= 0:
            begins = calendar_starts(buf, at)
            if begins is not None:
                state.calendar = True
                state.kind = fold_kind(buf, at)
                state.indent = begins[1]
                state.resume = state.next = base + begins[0]
                state.folded = False
                return True
            if buf.find("\n", at) < 0 and not final:
                state.next = state.resume = base + at  # its line is not complete yet
                return False
            at = next_mark(buf, at + 1)
        state.next = state.resume = max(state.next, view.end - MARK_LENGTH)
        return False

    def _lines(self, scanner: Scanner, state: FoldState, final: bool) -> bool:
        """Read the block's complete logical lines; True when a mail's header ended."""
        view = scanner.skel
        buf, base = view.buf, view.base
        position = state.next - base
        while True:
            end = buf.find("\n", position)
            if end < 0 or (end + 1 >= len(buf) and not final):
                break  # the line is not complete, or what starts the next is not known
            if state.kind == MAIL and not buf[position:end].strip():
                state.calendar = state.folded = False  # the header's end
                state.next = state.resume = base + end + 1
                return True
            blanks = state.indent + 1
            joined = buf.startswith(" " * blanks, end + 1) or (
                end > 0 and buf[end - 1] == "=" and state.kind == CALENDAR
            )
            if not final and end + blanks >= len(buf) and not joined:
                break  # the blanks that would make the next line a fold have not all come
            if joined and base + end - state.resume <= MAX_FOLDED:
                state.folded = True
            else:
                if state.folded:
                    self._read(scanner, state, base + end)
                state.folded = joined
                state.resume = base + end + 1
            position = end + 1
        state.next = base + position
        return False

    def _read(self, scanner: Scanner, state: FoldState, end: int) -> None:
        """The logical line from ``state.resume`` to view position ``end``, unfolded, read
        as a text of its own; its findings on their own original characters."""
        view_map = scanner.skel.map
        at = view_map.to_orig(state.resume)
        line = scanner.orig_slice(at, view_map.to_orig(end))
        unfolded = unfold(line, state.indent, soft=state.kind == CALENDAR)
        if unfolded is not None:
            text, offsets = unfolded
            offsets = [at + offset for offset in offsets]
            if state.kind == CALENDAR:  # read as a calendar's line (a value is a field)
                text = CALENDAR_LEAD + text
                offsets = [at] * len(CALENDAR_LEAD) + offsets
            read_as_shown(scanner, text, offsets, "a folded calendar line, unfolded", folded=True)

    def earliest(self, scanner: Scanner, state: FoldState) -> int:
        """Before a calendar begins, nothing is held (a fold counts only after its line)."""
        return state.resume if state.calendar else scanner.skel.end


class PiecesUnit(Unit[LineState]):
    """An encoded text cut into pieces, a piece a line (``_pieces``): complete lines are
    read joined, and a run of piece lines at the end is held (``resume``: its first line)
    until a line of another form ends it. Its own unit: its hold cuts no other reading's
    lines (a wrapped base64 block, lines a backslash joins)."""

    view: ViewName = "text"
    state_class = LineState

    def scan(self, scanner: Scanner, state: LineState, final: bool) -> None:
        view = scanner.text
        if scanner.depth >= MAX_DEPTH:
            state.resume = view.end
            return
        at, limit = state.complete_lines(view, final)
        if limit <= at:
            return
        start = max(view.map.to_orig(view.base + at), scanner.orig_base)
        stop = scanner.orig_end if limit >= len(view.buf) else view.map.to_orig(view.base + limit)
        region = scanner.orig_slice(start, stop)
        done = len(region)
        # an unfinished line too long to be a piece's ends the run held before it
        if not final and view.end - (view.base + limit) <= PIECE_LINE_MOST:
            held = open_pieces_start(region)
            if held is not None:
                done = held
        for whole in piece_runs(region[:done]):
            for run in piece_readings(whole):
                text = decode_pieces([match.group("piece") for match in run])
                if text is not None:
                    first, last = run[0].start("piece"), run[-1].end("piece")
                    rescan(scanner, text, start + first, start + last, "pieces joined")
                    break
        state.resume = view.end if done == len(region) and final else view.map.to_view(start + done)

    def earliest(self, scanner: Scanner, state: LineState) -> int:
        """A held run from its first line; the unfinished line is not held here (its piece
        is a word, held while it grows; a run's hits start at a piece)."""
        view = scanner.text
        if state.resume < state.line_start(view):
            return state.resume
        return view.end


class JoinedState(ScanState):
    """The block being read starts at ``resume`` (view position: the stream holds it); the
    next line to read at ``next``; in the unfinished line, the first character that may
    start a piece (view position, -1 when none was found) and how far it was looked for."""

    __slots__ = ("first", "looked", "next")

    def __init__(self) -> None:
        super().__init__()
        self.next = 0
        self.first = -1
        self.looked = 0


# Where a piece of a joined string may start on a line: a quote, or a CDATA section's end.
_PIECE_START_RE = lazy_compile(r"[\"'\]]|^data:", re.MULTILINE)
_MAX_BLOCK = 8192  # a block of lines joined longer than this is read so far, then anew


class JoinedUnit(Unit[JoinedState]):
    """A string written in pieces that a program reads as one (``_joined``): string
    literals side by side (``"NIGHT" "JAR"``, a PO file's continuation lines) and CDATA
    sections side by side, read joined as a text of their own; only findings that span a
    seam count (the rest are the pieces' own, read as written). Markings count in capitals,
    as in a cell (``msgid ""`` / ``"Secret "`` / ``"Santa"`` is prose); a CDATA seam adds
    keywords only (``CellUnit`` joins it for markings). A block is lines that each go on as
    a string on the next; a stream holds it until a line does not."""

    view: ViewName = "skel"
    state_class = JoinedState

    def scan(self, scanner: Scanner, state: JoinedState, final: bool) -> None:
        view = scanner.skel
        if scanner.depth >= MAX_DEPTH or scanner.cells:
            state.resume = state.next = view.end
            return
        buf, base = view.buf, view.base
        last = len(buf) - 1 if final else buf.rfind("\n", max(state.next, base) - base)
        if base + last < state.next:
            return  # no new complete line
        # The complete lines from the open block (or the next line) on, original text; a
        # block is the lines that a hint (a seam) touches, only those are read.
        at = max(view.map.to_orig(max(state.resume, base)), scanner.orig_base)
        stop = view.map.to_orig(base + last) if base + last < view.end else scanner.orig_end
        region = scanner.orig_slice(at, stop)
        held = len(region)  # where the block that may go on on the next line starts
        if not final:
            line_start = region.rfind("\n") + 1
            if may_go_on(region[line_start:]) or parameter_goes_on(region[line_start:]):
                held = line_start
            opened = sse_open(region)  # a model's stream of events may go on (_data_lines)
            if opened is not None:
                held = min(held, opened)
        blocks: list[tuple[int, int]] = []
        spans = [hint.span() for hint in JOINED_HINT_RE.finditer(region)]
        if "*" in region:  # a header's parameter in pieces (``_parameters``)
            spans += parameter_hints(region)
            spans.sort()
        built = built_call_spans(region, built_hint_spans(region))
        called = None if final else open_built_call(region, built)
        if called is not None:  # a call over lines, still open (``_built``)
            held = min(held, region.rfind("\n", 0, called) + 1)
        built += sse_runs(region)
        for hint_start, hint_end in sorted(spans + built) if built else spans:
            if blocks and hint_end <= blocks[-1][1]:
                continue  # on the last block's lines (a line of many hints: no search again)
            low = region.rfind("\n", 0, hint_start) + 1
            high = region.find("\n", hint_end)
            high = len(region) if high < 0 else high
            if blocks and low <= blocks[-1][1]:
                blocks[-1] = (blocks[-1][0], max(high, blocks[-1][1]))
            else:
                blocks.append((low, high))
        if held < len(region) and blocks and blocks[-1][1] >= held:
            held = min(held, blocks[-1][0])  # the last block goes on with the held line
        if len(region) - held > _MAX_BLOCK:
            held = len(region)  # too long to hold: read as it is
        for low, high in blocks:
            if high <= held or held == len(region):
                self._read(scanner, at + low, at + high)
        state.next = base + last + 1
        state.resume = state.next if held == len(region) else view.map.to_view(at + held)
        if state.first >= 0 and state.first < state.next:
            state.first = -1
        state.looked = max(state.looked, state.next)

    def _read(self, scanner: Scanner, at: int, stop: int) -> None:
        """The block of original text from ``at`` to ``stop``, its pieces joined."""
        block = scanner.orig_slice(at, stop)
        for joined in joined_strings(block):
            read_as_shown(
                scanner,
                joined.text,
                [at + offset for offset in joined.offsets],
                "a string written in pieces, joined",
                folded=True,
                keep=partial(_joined_keeps, joined, markings=True),
            )
        for built in built_strings(block):
            if _CAPITALS_RE.search(built.text) is None:
                continue  # markings count in capitals (a cheap look: most strings have none)
            read_as_shown(
                scanner,
                built.text,
                [at + offset for offset in built.offsets],
                "a string built by code, evaluated",
                folded=True,
                keep=partial(_built_keeps, built),
            )
        for text, offsets, seams in sse_texts(block):
            events = Joined(text, offsets, seams)
            read_as_shown(
                scanner,
                text,
                [at + offset for offset in offsets],
                "server-sent events, joined",
                folded=True,
                keep=partial(_joined_keeps, events, markings=True),
            )
        if "*" in block:
            for text, offsets in joined_parameters(block):
                read_as_shown(
                    scanner,
                    text,
                    [at + offset for offset in offsets],
                    "a header's parameter in pieces, joined",
                )
        cdata = joined_cdata(block)
        if cdata is not None:
            read_as_shown(
                scanner,
                cdata.text,
                [at + offset for offset in cdata.offsets],
                "CDATA sections, joined",
                keep=partial(_joined_keeps, cdata, markings=False),
            )

    def earliest(self, scanner: Scanner, state: JoinedState) -> int:
        """An open block from its start; else the unfinished line from its first quote or
        "]" (each character looked at once as text arrives)."""
        if state.resume < state.next:
            return state.resume
        view = scanner.skel
        if state.first < 0:
            since = max(state.looked, state.next, view.base)
            found = _PIECE_START_RE.search(view.buf, since - view.base)
            state.looked = view.end
            if found is None:
                return view.end
            state.first = view.base + found.start()
        return state.first


def _joined_keeps(joined: Joined, hit: Hit, *, markings: bool) -> bool:
    """Whether a hit in a joined reading counts: it spans a seam; a marking only with
    ``markings``, and in capitals (as a cell's)."""
    if not joined.crosses(hit.start, hit.end):
        return False
    if hit.source != "marking":
        return True
    # phonetic words spell a marking in any case (``"Sierra-Echo" "-Charlie…"``)
    return markings and (
        hit.detail.startswith("phonetic-spelled")
        or not _in_prose_case(joined.text[hit.start : hit.end])
    )


def _built_keeps(built: Built, hit: Hit) -> bool:
    """Whether a hit in a string built by code counts: as in joined pieces, or a marking
    in capitals anywhere in a string read whole (a template literal)."""
    if built.whole and hit.source == "marking":
        return not _in_prose_case(built.text[hit.start : hit.end])
    return _joined_keeps(built, hit, markings=True)


def _walk_skel_lines(
    scanner: Scanner,
    state: ScanState,
    final: bool,
    candidate: Callable[[str, int], re.Match[str] | None],
    read_line: Callable[[str, int], bool],
) -> None:
    """Each complete line of the skeleton from ``state.resume`` (the unfinished one too when
    ``final``), in original text, given to ``read_line(line, at)``; where it takes none
    (returns False), the walk goes on at the line before the match that ``candidate(text,
    position)`` finds next, or ends. ``state.resume`` is left after the last line read."""
    view = scanner.skel
    buf, base = view.buf, view.base
    position = state.resume - base
    limit = len(buf) if final else max(position, buf.rfind("\n", position) + 1)
    while position < limit:
        end = buf.find("\n", position, limit)
        end = limit if end < 0 else end
        at = view.map.to_orig(base + position)
        stop = view.map.to_orig(base + end) if end < len(buf) else scanner.orig_end
        if not read_line(scanner.orig_slice(at, stop), at):
            # no line until the next that the unit can take: go there
            found = candidate(scanner.orig, stop - scanner.orig_base)
            if found is None:
                position = limit
                break
            spot = view.map.to_view(scanner.orig_base + found.start()) - base
            next_line = buf.rfind("\n", position, spot)
            if next_line > end:
                end = next_line
        position = end + 1
    state.resume = base + min(position, limit)


class PageTextState(ScanState):
    """The next line to read (view position: ``resume``) and the text that the content
    stream's lines read so far show (``_pdf_text``)."""

    __slots__ = ("page",)

    def __init__(self) -> None:
        super().__init__()
        self.page = PageText()


# A line of the text as it arrives is searched this far back for a string's or an array's
# start, which a text-showing operator may yet follow (longer than a string or an array).
_SHOW_HOLD = 2048


class PageTextUnit(Unit[PageTextState]):
    """A PDF content stream written as text: what its text objects show (``_pdf_text``),
    read as a text of its own, its findings on the strings' own characters. Complete
    lines only; a stream holds a text object that shows something until it ends, and the
    unfinished line from a string's or an array's start."""

    view: ViewName = "skel"
    state_class = PageTextState

    def scan(self, scanner: Scanner, state: PageTextState, final: bool) -> None:
        if scanner.depth >= MAX_DEPTH or scanner.cells:
            state.resume = scanner.skel.end
            return
        page = state.page

        def read_line(line: str, at: int) -> bool:
            if not (page.length or SHOW_RE.search(line)):
                return False
            if not page.read_line(line, at) or page.full:
                self._read(scanner, page.take())
            for shown in page.ended:
                self._read(scanner, shown)
            page.ended.clear()
            return True

        _walk_skel_lines(scanner, state, final, SHOW_RE.search, read_line)
        if final:
            self._read(scanner, page.take())
        _hold_from(scanner, state, "page", page.first_line, "(<[")

    def _read(self, scanner: Scanner, shown: Shown | None) -> None:
        """What a text object shows, read as a text of its own, and without the blanks at
        its seams (only what spans one counts there). The markings that its quiet source
        lines' own readers find there do not count (the scanner's ``take_hits``): this
        reading's do."""
        if shown is None:
            return
        scanner.quiet.extend(shown.quiet)
        if not shown.text.strip():
            return
        before = len(scanner.hits)
        how = "a PDF content stream's text, as shown"
        read_as_shown(scanner, shown.text, shown.offsets, how)
        _read_seamed(scanner, shown, how, capitals=True)
        scanner.loud.update(scanner.hits[before:])

    def release(self, scanner: Scanner, state: PageTextState) -> int:
        point = scanner.orig_end
        if scanner.closed or scanner.depth >= MAX_DEPTH or scanner.cells:
            return point
        shown = state.page.start
        if shown is not None:
            point = shown
        if state.page.first_line >= 0:
            point = min(point, state.page.first_line)
        view = scanner.skel
        line = max(state.resume, view.base)
        if line < view.end:
            since = max(view.map.to_orig(line), scanner.orig_end - _SHOW_HOLD)
            tail = scanner.orig_slice(since, scanner.orig_end)
            opened = min((at for at in map(tail.find, "(<[") if at >= 0), default=-1)
            if opened >= 0:
                point = min(point, since + opened)
        return point

    def orig_needed(self, state: PageTextState) -> int | None:
        shown, first = state.page.start, state.page.first_line
        if first >= 0:
            return first if shown is None else min(shown, first)
        return shown


def _starts_word(text: str, seam: int) -> bool:
    """Whether the piece after ``seam`` starts a word of its own: a capital after anything
    but a capital (``Top|Secret``, ``Stg.|Zeer``; not ``SE|CRET``, nor ``OM\b|MA`` where a
    backspace or another control or format character after a capital overstrikes it)."""
    before = seam - 1
    while before > 0 and unicodedata.category(text[before]) in ("Cc", "Cf"):
        before -= 1
    return text[seam].isupper() and not text[before].isupper()


def _read_seamed(
    scanner: Scanner, shown: Seamed, how: str, capitals: bool = False, words: bool = False
) -> None:
    """``shown`` read without the blanks at its seams: only what spans one counts (with
    ``capitals``, only where no letter of it is a small one: words moved apart along a
    line, ``Top`` ``Secret``, are no ``TopSecret``; with ``words``, only where some seam it
    spans is not before a capitalised word (``_starts_word``): capitalised words side by
    side, ``Top`` ``Secret!`` or ``Stg.`` ``Zeer``, are no ``TopSecret`` either, while a
    word cut in its letters, ``SE`` ``CRET``, ``Se`` ``cret`` or ``Top`` ``Se`` ``cret``,
    still reads)."""
    if not shown.seams:
        return
    text, offsets, seams = without_seams(shown)

    def crosses(hit: Hit) -> bool:
        index = bisect_left(seams, hit.start + 1)
        if capitals and any(ch.islower() for ch in text[hit.start : hit.end]):
            return False
        spanned = seams[index : bisect_left(seams, hit.end)]
        if not spanned:
            return False
        return not (words and all(_starts_word(text, at) for at in spanned))

    read_as_shown(scanner, text, offsets, how, keep=crosses)


class DocumentTextState(ScanState):
    """The next line to read (view position: ``resume``) and the text that the document's
    lines read so far show (``_markup_text``)."""

    __slots__ = ("document", "first", "line", "looked")

    def __init__(self) -> None:
        super().__init__()
        self.document = DocumentText()
        # The unfinished line's start (original offset), how far it was looked at for a tag
        # or a command, and the first found there (-1: none yet).
        self.line = -1
        self.looked = 0
        self.first = -1


class DocumentTextUnit(Unit[DocumentTextState]):
    """A document's text elements written as text over lines (ALTO, hOCR, SVG, TEI, HTML,
    a ZPL label): the text they show, joined as a reader sees it (``_markup_text``), read
    as a text of its own where two pieces stand side by side on one of its lines, its
    findings on the pieces' own characters; a line break between two inline elements is
    read both ways (the second reading keeps only what spans such a seam). Complete lines
    only; a stream holds a document from its first piece until it ends, and the unfinished
    line from its first tag or command."""

    view: ViewName = "skel"
    state_class = DocumentTextState

    def __init__(self, engine: CompiledPolicy) -> None:
        # Phonetic words spell a marking in any case: their anchors make a text worth reading.
        self.anchors = tuple(anchor.decode() for anchor in engine.spelled.anchors)

    def scan(self, scanner: Scanner, state: DocumentTextState, final: bool) -> None:
        if scanner.depth >= MAX_DEPTH or scanner.cells:
            state.resume = scanner.skel.end
            return
        document = state.document

        def read_line(line: str, at: int) -> bool:
            if not (document.opened or search_markup_candidate(line)):
                return False
            if not document.read_line(line, at):
                self._read(scanner, document.take())
                document.reset()
            elif document.full:
                self._read(scanner, document.take())
            return True

        _walk_skel_lines(scanner, state, final, search_markup_candidate, read_line)
        if final:
            self._read(scanner, document.take())
            document.reset()
        _hold_from(scanner, state, "document", document.first_line, "<^~")

    def _read(self, scanner: Scanner, shown: DocumentShown | None) -> None:
        """What a document shows, read as a text of its own, and without the blanks at its
        seams (only what spans one counts there): where it holds capitals, a letter beyond
        ASCII or a phonetic word (markings are read in capitals, as in a cell), and always
        where format elements show pieces of it: the markings that the lines' own readers
        find on those pieces do not count (the scanner's ``take_hits``), this reading's do."""
        if shown is None:
            return
        if not shown.quiet and _CAPITALS_RE.search(shown.text) is None:
            lowered = shown.text.lower()
            if not any(anchor in lowered for anchor in self.anchors):
                return
        scanner.quiet.extend(shown.quiet)
        before = len(scanner.hits)
        how = "a document's text elements, as shown"
        read_as_shown(scanner, shown.text, shown.offsets, how)
        _read_seamed(scanner, shown, how, words=True)
        scanner.loud.update(scanner.hits[before:])

    def release(self, scanner: Scanner, state: DocumentTextState) -> int:
        point = scanner.orig_end
        if scanner.closed or scanner.depth >= MAX_DEPTH or scanner.cells:
            return point
        if state.document.first_line >= 0:
            point = state.document.first_line
        view = scanner.skel
        line = max(state.resume, view.base)
        if line < view.end:
            since = view.map.to_orig(line)
            if since != state.line:  # a new unfinished line: looked at from its start
                state.line, state.looked, state.first = since, since, -1
            if state.first < 0:  # each character looked at once as text arrives
                tail = scanner.orig_slice(state.looked, scanner.orig_end)
                opened = min((at for at in map(tail.find, "<^~") if at >= 0), default=-1)
                if opened >= 0:
                    state.first = state.looked + opened
                state.looked = scanner.orig_end
            if state.first >= 0:
                point = min(point, state.first)
        return point

    def orig_needed(self, state: DocumentTextState) -> int | None:
        first = state.document.first_line
        return first if first >= 0 else None


class EnumState(ScanState):
    """The next line to read is at ``resume`` (view position); the enumeration's body
    being read, if any."""

    __slots__ = ("body",)

    def __init__(self) -> None:
        super().__init__()
        self.body: EnumBody | None = None


class EnumUnit(Unit[EnumState]):
    """Enumerations written one value a line (``_enums``): a body whose values name two
    levels or more is a vocabulary, and the markings inside it do not count (the
    scanner's ``take_hits``). It reads complete lines before any other unit does, so a
    marking found inside a body is held until the body ends; the stream holds the body
    from its first line."""

    view: ViewName = "skel"
    state_class = EnumState

    def scan(self, scanner: Scanner, state: EnumState, final: bool) -> None:
        view = scanner.skel
        buf, base = view.buf, view.base
        position = state.resume - base
        limit = len(buf) if final else max(position, buf.rfind("\n", position) + 1)
        while position < limit:
            if state.body is None:
                # only a line that holds "enum" or "const" can open a body: go to the next
                found = min(
                    (
                        at
                        for word in ("enum", "const")
                        if (at := buf.find(word, position, limit)) >= 0
                    ),
                    default=-1,
                )
                if found < 0:
                    position = limit
                    break
                position = buf.rfind("\n", position, found) + 1 or position
            end = buf.find("\n", position, limit)
            end = limit if end < 0 else end
            start = view.map.to_orig(base + position)
            stop = view.map.to_orig(base + end) if end < len(buf) else scanner.orig_end
            line = scanner.orig_slice(start, stop)
            if state.body is None:
                state.body = EnumBody.opened(line)
                if state.body is not None:
                    scanner.enum_open = view.map.to_orig(base + end + 1)
            else:
                going = state.body.line(line, self.engine.read_item)
                if not going:
                    if going is False and state.body.vocabulary and scanner.enum_open is not None:
                        scanner.vocabularies.append((scanner.enum_open, start))
                    state.body = None
                    scanner.enum_open = None
            position = end + 1
        state.resume = base + min(position, limit)
        if final and state.body is not None:
            state.body = None  # never closed: no enumeration
            scanner.enum_open = None

    def release(self, scanner: Scanner, state: EnumState) -> int:
        if scanner.enum_open is not None and not scanner.closed:
            return scanner.enum_open
        return scanner.orig_end

    def orig_needed(self, state: EnumState) -> int | None:
        return None


def _names(scanner: Scanner, line: str, at: int) -> None:
    """The keys of the lookup calls on ``line`` (at original offset ``at``): names, whose
    markings do not count (the scanner's ``take_hits``)."""
    for start, end in lookup_keys(line):
        span = (at + start, at + end)
        if span not in scanner.vocabularies:
            scanner.vocabularies.append(span)


def _marking_hit(spec: MarkingSpec, start: int, end: int, context: str) -> Hit:
    what = f"({spec.text})" if spec.portion else spec.text
    return Hit(
        "marking",
        spec.text if not spec.portion else f"({spec.text})",
        "marking",
        spec.level,
        start,
        end,
        f"{what} [{', '.join(spec.schemes)}] in a {context}",
    )


class ListState(LineState):
    """The unfinished line's first open bracket (view position), once seen."""

    __slots__ = ("bracket", "searched")

    def __init__(self) -> None:
        super().__init__()
        self.searched = 0
        self.bracket: int | None = None


# A line worth reading: a bracket with a comma after it, or a query string's pair.
# One class of first characters: an alternation of two was searched at every position
# (five times slower).
# Or a path's segment (skeleton view: small letters) that is percent-encoded or has a word
# of four letters and another segment after it.
_LIST_HINT_RE = re.compile(
    r"[\[({?&/\\](?:(?<=[\[({])[^\[\](){}\n,]{0,400}+,|(?<=[?&])[a-z][\w.\-]{0,40}=[\w%]"
    r"|(?<=/)(?:[^/\s\"'<>?#]{0,200}?%[0-9a-f]{2}|[^\W_]{3}[^/\n\"'<>?#]{0,200}?(?=/))"
    r"|(?<=\\)[^\W_]{3}[^\\\n\"'<>?*|]{0,200}?(?=\\))"
)
_OPEN_BRACKET_RE = lazy_compile(r"[\[({=/]")
# A path of a URL or a file (a segment or more after a scheme and its host, two or more
# after a word or a "/"): a
# segment that is a marking alone, percent-encoded or in capitals, counts
# (``/docs/NATO%20SECRET/plan.pdf``, ``https://x.example/GEHEIM/``); the last one's
# extension aside. A segment is cut at "/", "?", "#", a quote, a blank or a bracket.
_PATH_RE = lazy_compile(
    r"(?<=://)[\w.\-~:@]{1,200}+(?:/[^/\s\"'<>?#()\[\]]{1,200}+)+"
    r"|(?<![^\s\"'(<>=\[])[\w.\-~:@]{0,200}+(?:/[^/\s\"'<>?#()\[\]]{1,200}+){2,}"
)
_SEGMENT_RE = lazy_compile(r"/(?P<segment>[^/]+)")
# A Windows path: a drive or a server's share (UNC), then segments after backslashes (one,
# or two where a program's string escapes them).
_WINDOWS_PATH_RE = lazy_compile(
    r"(?<![\w\\])(?:[A-Za-z]:|\\{2,4}[\w.\-$]{1,200}+)(?:\\{1,2}[^\\\s\"'<>|?*:]{1,200}+)+"
)
_WINDOWS_SEGMENT_RE = lazy_compile(r"\\+(?P<segment>[^\\]+)")
_EXTENSION_RE = lazy_compile(r"(?:\.[A-Za-z][A-Za-z0-9]{0,4}){1,2}\Z")  # GEHEIM.tar.gz
_SEGMENT_HINT_RE = lazy_compile(r"%[0-9A-Fa-f]{2}|[A-Z]{2}")
# A pair of a query string or form data (?id=7&level=TOP_SECRET, "+" and "_" as gaps
# between words): a marking there counts when no word of it is written as prose (any key,
# as in a cell).
_QUERY_PAIR_RE = lazy_compile(
    r"[?&][A-Za-z][\w.\-]{0,40}=(?P<value>[^\s&#;=\"'<>]{1,400}+)(?=[&#;\s]|\Z)"
)


def _path_segments(scanner: Scanner, engine: CompiledPolicy, line: str, at: int) -> None:
    """The segments of the paths on ``line`` that are a marking alone (``_PATH_RE``,
    ``_WINDOWS_PATH_RE``)."""
    paths = [(path, _SEGMENT_RE) for path in _PATH_RE.finditer(line)] if "/" in line else []
    if "\\" in line:
        paths += [(path, _WINDOWS_SEGMENT_RE) for path in _WINDOWS_PATH_RE.finditer(line)]
    for path, segments in paths:
        for segment in segments.finditer(path.group()):
            text = segment.group("segment")
            if _SEGMENT_HINT_RE.search(text) is None:
                continue
            if "%" in text:
                text = unpercent(text)
            text = _EXTENSION_RE.sub("", text)
            found = engine.read_item(text)
            if found is not None:
                start, end = segment.span("segment")
                start, end = at + path.start() + start, at + path.start() + end
                scanner.hits.append(_marking_hit(found, start, end, "path's segment"))


class ListUnit(Unit[ListState]):
    """Markings in a bracketed list on a line (``["SECRET", "REL TO USA, FVEY"]``): one
    level with its caveats is a marking, two levels or more a vocabulary (see ``_lists``);
    and the value of a classification column in an SQL row. Complete lines only; hits
    start at the list's bracket or later, and the stream holds the line from there."""

    view: ViewName = "skel"
    state_class = ListState

    def __init__(self, engine: CompiledPolicy, field: FieldUnit | None) -> None:
        self.engine = engine
        self.field = field

    def scan(self, scanner: Scanner, state: ListState, final: bool) -> None:
        view = scanner.skel
        buf, base = view.buf, view.base
        at, limit = state.complete_lines(view, final)
        if limit <= at:
            return
        skel_map = view.map
        position = at
        while position < limit:
            hint = _LIST_HINT_RE.search(buf, position, limit)
            if hint is None:
                break
            line_start = buf.rfind("\n", 0, hint.start()) + 1
            line_end = buf.find("\n", hint.start(), limit)
            line_end = limit if line_end < 0 else line_end
            start = skel_map.to_orig(base + line_start)
            end = skel_map.to_orig(base + line_end)
            if start >= 0 and line_end - line_start <= MAX_LINE:
                self._line(scanner, scanner.orig_slice(start, end), start)
            position = line_end + 1
        state.resume = base + limit

    def _line(self, scanner: Scanner, line: str, at: int) -> None:
        engine = self.engine
        _names(scanner, line, at)
        reads = lists(line, engine.read_item)
        for read in reads:
            for item, marking in marking_items(read):
                scanner.hits.append(
                    _marking_hit(marking, at + item.start, at + item.end, "list of markings")
                )
        if "/" in line or "\\" in line:
            _path_segments(scanner, engine, line, at)
        if "=" in line:
            for pair in _QUERY_PAIR_RE.finditer(line):
                value = pair.group("value")
                found = engine.read_item(unpercent_plus(value) if "%" in value else value)
                if found is not None:
                    start, end = pair.span("value")
                    scanner.hits.append(_marking_hit(found, at + start, at + end, "query string"))
        field = self.field
        if field is None or len(reads) < 2:
            return
        for item in column_values(reads, line, field.is_label):
            for spec in field._markings(skeleton(item.text), item.text):
                scanner.hits.append(
                    _marking_hit(spec, at + item.start, at + item.end, "classification column")
                )

    def earliest(self, scanner: Scanner, state: ListState) -> int:
        """The unfinished line is held from its first open bracket or "="."""
        view = scanner.skel
        line_start = state.line_start(view)
        if state.resume < line_start:
            return state.resume
        if state.searched < line_start:
            state.searched, state.bracket = line_start, None
        if state.bracket is None:
            found = _OPEN_BRACKET_RE.search(view.buf, state.searched - view.base)
            state.searched = view.end
            if found is not None:
                state.bracket = view.base + found.start()
        return view.end if state.bracket is None else state.bracket


class SpelledState(LineState):
    """The runs of units still open, by column (see ``_spelled``), the blank lines since
    the last unit, and how far the unfinished line has been looked at."""

    __slots__ = ("blanks", "checked", "runs", "tab_line", "tabs_to")

    def __init__(self) -> None:
        super().__init__()
        self.runs: dict[int, list[SpelledUnit]] = {}
        self.blanks = 0
        self.checked = 0  # view position: cells of the unfinished line before it hold no unit
        # The unfinished line's original text before ``tabs_to`` searched for a tab, and
        # the line (view position) where one was found.
        self.tabs_to = 0
        self.tab_line = -1


_PAIR_VALUES = "marking spelled one letter or word per value of a line's pairs"


def _unit_in_capitals(original: str) -> bool:
    """Whether a unit (original text) is written in capitals: no word in prose case
    (lower or title case), no single letter in plain lower case. Look-alikes, odd case
    and digits are evasion, not prose."""
    for word in _WORD_RE.findall(terminal_shown(original)):
        if len(word) == 1:
            if word.islower() and (word.isascii() or word in _PLAIN_LATIN):
                return False
        elif _word_case(word) is not None:
            return False
    return True


class SpelledDownUnit(Unit[SpelledState]):
    """A marking spelled one letter or one word per unit down a list, paragraphs, a
    table's column or consecutive values, or across a line's pairs (see ``_spelled``).
    Complete lines only; the stream holds back the units of a stretch that may still
    grow, and the unfinished line from its first cell that may still become a unit."""

    view: ViewName = "skel"
    state_class = SpelledState

    def __init__(self, engine: CompiledPolicy) -> None:
        self.engine = engine
        # The markings' own keys: not their reversed or rot13 spellings, which the banner
        # readers take from a line (a structure read bottom up or in rot13 is not read).
        self.words = {
            squeeze_key(spec): word_ends(
                [marking_squeeze(word) for word in re.split(r"[\W_]+", skeleton(spec.text))]
            )
            for spec in engine.marking_by_key.values()
        }
        self.keys = sorted(self.words)

    def scan(self, scanner: Scanner, state: SpelledState, final: bool) -> None:
        view = scanner.skel
        buf, base = view.buf, view.base
        at, limit = state.complete_lines(view, final)
        position = at
        while position < limit:
            if not state.runs:
                candidate = self._next_candidate(scanner, position, limit)
                if candidate is None:
                    break
                position = buf.rfind("\n", position, candidate) + 1 or position
            end = buf.find("\n", position, limit)
            end = limit if end < 0 else end
            self._line(scanner, state, position, end)
            position = end + 1
        if final:
            for column in list(state.runs):
                self._close(scanner, state, column)
        state.resume = max(state.resume, base + limit)

    def _next_candidate(self, scanner: Scanner, position: int, limit: int) -> int | None:
        """The buffer offset of the first cell from ``position`` that may be a unit: one
        the views show, or a tab (a blank in the views) in the original text."""
        view = scanner.skel
        # from the new line before ``position``: the candidate pattern begins at a separator
        found = SPELLED_CANDIDATE_RE.search(view.buf, position - 1, limit)
        candidate = limit if found is None else found.start() + 1
        orig_from = max(view.map.to_orig(view.base + position), scanner.orig_base)
        orig_to = view.map.to_orig(view.base + candidate)
        tab = cutting_tab(scanner.orig, orig_from - scanner.orig_base, orig_to - scanner.orig_base)
        if tab >= 0:
            return max(position, view.map.to_view(scanner.orig_base + tab) - view.base)
        return None if found is None else candidate

    def _tabs(self, scanner: Scanner, start: int, end: int) -> list[int]:
        """The buffer offsets of the line's blanks that are tabs cutting it into cells in the
        original text (not those that indent it)."""
        view = scanner.skel
        orig_start = max(view.map.to_orig(view.base + start), scanner.orig_base)
        orig_end = view.map.to_orig(view.base + end)
        orig, orig_base = scanner.orig, scanner.orig_base
        tabs = []
        tab = cutting_tab(orig, orig_start - orig_base, orig_end - orig_base)
        while tab >= 0:
            tabs.append(view.map.to_view(orig_base + tab) - view.base)
            tab = cutting_tab(orig, tab + 1, orig_end - orig_base)
        return tabs

    def _line(self, scanner: Scanner, state: SpelledState, start: int, end: int) -> None:
        view = scanner.skel
        buf = view.buf
        line = buf[start:end]
        if CONTENT_RE.search(line) is None:
            state.blanks += 1
            if state.blanks > MAX_BLANK_LINES:
                for column in list(state.runs):
                    self._close(scanner, state, column)
            return
        state.blanks = 0
        spans = cells(line, [tab - start for tab in self._tabs(scanner, start, end)])
        for column in [column for column in state.runs if column >= len(spans)]:
            self._close(scanner, state, column)
        pairs: list[SpelledUnit] = []
        for column, (cell_start, cell_end) in enumerate(spans):
            unit = self._unit(scanner, start + cell_start, start + cell_end)
            if unit is None:
                if CONTENT_RE.search(line, cell_start, cell_end) is not None:
                    self._close(scanner, state, column)
                    if len(pairs) >= 2:
                        self._emit(scanner, pairs, final=True, context=_PAIR_VALUES)
                    pairs = []
                continue
            spelled, pair = unit
            state.runs.setdefault(column, []).append(spelled)
            self._read(scanner, state, column, final=False)
            if pair:
                pairs.append(spelled)
        if len(pairs) >= 2:
            self._emit(scanner, pairs, final=True, context=_PAIR_VALUES)

    def _unit(self, scanner: Scanner, start: int, end: int) -> tuple[SpelledUnit, bool] | None:
        """The unit a cell (buffer span) holds, and whether it is a pair's value."""
        view = scanner.skel
        match = SPELLED_CELL_RE.fullmatch(view.buf, start, end)
        if match is None:
            return None
        key = marking_squeeze(match.group("token"))
        if not key:
            return None
        token_start, token_end = match.span("token")
        orig_start = view.map.to_orig(view.base + token_start)
        orig_end = view.map.to_orig(view.base + token_end - 1) + 1
        if orig_start < 0 or not _unit_in_capitals(scanner.orig_slice(orig_start, orig_end)):
            return None
        letter = token_end - token_start == 1
        unit = SpelledUnit(key, orig_start, orig_end, view.base + token_start, letter)
        return unit, match.group("key") is not None

    def _read(self, scanner: Scanner, state: SpelledState, column: int, final: bool) -> None:
        run = state.runs[column]
        decided = self._emit(scanner, run, final)
        del run[:decided]
        if not run:
            del state.runs[column]

    def _emit(
        self,
        scanner: Scanner,
        units: list[SpelledUnit],
        final: bool,
        context: str = "banner split over lines",
    ) -> int:
        """Hits for the markings that ``units`` spell; how many units are decided. Down a
        structure, a hit is a banner split over lines, as ``MultiLineUnit`` names it: where
        both read one span, the finding is the same whichever comes first."""
        engine = self.engine
        found, decided = read_run(units, self.keys, self.words, final)
        for first, after, key in found:
            spec = engine.marking_by_key[key]
            start, end = units[first].start, units[after - 1].end
            scanner.hits.append(_marking_hit(spec, start, end, context))
        return decided

    def _close(self, scanner: Scanner, state: SpelledState, column: int) -> None:
        if column in state.runs:
            self._read(scanner, state, column, final=True)

    def earliest(self, scanner: Scanner, state: SpelledState) -> int:
        """The first unit of a stretch that may still grow, or the unfinished line's
        first cell that may still become a unit (its start, where it has a tab)."""
        view = scanner.skel
        line_start = state.line_start(view)
        if state.resume < line_start:
            return state.resume
        held = min((run[0].at for run in state.runs.values()), default=view.end)
        if self._has_tab(scanner, state, line_start):
            return min(held, line_start)
        buf, base = view.buf, view.base
        at = max(state.checked, line_start) - base
        while True:
            separator = SPELLED_SPLIT_RE.search(buf, at)
            if separator is None:
                break
            cell = SPELLED_CELL_RE.fullmatch(buf, at, separator.start())
            if cell is not None and self._may_start(cell.group("token")):
                return min(held, base + at)
            at = separator.end()
        state.checked = base + at
        # The open cell: a unit's word ends it (closing marks aside), so only its last word
        # can still begin one; squeezing is prefix-closed, so a word that is no key's
        # prefix never grows into one (a key or list marker before it puts the unit later).
        word = last_word(buf, at, len(view.buf))
        if word is None or self._may_start(buf[word[0] : word[1]]):
            return min(held, base + at)
        return held

    def _has_tab(self, scanner: Scanner, state: SpelledState, line_start: int) -> bool:
        """Whether the unfinished line (from view position ``line_start``) holds a tab that
        cuts it into cells in the original text; searched once per character."""
        if state.tab_line == line_start:
            return True
        orig_start = max(scanner.skel.map.to_orig(line_start), scanner.orig_base)
        searched = max(state.tabs_to, orig_start)
        found = cutting_tab(scanner.orig, searched - scanner.orig_base, len(scanner.orig))
        state.tabs_to = scanner.orig_end
        if found < 0:
            return False
        state.tab_line = line_start
        return True

    def _may_start(self, word: str) -> bool:
        """Whether a unit's word (view text) can begin a marking's key."""
        return _prefix_of_any(self.keys, marking_squeeze(word))


class KeywordState(ScanState):
    """Candidate starts before ``upto`` (past the resume position) are ruled out."""

    __slots__ = ("upto",)

    def __init__(self) -> None:
        super().__init__()
        self.upto = 0


class KeywordUnit(Unit[KeywordState]):
    """A detector's keywords (codewords) anywhere in the text, as whole words."""

    view: ViewName = "skel"
    state_class = KeywordState

    def __init__(
        self, spec: DetectorSpec, regex: re.Pattern[str], reach: int, keys: dict[str, str]
    ) -> None:
        self.spec = spec
        self.regex = regex
        self.reach = reach
        self.keys = keys  # squeezed keyword → keyword as written in the policy
        self.sorted_keys = sorted(keys)
        self.longest = max(map(len, keys), default=0)
        # Where a keyword match may start: a letter, digit or "|" that does not follow a
        # letter or digit (the scan's word check) and that squeezes to a character some
        # keyword starts with. Anything else can be ruled out without squeezing.
        self.start_re = _start_regex({key[0] for key in keys if key})
        # One pattern per character a keyword can start with: each starts with that
        # literal, which ``re`` finds with a fast scan (one alternation of different first
        # characters is scanned character by character, several times slower).
        groups: dict[str, list[str]] = {}
        for first, alternative in keyword_alternatives(spec.keywords):
            groups.setdefault(first, []).append(alternative)
        # Without the word's end: a keyword may end where an identifier's next word starts
        # (``silverLindenPhase2``, ``nightjarTeam``), which only the original text shows.
        self.first_res = [
            re.compile("(?:" + "|".join(alternatives) + ")") for alternatives in groups.values()
        ]
        self.open_regex = lazy_compile(
            "(?:"
            + "|".join(alternative for _, alternative in keyword_alternatives(spec.keywords))
            + ")"
        )
        # Each keyword's own pattern: which keyword a match in leetspeak spells, where its
        # squeeze cannot tell (a digit of the keyword's own, KIRCHB3RG-7, or a symbol read
        # as a gap or a letter).
        self.each_res = [
            (
                keyword,
                lazy_compile(
                    "(?:" + "|".join(regex for _, regex in keyword_alternatives([keyword])) + ")"
                ),
            )
            for keyword in spec.keywords
        ]

    def scan(self, scanner: Scanner, state: KeywordState, final: bool) -> None:
        view = scanner.skel
        buf, base = view.buf, view.base
        # A keyword's words may be split over two lines: the last two lines stay open.
        bound = _line_bound(view, self.reach, final, lines=2)
        position = state.resume
        # The next start of each first-character pattern: a match of the policy's pattern
        # starts exactly where one of them matches, so the earliest of them is where the
        # pattern's own search would find its next match.
        firsts = self.first_res
        nexts = [-1] * len(firsts)
        never = len(buf) + 1
        while position < bound:
            at = never
            for which, first in enumerate(firsts):
                found = nexts[which]
                if found < position - base:
                    hit = first.search(buf, position - base)
                    found = nexts[which] = hit.start() if hit is not None else never
                at = min(at, found)
            if at == never or base + at >= bound:
                break
            match = self.regex.match(buf, at)
            glued = match is None  # a word character follows: an identifier's next word?
            if match is None:
                match = self.open_regex.match(buf, at)
            if match is None:  # cannot happen: the first-character patterns are exact
                position = base + at + 1
                continue
            start, end = view.map.span(base + at, base + match.end())
            if (at > 0 and buf[at - 1].isalnum() and not self._word_seam(scanner, start)) or (
                glued and not self._word_seam(scanner, end)
            ):
                position = base + at + 1  # inside a word ("porcelain" holds "orca")
                continue
            written = match.group()
            keyword = self._keyword(written)
            if not keyword_leet_ok(written, keyword):
                position = base + at + 1  # too few of its letters left: B2B, 4x4, H2O
                continue
            if not self._cut_shown(scanner, written, keyword, start, end):
                position = base + at + 1  # "the night jar sang": prose, not NIGHTJAR cut
                continue
            spec = self.spec
            scanner.hits.append(
                Hit(
                    "detector",
                    spec.id,
                    spec.kind,
                    spec.level,
                    start,
                    end,
                    f"{spec.kind} {keyword!r}",
                )
            )
            position = base + match.end()
        state.resume = max(position, bound)

    def earliest(self, scanner: Scanner, state: KeywordState) -> int:
        """The first candidate start from the unit's resume position that the text so far
        does not rule out.

        A ruled-out start stays ruled out as text arrives (more text never turns a
        squeezed prefix back into a keyword's prefix), so each call looks only at the
        starts it has not ruled out yet: the work per streamed token does not grow with
        the text held back.
        """
        view = scanner.skel
        buf, base = view.buf, view.base
        position = state.resume
        search_from = position
        if position < len(buf) + base:
            # The resume position itself counts as a start, whatever precedes it.
            first = buf[position - base]
            if first.isalnum() or first == "|":
                if self._could_start(buf, position - base):
                    state.upto = position
                    return position
                search_from = position + 1
        search_from = max(search_from, state.upto)
        for found in self.start_re.finditer(buf, search_from - base):
            at = found.start()
            if at and buf[at - 1].isalnum() and not self._may_seam(scanner, base + at):
                continue  # inside a word, and no identifier's word starts there
            if self._could_start(buf, at):
                state.upto = base + at
                return base + at
        state.upto = view.end
        return view.end

    def _keyword(self, found: str) -> str:
        """The keyword (as the policy writes it) that ``found`` (a match) spells."""
        keyword = self.keys.get(squeeze(found)) or self.keys.get(keyword_squeeze(found))
        if keyword is not None:
            return keyword
        return next((kw for kw, regex in self.each_res if regex.fullmatch(found)), found)

    @staticmethod
    def _cut_shown(scanner: Scanner, found: str, keyword: str, start: int, end: int) -> bool:
        """Whether a blank that cuts one of the keyword's words (``found``, view text)
        shows a codeword, not two words of prose: the cut is an underscore (NIGHT_JAR),
        or each part starts with a capital (NIGHT JAR, Operation Night Jar); "the night
        jar sang" is prose. A keyword's words cut nowhere else need nothing."""
        parts = _BLANKS_RE.split(found.strip())
        if len(parts) < 2:
            return True
        ends: set[int] = set()
        total = 0
        for word in keyword_words(keyword):
            total += len(marking_key(word))
            ends.add(total)
        total = 0
        for part in parts[:-1]:
            total += len(keyword_squeeze(part))
            if total not in ends:
                break
        else:
            return True  # each blank is between two of the keyword's words
        shown = _BLANKS_RE.split(scanner.orig_slice(start, end).strip())
        if len(shown) < len(parts):
            return True  # a cut the original writes otherwise (NIGHT_JAR)
        return all(next((ch.isupper() for ch in part if ch.isalpha()), True) for part in shown)

    @staticmethod
    def _may_seam(scanner: Scanner, position: int) -> bool:
        """Whether an identifier's word may start at view position ``position`` (see
        ``_word_seam``; the letter after it may not have arrived yet)."""
        at = scanner.skel.map.to_orig(position)
        if at - 1 < scanner.orig_base:
            return True
        around = scanner.orig_slice(at - 1, at + 1)
        return len(around) < 2 or around[1].isupper() or around[0].isdigit() != around[1].isdigit()

    @staticmethod
    def _word_seam(scanner: Scanner, at: int) -> bool:
        """Whether original offset ``at`` starts a word of an identifier: a capital after
        a small letter (``loadNightjar``, ``silverLindenPhase2``), a capital before a small
        letter after capitals (``NIGHTJARTeam``), or a digit next to a letter."""
        if at - 1 < scanner.orig_base:
            return False
        around = scanner.orig_slice(at - 1, at + 2)
        if len(around) < 2:
            return False
        before, after = around[0], around[1]
        if before.isdigit() != after.isdigit():
            return True
        if before.islower() and after.isupper():
            return True
        return before.isupper() and after.isupper() and around[2:3].islower()

    def _could_start(self, buf: str, at: int) -> bool:
        """Could a keyword match start at ``buf[at]``? (The text after it may grow.)"""
        # Only the first ``longest + 1`` squeezed letters matter; squeezing works letter
        # by letter, so a window's squeeze is a prefix of the rest's.
        window = 4 * self.longest + 8
        if squeeze_is_unsure(buf[at : at + window]):
            return True
        prefix = keyword_squeeze(buf[at : at + window])
        if len(prefix) <= self.longest and at + window < len(buf):
            if squeeze_is_unsure(buf[at:]):
                return True
            prefix = keyword_squeeze(buf[at:])
        prefix = prefix[: self.longest + 1]
        if not prefix:
            return True
        keys = self.keys
        if any(prefix[:n] in keys for n in range(1, len(prefix) + 1)):
            return True  # a whole keyword is already there (its end is not yet final)
        return _prefix_of_any(self.sorted_keys, prefix)


_BLANKS_RE = lazy_compile(r"\s+")


def _start_regex(firsts: set[str]) -> re.Pattern[str]:
    """Characters that squeeze to one of ``firsts``, leetspeak included (inside a word too:
    an identifier's word, ``loadNightjar``, is told by ``KeywordUnit._may_seam``)."""
    chars = set(firsts)
    for source, folded in _squeeze_table().items():
        if folded[:1] in firsts:
            chars.add(chr(source))
    chars |= {symbol for symbol in KEYWORD_LEET if keyword_squeeze(symbol)[:1] in firsts}
    if not chars:
        return re.compile("(?!)")
    members = "".join(re.escape(ch) for ch in sorted(chars))
    return lazy_compile(f"[{members}]")


class RegexState(ScanState):
    """Where the anchor search got to, anchors whose window is not final yet, and where
    the run of characters a match may take that ends the text starts."""

    __slots__ = ("pending", "run_from", "run_to", "searched")

    def __init__(self) -> None:
        super().__init__()
        self.searched = 0
        self.pending: list[int] = []
        self.run_from = 0  # the run (view positions) as of ``run_to``
        self.run_to = 0


class RegexUnit(Unit[RegexState]):
    """A detector's regular expression over the text view, confirmed by its validator."""

    view: ViewName = "text"
    state_class = RegexState

    def __init__(self, spec: DetectorSpec, regex: re.Pattern[str]) -> None:
        facts = cast("RegexFacts", spec.facts)  # the schema only builds pattern specs with facts
        self.spec = spec
        self.regex = regex
        self.reach = facts.reach
        self.allowed = facts.allowed
        self.allowed_cache: dict[str, bool] = {}
        self.validate: Callable[[str], bool] | None = (
            VALIDATORS[spec.validator] if spec.validator else None
        )
        self.anchor = spec.anchor
        # A pattern that starts with a few literal characters ([12]…): its candidates are
        # found with ``str.find`` and tried with ``match``, the leftmost first.
        self.first = None if self.anchor else first_chars(regex.pattern)

    def bound(self, view: View, final: bool, state: RegexState) -> int:
        """Attempts before this view position are final: a match cannot take the trailing
        run of characters it allows past the text received (looked at in new text only:
        the run goes on, or starts after the last character it does not allow)."""
        if final:
            return view.end + 1
        buf, base = view.buf, view.base
        index = len(buf)
        limit = max(0, index - self.reach, state.run_to - base)
        cache = self.allowed_cache
        while index > limit:
            ch = buf[index - 1]
            ok = cache.get(ch)
            if ok is None:
                ok = cache[ch] = self.allowed(ch)
            if not ok:
                state.run_from = base + index
                break
            index -= 1
        state.run_to = view.end
        return max(view.end - self.reach + 1, state.run_from)

    def _emit(self, scanner: Scanner, match: re.Match[str], base: int) -> None:
        if self.validate is not None and not self.validate(match.group()):
            return
        spec = self.spec
        start, end = scanner.text.map.span(base + match.start(), base + match.end())
        detail = spec.description or spec.validator or spec.kind
        scanner.hits.append(Hit("detector", spec.id, spec.kind, spec.level, start, end, detail))

    def scan(self, scanner: Scanner, state: RegexState, final: bool) -> None:
        view = scanner.text
        bound = self.bound(view, final, state)
        if self.anchor:
            self._scan_anchored(scanner, state, bound)
            return
        buf, base = view.buf, view.base
        position = state.resume
        if self.first is not None:
            self._scan_first(scanner, state, bound)
            return
        while position < bound:
            match = self.regex.search(buf, position - base)
            if match is None or base + match.start() >= bound:
                break
            self._emit(scanner, match, base)
            position = base + max(match.end(), match.start() + 1)
        state.resume = max(position, bound)

    def _scan_first(self, scanner: Scanner, state: RegexState, bound: int) -> None:
        """``scan`` for a pattern whose matches start with one of ``self.first``: the
        same matches, found by trying ``match`` at each candidate in order."""
        view = scanner.text
        buf, base = view.buf, view.base
        regex = self.regex
        first = cast(str, self.first)
        never = len(buf) + 1
        nexts = [-1] * len(first)
        position = state.resume
        while position < bound:
            at = never
            for which, ch in enumerate(first):
                found = nexts[which]
                if found < position - base:
                    found = buf.find(ch, position - base)
                    found = nexts[which] = found if found >= 0 else never
                if found < at:
                    at = found
            if at == never or base + at >= bound:
                break
            match = regex.match(buf, at)
            if match is None:
                position = base + at + 1
                continue
            self._emit(scanner, match, base)
            position = base + max(match.end(), at + 1)
        state.resume = max(position, bound)

    def _scan_anchored(self, scanner: Scanner, state: RegexState, bound: int) -> None:
        """Only around occurrences of the anchor literal (every match contains it)."""
        view = scanner.text
        buf, base = view.buf, view.base
        anchor = cast(str, self.anchor)
        search_from = max(state.searched, view.base) - base
        while True:
            found = buf.find(anchor, search_from)
            if found < 0:
                break
            state.pending.append(base + found)
            search_from = found + 1
        state.searched = max(base, view.end - len(anchor) + 1)
        position = state.resume
        reach = self.reach
        kept: list[int] = []
        for at in state.pending:
            if at < position:
                continue
            window_start = max(position, at - reach + 1)
            if window_start >= bound:
                kept.append(at)
                continue
            match = self.regex.search(buf, window_start - base, min(at + reach, view.end) - base)
            if match is not None and base + match.start() <= at:
                if base + match.start() >= bound:
                    kept.append(at)
                    continue
                self._emit(scanner, match, base)
                position = base + match.end()
            elif at >= bound:
                kept.append(at)
        state.pending = kept
        state.resume = max(position, bound)


_ENCODED_RE = lazy_compile(
    r" (?=[Ulp]{0,4096}[dp]|[Uldp]{0,4096}lU|[Uldp]{7,4096}e)(?P<token>[Uldp]{4,4096}e{0,2})"
)
# A key, its "=", then a value of the base64 alphabet to the token's end (``key=value``).
# What ``_ENCODED_RE`` asks of a token, asked of the value (its "=" stands for the blank).
_GLUED_VALUE_RE = lazy_compile(
    r"(?<=[Uld])e(?=[Ulp]{0,4096}[dp]|[Uldp]{0,4096}lU|[Uldp]{7,4096}e)"
    r"(?P<token>[Uldp]{4,4096}e{0,2})$"
)

_MARK_TABLE = bytes(0x21 if chr(b) in "dpe" else b for b in range(256))
_HEX_RE = lazy_compile(r"(?:0x)?((?:[0-9a-fA-F]{2}){3,})")


# A run longer than the pattern reaches is decoded in windows that overlap by far more
# than any marking spans; starts stay a multiple of 8 characters from the run's start (whole
# base64 quanta, whole hex bytes, whole UTF-16 units), so each window decodes on its own.
_RUN_WINDOW = 4096
_RUN_STEP = 3072


# A compressed payload (gzip, zlib, bzip2 in base64 or hex) inflates only from its start:
# a run longer than a window that starts as one is held and decoded whole when it ends, up
# to this many characters (past them its start is decoded, and the payload's own bound cut
# short blocks: ``decoders.inflate``).
_PACKED_MOST = 4 << 20


class EncodedState(ScanState):
    """The next window's start (class view) of a run longer than a window that is still
    being read, and the start of such a run that is compressed (held whole); -1 when none
    is."""

    __slots__ = ("packed", "run_next")

    def __init__(self) -> None:
        super().__init__()
        self.run_next = -1
        self.packed = -1


class EncodedUnit(Unit[EncodedState]):
    """Base64 and hex runs: decoded, scanned again, findings placed on the run. A run of
    any length is read whole: past one window, in overlapping windows, as it arrives."""

    view: ViewName = "classes"
    state_class = EncodedState
    reach = _RUN_WINDOW + 4

    def scan(self, scanner: Scanner, state: EncodedState, final: bool) -> None:
        view = scanner.classes
        buf, base = view.buf, view.base
        if state.packed >= 0:  # a long compressed run, held whole, goes on
            end = buf.find(" ", state.packed - base)
            if end < 0 and view.end - state.packed <= _PACKED_MOST:
                return
            end = len(buf) if end < 0 else end
            self._decode(scanner, state.packed, min(base + end, state.packed + _PACKED_MOST))
            state.packed = -1
            state.resume = base + end
        if state.run_next >= 0:  # a long run read in windows goes on
            end = buf.find(" ", state.run_next - base)
            if end < 0:
                state.run_next = state.resume = self._windows(
                    scanner, state.run_next, view.end, complete=False
                )
                return
            self._windows(scanner, state.run_next, base + end, complete=True)
            state.run_next = -1
            state.resume = base + end
        if final:
            bound = view.end + 1
        else:
            # The trailing token may still grow: attempts from the space before it are open.
            # A token longer than the reach cannot decide: look only that far back.
            last = buf[-self.reach - 2 :]
            tail = len(last) - len(last.rstrip("Uldpe"))
            bound = max(view.end - self.reach + 1, view.end - tail - 1)
        position = state.resume
        limit = bound - base
        at = position - base
        # Every candidate token holds a digit, "+", "/", a trailing "=", or a lower-case
        # letter followed by a capital; finding those first is much faster than trying
        # the pattern at every space.
        # One translate turns every digit, "+", "/" and "=" into "!", found by memchr.
        marks = buf[at:].encode("latin-1").translate(_MARK_TABLE)
        offset = at
        next_mark = marks.find(b"!")
        next_mark = next_mark + offset if next_mark >= 0 else -1
        next_camel = buf.find("lU", at)
        while True:
            candidates = [m for m in (next_mark, next_camel) if m >= 0]
            if not candidates:
                break
            mark = min(candidates)
            token_start = buf.rfind(" ", max(0, at - 1), mark)
            if token_start < at - 1:
                token_start = at - 1
            if token_start >= limit or token_start < 0:
                break
            token_end = buf.find(" ", mark)
            token_end = len(buf) if token_end < 0 else token_end
            # Short tokens (a year, a phone group) are tried only with two capitals in
            # them (Q1VJ is CUI): most numbers and words are skipped without the regex.
            length = token_end - token_start - 1
            if token_start >= at and (
                length >= 8 or (length >= 4 and buf.count("U", token_start, token_end) >= 2)
            ):
                match = _ENCODED_RE.match(buf, token_start)
                if scanner.depth < MAX_DEPTH and length <= _RUN_WINDOW:
                    # a value glued after its key's "=" (``token=TkFUTyBTRUNSRVQ``, logfmt's
                    # ``msg=…``, a query's ``?c=…&x=1``): the value read as a token too
                    glued = _GLUED_VALUE_RE.search(buf, token_start + 1, token_end)
                    if glued is not None:
                        self._decode(scanner, base + glued.start("token"), base + glued.end())
                if (
                    match is not None
                    and scanner.depth >= MAX_DEPTH
                    and _packed(scanner.orig_slice(base + token_start, base + token_start + 8))
                    and _decode_token(scanner.orig_slice(base + token_start, base + token_end - 1))
                ):
                    # compressed text past the nesting bound: not read, it blocks (noise that
                    # starts like a compression magic by chance decodes to nothing)
                    _budget.refuse()
                if match is not None and scanner.depth < MAX_DEPTH:
                    if length <= _RUN_WINDOW:
                        self._decode(
                            scanner, base + match.start("token"), base + match.end("token")
                        )
                    elif _packed(scanner.orig_slice(base + token_start, base + token_start + 8)):
                        complete = token_end < len(buf)
                        if not complete:  # held from its start until it ends
                            state.packed = state.resume = base + token_start + 1
                            return
                        self._decode(scanner, base + token_start + 1, base + token_end)
                    else:
                        complete = token_end < len(buf)
                        run_next = self._windows(
                            scanner, base + token_start + 1, base + token_end, complete
                        )
                        if not complete:  # the run is still arriving
                            state.run_next = state.resume = run_next
                            return
            at = token_end
            if 0 <= next_mark < at:
                found = marks.find(b"!", at - offset) if at - offset < len(marks) else -1
                next_mark = found + offset if found >= 0 else -1
            if 0 <= next_camel < at:
                next_camel = buf.find("lU", at)
        state.resume = max(base + at, bound)

    def _decode(self, scanner: Scanner, cls_start: int, cls_end: int, cut: bool = False) -> None:
        start, end = cls_start - 1, cls_end - 1  # the class view has one virtual character
        token = scanner.orig_slice(start, end)
        decoded = _decode_token(token, cut=cut)
        if decoded is None:
            return
        rescan(scanner, decoded[1], start, end, decoded[0])

    def _windows(self, scanner: Scanner, start: int, end: int, complete: bool) -> int:
        """Decode the windows of the run from ``start`` (class view) that lie before
        ``end``, and with ``complete`` the rest of the run; the next window's start."""
        while start + _RUN_WINDOW <= end:
            self._decode(scanner, start, start + _RUN_WINDOW, cut=True)
            if start + _RUN_WINDOW == end:
                return end
            start += _RUN_STEP
        if complete and start < end:
            self._decode(scanner, start, end, cut=True)
        return start


def _packed(start: str) -> bool:
    """Whether a run that starts with ``start`` (8 characters) is compressed data in base64
    or hex."""
    hex_match = _HEX_RE.fullmatch(start)
    if hex_match is not None:
        return compressed(bytes.fromhex(hex_match.group(1)))
    raw = base64_bytes(start)
    return raw is not None and compressed(raw)


def rescan(
    scanner: Scanner,
    text: str,
    start: int,
    end: int,
    encoding: str,
    *,
    mirrored: bool = False,
    in_place: bool = False,
    places: Sequence[int] | None = None,
) -> None:
    """Scan decoded ``text`` as a text of its own; its hits land on ``start``-``end``, or,
    when ``text`` is exactly ``start``-``end`` written backwards (``mirrored``), on the
    mirror of their own span: a reversed banner's furniture, which streams out before its
    marking, then lies outside the hit like a forwards banner's. A text whose characters
    stand where ``start``-``end``'s do (``in_place``: words reversed in their places) puts
    each hit on its own span; so does one shorter than ``start``-``end`` whose characters
    start at ``places`` (from ``start``; last, its end): doubled letters read once."""
    # A decoded cell is still that deep in cells.
    inner = Scanner(scanner.engine, scanner.depth + 1, scanner.cells)
    # &nbsp; decodes to a no-break space: in a decoded text it separates like a blank
    # (hex pairs, base64 lines); the inner hits land on the outer span anyway.
    inner.read_whole(text.replace("\xa0", " "))
    for hit in inner.take_hits():
        if hit.source == "hidden":
            # What a reader sees is the encoding, never the decoded text's invisible
            # characters (random base64 read as UTF-16 is full of them); a marking they split
            # is still read, the inner views drop them, and the outer text's own are reported.
            continue
        hit_start, hit_end = (
            (start + places[hit.start], start + places[hit.end])
            if places is not None
            else (end - hit.end, end - hit.start)
            if mirrored
            else (start + hit.start, start + hit.end)
            if in_place
            else (start, end)
        )
        detail = f"{encoding}-encoded: {hit.detail}"
        decoded = hit._replace(start=hit_start, end=hit_end, detail=detail)
        scanner.hits.append(decoded)
        if encoding in _UNSEEN_ENCODINGS:
            # A document inside a string literal (an hOCR page in a JSON string, a PDF
            # content stream in escapes) or behind a binary-to-text encoding (ascii85 whose
            # '<' and '>' look like tags): the outer text's document reading sees escapes or
            # encoded bytes, not the words; the inner scanner's own reading of the decoded
            # text decided (its quiet lines), so the outer quiet lines don't overrule it.
            scanner.loud.add(decoded)


# Decodings whose text the outer document reading never sees as words: a string literal's
# escapes, and the binary-to-text encodings.
_UNSEEN_ENCODINGS = frozenset(
    {
        "json-string",
        "escape",
        "ascii85",
        "base85",
        "base32",
        "base64",
        "base64-wrapped",
        "base64url",
        "binary",
        "hex",
        "code-points",
    }
)


def _capitals(text: str) -> str:
    """``text`` in capitals, character for character (ß stays ß). A line written upside
    down is read so: turned small letters are how generators write every letter, so their
    case says nothing, and the cells of the line count only markings in capitals."""
    upper = text.upper()
    if len(upper) == len(text):
        return upper
    return "".join(ch if len(ch.upper()) != 1 else ch.upper() for ch in text)


def _decode_token(token: str, *, cut: bool = False) -> tuple[str, str] | None:
    """("base64" or "hex", decoded text) when the token decodes to readable text; with
    ``cut`` (a window of a longer run), the pieces of characters at its ends are dropped."""
    hex_match = _HEX_RE.fullmatch(token)
    if hex_match is not None:
        text = _readable(bytes.fromhex(hex_match.group(1)), cut)
        if text is not None and len(text) >= 3:
            return "hex", text
    raw = base64_bytes(token)
    text = None if raw is None else _readable(raw, cut)
    if text is not None and (len(text) >= 3 or len(token) < 8):
        return "base64", text
    if not cut and len(token) > 8:
        # A character of the alphabet glued before the run shifts its quanta: a diff's
        # "+" (``+U0VDUkVU``), a letter or digit of a prefix. The run without it.
        raw = base64_bytes(token[1:])
        text = None if raw is None else _readable(raw, cut)
        if text is not None and len(text) >= 3:
            return "base64", text
    return None


def _readable(raw: bytes, cut: bool) -> str | None:
    """``decode_text_bytes``, and for bytes cut out of a longer run, without the pieces of
    UTF-8 characters at either end."""
    text = decode_text_bytes(raw)
    if text is not None or not cut:
        return text
    start = 0
    while start < min(3, len(raw)) and raw[start] & 0xC0 == 0x80:
        start += 1
    end = len(raw)
    for back in range(1, min(4, end - start) + 1):
        byte = raw[end - back]
        if byte & 0xC0 == 0x80:
            continue
        if byte >= 0xC0 and back < (2 if byte < 0xE0 else 3 if byte < 0xF0 else 4):
            end -= back  # a character's lead byte without all of its continuation
        break
    return decode_text_bytes(raw[start:end])


_WORD_RUN_RE = lazy_compile(r"[^\W_]+")
_BIDI_CONTROLS = lazy_compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _reversed_trigger(words: tuple[str, ...], text: str, partial: bool = False) -> bool:
    """Whether ``text`` holds a right-to-left override or a reversed marking word (with
    ``partial``, or ends with the start of one: the line may still grow into it)."""
    if not words:
        return False
    if "\u202e" in text:
        return True
    lower = text.lower()
    if any(word in lower for word in _shortest(words)):
        return True
    if partial:
        tail = lower[-max(map(len, words)) :]
        return _ends_with_a_start(tail, _prefixes(words))
    return False


def reversed_trigger_lines(
    words: tuple[str, ...], text: str, raw: bytes | None = None
) -> list[tuple[int, int]]:
    """The lines of ``text`` (start, end without the new line), in order, for which
    ``_reversed_trigger(words, line)`` holds: exactly those, found without lowering the
    text or looking at each line. ``raw``: ``one_byte(text)`` when the caller has it.

    The words are searched in a lower-cased one-byte copy (``bytes.translate``): every
    Latin-1 character lowers to one Latin-1 character, byte for byte, and every other
    character becomes a byte (0x81) that no word holds, so a Latin-1 word is in
    ``line.lower()`` exactly when it is in the copy's line, unless the text holds one of the
    few characters above Latin-1 that lower into it (``_LOWER_INTO_LATIN1``): then, or when
    a word is not Latin-1, each line is lowered as before.
    """
    if not words:
        return []
    shortest = _shortest(words)
    encoded = _latin1_words(shortest)
    if encoded is None or any(ch in text for ch in _LOWER_INTO_LATIN1):
        return _reversed_trigger_lines_plain(words, text)
    lowered = (one_byte(text) if raw is None else raw).translate(_LATIN1_LOWER)
    starts: set[int] = set()
    for word in encoded:
        at = lowered.find(word)
        while at >= 0:
            starts.add(lowered.rfind(b"\n", 0, at) + 1)
            line_end = lowered.find(b"\n", at)
            at = -1 if line_end < 0 else lowered.find(word, line_end)
    at = text.find("\u202e")  # a right-to-left override: above Latin-1, found in the text
    while at >= 0:
        starts.add(text.rfind("\n", 0, at) + 1)
        line_end = text.find("\n", at)
        at = -1 if line_end < 0 else text.find("\u202e", line_end)
    lines: list[tuple[int, int]] = []
    for start in sorted(starts):
        end = text.find("\n", start)
        lines.append((start, len(text) if end < 0 else end))
    return lines


def _reversed_trigger_lines_plain(words: tuple[str, ...], text: str) -> list[tuple[int, int]]:
    """``reversed_trigger_lines`` line by line: the plain loop (and the slow path)."""
    lines: list[tuple[int, int]] = []
    if not _reversed_trigger(words, text):
        return lines
    at = 0
    for line in text.split("\n"):
        if _reversed_trigger(words, line):
            lines.append((at, at + len(line)))
        at += len(line) + 1
    return lines


# The characters above Latin-1 whose lower case holds a Latin-1 character (İ, Ÿ, ẞ, the
# Kelvin and Ångström signs); a test recomputes the list for the running Python.
_LOWER_INTO_LATIN1 = "\u0130\u0178\u1e9e\u212a\u212b"
# Each Latin-1 byte to its lower case (one Latin-1 character for every one of them).
_LATIN1_LOWER = bytes(ord(chr(code).lower()) for code in range(256))


@cache
def _latin1_words(words: tuple[str, ...]) -> tuple[bytes, ...] | None:
    """``words`` in Latin-1, or None when one is not Latin-1 (or holds the byte that
    ``one_byte`` puts for other characters)."""
    try:
        encoded = tuple(word.encode("latin-1") for word in words)
    except UnicodeEncodeError:
        return None
    return None if any(b"\x81" in word for word in encoded) else encoded


@cache
def _shortest(words: tuple[str, ...]) -> tuple[str, ...]:
    """The words that hold no other word: a text holds one of ``words`` exactly when it
    holds one of these (fewer scans of each region)."""
    return tuple(w for w in words if not any(o != w and o in w for o in words))


@cache
def _prefixes(words: tuple[str, ...]) -> frozenset[str]:
    """Every non-empty start of every word (a set: one lookup per suffix, not a scan of
    every word per suffix at every streamed token)."""
    return frozenset(word[:n] for word in words for n in range(1, len(word) + 1))


def _ends_with_a_start(text: str, prefixes: frozenset[str]) -> bool:
    """Whether a non-empty end of ``text`` is the start of a word (``_prefixes``)."""
    return any(text[cut:] in prefixes for cut in range(len(text)))


class DecodeState(ScanState):
    """Where the unit stands in the original text, and what it knows of the unfinished line.

    Everything here is found once, from the text that arrived since the last look, so a
    streamed token costs the unit its own length, not the length of its line.
    """

    __slots__ = (
        "art",
        "calls",
        "ciphers",
        "complete_to",
        "composed",
        "fillers",
        "form",
        "line_start",
        "looked",
        "pane",
        "reversed_at",
        "reversed_found",
        "reversed_looked",
        "rewritten_at",
        "rewritten_chain",
        "rewritten_found",
        "rewritten_looked",
        "rotated_at",
        "rotated_found",
        "rotated_looked",
        "settled",
        "symbols",
        "windowed",
        "word",
    )

    def __init__(self) -> None:
        super().__init__()
        self.line_start = 0  # the original offset of the first line not decoded yet
        self.looked = 0  # the text before this offset has been searched for new lines
        self.complete_to = 0  # just after the last new line seen (0: none yet)
        # The line start and end of complete lines of the last scan that left them waiting
        # (a wrapped block that may go on): the same text scans the same way.
        self.settled: tuple[int, int] | None = None
        # The unfinished line's reversed-word look: its start, how far, and the answer.
        self.reversed_at = -1
        self.reversed_looked = 0
        self.reversed_found = False
        self.rotated_at = -1  # the line whose unfinished text holds a turned letter, if any
        self.rotated_found = False
        self.rotated_looked = 0
        self.word = _WordWatch(-1)
        # The unfinished line's look for shifted or phonetically spelled words: its start,
        # how far, where the first was found, where the phonetic words at its end begin.
        self.rewritten_at = -1
        self.rewritten_looked = 0
        self.rewritten_found: int | None = None
        self.rewritten_chain: int | None = None
        self.windowed = False  # the line being read is longer than MAX_LINE (windows)
        # The unfinished line's look for a shift over another spelling (``ComposedShifts``)
        # and for a tracked change's opener (``_panes``).
        self.composed = _LineLook()
        self.pane = _LineLook()
        self.symbols = _LineLook()  # a word in symbol leetspeak (``_symbols``)
        self.ciphers = _LineLook()  # a word in Atbash, ROT47 or a keyboard shift
        self.calls = _LineLook()  # a literal that a call on it may transform (``_calls``)
        self.fillers = _LineLook()  # a word doubled or filled (``_doubled``)
        self.art = _LineLook()  # a line of a banner drawn in ASCII art (``_figlet``)
        self.form = _LineLook()  # a line form (``_line_forms``)


_SYMBOL_REACH = 84  # a word in symbol leetspeak's longest, and a character before it
_FORM_REACH = 256  # a line form's head (``_line_forms``), and a garbled word's reach back


class _LineLook:
    """One reader's look at the unfinished line (``DecodeUnit.release``): the line it is
    for, how far its text has been searched, and where its first hit starts (final: the
    reader holds the line from there to its end)."""

    __slots__ = ("at", "found", "looked")

    def __init__(self) -> None:
        self.at = -1
        self.looked = 0
        self.found: int | None = None


class _WordWatch:
    """Where, in one unfinished line, an encoded run could already have begun
    (``partial_start``), kept up to date from the new text only.

    Complete words (a blank after them) are searched once, and their answer is final. The
    last, unfinished word is held from its start while it is ASCII and shorter than
    ``_WORD_HELD`` (a URL that becomes percent-encoded later: its findings land on the
    whole word), and past that as soon as anything in it could start or be a run (never
    later than ``partial_start``; earlier only within that word): its first characters are
    searched once, the rest as they arrive.
    """

    __slots__ = ("clear", "found", "head", "line", "looked", "scanned", "start")

    def __init__(self, line: int) -> None:
        self.line = line  # the line's start (original offset)
        self.clear = line  # complete words before this offset hold no run start
        self.found: int | None = None  # the first run start in a complete word (final)
        self.start = line  # the unfinished word's start
        self.looked = line  # searched for blanks up to here
        self.head: bool | None = None  # the unfinished word's first characters: a start?
        self.scanned = line  # the unfinished word searched for run characters up to here


_WORD_HEAD = 20  # more than the start-of-word alternatives of ``partial_start`` read (16)
_WORD_HELD = 4096  # an unfinished ASCII word this long is held whole (a URL, a query)
_BLANKS = lazy_compile(r"\s+")
# What makes a word a possible run start (``partial_start``) wherever it is: a character
# that starts an encoding somewhere in the word (a quote: a string that may hold escaped
# new lines; U+ or a U at its end: a code point list; +: UTF-7), or seven base32 characters
# in a row.
# Any symbol of raw ascii85/base85 too (``RAW85_SYMBOL``): the word may be one.
_WORD_RUN = lazy_compile(
    r'%|&|\\|<~|0[xX]|[_=-]|"|[A-Z2-7]{7}|[Uu](?:\+|\Z)|\+|[!#$()*;<>?@\[\]^`{|}~]'
)


def _unfinished_run(word: str) -> bool:
    """Whether an unfinished word could already be, or start, an encoded run."""
    return partial_start(word) is not None or RAW85_SYMBOL.search(word) is not None


def _first(*starts: int | None) -> int | None:
    found = [start for start in starts if start is not None]
    return min(found) if found else None


_EVIDENCE_REACH = 16  # characters of evidence for a shift over another spelling, at most
_WORD_REACH = 512  # a word's length back, at most (a longer word: the line's start)


def _touches_changed(changed: list[bool], hit: Hit) -> bool:
    """Whether ``hit`` touches a character that an evaluated call wrote (``_calls``)."""
    return any(changed[hit.start : hit.end])


class DecodeUnit(Unit[DecodeState]):
    """Percent-encoding, HTML entities, escapes, separated hex, base32, ascii85, URL-safe
    and line-wrapped base64: each complete line with a trigger is decoded and its
    decodings scanned again; findings land on the encoded stretch of the line.

    A line longer than ``MAX_LINE`` is read in overlapping windows (``line_windows``), each
    as a line of its own, streamed or whole alike: memory stays bounded.
    """

    view: ViewName = "text"
    state_class = DecodeState

    def _look(self, scanner: Scanner, state: DecodeState) -> None:
        """Find the last new line in the text that arrived since the last look."""
        end = scanner.orig_end
        start = max(state.looked, state.line_start)
        if start < end:
            base = scanner.orig_base
            found = scanner.orig.rfind("\n", start - base, end - base)
            if found >= 0:
                state.complete_to = base + found + 1
        state.looked = end

    def scan(self, scanner: Scanner, state: DecodeState, final: bool) -> None:
        # The unit reads the original text (``orig_needed``), never its view: a resume
        # position left at 0 kept the whole text view and the original in memory.
        state.resume = scanner.text.end
        if scanner.depth >= MAX_DEPTH:
            if final:  # a decoded text is read whole: its blocks are all there
                text = scanner.orig_slice(state.line_start, scanner.orig_end)
                if any(packed_block(text[start:end]) for start, end in mime_blocks(text)):
                    # compressed text wrapped over lines past the nesting bound: not read, it
                    # blocks (as a one-line run does: ``EncodedUnit``)
                    _budget.refuse()
                state.line_start = scanner.orig_end
            return
        self._look(scanner, state)
        if final:
            done_at = scanner.orig_end
        elif state.complete_to > state.line_start:
            done_at = state.complete_to
            if state.settled == (state.line_start, done_at):
                return  # the same complete lines, still waiting for what follows them
        else:
            self._windows(scanner, state)
            return
        origin = state.line_start
        text = scanner.orig_slice(origin, done_at)
        done = len(text)
        if not final:
            # Base64 lines at the end may be the start of a wrapped block: wait for it.
            tail = mime_tail(text)
            if tail is not None:
                done = text.rfind("\n", 0, tail) + 1
            # So may a run of encoded words at the end go on over a fold.
            folded = encoded_words_tail(text[:done])
            if folded is not None:
                done = folded
            # A rot13 portion mark whose paragraph is the next line: wait for that line.
            waiting = self.engine.rot13_portions.waiting(text[:done])
            if waiting is not None:
                done = waiting
            # A uuencoded block is read whole: wait for its end line.
            uu_open = uu_open_start(text[:done])
            if uu_open is not None:
                done = text.rfind("\n", 0, uu_open) + 1
            # So are a dump tool's rows (od -x, hexdump -C, xxd -b…): wait for the last.
            dump_open = dump_open_start(text[:done])
            if dump_open is not None:
                done = dump_open
            # Lines a backslash joins, or cues in capitals, that the next line may go on.
            waiting = self.engine.forms.waiting(text[:done])
            if waiting is not None:
                done = waiting
            # Lines that may be a banner drawn in ASCII art: wait for its last line.
            drawing = art_open_start(text[:done])
            if drawing is not None:
                done = drawing
        if done > 0:
            region = text[:done]
            raw = one_byte(region)  # one copy for the trigger and the block searches
            lines = trigger_lines(region, raw=raw)
            # A wrapped block whose first line follows other text ("Decode this: RWlu…")
            # and whose last line is short triggers no line of its own: look for blocks too.
            blocks = mime_blocks(region, raw=raw)
            if lines or blocks:
                held = self._decode_region(scanner, region, origin, final, lines, blocks, raw)
                if held is not None:
                    done = held
            self._raw85(scanner, region[:done], origin)
            self._binary_blocks(scanner, region[:done], origin, raw[:done])
            self._reversed_lines(scanner, region[:done], origin, raw[:done])
            self._rotated_lines(scanner, region[:done], origin, raw[:done])
            self._cipher_lines(scanner, region[:done], origin, raw[:done], state.windowed)
            self._called_lines(scanner, region[:done], origin, raw[:done], state.windowed)
            self._filler_lines(scanner, region[:done], origin, raw[:done], state.windowed)
            self._banners(scanner, region[:done], origin)
            self._rewritten_lines(scanner, region[:done], origin, raw[:done], state.windowed)
            state.windowed = False
            state.line_start = origin + done
        state.settled = None if final else (state.line_start, done_at)

    def _windows(self, scanner: Scanner, state: DecodeState) -> None:
        """An unfinished line longer than ``MAX_LINE``: read its windows that are complete
        (``line_windows``: the whole line, once it ends, is cut at the same places)."""
        while scanner.orig_end - state.line_start > MAX_LINE:
            origin = state.line_start
            window = scanner.orig_slice(origin, origin + MAX_LINE)
            raw = one_byte(window)
            lines = trigger_lines(window, raw=raw)
            if lines:
                self._decode_region(scanner, window, origin, False, lines, [], raw)
            self._reversed_lines(scanner, window, origin, raw)
            self._rotated_lines(scanner, window, origin, raw)
            state.windowed = True
            state.line_start = origin + MAX_LINE - LINE_OVERLAP

    def _decode_region(
        self,
        scanner: Scanner,
        region: str,
        origin: int,
        final: bool,
        lines: list[tuple[int, int]],
        blocks: list[tuple[int, int]],
        raw: bytes,
    ) -> int | None:
        """Decode every triggered line (``lines``) and wrapped block (``blocks``) of
        ``region`` (``raw``: its ``one_byte`` copy); the offset of a wrapped block that
        may still continue (None when the region is done): what precedes it is decoded."""
        held = None
        if not final and blocks and blocks[-1][1] >= len(region.rstrip("\n")):
            held = blocks.pop()[0]  # the block may go on in the next chunk
            region = region[:held]
            lines = trigger_lines(region, raw=raw[:held])
        for start, end in blocks:
            for candidate in decode_block(region[start:end]):
                at = origin + start
                rescan(
                    scanner,
                    candidate.text,
                    at + candidate.start,
                    at + candidate.end,
                    candidate.encoding,
                )
        for line_start, line_end in lines:
            line = region[line_start:line_end]
            windows = line_windows(len(line))
            for window_start, window_end in windows:
                piece = line[window_start:window_end]
                if len(windows) > 1 and TRIGGER_RE.search(piece) is None:
                    continue  # each window of a long line is a line of its own
                for candidate in decode_line_candidates(piece):
                    at = origin + line_start + window_start
                    rescan(
                        scanner,
                        candidate.text,
                        at + candidate.start,
                        at + candidate.end,
                        candidate.encoding,
                    )
        if lines and "=?" in region:
            for candidate in folded_encoded_words(region):
                start, end = origin + candidate.start, origin + candidate.end
                rescan(scanner, candidate.text, start, end, candidate.encoding)
        return held

    def _raw85(self, scanner: Scanner, region: str, origin: int) -> None:
        """Raw ascii85/base85 words (no delimiter: ``raw85_candidates``)."""
        if scanner.depth >= MAX_DEPTH:
            return
        for candidate in raw85_candidates(region):
            start, end = origin + candidate.start, origin + candidate.end
            rescan(scanner, candidate.text, start, end, candidate.encoding)

    def _binary_blocks(self, scanner: Scanner, region: str, origin: int, raw: bytes) -> None:
        """uuencoded blocks (``begin 644 name`` … ``end``), each read decoded as a text of
        its own (``uu_candidates``); their lines trigger no line decoding. Runs of a dump
        tool's rows, joined (``dump_candidates``). ``raw``: ``one_byte(region)``."""
        if scanner.depth >= MAX_DEPTH:
            return
        for candidate in dump_candidates(region, raw):
            start, end = origin + candidate.start, origin + candidate.end
            rescan(scanner, candidate.text, start, end, candidate.encoding)
        if "begin" not in region:
            return
        for candidate in uu_candidates(region):
            start, end = origin + candidate.start, origin + candidate.end
            rescan(scanner, candidate.text, start, end, candidate.encoding)

    def _cipher_lines(
        self, scanner: Scanner, region: str, origin: int, raw: bytes, continued: bool
    ) -> None:
        """Lines that deciphered (Atbash, ROT47, a keyboard shift: ``_ciphers``) hold a
        marking word: each is read deciphered as a text of its own, every character in its
        place. Lines longer than ``MAX_LINE`` are not (``continued``: the region's first
        line is the end of one), as the shifted lines are not. ``raw``:
        ``one_byte(region)``."""
        ciphers = self.engine.ciphers
        if scanner.depth >= MAX_DEPTH or ciphers.word_re is None:
            return
        for start, end, deciphered, name in ciphers.lines(region, raw):
            if end - start > MAX_LINE or (continued and start == 0):
                continue
            at = origin + start
            rescan(scanner, deciphered, at, origin + end, name, in_place=True)

    def _called_lines(
        self, scanner: Scanner, region: str, origin: int, raw: bytes, continued: bool
    ) -> None:
        """Lines that put a literal through a string-transforming call (``_calls``:
        ``"nato secret".upper()``, ``"NxAxTxO".replace("x", "")``, ``${b^^}``): each is read
        with its calls evaluated in their places, as a text of its own; a finding counts
        where it touches a value written, on the call's literal. Only a value that holds a
        marking's or a keyword's word is read so. Lines longer than ``MAX_LINE`` are not
        (``continued``: the region's first line is the end of one). ``raw``:
        ``one_byte(region)``."""
        if scanner.depth >= MAX_DEPTH:
            return
        spots = call_sniffed(raw.lower())
        if not spots:
            return
        # a shell variable's settings above the first line (``orig_needed`` keeps them)
        low = max(scanner.orig_base, origin - CALL_REACH)
        text = scanner.orig_slice(low, origin) + region
        shift = origin - low
        words = self.engine.call_values
        done = -1  # the last line read
        for spot in spots:
            if spot <= done:
                continue
            start = region.rfind("\n", 0, spot) + 1
            end = region.find("\n", spot)
            end = len(region) if end < 0 else end
            done = end
            if end - start > MAX_LINE or (continued and start == 0):
                continue
            line = evaluated_calls(text, start + shift, end + shift)
            if line is None or not any(call_holds_words(words, value) for value in line.values):
                continue
            written = [at for at, changed in enumerate(line.changed) if changed]
            if not written:
                continue  # the values are empty (``echo x | tr -d x``)
            first, last = line.offsets[written[0]], line.offsets[written[-1]]
            # every finding lands on the values' literals, from the first to the last
            offsets = [low + min(max(offset, first), last) for offset in line.offsets]
            read_as_shown(
                scanner,
                line.text,
                offsets,
                "a string-transforming call, evaluated",
                keep=partial(_touches_changed, line.changed),
            )

    def _filler_lines(
        self, scanner: Scanner, region: str, origin: int, raw: bytes, continued: bool
    ) -> None:
        """Lines with a word whose letters are doubled, or alternate with a filler letter,
        that read once (or without the filler) hold a marking word (``_doubled``): each is
        read so as a text of its own, every character of the reading on the characters it
        was read from. Lines longer than ``MAX_LINE`` are not, as ciphered lines are not
        (``continued``: the region's first line is the end of one). ``raw``:
        ``one_byte(region)``."""
        fillers = self.engine.fillers
        if scanner.depth >= MAX_DEPTH or fillers.word_re is None:
            return
        for start, end, reading, places in fillers.lines(region, raw):
            if end - start > MAX_LINE or (continued and start == 0):
                continue
            rescan(scanner, reading, origin + start, origin + end, "doubled", places=places)

    @staticmethod
    def _banners(scanner: Scanner, region: str, origin: int) -> None:
        """Banners drawn in ASCII art (FIGlet's fonts, ``banner``'s ``#``: ``_figlet``):
        the text each draws is read as a line of its own, its hits on the whole drawing."""
        if scanner.depth >= MAX_DEPTH:
            return
        for banner in read_banners(region):
            start, end = origin + banner.start, origin + banner.end
            rescan(scanner, banner.text, start, end, "ascii-art")
            # blocks drawn one under the other may be two lines (a marking, then a host's
            # name): a block in capitals is read alone too (a wrapped phrase in prose case,
            # ``Top Secret`` / ``Santa Party``, is one line)
            if len(banner.blocks) > 1:
                for block in banner.blocks:
                    if block.upper() == block:
                        rescan(scanner, block, start, end, "ascii-art")

    def _reversed_lines(self, scanner: Scanner, region: str, origin: int, raw: bytes) -> None:
        """Lines written backwards (mirror text, or stored reversed behind a right-to-left
        override) that hold a reversed marking word: each is read forwards as a text of
        its own, so that its banner's markup, caveats and furniture read as they should
        (a line longer than ``MAX_LINE``, window by window). ``raw``: ``one_byte(region)``."""
        words = self.engine.reversed_words
        for start, end in reversed_trigger_lines(words, region, raw):
            line = region[start:end]
            for window_start, window_end in line_windows(len(line)):
                piece = line[window_start:window_end]
                if len(piece) < len(line) and not _reversed_trigger(words, piece):
                    continue
                plain = _BIDI_CONTROLS.sub("", piece)
                forwards = plain[::-1]
                # Offsets mirror back exactly only where no control character was taken out.
                mirrored = len(plain) == len(piece)
                at = origin + start + window_start
                rescan(scanner, forwards, at, at + len(piece), "reversed", mirrored=mirrored)
                # each word written backwards in its place (OTAN TERCES: NATO SECRET)
                in_place = _WORD_RUN_RE.sub(lambda word: word.group()[::-1], plain)
                if mirrored and " " in in_place.strip() and in_place != plain:
                    rescan(scanner, in_place, at, at + len(piece), "reversed", in_place=True)

    def _rotated_lines(self, scanner: Scanner, region: str, origin: int, raw: bytes) -> None:
        """Lines written upside down (``ʇǝɹɔǝs``, ``ꓕƎꓤƆƎS``), with ``MIN_TURNED`` turned
        letters or more: each is read rotated (reversed, turned letters read as their
        letters) as a text of its own; its hits lie on the mirror of their span.
        ``raw``: ``one_byte(region)``, where every turned letter (none is Latin-1) is 0x81:
        only lines that hold such a byte are searched."""
        counts: dict[int, int] = {}
        turned = turned_re()
        at = raw.find(b"\x81")
        while at >= 0:
            line_start = region.rfind("\n", 0, at) + 1
            line_end = region.find("\n", at)
            line_end = len(region) if line_end < 0 else line_end
            found = len(turned.findall(region, at, line_end))
            if found:
                counts[line_start] = found
            at = raw.find(b"\x81", line_end)
        for start, count in counts.items():
            if count < MIN_TURNED:
                continue
            end = region.find("\n", start)
            line = region[start : len(region) if end < 0 else end]
            for window_start, window_end in line_windows(len(line)):
                piece = line[window_start:window_end]
                if len(piece) < len(line) and len(turned_re().findall(piece)) < MIN_TURNED:
                    continue
                at = origin + start + window_start
                text = _capitals(rotated(piece))
                rescan(scanner, text, at, at + len(piece), "rotated", mirrored=True)

    def _rewritten_lines(
        self, scanner: Scanner, region: str, origin: int, raw: bytes, continued: bool
    ) -> None:
        """Lines that hold a Caesar-shifted marking word in capitals (``VHFUHW``) or a run
        of phonetic words (``Sierra Echo Charlie…``): each is read rewritten back as a
        text of its own; its hits lie from the first such word to the line's end. Lines
        longer than ``MAX_LINE`` are not read so (``continued``: the region's first line
        is the end of one)."""
        engine = self.engine
        shifted = engine.shifted.lines(region, raw)
        plain_ends = {line_end for _, line_end, _ in shifted}
        # A shift over another spelling (look-alikes, leetspeak, spaced letters…): a line
        # the plain reading found is not read again.
        composed = [hit for hit in engine.composed.lines(region, raw) if hit[1] not in plain_ends]
        for encoding, found in (
            ("Caesar-shifted", shifted),
            ("Caesar-shifted", composed),
            ("phonetic-spelled", engine.spelled.lines(region, raw)),
            ("rot13", engine.rot13_portions.lines(region)),
            # a tracked change's text, read as a line of its own
            ("reviewing-pane", panes(region, raw)),
            ("symbol-leetspeak", engine.symbols.lines(region)),
            # a marking before a colon, mojibake, subtitles, a shell's joined lines
            ("line-form", engine.forms.lines(region)),
        ):
            for at, line_end, rewritten in found:
                line_start = region.rfind("\n", 0, at) + 1
                if line_end - line_start > MAX_LINE or (continued and line_start == 0):
                    continue
                rescan(scanner, rewritten, origin + at, origin + line_end, encoding)

    def _rewritten_start(self, scanner: Scanner, state: DecodeState) -> int | None:
        """Where the unfinished line may hold a shifted or spelled word (``_rewritten_lines``
        reads it when it ends), found from its new text: the first complete one (held to
        the line's end), else capitals or phonetic words at its end that may grow into one."""
        line, end = state.line_start, scanner.orig_end
        if end - line > MAX_LINE or state.windowed:
            return None  # a long line is not read rewritten
        if state.rewritten_at != line:
            state.rewritten_at, state.rewritten_looked = line, line
            state.rewritten_found = state.rewritten_chain = None
        if state.rewritten_found is not None:
            return state.rewritten_found
        engine = self.engine
        # A word's length back (and one character before it: is it a word's start?).
        since = max(line, state.rewritten_looked - engine.shifted.longest - 1)
        text = scanner.orig_slice(since, end)
        shifted = engine.shifted.first(text, one_byte(text), 1 if since > line else 0)
        if shifted is not None:
            state.rewritten_found = since + shifted[0]
            return state.rewritten_found
        chain = state.rewritten_chain
        # A run continues the phonetic words at the end of the last look, or is all new.
        if chain is not None or end - state.rewritten_looked >= SHORTEST_RUN:
            search_from = max(line, state.rewritten_looked - 12) if chain is None else chain
            base = scanner.orig_base
            run = engine.spelled.run_start(scanner.orig, search_from - base, end - base)
            if run is not None:
                state.rewritten_found = base + run
                return state.rewritten_found
        tail_start = max(line, end - 4096)
        tail = scanner.orig_slice(tail_start, end)
        chain = engine.spelled.partial(tail)
        state.rewritten_chain = None if chain is None else tail_start + chain
        state.rewritten_looked = end
        capitals = engine.shifted.partial_start(tail)
        starts = [tail_start + at for at in (capitals, chain) if at is not None]
        return min(starts, default=None)

    def _composed_start(self, scanner: Scanner, state: DecodeState) -> int | None:
        """Where a shift over another spelling may start in the unfinished line: the word
        of its first evidence (held to the line's end, as ``ComposedShifts.lines`` puts
        its hits there), else the stretch at its end that may still grow into evidence."""
        composed = self.engine.composed
        if not composed.by_pair:
            return None
        line = state.line_start

        def word(low: int, at: int | None) -> int | None:
            # a word longer than the reach is held from the line's start (the whole text
            # reads it so)
            if at is None:
                return None
            return line if at == 0 and low > line else low + at

        def first(since: int, end: int) -> int | None:
            low = max(line, since - _WORD_REACH)  # the evidence's word may start before
            text = scanner.orig_slice(low, end)
            return word(low, composed.first_evidence(text, one_byte(text), since - low))

        def growing(end: int) -> int | None:
            low = max(line, end - _WORD_REACH)
            return word(low, composed.open_stretch(scanner.orig_slice(low, end)))

        return self._held_start(scanner, state, state.composed, _EVIDENCE_REACH, first, growing)

    def _pane_start(self, scanner: Scanner, state: DecodeState) -> int | None:
        """Where a tracked change may open in the unfinished line (``_panes``): its first
        opener (held to the line's end), else a bracket at its end that may still open
        one."""
        line = state.line_start

        def first(since: int, end: int) -> int | None:
            found = first_opener(one_byte(scanner.orig_slice(since, end)))
            return None if found is None else since + found

        def growing(end: int) -> int | None:
            tail = max(line, end - OPENER_REACH)
            bracket = open_opener(scanner.orig_slice(tail, end))
            return None if bracket is None else tail + bracket

        return self._held_start(scanner, state, state.pane, OPENER_REACH, first, growing)

    def _symbols_start(self, scanner: Scanner, state: DecodeState) -> int | None:
        """Where a word in symbol leetspeak may start in the unfinished line (``_symbols``):
        the first (held to the line's end), else the word at its end that may grow into
        one."""
        symbols = self.engine.symbols
        line = state.line_start

        def first(since: int, end: int) -> int | None:
            low = max(line, since - _SYMBOL_REACH)  # the word may start before
            found = symbols.first(scanner.orig_slice(low, end), since - low)
            return None if found is None else low + found

        def growing(end: int) -> int | None:
            low = max(line, end - _SYMBOL_REACH)
            found = symbols.open_stretch(scanner.orig_slice(low, end))
            return None if found is None else low + found

        return self._held_start(scanner, state, state.symbols, _SYMBOL_REACH, first, growing)

    def _cipher_start(self, scanner: Scanner, state: DecodeState) -> int | None:
        """Once the unfinished line holds a word that a cipher turns into a marking word
        (``_ciphers``), or ends with one's start, the line is held from its start: it is
        read deciphered whole when it ends."""
        ciphers = self.engine.ciphers
        line = state.line_start

        def first(since: int, end: int) -> int | None:
            low = max(line, since - 1)  # is the word's first letter a word's start?
            found = ciphers.first(scanner.orig_slice(low, end), since - low)
            return None if found is None else line

        def growing(end: int) -> int | None:
            tail = scanner.orig_slice(max(line, end - ciphers.longest - 1), end)
            return line if ciphers.open_word(tail) else None

        return self._held_start(scanner, state, state.ciphers, ciphers.longest, first, growing)

    def _call_start(self, scanner: Scanner, state: DecodeState) -> int | None:
        """Where the unfinished line's first literal, ``echo`` or ``${`` starts (``_calls``):
        a call after it may yet transform it, and its finding lands on it."""

        def first(since: int, end: int) -> int | None:
            found = CALL_START_RE.search(scanner.orig_slice(since, end))
            return None if found is None else since + found.start()

        return self._held_start(scanner, state, state.calls, 5, first, lambda end: None)

    def _filler_start(self, scanner: Scanner, state: DecodeState) -> int | None:
        """Once the unfinished line holds a word that may be a doubled or filled marking
        word (``_doubled``), or ends with letters that may grow into one, the line is held
        from its start: it is read whole when it ends."""
        fillers = self.engine.fillers
        line = state.line_start

        def first(since: int, end: int) -> int | None:
            found = fillers.first(scanner.orig_slice(since, end))
            return None if found is None else line

        def growing(end: int) -> int | None:
            tail = scanner.orig_slice(max(line, end - fillers.longest), end)
            return line if fillers.open_word(tail) else None

        return self._held_start(scanner, state, state.fillers, fillers.longest, first, growing)

    @staticmethod
    def _art_start(scanner: Scanner, state: DecodeState) -> int | None:
        """While the unfinished line may be a line of a banner drawn in ASCII art (two
        letters side by side end that), it is held from its start: the banner is read
        once its last line is complete, its hits on all its lines."""
        line, end = state.line_start, scanner.orig_end
        look = state.art
        if look.at != line:
            look.at, look.looked, look.found = line, line, line
        if look.found is not None and end > look.looked:
            since = max(line, look.looked - 1)  # a letter pair cut by the last look
            if not art_prefix(scanner.orig_slice(since, end), end - line):
                look.found = None
            look.looked = end
        return look.found

    @staticmethod
    def _form_start(scanner: Scanner, state: DecodeState) -> int | None:
        """Where a line form (``_line_forms``) may land in the unfinished line: its head
        (a marking before a colon, a subtitle's tags), read again from the line's first
        ``_FORM_REACH`` characters each time; past them, a garbled word or a file name's
        ``=`` in its new text, once found the answer for the rest of the line."""
        line, end = state.line_start, scanner.orig_end
        if end - line > MAX_LINE or state.windowed:
            return None
        look = state.form
        if look.at != line:
            look.at, look.looked, look.found = line, line + _FORM_REACH, None
        head_end = min(end, line + _FORM_REACH)
        held = LineForms.hold_from(scanner.orig_slice(line, head_end))
        if held is not None:
            return line + held
        if look.found is None and end > look.looked:
            since = look.looked - 8  # a garbled pair or a name's '=' cut by the last look
            found = LineForms.lasting(scanner.orig_slice(since, end))
            look.looked = end
            if found is not None:
                words = scanner.orig_slice(line, since + found)
                look.found = line + max(words.rfind(" "), words.rfind("\t")) + 1
        return look.found

    @staticmethod
    def _held_start(
        scanner: Scanner,
        state: DecodeState,
        look: _LineLook,
        reach: int,
        first: Callable[[int, int], int | None],
        growing: Callable[[int], int | None],
    ) -> int | None:
        """Where a reader may start in the unfinished line: the first hit ``first(since,
        end)`` finds in its new text (and ``reach`` before it: a hit the last look cut),
        once found the answer for the rest of the line; else ``growing(end)``, the stretch
        at its end that may still grow into one. A long line is not read rewritten."""
        line, end = state.line_start, scanner.orig_end
        if end - line > MAX_LINE or state.windowed:
            return None
        if look.at != line:
            look.at, look.looked, look.found = line, line, None
        if look.found is None:
            since = max(line, look.looked - reach)
            look.looked = end
            look.found = first(since, end)
            if look.found is None:
                return growing(end)
        return look.found

    def _rotated_line(self, scanner: Scanner, state: DecodeState) -> bool:
        """Once the unfinished line holds a turned letter, it is held to its end (it may be
        upside-down writing, read whole)."""
        line, end = state.line_start, scanner.orig_end
        if state.rotated_at != line:
            state.rotated_at, state.rotated_looked, state.rotated_found = line, line, False
        if state.rotated_found:
            return True
        since = scanner.orig_slice(max(line, state.rotated_looked), end)
        state.rotated_looked = end
        if not since.isascii() and turned_re().search(since) is not None:
            state.rotated_found = True
        return state.rotated_found

    def release(self, scanner: Scanner, state: DecodeState) -> int:
        """Text before the first possible encoded run of the unfinished line is safe."""
        if scanner.depth >= MAX_DEPTH:
            return scanner.orig_end
        self._look(scanner, state)
        if state.complete_to > state.line_start:
            # Complete lines not decoded yet: base64 lines that a wrapped block may go on
            # from (the next scan decodes them).
            return state.line_start
        line, end = state.line_start, scanner.orig_end
        if dump_row_begins(scanner.orig_slice(line, min(end, line + DUMP_HEAD_LENGTH))):
            return line  # a dump's first row: its run is read from the row's start
        if self._reversed_line(scanner, state):
            return state.line_start  # a reversed line is read whole
        if self._rotated_line(scanner, state):
            return state.line_start  # so is a line that may be upside down
        start = self._partial_start(scanner, state)
        for rewritten in (
            self._rewritten_start(scanner, state),
            self._composed_start(scanner, state),
            self._pane_start(scanner, state),
            self._symbols_start(scanner, state),
            self._cipher_start(scanner, state),
            self._call_start(scanner, state),
            self._filler_start(scanner, state),
            self._form_start(scanner, state),
            self._art_start(scanner, state),
        ):
            if rewritten is not None:
                start = rewritten if start is None else min(start, rewritten)
        return scanner.orig_end if start is None else start

    def _reversed_line(self, scanner: Scanner, state: DecodeState) -> bool:
        """``_reversed_trigger`` of the unfinished line (``partial``), from its new text:
        once it holds a reversed word or an override, the line is held to its end."""
        words = self.engine.reversed_words
        if not words:
            return False
        line, end = state.line_start, scanner.orig_end
        if state.reversed_at != line:
            state.reversed_at, state.reversed_looked, state.reversed_found = line, line, False
        if state.reversed_found:
            return True
        longest = max(map(len, words))
        # One word's length back: a word cut by the last look is found whole.
        since = scanner.orig_slice(max(line, state.reversed_looked - longest + 1), end)
        state.reversed_looked = end
        if _reversed_trigger(words, since):
            state.reversed_found = True
            return True
        tail = scanner.orig_slice(max(line, end - longest), end).lower()
        return _ends_with_a_start(tail, _prefixes(words))

    def _partial_start(self, scanner: Scanner, state: DecodeState) -> int | None:
        """``partial_start`` of the unfinished line, or an earlier position (never a later
        one): its original offset, None when nothing there could be encoded."""
        line, end = state.line_start, scanner.orig_end
        watch = state.word
        if watch.line != line:
            watch = state.word = _WordWatch(line)
        if watch.found is not None:
            return watch.found
        base, orig = scanner.orig_base, scanner.orig
        last_blank = None
        for blank in _BLANKS.finditer(orig, watch.looked - base, end - base):
            last_blank = blank
        watch.looked = end
        if last_blank is not None and base + last_blank.end() > watch.start:
            # The unfinished word was completed (and maybe more words): search them once,
            # from a word start or the line's start (a slice reads both as a start).
            complete = base + last_blank.end()
            words = scanner.orig_slice(watch.clear, complete)
            found = _first(partial_start(words), raw85_start(words))
            if found is not None:
                watch.found = watch.clear + found
                return watch.found
            watch.clear = watch.start = watch.scanned = complete
            watch.head = None
        start = watch.start
        if start >= end:
            return None
        if end - start <= _WORD_HELD and scanner.orig_slice(start, end).isascii():
            # Any such word may still become a run (``https:`` then ``//…?q=GEHEIM%0A``),
            # and a run's findings land on the whole word: held from its start.
            return start
        if end - start <= _WORD_HEAD:
            # Short: the whole pattern, exactly (a hex pair at the end may still grow).
            word = scanner.orig_slice(start, end)
            return start if _unfinished_run(word) else None
        if watch.head is None:
            watch.head = _unfinished_run(scanner.orig_slice(start, start + _WORD_HEAD))
        if not watch.head:
            since = max(start, watch.scanned - 6)  # a run of seven cut by the last look
            watch.head = _WORD_RUN.search(orig, since - base, end - base) is not None
            watch.scanned = end
        return start if watch.head else None

    def orig_needed(self, state: DecodeState) -> int | None:
        # and a shell variable's settings above, which a ``${b^^}`` may use (``_calls``)
        return max(0, state.line_start - CALL_REACH)


class DocumentRunState(ScanState):
    """An open run's progress (``policy._document_runs.RunState``)."""

    __slots__ = ("runs",)

    def __init__(self) -> None:
        super().__init__()
        self.runs = document_runs.RunState()


class DocumentRunUnit(Unit[DocumentRunState]):
    """Whole documents written in base64 in the text, opened and read when their run
    ends, the stream holding the run till then (``policy._document_runs``)."""

    view: ViewName = "text"
    state_class = DocumentRunState

    def scan(self, scanner: Scanner, state: DocumentRunState, final: bool) -> None:
        state.resume = scanner.text.end  # the unit reads the original text
        if scanner.depth >= MAX_DEPTH:
            since = max(0, state.runs.looked - 8 - scanner.orig_base)
            if BASE64_DOCUMENT_RE.search(scanner.orig, since) is not None:
                _budget.refuse()  # a document past the nesting bound: not read, it blocks
            state.runs.looked, state.runs.run_start = scanner.orig_end, -1
            return

        def read(run: str, start: int, end: int) -> bool | None:
            data = document_bytes(run)
            if data is None:
                return False
            text = document_runs.document_text(data)
            if text:
                rescan(scanner, text, start, end, "base64")
            return text is not None or None

        def unread(start: int, end: int) -> None:
            # damaged, refused (a bomb, past the bounds), encrypted: it may hold anything
            scanner.hits.append(
                Hit(
                    "limit",
                    "unreadable-document",
                    "unreadable-document",
                    scanner.engine.lowest,
                    start,
                    end,
                    "a document written in base64 that does not open is not read",
                )
            )

        document_runs.scan_runs(scanner, state.runs, final, read, unread)

    def release(self, scanner: Scanner, state: DocumentRunState) -> int:
        return document_runs.hold_from(scanner, state.runs)

    def orig_needed(self, state: DocumentRunState) -> int | None:
        return document_runs.needed_from(state.runs)


# --- the compiled policy ------------------------------------------------------------------


class GuardedPattern:
    """A large pattern behind a small one: the same matches as the large pattern, which is
    compiled only the first time the guard matches (most texts never need it).

    ``guard`` must match at every position where the large pattern's matches start,
    except those that ``otherwise`` (a branch of the large pattern, tried after the
    guarded ones) matches exactly as the large pattern would where the guard does not.
    Every position is a candidate of one or the other; the large pattern decides the rest.
    """

    def __init__(
        self,
        build: Callable[[], re.Pattern[str]],
        guard: re.Pattern[str] | GuardedPattern,
        otherwise: re.Pattern[str] | ScreenedPattern | None = None,
    ) -> None:
        self._build = build
        self._full: re.Pattern[str] | None = None
        self.guard = guard
        self.otherwise = otherwise
        # The last search of the guard and of ``otherwise``: (text, from, match).
        _Memo = tuple[str, int, re.Match[str] | None] | None
        self._memo: tuple[_Memo, _Memo] = (None, None)

    @property
    def compiled(self) -> bool:
        """Whether the large pattern has been needed (and compiled) yet."""
        return self._full is not None

    def full(self) -> re.Pattern[str]:
        """The large pattern, compiled on first use (two threads may both compile it: the
        result is the same)."""
        full = self._full
        if full is None:
            full = self._full = self._build()
        return full

    def match(self, text: str, at: int) -> re.Match[str] | None:
        """``full().match(text, at)``, compiling it only when the guard matches at ``at``."""
        if self.guard.match(text, at) is not None:
            return self.full().match(text, at)
        return None if self.otherwise is None else self.otherwise.match(text, at)

    def search(self, text: str, at: int) -> re.Match[str] | None:
        """``full().search(text, at)``. Once the large pattern is compiled it searches
        alone: its own search tries each new line once, where the guarded search tries the
        guard there, then the large pattern again at each candidate, from Python (the
        context pattern over the bench document: 0.11 against 0.19 s per 4 MiB)."""
        full = self._full
        if full is not None:
            return full.search(text, at)
        return self.search_guarded(text, at)

    def search_guarded(self, text: str, at: int) -> re.Match[str] | None:
        """``full().search(text, at)`` through the guard: the first candidate from ``at``
        where the large pattern matches (compiled only when a candidate needs it)."""
        while True:
            guarded = self._next(0, self.guard, text, at)
            other = None if self.otherwise is None else self._next(1, self.otherwise, text, at)
            if guarded is None:
                return other
            if other is not None and other.start() < guarded.start():
                return other  # no guarded branch can start there: the other one decides
            match = self.full().match(text, guarded.start())
            if match is not None:
                return match
            at = guarded.start() + 1  # nothing at all starts there

    def _next(
        self,
        which: int,
        pattern: re.Pattern[str] | GuardedPattern | ScreenedPattern,
        text: str,
        at: int,
    ) -> re.Match[str] | None:
        """``pattern.search(text, at)``, reusing the last answer for the same text while
        it still holds: a scan asks again from each match, and the next match of the one
        pattern may lie far past the other's (searching again each time is quadratic)."""
        memo = self._memo[which]
        if memo is not None and memo[0] is text and memo[1] <= at:
            found = memo[2]
            if found is None or found.start() >= at:
                return found
        found = pattern.search(text, at)
        memos = list(self._memo)
        memos[which] = (text, at, found)
        self._memo = (memos[0], memos[1])
        return found


class ScreenedPattern:
    """A pattern compiled the first time a small screen finds where it could match: the
    same answers as the pattern (most short texts never need it compiled).

    ``screen`` must match (``search``) somewhere in every match of the pattern, lookaheads
    included, before the end of the line the match starts on (its new line included): the
    pattern reads nothing past it. Where the screen finds nothing from a position, neither
    would the pattern. Compiled, the pattern answers alone. ``match`` (a stream's release
    check, asked at every token on the unfinished line) compiles it at once: screening
    that line again at every token would cost more than compiling once.
    """

    def __init__(self, build: Callable[[], re.Pattern[str]], screen: re.Pattern[str]) -> None:
        self._build = build
        self._full: re.Pattern[str] | None = None
        self.screen = screen

    @property
    def compiled(self) -> bool:
        """Whether the pattern has been needed (and compiled) yet."""
        return self._full is not None

    def full(self) -> re.Pattern[str]:
        """The pattern, compiled on first use (two threads may both compile it: the result
        is the same)."""
        full = self._full
        if full is None:
            full = self._full = self._build()
        return full

    def match(self, text: str, at: int = 0) -> re.Match[str] | None:
        """``full().match(text, at)`` (compiled now if it was not)."""
        return self.full().match(text, at)

    def search(self, text: str, at: int = 0) -> re.Match[str] | None:
        """``full().search(text, at)``, compiling it only when the screen finds something
        from ``at`` on."""
        full = self._full
        if full is None:
            if self.screen.search(text, at) is None:
                return None
            full = self.full()
        return full.search(text, at)


class CompiledPolicy:
    """A policy's detection machinery: compiled once per policy, shared by every scan."""

    def __init__(
        self,
        lowest: str,
        markings: tuple[MarkingSpec, ...],
        context_re: GuardedPattern,
        context_reach: int,
        label_keys: list[str],
        detectors: tuple[DetectorSpec, ...],
        keyword_units: list[KeywordUnit],
        *,
        variants: dict[str, MarkingSpec] | None = None,
        multiline_re: GuardedPattern | None = None,
        multiline_reach: int = 1,
        field_labels: list[str] | None = None,
        subject_keys: list[str] | None = None,
        rot13_keys: frozenset[str] = frozenset(),
    ) -> None:
        self.lowest = lowest
        self.subject_keys = frozenset(subject_keys or ())
        self.context_re = context_re
        self.context_reach = context_reach
        self.marking_by_key = {squeeze_key(m): m for m in markings if not m.portion}
        for key, variant_of in (variants or {}).items():
            self.marking_by_key.setdefault(key, variant_of)
        self.portion_by_key = {squeeze_key(m): m for m in markings if m.portion}
        self.sorted_marking_keys = sorted(self.marking_by_key)
        self.marking_key_set = frozenset(self.marking_by_key)
        self.longest_key = max(map(len, self.marking_key_set), default=1)
        self.shortest_key = min(map(len, self.marking_key_set), default=1)
        self.label_keys = sorted(label_keys)
        self.labels_by_start: dict[str, list[str]] = {}  # by their first two letters
        for label in self.label_keys:
            self.labels_by_start.setdefault(label[:2], []).append(label)
        self._splits: dict[str, tuple[tuple[int, int, str], ...]] = {}
        self._turned: set[str] = set()
        self.rot13_keys = rot13_keys
        # ``_could_be_marked`` looks at most at three labels and a marking, and one letter
        # past the longest of them (to see that it is no prefix).
        longest_label = max(map(len, self.label_keys), default=0)
        self.squeezed_window = 3 * longest_label + max(longest_label, self.longest_key) + 1
        # The enumerations' unit first: it has read a line before any marking on it is taken.
        self.units: list[Unit[Any]] = [EnumUnit(self), ContextUnit(self), *keyword_units]
        self.multiline_re = multiline_re
        self.multiline_reach = multiline_reach
        if multiline_re is not None:
            self.units.append(MultiLineUnit(self, multiline_re))
        field = FieldUnit(self, field_labels) if field_labels else None
        if field is not None:
            self.units.append(field)
        self.units.append(ListUnit(self, field))
        self.units.append(SpelledDownUnit(self))
        self.units.append(CellUnit(self))
        self.units.append(FoldUnit(self))
        self.units.append(JoinedUnit(self))
        self.units.append(PiecesUnit(self))
        self.units.append(PageTextUnit(self))
        # Reversed marking words (five letters or more: "terces", "laitnedifnoc") that make
        # a line worth reading backwards.
        # A marking of short words (VS-NfD) is its own reversed word ("dfn-sv").
        self.reversed_words = tuple(
            sorted(
                {
                    word[::-1]
                    for spec in markings
                    if not spec.portion
                    for word in _WORD_RE.findall(spec.text.lower())
                    if len(word) >= 5
                }
                | {
                    spec.text.lower()[::-1]
                    for spec in markings
                    if not spec.portion
                    and sum(ch.isalpha() for ch in spec.text) >= 5
                    and all(len(w) < 5 for w in _WORD_RE.findall(spec.text))
                }
                # a detector's keywords (codewords) are read backwards as markings are
                | {
                    word[::-1]
                    for spec in detectors
                    for keyword in spec.keywords
                    for word in _WORD_RE.findall(keyword.lower())
                    if len(word) >= 5
                }
                # phonetic words written backwards (OHCE-OGNAT): the few that every
                # marking's spelling holds one of (``SpelledWords.anchors``)
                | {
                    anchor.decode()[::-1]
                    for anchor in SpelledWords(
                        spec.text for spec in markings if not spec.portion
                    ).anchors
                }
            )
        )
        for spec in detectors:
            if spec.pattern is not None:
                self.units.append(RegexUnit(spec, re.compile(spec.pattern)))
        above = [spec for spec in markings if not spec.portion and spec.level != lowest]
        self.shifted = ShiftedWords(
            word for spec in above for word in _WORD_RE.findall(spec.text.upper())
        )
        self.composed = ComposedShifts(
            (word for spec in above for word in _WORD_RE.findall(spec.text.upper())),
            (spec.text for spec in above),
        )
        self.spelled = SpelledWords(spec.text for spec in above)
        self.ciphers = CipherWords(word for spec in above for word in _WORD_RE.findall(spec.text))
        # portion marks too: ``classification: "CTS/RTS"`` reads one
        self.call_values = call_value_re(
            [spec.text for spec in markings if spec.level != lowest]
            + [keyword for spec in detectors for keyword in spec.keywords]
        )
        # A detector's keywords (codewords) are read deciphered, or with their doubled
        # letters or filler taken out, as marking words are.
        worded = [word for spec in above for word in _WORD_RE.findall(spec.text)] + [
            word
            for spec in detectors
            for keyword in spec.keywords
            for word in _WORD_RE.findall(keyword)
        ]
        self.ciphers = CipherWords(worded)
        self.fillers = FillerWords(worded)
        self.forms = LineForms(word for spec in above for word in _WORD_RE.findall(spec.text))
        self.units.append(DocumentTextUnit(self))
        self.symbols = SymbolLeet(
            (squeeze_key(spec) for spec in above), lambda word: marking_squeeze(skeleton(word))
        )
        self.rot13_portions = Rot13Portions(
            (key for key, spec in self.portion_by_key.items() if spec.level != lowest),
            lambda letters: squeeze(skeleton(letters)),
        )
        self.units.append(EncodedUnit(self))
        self.units.append(DecodeUnit(self))
        self.units.append(DocumentRunUnit(self))
        # The units whose hits can be markings (keywords and patterns are detectors).
        self.marking_units = [
            unit for unit in self.units if not isinstance(unit, KeywordUnit | RegexUnit)
        ]

    # The lead patterns are the same for every policy and a few kilobytes each: they are
    # compiled when a line first needs its lead read (a text without a marking context
    # never does), once per process; after that, each is an attribute like any other.

    @cached_property
    def lead_re(self) -> re.Pattern[str]:
        return _lead_patterns()[0]

    @cached_property
    def lead_readings(self) -> tuple[re.Pattern[str], ...]:
        return _lead_patterns()[1]

    @cached_property
    def lead_words_re(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        return _lead_patterns()[2]

    @cached_property
    def lead_width(self) -> int:
        """Past it, what precedes the marking is settled."""
        return _lead_width()

    def split_markings(self, body: str) -> tuple[tuple[int, int, str], ...]:
        """``patterns.split_markings`` of a banner body, remembered: bodies repeat (every
        page of a document carries the same banner), and splitting one is slow."""
        parts = self._splits.get(body)
        if parts is None:
            if len(self._splits) >= 4096:
                self._splits.clear()  # bounded; a few thousand distinct banners at most
                self._turned.clear()
            keys, longest = self.marking_key_set, self.longest_key
            parts = tuple(split_markings(body, keys, longest))
            if not parts:
                # A rot13 spelling with look-alikes or leetspeak mixes rot13 and plain letters.
                parts = tuple(split_markings(body, keys, longest, rot13=True))
                self._turned.add(body)
            elif all(key in self.rot13_keys for _, _, key in parts):
                self._turned.add(body)
            self._splits[body] = parts
        return parts

    def read_item(self, text: str) -> MarkingSpec | None:
        """The marking that a list item or a pair's value (original text) is, markup
        comments aside: the markings it consists of, of one level, none written as prose
        (``"SECRET"``, ``TOP_SECRET``, ``S|E|C|R|E|T``; not ``Secret``); None otherwise."""
        if "<!--" in text:
            text = _COMMENT_RE.sub("", text)
        view = skeleton(text)
        marking = self.marking_by_key.get(marking_squeeze(view))
        if marking is None and (squeeze_is_unsure(view) or not _ADJACENT_RE.search(view)):
            parts = self.split_markings(view) if len(view) <= _MAX_CELL else ()
            found = [self.marking_by_key[key] for _, _, key in parts]
            if len({spec.level for spec in found}) == 1:
                marking = found[0]
        if marking is None or _in_prose_case(_as_printed(text.replace("_", " "), marking.text)):
            return None
        if _camel_name(marking.text, text.strip()):
            return None  # TopSecret: a name in code, the words of a title glued
        return marking

    def camel_name(self, word: str) -> bool:
        """Whether ``word`` (original text) is a marking written as one identifier
        (``TopSecret``, ``Secret``; see ``_camel_name``)."""
        marking = self.marking_by_key.get(marking_squeeze(skeleton(word)))
        return marking is not None and _camel_name(marking.text, word)

    def turned(self, body: str) -> bool:
        """Whether a banner body (split before) is written in rot13."""
        return body in self._turned

    def could_start_context(self, line: str) -> bool:
        """Could this unfinished line (skeleton view) still turn out to carry a marking?

        Conservative: True unless the line's start already rules out every marking
        context. It only shortens what the streaming gate holds back.
        """
        return self.line_outlook(line) is LineOutlook.OPEN

    def line_outlook(self, line: str, complete: bool = False) -> LineOutlook:
        """``could_start_context``, and whether a "no" is final: ``_OPEN`` (it could),
        ``_NOT_YET`` (it cannot, but more text could change the answer), ``_RULED_OUT``
        (it cannot, whatever follows).

        "No" is final once the leading decoration can no longer grow (the line is longer
        than the most it can take) and the squeezed start of the rest is fixed: a squeezed
        text that is no marking's, label's or label-then-marking's prefix and holds no
        whole marking stays so when letters are appended.

        A ``complete`` line (a cell) is open only when (labels, then) a whole marking
        follows its lead: nothing more will come to finish one.
        """
        if len(line) > self.context_reach:
            return LineOutlook.RULED_OUT
        lead = self.lead_re.match(line)
        end = lead.end() if lead else 0
        outlook = self._outlook_after(line, end, complete)
        if outlook is not LineOutlook.OPEN and _ALNUM_RE.search(line, 0, end) is not None:
            # The lead took letters or digits (a list letter, a page number) that another
            # reading leaves to the marking: S. E. C. R. E. T, Page 3 S. E. C. R. E. T.
            # Open if any reading is; ruled out only if every reading is.
            for reading in self.lead_readings:
                other = reading.match(line)
                if other is None or other.end() == end:
                    continue
                found = self._outlook_after(line, other.end(), complete)
                if found is LineOutlook.OPEN:
                    return found
                if found is LineOutlook.NOT_YET:
                    outlook = found
        if outlook is not LineOutlook.OPEN:
            for at in self.word_lead_ends(line, end):
                found = self._outlook_after(line, at, complete)
                if found is LineOutlook.OPEN:
                    return found
                if found is LineOutlook.NOT_YET:
                    outlook = found
        return outlook

    def word_lead_ends(self, line: str, end: int) -> list[int]:
        """Where a lead with markup words (``!!! danger "``, ``h1.``) may end on ``line``,
        besides ``end`` (the plain lead's): the end of the longest, and every word start
        inside it (a banner line reads the fewest tokens first, so a word it took may be
        the marking's own: ``h1. SE.CR.ET``). Two greedy readings (symbols first, words
        first) stand for the longest, as neither is always longer."""
        longest = end
        ends: set[int] = set()
        for regex in self.lead_words_re:
            lead = regex.match(line)
            if lead is not None and lead.end() > end:
                ends.add(lead.end())
                longest = max(longest, lead.end())
        if not ends:
            return []
        ends.update(at.start() for at in _WORD_START_RE.finditer(line, end, longest))
        return sorted(ends)

    def _outlook_after(self, line: str, lead_end: int, complete: bool) -> LineOutlook:
        """``line_outlook`` of a line whose lead ends at ``lead_end``."""
        rest = line[lead_end:].lstrip()
        if complete:  # a whole marking, or nothing more to come
            if squeeze_is_unsure(rest):
                return LineOutlook.OPEN
            squeezed = marking_squeeze(rest)[: self.squeezed_window]
            if self.could_hold_marking(squeezed, labels_left=3):
                return LineOutlook.OPEN
            return LineOutlook.RULED_OUT
        if rest[:1] in ("(", "[", "<"):
            return LineOutlook.OPEN  # a portion mark, a list letter, a tag may be forming
        if _OUTLINE_FORMING_RE.match(rest) is not None:
            return LineOutlook.OPEN  # a section's number before a portion mark (### 3.1 (S))
        if squeeze_is_unsure(rest):
            return LineOutlook.OPEN
        squeezed = marking_squeeze(rest)[: self.squeezed_window]
        if self.could_be_marked(squeezed, labels_left=3):
            return LineOutlook.OPEN
        if squeezed and len(line) > self.lead_width:
            return LineOutlook.RULED_OUT
        return LineOutlook.NOT_YET

    def could_continue(self, squeezed: str, labels_left: int, repeats_left: int = 16) -> bool:
        """Could a text whose squeezed start is ``squeezed`` still grow into labels and
        markings (a marking repeated up to 16 times)? Prefixes only: unlike
        ``could_be_marked``, a whole marking followed by something else is not enough."""
        if not squeezed or _prefix_of_any(self.sorted_marking_keys, squeezed):
            return True
        if labels_left and _prefix_of_any(self.label_keys, squeezed):
            return True
        keys = self.marking_key_set
        if repeats_left > 1 and any(
            squeezed[:n] in keys and self.could_continue(squeezed[n:], 0, repeats_left - 1)
            for n in range(1, min(len(squeezed), self.longest_key) + 1)
        ):
            return True
        return labels_left > 0 and any(
            squeezed.startswith(label)
            and self.could_continue(squeezed[len(label) :], labels_left - 1, repeats_left)
            for label in self.label_keys
        )

    def starts_longer(self, squeezed: str) -> bool:
        """Whether ``squeezed`` is the start of a marking's key longer than itself."""
        keys = self.sorted_marking_keys
        at = bisect_left(keys, squeezed)
        while at < len(keys) and keys[at].startswith(squeezed):
            if len(keys[at]) > len(squeezed):
                return True
            at += 1
        return False

    def could_hold_marking(self, squeezed: str, labels_left: int) -> bool:
        """Whether a complete text whose squeezed start is ``squeezed`` starts with (labels,
        then) a whole marking."""
        keys = self.marking_key_set
        longest = min(len(squeezed), self.longest_key)
        if any(squeezed[:n] in keys for n in range(self.shortest_key, longest + 1)):
            return True
        if labels_left:
            for label in self.labels_by_start.get(squeezed[:2], ()):
                if squeezed.startswith(label) and self.could_hold_marking(
                    squeezed[len(label) :], labels_left - 1
                ):
                    return True
        return False

    def could_be_marked(self, squeezed: str, labels_left: int) -> bool:
        """Could a text whose squeezed start is ``squeezed`` still be (labels, then) a
        marking? Conservative: prefixes and whole markings both count."""
        if not squeezed or _prefix_of_any(self.label_keys, squeezed):
            return True
        if _prefix_of_any(self.sorted_marking_keys, squeezed):
            return True
        keys = self.marking_key_set
        if any(squeezed[:n] in keys for n in range(1, min(len(squeezed), self.longest_key) + 1)):
            return True
        if labels_left:
            for label in self.label_keys:
                if squeezed.startswith(label) and self.could_be_marked(
                    squeezed[len(label) :], labels_left - 1
                ):
                    return True
        return False


@cache
def _lead_patterns() -> tuple[
    re.Pattern[str], tuple[re.Pattern[str], ...], tuple[re.Pattern[str], re.Pattern[str]]
]:
    """``LEAD``, the ``LEAD_READINGS`` and (``LEAD_WORDS``, ``LEAD_WORDS_FIRST``), compiled."""
    return (
        re.compile(LEAD),
        tuple(re.compile(lead) for lead in LEAD_READINGS),
        (re.compile(LEAD_WORDS), re.compile(LEAD_WORDS_FIRST)),
    )


@cache
def _lead_width() -> int:
    from milai.policy.regexcheck import max_width

    return max(max_width(LEAD), max_width(LEAD_WORDS), max_width(LEAD_WORDS_FIRST))


def _prefix_of_any(sorted_keys: list[str], prefix: str) -> bool:
    at = bisect_left(sorted_keys, prefix)
    return at < len(sorted_keys) and sorted_keys[at].startswith(prefix)


def squeeze_key(spec: MarkingSpec) -> str:
    from milai.policy.normalise import skeleton

    return marking_squeeze(skeleton(spec.text))
