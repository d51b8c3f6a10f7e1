"""String-transforming calls on literals, evaluated in their place.

A programmer (or a model asked to hide a marking) may write a marking in small letters and
let a call make the capitals: ``"nato secret".upper()``, ``=UPPER("cosmic top secret")``,
``echo secret | tr a-z A-Z``, ``b="nato secret"`` / ``echo "${b^^}"``; or write it with a
filler that a call takes out: ``"NxAxTxO".replace("x", "")``, ``echo NxAxTxO | sed
's/x//g'``. Such a line is read once more **as the program evaluates it**: the call, and
only the call, replaced by the literal of its value (``banner = "NATO SECRET"``), the rest
of the line as written. The line then reads exactly what it would read had the programmer
written that literal there: the code around the call is context and decides as it does for
any literal (``os.environ.get("SECRET")`` is a key, ``banner = "NATO SECRET"`` a banner).
A literal is never read alone: that reads code that upper-cases keys, SQL values and error
messages as banners.

Pure functions over complete lines of original text; ``detect.DecodeUnit`` reads each line
evaluated as a text of its own, and a finding counts only where it touches an evaluated
value, landing on the call's literal (a shell variable's use, ``${b^^}``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from milai._lazyre import lazy_compile
from milai.policy.normalise import skeleton

# A literal on one line, in any of the three quotes (escapes kept as written).
_QUOTED = (
    r"""(?:"(?:[^"\\\n]|\\.){0,256}+"|'(?:[^'\\\n]|\\.){0,256}+'|`(?:[^`\\\n$]|\\.){0,256}+`)"""
)
_B = r"[^\S\n]{0,8}"  # blanks between tokens
_B1 = r"[^\S\n]{1,8}"
# The value a literal's character replacement writes: a literal, or .NET's empty string.
_REPLACEMENT = rf"(?:{_QUOTED}|[Ss]tring\.Empty|\"\")"
# A pattern to take out or replace: a literal, or a JavaScript or Ruby regular expression.
_PATTERN = rf"(?:{_QUOTED}|/(?:[^/\\\n]|\\.){{1,32}}/[gimsuy]{{0,5}})"
# A word that ``echo`` prints as it is (no quote, no expansion, no redirection).
_ECHO_WORD = r"[^\s|;&<>()$`\"'\\]{1,64}"
_ECHOED = rf"(?:{_QUOTED}|{_ECHO_WORD}(?:{_B1}{_ECHO_WORD}){{0,12}})"


def _tr_sets(name: str) -> str:
    """``tr``'s two sets that upper-case (``a-z A-Z``, ``'[:lower:]' '[:upper:]'``, System
    V's ``'[a-z]' '[A-Z]'``), their
    quotes' groups named after ``name`` (a pattern names each group once)."""
    return (
        rf"""(?P<{name}l>['"]?)(?:\[:lower:\]|\[a-z\]|a-z)(?P={name}l)[^\S\n]{{1,8}}"""
        rf"""(?P<{name}u>['"]?)(?:\[:upper:\]|\[A-Z\]|A-Z)(?P={name}u)"""
    )


_SED = (
    r"""(?P<sq>['"]?)s(?P<sd>[/|#,:])(?P<spat>(?:(?!(?P=sd))[^\\\n]|\\.){1,32})(?P=sd)"""
    r"""(?P<srep>(?:(?!(?P=sd))[^\\\n'"]|\\.){0,32})(?P=sd)(?P<sflags>g?)(?P=sq)"""
)

_UPPER_METHODS = (
    "upper|toUpperCase|toLocaleUpperCase|ToUpper|ToUpperInvariant|uppercase|uppercased"
    "|to_uppercase|to_ascii_uppercase|upcase"
)
_UPPER_FUNCTIONS = "upper|ucase|toupper|strtoupper|mb_strtoupper|to_upper|upcase|uppercase"
_REPLACE_METHODS = "replace|replaceAll|Replace|gsub|replace_all"

