"""Differential tests of the gate's fast paths against the plain loops they replace
(random text): the field unit reads only lines that hold an anchor (found through a heap
of next places) unless a CSV table is open, and skips the field search on lines without
``:`` or ``=``; the reversed-word look checks only the words that hold no other, in a
lower-cased one-byte copy, and finds the lines that hold them without lowering each; the
cell trigger, led by one class of first characters, starts where the plain alternation
does."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from milai.policy import check_stream, load_policy
from milai.policy.decoders import one_byte
from milai.policy.detect import (
    _BLANK_TRIGGER_RE,
    _CELL_TRIGGER_PLAIN,
    _LATIN1_LOWER,
    _LOWER_INTO_LATIN1,
    _OTHER_TRIGGER_RE,
    _PLAIN_TRIGGERS,
    BLANKS,
    FieldState,
    FieldUnit,
    Scanner,
    _reversed_trigger,
    _shortest,
    _Triggers,
    reversed_trigger_lines,
)
from tests.scale import scaled

POLICIES = sorted((Path(__file__).resolve().parents[2] / "policies").glob("*.yaml"))

PIECES = [
    "classification", "Classification", "sécurité", "Einstufung", "marking", "rubricering",
    "classified", ": ", "=", '"', "'", ",", ";", "\t", "|", " ", " ", "\n", "\n", "\n",
    "SECRET", "secret", "NATO CONFIDENTIAL", "TS", "(S)", "//NOFORN", "the report ",
    '{"classification":"SECRET"}', "id,classification,name\n", "1,SECRET,x\n",
    "2,TOP SECRET,y\n", "<doc classification='CONFIDENTIAL'>", "niveau de classification",
    "classification=secret", "Einstufung = geheim", "securityClassification = restricted",
    "<x classification='confidential'/>", "terces", "TERCES", "laitnedifnoc", "\u202e",
    "tniertser", "etniertser", "é",
]  # fmt: skip


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 60)))


def _every_line(self: FieldUnit, scanner: Scanner, state: FieldState, final: bool) -> None:
    """The plain loop: every complete line through ``_line``, nothing skipped."""
    view = scanner.skel
    buf, base = view.buf, view.base
    at = max(state.resume, base) - base
    limit = len(buf) if final else buf.rfind("\n") + 1
    if limit <= at:
        return
    region = buf[at:limit]
    position = 0
    while position < len(region):
        line_end = region.find("\n", position)
        line_end = len(region) if line_end < 0 else line_end
        self._line(scanner, state, region[position:line_end], base + at + position, None)
        position = line_end + 1
    state.resume = base + limit


@pytest.mark.parametrize("policy_path", POLICIES, ids=lambda p: p.name)
def test_field_unit_finds_what_the_plain_loop_finds(
    policy_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = load_policy(policy_path)
    rng = random.Random(policy_path.name)
    texts = [_text(rng) for _ in range(scaled(250, 6))]  # 250 in CI (tests/scale.py)
    cuts = [rng.randint(1, 7) for _ in texts]

    def run() -> list[object]:
        out: list[object] = []
        for text, cut in zip(texts, cuts, strict=True):
            for pieces in ([text], [text[i : i + cut] for i in range(0, len(text), cut)]):
                decision = check_stream(policy, iter(pieces))
                out.append((decision.level, [repr(f) for f in decision.findings]))
        return out

    fast = run()
    monkeypatch.setattr(FieldUnit, "scan", _every_line)
    assert run() == fast


def test_shortest_words_decide_as_all_words() -> None:
    rng = random.Random(7)
    for policy_path in POLICIES:
        words = load_policy(policy_path).engine.reversed_words
        assert set(_shortest(words)) <= set(words)
        pieces = [*PIECES, *words, *(w.upper() for w in words), *(w[1:] for w in words)]
        for _ in range(1000):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
            lower = text.lower()
            assert any(w in lower for w in _shortest(words)) == any(w in lower for w in words)
            want = "\u202e" in text or any(w in lower for w in words)
            assert _reversed_trigger(words, text) == want


def test_a_line_without_a_separator_holds_no_field() -> None:
    """The field search skips lines without ``:`` or ``=``: the field pattern needs one
    (random lines); lines with either still find their fields."""
    rng = random.Random(11)
    for policy_path in POLICIES:
        units = load_policy(policy_path).engine.units
        unit = next(u for u in units if isinstance(u, FieldUnit))
        for _ in range(2000):
            line = _text(rng).replace("\n", " ").lower()
            if ":" not in line and "=" not in line:
                assert unit.field_re.search(line) is None, line
        for line in (
            "x classification=secret y",
            "<x classification='confidential'/>",
            '{"classification":"secret"}',
            "securityclassification = restricted",
        ):
            assert [m.start() for m in unit._fields(line)], line


def test_the_characters_that_lower_into_latin1_are_all_listed() -> None:
    """The one-byte reversed-word search is exact only if these lists are right for the
    running Python's Unicode tables."""
    into = "".join(
        chr(code)
        for code in range(0x100, 0x110000)
        if any(ord(ch) < 0x100 for ch in chr(code).lower())
    )
    assert into == _LOWER_INTO_LATIN1
    for code in range(256):
        assert chr(code).lower() == chr(_LATIN1_LOWER[code])


