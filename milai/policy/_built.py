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

A literal put through an upper-casing call is read upper-cased, whole, as a text of its
own (``"nato secret".upper()``, ``"secret".toUpperCase()``, ``.ToUpper()``, ``UPPER('top
secret')``, ``uc 'secret'``, ``strings.ToUpper("secret")``, ``{{ "secret" | upper }}``,
``echo secret | tr a-z A-Z``): the call, not the literal alone, makes it capitals.
"""

from __future__ import annotations

import re
from bisect import bisect_left
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


# A literal put through an upper-casing call (see the module): a method on it (Python,
# Java/JavaScript, .NET, Kotlin, Rust, Ruby, Swift), a function of it (SQL, a spreadsheet,
# Python's ``str.upper``, Go, PHP, Perl, C), a template's filter (Jinja, Liquid), or
# ``echo … | tr a-z A-Z`` (its words quoted or bare).
_BLANK = r"[^\S\n]{0,8}"
_ARG = r"(?:@|L|u8?|U)?(?:" + _LIT + ")"
_LOWER_SET = r"""(?:'(?:\[:lower:\]|a-z)'|"(?:\[:lower:\]|a-z)"|\[:lower:\]|a-z)"""
_UPPER_SET = r"""(?:'(?:\[:upper:\]|A-Z)'|"(?:\[:upper:\]|A-Z)"|\[:upper:\]|A-Z)"""
# A word that ``echo`` prints as it is (no quote, no expansion, no redirection).
_ECHO_WORD = r"[^\s|;&<>()$`\"'\\]{1,64}"
_UPPER_CASED_RE = lazy_compile(
    "|".join(
        (
            # "…".upper(), "…".toUpperCase(), "…" | upper
            rf"(?P<lit>{_ARG}){_BLANK}(?:\.{_BLANK}(?:upper|toUpperCase|toLocaleUpperCase"
            r"|ToUpper|ToUpperInvariant|uppercase|uppercased|to_uppercase|to_ascii_uppercase"
            rf"|upcase)|\|{_BLANK}(?:upper|upcase))(?![\w$])",
            # UPPER('…'), strings.ToUpper("…"), uc("…"), Perl's uc '…'
            r"(?<![\w$])(?:[A-Za-z_]\w*(?:\.|::))?(?i:upper|ucase|toupper|strtoupper"
            rf"|mb_strtoupper|to_upper|upcase|uc)(?:{_BLANK}\({_BLANK}(?P<arg>{_ARG}){_BLANK}[),]"
            rf"|(?<=c)[^\S\n]{{1,8}}(?P<perl>{_LIT}))",
            # echo … | tr a-z A-Z
            rf"(?<![\w$-])echo(?:[^\S\n]{{1,8}}-[neE]{{1,3}})?[^\S\n]{{1,8}}(?:(?P<echoed>{_LIT})"
            rf"|(?P<bare>{_ECHO_WORD}(?:[^\S\n]{{1,8}}{_ECHO_WORD}){{0,12}})){_BLANK}\|{_BLANK}"
            rf"tr[^\S\n]{{1,8}}{_LOWER_SET}[^\S\n]{{1,8}}{_UPPER_SET}(?![\w$])",
        )
    )
)
# Every _UPPER_CASED_RE match holds one of these; none spans a line break.
_UPPER_SCREEN_RE = lazy_compile(r"(?i:upper|upcase|(?<![\w$])uc(?![\w$]))|A-Z")
# A shell variable upper-cased (``${b^^}``, ``${b@U}``), and a line that only sets
# variables (``b="secret"``, ``export b=secret``): the value of the one set last before
# the use, on its line or on the lines of settings just above it, is read upper-cased.
_SHELL_UPPER_RE = lazy_compile(r"\$\{(?P<name>[A-Za-z_]\w*)(?:\^\^|@U)\}")
_SHELL_VALUE = rf"(?:{_LIT}|{_ECHO_WORD})"
_SHELL_SET_RE = lazy_compile(
    rf"(?<![\w$.-])(?P<name>[A-Za-z_]\w*)=(?P<value>{_SHELL_VALUE})(?=[\s;&|]|$)"
)
_SHELL_SETTING = rf"[A-Za-z_]\w*={_SHELL_VALUE}"
# a blank or ``;`` between two settings (a value holds neither: one way to read a line)
_SHELL_SETTINGS_RE = lazy_compile(
    r"[^\S\n]{0,64}(?:(?:export|local|readonly|declare(?:[^\S\n]{1,8}-\w{1,4})?)[^\S\n]{1,8})?"
    rf"{_SHELL_SETTING}(?:(?:[^\S\n]{{0,8}}[;&]{{1,2}}[^\S\n]{{0,8}}|[^\S\n]{{1,8}})"
    rf"{_SHELL_SETTING}){{0,16}}[^\S\n]{{0,8}};?[^\S\n]{{0,8}}"
)
_MAX_SETTINGS = 8  # how many lines of settings above a use are looked at
_SETTINGS_REACH = 2048  # and how far (a stream holds them: less than a block's reach)
# Where an unfinished line may set a variable to a word in small letters (``b=secret``):
# a stream holds it from there (its value may be upper-cased below).
SETTING_RE = r"(?<=\w)=(?=[a-z]|\Z)"


def settings_start(text: str, end: int) -> int | None:
    """Where the lines of shell settings that end at ``end`` (a line's end) start, at most
    ``_MAX_SETTINGS`` of them going up, within ``_SETTINGS_REACH``; None when the line
    there sets nothing."""
    start = None
    last = end
    for _ in range(_MAX_SETTINGS):
        above = text.rfind("\n", 0, end) + 1
        if last - above > _SETTINGS_REACH or _SHELL_SETTINGS_RE.fullmatch(text, above, end) is None:
            break
        start = above
        if above == 0:
            break
        end = above - 1
    return start


def _upper_cased(block: str) -> list[Built]:
    """The literals in ``block`` that an upper-casing call takes, upper-cased (read whole);
    a literal without a small letter reads as it is."""
    found: list[Built] = []
    for call in _UPPER_CASED_RE.finditer(block):
        group = next(name for name in ("lit", "arg", "perl", "echoed", "bare") if call.group(name))
        start, end = call.span(group)
        piece = (
            _Piece(block[start:end], list(range(start, end)))
            if group == "bare"
            else _literal(block, start, end)
        )
        found.extend(_upper(piece))
    uses = list(_SHELL_UPPER_RE.finditer(block)) if "${" in block else []
    settings: dict[str, list[re.Match[str]]] = {}
    ends: dict[str, list[int]] = {}
    above_lines: dict[int, int | None] = {}  # a line's start: where the settings above start
    for setting in _SHELL_SET_RE.finditer(block) if uses else ():
        settings.setdefault(setting.group("name"), []).append(setting)
        ends.setdefault(setting.group("name"), []).append(setting.end())
    for use in uses:
        # the last setting of its name on its line or the lines of settings just above
        line = block.rfind("\n", 0, use.start()) + 1
        if line not in above_lines:
            above_lines[line] = settings_start(block, line - 1) if line else None
        above = above_lines[line]
        named = settings.get(use.group("name"), [])
        last = bisect_left(ends.get(use.group("name"), []), use.start() + 1) - 1
        if last < 0 or named[last].start() < (line if above is None else above):
            continue
        start, end = named[last].span("value")
        if block[start] in "\"'`":
            found.extend(_upper(_literal(block, start, end)))
        else:
            found.extend(_upper(_Piece(block[start:end], list(range(start, end)))))
    return found


def _upper(piece: _Piece) -> list[Built]:
    """``piece`` upper-cased, read whole; nothing when it holds no small letter."""
    if piece.text.upper() == piece.text:
        return []
    text: list[str] = []
    offsets: list[int] = []
    for char, offset in zip(piece.text, piece.offsets, strict=True):
        upper = char.upper()  # ß is SS: each character of it on the letter's place
        text.append(upper)
        offsets.extend([offset] * len(upper))
    return [Built("".join(text), offsets, [], whole=True)]


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


def upper_cased_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` upper-cases a literal (``_UPPER_CASED_RE``, a line each) or a shell
    variable (``${b^^}``, from the lines of settings just above its line on)."""
    spans: list[tuple[int, int]] = []
    at = 0
    while (screen := _UPPER_SCREEN_RE.search(text, at)) is not None:
        start = text.rfind("\n", 0, screen.start()) + 1
        end = text.find("\n", screen.end())
        end = len(text) if end < 0 else end
        call = _UPPER_CASED_RE.search(text, start, end)
        if call is not None:
            spans.append(call.span())
        at = end + 1
    done = -1  # a use's line: one span a line
    for use in _SHELL_UPPER_RE.finditer(text) if "${" in text else ():
        line = text.rfind("\n", 0, use.start()) + 1
        if line > done:
            settings = settings_start(text, line - 1) if line else None
            spans.append((line if settings is None else settings, use.end()))
            done = line
    return sorted(spans)


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
    upper_cased = _upper_cased(block) if "${" in block or _UPPER_SCREEN_RE.search(block) else []
    if HINT_RE.search(block) is None:
        return upper_cased
    escaped = _escaped(block) if "\\" in block else []
    return [*_calls(block), *_interpolated(block), *escaped, *upper_cased]
