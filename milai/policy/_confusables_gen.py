"""Generate ``_confusables.py`` from the Unicode UTS #39 confusables data (developer tool).

The data comes from the ``confusable-homoglyphs`` package (a dev dependency), whose
``confusables.json`` is built from Unicode's ``confusables.txt``. That file pairs each
source character with its prototype; the JSON stores the pairs in both directions, so
every confusable class is a star around its prototype. We keep what matching Latin
markings and codewords needs: each non-ASCII character whose class has an ASCII
prototype (letters and digits, or else punctuation), and the classes that join several
ASCII spellings of letters (``0``/``O``, ``1``/``l``/``I``).

Run ``python -m milai.policy._confusables_gen`` to rewrite the vendored file; a test
checks that the vendored file is what this generator produces.
"""

from __future__ import annotations

import json
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

SOURCE_PACKAGE = "confusable-homoglyphs==3.3.1"
TARGET = Path(__file__).with_name("_confusables.py")


def _load_pairs() -> dict[str, list[str]]:
    data_file = resources.files("confusable_homoglyphs").joinpath("confusables.json")
    raw: dict[str, list[dict[str, Any]]] = json.loads(data_file.read_text(encoding="utf-8"))
    return {key: [str(entry["c"]) for entry in entries] for key, entries in raw.items()}


def _classes(pairs: dict[str, list[str]]) -> list[set[str]]:
    parent: dict[str, str] = {}

    def find(item: str) -> str:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for key, others in pairs.items():
        for other in others:
            root_a, root_b = find(key), find(other)
            if root_a != root_b:
                parent[root_a] = root_b
    groups: dict[str, set[str]] = defaultdict(set)
    for item in list(parent):
        groups[find(item)].add(item)
    return list(groups.values())


def _has_alnum(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def build() -> tuple[dict[str, str], list[list[str]]]:
    """(non-ASCII character → ASCII prototype, classes of ASCII spellings)."""
    pairs = _load_pairs()
    degree = {key: len(value) for key, value in pairs.items()}
    to_ascii: dict[str, str] = {}
    ascii_classes: list[list[str]] = []
    for members in _classes(pairs):
        # Prefer a prototype with letters or digits; punctuation look-alikes fold to
        # ASCII punctuation (right quote to ', en dash to -), which keeps the views one
        # byte per character.
        ascii_members = sorted(m for m in members if m.isascii() and _has_alnum(m)) or sorted(
            m for m in members if m.isascii() and m.strip()
        )
        if not ascii_members:
            continue
        # The prototype is the star's centre; a two-member class has no centre, so any
        # ASCII member will do (the other member is the non-ASCII look-alike).
        centre = max(members, key=lambda m: (degree.get(m, 0), m.isascii(), m))
        prototype = centre if centre in ascii_members else ascii_members[0]
        for member in members:
            if len(member) == 1 and not member.isascii():
                to_ascii[member] = prototype
        spellings = sorted(m for m in members if m.isascii())
        if len(spellings) > 1 and any(_has_alnum(m) for m in spellings):
            ascii_classes.append(spellings)
    return dict(sorted(to_ascii.items())), sorted(ascii_classes)


def render() -> str:
    to_ascii, ascii_classes = build()
    lines = [
        '"""Unicode UTS #39 confusables folded to ASCII: GENERATED, do not edit.',
        "",
        f"Source: {SOURCE_PACKAGE} (confusables.json, from Unicode confusables.txt).",
        "Regenerate with ``python -m milai.policy._confusables_gen``.",
        '"""',
        "",
        "# non-ASCII character -> its ASCII prototype",
        "TO_ASCII: dict[str, str] = {",
    ]
    lines += [f"    {key!a}: {value!a}," for key, value in to_ascii.items()]
    lines.append("}")
    lines.append("")
    lines.append("# ASCII spellings that UTS #39 declares confusable with one another")
    lines.append("ASCII_CLASSES: tuple[tuple[str, ...], ...] = (")
    lines += [f"    {tuple(group)!r}," for group in ascii_classes]
    lines.append(")")
    return "\n".join(lines) + "\n"


def main() -> None:
    TARGET.write_text(render(), encoding="ascii")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
