"""Strings that code builds from string literals alone, evaluated as the program would
(bounded): a join or format call whose pieces are all literals (a spreadsheet's
``=CONCATENATE("NATO ";"SEC";"RET")`` or ``=TEXTJOIN("";TRUE;…)``, PHP's ``implode("",
[…])``, Java's ``String.join("", …)``, Rust's ``format!("{}{}", "NATO ", "SEC")``, C's
``snprintf(buf, n, "%s%s", …)``, Python's ``"{}{}".format(…)`` and ``"%s%s" % (…)``), a
string whose interpolations are literals (JavaScript's `` `NATO ${"SEC"}RET` ``, Ruby's
``"#{"SEC"}"``, Kotlin's ``"${"SEC"}"``, Swift's ``"\\("SEC")"``, Python's f-strings), and a
literal's whitespace escapes (``"NATO\\tSECRET"``). A call with a variable among its pieces
is not evaluated (``String.join(", ", names)``). Pure functions over one block of original
text; ``detect.JoinedUnit`` reads what they give as it reads joined pieces: a finding
counts where it spans a place that the evaluation changed (a seam).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from milai._lazyre import lazy_compile
from milai.policy._joined import Joined

# A literal's body on one line, each kind of quote on its own (escapes kept as written).
_BODY = {
    '"': r'(?:[^"\\\n]|\\.){0,400}+',
    "'": r"(?:[^'\\\n]|\\.){0,400}+",
    "`": r"(?:[^`\\\n$]|\\.|\$(?!\{)){0,400}+",
}
_LIT = "|".join(f"{quote}{body}{quote}" for quote, body in _BODY.items())
# A literal as a call's argument: a prefix (C#'s and Objective-C's ``@``, C's ``L``, ``u8``).
_TOKEN_RE = lazy_compile(
    r"(?P<lit>(?:@|L|u8?|U)?(?:" + _LIT + r"))"
    r"|(?P<word>[A-Za-z_$][\w$]*(?:(?:\.|::)[A-Za-z_$][\w$]*)*!?(?:\[\])?|\[\][A-Za-z]\w*|\d+)"
    r"|(?P<open>[\[({])|(?P<close>[\])}])|(?P<sep>[,;])"
    r"|(?P<blank>\s+)|(?P<other>.)"
)
# A call that joins or formats its arguments: its name (the last part of a dotted name).
_CALL_RE = lazy_compile(
    r"(?<![\w$])(?P<name>(?:[A-Za-z_$][\w$]*(?:\.|::))?"
    r"(?i:concatenate|concat|textjoin|implode|join|strcat|str_c|paste0|"
    r"s?n?printf|f?printf|format|formatted|stringWithFormat)!?)"
    r"[^\S\n]{0,8}\("
)
# A literal, then Python's ``.format(`` or ``%`` (a tuple or one literal after it).
_METHOD_RE = lazy_compile(
    r"(?P<lit>" + _LIT + r")[^\S\n]{0,8}"
    r"(?:\.[^\S\n]{0,8}(?P<format>format|formatted)[^\S\n]{0,8}\(|%[^\S\n]{0,8}(?P<percent>[(\"']))"
)
# The placeholders a format string holds: printf's ``%s`` (``%-8s``, Go's ``%v``,
# Objective-C's ``%@``), ``{}`` and ``{0}`` (Python, Rust, C#), ``{:…}``; ``%%``, ``{{``,
# ``}}`` are the characters themselves.
_PLACEHOLDER_RE = lazy_compile(
    r"%%|\{\{|\}\}|%[-+ 0#]{0,3}\d{0,3}(?:\.\d{1,3})?[sv@]"
    r"|\{(?P<index>\d{1,2})?(?::[^{}\n]{0,16})?\}"
)
# A string with interpolations: ``${…}`` (JavaScript's template, Kotlin, Dart, Groovy, PHP),
# ``#{…}`` (Ruby, CoffeeScript, Elixir), ``\\(…)`` (Swift), ``{…}`` (an f-string, C#'s ``$"…"``).
_INNER = r"""(?:"[^"\\\n]{0,200}"|'[^'\\\n]{0,200}'|`[^`\\\n$]{0,200}`)"""
_INTERPOLATED_RES = (
    lazy_compile(r"`(?:[^`\\$\n]|\\.|\$(?!\{)|\$\{[^{}\n]{0,200}\}){0,400}+`"),
    lazy_compile(
        r'"(?:[^"\\#$\n]|\\.|[#$](?!\{)|[#$]\{[^\S\n]{0,8}' + _INNER + r"[^\S\n]{0,8}\}"
        r"|[#$]\{[^{}\"\n]{0,200}\}){0,400}+\""
    ),
    lazy_compile(r'"(?:[^"\\\n]|\\\([^\S\n]{0,8}' + _INNER + r"[^\S\n]{0,8}\)|\\.){0,400}+\""),
    lazy_compile(
        r"(?:(?<![\w$])[fF][rR]?|(?<![\w$])[rR][fF]|\$@?|@\$)(?P<q>[\"'])"
        r"(?:(?!(?P=q))(?:[^\\{}\n]|\\.|\{\{|\}\}|\{[^\S\n]{0,8}" + _INNER + r"[^\S\n]{0,8}\}"
        r"|\{[^{}\"'\n]{0,200}\})){0,400}+(?P=q)"
    ),
)
_INTERPOLATION_RE = lazy_compile(
    r"(?:[$#]\{|\\\(|\{)[^\S\n]{0,8}(?P<inner>" + _INNER + r")[^\S\n]{0,8}[})]"
)
# A template literal with nothing interpolated, as a value: after ``=``, ``=>``, ``return``
# or a call's bracket (``const b = `NATO SECRET`;``); Markdown's code spans after a colon,
# a comma or a bracket in prose are not.
_TEMPLATE_VALUE_RE = lazy_compile(
    r"(?:=>?|(?<=[\w$])\(|(?<![\w$])return)[^\S\n]{0,8}`(?P<body>[^`\\$\n]{1,400})`"
)
# A literal whose whitespace escapes (``\t``, ``\n``, ``\r``, ``\f``, ``\v``) stand
# between two characters that are no blank.
_ESCAPED_BLANK_RE = lazy_compile(r"\\[tnrfv]")
_STRING_RES = tuple(lazy_compile(f"{quote}{body}{quote}") for quote, body in _BODY.items())
# Where a block may hold such a string: a cheap first look.
HINT_RE = lazy_compile(
    r"(?:(?i:concatenate|concat|textjoin|implode|join|strcat|printf|format|formatted)!?"
    r"[^\S\n]{0,8}\(|[$#]\{|\{[^\S\n]{0,8}(?:'|\"(?=[^\"\n]{0,200}\"[^\S\n]{0,8}\}))"
    r"|\\[(tnrfv]|[\"'][^\S\n]{0,8}%[^\S\n]{0,8}[(\"']"
    r"|(?:=>?|(?<=[\w$])\(|(?<![\w$])return)[^\S\n]{0,8}`)"
)
# Every HINT_RE match holds one of these (a call's or an interpolation's bracket, an
# escape, a ``%`` format, a template literal), and none spans a line break: only a line
# that holds one is searched (``hint_spans``).
_HINT_SCREEN_RE = lazy_compile(r"[({\\%`]")
_MAX_ARGS = 64
_CALL_REACH = 2000  # how far after a call's opening bracket over lines its closing one is
# A call's brackets and literals (a quote alone: an apostrophe, no literal).
_CALL_TOKEN_RE = lazy_compile(r"\"[^\"\n]*+\"|'[^'\n]*+'|[\"'()\[\]{}]")
_REACH = 4000  # how far after a call's opening bracket its closing one is looked for
_MAX_DEPTH = 4  # how deep brackets nest inside a call that is evaluated
_FLAGS = frozenset(
    {"TRUE", "FALSE", "true", "false", "True", "False", "WAHR", "FALSCH", "VRAI", "FAUX", "0", "1"}
)


