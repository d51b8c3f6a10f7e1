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

import base64
import binascii
import re
from bisect import bisect_left
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, NamedTuple, cast

from milai.policy.normalise import OffsetMap, Special, normalise
from milai.policy.patterns import (
    KEYWORD_END,
    LEAD,
    _squeeze_table,
    keyword_alternatives,
    split_markings,
    squeeze,
)
from milai.policy.regexcheck import first_chars
from milai.policy.validators import VALIDATORS

if TYPE_CHECKING:
    from milai.policy.regexcheck import RegexFacts
    from milai.policy.schema import DetectorSpec, MarkingSpec

MAX_DEPTH = 2  # base64 inside base64 inside text, no deeper
_TRIM_SLACK = 1 << 16
_MARGIN = 64  # view characters kept before the earliest open position (lookbehinds)


class Hit(NamedTuple):
    """A raw detection, before the policy's rules say what it means."""

    source: str  # "marking", "detector" or "hidden"
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

    def __init__(self, engine: Engine, depth: int = 0) -> None:
        self.engine = engine
        self.depth = depth
        # Every view starts with a virtual new line (a space in the class view) so that
        # the first line is a line like the others; it maps to no original character.
        self.skel = View("\n", OffsetMap(-1))
        self.text = View("\n", OffsetMap(-1))
        self.cls = View(" ", OffsetMap(-1))
        self.orig = ""
        self.orig_base = 0
        self.orig_end = 0
        self.resume = [0] * len(engine.units)
        self.state: list[object] = [unit.initial_state() for unit in engine.units]
        self.hits: list[Hit] = []
        self.hidden_run: tuple[int, int] | None = None  # may still grow with the next chunk
        self.closed = False
        # The caller's claim on the original text (a releaser keeps what it has not
        # released yet); None when only the scanner itself needs it.
        self.keep_orig_from: int | None = None

    def view(self, name: str) -> View:
        return self.skel if name == "skel" else self.text if name == "text" else self.cls

    def feed(self, chunk: str) -> None:
        """Add text; finds whatever has become final."""
        if self.closed:
            raise RuntimeError("scanner already closed")
        if not chunk:
            return
        views = normalise(chunk)
        at = self.orig_end
        self.skel.append(views.skel, views.skel_specials, at)
        self.text.append(views.text, views.text_specials, at)
        self.cls.append(views.cls, [], at)
        self.orig += chunk
        self.orig_end += len(chunk)
        for start, end in views.hidden:
            start, end = at + start, at + end
            if self.hidden_run is not None and self.hidden_run[1] == start:
                start = self.hidden_run[0]  # a run cut by the chunking is still one run
            elif self.hidden_run is not None:
                self._emit_hidden()
            self.hidden_run = (start, end)
        if self.hidden_run is not None and self.hidden_run[1] < self.orig_end:
            self._emit_hidden()  # something visible follows: the run is complete
        self._scan(final=False)
        self._trim()

    def _emit_hidden(self) -> None:
        run = self.hidden_run
        if run is None:
            return
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
        self.skel.buf += "\n"
        self.text.buf += "\n"
        self.cls.buf += " "
        self._emit_hidden()
        self._scan(final=True)
        self.closed = True

    def _scan(self, final: bool) -> None:
        for index, unit in enumerate(self.engine.units):
            unit.scan(self, index, final)

    def release_point(self) -> int:
        """Original offset before which no future hit can start."""
        if self.closed:
            return self.orig_end
        point = self.orig_end if self.hidden_run is None else self.hidden_run[0]
        for index, unit in enumerate(self.engine.units):
            view = self.view(unit.view)
            earliest = unit.earliest(self, index)
            if earliest < view.end:
                point = min(point, max(0, view.map.to_orig(earliest)))
        return point

    def take_hits(self) -> list[Hit]:
        hits, self.hits = self.hits, []
        return hits

    def orig_slice(self, start: int, end: int) -> str:
        return self.orig[start - self.orig_base : end - self.orig_base]

    def _trim(self) -> None:
        keep: dict[str, int] = {}
        for index, unit in enumerate(self.engine.units):
            position = max(0, self.resume[index] - _MARGIN)
            keep[unit.view] = min(keep.get(unit.view, position), position)
        orig_keep = self.orig_end if self.keep_orig_from is None else self.keep_orig_from
        for name, position in keep.items():
            view = self.view(name)
            view.trim(position)
            orig_keep = min(orig_keep, max(0, view.map.to_orig(view.base)))
        if orig_keep - self.orig_base > _TRIM_SLACK:
            self.orig = self.orig[orig_keep - self.orig_base :]
            self.orig_base = orig_keep


