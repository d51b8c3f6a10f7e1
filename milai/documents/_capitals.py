"""Text that a document shows in capitals though its source holds small letters: Word's
``<w:caps/>`` and ``<w:smallCaps/>`` run properties, OpenDocument's
``fo:text-transform="uppercase"`` and ``fo:font-variant="small-caps"`` styles, CSS's
``text-transform: uppercase`` and ``font-variant: small-caps``.

The text is read as rendered: ``caps`` (all capitals) shows every letter as its capital
(``nato secret`` and ``Secret garden`` read ``NATO SECRET`` and ``SECRET GARDEN``, as the
same words typed in capitals would); ``smallcaps`` shows a word in small letters in
capitals and leaves a word with a capital in it as written (small capitals show the
difference: ``Secret Santa``), as the gate reads LaTeX's ``\\textsc{…}``. One character
stays one character (``ß`` stays ``ß``).
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from milai.documents._xml import local

CAPS = "caps"
SMALL_CAPS = "smallcaps"
_OFF = frozenset({"0", "false", "off", "none"})
_WORD = re.compile(r"[^\W\d_]+")
# A CSS declaration that shows an element's text in capitals or small capitals.
CSS_CAPITALS = re.compile(
    r"(?<![\w-])(?:text-transform\s*:\s*(?P<upper>uppercase)"
    r"|font-variant(?:-caps)?\s*:\s*(?P<small>(?:all-)?small-caps))(?![\w-])",
    re.IGNORECASE,
)


def _upper(text: str) -> str:
    upper = text.upper()
    if len(upper) == len(text):
        return upper
    return "".join(ch.upper() if len(ch.upper()) == 1 else ch for ch in text)


def shown_in_capitals(text: str, case: str | None) -> str:
    """``text`` as shown in ``case`` (``CAPS``, ``SMALL_CAPS`` or None: as written)."""
    if case == CAPS:
        return _upper(text)
    if case == SMALL_CAPS:
        return _WORD.sub(lambda m: _upper(m.group()) if m.group().islower() else m.group(), text)
    return text


def css_case(style: str) -> str | None:
    """The case a CSS declaration list (an inline ``style``) shows its text in."""
    found = None
    for match in CSS_CAPITALS.finditer(style):
        if match.group("upper"):
            return CAPS
        found = SMALL_CAPS
    return found


def _own_case(properties: Element) -> str | None:
    """The case a run's properties (``<w:rPr>``) set: ``CAPS``, ``SMALL_CAPS``, ``""``
    (turned off by ``w:val``), or None (not set)."""
    found = None
    for prop in properties:
        name = local(prop.tag)
        if name not in ("caps", "smallCaps"):
            continue
        value = next((v for k, v in prop.attrib.items() if local(k) == "val"), "1")
        if value.strip().lower() in _OFF:
            found = found or ""
        elif name == "caps":
            return CAPS
        else:
            found = SMALL_CAPS
    return found


def _style_of(properties: Element, name: str) -> str | None:
    for prop in properties:
        if local(prop.tag) == name:
            return next((v for k, v in prop.attrib.items() if local(k) == "val"), None)
    return None


def word_style_cases(styles: Element) -> dict[str, str]:
    """The styles of ``word/styles.xml`` that show their text in capitals, by style id
    (a style without its own case takes its ``w:basedOn`` style's)."""
    own: dict[str, str | None] = {}
    based: dict[str, str] = {}
    for style in styles:
        if local(style.tag) != "style":
            continue
        style_id = next((v for k, v in style.attrib.items() if local(k) == "styleId"), None)
        if not style_id:
            continue
        case = None
        for child in style:
            if local(child.tag) == "rPr":
                case = _own_case(child)
            elif local(child.tag) == "basedOn":
                parent = next((v for k, v in child.attrib.items() if local(k) == "val"), None)
                if parent:
                    based[style_id] = parent
        own[style_id] = case
    cases: dict[str, str] = {}
    for style_id in own:
        at, seen, case = style_id, {style_id}, own[style_id]
        while case is None and at in based and based[at] not in seen:
            at = based[at]
            seen.add(at)
            case = own.get(at)
        if case:
            cases[style_id] = case
    return cases


def paragraph_case(paragraph: Element, styles: dict[str, str]) -> str | None:
    """The case a paragraph's style (``<w:pPr><w:pStyle>``) shows its runs in."""
    if not styles:
        return None
    for child in paragraph:
        if local(child.tag) == "pPr":
            style = _style_of(child, "pStyle")
            return styles.get(style) if style else None
    return None


def run_case(
    run: Element, styles: dict[str, str] | None = None, inherited: str | None = None
) -> str | None:
    """The case a WordprocessingML run (``<w:r>``) is shown in: its own properties
    (``<w:rPr><w:caps/>`` or ``<w:smallCaps/>``, turned off by ``w:val``), else its
    character style's (``w:rStyle``), else ``inherited`` (its paragraph style's)."""
    for child in run:
        if local(child.tag) != "rPr":
            continue
        own = _own_case(child)
        if own is not None:
            return own or None
        style = _style_of(child, "rStyle") if styles else None
        if style and styles and style in styles:
            return styles[style]
    return inherited
