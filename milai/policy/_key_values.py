"""A key's value in structured data and configuration: one reading for YAML (block and
flow), JSON (minified, or escaped inside another JSON string: a tool call's
``arguments``), INI and desktop files, Dockerfile/OCI labels, properties files and logfmt.

What a key's value says, one rule each way (issue 8: no rule has two owners):

* **in capitals, a marking** (red team 12, as cells of the line: ``values``):
  - after YAML node properties, a tag or an anchor or both (``banner: !!str NATO
    SECRET``, ``&b``, ``!<tag:yaml.org,2002:str>``), in block and flow style;
  - as the value of a YAML flow mapping, which ends at its ``,`` or ``}``
    (``{banner: NATO SECRET, owner: ops}``);
  - at the start of a text that a key names (a description, title, name, summary,
    subject, comment, label, caption, tooltip…: ``description: SECRET UE export job``,
    ``- name: NATO CONFIDENTIAL backup``, ``LABEL description="NATO SECRET convoy plan"``,
    ``"title": "…"``, ``InfoTip=CONFIDENTIEL LUX dossier``, systemd's ``Description=``): its
    first words are read as a subject line's are, whatever words follow;
  - as an item of a list that a key names (keywords, tags, categories…: ``Keywords:
    SECRET UE, convoy``, ``categories: [NATO SECRET, logistics]``), the first item too;
* **in small letters, bare, a setting** (``setting``): the value of a key spelled as code,
  words joined by dots or underscores (``security.level=restricted``, ``ui_mode:
  confidential``), is a program's setting; real markings are written in capitals.

Everyday text stays prose: a value in prose case (``description: Secret rotation job``,
``title: Secret Garden``), in small letters (``keywords: secret, password, vault``), a
code name (``name: SECRET_KEY``), a YAML tag without a marking (``secret: !vault |``).
Only a cell in capitals counts (the cell unit's reading), and a key's text is read only
where a key stands: at a line's start (after a list's dashes), inside a flow mapping, in
quotes (JSON), or before ``=`` (INI, labels, logfmt).
"""

from __future__ import annotations

from bisect import bisect_right

from milai._lazyre import lazy_compile
from milai.policy.patterns import DEFAULT_HEADER_LABELS

_WS = r"[^\S\n]"
# A key's name: a letter, then letters, digits and the joints of dotted, namespaced and
# locale keys (``org.opencontainers.image.title``, ``Name[fr]``, ``acme.eu/title``).
_KEY = r"[^\W\d][\w.\-/@]{0,80}(?:\[[\w@.\-]{1,12}\])?"
# A key, bare or quoted, then "=" (not "==") or ":" before a blank, a quote, a bracket or
# the line's end (``http://`` is no key). Preceded by nothing that glues it to a word.
_KEY_RE = lazy_compile(
    r"(?<![^\s{,;&?(\[])"
    # (blanks inside the quotes where a JSON string's escapes stood: ``_unescaped``)
    r"(?:\"[^\S\n]{0,8}(?P<double>" + _KEY + r")[^\S\n]{0,8}\""
    r"|'(?P<single>"
    + _KEY
    + r")'|(?P<bare>"
    + _KEY
    + r"))"
    + _WS
    + r"{0,3}(?P<sep>=(?!=)|:(?![^\s\"'\[{]))"
    + _WS
    + r"{0,3}"
)
# YAML node properties before a value: a tag (``!!str``, ``!vault``, ``!e!tag``,
# ``!<tag:yaml.org,2002:str>``) and an anchor (``&b``), in either order, each followed by a
# blank. Each property starts with its own sign and holds no blank: linear.
_PROPERTY = r"(?:!(?:<[^<>\s]{1,200}>|[^\s,\[\]{}<]{0,60})|&[^\s,\[\]{}]{1,60})"
_PROPERTIES_RE = lazy_compile(r"(?:" + _PROPERTY + _WS + r"{1,3}){1,2}")
# What may start a line inside a line: a JSON string's escaped line break (``\n``).
_ESCAPED_BREAK_RE = lazy_compile(r"\\r\\n|\\n")
# Backslashes before a quote: a JSON string inside a JSON string (``{\"title\": \"…\"}``).
_ESCAPED_QUOTE_RE = lazy_compile(r"\\{1,8}\"")
# What may stand before a key at a line's start: indentation and a YAML list's dashes.
_LINE_LEAD_RE = lazy_compile(r"[^\S\n]{0,40}(?:-[^\S\n]{1,8}){0,4}")
# A list's items: cut at commas, semicolons and bars; brackets and quotes around them off.
_ITEM_CUT_RE = lazy_compile(r"[,;|]")
_ITEM_STRIP = " \t\"'[](){}"
_WORD_RE = lazy_compile(r"\S{1,60}")
_FIRST_WORDS = 4
# A value worth a cell's reading: two capitals close together, odd case, a letter beyond
# ASCII (a look-alike).
_CAPITALS_RE = lazy_compile(r"[A-Z][^A-Za-z\n]{0,3}[A-Z]|[a-z][A-Z][a-z][A-Z]|[^\x00-\x7f]")
# The parts of a key's name: cut at its joints and before a capital after a small letter
# (camelCase: ``displayName``, ``shortDescription``).
_KEY_JOINT_RE = lazy_compile(r"[./:@]")
_KEY_PART_RE = lazy_compile(r"[A-Z]?[^\W\d_A-Z]+|[A-Z]+(?![^\W\d_A-Z])|\d+")

