"""Prefilters that let a reader skip the lines that cannot hold what it reads (issue 9's
throughput) give the same answer as the reading without them, on generated texts made of
the characters that matter to each reader.

* ``_built.hint_spans``: one span per line that ``HINT_RE.finditer`` finds a hint on, the
  first of that line (a block is made of whole lines);
* ``SymbolLeet.lines``: the same lines read, as the loop that looked at every line's
  characters for a symbol;
* ``_markup_text.search_candidate``: ``CANDIDATE_RE.search`` from every position;
* ``decoders._raw85_matches``: ``_RAW85_WORD.finditer``, found from the symbols.
"""

from __future__ import annotations

import random

import pytest

from milai.policy._built import HINT_RE, hint_spans
from milai.policy._markup_text import CANDIDATE_RE, search_candidate
from milai.policy._symbols import SymbolLeet
from milai.policy.decoders import _RAW85_WORD, _raw85_matches
from tests.policy.families import shipped_policy

# What the hint pattern's alternatives are made of, and prose around them.
_HINT_PIECES = (
    "concat(",
    "CONCATENATE (",
    "TextJoin(",
    "implode(",
    "join  (",
    "strcat(",
    "printf!(",
    "format(",
    "formatted(",
    "${",
    "#{",
    "{ '",
    '{"a"}',
    '{ "NATO" }',
    "\\t",
    "\\n",
    "\\(",
    "\\v",
    "\\x",
    "'%s' % (",
    '"x" %"',
    "' % '",
    "= `",
    "=> `",
    "f(`",
    "return `",
    "xreturn `",
    "$(`",
    " (`",
    "(",
    ")",
    "{",
    "}",
    "%",
    "`",
    "\\",
    '"',
    "'",
    "=",
    ">",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\n",
    "word",
    "SECRET",
    "return",
    "join",
    "é",
    "\u2028",
)
_SYMBOL_PIECES = (
    "5EC|2E7",
    "$ECRE+",
    "|\\|470",
    "(0NFIDENTIAL",
    "S3CR€T",
    "£U",
    "7OP",
    "¢",
    "C++",
    "a|2",
    "(x)",
    "+",
    "|",
    "|-|",
    "|<",
    "SECRET",
    "secret",
    "NATO",
    "the",
    " ",
    "  ",
    "\n",
    "\n\n",
    "-",
    "!",
    "@",
    "é",
    "\u2028",
    "\t",
)


def _text(rng: random.Random, pieces: tuple[str, ...], size: int) -> str:
    return "".join(rng.choice(pieces) for _ in range(size))


def _first_per_line(text: str) -> list[tuple[int, int]]:
    """The reference: HINT_RE over the whole text, the first match of each line kept."""
    spans: list[tuple[int, int]] = []
    lines: set[int] = set()
    for hint in HINT_RE.finditer(text):
        assert "\n" not in hint.group()
        line = text.count("\n", 0, hint.start())
        if line not in lines:
            lines.add(line)
            spans.append(hint.span())
    return spans


@pytest.mark.parametrize("seed", range(40))
def test_built_hint_spans_are_the_patterns_first_per_line(seed: int) -> None:
    rng = random.Random(f"built-hints:{seed}")
    for _ in range(25):
        text = _text(rng, _HINT_PIECES, rng.randint(1, 60))
        assert hint_spans(text) == _first_per_line(text), text


def test_built_hint_spans_on_code_and_prose() -> None:
    text = (
        "Le rapport est prêt (voir l'annexe).\n"
        'x = "%s SECRET" % (y,)\n'
        "plain prose line without hints\n"
        "const b = `NATO SECRET`;\n"
        'print(f"{a}")\n'
        "return `x`\n"
        "C:\\temp\\new\n"
        "d'Regierung huet {decidéiert}"
    )
    assert hint_spans(text) == _first_per_line(text)
    assert len(hint_spans(text)) == 4


def _lines_every_line(leet: SymbolLeet, text: str) -> list[tuple[int, int, str]]:
    """The reference: each line read, as ``lines`` did before its search for the next
    symbol's line."""
    found: list[tuple[int, int, str]] = []
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        read = leet.read_line(text[start:end])
        if read is not None:
            found.append((start + read[0], end, read[1]))
        start = end + 1
    return found


@pytest.mark.parametrize("policy", ["default.yaml", "ministry-codewords.yaml"])
def test_symbol_lines_skip_only_lines_without_a_symbol(policy: str) -> None:
    leet = shipped_policy(policy).engine.symbols
    rng = random.Random(f"symbols:{policy}")
    read = 0
    for _ in range(600):
        text = _text(rng, _SYMBOL_PIECES, rng.randint(1, 40))
        expected = _lines_every_line(leet, text)
        assert leet.lines(text) == expected, text
        read += len(expected)
    assert read > 50  # the texts do hold lines that are read


_MARKUP_PIECES = (
    "<",
    "<a",
    "</",
    "<1",
    "<-",
    "^",
    "^X",
    "^x",
    "~",
    "~A",
    "~~B",
    "^^",
    " ",
    "  ",
    "\t",
    "        ",
    "\n",
    "\n",
    "word",
    "A",
    "é",
    "\u2028",
    "\r\n",
    "<b>",
    "^FO",
    "~DG",
)


@pytest.mark.parametrize("seed", range(20))
def test_markup_candidate_search_is_the_patterns_from_every_position(seed: int) -> None:
    rng = random.Random(f"markup-candidates:{seed}")
    for _ in range(40):
        text = _text(rng, _MARKUP_PIECES, rng.randint(1, 30))
        for pos in range(len(text) + 1):
            expected = CANDIDATE_RE.search(text, pos)
            found = search_candidate(text, pos)
            assert (found and found.span()) == (expected and expected.span()), (text, pos)


# Raw ascii85/base85 words and what stands around them: symbols, every kind of blank, long
# words, letters of each kind and digits.
_RAW85_PIECES = (
    "6tKkHA7Zm*BPDNK+",
    "EMX5",
    "@rH7+F<G",
    "(",
    ")",
    "*",
    ";",
    "^",
    "x",
    "Q",
    "7",
    ".",
    " ",
    "  ",
    "\t",
    "\n",
    "\xa0",
    "\u2028",
    "é",
    "word",
    "a" * 40,
)


@pytest.mark.parametrize("seed", range(20))
def test_raw85_words_are_the_patterns_from_every_position(seed: int) -> None:
    rng = random.Random(f"raw85:{seed}")
    for _ in range(60):
        text = _text(rng, _RAW85_PIECES, rng.randint(1, 40))
        expected = [match.span() for match in _RAW85_WORD.finditer(text)]
        assert [match.span() for match in _raw85_matches(text)] == expected, text
