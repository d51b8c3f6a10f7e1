"""Markings inside a file's name (red team 11): ``OPLAN_4711_(NATO_SECRET).pdf``,
``minutes_SECRET_UE_v2.docx``. A name is a word without blanks that ends in an extension;
its parts are cut at underscores, hyphens and dots, and brackets and the name's ends
bound them. A run of parts that starts and ends with a capital is read as a cell (a
marking in capitals, alone in it, counts) when what is next to it on each side is no word
in capitals: a bracket, an end, a number, a word in small letters (``SECRET_KEY.txt`` and
``README_CONFIDENTIAL.md`` are names of things, ``secret_santa.xlsx`` is in small letters);
a name of one word is a class's or a thing's (``SECRET.java``).
"""

from __future__ import annotations

import re

from milai._lazyre import lazy_compile

_MAX_PARTS = 6  # the most parts of a run (VS-NUR_FÜR_DEN_DIENSTGEBRAUCH)
# A file's name: no blank, an extension of letters and digits that starts with a letter.
_NAME_RE = lazy_compile(
    r"(?<![^\s\"'`<>(\[{:=,;|*])[^\s\"'`<>{}|*:,;=/\\]{3,200}?\.[A-Za-z][A-Za-z0-9]{1,4}"
    r"(?![\w\-]|\.[^\W_])"
)
# A part of a name, and what may stand between two parts of a run.
_PART_RE = lazy_compile(r"[^\W_]+")
_JOIN = frozenset("_-.")


def _capital_word(part: str) -> bool:
    return part.isalpha() and part.isupper() and len(part) > 1


def file_name_cells(line: str) -> list[tuple[int, int]]:
    """The spans of ``line`` that runs of parts of its file names cover (see the module)."""
    spans: list[tuple[int, int]] = []
    for name in _NAME_RE.finditer(line):
        stem_end = line.rfind(".", name.start(), name.end())
        parts = list(_PART_RE.finditer(line, name.start(), stem_end))
        if not any(_capital_word(part.group()) for part in parts):
            continue
        for first in range(len(parts)):
            if not parts[first].group()[0].isupper():
                continue
            for last in range(first, min(first + _MAX_PARTS, len(parts))):
                if last > first:
                    between = line[parts[last - 1].end() : parts[last].start()]
                    if not between or any(ch not in _JOIN for ch in between):
                        break  # a bracket or a blank ends a run
                if not parts[last].group()[0].isupper():
                    continue
                start, end = parts[first].start(), parts[last].end()
                if first == last and len(parts) == 1:
                    continue  # SECRET.java: a name alone, a class's or a key's
                if _bounded(line, parts, first, last):
                    spans.append((start, end))
    return spans


def _bounded(line: str, parts: list[re.Match[str]], first: int, last: int) -> bool:
    """Whether no word in capitals is glued to the run on either side."""
    if first > 0:
        before = parts[first - 1]
        glue = line[before.end() : parts[first].start()]
        if glue and all(ch in _JOIN for ch in glue) and _capital_word(before.group()):
            return False
    if last + 1 < len(parts):
        after = parts[last + 1]
        glue = line[parts[last].end() : after.start()]
        if glue and all(ch in _JOIN for ch in glue) and _capital_word(after.group()):
            return False
    return True