# --- units -------------------------------------------------------------------------------


class Unit:
    """One regular expression over one view, with what makes its answers final."""

    view = "skel"
    reach = 1

    def initial_state(self) -> object:
        return None

    def bound(self, view: View, final: bool) -> int:
        """Positions before the returned one are final."""
        raise NotImplementedError

    def scan(self, scanner: Scanner, index: int, final: bool) -> None:
        raise NotImplementedError

    def earliest(self, scanner: Scanner, index: int) -> int:
        """The earliest view position where a future match could still start."""
        return scanner.resume[index]


def _line_bound(view: View, reach: int, final: bool) -> int:
    """For units whose matches never cross a new line: the last line stays open."""
    if final:
        return view.end + 1
    return max(view.end - reach + 1, view.base + view.buf.rfind("\n") + 1)


class ContextUnit(Unit):
    """Markings in marking contexts: banner/header lines, bracketed tags, portion marks."""

    view = "skel"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.regex = engine.context_re
        self.reach = engine.context_reach

    def initial_state(self) -> object:
        return _ListState()

    def scan(self, scanner: Scanner, index: int, final: bool) -> None:
        view = scanner.skel
        buf, base = view.buf, view.base
        # An attempt starts at a new line and examines at most that line plus the next
        # new line, so every attempt but the one at the last new line is final.
        bound = view.end + 1 if final else max(view.end - self.reach + 1, base + buf.rfind("\n"))
        position = scanner.resume[index]
        while position < bound:
            match = self.regex.search(buf, position - base)
            if match is None or base + match.start() >= bound:
                break
            self._on_match(scanner, index, match, base)
            position = base + match.end()
        scanner.resume[index] = max(position, bound)

    def _on_match(self, scanner: Scanner, index: int, match: re.Match[str], base: int) -> None:
        engine = self.engine
        state = cast(_ListState, scanner.state[index])
        line_at = base + match.start()
        if match.group("body") is not None:
            context = "bracketed tag" if match.group("open") else "banner line"
            body_start = match.start("body")
            body = match.group("body")
            for part_start, part_end in split_markings(
                body, engine.marking_key_set, engine.longest_key
            ):
                marking = engine.marking_by_key[squeeze(body[part_start:part_end])]
                start, end = scanner.skel.map.span(
                    base + body_start + part_start, base + body_start + part_end
                )
                scanner.hits.append(_marking_hit(marking, start, end, context))
            return
        letters = match.group("pmark")
        start, end = scanner.skel.map.span(base + match.start("pmark"), base + match.end("pmark"))
        original = scanner.orig_slice(start, end)
        spec = engine.portion_by_key.get(squeeze(letters))
        single = len(letters) == 1 and letters.isalpha()
        if single:
            # "(A) … (B) … (C)": a list, not portion marks. Remember the last list letter.
            previous = state.letter if line_at - state.at < 5000 else None
            state.letter, state.at = letters, line_at
            if spec is not None and previous == chr(ord(letters) - 1):
                return
        if spec is None or any(ch.islower() for ch in original):
            return  # (a), (b): list items; portion marks are written in capitals
        if letters == "c" and match.group("copyright") is not None:
            return  # (C) 2024: a copyright notice
        scanner.hits.append(_marking_hit(spec, start, end, "portion mark"))

    def earliest(self, scanner: Scanner, index: int) -> int:
        view = scanner.skel
        buf, base = view.buf, view.base
        position = scanner.resume[index]
        found = buf.find("\n", position - base)
        if found < 0:
            return view.end
        if self.regex.match(buf, found):
            return base + found
        state = cast(_ListState, scanner.state[index])
        if state.ruled_out == base + found:
            return view.end  # this line's start already ruled out every marking context
        engine = self.engine
        if len(buf) - found - 1 > engine.context_reach:
            return view.end
        outlook = engine.line_outlook(buf[found + 1 :])
        if outlook is _RULED_OUT:
            state.ruled_out = base + found
        return base + found if outlook is _OPEN else view.end


class _ListState:
    """The last single-letter item in brackets at a line start, and where it was."""

    __slots__ = ("at", "letter", "ruled_out")

    def __init__(self) -> None:
        self.letter: str | None = None
        self.at = -(10**9)
        # The new line (view position) whose line can no longer carry a marking,
        # whatever text follows; the gate's release point skips it without re-checking.
        self.ruled_out = -1


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


