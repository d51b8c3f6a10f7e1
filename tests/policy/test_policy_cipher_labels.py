"""Letter ciphers (Atbash, ROT47, a keyboard shift: ``milai/policy/_ciphers.py``) after a
label, and of codewords.

* A label before the ciphered text (``ROT47: }p%~ $tr#t%``, ``classification: …``,
  ``(atbash) …``): deciphered with the line, a label is junk (ROT47 turns letters into
  marks), and the gate reads no marking after junk on its line. The line is read with the
  label as written and the rest deciphered too; a label that names a cipher is blanked
  (what follows it is the message, a line of its own).
* A codeword of the policy (a detector's keyword word of five letters or more) deciphered
  makes its line read deciphered, as a marking word does: ``Operation MRTSGQZI``.

Every banner of both shipped policies after each label, every codeword of the ministry
policy in each cipher, whole and streamed; everyday text after the same labels, and
ordinary words ciphered, stay UNCLASSIFIED."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from milai.policy import Policy, check_text
from milai.policy._ciphers import ATBASH, KEYBOARD_LEFT, KEYBOARD_RIGHT, ROT47
from tests.levels import assert_targets_read
from tests.policy.adversarial import pieces
from tests.policy.families import BODY, targets
from tests.policy.test_policy_stream_properties import _assert_stream_properties

BANNERS = [target for target in targets() if not target.portion]
LONG = [
    target
    for target in BANNERS
    if any(len(word) >= 5 and word.isascii() and word.isalpha() for word in target.words)
]
CIPHERS = {
    "atbash": ATBASH,
    "rot47": ROT47,
    "keyboard-right": KEYBOARD_RIGHT,
    "keyboard-left": KEYBOARD_LEFT,
}
LABELS = (
    "ROT47: ",
    "ROT-47 = ",
    "(rot47) ",
    "[Atbash] ",
    "atbash -> ",
    "Keyboard shift: ",
    "ROT47 ",
    "Here it is in ROT47: ",
    "classification: ",
    "Subject: ",
    "  Answer: ",
)


@pytest.mark.parametrize("label", LABELS)
@pytest.mark.parametrize("cipher", sorted(CIPHERS))
def test_every_long_banner_ciphered_after_a_label_reads(label: str, cipher: str) -> None:
    table = CIPHERS[cipher]

    def make(text: str, rng: random.Random) -> str:
        return f"{label}{text.translate(table)}\n{rng.choice(BODY)}\n"

    assert_targets_read(LONG, lambda target: make(target.text, random.Random(target.id)))


@pytest.mark.parametrize("quotes", ['"{}"', "({})", "'{}'", "Classification: ({})"])
def test_every_long_banner_in_rot47_inside_plain_marks_reads(quotes: str) -> None:
    assert_targets_read(
        LONG, lambda target: quotes.format(target.text.translate(ROT47)) + "\n" + BODY[0]
    )


@pytest.mark.parametrize(
    "text",
    [
        "ROT47: }p%~ $tr#t%",
        "classification: }p%~ $tr#t%",
        "Subject: MZGL HVXIVG",
        "(rot47) }p%~ $tr#t%",
    ],
)
def test_the_round_examples_read(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "SECRET"


@pytest.mark.parametrize("label", LABELS)
@pytest.mark.parametrize("cipher", sorted(CIPHERS))
def test_everyday_text_ciphered_after_a_label_stays_unclassified(
    default_policy: Policy, label: str, cipher: str
) -> None:
    # not BODY's Luxembourgish line: ``classification: S'…`` (its keyboard shift) reads
    # as a portion mark S in a classification field, written as it is
    for text in (
        "The secret recipe is restricted to the family.",
        "Top secret stuff, said the secretary.",
        *BODY[:4],
    ):
        written = label + text.translate(CIPHERS[cipher])
        assert check_text(default_policy, written).level == "UNCLASSIFIED", written


CODEWORDS = ("NIGHTJAR", "BLUE HERON", "SILVER LINDEN", "MOSELLE SHIELD")
# A plain mark glued to a word in ROT47 deciphers to a letter (``?`` is ``n``): read as written.
SENTENCES = ("Operation {} starts at dawn.", "{}", "Status of {}?", "Is it ({})?", 'ROT47: "{}"')


def _codeword_texts(codeword: str, table: dict[int, int]) -> list[str]:
    """The codeword ciphered in a plain sentence, and the whole sentence ciphered, in
    capitals and in small letters."""
    found = []
    for sentence in SENTENCES:
        for word in (codeword, codeword.lower(), codeword.title()):
            found.append(sentence.format(word.translate(table)))
            found.append(sentence.format(word).translate(table))
    return found


@pytest.mark.parametrize("codeword", CODEWORDS)
@pytest.mark.parametrize("cipher", sorted(CIPHERS))
def test_every_codeword_ciphered_reads(ministry_policy: Policy, codeword: str, cipher: str) -> None:
    for text in _codeword_texts(codeword, CIPHERS[cipher]):
        assert check_text(ministry_policy, text).level == "SECRET", text


@pytest.mark.parametrize("cipher", sorted(CIPHERS))
def test_everyday_words_ciphered_stay_unclassified_under_the_ministry_policy(
    ministry_policy: Policy, cipher: str
) -> None:
    everyday = (
        "A heron by the linden; silver on the shield; the Moselle.",
        "The nightjars sang; the project ran late.",
        *BODY,
    )
    for text in everyday:
        written = text.translate(CIPHERS[cipher])
        assert check_text(ministry_policy, written).level == "UNCLASSIFIED", written


LABELLED_STREAMS = (
    "Here it is:\nROT47: }p%~ $tr#t%\nThe convoy leaves at dawn.\n",
    "Decoded below.\n(atbash) MZGL HVXIVG\n",
    "classification: }p%~ $tr#t%",
    'Quoted: "}p%~ $tr#t%" (ROT47)\n',
)


@pytest.mark.parametrize("text", LABELLED_STREAMS)
def test_labels_streamed_as_read_whole(default_policy: Policy, text: str) -> None:
    rng = random.Random(text)
    for sizes in ((1,), (1, 2, 3, 5, 8), (64,)):
        _assert_stream_properties(default_policy, text, pieces(text, rng, sizes), exactly=True)


@pytest.mark.parametrize(
    "make",
    [
        lambda word: f"Operation {word.translate(ATBASH)} starts at dawn.\nMore later.\n",
        lambda word: f"Status: {word.translate(ROT47)}\n",
        lambda word: f"Is it ({word.translate(ROT47)})?\nNo.\n",
        lambda word: f"{word.translate(KEYBOARD_RIGHT)} moves at dawn\n",
    ],
    ids=["atbash", "rot47", "rot47-glued", "keyboard"],
)
def test_codewords_streamed_as_read_whole(
    ministry_policy: Policy, make: Callable[[str], str]
) -> None:
    rng = random.Random("codewords")
    for codeword in CODEWORDS:
        text = make(codeword)
        for sizes in ((1,), (1, 2, 3, 5, 8)):
            _assert_stream_properties(ministry_policy, text, pieces(text, rng, sizes))
