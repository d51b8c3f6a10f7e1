"""A definition list's term (red team 12's everyday text): a lone word in small letters on
its line with its definition below it is a glossary's or a dictionary's entry, not a
banner line (reStructuredText's definition lists and ``.. glossary::``, ``   secret`` /
``      A value kept from …``; Markdown Extra's and Pandoc's ``secret`` / ``: A value…``).

A banner line in small letters (``secret``) reads as a marking; where its next line is
its definition, more indented than the term (rST) or opened by ``:`` or ``~`` and a blank
(after one empty line too), the line names the word, emphasised or not (``**secret**``); an
AsciiDoc labelled list's term (``secret::``) names it whatever follows. A marking in
capitals is a marking whatever follows. The stream holds such a line until its next line
(or the one after an empty line) is complete (``detect.ContextUnit``).
"""

from __future__ import annotations

from milai._lazyre import lazy_compile

# A definition's first line in Markdown Extra or Pandoc: up to three blanks, ``:`` or ``~``,
# then a blank (the skeleton view writes tabs as blanks).
_DEFINITION_RE = lazy_compile(r" {0,3}[:~] ")


# Emphasis or code around a term (``**secret**``, ``*secret*``, ```secret```), and what
# ends an AsciiDoc labelled list's term (``secret::``, ``secret;;``).
_TERM_MARKUP = "*_`"
_LABEL_ENDS = ("::", ";;", ":::", "::::")


def term_line(line: str, marking: str) -> bool | None:
    """Whether ``line`` (original text, no line break) holds only ``marking``, written in
    small letters, perhaps emphasised, and blanks: what a definition list's term looks
    like (True: its definition must follow); None when it is none. An AsciiDoc labelled
    list's term (``secret::``) is one whatever follows: False (nothing to wait for)."""
    # small letters: cased letters, none a capital (Braille and other caseless scripts
    # have no small letters: their banner stays a banner)
    if any(ch.isupper() for ch in marking) or not any(ch.islower() for ch in marking):
        return None
    term = line.strip()
    labelled = term.endswith(_LABEL_ENDS)
    if labelled:
        term = term.rstrip(":;")
    if term.strip(_TERM_MARKUP) != marking:
        return None
    return not labelled


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def defined(term: str, after: str, final: bool) -> bool | None:
    """Whether the term's line ``term`` (skeleton view) is followed by its definition in
    ``after`` (the skeleton view from the next line on): None while the lines that tell
    have not all come (``final``: they never will)."""
    lines = after.split("\n", 2)
    if len(lines) == 1 and not final:
        return None  # the next line is not complete yet
    first = lines[0]
    if first.strip():
        return _indent(first) > _indent(term) or _DEFINITION_RE.match(first) is not None
    if len(lines) == 2 and not final:
        return None  # an empty line: the next may open a definition
    return len(lines) >= 2 and _DEFINITION_RE.match(lines[1]) is not None