# Keys whose value is a text to show, read by its first words (English, French, German,
# Dutch, Luxembourgish; desktop and INI files' names too).
TEXT_KEYS = frozenset(
    {
        "description",
        "desc",
        "descr",
        "title",
        "subtitle",
        "name",
        "displayname",
        "genericname",
        "summary",
        "subject",
        "comment",
        "comments",
        "label",
        "caption",
        "banner",
        "header",
        "footer",
        "headline",
        "heading",
        "infotip",
        "tooltip",
        "purpose",
        "abstract",
        "motd",
        # French
        "titre",
        "intitule",
        "intitulé",
        "libelle",
        "libellé",
        "objet",
        "sujet",
        "commentaire",
        "résumé",
        "resume",
        "nom",
        # German, Luxembourgish
        "beschreibung",
        "titel",
        "bezeichnung",
        "betreff",
        "kommentar",
        "bemerkung",
        "zusammenfassung",
        "beschreiwung",
        "bezeechnung",
        # Dutch
        "omschrijving",
        "beschrijving",
        "naam",
        "onderwerp",
        "opmerking",
        "samenvatting",
    }
)
# Keys read by their first words after "=" only (an INI or desktop entry's text, as
# systemd's ``Description=`` is read): after ":" they are as often prose's labels (``Note:
# SECRET documents are locked away``).
_ENTRY_KEYS = frozenset({"note", "text", "message"})
# Keys whose value is a list of words, each item read as a cell.
LIST_KEYS = frozenset(
    {
        "keywords",
        "keyword",
        "tags",
        "tag",
        "categories",
        "category",
        "labels",
        "topics",
        "subjects",
        # French, German, Dutch, Luxembourgish
        "motscles",
        "mots-clés",
        "mots-cles",
        "étiquettes",
        "etiquettes",
        "catégories",
        "schlagwörter",
        "schlagworte",
        "stichwörter",
        "stichworte",
        "kategorien",
        "trefwoorden",
        "sleutelwoorden",
        "categorieën",
        "stéchwierder",
    }
)


# A configuration key as a program spells it: words joined by dots or underscores, glued
# to its "=" or ":" (``security.level=``, ``security_level:``), blanks before it.
# Its words hold no dot or underscore (``[^\W_]``), so each character has one place: linear.
_CONFIG_KEY_RE = lazy_compile(
    r"[^\S\n]*[A-Za-z](?:[^\W_]|-)*(?:[._]+(?:[^\W_]|-)+)+_*[^\S\n]*[=:][^\S\n]*"
)
# A bare value: a letter, then letters, blanks and hyphens (``restricted``, ``top secret``).
_BARE_RE = lazy_compile(r"[^\W\d_](?:[^\W\d]|[ \-]){0,60}")
# A key whose last word names a classification (``security_classification``,
# ``app.einstufung``) is a classification field: its value counts in any case.
_CLASSIFICATION_WORDS = frozenset(label for label in DEFAULT_HEADER_LABELS if " " not in label)
_KEY_WORD_CUT_RE = lazy_compile(r"[._]+")
# What may end a setting's line after its value: blanks, a semicolon, a closing quote.
_SETTING_END = " \t;\"'"
# What a key's name is made of, read back from where a reader found its last word.
_KEY_CHARACTERS = frozenset("._-")