class KeywordUnit(Unit):
    """A detector's keywords (codewords) anywhere in the text, as whole words."""

    view = "skel"

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
        self.first_res = [
            re.compile("(?:" + "|".join(alternatives) + ")" + KEYWORD_END)
            for alternatives in groups.values()
        ]

    def scan(self, scanner: Scanner, index: int, final: bool) -> None:
        view = scanner.skel
        buf, base = view.buf, view.base
        bound = _line_bound(view, self.reach, final)
        position = scanner.resume[index]
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
            if match is None:  # cannot happen: the first-character patterns are exact
                position = base + at + 1
                continue
            if at > 0 and (buf[at - 1].isalnum()):
                position = base + at + 1  # inside a word ("porcelain" holds "orca")
                continue
            keyword = self.keys.get(squeeze(match.group()), match.group())
            start, end = view.map.span(base + at, base + match.end())
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
        scanner.resume[index] = max(position, bound)

    def initial_state(self) -> object:
        return _KeywordState()

    def earliest(self, scanner: Scanner, index: int) -> int:
        """The first candidate start from the unit's resume position that the text so far
        does not rule out.

        A ruled-out start stays ruled out as text arrives (more text never turns a
        squeezed prefix back into a keyword's prefix), so each call looks only at the
        starts it has not ruled out yet: the work per streamed token does not grow with
        the text held back.
        """
        view = scanner.skel
        buf, base = view.buf, view.base
        position = scanner.resume[index]
        state = cast(_KeywordState, scanner.state[index])
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
            if self._could_start(buf, at):
                state.upto = base + at
                return base + at
        state.upto = view.end
        return view.end

    def _could_start(self, buf: str, at: int) -> bool:
        """Could a keyword match start at ``buf[at]``? (The text after it may grow.)"""
        # Only the first ``longest + 1`` squeezed letters matter; squeezing works letter
        # by letter, so a window's squeeze is a prefix of the rest's.
        window = 4 * self.longest + 8
        prefix = squeeze(buf[at : at + window])
        if len(prefix) <= self.longest and at + window < len(buf):
            prefix = squeeze(buf[at:])
        prefix = prefix[: self.longest + 1]
        if not prefix:
            return True
        keys = self.keys
        if any(prefix[:n] in keys for n in range(1, len(prefix) + 1)):
            return True  # a whole keyword is already there (its end is not yet final)
        return _prefix_of_any(self.sorted_keys, prefix)


class _KeywordState:
    """Candidate starts before ``upto`` (past the resume position) are ruled out."""

    __slots__ = ("upto",)

    def __init__(self) -> None:
        self.upto = 0


def _start_regex(firsts: set[str]) -> re.Pattern[str]:
    """Characters that squeeze to one of ``firsts``, where a word starts."""
    chars = set(firsts)
    for source, folded in _squeeze_table().items():
        if folded[:1] in firsts:
            chars.add(chr(source))
    if not chars:
        return re.compile("(?!)")
    members = "".join(re.escape(ch) for ch in sorted(chars))
    return re.compile(f"(?<![^\\W_])[{members}]")


class RegexUnit(Unit):
    """A detector's regular expression over the text view, confirmed by its validator."""

    view = "text"

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

    def initial_state(self) -> object:
        return _AnchorState() if self.anchor else None

    def bound(self, view: View, final: bool) -> int:
        if final:
            return view.end + 1
        buf = view.buf
        index = len(buf)
        limit = max(0, index - self.reach)
        cache = self.allowed_cache
        while index > limit:
            ch = buf[index - 1]
            ok = cache.get(ch)
            if ok is None:
                ok = cache[ch] = self.allowed(ch)
            if not ok:
                break
            index -= 1
        return max(view.end - self.reach + 1, view.base + index)

    def _emit(self, scanner: Scanner, match: re.Match[str], base: int) -> None:
        if self.validate is not None and not self.validate(match.group()):
            return
        spec = self.spec
        start, end = scanner.text.map.span(base + match.start(), base + match.end())
        detail = spec.description or spec.validator or spec.kind
        scanner.hits.append(Hit("detector", spec.id, spec.kind, spec.level, start, end, detail))

    def scan(self, scanner: Scanner, index: int, final: bool) -> None:
        view = scanner.text
        bound = self.bound(view, final)
        if self.anchor:
            self._scan_anchored(scanner, index, bound)
            return
        buf, base = view.buf, view.base
        position = scanner.resume[index]
        if self.first is not None:
            self._scan_first(scanner, index, bound)
            return
        while position < bound:
            match = self.regex.search(buf, position - base)
            if match is None or base + match.start() >= bound:
                break
            self._emit(scanner, match, base)
            position = base + max(match.end(), match.start() + 1)
        scanner.resume[index] = max(position, bound)

    def _scan_first(self, scanner: Scanner, index: int, bound: int) -> None:
        """``scan`` for a pattern whose matches start with one of ``self.first``: the
        same matches, found by trying ``match`` at each candidate in order."""
        view = scanner.text
        buf, base = view.buf, view.base
        regex = self.regex
        first = cast(str, self.first)
        never = len(buf) + 1
        nexts = [-1] * len(first)
        position = scanner.resume[index]
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
        scanner.resume[index] = max(position, bound)

    def _scan_anchored(self, scanner: Scanner, index: int, bound: int) -> None:
        """Only around occurrences of the anchor literal (every match contains it)."""
        view = scanner.text
        buf, base = view.buf, view.base
        state = cast(_AnchorState, scanner.state[index])
        anchor = cast(str, self.anchor)
        search_from = max(state.searched, view.base) - base
        while True:
            found = buf.find(anchor, search_from)
            if found < 0:
                break
            state.pending.append(base + found)
            search_from = found + 1
        state.searched = max(base, view.end - len(anchor) + 1)
        position = scanner.resume[index]
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
        scanner.resume[index] = max(position, bound)