# Markup that shows a text attribute's value in capitals, on its element (XAML's
# ``Typography.Capitals="AllSmallCaps"`` and ``CharacterCasing="Upper"``, MAUI's
# ``TextTransform="Uppercase"``, Android's ``textAllCaps``, CSS's ``text-transform`` or
# Tailwind's ``uppercase`` class on an input), and the attributes that hold shown text.
_CASING_ATTR = (
    r"(?i:Typography\.Capitals|CharacterCasing|TextTransform|(?:android:|app:)?textAllCaps)"
    r"""[^\S\n]{0,3}=[^\S\n]{0,3}["']?(?i:(?:All)?(?:Small|Petite)Caps|Upper(?:case)?|true)\b"""
    r"|(?i:text-transform)[^\S\n]{0,3}:[^\S\n]{0,3}(?i:uppercase)"
    r"""|class(?:Name)?[^\S\n]{0,3}=[^\S\n]{0,3}["'][^"'\n]{0,200}(?<![\w-])(?:text-)?uppercase(?![\w-])"""
)
_TEXT_ATTR = r"(?:Text|Content|Header|Title|android:text|app:text|text|value|placeholder|label)"
# the forms whose literal is transformed in its place, all else kept as written
_SHOWN = ("tag_lit", "css_lit", "swift_lit", "declared")

