"""What a read document is: its extracted text, the parts that text came from, and the limits
that keep a hostile file from taking the machine's memory."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property

from milai.errors import UsageError

_LIST_PROPERTY = re.compile(r"keyword|tags?\b|categor", re.IGNORECASE)
# A code point no UTF-8 writer can write: a broken PDF font map decodes to one.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
PART_SEPARATOR = "\n\n"  # every part starts on a line of its own (banner lines stay lines)


class DocumentError(UsageError):
    """A document cannot be read: damaged, encrypted, without text, hostile or too large."""


class TooDeep(DocumentError):
    """A document inside documents nested deeper than ``Limits.max_depth``: not opened, so
    what it holds is unknown (the document that holds it is ``unread``, never passed)."""


@dataclass(frozen=True)
class Limits:
    """Bounds on what reading one document may cost; past any of them it is refused."""

    max_input_bytes: int = 256 << 20  # the document file itself
    max_part_bytes: int = 64 << 20  # one member of a zip (an XML part), once unpacked
    max_unpacked_bytes: int = 256 << 20  # all members read from one zip, once unpacked
    max_ratio: int = 100  # unpacked / packed size of a member, checked past the first MiB
    max_members: int = 10_000  # entries in a zip's central directory
    max_text_chars: int = 64 << 20  # the extracted text
    max_depth: int = 3  # documents inside documents (e-mail attachments)


@dataclass(frozen=True)
class Part:
    """Where one part of a document (``body``, ``header``, ``page 3``…) lies in its text."""

    name: str
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """A document as the gate sees it: ``text`` (every part, each on lines of its own),
    ``parts`` in text order, the ``format`` it was read as, and what was ``skipped``
    (e-mail attachments that are images: milai does not OCR; notes, the rest decides);
    ``unread``: documents inside it nested past ``Limits.max_depth``, left unopened (what
    they hold is unknown: whatever gates this document blocks it, as for a payload past the
    check's bounds); ``encoding``: the code page a plain-text file that is not UTF-8 was
    read in (``cp1252``), else None."""

    format: str
    text: str
    parts: tuple[Part, ...]
    skipped: tuple[str, ...] = ()
    encoding: str | None = None
    unread: tuple[str, ...] = ()

    def part_at(self, offset: int) -> str:
        """The name of the part that holds character ``offset`` of ``text``."""
        if not self.parts:
            return "body"
        index = bisect.bisect_right(self._starts, offset) - 1
        return self.parts[max(index, 0)].name

    @cached_property
    def _starts(self) -> list[int]:
        return [part.start for part in self.parts]


class DocumentBuilder:
    """Collects part texts in order and lays them out as one text."""

    def __init__(self, name: str, limits: Limits) -> None:
        self.name = name
        self.limits = limits
        self._pieces: list[str] = []
        self._parts: list[Part] = []
        self._length = 0
        self._skipped: list[str] = []
        self._unread: list[str] = []

    def add(self, part: str, text: str) -> None:
        """Append ``text`` as a part named ``part`` (blank texts add nothing).

        Raises ``DocumentError`` past ``Limits.max_text_chars``.
        """
        text = text.strip("\n")
        if not text.strip():
            return
        if _LONE_SURROGATE.search(text):
            # No letter (readers decode their bytes as text), and nothing later (a redacted
            # copy, stdout, the audit log, the model) could write it.
            text = _LONE_SURROGATE.sub("\ufffd", text)
        if self._pieces:
            self._pieces.append(PART_SEPARATOR)
            self._length += len(PART_SEPARATOR)
        start = self._length
        self._length += len(text)
        if self._length > self.limits.max_text_chars:
            raise DocumentError(
                f"{self.name}: its text is longer than {self.limits.max_text_chars} characters"
            )
        self._pieces.append(text)
        self._parts.append(Part(part, start, self._length))

    def add_properties(self, lines: list[str]) -> None:
        """Document properties as ``name: value`` lines: the part ``metadata`` as they
        stand (a policy's label mapping reads the names), and ``properties``, each value on
        a line of its own, the way a header shows its text (a title, subject or keyword of
        ``NATO SECRET`` is read as a banner)."""
        self.add("metadata", "\n".join(lines))
        values: list[str] = []
        for line in lines:
            name, _, value = line.partition(": ")
            if _LIST_PROPERTY.search(name):  # keywords; tags: one item a line
                values.extend(item.strip() for item in re.split(r"[;,]", value))
            else:
                values.append(value)
        self.add("properties", "\n".join(values))

    def skip(self, note: str) -> None:
        self._skipped.append(note)

    def not_opened(self, label: str, where: str, error: DocumentError) -> None:
        """Say that the document ``label`` inside this one (``where``: the name it was read
        under) did not open: a note, or, nested too deep (``TooDeep``), unread."""
        note = f"{label}: {error.message.removeprefix(where).strip(' :')}"
        (self._unread if isinstance(error, TooDeep) else self._skipped).append(note)

    def add_nested(self, prefix: str, nested: Document) -> None:
        """Add a document read inside this one: each of its parts as ``PREFIX: PART``,
        and what it skipped or left unread."""
        for part in nested.parts:
            self.add(f"{prefix}: {part.name}", nested.text[part.start : part.end])
        self._skipped.extend(nested.skipped)
        self._unread.extend(nested.unread)

    def build(self, format: str) -> Document:
        return Document(
            format,
            "".join(self._pieces),
            tuple(self._parts),
            tuple(self._skipped),
            unread=tuple(self._unread),
        )
