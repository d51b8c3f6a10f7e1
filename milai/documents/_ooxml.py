"""Word documents (Office Open XML, ``.docx``/``.docm``/``.dotx``): body, headers, footers,
footnotes, endnotes, comments, tracked deletions, document and custom properties, and the
sensitivity labels Office writes into them. A run set in capitals (``<w:caps/>``,
``<w:smallCaps/>``: its own, its character style's, its paragraph style's) reads as shown
(``documents._capitals``); a text watermark (VML's ``<v:textpath string="…"/>``, in a
header, also in an ``mc:Fallback``) reads as a line of its own where it stands: a
page-wide marking.

The parts are found by their content types in ``[Content_Types].xml``, not by file names.
Large parts stream through the XML parser paragraph by paragraph (constant memory).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.etree.ElementTree import Element

from milai.documents._capitals import (
    paragraph_case,
    run_case,
    shown_in_capitals,
    word_style_cases,
)
from milai.documents._model import Document, DocumentBuilder, DocumentError
from milai.documents._xml import blocks, local, parse, property_lines
from milai.documents._zip import BoundedZip

CONTENT_TYPES = "[Content_Types].xml"
_WORD_MAIN = ("wordprocessingml.document.main+xml", "wordprocessingml.template.main+xml")
_WORD_MACRO = ("ms-word.document.macroenabled.main+xml", "ms-word.template.macroenabledtemplate")
_KINDS = {  # content-type suffix (lower case) → part
    "wordprocessingml.header+xml": "header",
    "wordprocessingml.footer+xml": "footer",
    "wordprocessingml.footnotes+xml": "footnote",
    "wordprocessingml.endnotes+xml": "endnote",
    "wordprocessingml.comments+xml": "comment",
    "drawingml.chart+xml": "drawing",
    "drawingml.diagramdata+xml": "drawing",
    "wordprocessingml.document.glossary+xml": "glossary",
    "wordprocessingml.settings+xml": "settings",
    "wordprocessingml.styles+xml": "styles",
    "core-properties+xml": "core",
    "extended-properties+xml": "app",
    "custom-properties+xml": "custom",
    "ms-office.classificationlabels+xml": "labels",
}
_CUSTOM_XML = re.compile(r"customXml/item\d+\.xml", re.IGNORECASE)
ReadNested = Callable[[bytes, str], Document]
_PARAGRAPH = frozenset({"p"})
_ORDER = ("header", "body", "footer", "footnote", "endnote", "comment", "drawing", "glossary")
_SKIPPED = {"rPr", "pPr", "sectPr", "tblPr", "instrText", "delInstrText", "Fallback", "fldData"}
_MSIP_NAME = re.compile(r"MSIP_Label_([0-9A-Fa-f-]{36})_Name")
_OTHER_OFFICE = {
    "spreadsheetml": "an Excel workbook",
    "presentationml": "a PowerPoint presentation",
    "ms-excel": "an Excel workbook",
    "ms-powerpoint": "a PowerPoint presentation",
}


def read_docx(archive: BoundedZip, builder: DocumentBuilder, read_nested: ReadNested) -> None:
    """Add every part of the Word document in ``archive`` to ``builder``; embedded documents
    milai reads (Word, OpenDocument, PDF, text) are read with ``read_nested``, the others
    (OLE objects, workbooks, images) are noted as skipped.

    Raises ``DocumentError`` for an Office file that is not a Word document, or a bad part.
    """
    parts = _parts_by_kind(archive, builder.name)
    styles: dict[str, str] = {}
    for member in parts.get("styles", ()):
        styles.update(word_style_cases(parse(archive.read(member), f"{builder.name}: {member}")))
    deleted: list[str] = []
    for kind in _ORDER:
        seen: set[str] = set()  # first-page, even-page and default headers often agree
        for member in sorted(parts.get(kind, ()), key=_natural):
            text = "\n".join(_paragraphs(archive, member, deleted, styles))
            if text not in seen:
                seen.add(text)
                builder.add(kind, text)
    builder.add("deleted", "\n".join(deleted))
    builder.add_properties(_metadata(archive, parts, builder.name))
    for member in sorted(parts.get("embedded", ()), key=_natural):
        where = f"{builder.name}: {member}"
        try:
            nested = read_nested(archive.read(member), where)
        except DocumentError as error:
            builder.not_opened(f"embedded {member}", where, error)
            continue
        builder.add_nested(f"embedded {member}", nested)


def _parts_by_kind(archive: BoundedZip, name: str) -> dict[str, list[str]]:
    """Each member's part, from its content type: the override for its name, else the
    default for its extension (the Open Packaging Conventions' rule)."""
    types = parse(archive.read(CONTENT_TYPES), f"{name}: {CONTENT_TYPES}")
    overrides: dict[str, str] = {}
    defaults: dict[str, str] = {}
    for entry in types:
        content_type = (entry.get("ContentType") or "").lower()
        if local(entry.tag) == "Override":
            overrides[(entry.get("PartName") or "").lstrip("/").lower()] = content_type
        elif local(entry.tag) == "Default":
            defaults[(entry.get("Extension") or "").lower()] = content_type
    parts: dict[str, list[str]] = {}
    for member in archive.names():
        extension = member.rpartition(".")[2].lower() if "." in member else ""
        content_type = overrides.get(member.lower()) or defaults.get(extension, "")
        kind = _kind(content_type, member)
        if kind is not None:
            parts.setdefault(kind, []).append(member)
        for marker, what in _OTHER_OFFICE.items():
            if marker in content_type and "main" in content_type:
                raise DocumentError(
                    f"{name} is {what}: milai reads Word, OpenDocument text, PDF, HTML, "
                    "e-mail and text documents"
                )
    if "body" not in parts and "word/document.xml" in archive:
        parts["body"] = ["word/document.xml"]  # a package that declares no content type
    if "body" not in parts:
        raise DocumentError(f"{name} is an Office file without a Word document in it")
    return parts


def _kind(content_type: str, member: str) -> str | None:
    if content_type.endswith(_WORD_MAIN) or any(m in content_type for m in _WORD_MACRO):
        return "body"
    for suffix, kind in _KINDS.items():
        if content_type.endswith(suffix):
            return kind
    if _CUSTOM_XML.fullmatch(member):
        return "customxml"
    if member.lower().startswith("word/embeddings/") and not member.endswith("/"):
        return "embedded"
    return None


def _paragraphs(
    archive: BoundedZip, member: str, deleted: list[str], styles: dict[str, str]
) -> list[str]:
    """The paragraphs of one WordprocessingML part, as they read now (insertions kept,
    deletions left out); each changed paragraph as it read before goes to ``deleted``."""
    lines: list[str] = []
    where = f"{archive.name}: {member}"
    with archive.open(member) as stream:
        for _, paragraph in blocks(stream, where, _PARAGRAPH):
            try:
                _paragraph(paragraph, lines.append, deleted.append, styles)
            except RecursionError:
                raise DocumentError(f"{where}: elements nested too deeply") from None
    return lines


def _paragraph(
    p: Element,
    emit: Callable[[str], None],
    emit_before: Callable[[str], None],
    styles: dict[str, str],
) -> None:
    inherited = paragraph_case(p, styles)
    now: list[str] = []
    before: list[str] = []
    changed = False

    def walk(element: Element, state: str) -> None:
        nonlocal changed
        name = local(element.tag)
        if name in _SKIPPED:
            return
        if name == "docPr":  # a drawing's title and alt text
            for attribute in ("title", "descr"):
                if element.get(attribute):
                    emit(" ".join(str(element.get(attribute)).split()))
            return
        if name == "p":  # a paragraph in a text box inside this one
            _paragraph(element, emit, emit_before, styles)
            return
        if name == "textpath":  # a VML watermark's text (WordArt): a page-wide marking
            if element.get("string"):
                emit(" ".join(str(element.get("string")).split()))
            return
        if name == "r":
            case = run_case(element, styles, inherited)
            if case is not None:
                start_now, start_before = len(now), len(before)
                for child in element:
                    walk(child, state)
                now[start_now:] = [shown_in_capitals(t, case) for t in now[start_now:]]
                before[start_before:] = [shown_in_capitals(t, case) for t in before[start_before:]]
                return
        if name in ("t", "delText"):
            text = element.text or ""
            if name == "delText" or state == "del":
                changed = True
                before.append(text)
            else:
                now.append(text)
                if state != "ins":
                    before.append(text)
            return
        if name in ("tab", "ptab", "br", "cr", "noBreakHyphen"):
            char = {"tab": "\t", "ptab": "\t", "noBreakHyphen": "-"}.get(name, "\n")
            now.append(char)
            before.append(char)
            return
        if name in ("ins", "moveTo"):
            changed = True
            state = "ins"
        elif name in ("del", "moveFrom"):
            changed = True
            state = "del"
        elif name == "AlternateContent":  # the same content twice: read the first choice
            _fallback_watermarks(element, emit)
            for child in element:
                if local(child.tag) == "Choice":
                    walk(child, state)
                    return
        for child in element:
            walk(child, state)

    for child in p:
        walk(child, "")
    emit("".join(now))
    if changed:
        emit_before("".join(before))


def _fallback_watermarks(alternate: Element, emit: Callable[[str], None]) -> None:
    """The VML watermarks (``<v:textpath string="…"/>``) that only an ``mc:Fallback``
    draws: Word writes a watermark's WordArt so, its choice a drawing without that text."""
    for child in alternate:
        if local(child.tag) != "Fallback":
            continue
        for element in child.iter():
            if local(element.tag) == "textpath" and element.get("string"):
                emit(" ".join(str(element.get("string")).split()))


def _metadata(archive: BoundedZip, parts: dict[str, list[str]], name: str) -> list[str]:
    lines: list[str] = []
    for kind in ("core", "app", "custom"):
        for member in parts.get(kind, ()):
            root = parse(archive.read(member), f"{name}: {member}")
            lines.extend(property_lines(root))
    labels = [_MSIP_NAME.match(line.partition(":")[0]) for line in lines]
    for match, line in zip(labels, list(lines), strict=True):
        if match is not None:
            # The label's name as the document's classification, a field the gate reads as a
            # marking (a policy maps any label id or name to a level: labels.sensitivity).
            lines.append(f"classification: {line.partition(':')[2].strip()}")
    for member in parts.get("settings", ()):
        root = parse(archive.read(member), f"{name}: {member}")
        for variable in root.iter():
            if local(variable.tag) == "docVar":
                values = {local(key): value for key, value in variable.attrib.items()}
                if values.get("name") and values.get("val"):
                    lines.append(f"{values['name']}: {' '.join(values['val'].split())}")
    for member in sorted(parts.get("customxml", ()), key=_natural):
        root = parse(archive.read(member), f"{name}: {member}")
        if local(root.tag) != "schema":  # an XML Schema says what fields exist, not values
            lines.extend(_leaf_lines(root))
    for member in parts.get("labels", ()):
        root = parse(archive.read(member), f"{name}: {member}")
        for label in root.iter():
            if local(label.tag) == "label" and label.get("id"):
                lines.extend(_label_info_lines(label))
    return lines


def _label_info_lines(label: Element) -> list[str]:
    """A label of ``docMetadata/LabelInfo.xml`` (``<clbl:label id="{…}" enabled="1"
    siteId="{…}"/>``) as the ``MSIP_Label_<id>_<Property>: value`` lines Office writes
    into the custom properties, so a policy's label mapping finds it the same way."""
    label_id = str(label.get("id")).strip().strip("{}")
    lines = [] if label.get("enabled") else [f"MSIP_Label_{label_id}_Enabled: true"]
    for attribute, value in label.attrib.items():
        name = local(attribute)
        if name != "id" and value.strip():
            value = value.strip()
            if name in ("enabled", "removed"):
                value = {"1": "true", "0": "false"}.get(value, value)
            lines.append(f"MSIP_Label_{label_id}_{name[:1].upper()}{name[1:]}: {value}")
    return lines


def _leaf_lines(root: Element) -> list[str]:
    """``name: text`` for each element of ``root`` that holds text and no elements."""
    lines = []
    for element in root.iter():
        text = " ".join((element.text or "").split())
        if text and len(element) == 0:
            lines.append(f"{local(element.tag)}: {text}")
    return lines


def _natural(member: str) -> tuple[str, int]:
    # A whole run of digits, searched once (from every digit, a long run was quadratic),
    # and short enough for int() (Python refuses more than 4300 digits).
    digits = re.search(r"(?<!\d)(\d{1,9})\.xml$", member)
    return (member.rsplit("/", 1)[0], int(digits.group(1)) if digits else 0)