# Characters that lower in odd ways or not at all, above and inside Latin-1.
_ODD = [*_LOWER_INTO_LATIN1, "\u0081", "\u2019", "\u03a3", "\u0410", "\u00c9", "\u00e9", "\u00ff"]


# Words that end in a letter that İ lowers into, or hold one that K, Å, Ÿ, ẞ lower into.
_SYNTHETIC_WORDS = ("abi", "kelvin", "sk\u00e5", "\u00ffes", "stra\u00dfe", "\u00e9t\u00e9")


@pytest.mark.parametrize(
    "words",
    [*(load_policy(p).engine.reversed_words for p in POLICIES), _SYNTHETIC_WORDS],
    ids=[*(p.name for p in POLICIES), "synthetic"],
)
def test_reversed_trigger_lines_are_the_lines_each_trigger(words: tuple[str, ...]) -> None:
    rng = random.Random(",".join(words))
    variants = [*words, *(w.upper() for w in words), *(w.title() for w in words)]
    # A word with a letter written in a character that lowers into it (K, Å, İ, Ÿ, ẞ).
    odd = {"k": "\u212a", "\u00e5": "\u212b", "i": "\u0130", "\u00ff": "\u0178", "\u00df": "\u1e9e"}
    for letter, upper in odd.items():
        variants += [w.replace(letter, upper) for w in words if letter in w]
    pieces = [*PIECES, *variants, *(w[2:] for w in words), *_ODD]
    for _ in range(1500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        want = []
        at = 0
        for line in text.split("\n"):
            if _reversed_trigger(words, line):
                want.append((at, at + len(line)))
            at += len(line) + 1
        assert reversed_trigger_lines(words, text) == want, text
        assert reversed_trigger_lines(words, text, one_byte(text)) == want, text


# Every trigger of the cell unit, pieces of them and what they must not be confused with.
_TRIGGER_PIECES = [
    "<", "{", "}", "|", "\t", "\\", "]", "=", ":", '"', ",", ";", "'", "&", "&L", "&R", "&X",
    "/", "/Name (", "/Subject  (", "/x (", " ", "  ", "\u2003", "\u00a0", "\x0b", "\n", "\n.",
    ".TL", ".", "-", " - ", "\u2013", "\u2014", " \u2014 ", "the", "The", "\u00e9t\u00e9",
    "l\u2019", "SECRET", "a", "Q", "1",
    # red team 10's data (_data_lines): CSV commas, grep's and COBOL's prefixes, quotes
    "17", "0", "00010", "*", "[", "`", "b'", "$'", "plan.txt", "-3-", ", ",
    # the diagrams' and documentation's (_dsl), SQL's quotes, fields and file names in capitals
    "A[", "-->", "(", ")", "#align(center)[", "@settitle ", "header ", "NOTE ", " & ", "IS ",
    "[NATO SECRET]", "Plan, NATO SECRET", " NATO SECRET", "A_", "_B", "x.docx", "!", "?",
    "id,SECRET", "1,", "x",
]  # fmt: skip


def test_the_cell_trigger_starts_where_the_plain_alternation_does() -> None:
    """The two led patterns match where ``_CELL_TRIGGER_PLAIN`` does (one or the other),
    and a walk of ``_Triggers`` over a text, from growing positions, finds its first start
    from each of them to the walk's end."""
    plain = re.compile(_CELL_TRIGGER_PLAIN)
    rng = random.Random(13)
    for _ in range(scaled(4000, 800)):
        text = "".join(rng.choice(_TRIGGER_PIECES) for _ in range(rng.randint(0, 14)))
        for at in range(len(text) + 1):
            found = _OTHER_TRIGGER_RE.match(text, at) or _BLANK_TRIGGER_RE.match(text, at)
            assert (found is None) == (plain.match(text, at) is None), (text, at)
        end = rng.randint(0, len(text))
        walk = _Triggers(text, end)
        start = rng.randint(0, end)
        while start <= end:
            want = plain.search(text, start, end)
            assert walk.first(start) == (-1 if want is None else want.start()), (text, start)
            start += rng.choice([1, 1, 2, 3, 7])


def test_every_trigger_is_led_and_drawn() -> None:
    """Each trigger of the list the patterns are composed from is found, where it matches,
    by a led pattern, and two of ``_TRIGGER_PIECES`` make a text where it matches: the
    random texts above try every trigger."""
    texts = [a + b for a in _TRIGGER_PIECES for b in _TRIGGER_PIECES]
    for trigger in _PLAIN_TRIGGERS:
        alone = re.compile(trigger)
        starts = [(text, at) for text in texts for at in range(len(text)) if alone.match(text, at)]
        assert starts, trigger
        for text, at in starts:
            assert _OTHER_TRIGGER_RE.match(text, at) or _BLANK_TRIGGER_RE.match(text, at), (
                trigger,
                text,
                at,
            )


def test_the_blanks_are_what_the_views_call_a_blank() -> None:
    """``BLANKS`` is every character ``[^\\S\\n]`` matches, in the running Python's tables."""
    blank = re.compile(r"[^\S\n]")
    assert {chr(c) for c in range(0x110000) if blank.match(chr(c))} == set(BLANKS)
