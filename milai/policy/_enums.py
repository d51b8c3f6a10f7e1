"""Enumerations written one value a line (``enum Level {`` / ``  RESTRICTED`` / ``  SECRET``
/ ``}``; Go's ``const (`` / ``Unclassified Level = iota`` / ``TopSecret`` / ``)``): like a
bracketed list on one line (``_lists``), an enumeration whose values name two or more
levels (in capitals or as camel names) is a vocabulary, not a marking.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from milai._lazyre import lazy_compile

if TYPE_CHECKING:
    from milai.policy.schema import MarkingSpec

# An enumeration written one value a line (GraphQL, TypeScript, Java, C#, Kotlin, Rust,
# Swift): the line that opens its body, each value's line (a name, perhaps ``case``, a
# value after ``=``, a comma or semicolon, a comment), and the line that closes it; each
# matched whole against a line without its blanks around (``_stripped``).
_ENUM_OPEN_RE = lazy_compile(
    r"(?:(?:export|public|private|protected|internal|pub|declare|const)[ \t]{1,8}){0,3}"
    r"enum(?:[ \t]{1,8}class)?[ \t]{1,8}[\w.]{1,64}[ \t]{0,8}"
    r"(?::[ \t]{0,8}[\w.]{1,32}[ \t]{0,8})?\{"
)
_ENUM_VALUE_RE = lazy_compile(
    r"(?:case[ \t]{1,8})?(?P<name>[^\W\d]\w{0,63})[ \t]{0,8}"
    r"(?:=[ \t]{0,8}(?:[\"'](?P<value>[^\"'\n]{1,64})[\"']|[\w.\-]{1,32})[ \t]{0,8})?"
    r"[,;]?[ \t]{0,8}(?:(?://|#).{0,200})?"
)
_ENUM_SKIP_RE = lazy_compile(r"(?:(?://|#|/\*|\*).{0,200})?")
_ENUM_CLOSE_RE = lazy_compile(r"\}[ \t]{0,8}[;,]?")
# Go's enumerations: a constant block (``const (`` / ``Unclassified Level = iota`` /
# ``Secret`` / ``)``), each value's line a name, perhaps its type and a value after ``=``
# (``iota``, ``1 << iota``, a string), a comment; closed by its parenthesis.
_GO_OPEN_RE = lazy_compile(r"const[ \t]{0,8}\(")
_GO_VALUE_RE = lazy_compile(
    r"(?P<name>[^\W\d]\w{0,63})(?:(?:[ \t]{1,8}[\w.]{1,32})?[ \t]{0,8}=[ \t]{0,8}"
    r"(?:\"(?P<value>[^\"\n]{1,64})\"|[\w.\-+*<>() \t]{1,64}?))?[ \t]{0,8}(?://.{0,200})?"
)
_GO_CLOSE_RE = lazy_compile(r"\)[ \t]{0,8};?")
_CAMEL_RE = lazy_compile(r"(?<=[^\W\d_])(?=[A-Z][a-z])|(?<=[a-z])(?=[A-Z])")
_LONGEST_LINE = 400  # a longer line is no enumeration's (its blanks are not stripped)
MAX_ENUM_LINES = 256  # past this many lines a body is read as lines, not as one enum


class EnumBody:
    """An enumeration's body read one line at a time: ``line`` says whether it still is
    one (None: it is not, or it ended), and at its end, whether it is a vocabulary."""

    def __init__(self, go: bool = False) -> None:
        self.levels: set[str] = set()
        self.lines = 0
        self.value_re = _GO_VALUE_RE if go else _ENUM_VALUE_RE
        self.close_re = _GO_CLOSE_RE if go else _ENUM_CLOSE_RE

    @staticmethod
    def opened(line: str) -> EnumBody | None:
        """The body that ``line`` opens (``enum Level {``, Go's ``const (``), or None."""
        line = _stripped(line)
        if _ENUM_OPEN_RE.fullmatch(line) is not None:
            return EnumBody()
        if _GO_OPEN_RE.fullmatch(line) is not None:
            return EnumBody(go=True)
        return None

    def line(self, line: str, read: Callable[[str], MarkingSpec | None]) -> bool | None:
        """Read the body's next line: True while the body goes on, False when this line
        closes it, None when the line is no part of an enumeration of values."""
        self.lines += 1
        line = _stripped(line)
        if self.close_re.fullmatch(line):
            return False
        if self.lines > MAX_ENUM_LINES:
            return None
        value = self.value_re.fullmatch(line)
        if value is None:
            return True if _ENUM_SKIP_RE.fullmatch(line) else None
        for text in (_words(value.group("name")), value.group("value")):
            marking = read(text) if text else None
            if marking is not None:
                self.levels.add(marking.level)
        return True

    @property
    def vocabulary(self) -> bool:
        """Two or more distinct levels: a vocabulary, as a list on one line is."""
        return len(self.levels) >= 2


def _words(name: str) -> str:
    """A value's name in capitals, a camel name's words parted (``TopSecret``: ``TOP
    SECRET``), as the markings of a list are read."""
    return _CAMEL_RE.sub(" ", name).upper()


def _stripped(line: str) -> str:
    """``line`` without its blanks around; a line too long to be an enumeration's, as a
    character that no pattern above accepts."""
    return line.strip() if len(line) <= _LONGEST_LINE else "\x00"