def small_letters(text: str) -> bool:
    """Whether ``text`` is written in small letters that have capitals (``restricted``; not
    small capitals, ``ᴄᴏɴꜰɪᴅᴇɴᴛɪᴇʟ``, which have none and are read as capitals)."""
    return text.islower() and all(not ch.isalpha() or ch.upper() != ch for ch in text)


def key_start(line: str, at: int) -> int:
    """Where the key whose name a reader found at ``at`` in ``line`` starts: back over the
    words and joints of a key spelled as code (``app.classification``, ``data_level``)."""
    while at > 0 and (line[at - 1].isalnum() or line[at - 1] in _KEY_CHARACTERS):
        at -= 1
    return at


def setting(key: str, value: str) -> bool:
    """Whether a key and its value are a program's setting, not a marking (red team 11): a
    key spelled as code, words joined by dots or underscores (``security.level=``,
    ``security_classification:``; ``key`` is the text from the key's start, blanks before it
    allowed, to the value), then a bare value in small letters to the line's end (``value``:
    ``restricted``, ``top secret;``). Real markings are written in capitals
    (``security.level=RESTRICTED`` counts), a quoted value counts in any case, and so does a
    key that is one word (``classification=restricted``) or whose last word names a
    classification (``security_classification: secret``, ``app.classification=restricted``:
    a classification field's value). The one owner of this rule: the
    banner line's reader and the classification field's ask it alike."""
    words = value.strip().rstrip(_SETTING_END)
    name = key.strip().rstrip("=:").rstrip().lower()
    return (
        _CONFIG_KEY_RE.fullmatch(key) is not None
        and _KEY_WORD_CUT_RE.split(name)[-1] not in _CLASSIFICATION_WORDS
        and _BARE_RE.fullmatch(words) is not None
        and small_letters(words)
    )


def _key_kind(key: str, sep: str) -> str | None:
    """ "text" when the key names a text to show, "list" when it names a list of words, by
    its name's last part (``org.opencontainers.image.description``, ``shortTitle``,
    ``Name[fr]``) or whole (``mots-clés``); None otherwise."""
    name = key.split("[", 1)[0].lower()
    last = _KEY_JOINT_RE.split(name)[-1]
    parts = [part.lower() for part in _KEY_PART_RE.findall(key.split("[", 1)[0])]
    for candidate in (name, last, parts[-1] if parts else ""):
        if candidate in TEXT_KEYS or (sep == "=" and candidate in _ENTRY_KEYS):
            return "text"
        if candidate in LIST_KEYS:
            return "list"
    return None


def _unescaped(line: str) -> tuple[str, list[int]]:
    """The line with a JSON string's escapes as blanks (same length): quotes escaped once or
    more (``\\"``) as a plain quote, escaped line breaks as blanks; and where each line
    that such a break starts begins."""
    text = _ESCAPED_QUOTE_RE.sub(lambda m: " " * (len(m.group()) - 1) + '"', line)
    starts = [0]
    if "\\" in text:
        for brk in _ESCAPED_BREAK_RE.finditer(text):
            starts.append(brk.end())
        text = _ESCAPED_BREAK_RE.sub(lambda m: " " * len(m.group()), text)
    return text, starts


def _value_end(text: str, start: int, in_flow: bool, line_end: int) -> int:
    """Where a value that starts at ``start`` ends: its closing quote when quoted, a flow
    mapping's ``,`` or ``}``, else the (inner) line's end."""
    first = text[start : start + 1]
    if first in {'"', "'"}:
        close = text.find(first, start + 1, line_end)
        return line_end if close < 0 else close + 1
    if in_flow:
        found = (text.find(",", start, line_end), text.find("}", start, line_end))
        ends = [at for at in found if at >= 0]
        return min(ends, default=line_end)
    return line_end


def _in_capitals(word: str) -> bool:
    """Whether a word has letters, none of them small (``SANTA``, ``CONVOY``)."""
    return any(ch.isalpha() for ch in word) and not any(ch.islower() for ch in word)


