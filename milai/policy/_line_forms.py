"""Line forms that a program or a reader shows otherwise than their characters read, each
given back as the text a reader sees, which the gate reads as a text of its own (where a
marking counts only in a marking context: a banner line, a line split over two…):

* **a marking, then a colon, then its text** (chat and mail style: ``NATO SECRET: convoy
  leaves at 0400``, ``CONFIDENTIEL LUX : réunion à 10h``): the words before the colon,
  in capitals (an abbreviation's dotted word aside), are read as a line of their own.
  ``Secret: the password…`` and ``Top secret: don't…`` are prose case, ``SECRET_KEY:`` a
  key (an underscore or a digit makes no marking), and one word before the colon needs
  two words after it (``SECRET: abc123`` is a setting);
* **mojibake**: UTF-8 text decoded as Windows-1252 or Latin-1 (``TRÃ\u02c6S SECRET UE``: TRÈS),
  repaired with the codecs (twice at most: text encoded twice), and a U+FFFD replacement
  character (``TR�S SECRET UE``, one or two of them for a lost letter) read as the
  letter beyond ASCII that makes the word a marking word; a garbled word that makes none
  is dropped, so that it does not hide the marking next to it (``NON CLASSIFI�``);
* **subtitles**: an ASS/SSA ``Dialogue:`` line's text (its override tags ``{\\i1}``
  removed, ``\\N`` and ``\\n`` line breaks, ``\\h`` a blank), a MicroDVD line's text after
  its frames (``{100}{200}``, ``|`` a line break, ``{y:i}`` tags removed), an LRC line's
  text after its time tags (several too, and the word tags ``<00:01.20>``), and the texts
  of consecutive SBV, SRT and WebVTT cues that hold capitals read as one text, a cue a
  line (``STRENG`` / ``GEHEIM`` in two cues);
* **a shell's backslash-newline inside a double-quoted string** (``echo "CONFIDEN\\`` /
  ``TIEL LUX" > /etc/issue.net``): the lines joined as the shell joins them;
* **a mail attachment's file name** (``filename="NATO SECRET Annex.pdf"``, RFC 2231's
  ``filename*=UTF-8''STRENG%20GEHEIM%20Lagebericht.bin``): the words in capitals that
  open it, when a capitalised word or nothing follows them, or the first run of words in
  capitals after a title (``Bericht « STRENG GEHEIM ».pdf``), read as a line.

Each reading is found by plain string searches first: a line without a colon, a byte of
mojibake, a subtitle's opener or a backslash at its end costs no regular expression.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise
from urllib.parse import unquote

from milai._lazyre import lazy_compile

# --- a marking, then a colon ---------------------------------------------------------

_LEAD_MAX = 64  # characters before the colon
_LEAD_WORDS = 6
_LEAD_CHARS = frozenset(" \t/-.,()*#[]\u00a0\u202f")  # SECRET//REL TO USA, GBR


# The level words of everyday language: before a colon, alone or together, they are a
# headline's kicker (``STRENG GEHEIM: Omas Apfelkuchen``, ``TOP SECRET: Film review``); a
# marking with its scheme or caveats (``NATO SECRET:``, ``VS-VERTRAULICH:``,
# ``CONFIDENTIEL LUX :``, ``TOP SECRET//NOFORN:``) is read.
PLAIN_WORDS = frozenset(
    "TOP SECRET CONFIDENTIAL RESTRICTED TRÈS TRES CONFIDENTIEL RESTREINT DIFFUSION "
    "RESTREINTE DÉFENSE DEFENSE STRENG GEHEIM VERTRAULICH ZEER VERTROUWELIJK".split()
)


def _capital_words(words: list[str]) -> bool:
    """No word of ``words`` is in small letters (an abbreviation's dotted word aside)."""
    for word in words:
        letters = [ch for ch in word if ch.isalpha()]
        if letters and word[-1] != "." and sum(ch.islower() for ch in letters) > len(letters) // 2:
            return False
    return True


def _colon_lead(line: str) -> str | None:
    """The words before the first colon of ``line`` when they may be a marking in
    capitals and text follows the colon, else None."""
    colon = line.find(":", 0, _LEAD_MAX + 2)
    if colon <= 0:
        return None
    rest = line[colon + 1 :].lstrip("*_~`")  # markup that closes around the colon: **SECRET:**
    if not rest[:1].isspace() or rest.startswith(("//", ":")):
        return None
    lead = line[:colon].strip(" \t\u00a0\u202f")
    words = lead.split()
    if not words or len(words) > _LEAD_WORDS:
        return None
    if any(not (ch.isalpha() or ch in _LEAD_CHARS) for ch in lead):
        return None  # a digit, an underscore, '=' or quotes: a key or a time, not a marking
    if sum(ch.isupper() for ch in lead) < 2:
        return None
    if not _capital_words(words):
        return None
    if all(word.strip("*#[]()").upper() in PLAIN_WORDS for word in words):
        return None  # a headline's kicker: ``GEHEIM: Zo werkt de AIVD`` (red team 10)
    after = rest.split()
    if not any(ch.isalpha() for ch in rest) or (len(words) == 1 and len(after) < 2):
        return None
    return lead


# --- mojibake ----------------------------------------------------------------------------

# A UTF-8 sequence in a one-byte copy of the text (each character its Windows-1252 or
# Latin-1 byte, anything else a NUL): linear, no two repeats share a byte.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_FFFD = "\ufffd"
# A UTF-8 lead byte read as a character, then a continuation byte read as one (its
# Windows-1252 character, or Latin-1's C1 control where Windows-1252 has none).
_CONTINUATIONS = "".join(
    bytes([code]).decode("cp1252", errors="ignore") + chr(code) for code in range(0x80, 0xC0)
)
_MOJIBAKE = lazy_compile("[\u00c2-\u00f4][" + re.escape(_CONTINUATIONS) + "]")
_LEAD_END = lazy_compile("[\u00c2-\u00f4]\\Z")


def _byte_of(ch: str) -> int:
    if ch.isascii():
        return ord(ch)
    for codec in ("cp1252", "latin-1"):
        try:
            return ch.encode(codec)[0]
        except UnicodeEncodeError:
            continue
    return 0


def _repair(line: str) -> str:
    """``line`` with each UTF-8 sequence that was read as one-byte characters decoded."""
    raw = bytes(_byte_of(ch) for ch in line)
    out: list[str] = []
    last = 0
    for match in _UTF8_SEQUENCE.finditer(raw):
        try:
            decoded = match.group().decode("utf-8")
        except UnicodeDecodeError:
            continue
        out.append(line[last : match.start()])
        out.append(decoded)
        last = match.end()
    if not out:
        return line
    out.append(line[last:])
    return "".join(out)


_GARBLED_WORD = lazy_compile(
    r"[^\W\d_]{0,40}\ufffd[^\W\d_\ufffd]{0,40}(?:\ufffd[^\W\d_\ufffd]{0,40}){0,7}"
)


# An encoder's own replacement, a question mark, inside a word in capitals (``TR?S``,
# ``F??R``): a capital before it, a capital or the end after it.
_QUESTIONED_WORD = lazy_compile(
    r"[^\W\d_]{0,40}[A-Z\u00c0-\u00de]\?{1,2}(?:[A-Z\u00c0-\u00de][^\W\d_]{0,40}|\Z)"
)
_QUESTION_AT = lazy_compile(r"[A-Z\u00c0-\u00de]\?{1,2}(?:[A-Z\u00c0-\u00de]|\Z)")


class _Replaced:
    """The marking words beyond ASCII, by their shape with each such letter lost: one or
    two replacement characters for it (its UTF-8 bytes, one by one or as one), U+FFFD or
    an encoder's question mark."""

    def __init__(self, words: Iterable[str]) -> None:
        self.shapes: dict[str, str] = {}
        for word in words:
            word = word.upper()
            wide = [i for i, ch in enumerate(word) if not ch.isascii() and ch.isalpha()]
            if not wide or len(wide) > 3:
                continue
            for mark in (_FFFD, "?"):
                for width in (1, 2):
                    shape = "".join(mark * width if i in wide else ch for i, ch in enumerate(word))
                    self.shapes.setdefault(shape, word)

    def read(self, line: str) -> str:
        """``line`` with each word that holds U+FFFD read as the marking word it makes, or
        dropped (it hides no marking beside it), and each word in capitals that holds a
        question mark read as the marking word it makes, if any."""

        def word(match: re.Match[str]) -> str:
            found = match.group()
            marking = self.shapes.get(found.upper())
            if marking is None:
                return "" if _FFFD in found else found
            return marking if found.upper() == found else marking.lower()

        if _FFFD in line:
            line = _GARBLED_WORD.sub(word, line)
        if "?" in line:
            line = _QUESTIONED_WORD.sub(word, line)
        return line


# --- subtitles ---------------------------------------------------------------------------

_ASS_TAG = lazy_compile(r"\{[^{}\n]{0,200}\}")
_MICRODVD = lazy_compile(r"[ \t]{0,8}\{\d{1,9}\}\{\d{0,9}\}")
_MICRODVD_TAG = lazy_compile(r"\{[A-Za-z]:[^{}\n]{0,100}\}")
_LRC_TAGS = lazy_compile(r"[ \t]{0,8}(?:\[\d{1,3}:\d{1,2}(?:[.:]\d{1,3})?\][ \t]{0,4}){1,16}")
_LRC_WORD_TAG = lazy_compile(r"<\d{1,3}:\d{1,2}(?:[.:]\d{1,3})?>")
# A cue's timing line: SRT and WebVTT (``00:00:01,000 --> 00:00:03,000 …``), SBV
# (``0:00:01.000,0:00:03.000``).
_TIMING = lazy_compile(
    r"[ \t]{0,8}(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}[ \t]{0,4}(?:-->|,)[ \t]{0,4}"
    r"(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}(?:[ \t][^\n]{0,200})?"
)
_CUE_NUMBER = lazy_compile(r"[ \t]{0,8}\d{1,9}[ \t]{0,8}")
_MAX_CUES = 32  # consecutive cues read as one text, at most


def _ass_text(line: str) -> str | None:
    stripped = line.lstrip()
    if not stripped[:9].lower() == "dialogue:":
        return None
    fields = stripped[9:].split(",", 9)
    if len(fields) < 10:
        return None
    text = _ASS_TAG.sub("", fields[9])
    return text.replace("\\N", "\n").replace("\\n", "\n").replace("\\h", " ")


def _microdvd_text(line: str) -> str | None:
    frames = _MICRODVD.match(line)
    if frames is None:
        return None
    text = _MICRODVD_TAG.sub("", line[frames.end() :])
    return "\n".join(part.lstrip("/") for part in text.split("|"))


def _lrc_text(line: str) -> str | None:
    tags = _LRC_TAGS.match(line)
    if tags is None:
        return None
    return _LRC_WORD_TAG.sub("", line[tags.end() :])


def _cue_runs(text: str) -> tuple[list[tuple[int, int, list[str]]], int | None]:
    """Runs of two consecutive cues or more whose texts hold a capital: (the second
    text's start, which a stream still holds, the last text's end, the texts); and the
    start of the timing line of the run still open at the end of ``text`` (a cue in small
    letters or other text closes one), or None."""
    runs: list[tuple[int, int, list[str]]] = []
    texts: list[str] = []
    starts: list[int] = []
    timings: list[int] = []
    last = cue_start = cue_end = timing = -1
    in_cue = False
    cue_lines: list[str] = []

    def close_run() -> None:
        nonlocal texts, starts, timings
        if len(texts) >= 2:
            runs.append((starts[1], last, texts))
        texts, starts, timings = [], [], []

    def close_cue() -> None:
        nonlocal last
        if cue_start < 0:
            return
        cue = "\n".join(cue_lines)
        if not (_capitals(cue) or (_capital_words(cue.split()) and cue.lower() != cue)):
            close_run()
            return
        if len(texts) >= _MAX_CUES:
            close_run()
        starts.append(cue_start)
        timings.append(timing)
        texts.append(cue)
        last = cue_end

    at, size = 0, len(text)
    while at < size:
        end = text.find("\n", at)
        end = size if end < 0 else end
        line = text[at:end].rstrip("\r")
        if _TIMING.fullmatch(line):
            if in_cue:
                close_cue()
            in_cue, cue_start, cue_lines, timing = True, -1, [], at
        elif not line.strip():
            if in_cue:
                close_cue()
                in_cue, cue_start = False, -1
        elif in_cue:
            if cue_start < 0:
                cue_start = at
            cue_lines.append(line)
            cue_end = end
        elif not (_CUE_NUMBER.fullmatch(line) or line.strip() == "WEBVTT"):
            close_run()
        at = end + 1
    # a cue not closed by a blank line may go on: wait from its timing (or its run's)
    pending = (timings[0] if timings else timing) if in_cue else None
    if in_cue:
        close_cue()
    open_start = pending if in_cue else (timings[0] if timings else None)
    close_run()
    return runs, open_start


_TIMING_ANY = lazy_compile(r"\d:\d{2}[.,]\d{1,3}[ \t]{0,4}(?:-->|,\d)")


def _has_timing(text: str) -> bool:
    """``text`` holds a cue's timing (one search; ``_cue_runs`` reads it line by line)."""
    return _TIMING_ANY.search(text) is not None


# --- shell continuation --------------------------------------------------------------------

_MAX_JOINED = 16


def _open_quote_backslash(line: str) -> int:
    """Where the double-quoted string left open at the end of ``line`` opens, when a
    backslash escapes its line break (a shell drops both), else -1."""
    if not line.endswith("\\"):
        return -1
    trailing = len(line) - len(line.rstrip("\\"))
    if trailing % 2 == 0:
        return -1
    opened = -1
    escaped = single = False
    for at, ch in enumerate(line[:-trailing]):
        if escaped:
            escaped = False
        elif ch == "\\" and not single:
            escaped = True
        elif ch == "'" and opened < 0:
            single = not single
        elif ch == '"' and not single:
            opened = at if opened < 0 else -1
    return opened


def _joined_lines(text: str) -> list[tuple[int, int, str, bool]]:
    """Lines joined at a backslash-newline inside an open double-quoted string: (where the
    string opens, last line's end, the lines joined, whether the last still goes on)."""
    found: list[tuple[int, int, str, bool]] = []
    at = text.find("\\\n")
    if at < 0:
        at = text.find("\\\r\n")
        if at < 0:
            return found
    at = text.rfind("\n", 0, at) + 1
    size = len(text)
    while at < size:
        end = text.find("\n", at)
        end = size if end < 0 else end
        line = text[at:end].rstrip("\r")
        opened = _open_quote_backslash(line)
        if opened < 0:
            at = end + 1
            continue
        joined, stop, goes_on = line[:-1], end, True
        for _ in range(_MAX_JOINED):
            if stop + 1 >= size:
                break  # no next line yet: the string goes on
            nxt = text.find("\n", stop + 1)
            nxt = size if nxt < 0 else nxt
            piece = text[stop + 1 : nxt].rstrip("\r")
            stop = nxt
            if _open_quote_backslash(joined + piece) >= 0:
                joined += piece[:-1]
            else:
                joined += piece
                goes_on = False
                break
        found.append((at + opened, stop, joined, goes_on))
        at = stop + 1
    return found


# --- file names ----------------------------------------------------------------------------

_FILENAME = lazy_compile(
    r"""(?i:\b(?:file)?name)(?P<star>\*)?[ \t]{0,4}=[ \t]{0,4}"""
    r"""(?:(?P<charset>[\w\-]{0,40}'[\w\-]{0,20}')(?P<encoded>[^\s;"']{1,400})"""
    r"""|"(?P<quoted>[^"\n]{1,400})"|(?P<bare>[^\s;"'][^;"\n]{0,400}))"""
)
_EXTENSION = lazy_compile(r"\.[A-Za-z0-9]{1,5}\Z")


def _name_banner(name: str) -> str | None:
    """The words that open a file's ``name`` (its extension dropped) up to a capitalised
    word or its end, when none of them is in small letters (an abbreviation's dotted word
    aside) and they hold two capitals: the marking a name opens with. Or, after a title
    (``Bericht « STRENG GEHEIM ».pdf``, ``Plan STRENG GEHEIM v2.pdf``), the first run of
    words in capitals between a word that is not and the name's end or such a word."""
    words = _EXTENSION.sub("", name).split()
    if len(words) < 2:
        return None
    end = next((at for at, word in enumerate(words) if at and _capitalised(word)), len(words))
    lead = words[:end]
    if _capital_words(lead) and _capitals(" ".join(lead)):
        return " ".join(lead)
    inner = [word.strip(_NAME_MARKS) for word in words]
    for start in range(1, len(inner)):
        if not inner[start] or not _in_capitals(inner[start]) or _in_capitals(inner[start - 1]):
            continue
        stop = start
        while stop < len(inner) and (not inner[stop] or _in_capitals(inner[stop])):
            stop += 1
        run = " ".join(word for word in inner[start:stop] if word)
        if _capitals(run):
            return run
    return None


# quotation marks, brackets, dashes around a name's words
_NAME_MARKS = "\u00ab\u00bb\u2039\u203a\u201e\u201c\u201d\u2018\u2019\"'()[]{}-\u2013\u2014_"


def _in_capitals(word: str) -> bool:
    """A word of two letters or more, none in small letters but a short German ``f``
    (``VS-NfD``), or an abbreviation's dotted word that starts with a capital (``Stg.``)."""
    letters = [ch for ch in word if ch.isalpha()]
    if word.endswith(".") and word[:1].isupper():
        return True
    return len(letters) >= 2 and sum(ch.islower() for ch in letters) <= len(letters) // 3


def _capitalised(word: str) -> bool:
    """A word in title case (``Annex``, ``Lagebericht``): a title after a marking."""
    return len(word) >= 2 and word[0].isupper() and word[1:].isalpha() and word[1:].islower()


def _capitals(text: str) -> bool:
    """Two capitals in a row: a subtitle or a name in prose case (``Top secret``) holds
    no marking in capitals."""
    return any(a.isupper() and b.isupper() for a, b in pairwise(text))


# --- the readings ----------------------------------------------------------------------


def _word_start(line: str, at: int) -> int:
    """The start of the word (run of non-blanks) that holds ``at``."""
    return max(line.rfind(" ", 0, at), line.rfind("\t", 0, at)) + 1


def _garbled_at(line: str) -> int | None:
    """The start of the first word of ``line`` that holds mojibake, a replacement
    character or a question mark inside capitals (or ends on a lead byte's character that
    may start mojibake, or on such a question mark)."""
    found = [at for at in (line.find(_FFFD),) if at >= 0]
    for pattern in (_MOJIBAKE, _LEAD_END, _QUESTION_AT):
        match = pattern.search(line)
        if match is not None:
            found.append(match.start())
    return _word_start(line, min(found)) if found else None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


_SENDER_MAX = 48  # a chat line's time stamp and sender before the marking's words


def _lead_starts(line: str) -> list[int]:
    """Where the words before a colon may start in ``line``: its start, after a mail's
    quote marks (``> ``), after a chat export's time stamp in brackets (``[10:14] ``) or
    its sender's name and colon (``Jean: ``), each in its first ``_SENDER_MAX``
    characters."""
    starts = [_indent(line)]
    quoted = len(line) - len(line.lstrip(" \t>"))
    if quoted and ">" in line[:quoted]:
        starts.append(quoted)
    for mark in ("] ", ": "):
        at = line.find(mark, 0, _SENDER_MAX)
        if at >= 0:
            after = at + len(mark)
            starts.append(after + len(line[after:]) - len(line[after:].lstrip()))
    return starts


def _may_lead(line: str) -> bool:
    """The unfinished ``line`` (no colon yet) may still be the words before one."""
    if len(line) > _LEAD_MAX or any(not (ch.isalpha() or ch in _LEAD_CHARS) for ch in line):
        return False
    words = line.split()
    if line[-1:].isalpha():
        words = words[:-1]  # the last word may still grow (an abbreviation's dot)
    return len(words) <= _LEAD_WORDS and _capital_words(words)


_NAME_IS = lazy_compile(r"(?i:name)\*?[ \t]{0,4}=")


class LineForms:
    """The readings above for a policy, whose marking words (``words``) a replacement
    character is read against."""

    def __init__(self, words: Iterable[str]) -> None:
        self.replaced = _Replaced(words)

    def _line(self, line: str) -> tuple[int, str] | None:
        """The single line ``line`` as a reader sees it, when a form changes it, and
        where in it its reading lands."""
        seen = line
        if _MOJIBAKE.search(seen) is not None:
            seen = _repair(_repair(seen))
        if _FFFD in seen or _QUESTION_AT.search(seen) is not None:
            seen = self.replaced.read(seen)
        head = seen.lstrip()[:1]
        text: str | None = None
        if head in ("D", "d"):
            text = _ass_text(seen)
        elif head == "{":
            text = _microdvd_text(seen)
        elif head == "[":
            text = _lrc_text(seen)
        if text is not None and not _capitals(text):
            return None  # a subtitle in prose case: ``Top secret\\Nrecipe``
        if text is not None:
            return _indent(line), text
        if ":" in seen:
            for start in _lead_starts(seen):
                lead = _colon_lead(seen[start:])
                if lead is not None:
                    # a repaired line's offsets are not the line's: its garbled word
                    return (start if seen is line else _garbled_at(line) or 0), lead
        if "=" in seen and "name" in seen.lower():
            names = []
            for match in _FILENAME.finditer(seen):
                name = (
                    match.group("quoted")
                    or match.group("bare")
                    or unquote(match.group("encoded") or "")
                )
                banner = _name_banner(name)
                if banner is not None:
                    names.append(banner)
            equals = _NAME_IS.search(line)
            if names and equals is not None:
                garbled = _garbled_at(line)
                at = equals.start() if garbled is None else min(garbled, equals.start())
                return at, "\n".join(names)
        garbled = _garbled_at(line)
        if seen != line and garbled is not None:
            return garbled, seen
        return None

    def lines(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, the text a reader sees) for each form in ``text``."""
        if text.lower() == text and _FFFD not in text:
            return []  # no capital: no form reads a marking (C-level, no loop)
        found: list[tuple[int, int, str]] = []
        at, size = 0, len(text)
        while at < size:
            end = text.find("\n", at)
            end = size if end < 0 else end
            line = text[at:end].rstrip("\r")
            if line.lower() != line or _FFFD in line:
                seen = self._line(line)
                if seen is not None and seen[1].strip():
                    found.append((at + seen[0], end, seen[1]))
            at = end + 1
        found.extend(
            (start, end, joined)
            for start, end, joined, _ in _joined_lines(text)
            if joined.lower() != joined
        )
        if _has_timing(text):
            runs, _ = _cue_runs(text)
            found.extend((second, last, "\n".join(texts)) for second, last, texts in runs)
        return found

    def waiting(self, text: str) -> int | None:
        """Where the complete lines of ``text`` stop being readable alone: the start of
        lines joined at a backslash that the next line still joins, or of a run of cues
        with capitals that the next cue may go on."""
        if not text.endswith("\n"):
            return None
        starts = [
            text.rfind("\n", 0, start) + 1
            for start, _, _, goes_on in _joined_lines(text)
            if goes_on
        ]
        if _has_timing(text):
            _, open_start = _cue_runs(text)
            if open_start is not None:
                starts.append(open_start)
        return min(starts, default=None)

    @staticmethod
    def lasting(text: str) -> int | None:
        """The first garbled character or file name's ``=`` in ``text``, past a line's
        head: where the line is held from (the word that holds it)."""
        found = [at for at in (text.find(_FFFD),) if at >= 0]
        for pattern in (_MOJIBAKE, _LEAD_END, _QUESTION_AT, _NAME_IS):
            match = pattern.search(text)
            if match is not None:
                found.append(match.start())
        return min(found, default=None)

    @staticmethod
    def hold_from(line: str) -> int | None:
        """Where the unfinished ``line`` is or may grow into a form whose reading lands
        there: held from it."""
        holds = [at for at in (_garbled_at(line),) if at is not None]
        stripped = line.lstrip()
        head = stripped[:24]
        lowered = head[:9].lower()
        if head and (
            (head[:1] == "{" and _MICRODVD_HEAD.match(head) is not None)
            or (head[:1] == "[" and _LRC_HEAD.match(head) is not None)
            or "dialogue:".startswith(lowered)
            or lowered == "dialogue:"
        ):
            return _indent(line)
        for start in _lead_starts(line):
            part = line[start:]
            if (":" not in part[: _LEAD_MAX + 2] and _may_lead(part)) or _colon_lead(
                part + " a b"
            ) is not None:
                holds.append(start)
                break
        if "=" in line:
            equals = _NAME_IS.search(line)
            if equals is not None:
                holds.append(equals.start())
        return min(holds, default=None)


# A MicroDVD line's frames and an LRC line's time tag, or what may still grow into them.
_MICRODVD_HEAD = lazy_compile(r"\{\d{0,9}(?:\}(?:\{\d{0,9})?)?(?:\}|\Z)")
_LRC_HEAD = lazy_compile(r"\[\d{0,3}(?::\d{0,2})?(?:[.:\]]|\Z)")
