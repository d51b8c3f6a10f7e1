"""Letters doubled (``SSEECCRREETT  UUEE``) or a filler letter at every other place
(``NxAxTxOx xSxExCxRxExT``, ``SxExCxRxExT``): a line with such a word that, read once or
without its filler, holds a marking word of five letters or more (or a codeword's) is read
so (``milai/policy/_doubled.py``), its hits on the characters they were read from.

Every banner of both shipped policies with such a word, in each writer's form, whole and
streamed; every codeword of the ministry policy doubled or filled; everyday words that are
doubled in part, or alternate by chance, stay UNCLASSIFIED."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from milai.policy import Policy, check_text
from tests.levels import assert_targets_read
from tests.policy.adversarial import pieces
from tests.policy.families import BODY, targets
from tests.policy.test_policy_stream_properties import _assert_stream_properties

BANNERS = [target for target in targets() if not target.portion]
# Markings with a word of five ASCII letters or more (shorter ones are not read so, as
# they are not read deciphered: ``_ciphers``).
LONG = [
    target
    for target in BANNERS
    if any(len(word) >= 5 and word.isascii() and word.isalpha() for word in target.words)
]
FILLERS = "xXqzj"


def _doubled(text: str, blanks: bool = True) -> str:
    """Each character twice (blanks too, unless ``blanks`` is False)."""
    return "".join(ch if ch == " " and not blanks else ch * 2 for ch in text)


def _filled_after(text: str, filler: str) -> str:
    """A filler after every character, blanks and marks too (``NxAxTxOx xSx…``)."""
    return "".join(ch + filler for ch in text)


def _filled_between(text: str, filler: str) -> str:
    """A filler between the letters of each word (``SxExCxRxExT UxE``)."""
    return " ".join(filler.join(word) for word in text.split(" "))


def _filled_before(text: str, filler: str) -> str:
    """A filler before each letter of each word (``xSxExCxRxExT xUxE``)."""
    return " ".join("".join(filler + ch for ch in word) for word in text.split(" "))


def _document(line: str, rng: random.Random) -> str:
    body = rng.choice(BODY)
    return f"{line}\n{body}\n" if rng.random() < 0.6 else f"{line}\n\n{body}\n\n{line}\n"


def _writers() -> dict[str, Callable[[str, random.Random], str]]:
    return {
        "doubled": lambda m, rng: _document(_doubled(m), rng),
        "doubled-letters": lambda m, rng: _document(_doubled(m, blanks=False), rng),
        "doubled-labelled": lambda m, rng: "Classification: " + _doubled(m) + "\n",
        "filled-after": lambda m, rng: _document(_filled_after(m, rng.choice(FILLERS)), rng),
        "filled-between": lambda m, rng: _document(_filled_between(m, rng.choice(FILLERS)), rng),
        "filled-before": lambda m, rng: _document(_filled_before(m, rng.choice(FILLERS)), rng),
    }


@pytest.mark.parametrize("writer", sorted(_writers()))
def test_every_long_banner_doubled_or_filled_reads(writer: str) -> None:
    make = _writers()[writer]
    assert_targets_read(LONG, lambda target: make(target.text, random.Random(target.id + writer)))


@pytest.mark.parametrize(
    ("text", "level", "span"),
    [
        ("SSEECCRREETT  UUEE", "SECRET", (0, 18)),
        ("NNAATTOO  SSEECCRREETT", "SECRET", (0, 22)),
        ("NxAxTxOx xSxExCxRxExT", "SECRET", (0, 21)),
        ("SxExCxRxExTx", "SECRET", (0, 12)),
        ("TTOOPPSSEECCRREETT", "TOP SECRET", (0, 18)),
        ("Classification: SSEECCRREETT\nThe plan.", "SECRET", (16, 28)),
    ],
)
def test_the_family_examples_read_on_their_own_characters(
    default_policy: Policy, text: str, level: str, span: tuple[int, int]
) -> None:
    decision = check_text(default_policy, text)
    assert decision.level == level
    assert (decision.findings[0].start, decision.findings[0].end) == span


CODEWORDS = ("NIGHTJAR", "BLUE HERON", "SILVER LINDEN", "MOSELLE SHIELD")


@pytest.mark.parametrize("codeword", CODEWORDS)
@pytest.mark.parametrize(
    "spell",
    [
        _doubled,
        lambda word: _filled_after(word, "x"),
        lambda word: _filled_between(word, "q"),
        lambda word: _filled_before(word, "Z"),
    ],
    ids=["doubled", "after", "between", "before"],
)
def test_every_codeword_doubled_or_filled_reads(
    ministry_policy: Policy, codeword: str, spell: Callable[[str], str]
) -> None:
    for text in (f"Operation {spell(codeword)} starts at dawn.", spell(codeword.lower())):
        assert check_text(ministry_policy, text).level == "SECRET", text


@pytest.mark.parametrize(
    "text",
    [
        "The bookkeeper saw an aardvark by the Mississippi.",
        "AABBCC 0xDEADBEEF ffeeddcc AABBCCDDEEFF",
        "xxxx XoXoXo xoxoxo hahaha " + "x" * 40,
        "Part SSEE-1234 and LLCC-77 are in stock; Zzzz. Hmmmm. Aaaargh!",
        "Ssuuppeerr  sseeccrreett  ssttuuffff, the committee's coffee.",
        "SSEECCRREETTAARRYY  GGEENNEERRAALL",  # a doubled word that only holds a marking word
        "NNAATTOO  aanndd  EEUU",  # no word of five letters
        "The sseeccrreett recipe is a family matter.",  # prose, read once
        "banana bananas nanana abababab cocoa",
        "ID: a1a2a3a4a5a6; colour #aabbcc; hash 5e3e1e7e9e",
    ],
)
def test_everyday_doubled_and_alternating_words_stay_unclassified(
    default_policy: Policy, text: str
) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


def test_everyday_codeword_lookalikes_stay_unclassified(ministry_policy: Policy) -> None:
    for text in ("The nnightjars sang.", "A heron, a linden, a shield and silver.", "Ssiillvveerr"):
        assert check_text(ministry_policy, text).level == "UNCLASSIFIED", text


@pytest.mark.parametrize("writer", sorted(_writers()))
def test_streamed_as_read_whole(default_policy: Policy, writer: str) -> None:
    rng = random.Random(writer)
    text = "Here is the banner:\n" + _writers()[writer]("NATO SECRET", rng)
    for sizes in ((1,), (1, 2, 3, 5, 8), (64,)):
        _assert_stream_properties(default_policy, text, pieces(text, rng, sizes), exactly=True)
