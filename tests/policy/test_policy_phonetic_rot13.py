"""Issue 9: rot13 turns phonetic words, not the letters they spell: ``Fvreen-Rpub-Puneyvr-
Ebzrb-Rpub-Gnatb`` is S, E, C, R, E, T. The words' rot13 spellings are phonetic words too
(no word of the languages read is one). Every banner marking of every shipped policy,
whole and streamed; text that holds a few of them by chance stays UNCLASSIFIED."""

from __future__ import annotations

import codecs
import random

import pytest

from milai.policy import Policy, check_text
from tests.levels import assert_targets_read
from tests.policy.adversarial import pieces
from tests.policy.families import BY_NAME, build, targets
from tests.policy.test_policy_stream_properties import _assert_stream_properties

BANNERS = [target for target in targets() if not target.portion]


def test_every_banner_in_rot13_phonetic_words_counts() -> None:
    family = BY_NAME["phonetic"]
    assert_targets_read(
        [target for target in BANNERS if family.applies(target)],
        lambda target: codecs.encode(build([family], target, random.Random(target.id)), "rot13"),
    )


@pytest.mark.parametrize("marking", ["NATO SECRET", "TOP SECRET", "CONFIDENTIEL UE"])
def test_rot13_phonetic_words_stream_as_they_read_whole(
    default_policy: Policy, marking: str
) -> None:
    rng = random.Random(marking)
    target = next(t for t in BANNERS if t.text == marking)
    text = codecs.encode(build([BY_NAME["phonetic"]], target, rng), "rot13")
    for sizes in ((1,), (1, 2, 3, 5)):
        _assert_stream_properties(default_policy, text, pieces(text, rng, sizes), exactly=True)


@pytest.mark.parametrize(
    "text",
    [
        "Nysn Oenib cncn mhyh",  # four rot13 phonetic words that spell no marking
        "Das Rpub der Qrygn ist laut.",
        "Rpub Puneyvr Fvreen Gnatb Rpub, the show.",
        "Echo, Tango and Lima were the call signs.",
    ],
)
def test_rot13_phonetic_words_that_spell_no_marking_stay_unclassified(
    default_policy: Policy, text: str
) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"