class _AnchorState:
    """Where the anchor search got to, and anchors whose window is not final yet."""

    __slots__ = ("pending", "searched")

    def __init__(self) -> None:
        self.searched = 0
        self.pending: list[int] = []


_ENCODED_RE = re.compile(
    r" (?=[Ulp]{0,4096}[dp]|[Uldp]{0,4096}lU|[Uldp]{7,4096}e)(?P<token>[Uldp]{8,4096}e{0,2})"
)
_MARK_TABLE = bytes(0x21 if chr(b) in "dpe" else b for b in range(256))
_HEX_RE = re.compile(r"(?:0x)?((?:[0-9a-fA-F]{2}){6,})")


class EncodedUnit(Unit):
    """Base64 and hex runs: decoded, scanned again, findings placed on the run."""

    view = "cls"
    reach = 4096 + 4

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def scan(self, scanner: Scanner, index: int, final: bool) -> None:
        view = scanner.cls
        buf, base = view.buf, view.base
        if final:
            bound = view.end + 1
        else:
            # The trailing token may still grow: attempts from the space before it are open.
            tail = len(buf) - len(buf.rstrip("Uldpe"))
            bound = max(view.end - self.reach + 1, view.end - tail - 1)
        position = scanner.resume[index]
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
            token_start = buf.rfind(" ", 0, mark)
            if token_start < at - 1:
                token_start = max(at - 1, token_start)
            if token_start >= limit or token_start < 0:
                break
            token_end = buf.find(" ", mark)
            token_end = len(buf) if token_end < 0 else token_end
            # Shorter tokens (a year, a phone group, "LU28") cannot match: skip the regex.
            if token_start >= at and token_end - token_start > 8:
                match = _ENCODED_RE.match(buf, token_start)
                if match is not None and scanner.depth < MAX_DEPTH:
                    self._decode(scanner, base + match.start("token"), base + match.end("token"))
            at = token_end
            if 0 <= next_mark < at:
                found = marks.find(b"!", at - offset) if at - offset < len(marks) else -1
                next_mark = found + offset if found >= 0 else -1
            if 0 <= next_camel < at:
                next_camel = buf.find("lU", at)
        scanner.resume[index] = max(base + at, bound)

    def _decode(self, scanner: Scanner, cls_start: int, cls_end: int) -> None:
        start, end = cls_start - 1, cls_end - 1  # the class view has one virtual character
        token = scanner.orig_slice(start, end)
        decoded = _decode_token(token)
        if decoded is None:
            return
        inner = Scanner(self.engine, scanner.depth + 1)
        inner.feed(decoded[1])
        inner.close()
        for hit in inner.take_hits():
            scanner.hits.append(
                Hit(
                    hit.source,
                    hit.key,
                    hit.kind,
                    hit.level,
                    start,
                    end,
                    f"{decoded[0]}-encoded: {hit.detail}",
                )
            )


def _decode_token(token: str) -> tuple[str, str] | None:
    """("base64" or "hex", decoded text) when the token decodes to readable text."""
    hex_match = _HEX_RE.fullmatch(token)
    candidates: list[tuple[str, bytes]] = []
    if hex_match is not None:
        candidates.append(("hex", bytes.fromhex(hex_match.group(1))))
    stripped = token.rstrip("=")
    usable = len(stripped) - len(stripped) % 4
    if len(stripped) % 4 == 2 or len(stripped) % 4 == 3:
        usable = len(stripped)
    try:
        padded = stripped[:usable] + "=" * (-usable % 4)
        candidates.append(("base64", base64.b64decode(padded, validate=True)))
    except (binascii.Error, ValueError):
        pass
    for name, raw in candidates:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if len(text) >= 3 and _readable(text):
            return name, text
    return None


