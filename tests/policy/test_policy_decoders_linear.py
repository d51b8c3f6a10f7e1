"""The decoders' "a word that holds X" searches: the same runs as the plain \\S*X\\S* forms,
in time linear in the line (the plain forms retried from every letter of a long word)."""

from __future__ import annotations

import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from milai.policy import decoders
from tests.scale import scaled

PLAIN = {
    "_PERCENT_RUN": re.compile(r"\S*" + decoders._PERCENT + r"\S*"),
    "_ENTITY_RUN": re.compile(r"\S*" + decoders._ENTITY + r"\S*"),
    "_ESCAPE_RUN": re.compile(r"\S*" + decoders._ESCAPE + r"\S*"),
    "_QUOTED_PRINTABLE_RUN": re.compile(r"\S*" + decoders._QUOTED_PRINTABLE + r"\S*"),
    "_UTF7_RUN": re.compile(r"\S*" + decoders._UTF7 + r"\S*"),
}
PLAIN_PARTIAL = re.compile(
    r"\S*(?:%|&|\\|<~|0[xX]|[_=-]|[Uu](?:\+|\Z)|\+)\S*"
    r"|(?<!\S)[0-9A-Fa-f]{2}(?=[ \t:,;\-]|$)|(?<!\S)[0-9A-Fa-f]{4}(?=[ \t]|$)|[A-Z2-7]{7,}\S*"
    r"|(?<!\S)[A-Za-z0-9+/_-]{16,}|(?<!\S)[01]{8}|(?<!\S)[01]{1,7}\Z"
    # a string still open at the end of the line (its escapes read in pairs), or with one
    r'|"(?:[^"\\\n]|\\.)*$|"[^"\\\n]*\\'
)
PIECES = [
    *'aZ2%4&#;x\\u0041 \t\n<~_-.:,AB7F="+U01',
    *("&amp;", "%41", "\\x41", "&#65;", "0x", "ABCDEFG", "=41=4A", '\\"', "\\n"),
    *("U+0053", "+AFMARQ", "01010011"),
]


@settings(max_examples=scaled(3000, 300), deadline=None)  # 3000 in CI (tests/scale.py)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_word_searches_find_what_the_plain_forms_find(line: str) -> None:
    for name, plain in PLAIN.items():
        ours = getattr(decoders, name)
        assert [m.span() for m in ours.finditer(line)] == [m.span() for m in plain.finditer(line)]
    expected = PLAIN_PARTIAL.search(line)
    assert decoders.partial_start(line) == (None if expected is None else expected.start())


def test_a_long_word_without_the_encoding_is_searched_in_linear_time() -> None:
    # 200 KB words: the plain forms take minutes on these (quadratic); linear takes milliseconds.
    lines = ["&#" * 100_000, "." * 200_000, "%Z" * 100_000, "\\q" * 100_000]
    lines += ["=Z" * 100_000, '"\\q' * 70_000, '"' + "\\q" * 100_000]
    lines += ["+" * 200_000, "U+." * 70_000, "00000000 " * 20_000 + "0x"]
    started = time.perf_counter()
    for line in lines:
        for name in PLAIN:
            assert list(getattr(decoders, name).finditer(line)) == []
        decoders.partial_start(line)
    assert time.perf_counter() - started < 20


def test_raw85_words_are_found_in_linear_time() -> None:
    """Symbols between blanks that ' ' and '\\n' are not (a no-break space, a tab), long
    words of symbols, candidate words in a row: four times the text costs about four
    times the time, not sixteen."""
    units = ["a\xa0(", "a\t(", "Ab1;x\xa0", "(" * 50, "Ab1" + "(" * 5000 + " "]

    def cost(repeat: int) -> float:
        started = time.process_time()
        for unit in units:
            decoders.raw85_candidates(unit * (repeat // len(unit) + 1))
        return time.process_time() - started

    small, large = min(cost(25_000) for _ in range(2)), min(cost(100_000) for _ in range(2))
    assert large < 8 * max(small, 0.01), (small, large)