def _first_words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans from ``start`` to the end of each of the value's first words that the value
    ends after, or ordinary words follow: where the next word is in capitals too, the run
    of capitals goes on, a name of its own (``Title: SECRET SANTA``), and the longer span
    is read instead."""
    words = list(
        zip(
            range(_FIRST_WORDS + 1),
            _WORD_RE.finditer(text, start, min(end, start + 240)),
            strict=False,
        )
    )
    spans = []
    for index, word in words[:_FIRST_WORDS]:
        after = words[index + 1][1].group() if index + 1 < len(words) else ""
        if not _in_capitals(after):
            spans.append((start, word.end()))
    return spans


# A line that opens a YAML block scalar, or a value on the next lines, under a key: its
# indentation, list dashes, the key, ":", then "|" or ">" with their indicators, or nothing
# (a comment may end it).
_BLOCK_OPENER_RE = lazy_compile(
    r"[^\S\n]{0,40}(?:-[^\S\n]{1,8}){0,4}(?P<key>[^\W\d][\w.\-/@]{0,80})[^\S\n]{0,3}:"
    r"(?:[^\S\n]{1,3}[|>][+\-]?[1-9]?[+\-]?)?[^\S\n]*(?:#[^\n]*)?"
)


def opens_text_block(line: str) -> bool:
    """Whether ``line`` opens a text that a key names on the lines after it (``description:
    |``, ``summary: >-``, ``title:`` alone): the next line's first words are read as the
    value's (``block_values``)."""
    if ":" not in line:
        return False
    opener = _BLOCK_OPENER_RE.fullmatch(line)
    return opener is not None and _key_kind(opener.group("key"), ":") == "text"


def block_values(line: str) -> list[tuple[int, int]]:
    """The first words of the line after a text block's opener (``  NATO SECRET convoy
    plan`` under ``description: >``), and the line, when it is indented (a block's text
    is) and holds capitals."""
    start = len(line) - len(line.lstrip())
    if start == 0 or _CAPITALS_RE.search(line, start) is None:
        return []
    return [(start, len(line.rstrip())), *_first_words(line, start, len(line))]


def values(line: str) -> list[tuple[int, int]]:
    """The spans of ``line`` (one line of original text) that a key's value in capitals
    gives to read as cells: a value after YAML node properties or in a flow mapping, a
    text's first words, a list's items (see the module's docstring)."""
    if (":" not in line and "=" not in line) or _CAPITALS_RE.search(line) is None:
        return []
    text, starts = _unescaped(line)
    spans: list[tuple[int, int]] = []
    for found in _KEY_RE.finditer(text):
        sep = found.group("sep")
        key = found.group("double") or found.group("single")
        key_at = found.start()
        inner_line = bisect_right(starts, key_at)  # the (inner) line the key stands on
        line_start = starts[inner_line - 1]
        line_end = starts[inner_line] if inner_line < len(starts) else len(text)
        opened = text.rfind("{", line_start, key_at)
        in_flow = opened >= 0 and text.rfind("}", line_start, key_at) < opened
        if key is None:
            key = found.group("bare")
            before = text[line_start:key_at]
            if sep == ":" and not in_flow and _LINE_LEAD_RE.fullmatch(before) is None:
                continue  # a colon mid-line (``see the title: …``) is prose's
        start = found.end()
        properties = _PROPERTIES_RE.match(text, start) if sep == ":" else None
        if properties is not None:
            start = properties.end()
        end = _value_end(text, start, in_flow, line_end)
        inner_start, inner_end = start, end
        if text[start : start + 1] in {'"', "'"}:
            inner_start, inner_end = start + 1, max(start + 1, end - 1)
        if inner_end <= inner_start or _CAPITALS_RE.search(text, inner_start, inner_end) is None:
            continue
        kind = _key_kind(key, sep)
        if properties is not None or in_flow or kind is not None:
            spans.append((inner_start, inner_end))
        if kind is None:
            continue
        spans += _first_words(text, inner_start, inner_end)
        if kind == "list":
            last = inner_start
            for cut in [*_ITEM_CUT_RE.finditer(text, inner_start, inner_end), None]:
                stop = inner_end if cut is None else cut.start()
                item = text[last:stop]
                lead = len(item) - len(item.lstrip(_ITEM_STRIP))
                trail = len(item) - len(item.rstrip(_ITEM_STRIP))
                if stop - trail > last + lead:
                    spans.append((last + lead, stop - trail))
                last = stop + 1
    return list(dict.fromkeys(spans))
