"""Codewords (a detector's keywords) written the ways markings are: a hyphen inside a word
(``NIGHT-JAR``), the line written backwards (``RAJTHGIN``) and the keyword's words inside
a program's identifier (``silverLindenPhase2``), for every keyword of every shipped policy;
the gate must report the keyword (issue 9, red teams 2 and 4)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from milai.policy import check_text, load_policy
from tests.policy.adversarial import pieces
from tests.policy.families import string_pieces

POLICY_DIR = Path(__file__).resolve().parents[2] / "policies"
SENTENCES = ["Status of {} please.", "{}", "Meeting on {} moved to Friday.", "Re: {} - update"]


def _keywords() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(POLICY_DIR.glob("*.yaml")):
        for detector in load_policy(path).spec.detectors:
            for keyword in detector.keywords:
                found.append((path.name, detector.id, keyword))
    return found


KEYWORDS = _keywords()


def _hyphenated(keyword: str, rng: random.Random) -> str | None:
    """A hyphen (or a Unicode hyphen or dash) between two letters of one word."""
    words = keyword.split(" ")
    long = [i for i, word in enumerate(words) if sum(ch.isalpha() for ch in word) >= 4]
    if not long:
        return None
    index = rng.choice(long)
    word = words[index]
    cuts = [i for i in range(1, len(word)) if word[i - 1].isalpha() and word[i].isalpha()]
    cut = rng.choice(cuts)
    words[index] = word[:cut] + rng.choice(["-", "\u2010", "\u2011"]) + word[cut:]
    return " ".join(words)


def _reversed(keyword: str, rng: random.Random) -> str | None:
    """The whole line written backwards (a word of five letters or more is needed)."""
    if not any(sum(ch.isalpha() for ch in w) >= 5 for w in keyword.replace("-", " ").split()):
        return None
    return rng.choice(SENTENCES).format(keyword)[::-1]


def _split_lines(keyword: str, rng: random.Random) -> str | None:
    """Split over two lines between two words (BLUE / HERON, a blank or none at the end
    of the first line and at the start of the next). A word hyphenated over two lines
    (NIGHT- / JAR) is not read: a line break after every letter would make the keyword
    patterns' reach, and so what a stream holds back, several times longer."""
    words = keyword.split(" ")
    if len(words) < 2:
        return None
    indent = rng.choice(["", " ", "\t"])
    cut = rng.randint(1, len(words) - 1)
    return " ".join(words[:cut]) + rng.choice(["", " "]) + "\n" + indent + " ".join(words[cut:])


def _identifier_words(keyword: str) -> list[str]:
    return [w for w in re.split(r"[^0-9A-Za-zÀ-ÿ]+", keyword) if w]


def _in_identifier(keyword: str, rng: random.Random) -> str | None:
    """The keyword as words of a program's identifier, glued to other words: camelCase,
    PascalCase, snake_case, kebab-case, CONSTANT_CASE (``silverLindenPhase2``,
    ``nightjarTeam.notify()``, ``loadBlueHeronOrders``), as code leaks it (red team 4)."""
    words = _identifier_words(keyword)
    before = rng.choice([[], ["load"], ["get", "all"], ["my"]])
    after = rng.choice([["phase", "2"], ["team"], ["orders"], [], ["v2"]])
    if not before and not after:
        after = ["config"]
    style = rng.choice(["camel", "pascal", "snake", "kebab", "constant"])
    parts = [*before, *words, *after]
    if style in ("camel", "pascal"):
        glued = "".join(w[:1].upper() + w[1:].lower() for w in parts)
        ident = glued[:1].lower() + glued[1:] if style == "camel" else glued
    elif style == "constant":
        ident = "_".join(w.upper() for w in parts)
    else:
        ident = ("_" if style == "snake" else "-").join(w.lower() for w in parts)
    return rng.choice(["const {} = load();", "{}.notify()", "def {}():", "import {}"]).format(ident)


def _string_pieces(keyword: str, rng: random.Random) -> str | None:
    """The keyword in a string written in two pieces that a program reads as one, cut
    anywhere inside (``msgstr ""`` / ``"NIGHT"`` / ``"JAR"``, ``"NIGHT" "JAR"``,
    ``<![CDATA[NIGH]]><![CDATA[TJAR]]>``; ``families.string_pieces``)."""
    return string_pieces(f"Operation {keyword} starts Monday", rng)


FAMILIES = [_hyphenated, _reversed, _split_lines, _in_identifier, _string_pieces]


