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


def run_case(run: Element) -> str | None:
    """The case a WordprocessingML run (``<w:r>``) is shown in, from its own properties
    (``<w:rPr><w:caps/>`` or ``<w:smallCaps/>``, not turned off by ``w:val``)."""
    found = None
    for child in run:
        if local(child.tag) != "rPr":
            continue
        for prop in child:
            name = local(prop.tag)
            if name not in ("caps", "smallCaps"):
                continue
            value = next((v for k, v in prop.attrib.items() if local(k) == "val"), "1")
            if value.strip().lower() in _OFF:
                continue
            if name == "caps":
                return CAPS
            found = SMALL_CAPS
    return found
