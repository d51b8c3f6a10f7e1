"""Markings inside data that a program prints (red team 10): the cells of a line that a
tool or a data format cuts otherwise than a page does, each read as a line of its own.

* a CSV row cut at its commas (``17,Plan de relève,CONFIDENTIEL LUX,4``): a line of three
  fields or more whose commas have no blank after them (prose puts one there);
* the bare items of a bracketed list (YAML's flow sequence ``tags: [NATO SECRET, convoy]``);
* the text after a tool's prefix: grep's ``plan.txt-3-`` and ``plan.txt:3:``, a COBOL
  listing's sequence number (``00010``, a zero first), R's vector index ``[1]`` (and each
  quoted item it prints: `` [1] "TOP SECRET" "Plan"``);
* a chat template's turn, from its token to the next (``[INST] … [/INST] NATO SECRET``,
  ``<|im_start|>assistant``, ``<|assistant|>``, ``<start_of_turn>model``, ``### Response:``),
  the role's name glued to the text or not;
* a string literal in single quotes, backquotes or Bash's ``$'…'`` that holds an escaped
  line break (``'COSMIC TOP SECRET\\n\\nAnnex B'``, Python's repr), read as printed, its
  lines cut as above (a JSON string that holds a CSV table).

Each cell counts as any cell does: a marking in capitals, alone on it as on a banner line.
"""

from __future__ import annotations

from milai._lazyre import lazy_compile
from milai.policy._printed import _unescaped as unescaped
from milai.policy._short_titles import capitals

_MAX_FIELDS = 64
_MIN_RECORD = 4  # the fewest fields of a row with blanks after its delimiters
_MAX_RECORD_FIELD = 40
_MAX_RECORD_WORDS = 5
# A CSV row: fields without a blank after their comma; a quoted field may hold anything
# but a line break ("Doe, J", "a ""b""").
_CSV_FIELD_RES = {
    delimiter: lazy_compile(
        r"\"(?P<quoted>(?:[^\"\n]|\"\"){0,400}+)\"(?=" + delimiter + r"|$)"
        r"|(?P<bare>[^" + delimiter + r"\"\n]{0,400}+)"
    )
    for delimiter in ",;"
}
# Code, not data: a call's bracket glued to its name (``f(a,SECRET,b)``).
_CALL_RE = lazy_compile(r"[^\W\d_]\(")
# A bracketed list of bare items (no quotes, no brackets inside): YAML's flow sequence.
_FLOW_RE = lazy_compile(r"\[(?P<items>[^\[\]\n\"'`]{1,400}+)\]")
# A tool's prefix at the line's start: grep's file name (with an extension or a folder),
# line number and ``-`` or ``:``; a COBOL listing's sequence number; R's vector index.
_PREFIX_RE = lazy_compile(
    r"[^\S\n]{0,8}(?:"
    r"(?:[\w.\-]{1,100}/){0,16}[\w\-]{1,100}\.[A-Za-z0-9]{1,8}(?:[-:]\d{1,7})?[-:]"
    r"|0\d{4,5}(?:[^\S\n]{1,8}|[*/][^\S\n]{0,8})"
    r"|(?P<r>\[\d{1,6}\][^\S\n]{1,4}))"
)
_R_ITEM_RE = lazy_compile(r"\"(?P<item>[^\"\n]{1,400}+)\"")
# A chat template's turn token, the role's name after it, glued or not; and what ends a
# turn.
_TURN_RE = lazy_compile(
    r"\[/INST\]"
    r"|<\|im_start\|>(?:system|user|assistant|tool)?"
    r"|<\|(?:system|user|assistant|model|tool)\|>"
    r"|<start_of_turn>(?:model|user|system)?"
    r"|<\|start_header_id\|>(?:system|user|assistant|tool)<\|end_header_id\|>"
    r"|<\|message\|>"
    # DeepSeek's tokens, their bars in full width
    r"|<\uff5c(?:Assistant|User|System)\uff5c>"
    r"|^[^\S\n]{0,3}#{1,4}[^\S\n]{0,3}(?:Response|Instruction|Input|Answer|Assistant|Human|"
    r"User|System)[^\S\n]{0,2}:"
)
_TURN_END_RE = lazy_compile(
    r"<\|im_end\|>|<end_of_turn>|<\|eot_id\|>|<\|end\|>|</s>|\[INST\]|<\|im_start\|>"
    r"|<start_of_turn>|<\|start_header_id\|>|<\|(?:system|user|assistant|model|tool)\|>"
    r"|<\|(?:start|return|call)\|>|<\uff5c[^<>\n]{1,40}\uff5c>"
)
# A string literal that holds an escaped line break: in single quotes (Bash's ``$'…'``
# too), backquotes or double quotes.
_ESCAPED_RE = lazy_compile(
    r"'(?P<single>(?:[^'\\\n]|\\.){1,800}+)'"
    r"|`(?P<back>(?:[^`\\\n]|\\.){1,800}+)`"
    r"|\"(?P<double>(?:[^\"\\\n]|\\.){1,800}+)\""
)
# What a line must hold for ``data_cells`` to find anything (a cheap first look).
_HINT_RE = lazy_compile(r"[,;\[<#]|\.\w{1,8}[-:]|^[^\S\n]{0,8}(?:0\d{4}|=?\d{3}[^\S\n])")
# A MARC record's field as a library's tools print it (MARCMaker's ``=245  10$aTitle$bRest``,
# ``500 __ |a Note``, ``‡a``): a tag, its indicators, then subfields, each a code letter or
# digit after a delimiter; each subfield's value is a cell.
_MARC_FIELD_RE = lazy_compile(
    r"[^\S\n]{0,8}=?\d{3}[^\S\n]{1,4}(?:[\\#_\d ]{1,2}[^\S\n]{0,4})?(?=[$|‡ǂ][a-z0-9])"
)
_MARC_SUBFIELD_RE = lazy_compile(r"[$|‡ǂ][a-z0-9][^\S\n]?(?P<value>[^$|‡ǂ\n]{1,400}+)")


