"""Strings that a program prints as text: the argument of a shell's ``echo`` or ``printf``,
of ``print()``, ``console.log()``, ``Write-Host`` and their kin, read as the terminal or
the file it goes to shows it (``echo "NATO SECRET" > /etc/issue.net`` writes a banner).

A string's escapes are read as the printer writes them: ``\\n`` (and PowerShell's
```` `n ````) is a line break, ``\\t`` a tab, ``\\\\`` and an escaped quote themselves
(``printf 'COSMIC TOP SECRET\\nAnnex B\\n'`` prints a banner line above a title). ``echo``'s
words without quotes are read up to a redirection, a pipe or the command's end. Any
statement that outputs a string literal is read so, whatever its command is named: a call
whose one argument is the literal (``alert("…")``, ``NSLog(@"…")``), a stream's ``<<``, a
command word and the literal alone on a line (``main = putStrLn "…"``).
"""

from __future__ import annotations

from milai._lazyre import lazy_compile

# A command or function that prints its argument, then the argument: a quoted string
# (after flags such as ``-e``, an opening bracket and a string prefix such as Python's
# ``f``), or, after ``echo``, its words without quotes.
_PRINTED_RE = lazy_compile(
    r"(?:(?<![\w$.\-])(?P<command>echo|printf|print|println|puts|Write-(?:Host|Output))"
    r"|\.(?:log|info|warn|error|print(?:ln|f)?|Print(?:ln|f)?|write(?:ln)?|Write(?:Line)?))"
    r"(?:[^\S\n]{1,4}-[a-zA-Z]{1,3}(?![\w\-]))*"
    r"(?:[^\S\n]{0,4}\([^\S\n]{0,4}[fFbBrRuU]{0,2}|[^\S\n]{1,200})"
    r"(?:\"(?P<double>(?:[^\"\\\n]|\\.){1,400})\""
    r"|'(?P<single>(?:[^'\\\n]|\\.){1,400})'"
    r"|`(?P<back>(?:[^`\\\n]|\\.){1,400})`"
    r"|(?P<bare>[^\s\"'`>|;&#$(][^\n\"'`>|;&#$]{0,400}))"
)
# Any statement that outputs a string literal, whatever its command is named: a call whose
# one argument is the literal (``alert("…")``, ``disp('…')``, ``NSLog(@"…")``, ``throw new
# Error("…")``), a stream's ``<<`` (``std::cout << "…" << std::endl;``), or a command word
# and the literal alone on the line, after an assignment or binding too (``print_endline
# "…"``, ``main = putStrLn "…"``, OCaml's ``let () = print_endline "…"``, F#'s ``do printfn
# "…"``).
_CALLED_RE = lazy_compile(
    r"(?:(?<=[\w$!\]>])[^\S\n]{0,4}\([^\S\n]{0,4}(?:@|L|u8?|U)?|<<[^\S\n]{0,4})"
    r"(?:\"(?P<double>(?:[^\"\\\n]|\\.){1,400})\"|'(?P<single>(?:[^'\\\n]|\\.){1,400})')"
    r"(?=[^\S\n]{0,4}(?:\)|<<|;|\r?$))"
)
_BARE_CALL_RE = lazy_compile(
    r"[^\S\n]{0,80}(?:(?:let|val|var|const|my|our|local|do)[^\S\n]{1,4})?"
    r"(?:(?:[\w.$]{1,40}|\([^\S\n]{0,2}\))[^\S\n]{0,4}=[^\S\n]{0,4})?[A-Za-z_][\w.']{0,40}[^\S\n]{1,4}"
    r"(?:\"(?P<double>(?:[^\"\\\n]|\\.){1,400})\"|'(?P<single>(?:[^'\\\n]|\\.){1,400})')"
    r"[^\S\n]{0,4};?[^\S\n]{0,4}\r?$"
)
# The escapes a printer turns into what it shows; any other is left as written (its
# letters are read, and a ``\x`` or octal escape is decoded by the gate's decoders).
_ESCAPE_RE = lazy_compile(r"[\\`][ntr\\\"'`]")
_ESCAPED = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "`": "`"}
# What a line must hold to print something (``_PRINTED_RE``'s commands, ``_CALLED_RE``'s
# brackets and ``<<``; a double quote starts a cell anyway): a cheap first
# look, with ``str.find``, at the line as written (where a colour sequence may stand before
# a command). One search of a pattern with these words in it cost the whole scan 5 %.
_PRINT_WORDS = (
    "echo",
    "print",
    "puts",
    "Write-",
    ".log(",
    ".info(",
    ".warn(",
    ".error(",
    ".write",
    ".Write",
    ".Print",
    '("',
    "('",
    '(@"',
    "<<",
)


def print_at(text: str, start: int = 0, end: int | None = None) -> int:
    """Where in ``text[start:end]`` the first word that may print a string is, or -1."""
    end = len(text) if end is None else end
    first = -1
    for word in _PRINT_WORDS:
        at = text.find(word, start, end)
        if at >= 0:
            first, end = at, min(end, at + 8)  # only an earlier one can come first
    return first


def printed_strings(line: str) -> list[tuple[str, list[int]]]:
    """The texts that ``line`` prints, each with every character's offset in ``line``."""
    found: list[tuple[str, list[int]]] = []
    spans: set[tuple[int, int]] = set()
    for printed in _PRINTED_RE.finditer(line):
        group = next(name for name in ("double", "single", "back", "bare") if printed[name])
        start, end = printed.span(group)
        value = line[start:end]
        if group == "bare":
            if printed["command"] != "echo":
                continue  # ``print the page``: words after a command are its own only in a shell
            value = value.rstrip()
            found.append((value, list(range(start, start + len(value)))))
            continue
        spans.add((start, end))
        found.append(_unescaped(line, start, end))
    called = [*_CALLED_RE.finditer(line)] if "(" in line or "<<" in line else []
    bare = _BARE_CALL_RE.match(line)
    for call in [*called, bare] if bare is not None else called:
        span = call.span("double") if call["double"] else call.span("single")
        if span not in spans:
            spans.add(span)
            found.append(_unescaped(line, *span))
    return found


def _unescaped(line: str, start: int, end: int) -> tuple[str, list[int]]:
    """The string ``line[start:end]`` as a printer writes it, each character's offset."""
    value = line[start:end]
    text: list[str] = []
    offsets: list[int] = []
    done = 0
    for escape in _ESCAPE_RE.finditer(value):
        text.append(value[done : escape.start()])
        offsets.extend(range(start + done, start + escape.start()))
        letter = value[escape.end() - 1]
        if escape.group()[0] == "`" and letter not in "nt`":
            text.append(escape.group())  # PowerShell's escapes: `n, `t, ``
            offsets.extend((start + escape.start(), start + escape.start() + 1))
        else:
            text.append(_ESCAPED[letter])
            offsets.append(start + escape.start())
        done = escape.end()
    text.append(value[done:])
    offsets.extend(range(start + done, end))
    return "".join(text), offsets
