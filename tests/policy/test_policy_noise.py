"""Base64 of random bytes (an attachment, a key, a compressed blob pasted as text) is no
text: nothing is read in it, and nothing in it is reported as hidden (newuser found random
MIME-wrapped base64 warned, 317 "hidden characters" per 10 MB, each a line read as UTF-16 or
a ``+`` read as UTF-7). Markings encoded so are still read."""

from __future__ import annotations

import base64
import random

import pytest

from milai.policy import Policy, check_text
from tests.scale import sample

SEEDS = sample([0, 1, 2], 1, seed="noise")  # all three in CI (tests/scale.py)


def _noise(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


@pytest.mark.parametrize("seed", SEEDS)
def test_base64_of_noise_reads_as_nothing(default_policy: Policy, seed: int) -> None:
    raw = _noise(seed, 96_000)
    for text in (
        base64.encodebytes(raw).decode(),  # MIME: 76 columns
        base64.b64encode(raw).decode(),  # one line
        base64.urlsafe_b64encode(raw).decode(),
        "\n".join(base64.b64encode(raw[i : i + 600]).decode() for i in range(0, len(raw), 600)),
    ):
        decision = check_text(default_policy, text)
        assert (decision.level, decision.findings) == ("UNCLASSIFIED", ())


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-8"])
def test_an_encoded_marking_is_still_read(default_policy: Policy, codec: str) -> None:
    for words in ("NATO SECRET", "TR\u00c8S SECRET UE", "Classification: NATO SECRET"):
        encoded = base64.b64encode(words.encode(codec)).decode()
        assert check_text(default_policy, f"Answer: {encoded}\n").level != "UNCLASSIFIED", words
    utf7 = "+AFMARQBDAFIARQBU-"  # SECRET in UTF-7
    assert check_text(default_policy, f"{utf7}\n").level == "SECRET"