# Each form a call takes, as one alternative of ``_CALL_RE``: a named group says which.
_FORMS = (
    # "…".upper(), "…".toUpperCase(), "…".ToUpperInvariant(), "…".upcase
    rf"(?P<up_lit>{_QUOTED}){_B}\.{_B}(?:{_UPPER_METHODS})(?:{_B}\([^()\n]{{0,48}}\))?(?![\w$])",
    # "…" | upper (Jinja, Twig, Liquid's upcase, Angular's uppercase)
    rf"(?P<filter_lit>{_QUOTED}){_B}\|{_B}(?:upper|upcase|uppercase)(?![\w$(])",
    # UPPER('…'), =UPPER("…"), strings.ToUpper("…"), str.upper("…"), UCase$("…")
    rf"(?<![\w$.])(?:[A-Za-z_]\w{{0,20}}(?:\.|::))?(?i:{_UPPER_FUNCTIONS}|uc)\$?{_B}\({_B}"
    rf"(?P<upf_lit>{_QUOTED}){_B}(?:,[^()\n]{{0,48}})?\)",
    # Perl's uc '…'
    rf"(?<![\w$.])uc{_B1}(?P<perl_lit>{_QUOTED})",
    # "…".replace("x", ""), .replaceAll, .Replace, Ruby's .gsub("x", "") and .delete("x")
    rf"(?P<rm_lit>{_QUOTED}){_B}\.{_B}(?:(?:{_REPLACE_METHODS}){_B}\({_B}(?P<rm_pat>{_PATTERN})"
    rf"{_B},{_B}(?P<rm_rep>{_REPLACEMENT}){_B}\)|delete{_B}\({_B}(?P<rm_del>{_QUOTED}){_B}\))",
    # REPLACE('…', 'x', ''), =SUBSTITUTE("…","x",""), strings.ReplaceAll("…", "x", ""),
    # strings.Replace("…", "x", "", -1)
    rf"(?<![\w$.])(?:[A-Za-z_]\w{{0,20}}(?:\.|::))?(?i:replace|substitute|replaceall)"
    rf"{_B}\({_B}(?P<rf_lit>{_QUOTED}){_B}[,;]{_B}(?P<rf_pat>{_QUOTED}){_B}[,;]{_B}"
    rf"(?P<rf_rep>{_REPLACEMENT}){_B}(?:[,;]{_B}-?\d{{1,3}}{_B})?\)",
    # str_replace('x', '', '…'), re.sub("x", "", "…"), preg_replace('/x/', '', '…')
    rf"(?<![\w$.])(?:[A-Za-z_]\w{{0,20}}(?:\.|::))?(?:str_i?replace|sub|preg_replace)"
    rf"{_B}\({_B}r?(?P<ra_pat>{_QUOTED}){_B},{_B}r?(?P<ra_rep>{_REPLACEMENT}){_B},{_B}"
    rf"(?P<ra_lit>{_QUOTED}){_B}\)",
    # echo … | tr a-z A-Z, | tr '[:lower:]' '[:upper:]', | awk '{print toupper($0)}',
    # | tr -d x, | sed 's/x//g' (printf with one literal alike)
    rf"(?<![\w$-])(?:echo(?:{_B1}-[neE]{{1,3}})?|printf(?:{_B1}(?P<fq>['\"])%s(?:\\n)?(?P=fq))?)"
    rf"{_B1}(?P<echo>{_ECHOED}){_B}\|{_B}"
    rf"(?:(?P<tr_up>tr{_B1}{_tr_sets('pipe')})"
    rf"|(?P<awk_up>awk{_B1}'\{{{_B}print{_B1}toupper\(\$0\){_B};?{_B}\}}')"
    rf"|tr{_B1}-d{_B1}(?P<tr_del>{_QUOTED}|[^\s|;&<>()$`\"'\\]{{1,16}})"
    rf"|sed{_B1}(?:-e{_B1})?{_SED})(?![\w$])",
    # <TextBlock Typography.Capitals="AllSmallCaps" Text="…"/>, <input class="uppercase" value="…">
    rf"<[A-Za-z][\w:.\-]{{0,40}}(?=[^<>\n]{{0,400}}(?:{_CASING_ATTR}))[^<>\n]{{0,400}}?"
    rf"(?<![\w:.\-]){_TEXT_ATTR}{_B}={_B}(?P<tag_lit>{_QUOTED})",
    # a CSS rule's generated content in capitals: { content: "…"; text-transform: uppercase }
    rf"\{{(?=[^{{}}\n]{{0,400}}text-transform{_B}:{_B}uppercase)[^{{}}\n]{{0,400}}?"
    rf"(?<![\w-])content{_B}:{_B}(?P<css_lit>{_QUOTED})",
    # SwiftUI's Text("…").textCase(.uppercase)
    rf"(?<![\w$.])Text{_B}\({_B}(?P<swift_lit>{_QUOTED}){_B}\)"
    rf"(?={_B}\.{_B}textCase{_B}\({_B}\.uppercase{_B}\))",
    # a shell variable declared upper-casing: declare -u b="…", typeset -u, local -u
    rf"(?<![\w$-])(?:declare|typeset|local)(?:{_B1}-[A-Za-z]{{1,4}})*?{_B1}-[A-Za-z]{{0,3}}u"
    rf"[A-Za-z]{{0,3}}{_B1}[A-Za-z_]\w{{0,30}}=(?P<declared>{_QUOTED})",
    # a here-string: tr a-z A-Z <<< "…", tr -d x <<< "…" (read as echo "…")
    rf"(?<![\w$-])tr{_B1}(?:(?P<here_up>{_tr_sets('here')})|-d{_B1}(?P<here_del>{_QUOTED}"
    r"|[^\s|;&<>()$`\"'\\]{1,16}))"
    rf"{_B}<<<{_B}(?P<here>{_QUOTED})",
    # Python's slices that take every second or third character, or read it backwards:
    # "NxAxTxO"[::2], "xNxAxTxO"[1::2], "TERCES OTAN"[::-1]
    rf"(?P<slice_lit>{_QUOTED})\[(?P<slice_start>\d?)::(?P<slice_step>[23]|-1)\]",
    # ${b^^}, ${b^^*}, ${b@U}, zsh's ${(U)b}; ${b//x/}, ${b//x/y}
    r"\$\{(?:(?P<var>[A-Za-z_]\w{0,30})(?:\^\^\*?|@U)|\(U\)(?P<zvar>[A-Za-z_]\w{0,30})"
    r"|(?P<rvar>[A-Za-z_]\w{0,30})//(?P<vpat>[^/}\n]{1,16})/(?P<vrep>[^/}\n]{0,16}))\}",
)
_CALL_RE = lazy_compile("|".join(_FORMS))
# Every ``_CALL_RE`` match holds one of these, in a line's one-byte copy in small letters
# (``bytes.lower``). Each starts with one character of its own: searched one by one, each
# skips ahead in C (one alternation of them all tries every letter, twice as slow).
_SNIFFS = tuple(
    re.compile(needle)
    for needle in (
        rb"u(?:pper|pcase|case|c[ (\t])",
        rb"caps",
        rb"replace",
        rb"sub(?:stitute|[ (])",  # gsub( too
        rb"\.delete",
        rb"\$\{",
        rb"\|[ \t]{0,8}(?:tr|sed|awk)[ \t]",
        rb"<<<",
        rb"declare",
        rb"typeset",
        rb"local[ \t]+-",
        rb"\[[0-9]?::",
    )
)


