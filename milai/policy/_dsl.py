"""Values that typesetting, diagram and configuration languages print, as cells of their
line (red team 10): a LaTeX table's cell (``Plan & NATO SECRET \\\\``) and a command's
argument (``\\multicolumn{2}{c}{NATO SECRET}``, ``\\date{March 2026 -- NATO SECRET}``), a
Typst content block (``#set page(header: [NATO SECRET])``), a diagram's title, header,
footer, note or message (PlantUML, Mermaid: ``header NATO SECRET``, ``Note over A,B: NATO
SECRET``, ``A->>B: NATO SECRET``) and a node's label (``A[NATO SECRET] --> B``), a string
bound in Lisp or Tcl (``(setq banner "NATO SECRET")``, ``set banner "NATO SECRET"``), a
Markdown image's or link's title. (A configuration entry's text, ``Description=NATO SECRET
export``, is a key's value: ``_key_values``.)

``values`` gives spans of the original line; the cell unit reads each as it reads a cell,
so only a marking in capitals counts (``title The Secret Garden`` is a title). A diagram's
text is read by its first words, as a subject line's are.
"""

from __future__ import annotations

import re

from milai._lazyre import lazy_compile

_WS = r"[^\S\n]"
# What may be a value's text: no bracket, brace or quote (each language closes it there).
_TEXT = r"[^\[\](){}\"\n]"

