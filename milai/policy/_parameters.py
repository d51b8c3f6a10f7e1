"""A header parameter written in pieces (RFC 2231, RFC 8187): ``filename*0*=utf-8''TR%C3%88S%20;
filename*1*=SECRET%20UE.pdf`` is one value, ``TRÈS SECRET UE.pdf``, that a mail client
shows whole. The pieces of one name, numbered from 0 on a header's lines, are joined, the
extended ones (``*N*=``) percent-decoded in the charset the first names (bytes may be split
between pieces), and read as the value written plainly: ``filename="TRÈS SECRET UE.pdf"``.
Pure functions over one block of original text; ``detect.JoinedUnit`` reads what they join.
"""

from __future__ import annotations

import codecs
import re

from milai._lazyre import lazy_compile

# A piece: its name, its number, whether it is extended ("*" before "="), its value (a
# quoted string, or a token up to ";" or a blank).
_PIECE_RE = lazy_compile(
    r"(?<![\w.\-*])(?P<name>[A-Za-z][\w.\-]{0,40})\*(?P<number>\d{1,2})(?P<extended>\*)?"
    r"[^\S\n]{0,4}=[^\S\n]{0,4}(?P<value>\"(?:[^\"\\\n]|\\.){0,400}+\"|[^\s;\"]{1,400}+)"
)
HINT_RE = lazy_compile(r"\*\d{1,2}\*?[^\S\n]{0,4}=")

_PERCENT_RE = lazy_compile(r"%([0-9A-Fa-f]{2})")
_CHARSET_RE = lazy_compile(r"(?P<charset>[\w.\-]{0,40})'[\w\-]{0,20}'")
_MAX_PIECES = 64


def hint_spans(region: str) -> list[tuple[int, int]]:
    """Where ``region`` may hold a parameter's pieces: each run of lines, one after the
    other, that hold a piece, from the first piece to the last."""
    spans: list[tuple[int, int]] = []
    for hint in HINT_RE.finditer(region):
        if spans:
            # on the same line as the last span's end, or the next: one span (the search
            # looks only between the two, so a long line costs no more than once)
            newline = region.find("\n", spans[-1][1], hint.start())
            if newline < 0 or region.find("\n", newline + 1, hint.start()) < 0:
                spans[-1] = (spans[-1][0], hint.end())
                continue
        spans.append(hint.span())
    return spans


def may_go_on(line: str) -> bool:
    """Whether ``line`` ends with a piece of a parameter that the next line may go on: it
    holds a piece and ends with ";" (a header's parameters)."""
    return line.rstrip().endswith(";") and HINT_RE.search(line) is not None


def joined_parameters(block: str) -> list[tuple[str, list[int]]]:
    """Each parameter of ``block`` written in two pieces or more, as its plain spelling
    (``name="value"``) and each character's offset in ``block``."""
    pieces: dict[str, list[re.Match[str]]] = {}
    for match in _PIECE_RE.finditer(block):
        pieces.setdefault(match.group("name").lower(), []).append(match)
    found = []
    for run in pieces.values():
        run = sorted(run[:_MAX_PIECES], key=lambda piece: int(piece.group("number")))
        numbers = [int(piece.group("number")) for piece in run]
        if len(run) < 2 or numbers != list(range(len(run))):
            continue  # not one parameter's pieces from 0 in order (a stray "*1=")
        found.append(_joined(run))
    return found


def _joined(run: list[re.Match[str]]) -> tuple[str, list[int]]:
    """``run``'s pieces as ``name="value"``, offsets on the pieces' characters."""
    first = run[0]
    bytes_at: list[tuple[bytes, int]] = []  # extended pieces' bytes not yet decoded
    charset = "utf-8"
    chars: list[str] = []
    offsets: list[int] = []
    for piece in run:
        value, at = piece.group("value"), piece.start("value")
        if piece.group("extended"):
            if value.startswith('"'):  # quoted, though RFC 2231 says not: read as mailers do
                value, at = value[1:-1], at + 1
            if piece is first:
                label = _CHARSET_RE.match(value)
                if label is not None:
                    charset = label.group("charset") or charset
                    value, at = value[label.end() :], at + label.end()
            bytes_at += _bytes(value, at)
            continue
        _decode(bytes_at, charset, chars, offsets)
        bytes_at = []
        quoted = value.startswith('"')
        inner = value[1:-1] if quoted else value
        at += quoted
        escaped = False
        for index, char in enumerate(inner):
            if char == "\\" and quoted and not escaped:
                escaped = True  # a quoted pair's backslash: the next character stands
                continue
            escaped = False
            chars.append(char)
            offsets.append(at + index)
    _decode(bytes_at, charset, chars, offsets)
    name = first.group("name")
    text = f'{name}="{"".join(chars)}"'
    # pieces may stand in any order: the name's and the quotes' characters on the ends
    start, end = min(p.start() for p in run), max(p.end() for p in run) - 1
    return text, [start] * (len(name) + 2) + offsets + [end]


def _text_codec(charset: str) -> str:
    """``charset`` when Python knows it as a text encoding, else UTF-8 (``hex``, ``zlib``,
    ``rot13`` are codecs of bytes or of text, no charset; ``idna`` decodes host names)."""
    try:
        info = codecs.lookup(charset)
    except LookupError:
        return "utf-8"
    usable = info._is_text_encoding and info.name not in ("idna", "undefined")
    return info.name if usable and info.incrementaldecoder is not None else "utf-8"


def _bytes(value: str, at: int) -> list[tuple[bytes, int]]:
    """The bytes ``value`` (at ``at``) percent-encodes, each with its offset."""
    found = []
    index = 0
    while index < len(value):
        escaped = _PERCENT_RE.match(value, index)
        if escaped is not None:
            found.append((bytes.fromhex(escaped.group(1)), at + index))
            index += 3
        else:
            found.append((value[index].encode("utf-8"), at + index))
            index += 1
    return found


def _decode(
    bytes_at: list[tuple[bytes, int]], charset: str, chars: list[str], offsets: list[int]
) -> None:
    """``bytes_at`` decoded in ``charset`` (UTF-8 where Python knows none), each character
    on the offset of its first byte (a character's bytes may be split between pieces)."""
    if not bytes_at:
        return
    kept = len(chars)
    try:
        _decode_in(bytes_at, _text_codec(charset), chars, offsets)
    except (UnicodeError, ValueError):  # a codec that refuses even with "replace" (UTF-16's BOM)
        del chars[kept:], offsets[kept:]
        _decode_in(bytes_at, "utf-8", chars, offsets)


def _decode_in(
    bytes_at: list[tuple[bytes, int]], codec: str, chars: list[str], offsets: list[int]
) -> None:
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    pending = -1  # where the bytes of a character not yet decoded start
    for data, at in bytes_at:
        if pending < 0:
            pending = at
        decoded = decoder.decode(data)
        chars.extend(decoded)
        offsets.extend([pending] * len(decoded))
        if decoded:
            pending = -1
    tail = decoder.decode(b"", final=True)
    chars.extend(tail)
    offsets.extend([max(pending, bytes_at[-1][1])] * len(tail))
