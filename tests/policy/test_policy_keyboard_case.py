"""An evasion family a red team found read UNCLASSIFIED, read as the others are.

A QWERTY keyboard shift: each letter typed one key to the right (``MSYP DRVTRY`` is
  NATO SECRET) or to the left (``BLRI AWXEWR``); typed to the right, a row's last key is the
  key past it (``YP[``: TOP) or the row's first (``YPQ``); typed to the left, a row's first
  key is the row's last. A line that deciphered holds a marking word of five letters or
more is read deciphered, as Atbash is (``_ciphers``).

Every banner of both shipped policies with a word of five letters or more, whole and
streamed; everyday text in the same forms stays UNCLASSIFIED. The keyboard's rows are
written out here, not taken from the code's tables."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from milai.policy import Policy, check_text
from tests.levels import assert_targets_read
from tests.policy.adversarial import split_longest_word
from tests.policy.banner_families import assert_family_streams, family_rng
from tests.policy.families import BODY, Target, banner_sample
from tests.policy.test_policy_stream_properties import assert_cuts_stream

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _typed(text: str, step: int, past: str = "") -> str:
    """``text``'s letters each typed ``step`` keys along its QWERTY row (wrapping round);
    ``past``: the keys past the rows' last ones (``[;,``), typed to the right."""
    out: list[str] = []
    for char in text:
        lower = char.lower()
        row = next((row for row in _ROWS if lower in row), None)
        if row is None or not char.isascii():
            out.append(char)
            continue
        at = row.index(lower) + step
        if past and at == len(row):
            out.append(past[_ROWS.index(row)])
            continue
        key = row[at % len(row)]
        out.append(key.upper() if char.isupper() else key)
    return "".join(out)


def _document(marking: str, rng: random.Random) -> str:
    body = rng.choice(BODY)
    return f"{marking}\n{body}\n" if rng.random() < 0.6 else f"{marking}\n\n{body}\n\n{marking}\n"


_KEYBOARD: dict[str, Callable[[str, random.Random], str]] = {
    "right-document": lambda m, rng: _typed(_document(m, rng), 1),
    "right-keys-document": lambda m, rng: _typed(_document(m, rng), 1, "[;,"),
    "right-line": lambda m, rng: "Answer: " + _typed(m, 1, "[;,"),
    "left-document": lambda m, rng: _typed(_document(m, rng), -1),
    "left-line": lambda m, rng: "Here it is: " + _typed(m, -1) + "\n" + rng.choice(BODY),
    "right-small-letters": lambda m, rng: _typed(m.lower(), 1) + "\n" + rng.choice(BODY),
    "left-split": lambda m, rng: _typed(_document(split_longest_word(m, rng), rng), -1),
}


def _long(target: Target) -> bool:
    """A marking with a word of five letters or more (shorter ones are not read deciphered,
    as their Atbash and rot13 spellings are not)."""
    return any(len(word) >= 5 and word.isascii() and word.isalpha() for word in target.words)


def _keyboard_family(target: Target) -> list[str]:
    return [make(target.text, family_rng(target, name)) for name, make in _KEYBOARD.items()]


def test_every_long_banner_shifted_on_the_keyboard_reads() -> None:
    assert_targets_read(
        [target for target in banner_sample("keyboard-shift", 16) if _long(target)],
        _keyboard_family,
    )


def test_keyboard_shifted_banners_stream_as_they_read_whole() -> None:
    assert_family_streams(
        "keyboard-shift",
        lambda target: _keyboard_family(target) if _long(target) else [],
    )


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("MSYP DRVTRY", "SECRET"),
        ("BLRI AWXEWR", "SECRET"),
        ("YP[ DRVTRY\nThe convoy leaves at dawn.", "TOP SECRET"),
        ("YPQ DRVTRY", "TOP SECRET"),
        ("VPMGOFRMYOS;", "CONFIDENTIAL"),
        ("Answer: DRVTRY", "SECRET"),
    ],
)
def test_the_keyboard_examples_read(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, text).level == level


@pytest.mark.parametrize(
    "text",
    [
        "MSYP",  # NATO: a short word
        "QWERTY ASDF ZXCV: the keyboard's rows",
        "HJKL moves the cursor; WASD moves the player.",
        "Drvtry is no word; the secret recipe is restricted to the family.",
        _typed("The secret recipe is restricted to the family.", 1),  # prose, shifted
        "if (x[i] > y; z, w) { return MSYP_DRV; }",
        "ERROR 0x3F: LKJH GFDS POIU YTRE",
    ],
)
def test_everyday_text_stays_unclassified_keyboard(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


@pytest.mark.parametrize(
    "text",
    [
        "Answer: YP[ DRVTRY\nThe convoy leaves at dawn.\n",
        "MSYP [G[ VPMGOFRMYOS;\n",
    ],
)
def test_the_examples_stream_at_every_cut(default_policy: Policy, text: str) -> None:
    assert_cuts_stream(default_policy, text)