def sniffed(lowered: bytes) -> list[int]:
    """Where ``lowered`` (a text's one-byte copy in small letters) holds what a call holds
    (``_SNIFFS``), in order: a text without any costs a search a needle."""
    return sorted(found.start() for sniff in _SNIFFS for found in sniff.finditer(lowered))


# A shell variable set to a value (``b="nato secret"``, ``export b=secret``), its last
# setting within ``REACH`` before the line that uses it.
_SETTING_RE = lazy_compile(
    rf"(?<![\w$.-])(?P<name>[A-Za-z_]\w{{0,30}})=(?P<value>{_QUOTED}|{_ECHO_WORD})(?=[\s;&|)]|$)"
)
_LETTERS_RE = re.compile(r"[^\W\d_]+")
_SEPARATORS_RE = re.compile(r"[\W_]+")
REACH = 2048
# Where the unfinished line's text may become a call's value (a literal, ``echo``'s words, a
# shell variable's use): a stream holds the line from the first.
START_RE = lazy_compile(r"[\"'`]|(?<![\w$-])(?:echo|printf)[^\S\n]|\$\{")
MAX_PASSES = 3  # a call on a call's value (``"nxaxtxo".replace("x", "").upper()``)


_Chars = list[tuple[str, int]]  # characters, each with its original offset
# a call's value: (the span of the line it keeps as written before it, the literal of
# its value, the span kept after it)
_Value = tuple[tuple[int, int], _Chars, tuple[int, int]]
_NONE = (0, 0)
_Change = Callable[[_Chars], "_Chars | None"]
_Settings = Callable[[str, int], "str | None"]


def value_re(texts: Iterable[str]) -> re.Pattern[str]:
    """A look for the words of ``texts`` (a policy's markings and keywords) in a value's
    skeleton: a word of three letters or more anywhere (``NATOSECRET``), a shorter one as a
    word of its own. Only a value it finds is read (a line read again costs a scan)."""
    words = {word for text in texts for word in _LETTERS_RE.findall(skeleton(text))}
    long = sorted((re.escape(word) for word in words if len(word) >= 3), key=len, reverse=True)
    short = sorted(re.escape(word) for word in words if len(word) < 3)
    parts = [*long, *(rf"(?<![^\W\d_]){word}(?![^\W\d_])" for word in short)]
    return re.compile("|".join(parts) or r"(?!)")


def holds_words(words: re.Pattern[str], value: str) -> bool:
    """Whether ``value``'s skeleton holds one of ``words`` (``value_re``), as written or
    with what separates its letters taken out (``"g e h e i m".upper()``)."""
    skeleton_value = skeleton(value)
    if words.search(skeleton_value) is not None:
        return True
    glued = _SEPARATORS_RE.sub("", skeleton_value)
    return glued != skeleton_value and words.search(glued) is not None


@dataclass
class Evaluated:
    """A line with its calls evaluated: ``text``, each character's original offset, and
    which characters an evaluated value wrote (a finding must touch one)."""

    text: str
    offsets: list[int]
    changed: list[bool]
    values: list[str]  # the values written, for the caller's cheap look


def _unquoted(literal: str) -> str | None:
    """A pattern's or replacement's text (a literal's body, unescaped where simple; a
    regular expression's when it is plain characters or one class of them); None when
    it is more than that."""
    if literal in ('""', "String.Empty", "string.Empty"):
        return ""
    if literal[0] == "/":
        body = literal[1 : literal.rindex("/")]
        if re.fullmatch(r"\[(?:[^\]\\]|\\.)+\]", body):
            return body  # a class: each character taken out (see _replace)
        plain = re.sub(r"\\(.)", r"\1", body)
        return None if re.search(r"[.*+?()|^$\[\]{}]", re.sub(r"\\.", "", body)) else plain
    body = literal[1:-1]
    if "\\" in body and re.search(r"\\[^\\\"'./-]", body):
        return None
    return re.sub(r"\\(.)", r"\1", body)


def _upper(chars: _Chars) -> _Chars:
    """Upper-cased, escapes kept (``\\t`` stays a tab); ß's capitals on its place."""
    out: _Chars = []
    escaped = False
    for char, offset in chars:
        if escaped or char == "\\":
            out.append((char, offset))
            escaped = not escaped and char == "\\"
            continue
        out.extend((upper, offset) for upper in char.upper())
    return out