@pytest.mark.parametrize(
    "family",
    FAMILIES,
    ids=["hyphen-inside", "reversed", "split-lines", "in-identifier", "string-pieces"],
)
def test_codeword_family_on_every_keyword(family: object) -> None:
    assert KEYWORDS
    tried, missed = 0, []
    for policy_name, detector, keyword in KEYWORDS:
        rng = random.Random(f"{policy_name}:{keyword}")
        written = family(keyword, rng)  # type: ignore[operator]
        if written is None:
            continue
        keep = family in (_reversed, _in_identifier, _string_pieces)
        text = written if keep else rng.choice(SENTENCES).format(written)
        tried += 1
        decision = check_text(load_policy(POLICY_DIR / policy_name), text + "\n")
        if not any(repr(keyword) in finding.detail for finding in decision.findings):
            missed.append(f"{policy_name} {detector} {keyword!r}: {text!r}")
    assert tried >= 4
    assert not missed, "\n".join(missed)


def test_a_word_that_holds_a_codeword_backwards_is_not_one() -> None:
    policy = load_policy(POLICY_DIR / "ministry-codewords.yaml")
    for text in (
        "The night jar sang.",
        "Nightjars are birds.",
        "XRAJTHGINX is no word.",
        # a keyword's letters inside one word of an identifier: no word of its own
        "the nightjarteam met",
        "silverlindens = 3",
        "const blueheronry = 1;",
        "Both NIGHTJARs flew off.",
    ):
        decision = check_text(policy, text + "\n")
        assert decision.level == policy.lowest, text


@pytest.mark.parametrize("seed", range(3))
def test_a_codeword_split_over_lines_streams_as_it_reads_whole(seed: int) -> None:
    """The keyword unit holds its last two lines open: streamed in small pieces, a split
    codeword is found (and released text stops before it) as in the whole text."""
    from tests.policy.test_policy_stream_properties import _assert_stream_properties

    for policy_name, _, keyword in KEYWORDS:
        rng = random.Random(f"{seed}:{policy_name}:{keyword}")
        written = _split_lines(keyword, rng)
        if written is None:
            continue
        policy = load_policy(POLICY_DIR / policy_name)
        text = f"The convoy leaves at dawn.\nOperation {written} starts Monday.\nEnd.\n"
        chunks = pieces(text, rng, (1, 2, 3, 7))
        _assert_stream_properties(policy, text, chunks)


@pytest.mark.parametrize("seed", range(2))
def test_a_codeword_in_an_identifier_streams_as_it_reads_whole(seed: int) -> None:
    """A keyword that starts inside a word (``loadNightjar``) is held like one that starts
    a word: streamed in small pieces, nothing of it is released before it is found."""
    from tests.policy.test_policy_stream_properties import _assert_stream_properties

    for policy_name, _, keyword in KEYWORDS:
        rng = random.Random(f"{seed}:{policy_name}:{keyword}:identifier")
        written = _in_identifier(keyword, rng)
        if written is None:
            continue
        policy = load_policy(POLICY_DIR / policy_name)
        text = f"Some code follows.\n{written}\nEnd.\n"
        _assert_stream_properties(policy, text, pieces(text, rng, (1, 2, 3, 7)))


@pytest.mark.parametrize("seed", range(2))
def test_a_codeword_in_string_pieces_streams_as_it_reads_whole(seed: int) -> None:
    """A string written in pieces is held until its last piece: streamed in small pieces,
    nothing of the keyword is released before it is found."""
    from tests.policy.test_policy_stream_properties import _assert_stream_properties

    for policy_name, _, keyword in KEYWORDS:
        rng = random.Random(f"{seed}:{policy_name}:{keyword}:pieces")
        text = f"Some code follows.\n{_string_pieces(keyword, rng)}End.\n"
        policy = load_policy(POLICY_DIR / policy_name)
        _assert_stream_properties(policy, text, pieces(text, rng, (1, 2, 3, 7)))


@pytest.mark.parametrize(
    "text",
    [
        # strings side by side that join into no codeword, or whose codeword is whole in
        # one piece (found as written)
        'msgid ""\n"The nightjars "\n"sang over the Moselle."\nmsgstr ""',
        'label = "Night" "jars" "sang"',
        "<p><![CDATA[Blue]]><![CDATA[ herons]]></p>",
        "The sky was blue.\nHeron populations grew.",
        "Colour: blue\n\nheron count: 4",
        "Silver\n\nLinden trees line the avenue.",
    ],
)
def test_words_apart_over_lines_are_no_codeword(text: str) -> None:
    policy = load_policy(POLICY_DIR / "ministry-codewords.yaml")
    assert check_text(policy, text + "\n").level == policy.lowest, text
