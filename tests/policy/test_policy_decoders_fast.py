"""The fast trigger search finds exactly the lines that TRIGGER_RE finds, and wrapped
base64 blocks exactly where ``finditer`` finds them (differential tests, random text)."""

from __future__ import annotations

import base64
import random

import pytest

from milai.policy.decoders import (
    _MIME_BLOCK,
    _STAND_INS,
    TRIGGER_RE,
    mime_blocks,
    one_byte,
    trigger_lines,
)

# Pieces that make (or almost make) each alternative of TRIGGER_RE.
PIECES = [
    "%4", "%41", "&#", "&amp;", "&x;", "\\u", "\\x4", "\\1", "<~", "~>", "0x", "0X4",
    "de ", "be:", "ad,", "ca;", "fe-", "0xAB ", "AB", "4f", " ", "  ", "\t", "\n", "\n",
    "ABCDEFG", "MZXW6===", "mzxw6===", "abcdefgh=",
    "QUJD", "ONSWG4TFOQ", "23", "7=", "ab-", "_x", "Ab_cdefghij",
    "é", "Ж", "中", "—", "«", "-", "_", "=", "+", "/", "the ", "secret ", "SECRET",
    base64.b64encode(b"TOP SECRET material here").decode(), "U0VDUkVU", "x" * 15,
    "0101", "0011", "01010011", "U+", "u+00", "U+0053", "=4", "=4E", "+AF", "+AFMA",
    "i5cu", "qrkjju", "2nd ", "abcdefg", "h4", "KNCUG", "abcdefghijklmno",
    "0000", "4f2a ", "dead", "beef ", "0a", "00000010: ",
]  # fmt: skip


def random_text(rng: random.Random, pieces: int) -> str:
    text = "".join(rng.choice(PIECES) for _ in range(pieces))
    if rng.random() < 0.3:  # a wrapped block, sometimes cut short
        block = base64.encodebytes(b"SECRET " * rng.randint(2, 40)).decode()
        text += "\n" + block[: rng.randint(1, len(block))]
    return text


def reference_lines(text: str) -> list[tuple[int, int]]:
    """Every line of ``text`` where TRIGGER_RE matches (the scanner's old loop)."""
    lines: list[tuple[int, int]] = []
    seen = -1
    for trigger in TRIGGER_RE.finditer(text):
        start = text.rfind("\n", 0, trigger.start()) + 1
        if start <= seen:
            continue
        seen = start
        end = text.find("\n", trigger.start())
        lines.append((start, len(text) if end < 0 else end))
    return lines


@pytest.mark.parametrize("seed", range(4))
def test_trigger_lines_are_exactly_trigger_re_lines(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(400):
        text = random_text(rng, rng.randint(1, 60))
        assert trigger_lines(text) == reference_lines(text), text
        cut = rng.randint(0, len(text))
        assert trigger_lines(text, cut) == reference_lines(text[:cut]), text


@pytest.mark.parametrize("seed", range(4))
def test_mime_blocks_are_exactly_finditer_blocks(seed: int) -> None:
    rng = random.Random(100 + seed)
    for _ in range(300):
        text = random_text(rng, rng.randint(1, 30))
        if rng.random() < 0.3:  # a block whose first line follows other text
            text = text.replace("\n", " Antwort: ", 1)
        want = [m.span() for m in _MIME_BLOCK.finditer(text)]
        assert mime_blocks(text) == want, text


@pytest.mark.parametrize("seed", range(2))
def test_a_shared_one_byte_copy_changes_nothing(seed: int) -> None:
    """The decode unit hands its region's one-byte copy to both searches (and a cut of it
    to the trigger search of a held region): the same lines and blocks as without."""
    rng = random.Random(200 + seed)
    for _ in range(300):
        text = random_text(rng, rng.randint(1, 40))
        raw = one_byte(text)
        cut = rng.randint(0, len(text))
        assert trigger_lines(text, raw=raw) == reference_lines(text), text
        assert trigger_lines(text[:cut], raw=raw[:cut]) == reference_lines(text[:cut]), text
        assert trigger_lines(text, cut, raw=raw) == reference_lines(text[:cut]), text
        assert mime_blocks(text, raw=raw) == [m.span() for m in _MIME_BLOCK.finditer(text)]


def test_every_alternative_has_a_stand_in() -> None:
    """One line per alternative of TRIGGER_RE: each found on its own."""
    lines = [
        "x %41 y", "a &#83; b", "a &eacute; b", "x \\u0053 y", "<~87cURD]i,", "de ad be",
        "0x53", "MZXW6YT=", "ONSWG4TFOQYTEMZU", "ab-cdefghijk", "QUJDREVGR0hJSktMTU5PUA==",
        "     U0VDUkVUIFNFQ1JFVA  ", "ab_cdéfghijk", "ab-Жжжжжжжжж",
        "01010011 01000101", "0101001101000101", "x U+0053 y", "x u+0053 y", "=53=45",
        "x +AFMARQ y",
    ]  # fmt: skip
    for line in lines:
        assert TRIGGER_RE.search(line) is not None, line
        assert trigger_lines("prose\n" + line + "\nprose") == [(6, 6 + len(line))], line


def test_a_stand_in_literal_leads_every_match_of_its_pattern() -> None:
    """``trigger_lines`` tries a literal-led stand-in only where ``bytes.find`` finds its
    literal: every match of the stand-in starts with it (random strings of its classes,
    each match from every start)."""
    rng = random.Random(300)
    led = [(table, literal, stand_in) for table, literal, stand_in in _STAND_INS if literal]
    assert any(literal == b"hhhhshhhh" for _, literal, _ in led)  # xxd's hex
    for table, literal, stand_in in led:
        alphabet = sorted(set(table))
        classes = [byte for byte in alphabet if byte != ord(".")]  # mostly the classes read
        matched = 0
        for _ in range(400):
            text = bytes(
                rng.choice(classes if rng.random() < 0.9 else alphabet)
                for _ in range(rng.randint(1, 48))
            )
            text = text.replace(literal[:1], literal, rng.randint(0, 2))
            for at in range(len(text)):
                match = stand_in.match(text, at)
                if match is not None:
                    matched += 1
                    assert text.startswith(literal, at), (literal, text)
        assert matched, literal


@pytest.mark.parametrize("seed", range(2))
def test_hex_dumps_trigger_exactly_the_trigger_re_lines(seed: int) -> None:
    """Hex in groups (xxd's four digits, pairs with separators, ``0x``): the lines that
    the stand-ins of the hex classes find, then TRIGGER_RE confirms, are its lines."""
    rng = random.Random(400 + seed)
    pieces = ["dead", "beef", "4f2a", "0a", "12", "0x", "g", " ", " ", "\t", ":", ",", "\n"]
    for _ in range(400):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        assert trigger_lines(text) == reference_lines(text), text
        assert trigger_lines(text, raw=one_byte(text)) == reference_lines(text), text