def _readable(text: str) -> bool:
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
    return printable >= 0.95 * len(text) and any(ch.isalpha() for ch in text)


# --- the compiled policy ------------------------------------------------------------------


class Engine:
    """A policy's detection machinery: compiled once per policy, shared by every scan."""

    def __init__(
        self,
        lowest: str,
        markings: tuple[MarkingSpec, ...],
        context_re: re.Pattern[str],
        context_reach: int,
        label_keys: list[str],
        detectors: tuple[DetectorSpec, ...],
        keyword_units: list[KeywordUnit],
    ) -> None:
        self.lowest = lowest
        self.context_re = context_re
        self.context_reach = context_reach
        self.marking_by_key = {squeeze_key(m): m for m in markings if not m.portion}
        self.portion_by_key = {squeeze_key(m): m for m in markings if m.portion}
        self.sorted_marking_keys = sorted(self.marking_by_key)
        self.marking_key_set = frozenset(self.marking_by_key)
        self.longest_key = max(map(len, self.marking_key_set), default=1)
        self.label_keys = sorted(label_keys)
        self.lead_re = re.compile(LEAD)
        self.lead_width = _lead_width()  # past it, what precedes the marking is settled
        # ``_could_be_marked`` looks at most at three labels and a marking, and one letter
        # past the longest of them (to see that it is no prefix).
        longest_label = max(map(len, self.label_keys), default=0)
        self.squeezed_window = 3 * longest_label + max(longest_label, self.longest_key) + 1
        self.units: list[Unit] = [ContextUnit(self), *keyword_units]
        for spec in detectors:
            if spec.pattern is not None:
                self.units.append(RegexUnit(spec, re.compile(spec.pattern)))
        self.units.append(EncodedUnit(self))

    def could_start_context(self, line: str) -> bool:
        """Could this unfinished line (skeleton view) still turn out to carry a marking?

        Conservative: True unless the line's start already rules out every marking
        context. It only shortens what the streaming gate holds back.
        """
        return self.line_outlook(line) is _OPEN

    def line_outlook(self, line: str) -> object:
        """``could_start_context``, and whether a "no" is final: ``_OPEN`` (it could),
        ``_NOT_YET`` (it cannot, but more text could change the answer), ``_RULED_OUT``
        (it cannot, whatever follows).

        "No" is final once the leading decoration can no longer grow (the line is longer
        than the most it can take) and the squeezed start of the rest is fixed: a squeezed
        text that is no marking's, label's or label-then-marking's prefix and holds no
        whole marking stays so when letters are appended.
        """
        if len(line) > self.context_reach:
            return _RULED_OUT
        lead = self.lead_re.match(line)
        rest = line[lead.end() if lead else 0 :].lstrip()
        if rest[:1] in ("(", "["):
            return _OPEN  # a portion mark, a list letter or a tag may still be forming
        squeezed = squeeze(rest)[: self.squeezed_window]
        if self._could_be_marked(squeezed, labels_left=3):
            return _OPEN
        return _RULED_OUT if squeezed and len(line) > self.lead_width else _NOT_YET

    def _could_be_marked(self, squeezed: str, labels_left: int) -> bool:
        if not squeezed or _prefix_of_any(self.label_keys, squeezed):
            return True
        if _prefix_of_any(self.sorted_marking_keys, squeezed):
            return True
        keys = self.marking_key_set
        if any(squeezed[:n] in keys for n in range(1, min(len(squeezed), self.longest_key) + 1)):
            return True
        if labels_left:
            for label in self.label_keys:
                if squeezed.startswith(label) and self._could_be_marked(
                    squeezed[len(label) :], labels_left - 1
                ):
                    return True
        return False


_OPEN = "open"
_NOT_YET = "not yet"
_RULED_OUT = "ruled out"


@cache
def _lead_width() -> int:
    from milai.policy.regexcheck import max_width

    return max_width(LEAD)


def _prefix_of_any(sorted_keys: list[str], prefix: str) -> bool:
    at = bisect_left(sorted_keys, prefix)
    return at < len(sorted_keys) and sorted_keys[at].startswith(prefix)


def squeeze_key(spec: MarkingSpec) -> str:
    from milai.policy.patterns import marking_key

    return marking_key(spec.text)