@dataclass
class _Piece:
    """A literal's value, each character's offset in the block, and where an escape the
    evaluation read starts (a seam)."""

    text: str
    offsets: list[int]
    seams: list[int] = field(default_factory=list)


class Built(Joined):
    """A string that code builds, evaluated; ``whole``: read whole (a template literal
    with nothing interpolated), not only across its seams."""

    __slots__ = ("whole",)

    def __init__(
        self, text: str, offsets: list[int], seams: list[int], whole: bool = False
    ) -> None:
        super().__init__(text, offsets, seams)
        self.whole = whole


def _literal(block: str, start: int, end: int) -> _Piece:
    """The value of the literal ``block[start:end]`` (a prefix, quotes), its whitespace
    escapes a blank; other escapes as written."""
    while block[start] not in "\"'`":
        start += 1
    text: list[str] = []
    offsets: list[int] = []
    seams: list[int] = []
    at = start + 1
    stop = end - 1
    done = at
    for escape in _ESCAPED_BLANK_RE.finditer(block, at, stop):
        if escape.start() > 0 and block[escape.start() - 1] == "\\":
            # ``\\t``: count the backslashes before it
            run = len(block[at : escape.start()]) - len(block[at : escape.start()].rstrip("\\"))
            if run % 2:
                continue
        text.append(block[done : escape.start()])
        offsets.extend(range(done, escape.start()))
        seams.append(len(offsets))
        text.append(" ")
        offsets.append(escape.start())
        done = escape.end()
    text.append(block[done:stop])
    offsets.extend(range(done, stop))
    return _Piece("".join(text), offsets, seams)


