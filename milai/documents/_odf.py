"""OpenDocument text (``.odt``/``.ott``): body, page headers and footers (in styles.xml),
footnotes, endnotes, annotations, tracked deletions, hidden text and the properties in
meta.xml (user-defined ones included)."""

from __future__ import annotations

from collections.abc import Callable
from xml.etree.ElementTree import Element

from milai.documents._model import DocumentBuilder, DocumentError
from milai.documents._xml import blocks, local, parse, property_lines
from milai.documents._zip import BoundedZip

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"
_BLOCKS = frozenset({"p", "h"})
_AREAS = {  # ancestors that say which part a paragraph belongs to
    "header": "header",
    "header-left": "header",
    "header-first": "header",
    "footer": "footer",
    "footer-left": "footer",
    "footer-first": "footer",
    "tracked-changes": "deleted",
}
_ORDER = ("header", "body", "footer", "footnote", "endnote", "comment", "drawing", "deleted")

Emit = Callable[[str, str], None]


def read_odt(archive: BoundedZip, mimetype: str, builder: DocumentBuilder) -> None:
    """Add every part of the OpenDocument text in ``archive`` to ``builder``.

    Raises ``DocumentError`` for another kind of OpenDocument file or a bad part.
    """
    if not mimetype.startswith(ODT_MIMETYPE):
        kind = mimetype.rpartition(".")[2] or "unknown"
        raise DocumentError(
            f"{builder.name} is an OpenDocument {kind} file: milai reads OpenDocument text"
        )
    found: dict[str, list[str]] = {kind: [] for kind in _ORDER}

    def emit(part: str, text: str) -> None:
        found[part].append(text)

    if "styles.xml" in archive:
        _paragraphs(archive, "styles.xml", emit, body=None)  # text only in headers, footers
    if "content.xml" in archive:
        _paragraphs(archive, "content.xml", emit, body="body")
    for member in sorted(archive.names()):
        if member.endswith("/content.xml"):  # an embedded object: a chart, a formula
            _paragraphs(archive, member, emit, body="drawing")
    for kind in _ORDER:
        builder.add(kind, "\n".join(found[kind]))
    if "meta.xml" in archive:
        root = parse(archive.read("meta.xml"), f"{builder.name}: meta.xml")
        for meta in root:
            if local(meta.tag) == "meta":
                builder.add_properties(property_lines(meta))


def _paragraphs(archive: BoundedZip, member: str, emit: Emit, *, body: str | None) -> None:
    """Emit the paragraphs of ``member``, those outside any header, footer or tracked
    change as ``body`` (None: leave them out)."""
    where = f"{archive.name}: {member}"
    with archive.open(member) as stream:
        for ancestors, paragraph in blocks(stream, where, _BLOCKS):
            areas = [_AREAS[name] for name in ancestors if name in _AREAS]
            part = areas[-1] if areas else body
            if part is None:
                continue
            try:
                _paragraph(paragraph, part, emit)
            except RecursionError:
                raise DocumentError(f"{where}: elements nested too deeply") from None


def _paragraph(block: Element, part: str, emit: Emit) -> None:
    out: list[str] = []

    def walk(element: Element) -> None:
        name = local(element.tag)
        if name == "s":
            out.append(" " * _count(element.get(f"{{{TEXT}}}c")))
        elif name == "tab":
            out.append("\t")
        elif name == "line-break":
            out.append("\n")
        elif name in _BLOCKS:  # a paragraph in a frame or text box inside this one
            _paragraph(element, part, emit)
        elif name == "annotation":
            _blocks_under(element, "comment", emit)
        elif name == "note":
            note_class = element.get(f"{{{TEXT}}}note-class", "footnote")
            _blocks_under(element, "endnote" if note_class == "endnote" else "footnote", emit)
        elif name not in ("note-citation", "annotation-end", "change", "change-start"):
            out.append(element.text or "")
            for child in element:
                walk(child)
                out.append(child.tail or "")

    out.append(block.text or "")
    for child in block:
        walk(child)
        out.append(child.tail or "")
    emit(part, "".join(out))


def _blocks_under(element: Element, part: str, emit: Emit) -> None:
    for child in element:
        if local(child.tag) in _BLOCKS:
            _paragraph(child, part, emit)
        elif local(child.tag) not in ("creator", "date", "date-string"):
            _blocks_under(child, part, emit)


def _count(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1
