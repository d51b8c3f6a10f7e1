"""Two cheap rewritings of a line that a reader undoes at a glance: a Caesar shift of a
word in capitals (``VHFUHW`` is SECRET shifted by 3) and a word spelled in the NATO
phonetic alphabet (``Sierra Echo Charlie Romeo Echo Tango``). Each finds the lines that
hold one and gives the line rewritten back; the gate reads that as a text of its own.

Both are found from a one-byte copy of the text (``decoders.one_byte``) with ``bytes``
searches, so that text without them costs a few C passes, no regular expression.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable

from milai._lazyre import lazy_compile

_CAPITALS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MIN_SHIFTED = 5  # letters in a word worth unshifting (shorter ones shift into words)
MIN_SPELLED = 4  # phonetic words in a run (fewer spell a word by chance: "Echo Delta")

# A one-byte text as its kind of character: capitals "A", other letters "a", else blank.
_KINDS = bytes(
    ord("A")
    if 65 <= b <= 90
    else ord("a")
    if chr(b).isalpha()  # 0x81, any character above Latin-1, counts as a blank
    else ord(" ")
    for b in range(256)
)
# Each capital shifted so that ``first`` becomes A: a word's shape, whatever its shift.
_TO_A = {
    first: str.maketrans(_CAPITALS, _CAPITALS[26 - i :] + _CAPITALS[: 26 - i])
    for i, first in enumerate(_CAPITALS)
}


def _shift_back(shift: int) -> dict[int, int]:
    back = (26 - shift) % 26
    lower = _CAPITALS.lower()
    return str.maketrans(
        _CAPITALS + lower,
        _CAPITALS[back:] + _CAPITALS[:back] + lower[back:] + lower[:back],
    )


_SHIFT_BACK = {shift: _shift_back(shift) for shift in range(26)}


class ShiftedWords:
    """The shapes of a policy's marking words (``MIN_SHIFTED`` capitals or more)."""

    def __init__(self, words: Iterable[str]) -> None:
        self.shapes: dict[str, set[str]] = {}
        for word in words:
            if len(word) >= MIN_SHIFTED and word.isascii() and word.isalpha():
                word = word.upper()
                self.shapes.setdefault(word.translate(_TO_A[word[0]]), set()).add(word[0])
        self.longest = max(map(len, self.shapes), default=0)

    def shift_of(self, word: str) -> int | None:
        """The shift (1-25, never 0 or rot13's 13, read elsewhere) that makes the capital
        ``word`` a marking word, or None."""
        firsts = self.shapes.get(word.translate(_TO_A[word[0]]))
        if not firsts:
            return None
        for first in sorted(firsts):
            shift = (ord(word[0]) - ord(first)) % 26
            if shift not in (0, 13):
                return shift
        return None

    def first(self, text: str, raw: bytes, start: int = 0) -> tuple[int, int] | None:
        """The first shifted marking word of ``text`` (``raw``: its one-byte copy) from
        ``start``, complete (a non-letter or the end after it): (offset, shift)."""
        if not self.shapes:
            return None
        kinds = raw.translate(_KINDS)
        run = b"A" * MIN_SHIFTED
        at = kinds.find(run, start)
        while at >= 0:
            end = at + MIN_SHIFTED
            while end < len(kinds) and kinds[end] == 65:
                end += 1
            standalone = (at == 0 or kinds[at - 1] == 32) and (
                end == len(kinds) or kinds[end] == 32
            )
            if standalone and end - at <= self.longest:
                shift = self.shift_of(text[at:end])
                if shift is not None:
                    return at, shift
            at = kinds.find(run, end)
        return None

    def lines(self, text: str, raw: bytes) -> list[tuple[int, int, str]]:
        """The lines of ``text`` that hold a shifted marking word: (offset of the first
        such word, end of its line, the line from that word on, shifted back)."""
        found: list[tuple[int, int, str]] = []
        position = 0
        while True:
            hit = self.first(text, raw, position)
            if hit is None:
                return found
            at, shift = hit
            line_start = text.rfind("\n", 0, at) + 1
            line_end = text.find("\n", at)
            line_end = len(text) if line_end < 0 else line_end
            line = text[line_start:line_end].translate(_SHIFT_BACK[shift])
            found.append((at, line_end, line))
            position = line_end

    def partial_start(self, text: str) -> int | None:
        """Where capitals at the end of the unfinished ``text`` begin, when they could still
        grow into a shifted marking word (that start is then held), or None."""
        if not self.shapes or not ("A" <= text[-1:] <= "Z"):
            return None
        start = len(text) - 1
        while start > 0 and len(text) - start <= self.longest and "A" <= text[start - 1] <= "Z":
            start -= 1
        return start if len(text) - start <= self.longest else None