def _concat(pieces: list[_Piece], glue: _Piece | None = None, whole: bool = False) -> Built:
    """The pieces joined, ``glue`` between each two (its characters at the glue's own)."""
    text: list[str] = []
    offsets: list[int] = []
    seams: list[int] = []
    for number, piece in enumerate(pieces):
        if number:
            seams.append(len(offsets))
            if glue is not None and glue.text:
                text.append(glue.text)
                offsets.extend(glue.offsets)
                seams.append(len(offsets))
        seams.extend(len(offsets) + seam for seam in piece.seams)
        text.append(piece.text)
        offsets.extend(piece.offsets)
    return Built("".join(text), offsets, seams, whole)


# An argument: a literal, a flag (TRUE, 0), a list of arguments (an array, ``List.of(…)``,
# ``array(…)``), or anything else (None: a variable, an expression).
_Arg = _Piece | str | list[object] | None


def _arguments(block: str, at: int, depth: int = 0) -> tuple[list[_Arg] | None, int]:
    """The arguments of the call whose opening bracket ends at ``at`` (None when it does
    not close within reach, or nests too deep), and where the reading stopped (after the
    closing bracket)."""
    args: list[_Arg] = []
    current: list[object] = []
    position = at
    limit = min(len(block), at + _REACH)
    while position < limit:
        token = _TOKEN_RE.match(block, position, limit)
        if token is None:
            break
        position = token.end()
        kind = token.lastgroup
        if kind == "blank":
            continue
        if kind == "lit":
            current.append(_literal(block, token.start(), token.end()))
        elif kind == "word":
            current.append(token.group())
        elif kind == "open":
            if depth >= _MAX_DEPTH:
                return None, position
            nested, position = _arguments(block, position, depth + 1)
            if nested is None:
                return None, position
            current.append(nested)
        elif kind in ("sep", "close"):
            if current or kind == "sep":
                args.append(_one(current))
            current = []
            if kind == "close":
                return args, position
            if len(args) > _MAX_ARGS:
                return None, position
        else:
            current.append(None)
    return None, position


# The words that make a bracket a list of values: ``List.of(…)``, ``array(…)``, ``new
# String[] {…}``, Go's ``[]string{…}``, Rust's ``vec![…]``, Kotlin's ``listOf(…)``.
_LIST_WORD_RE = lazy_compile(
    r"(?i:new|array|list|tuple|vec!?|(?:[A-Za-z_]\w*\.)?(?:of|aslist)|(?:list|array)of"
    r"|\[\]\w+|\w+\[\])"
)


def _one(items: list[object]) -> _Arg:
    """What one argument's items are: a literal, a flag, a list (``List.of(…)``, ``[…]``,
    ``new String[] {…}``, ``array(…)``), or None."""
    if len(items) == 1 and isinstance(items[0], _Piece):
        return items[0]
    if len(items) == 1 and isinstance(items[0], str) and items[0] in _FLAGS:
        return items[0]
    if 0 < len(items) <= 3 and isinstance(items[-1], list):
        words = items[:-1]
        if all(isinstance(w, str) and _LIST_WORD_RE.fullmatch(w) for w in words):
            return items[-1]
    return None