# A LaTeX table row's cells: cut at each "&" that is no escaped one (\&).
_AMPERSAND_RE = lazy_compile(r"(?<!\\)&")
# What ends a LaTeX table row, or fills it: \\, \hline, \cline{2-3}, \tabularnewline.
_ROW_END_RE = lazy_compile(
    r"\\\\(?:\[[^\]\n]{0,20}\])?|\\(?:hline|cline\{[^{}\n]{0,12}\}|tabularnewline)"
)
# A LaTeX command's arguments: each innermost group after a command's name.
_COMMAND_RE = lazy_compile(r"\\[A-Za-z]{1,30}\*?")
_GROUP_RE = lazy_compile(r"\{(?P<value>[^{}\n]{1,200})\}")
# What parts a group's text: a dash between blanks (``March 2026 -- NATO SECRET``), a line
# break, a fill or a space command, \and.
_GROUP_CUT_RE = lazy_compile(
    rf"{_WS}{{1,3}}(?:-{{2,3}}|[\u2013\u2014|/]){_WS}{{1,3}}|\\\\|\\(?:hfill|quad|qquad|and|par)\b"
)
# A Typst content block after a code expression's ":", ")" or "=" on a line of code (#…).
_TYPST_LINE_RE = lazy_compile(rf"{_WS}{{0,8}}#[a-z]")
_TYPST_BLOCK_RE = lazy_compile(r"(?<=[:)=])" + _WS + r"{0,3}\[(?P<value>[^\[\]\n]{1,200})\]")
# A diagram keyword line (the keyword, a blank, its text: ``Title: …`` is a field):
# PlantUML's title, header, footer (aligned too), caption, legend; Mermaid's title,
# section, accTitle:; a note (``note left: …``, ``Note over A,B: …``); a message between
# participants (``A->>B: …``, ``Alice -> Bob : …``).
_DIAGRAM_LINE_RE = lazy_compile(
    rf"{_WS}{{0,8}}(?:"
    rf"(?:(?:left|right|center){_WS}{{1,3}})?(?i:header|footer){_WS}{{1,8}}"
    rf"|(?:pie{_WS}{{1,3}})?(?i:title|caption|legend|section){_WS}{{1,8}}"
    rf"|(?i:acctitle|accdescr):"
    # a WebVTT comment with its text on its line (``NOTE SECRET UE``)
    rf"|NOTE{_WS}{{1,8}}"
    rf"|(?i:note){_WS}{{1,3}}(?:(?i:over|left of|right of|left|right|top|bottom)[^:\n]{{0,60}})?:"
    rf"|[\w\"]{{1,40}}{_WS}{{0,3}}(?:<?-{{1,2}}>{{1,2}}|-{{1,2}}[x)]|<-{{1,2}}|={{1,2}}>)"
    rf"{_WS}{{0,3}}[\w\"]{{1,40}}{_WS}{{0,3}}:"
    rf"){_WS}{{0,8}}"
)
# A flowchart's node with its label (Mermaid's shapes: [..], (..), {..}, ([..]), [[..]],
# [(..)], ((..)), {{..}}, >..], [/../]), on a line that links nodes or holds the node alone.
_NODE_RE = lazy_compile(
    r"(?<![\w\]\)}>])[A-Za-z_][\w\-]{0,30}"
    r"(?:\[\[|\[\(|\(\[|\(\(|\{\{|\[/|\[\\|[\[({>])\"?(?P<value>"
    + _TEXT
    + r"{1,120})\"?(?:\]\]|\)\]|\]\)|\)\)|\}\}|/\]|\\\]|[\])}])"
)
_LINK_RE = lazy_compile(r"-{2,3}>|-{3}|={2,3}>|={3}|-\.{1,3}->?|~{3}|--[ox](?=\s)")
_NODE_ALONE_RE = lazy_compile(rf"{_WS}{{0,8}}[A-Za-z_][\w\-]{{0,30}}[\[({{>]")
# A string bound to a name in Lisp (setq, setf, def, defvar, defparameter, defconst,
# define, defcustom, a let's pair) or Tcl (set, variable), in quotes or in Tcl's braces.
_LISP_BINDING_RE = lazy_compile(
    r"\((?:setq|setf|set!|def|defvar|defparameter|defconst|defconstant|define|defcustom)"
    + _WS
    + r"{1,3}[^\s()\"]{1,60}"
    + _WS
    + r"{1,3}\"(?P<value>[^\"\n]{1,200})\""
    # a let's binding, or a call, of one string: (let ((banner "…")) …), (message "…")
    + r"|\([^\s()\"]{1,60}"
    + _WS
    + r"{1,3}\"(?P<pair>[^\"\n]{1,200})\"\)"
)
_TCL_BINDING_RE = lazy_compile(
    r"(?:^|[;\[{])"
    + _WS
    + r"{0,8}(?:set|variable)"
    + _WS
    + r"{1,3}[\w:$()]{1,60}"
    + _WS
    + r"{1,3}(?:\"(?P<quoted>[^\"\n]{1,200})\"|\{(?P<braced>[^{}\n]{1,200})\})"
)
# A Markdown image's or link's title: ![b](b.png "NATO SECRET"), [a](url 'title').
_MD_TITLE_RE = lazy_compile(
    r"\]\([^\s()]{1,300}"
    + _WS
    + r"{1,3}(?:\"(?P<double>[^\"\n]{1,200})\"|'(?P<single>[^'\n]{1,200})'"
    + r"|\((?P<paren>[^()\n]{1,200})\))\)"
)
# A web server's or proxy's directive that sets a header (red team 11): nginx's
# ``add_header``, ``proxy_set_header``, ``more_set_headers "Name: value"``, Apache's
# ``Header [always] set``, ``RequestHeader set``, HAProxy's ``http-response set-header``,
# Caddy's ``header``, ``header_up``: the header's name, then its value in quotes (or the
# name and value in one quoted string).
_HEADER_SET_RE = lazy_compile(
    rf"{_WS}{{0,16}}(?i:add_header|proxy_set_header|grpc_set_header|fastcgi_param"
    rf"|more_set_(?:input_)?headers(?:{_WS}{{1,3}}-[rst]{_WS}{{1,3}}'[^'\n]{{0,60}}')?"
    rf"|(?:request)?header(?:{_WS}{{1,3}}(?:always|onsuccess))?{_WS}{{1,3}}"
    rf"(?:set|add|append|merge|setifempty|edit)"
    rf"|http-(?:request|response|after-response){_WS}{{1,3}}(?:set|add)-header"
    rf"|header(?:_up|_down)?){_WS}{{1,3}}"
    rf"(?:[+\-]?[\w\-]{{1,60}}{_WS}{{1,3}}(?:\"(?P<double>[^\"\n]{{1,200}})\"|'(?P<single>[^'\n]{{1,200}})')"
    rf"|[\"'](?P<name>[\w\-]{{1,60}}){_WS}{{0,2}}:{_WS}{{0,3}}(?P<joined>[^\"'\n]{{1,200}})[\"'])"
)
# A spreadsheet formula that joins texts with "&" (red team 11: ``=A1&" "&"NATO SECRET"``):
# each literal it joins is a value.
_FORMULA_RE = lazy_compile(rf"{_WS}{{0,8}}[=+]{_WS}{{0,3}}(?=[^\n]{{0,400}}&)")
_JOINED_LITERAL_RE = lazy_compile(
    rf"(?:&{_WS}{{0,3}}\"(?P<after>[^\"\n]{{1,200}})\"|\"(?P<before>[^\"\n]{{1,200}})\"(?={_WS}{{0,3}}&))"
)
_WORD_RE = lazy_compile(r"\S{1,60}")
_FIRST_WORDS = 4
# A value worth a cell's reading: two capitals close together, odd case, a letter beyond ASCII.
_CAPITALS_RE = lazy_compile(r"[A-Z][^A-Za-z\n]{0,3}[A-Z]|[a-z][A-Z][a-z][A-Z]|[^\x00-\x7f]")
# Characters that tell a line may hold one of the forms above (a cheap first look).
_HINT_RE = lazy_compile(r"[&{\[(=:>\"']|^\s*(?:set|variable)\s", re.MULTILINE)