# The NATO spelling alphabet (ICAO), with the spellings people write.
_PHONETIC = {
    "alfa": "A", "alpha": "A", "bravo": "B", "charlie": "C", "delta": "D", "echo": "E",
    "foxtrot": "F", "golf": "G", "hotel": "H", "india": "I", "juliett": "J", "juliet": "J",
    "kilo": "K", "lima": "L", "mike": "M", "november": "N", "oscar": "O", "papa": "P",
    "quebec": "Q", "romeo": "R", "sierra": "S", "tango": "T", "uniform": "U", "victor": "V",
    "whiskey": "W", "whisky": "W", "xray": "X", "x-ray": "X", "yankee": "Y", "zulu": "Z",
}  # fmt: skip
# rot13 turns the words, not the letters they spell (Fvreen Rpub Puneyvr… is S, E, C…): its
# spellings of the words are no words of the languages read.
_PHONETIC |= {codecs.encode(word, "rot13"): letter for word, letter in _PHONETIC.items()}
_PHONETIC_WORD = "|".join(sorted(_PHONETIC, key=len, reverse=True))
_PREFIXES = frozenset(word[:n] for word in _PHONETIC for n in range(1, len(word) + 1))
_LONGEST = max(map(len, _PHONETIC))
# The shortest run of MIN_SPELLED words (four of four letters, a blank apart): a text
# shorter than that holds none that it does not continue.
SHORTEST_RUN = MIN_SPELLED * 5 - 1
# A run of phonetic words: a blank, a hyphen or an underscore between the letters of a
# word, anything wider (two blanks or underscores, a slash, a comma, a bar) between words;
# a log's or a form's value joins them with "_" or "+" (charlie_oscar_november…).
_RUN = lazy_compile(
    rf"(?<![^\W\d_])(?:{_PHONETIC_WORD})"
    rf"(?:(?:[^\S\n]{{1,4}}|[^\S\n]{{0,2}}[-/,;|.+_]{{1,3}}[^\S\n]{{0,2}})"
    rf"(?:{_PHONETIC_WORD})){{{MIN_SPELLED - 1},200}}(?![^\W\d_])",
    re.IGNORECASE,
)
_LOWER = bytes(ord(chr(b).lower()) if b < 0x80 else b for b in range(256))