def data_cells(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` (one line) that its data's format makes cells."""
    if _HINT_RE.search(text) is None:
        return []
    spans = []
    for mark in ",;":
        if mark in text:
            fields = csv_fields(text, mark)
            spans += fields
            spans += letter_runs(text, fields)
    if "[" in text:
        spans += flow_items(text)
    spans += prefixed(text)
    marc = _MARC_FIELD_RE.match(text)
    if marc is not None:
        found = _MARC_SUBFIELD_RE.finditer(text, marc.end())
        spans += [subfield.span("value") for subfield in found]
    if "<" in text or "[" in text or "#" in text:
        spans += turns(text)
    return spans


def letter_runs(text: str, fields: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Runs of fields next to each other that hold one capital letter each, or between two
    of them nothing, a blank, a hyphen or a full stop (``2026-12-01,N,A,T,O, ,S,E,C,R,E,T,jd``,
    ``V,S,-,N,f,D``: a marking spelled a letter a cell): each run from its first letter to
    its last, read as a cell (in capitals, as any)."""
    runs: list[tuple[int, int]] = []
    first = last = -1
    for start, end in [*fields, (-1, -1)]:  # the last, no field: it ends a run
        value = text[start:end] if start >= 0 else "\n"
        letter = len(value) == 1 and value.isalpha() and value.isupper()
        gap = value in ("", " ", "-", ".") and last >= 0  # between two words, in one
        if letter or gap:
            if letter:
                first = start if first < 0 else first
                last = end
            continue
        if first >= 0 and last - first >= 3:  # two letters or more
            runs.append((first, last))
        first = last = -1
    return runs


def csv_fields(text: str, delimiter: str = ",") -> list[tuple[int, int]]:
    """The fields of a CSV row (quotes off): three or more, no blank after a delimiter."""
    if text.count(delimiter) < 2 or _CALL_RE.search(text) is not None:
        return []
    field_re = _CSV_FIELD_RES[delimiter]
    fields: list[tuple[int, int]] = []
    spaced = False
    at = 0
    while True:
        match = field_re.match(text, at)
        if match is None or len(fields) >= _MAX_FIELDS:
            return []
        group = "quoted" if match.group("quoted") is not None else "bare"
        start, end = match.span(group)
        if group == "bare" and fields and text[start : start + 1].isspace() and end - start > 1:
            spaced = True  # a blank after the delimiter: prose, unless a record (below)
        fields.append((start, end))
        at = match.end()
        if at >= len(text) or text[at] != delimiter:
            break
        at += 1
    if at < len(text) and text[at:].strip():
        return []
    if spaced and not _record(text, fields):
        return []
    if _names(text, fields):
        return []
    return fields if len(fields) >= 3 else []


def _record(text: str, fields: list[tuple[int, int]]) -> bool:
    """Whether a row with blanks after its delimiters is a record, not prose: each field
    short (five words at most, no sentence's end), and either four fields or more, the
    first a number (its id), or three or more of which one is a value in capitals beside
    one in lower case and none starts with a list's conjunction (``Plan, NATO SECRET, 3
    pages``; prose lists its items in one case, ``secret, confidential, restricted``, and
    joins the last with "and": ``the EU, NATO and the UN``)."""
    words = [text[start:end].strip() for start, end in fields]
    for field in words:
        if len(field) > _MAX_RECORD_FIELD or len(field.split()) > _MAX_RECORD_WORDS:
            return False
        if field.endswith((".", "!", "?")):
            return False
    if len(fields) >= _MIN_RECORD and words[0].isdigit():
        return True
    return (
        any(_in_capitals(field) for field in words)
        and any(any(char.islower() for char in field) for field in words)
        and not any(
            field.split()[:1] and field.split()[0].lower() in _CONJUNCTIONS for field in words
        )
    )


# A list of names in capitals (an environment variable's value: ``MASK_VARS=API_KEY,SECRET,
# TOKEN``, ``secrets: API_KEY,SECRET``): each field one bare name, the first after what
# names the list and its "=" or ":".
_NAME_FIELD_RE = lazy_compile(r"[A-Z][A-Z0-9_]{0,63}")
_LIST_NAME_RE = lazy_compile(r"(?P<prefix>[^\n]{0,80}[=:])[^\S\n]{0,3}")
# A list whose name says it holds a level, whatever else its value holds.
_LEVEL_NAME_RE = lazy_compile(
    r"(?i)class|level|mark|einstuf|stufe|rubric|niveau|label|banner|caveat"
)
# The names that say such a list names secrets to mask, not a level: a code identifier
# (``API_KEY``, ``AWS2``) or the name of a credential.
_IDENTIFIER_RE = lazy_compile(
    r"[A-Z0-9]*(?:_|\d)[A-Z0-9_]*|(?:TOKENS?|PASSWORDS?|PASSWD|PWD|PASS|KEYS?|PASSPHRASE|PIN"
    r"|CERTS?|AUTH|COOKIES?|SESSION|CREDENTIALS?|CREDS|SALT|HASH|JWT|OTP|SIGNATURE)"
)


def _names(text: str, fields: list[tuple[int, int]]) -> bool:
    """Whether a row is a list of names in capitals, among them a code identifier or a
    credential's name (``REDACT=SECRET,TOKEN,PASSWORD``): names to mask, no marking; a
    value in capitals that a caveat follows (``SECRET,NOFORN``) is a marking's."""
    names = []
    for number, (start, end) in enumerate(fields):
        named = _LIST_NAME_RE.match(text, start, end) if number == 0 else None
        if named is not None:
            if _LEVEL_NAME_RE.search(named.group("prefix")) is not None:
                return False  # CLASSIFICATION=SECRET,KEY: a level's variable holds a level
            start = named.end()
        if _NAME_FIELD_RE.fullmatch(text, start, end) is None:
            return False
        names.append(text[start:end])
    return any(_IDENTIFIER_RE.fullmatch(name) is not None for name in names)


def in_name_list(line: str, start: int, end: int) -> bool:
    """Whether ``line[start:end]`` (a marking's words) stands in a list of names glued by
    commas (see ``_names``): ``MASK_VARS=API_KEY,SECRET,TOKEN``, ``SECRET,TOKEN,PASSWORD``."""
    while start > 0 and (line[start - 1].isalnum() or line[start - 1] in "_,=."):
        start -= 1
    while end < len(line) and (line[end].isalnum() or line[end] in "_,="):
        end += 1
    run = line[start:end]
    if run.count(",") < 1:
        return False
    at, fields = start, []
    for field in run.split(","):
        fields.append((at, at + len(field)))
        at += len(field) + 1
    return _names(line, fields)


# The words that join a prose list's last item (en, fr, de, lb, nl).
_CONJUNCTIONS = frozenset({"and", "or", "et", "ou", "und", "oder", "an", "en", "of"})


def _in_capitals(field: str) -> bool:
    """A field that is a value in capitals: two capitals or more, its words in capitals
    (``NATO SECRET``, ``CUI``, ``Stg. GEHEIM``: ``_short_titles``)."""
    letters = sum(char.isupper() for char in field)
    words = field.split()
    return all(map(capitals, words)) and letters >= 2


def flow_items(text: str) -> list[tuple[int, int]]:
    """The bare items of the bracketed lists on ``text`` (``[NATO SECRET, convoy]``)."""
    spans: list[tuple[int, int]] = []
    for flow in _FLOW_RE.finditer(text):
        at = flow.start("items")
        for item in flow.group("items").split(","):
            spans.append((at, at + len(item)))
            at += len(item) + 1
    return spans


def prefixed(text: str) -> list[tuple[int, int]]:
    """The text after a tool's prefix at the line's start, and R's printed items."""
    prefix = _PREFIX_RE.match(text)
    if prefix is None or prefix.end() >= len(text):
        return []
    spans = [(prefix.end(), len(text))]
    if prefix.group("r") is not None:
        spans += [item.span("item") for item in _R_ITEM_RE.finditer(text, prefix.end())]
    return spans


def turns(text: str) -> list[tuple[int, int]]:
    """Each chat turn's text on ``text``, from its token (and role) to the turn's end."""
    spans: list[tuple[int, int]] = []
    for turn in _TURN_RE.finditer(text):
        end = _TURN_END_RE.search(text, turn.end())
        spans.append((turn.end(), len(text) if end is None else end.start()))
    return spans


def escaped_strings(line: str) -> list[tuple[str, list[int]]]:
    """The string literals of ``line`` that hold an escaped line break, as printed, each
    with every character's offset in ``line``."""
    if "\\n" not in line:
        return []
    found: list[tuple[str, list[int]]] = []
    for literal in _ESCAPED_RE.finditer(line):
        group = literal.lastgroup or "single"
        if "\\n" in literal.group(group):
            found.append(unescaped(line, *literal.span(group)))
    return found


def line_cells(text: str) -> list[tuple[int, int]]:
    """The data cells of each line of ``text`` (a printed string's lines), on ``text``'s
    offsets."""
    spans: list[tuple[int, int]] = []
    at = 0
    for line in text.split("\n"):
        spans += [(at + start, at + end) for start, end in data_cells(line)]
        at += len(line) + 1
    return spans


# Server-sent events (a model's stream, as its reader sees it): consecutive ``data:`` lines,
# blank lines and ``event:``/``id:`` lines between them; each event's text is a JSON delta's
# string (``"content"``, ``"text"``, ``"response"``, ``"token"``) or the payload as it stands
# (one blank after the colon dropped, as the format says). A reader joins the texts.
_SSE_RUN_RE = lazy_compile(
    r"(?m)^data:[^\n]{0,4096}+(?:\n(?:[^\S\n]{0,8}+\n|(?:event|id|retry|):[^\n]{0,400}+\n){0,4}+"
    r"data:[^\n]{0,4096}+){0,255}+"
)
# A model's stream as JSON lines (Ollama's): consecutive lines that are JSON objects.
_NDJSON_RUN_RE = lazy_compile(r"(?m)^\{[^\n]{0,4096}+(?:\n\{[^\n]{0,4096}+){0,255}+")
_SSE_DATA_RE = lazy_compile(
    r"(?m)^(?:data:[^\S\n]?(?P<payload>[^\n]{0,4096}+)|(?P<json>\{[^\n]{0,4096}+))"
)
_SSE_TEXT_RE = lazy_compile(
    r"\"(?:content|text|response|token|delta)\"[^\S\n]{0,3}:[^\S\n]{0,3}"
    r"\"(?P<text>(?:[^\"\\\n]|\\.){0,400}+)\""
)
_SSE_DONE = frozenset({"[DONE]", ""})


def sse_runs(region: str) -> list[tuple[int, int]]:
    """The runs of server-sent events' data lines in ``region``, and of JSON lines that
    hold a model's text."""
    runs = [run.span() for run in _SSE_RUN_RE.finditer(region)] if "data:" in region else []
    if "{" in region and _SSE_TEXT_RE.search(region) is not None:
        runs += [run.span() for run in _NDJSON_RUN_RE.finditer(region)]
    return sorted(runs)


def sse_open(region: str) -> int | None:
    """Where the run of events that ``region`` ends in starts (its next event may go on
    with it), or None."""
    if "data:" not in region and "{" not in region:
        return None
    end = len(region.rstrip())
    for start, stop in reversed(sse_runs(region)):
        tail = region[stop:end]
        if not tail.strip() or all(
            line.startswith(("event:", "id:", "retry:", ":")) for line in tail.split("\n") if line
        ):
            return start
        break
    return None


def sse_texts(block: str) -> list[tuple[str, list[int], list[int]]]:
    """Each run of two events or more in ``block``, their texts joined: the text, each
    character's offset in ``block``, and where each event's text after the first starts."""
    found: list[tuple[str, list[int], list[int]]] = []
    for start, stop in sse_runs(block):
        parts: list[str] = []
        offsets: list[int] = []
        seams: list[int] = []
        for data in _SSE_DATA_RE.finditer(block, start, stop):
            group = "payload" if data.group("payload") is not None else "json"
            payload = data.group(group)
            if payload.strip() in _SSE_DONE:
                continue
            at = data.start(group)
            if payload.lstrip().startswith(("{", "[")):
                pieces = [
                    _json_unescaped(block, at + text.start("text"), at + text.end("text"))
                    for text in _SSE_TEXT_RE.finditer(payload)
                ]
            else:
                pieces = [(payload, list(range(at, at + len(payload))))]
            for text, where in pieces:
                if parts:
                    seams.append(len(offsets))
                parts.append(text)
                offsets += where
        if len(parts) >= 2:
            found.append(("".join(parts), offsets, seams))
    return found


_JSON_ESCAPE_RE = lazy_compile(r"\\(?:u(?P<code>[0-9a-fA-F]{4})|(?P<char>.))")
_JSON_ESCAPED = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}


def _json_unescaped(block: str, start: int, end: int) -> tuple[str, list[int]]:
    """A JSON string's content ``block[start:end]`` decoded (a surrogate's escape is kept
    as written), each character's offset in ``block``."""
    text: list[str] = []
    offsets: list[int] = []
    done = start
    for escape in _JSON_ESCAPE_RE.finditer(block, start, end):
        text.append(block[done : escape.start()])
        offsets.extend(range(done, escape.start()))
        code = escape.group("code")
        if code is not None and not 0xD800 <= int(code, 16) <= 0xDFFF:
            text.append(chr(int(code, 16)))
            offsets.append(escape.start())
        elif code is not None:
            text.append(escape.group())
            offsets.extend(range(escape.start(), escape.end()))
        else:
            char = escape.group("char")
            text.append(_JSON_ESCAPED.get(char, char))
            offsets.append(escape.start())
        done = escape.end()
    text.append(block[done:end])
    offsets.extend(range(done, end))
    return "".join(text), offsets
