"""OpenDocument text (``.odt``/``.ott``): body, page headers and footers (in styles.xml),
footnotes, endnotes, annotations, tracked deletions, hidden text and the properties in
meta.xml (user-defined ones included)."""

from __future__ import annotations

from collections.abc import Callable
from xml.etree.ElementTree import Element

from milai.documents._capitals import CAPS, SMALL_CAPS, shown_in_capitals
from milai.documents._model import DocumentBuilder, DocumentError
from milai.documents._xml import blocks, events, local, parse, property_lines
from milai.documents._zip import BoundedZip

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
# Where a part's styles end and its text begins: the styles are read before it.
_STYLES_END = frozenset({"body", "master-styles"})
_MAX_STYLES = 20_000
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

    cases: dict[str, str | None] = {}
    if "styles.xml" in archive:
        cases.update(_style_cases(archive, "styles.xml"))
        # text only in headers, footers
        _paragraphs(archive, "styles.xml", emit, body=None, cases=dict(cases))
    if "content.xml" in archive:
        content = {**cases, **_style_cases(archive, "content.xml")}
        _paragraphs(archive, "content.xml", emit, body="body", cases=content)
    for member in sorted(archive.names()):
        if member.endswith("/content.xml"):  # an embedded object: a chart, a formula
            _paragraphs(archive, member, emit, body="drawing", cases={})
    for kind in _ORDER:
        builder.add(kind, "\n".join(found[kind]))
    if "meta.xml" in archive:
        root = parse(archive.read("meta.xml"), f"{builder.name}: meta.xml")
        for meta in root:
            if local(meta.tag) == "meta":
                builder.add_properties(property_lines(meta))


def _style_cases(archive: BoundedZip, member: str) -> dict[str, str | None]:
    """The styles of ``member`` (its common and automatic styles, read up to its text)
    by name, each with the case it shows its text in (``fo:text-transform="uppercase"``:
    capitals, ``fo:font-variant="small-caps"``: small capitals; None: as written), a
    style without its own taking its parent's (``style:parent-style-name``)."""
    own: dict[str, str | None] = {}
    parents: dict[str, str] = {}
    where = f"{archive.name}: {member}"
    with archive.open(member) as stream:
        for event, element in events(stream, where):
            name = local(element.tag)
            if event == "start":
                if name in _STYLES_END or len(own) > _MAX_STYLES:
                    break
                continue
            if name != "style":
                continue
            style_name = element.get(f"{{{STYLE}}}name")
            if style_name:
                own[style_name] = _case_of(element)
                parent = element.get(f"{{{STYLE}}}parent-style-name")
                if parent:
                    parents[style_name] = parent
            element.clear()
    cases: dict[str, str | None] = {}
    for style_name, case in own.items():
        seen = {style_name}
        at = style_name
        while case is None and at in parents and parents[at] not in seen:
            at = parents[at]
            seen.add(at)
            case = own.get(at)
        cases[style_name] = case
    return cases


def _case_of(style: Element) -> str | None:
    for child in style:
        if local(child.tag) != "text-properties":
            continue
        transform = (child.get(f"{{{FO}}}text-transform") or "").strip().lower()
        if transform == "uppercase":
            return CAPS
        if (child.get(f"{{{FO}}}font-variant") or "").strip().lower() == "small-caps":
            return SMALL_CAPS
    return None


def _paragraphs(
    archive: BoundedZip,
    member: str,
    emit: Emit,
    *,
    body: str | None,
    cases: dict[str, str | None],
) -> None:
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
                _paragraph(paragraph, part, emit, cases)
            except RecursionError:
                raise DocumentError(f"{where}: elements nested too deeply") from None


def _paragraph(block: Element, part: str, emit: Emit, cases: dict[str, str | None]) -> None:
    out: list[str] = []

    def walk(element: Element) -> None:
        name = local(element.tag)
        case = cases.get(element.get(f"{{{TEXT}}}style-name") or "") if cases else None
        if case is not None and name == "span":
            start = len(out)
            _walk_children(element)
            out[start:] = [shown_in_capitals(text, case) for text in out[start:]]
        elif name == "s":
            out.append(" " * _count(element.get(f"{{{TEXT}}}c")))
        elif name == "tab":
            out.append("\t")
        elif name == "line-break":
            out.append("\n")
        elif name in _BLOCKS:  # a paragraph in a frame or text box inside this one
            _paragraph(element, part, emit, cases)
        elif name == "annotation":
            _blocks_under(element, "comment", emit, cases)
        elif name == "note":
            note_class = element.get(f"{{{TEXT}}}note-class", "footnote")
            _blocks_under(
                element, "endnote" if note_class == "endnote" else "footnote", emit, cases
            )
        elif name not in ("note-citation", "annotation-end", "change", "change-start"):
            _walk_children(element)

    def _walk_children(element: Element) -> None:
        out.append(element.text or "")
        for child in element:
            walk(child)
            out.append(child.tail or "")

    _walk_children(block)
    text = "".join(out)
    block_case = cases.get(block.get(f"{{{TEXT}}}style-name") or "") if cases else None
    emit(part, shown_in_capitals(text, block_case))


def _blocks_under(element: Element, part: str, emit: Emit, cases: dict[str, str | None]) -> None:
    for child in element:
        if local(child.tag) in _BLOCKS:
            _paragraph(child, part, emit, cases)
        elif local(child.tag) not in ("creator", "date", "date-string"):
            _blocks_under(child, part, emit, cases)


def _count(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1