def _first_words(line: str, start: int) -> list[tuple[int, int]]:
    """The ends of the first words of the text from ``start``: each a span from it."""
    words = _WORD_RE.finditer(line, start, min(len(line), start + 240))
    return [(start, word.end()) for _, word in zip(range(_FIRST_WORDS), words, strict=False)]


def _latex(line: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if "&" in line and "\\" in line:
        row = _ROW_END_RE.sub(lambda m: " " * len(m.group()), line)
        last = 0
        for cut in [*_AMPERSAND_RE.finditer(row), None]:
            end = len(row) if cut is None else cut.start()
            spans.append((last, end))
            last = end + 1
        if len(spans) < 2:
            spans = []
    for command in _COMMAND_RE.finditer(line):
        at = command.end()
        while True:  # optional arguments, then each group right after the name
            while at < len(line) and line[at] == "[":
                close = line.find("]", at, at + 40)
                if close < 0:
                    break
                at = close + 1
            group = _GROUP_RE.match(line, at)
            if group is None:
                break
            start, end = group.span("value")
            spans.append((start, end))
            last = start
            for cut in _GROUP_CUT_RE.finditer(line, start, end):
                spans.append((last, cut.start()))
                last = cut.end()
            if last != start:
                spans.append((last, end))
            at = group.end()
    return spans


def _diagram(line: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    keyword = _DIAGRAM_LINE_RE.match(line)
    if keyword is not None and keyword.end() < len(line):
        spans.append((keyword.end(), len(line)))
        spans += _first_words(line, keyword.end())
    linked = _LINK_RE.search(line) is not None
    if linked or _NODE_ALONE_RE.match(line):
        spans += [node.span("value") for node in _NODE_RE.finditer(line)]
    return spans


def _bindings(line: str) -> list[tuple[int, int]]:
    spans = [
        found.span("value" if found.group("value") else "pair")
        for found in _LISP_BINDING_RE.finditer(line)
    ]
    for found in _TCL_BINDING_RE.finditer(line):
        spans.append(found.span("quoted") if found.group("quoted") else found.span("braced"))
    for found in _MD_TITLE_RE.finditer(line):
        group = next(name for name in ("double", "single", "paren") if found.group(name))
        spans.append(found.span(group))
    if _TYPST_LINE_RE.match(line):
        spans += [found.span("value") for found in _TYPST_BLOCK_RE.finditer(line)]
    if _FORMULA_RE.match(line) is not None:
        for literal in _JOINED_LITERAL_RE.finditer(line):
            spans.append(literal.span(literal.lastgroup or "after"))
    header = _HEADER_SET_RE.match(line)
    if header is not None:
        spans.append(header.span(header.lastgroup or "double"))
    return spans


def values(line: str) -> list[tuple[int, int]]:
    """The spans of ``line`` (one line of original text) that the forms above print, each
    worth a cell's reading (it holds capitals)."""
    if _HINT_RE.search(line) is None and _DIAGRAM_LINE_RE.match(line) is None:
        return []
    spans = [*_latex(line), *_diagram(line), *_bindings(line)]
    return [
        (start, end)
        for start, end in dict.fromkeys(spans)
        if end > start and _CAPITALS_RE.search(line, start, end) is not None
    ]