def _replace(chars: _Chars, pattern: str, replacement: str, every: bool) -> _Chars:
    """Each (or the first) ``pattern`` replaced; a class (``[xq]``) takes out each of its
    characters. The replacement's characters stand where the pattern stood."""
    if pattern.startswith("[") and pattern.endswith("]") and len(pattern) > 2:
        taken = set(re.sub(r"\\(.)", r"\1", pattern[1:-1]))
        return [(char, offset) for char, offset in chars if char not in taken]
    text = "".join(char for char, _ in chars)
    out: _Chars = []
    at = 0
    while at < len(chars):
        if text.startswith(pattern, at) and (every or at == text.find(pattern)):
            offset = chars[at][1]
            out.extend((char, offset) for char in replacement)
            at += len(pattern)
            continue
        out.append(chars[at])
        at += 1
    return out


def _deleted(chars: _Chars, taken: str) -> _Chars:
    """``tr -d`` and Ruby's ``delete``: each character of ``taken`` taken out."""
    return [(char, offset) for char, offset in chars if char not in taken]


def _value_of(
    call: re.Match[str], offsets: list[int], changed: list[bool], settings: _Settings
) -> _Value | None:
    """What ``call`` (a ``_CALL_RE`` match on a line whose characters stand at ``offsets``,
    ``changed`` where an earlier pass wrote them) evaluates to: the span it keeps as written
    before its value, the literal of its value (each character with its original offset),
    the span kept after it; None when the call is not evaluated."""
    names = call.groupdict()

    def chars(start: int, end: int) -> _Chars:
        return [(call.string[i], offsets[i]) for i in range(start, end)]

    def literal(name: str, change: _Change) -> _Value | None:
        start, end = call.span(name)
        if name in _SHOWN and all(changed[start:end]):
            return None  # markup keeps its attribute: its value was written by a pass before
        value = change(chars(start + 1, end - 1))
        if value is None:
            return None
        quoted = chars(start, start + 1) + value + chars(end - 1, end)
        if name in _SHOWN:  # markup: the rest of the element is kept as written
            return (call.start(), start), quoted, (end, call.end())
        return (call.start(), start if name == "echo" else call.start()), quoted, _NONE

    for name in ("up_lit", "filter_lit", "upf_lit", "perl_lit", *_SHOWN):
        if names.get(name) is not None:
            return literal(name, _upper)
    for lit, pat, rep in (
        ("rm_lit", "rm_pat", "rm_rep"),
        ("rf_lit", "rf_pat", "rf_rep"),
        ("ra_lit", "ra_pat", "ra_rep"),
    ):
        if names.get(lit) is None:
            continue
        if names.get(pat) is None:  # Ruby's delete
            taken = _unquoted(names["rm_del"])
            return None if not taken else literal(lit, partial(_deleted, taken=taken))
        pattern, replacement = _unquoted(names[pat]), _unquoted(names[rep])
        if not pattern or replacement is None:
            return None
        # a JavaScript regular expression without ``g`` replaces the first only
        every = not names[pat].startswith("/") or "g" in names[pat].rsplit("/", 1)[1]
        return literal(
            lit, partial(_replace, pattern=pattern, replacement=replacement, every=every)
        )
    if names.get("slice_lit") is not None:
        step = int(names["slice_step"] or 1)
        first = int(names["slice_start"] or 0)
        if step > 0:
            return literal("slice_lit", lambda body: body[first::step])
        # backwards: each character read on the place it is shown in
        return literal(
            "slice_lit",
            lambda body: [(char, body[at][1]) for at, (char, _) in enumerate(body[::-1])],
        )
    if names.get("here") is not None:
        here = _here_change(names)
        done = None if here is None else literal("here", here)
        if done is None:
            return None
        # read as ``echo "…"``: the command's word stands on the literal's quote
        quote = done[1][0][1]
        return _NONE, [(char, quote) for char in "echo "] + done[1], _NONE
    if names.get("echo") is not None:
        change = _echo_change(names)
        if change is None:
            return None
        if names["echo"][0] in "\"'`":
            return literal("echo", change)
        start, end = call.span("echo")
        value = change(chars(start, end))
        return None if value is None else ((call.start(), start), value, _NONE)
    variable = names.get("var") or names.get("zvar") or names.get("rvar")
    setting = None if variable is None else settings(variable, offsets[call.start()])
    if setting is None:
        return None
    # the value stands on the use: its characters spread over ``${…}``
    start, end = call.span()
    spread = [(char, offsets[min(start + i, end - 1)]) for i, char in enumerate(setting)]
    if names.get("rvar") is None:
        return _NONE, _upper(spread), _NONE
    pattern, replacement = names["vpat"], names["vrep"]
    if re.search(r"[*?\[\\]", pattern + replacement):
        return None  # a glob is not followed
    return _NONE, _replace(spread, pattern, replacement, every=True), _NONE


