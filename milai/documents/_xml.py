"""XML through defusedxml: no DTD, no entities, no external references (billion laughs and
XXE are refused, not expanded)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Protocol
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring, iterparse

from milai.documents._model import DocumentError

_STATISTIC = re.compile(r"[\d\s.,:TZ+-]*")  # counts and dates: nothing a marking hides in


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def local(tag: str) -> str:
    """``{namespace}name`` → ``name``."""
    return tag.rpartition("}")[2]


def parse(data: bytes, where: str) -> Element:
    """The root element of ``data``. Raises ``DocumentError`` for malformed or hostile XML."""
    try:
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException as error:
        raise DocumentError(f"{where}: refused XML ({type(error).__name__})") from None
    except ParseError as error:
        raise DocumentError(f"{where}: malformed XML ({error})") from None


def events(stream: Readable, where: str) -> Iterator[tuple[str, Element]]:
    """``start``/``end`` events of the XML read from ``stream``, in constant memory as long
    as the caller clears what it has read. Raises ``DocumentError``."""
    try:
        yield from iterparse(stream, events=("start", "end"), forbid_dtd=True)
    except DefusedXmlException as error:
        raise DocumentError(f"{where}: refused XML ({type(error).__name__})") from None
    except ParseError as error:
        raise DocumentError(f"{where}: malformed XML ({error})") from None


def blocks(
    stream: Readable, where: str, names: frozenset[str]
) -> Iterator[tuple[list[str], Element]]:
    """Each outermost element named one of ``names`` (local names: paragraphs), complete,
    with the local names of its ancestors; once the caller moves on it is dropped from the
    tree, so memory stays flat however long the part. Raises ``DocumentError``."""
    local_names: dict[str, str] = {}
    open_elements: list[Element] = []
    depth = 0  # open elements named in ``names``
    for event, element in events(stream, where):
        tag = element.tag
        name = local_names.get(tag)
        if name is None:
            name = local_names[tag] = local(tag)
        if event == "start":
            open_elements.append(element)
            if name in names:
                depth += 1
            continue
        open_elements.pop()
        if name not in names:
            continue
        depth -= 1
        if depth == 0:
            yield [local_names[e.tag] for e in open_elements], element
            element.clear()
            if open_elements:
                open_elements[-1].remove(element)


def property_lines(root: Element) -> list[str]:
    """``name: value`` for each property under ``root`` (Office core/app/custom properties,
    ODF meta.xml): the value on one line, counts and dates left out."""
    lines = []
    for child in root:
        name = child.get("name") or child.get(
            "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}name"
        )
        name = name or local(child.tag)
        value = " ".join(" ".join(child.itertext()).split())
        if value and not _STATISTIC.fullmatch(value):
            lines.append(f"{name}: {value}")
    return lines