def _flat(args: list[_Arg]) -> list[_Piece] | None:
    """The literals of ``args``, lists flattened; None when any is not a literal."""
    pieces: list[_Piece] = []
    for arg in args:
        if isinstance(arg, _Piece):
            pieces.append(arg)
        elif isinstance(arg, list):
            inner = _flat(arg)  # type: ignore[arg-type]
            if inner is None:
                return None
            pieces += inner
        else:
            return None
    return pieces


def _formatted(template: _Piece, args: list[_Piece]) -> Built | None:
    """``template`` with its placeholders filled by ``args`` in order (or by index)."""
    text: list[str] = []
    offsets: list[int] = []
    seams: list[int] = []
    done = 0
    used = 0
    filled = 0
    source = template.text
    for place in _PLACEHOLDER_RE.finditer(source):
        text.append(source[done : place.start()])
        offsets.extend(template.offsets[done : place.start()])
        done = place.end()
        if place.group() in ("%%", "{{", "}}"):
            text.append(place.group()[0])
            offsets.append(template.offsets[place.start()])
            continue
        index = place.group("index")
        number = int(index) if index is not None else used
        used += index is None
        if number >= len(args):
            return None
        arg = args[number]
        seams.append(len(offsets))
        seams.extend(len(offsets) + seam for seam in arg.seams)
        text.append(arg.text)
        offsets.extend(arg.offsets)
        seams.append(len(offsets))
        filled += 1
    if not filled:
        return None
    text.append(source[done:])
    offsets.extend(template.offsets[done:])
    return Built("".join(text), offsets, seams)


def _evaluate(name: str, args: list[_Arg]) -> Built | None:
    """The string that the call ``name(args)`` returns, when its pieces are all literals."""
    last = re.split(r"\.|::", name)[-1].rstrip("!").lower()
    if last in ("concat", "concatenate", "strcat", "str_c", "paste0"):
        pieces = _flat(args)
        return None if pieces is None or len(pieces) < 2 else _concat(pieces)
    if last in ("textjoin", "implode", "join"):
        if last == "textjoin" and len(args) >= 3 and isinstance(args[1], str):
            args = [args[0], *args[2:]]
        if len(args) >= 2 and isinstance(args[0], _Piece):
            glue, rest = args[0], _flat(args[1:])
        elif len(args) == 2 and isinstance(args[1], _Piece):
            glue, rest = args[1], _flat(args[:1])  # Go's strings.Join(list, glue)
        else:
            return None
        return None if rest is None or len(rest) < 2 else _concat(rest, glue)
    for number, arg in enumerate(args):  # a format call: its template, then its values
        if isinstance(arg, _Piece) and _PLACEHOLDER_RE.search(arg.text):
            values = _flat(args[number + 1 :])
            return None if values is None or not values else _formatted(arg, values)
    return None


def _calls(block: str) -> list[Built]:
    """The join and format calls of ``block`` (see the module), evaluated; a call that
    does not close, or nests too deep, is read up to where its reading stopped, and a call
    inside that is not read again (each character is parsed a bounded number of times)."""
    found: list[Built] = []
    done = 0
    for call in _CALL_RE.finditer(block):
        if call.start() < done:
            continue
        parsed, stop = _arguments(block, call.end())
        if parsed is None:
            done = stop
            continue
        built = _evaluate(call.group("name"), parsed)
        if built is not None:
            found.append(built)
    done = 0
    for method in _METHOD_RE.finditer(block):
        if method.start() < done:
            continue
        template = _literal(block, *method.span("lit"))
        values: list[_Piece] | None = None
        if method.group("format") is not None or method.group("percent") == "(":
            parsed, stop = _arguments(block, method.end())
            if parsed is None:
                done = stop
                continue
            values = _flat(parsed)
        else:
            one = _TOKEN_RE.match(block, method.end() - 1)
            if one is not None and one.lastgroup == "lit":
                values = [_literal(block, one.start(), one.end())]
        if values:
            built = _formatted(template, values)
            if built is not None:
                found.append(built)
    return found