def _here_change(names: dict[str, str | None]) -> _Change | None:
    """What ``tr`` does to a here-string."""
    if names.get("here_up") is not None:
        return _upper
    raw = names.get("here_del") or ""
    taken = _unquoted(raw) if raw[:1] in "\"'" else raw
    return partial(_deleted, taken=taken) if taken and "-" not in taken[1:-1] else None


def _echo_change(names: dict[str, str | None]) -> _Change | None:
    """What the command that ``echo``'s output is piped to does to it."""
    if names.get("tr_up") is not None or names.get("awk_up") is not None:
        return _upper
    raw = names.get("tr_del")
    if raw is not None:
        taken = _unquoted(raw) if raw[0] in "\"'" else raw
        if not taken or "-" in taken[1:-1]:
            return None  # a range of characters is not followed
        return partial(_deleted, taken=taken)
    pattern = _unquoted("/" + (names["spat"] or "") + "/")
    rep = names["srep"] or ""
    if not pattern or "\\" in rep or "&" in rep:
        return None
    return partial(_replace, pattern=pattern, replacement=rep, every=names["sflags"] == "g")


def _shell_settings(text: str, line_start: int, line_end: int) -> _Settings:
    """The value a shell variable was set to last before a use at ``before`` in ``text``:
    on the use's line (``line_start`` to ``line_end``) or within ``REACH`` above it. A
    value that expands something (``"$x"``, an escape) is not followed. The settings are
    found once a line, on its first use (a line of many uses costs one search)."""
    found: dict[str, list[tuple[int, str]]] = {}

    def lookup(name: str, before: int) -> str | None:
        if not found:
            found[""] = []  # searched
            for setting in _SETTING_RE.finditer(text, max(0, line_start - REACH), line_end):
                value = setting.group("value")
                if value[0] in "\"'`":
                    expands = "\\" in value or ("$" in value and value[0] != "'")
                    value = "" if expands else value[1:-1]
                found.setdefault(setting.group("name"), []).append((setting.end(), value))
        settings = found.get(name, [])
        last = bisect_right(settings, (before, "\uffff")) - 1
        return settings[last][1] or None if last >= 0 else None

    return lookup


def evaluated(text: str, start: int, end: int) -> Evaluated | None:
    """The line ``text[start:end]`` with each call on a literal replaced by the literal of
    its value (``MAX_PASSES`` times over, so a call on a value is evaluated too); None when
    it holds none. A shell variable's value is the last setting of it within ``REACH``
    before the line (``text`` holds them)."""
    line = text[start:end]
    offsets = list(range(start, end))
    changed = [False] * len(line)
    values: list[str] = []
    settings = _shell_settings(text, start, end)
    for _ in range(MAX_PASSES):
        pieces: list[tuple[str, list[int], list[bool]]] = []
        at = 0
        for call in _CALL_RE.finditer(line):
            result = _value_of(call, offsets, changed, settings)
            if result is None:
                continue
            before, value, after = result
            for low, high in ((at, call.start()), before):
                pieces.append((line[low:high], offsets[low:high], changed[low:high]))
            pieces.append(
                ("".join(c for c, _ in value), [o for _, o in value], [True] * len(value))
            )
            values.append(pieces[-1][0])
            low, high = after
            pieces.append((line[low:high], offsets[low:high], changed[low:high]))
            at = call.end()
        if not pieces:
            break
        pieces.append((line[at:], offsets[at:], changed[at:]))
        line = "".join(piece[0] for piece in pieces)
        offsets = [o for piece in pieces for o in piece[1]]
        changed = [c for piece in pieces for c in piece[2]]
    if not values:
        return None
    return Evaluated(line, offsets, changed, values)