class SpelledWords:
    """Runs of phonetic words that spell a marking; found from a few literal words: the
    phonetic words of letters that every marking holds one of."""

    def __init__(self, markings: Iterable[str]) -> None:
        letter_sets = [{ch for ch in marking.upper() if "A" <= ch <= "Z"} for marking in markings]
        letter_sets = [letters for letters in letter_sets if letters]
        chosen: set[str] = set()
        while letter_sets:  # greedy: the letter most markings hold, until all are held
            best = max(_CAPITALS, key=lambda ch: sum(ch in s for s in letter_sets))
            chosen.add(best)
            letter_sets = [s for s in letter_sets if best not in s]
        self.anchors = tuple(
            word.encode() for word, letter in _PHONETIC.items() if letter in chosen
        )

    def lines(self, text: str, raw: bytes) -> list[tuple[int, int, str]]:
        """The lines of ``text`` that hold a run of phonetic words: (offset of the first
        run, end of its line, the line from the run on with each run spelled out)."""
        if not self.anchors:
            return []
        lowered = raw.translate(_LOWER)
        starts: set[int] = set()
        for anchor in self.anchors:
            at = lowered.find(anchor)
            while at >= 0:
                starts.add(lowered.rfind(b"\n", 0, at) + 1)
                line_end = lowered.find(b"\n", at)
                at = -1 if line_end < 0 else lowered.find(anchor, line_end)
        found: list[tuple[int, int, str]] = []
        for line_start in sorted(starts):
            line_end = text.find("\n", line_start)
            line_end = len(text) if line_end < 0 else line_end
            runs = list(_RUN.finditer(text, line_start, line_end))
            if not runs:
                continue
            pieces: list[str] = []
            last = line_start
            for run in runs:
                pieces.append(text[last : run.start()])
                pieces.append(_spell(run.group()))
                last = run.end()
            pieces.append(text[last:line_end])
            found.append((runs[0].start(), line_end, "".join(pieces)))
        return found

    def partial(self, text: str) -> int | None:
        """Where the phonetic words at the end of the unfinished ``text`` begin (the last
        one may be unfinished: a prefix of one), or None: a run may be forming there."""
        start = None
        position = end = len(text)
        limit = max(0, end - 4096)
        while position > limit:
            gap = position
            while gap > limit and not text[gap - 1].isalpha():
                gap -= 1
            if position - gap > 6 or "\n" in text[gap:position]:
                break
            word = gap
            while word > limit and gap - word <= _LONGEST and text[word - 1].isalpha():
                word -= 1
            spelled = text[word:gap].lower()
            if not spelled or gap - word > _LONGEST or (word > limit and text[word - 1].isalpha()):
                break
            if word - 2 >= limit and text[word - 2 : word].lower() == "x-":
                # x-ray: the one phonetic word with a hyphen inside (x-r… may grow into it)
                word -= 2
                spelled = text[word:gap].lower()
            # unfinished, it may still grow into a phonetic word
            unfinished = gap == end or (spelled == "x" and text[gap:end] == "-")
            if spelled not in (_PREFIXES if unfinished else _PHONETIC):
                break
            start = position = word
        return start

    def run_start(self, text: str, start: int, end: int) -> int | None:
        """The start of the first run in ``text[start:end]`` (the run may still grow)."""
        found = _RUN.search(text, start, end)
        return None if found is None else found.start()


_TOKEN = lazy_compile(rf"(?P<word>{_PHONETIC_WORD})|(?P<gap>[^\w]+|__+)", re.IGNORECASE)


def _spell(run: str) -> str:
    """``Sierra Echo  Tango-Oscar`` → ``SE TO``: each phonetic word its letter; between
    words, one blank, one hyphen or one underscore joins letters, anything wider is a
    gap between words."""
    out: list[str] = []
    for token in _TOKEN.finditer(run):
        word = token.group("word")
        if word is not None:
            out.append(_PHONETIC[word.lower()])
        elif token.group() not in (" ", "-", "\t"):
            out.append(" ")
    return "".join(out)


# Short words common in the languages the gate reads (en, fr, de, nl, lb): a paragraph
# that holds more of them rot13-turned than as written reads as rot13.
_COMMON_WORDS = frozenset(
    """
    the and of to in is at on for with by are was were from that this be it will has have
    an as not or but all its our we they he she you his her their which when after before
    le la les de des du et en un une est au aux pour par sur dans que qui pas avec sont ce
    der die das und ist im am den dem ein eine mit von zu auf nicht sich des wird vor nach
    het een van op te naar voor niet zijn wordt bij ook om
    um an vum mat fir ass sech dat mir sinn gëtt
    """.split()
)
_WORD_RE = lazy_compile(r"[^\W\d_]+")
# A portion mark in capitals (perhaps with caveats) in brackets: rot13 keeps brackets and
# case ((F//AS) is (S//NF)). Found from its bracket, a literal. Its letters may be
# look-alikes (a lunate sigma for C): any letter but an ASCII small one.
_MARK_LETTERS = r"([^\W\d_a-z]{1,4})"
_ROT13_MARK = tuple(
    re.compile(re.escape(opening) + _MARK_LETTERS + r"(?:/{1,2}[A-Z][A-Z ,/]{0,24})?" + closing)
    for opening, closing in (("(", r"\)"), ("[", r"\]"))
)
# The same mark as a banner line, with its caveats after a slash (GF//ABSBEA is
# TS//NOFORN): found from the slash.
_ROT13_SLASH = lazy_compile(r"/(?=/?[^\S\n]?[A-Z])")
_ROT13_BANNER_LEAD = lazy_compile(r"[^\S\n]{0,16}" + _MARK_LETTERS + r"[^\S\n]?\Z")
_ROT13 = str.maketrans(
    _CAPITALS + _CAPITALS.lower(),
    _CAPITALS[13:] + _CAPITALS[:13] + _CAPITALS.lower()[13:] + _CAPITALS.lower()[:13],
)
ROT13_MARK_LEAD = 16  # characters a line may hold before its portion mark (1.2.3, (a))
_INDENT = 80  # blanks before that (a centred banner line)
_PARAGRAPH_WORDS = 3  # fewer after the mark on its line: the paragraph is the next line