def _interpolated(block: str) -> list[Built]:
    found: list[Built] = []
    seen: set[tuple[int, int]] = set()
    interpolates = "{" in block or "\\(" in block
    for regex in _INTERPOLATED_RES if interpolates else ():
        for string in regex.finditer(block):
            if string.span() in seen:
                continue
            start = string.start() + len(string.group()) - len(string.group().lstrip("fFrR$@"))
            body_start, body_end = start + 1, string.end() - 1
            if (
                block.find("{", body_start, body_end) < 0
                and block.find("\\(", body_start, body_end) < 0
            ):
                continue
            text: list[str] = []
            offsets: list[int] = []
            seams: list[int] = []
            done = body_start
            for place in _INTERPOLATION_RE.finditer(block, body_start, body_end):
                if (
                    block[place.start()] == "{"
                    and block[start - 1 : start] not in ("f", "F", "$", "@")
                    and block[start - 2 : start].lower() not in ("rf", "fr")
                ):
                    continue
                text.append(block[done : place.start()])
                offsets.extend(range(done, place.start()))
                seams.append(len(offsets))
                inner_start, inner_end = place.span("inner")
                text.append(block[inner_start + 1 : inner_end - 1])
                offsets.extend(range(inner_start + 1, inner_end - 1))
                seams.append(len(offsets))
                done = place.end()
            if not seams:
                continue
            seen.add(string.span())
            text.append(block[done:body_end])
            offsets.extend(range(done, body_end))
            found.append(Built("".join(text), offsets, seams))
    for template in _TEMPLATE_VALUE_RE.finditer(block) if "`" in block else ():
        start, end = template.span("body")
        found.append(Built(block[start:end], list(range(start, end)), [], whole=True))
    return found


def _escaped(block: str) -> list[Built]:
    found: list[Built] = []
    for regex in _STRING_RES:
        for string in regex.finditer(block):
            if "\\" not in string.group():
                continue
            piece = _literal(block, *string.span())
            if piece.seams:
                found.append(Built(piece.text, piece.offsets, piece.seams))
    return found


def hint_spans(text: str) -> list[tuple[int, int]]:
    """The span of the first HINT_RE match on each line of ``text`` that holds one (a
    block is made of whole lines, so a line's other hints add nothing). The same lines as
    ``HINT_RE.finditer(text)``: no match spans a line break or looks across one, and each
    holds a character of ``_HINT_SCREEN_RE``; ``re`` tries the pattern's leading
    alternation at every position, so a line without one is not searched."""
    spans: list[tuple[int, int]] = []
    at = 0
    while (screen := _HINT_SCREEN_RE.search(text, at)) is not None:
        start = text.rfind("\n", at, screen.start()) + 1 or at
        end = text.find("\n", screen.end())
        end = len(text) if end < 0 else end
        hint = HINT_RE.search(text, start, end)
        if hint is not None:
            spans.append(hint.span())
        at = end + 1
    return spans


def call_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` (``hint_spans(text)``), a call's over lines up to its closing bracket
    (``=CONCATENATE(`` / ``"NATO ";`` / ``"SECRET")``), or to the text's end while it
    stays open."""
    found = []
    for start, end in spans:
        if text[end - 1] == "(":
            close = call_close(text, end - 1)
            end = len(text) if close == -1 else max(close, end)
        found.append((start, end))
    return found


def open_call(text: str, spans: list[tuple[int, int]]) -> int | None:
    """Where the call over lines that ``text`` ends in starts, while it stays open (text to
    come may close it: a stream holds it), or None; ``spans``: ``call_spans(text, …)``."""
    if spans and spans[-1][1] == len(text):
        bracket = text.find("(", spans[-1][0])
        if bracket >= 0 and call_close(text, bracket) == -1:
            return spans[-1][0]
    return None


def call_close(text: str, opened: int) -> int:
    """The end of the call whose bracket opens at ``text[opened]``: after its closing
    bracket; -1 when the text ends first, -2 beyond ``_CALL_REACH`` or at an unclosed quote
    (literals skipped, each on its line)."""
    depth = 0
    stop = min(len(text), opened + _CALL_REACH)
    for token in _CALL_TOKEN_RE.finditer(text, opened, stop):
        char = token.group()[0]
        if char in "\"'":
            if len(token.group()) == 1:
                return -2  # an apostrophe, no literal: no call of literals to follow
        elif char in "([{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return token.end()
    return -1 if stop == len(text) else -2


def built_strings(block: str) -> list[Built]:
    """Each string that ``block``'s code builds from literals alone (see the module)."""
    if HINT_RE.search(block) is None:
        return []
    escaped = _escaped(block) if "\\" in block else []
    return [*_calls(block), *_interpolated(block), *escaped]