def _lead(text: str, line_start: int) -> int:
    """Where the line starting at ``line_start`` starts after its indent (``_INDENT``
    blanks at most)."""
    at = line_start
    while at < len(text) and at - line_start < _INDENT and text[at] in " \t":
        at += 1
    return at


def reads_as_rot13(text: str) -> bool:
    """Whether ``text`` holds more common words rot13-turned than as written (one at
    least): ``Gur erfreir zbirf ng qnja`` does, ``Fahrenheit readings of the day`` not."""
    words = [word.lower() for word in _WORD_RE.findall(text)]
    turned = sum(word.translate(_ROT13) in _COMMON_WORDS for word in words)
    return turned > 0 and turned > sum(word in _COMMON_WORDS for word in words)


class Rot13Portions:
    """Portion marks written in rot13 with their paragraph (``(F) Gur erfreir zbirf``,
    ``GF//ABSBEA`` over a paragraph): a mark in brackets, or before a slash and caveats,
    near a line's start, whose rot13 is one of the policy's portion marks, followed by a
    paragraph (the rest of its line, or the next line) that reads as rot13."""

    def __init__(self, keys: Iterable[str], key_of: Callable[[str], str]) -> None:
        self.keys = frozenset(keys)
        self.key_of = key_of  # a mark's letters as written → the policy's key

    def _is_mark(self, letters: str) -> bool:
        # rot13 turns ASCII letters only: a look-alike put in before it stands for itself
        return self.key_of(letters.translate(_ROT13)) in self.keys

    def _marks(self, text: str, end: int) -> list[tuple[int, int]]:
        """(start, end) of each mark-shaped run in ``text[:end]`` whose rot13 is a mark."""
        found = []
        for mark_re in _ROT13_MARK:
            for match in mark_re.finditer(text, 0, end):
                if self._is_mark(match.group(1)):
                    found.append((match.start(), match.end()))
        for slash in _ROT13_SLASH.finditer(text, 0, end):
            line_start = text.rfind("\n", 0, slash.start()) + 1
            lead = _ROT13_BANNER_LEAD.search(
                text, max(line_start, slash.start() - 21), slash.start()
            )
            if lead is not None and self._is_mark(lead.group(1)):
                found.append((lead.start(1), slash.start()))
        return found

    def waiting(self, text: str) -> int | None:
        """Where the last line of ``text`` (complete lines) starts when it holds such a
        mark with too little paragraph after it on its line: the next line decides."""
        if not self.keys or not text.endswith("\n"):
            return None
        line_start = text.rfind("\n", 0, len(text) - 1) + 1
        line = text[line_start:]
        for start, end in self._marks(line, len(line)):
            if start - _lead(line, 0) <= ROT13_MARK_LEAD and (
                len(_WORD_RE.findall(line, end)) < _PARAGRAPH_WORDS
            ):
                return line_start
        return None

    def lines(self, text: str) -> list[tuple[int, int, str]]:
        """The lines of ``text`` that start so: (line start, line end, the line turned)."""
        if not self.keys:
            return []
        found: dict[int, tuple[int, int, str]] = {}
        for start, end in self._marks(text, len(text)):
            line_start = text.rfind("\n", 0, start) + 1
            if line_start in found or start - _lead(text, line_start) > ROT13_MARK_LEAD:
                continue
            line_end = text.find("\n", end)
            line_end = len(text) if line_end < 0 else line_end
            paragraph = text[end:line_end]
            if len(_WORD_RE.findall(paragraph)) < _PARAGRAPH_WORDS and line_end < len(text):
                next_end = text.find("\n", line_end + 1)
                paragraph += " " + text[line_end + 1 : len(text) if next_end < 0 else next_end]
            if reads_as_rot13(paragraph):
                found[line_start] = (
                    line_start,
                    line_end,
                    text[line_start:line_end].translate(_ROT13),
                )
        return [found[start] for start in sorted(found)]


def shift_back_table(shift: int) -> dict[int, int]:
    """The ``str.translate`` table that shifts ASCII letters back by ``shift``."""
    return _SHIFT_BACK[shift % 26]
