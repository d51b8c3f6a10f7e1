"""Codewords in leetspeak (red team 11): digits and symbols for a codeword's letters inside
prose (``Fuel for NIGHTJ4R is at the depot.``, ``M0$ELLE SH!ELD``, ``8lue h3ron``), every
single substitution and several at once, in capitals, title case and small letters, glued
to punctuation, in a sentence of each language; for every keyword of every shipped policy.
A word of the codeword keeps at least half its letters and three of them as letters (README,
"What the gate catches"), so that a word with digits in it (B2B, H2O, 4x4, a part number,
a licence plate) is not read as one.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from milai.policy import Policy, check_text, load_policy
from tests.policy.adversarial import pieces
from tests.policy.families import (
    CODEWORD_LEET,
    POLICY_DIR,
    codeword_case,
    codeword_in_sentence,
    codeword_leet,
    codeword_leet_most,
    shipped_policy,
)
from tests.policy.test_policy_codeword_families import KEYWORDS
from tests.policy.test_policy_stream_properties import _assert_stream_properties


def _found(policy: Policy, text: str, keyword: str) -> bool:
    return any(repr(keyword) in f.detail for f in check_text(policy, text + "\n").findings)


def _single_swaps(keyword: str) -> Iterator[str]:
    """The keyword with one letter swapped for one of its digits or symbols, each way, in
    a word long enough to take one."""
    for i, ch in enumerate(keyword):
        start = max(keyword.rfind(" ", 0, i), keyword.rfind("-", 0, i)) + 1
        end = min(
            (j for j in (keyword.find(" ", i), keyword.find("-", i)) if j >= 0),
            default=len(keyword),
        )
        if not codeword_leet_most(end - start) or ch.upper() not in CODEWORD_LEET:
            continue
        for symbol in CODEWORD_LEET[ch.upper()]:
            yield keyword[:i] + symbol + keyword[i + 1 :]


@pytest.mark.parametrize(("policy", "detector", "keyword"), KEYWORDS)
def test_every_single_substitution_is_read(policy: str, detector: str, keyword: str) -> None:
    loaded = shipped_policy(policy)
    rng = random.Random(f"leet1:{policy}:{keyword}")
    tried, missed = 0, []
    for swapped in _single_swaps(keyword):
        for cased in {swapped.upper(), swapped.title(), swapped.lower()}:
            text = codeword_in_sentence(cased, rng)
            tried += 1
            if not _found(loaded, text, keyword):
                missed.append(text)
    assert tried, keyword
    assert not missed, missed


@pytest.mark.parametrize(("policy", "detector", "keyword"), KEYWORDS)
def test_several_substitutions_are_read(policy: str, detector: str, keyword: str) -> None:
    loaded = shipped_policy(policy)
    missed = []
    for round_ in range(12):
        rng = random.Random(f"leet:{policy}:{keyword}:{round_}")
        written = codeword_leet(keyword, rng)
        assert written is not None
        text = codeword_in_sentence(written, rng)
        if not _found(loaded, text, keyword):
            missed.append(text)
        elif round_ < 2:
            _assert_stream_properties(loaded, text + "\n", pieces(text + "\n", rng), exactly=True)
    assert not missed, missed


@pytest.mark.parametrize(
    "text",
    [
        "Fuel for NIGHTJ4R is at the depot.",
        "Fuel for N!6H7J4R is at the depot.",
        "Report on M0$ELL3 $H!3LD.",
        "(8lue h3ron)",
        "$ilver L!nden: done",
        "Operation Night J4r starts.",
    ],
)
def test_red_team_examples(ministry_policy: Policy, text: str) -> None:
    assert check_text(ministry_policy, text + "\n").level == "SECRET"


@pytest.mark.parametrize(
    "text",
    [
        # too few letters left in a word: no codeword
        "Fuel for B1U3 HERON is at the depot.",
        "Report on 5!1V3R L1NDEN.",
        "Report on MO5311E SHIELD.",
        "Report on M0$3LL3 SHIELD.",
        # a blank inside a short part of the word stays prose (the night jar sang)
        "the night j4r sang",
    ],
)
def test_too_few_letters_are_no_codeword(ministry_policy: Policy, text: str) -> None:
    assert check_text(ministry_policy, text + "\n").level == "UNCLASSIFIED"


# Everyday words with digits in them, each language, none a codeword of the shipped policies.
EVERYDAY = [
    "Our B2B portal and the H2O sensor ship with the 4x4 kit; R2-D2 is on the box.",
    "Upgrade to v2.4.1 (build 7E3A) and part no. 8B-573-G, plate B-AB 1234.",
    "Set the password to S3cr3t!2024 or P@ssw0rd in the demo docs, never in production.",
    "Le lot 4B7 du modèle 3008, immatriculé AB-123-CD, part à 7h30 pour le 4x4.",
    "Le mot de passe d'essai est Azerty123! ; la version 2.0.3 corrige le bug #4521.",
    "Das Kennzeichen B-MW 2024 gehört zum A4 Avant; Teilenummer 8E0-615-301.",
    "Das WLAN-Passwort lautet Sommer2024$ und der Router hat Firmware 7.57.",
    "De Bus 18 fiert um 7h45 op de Kierchbierg; d'Plack ass LU-4321.",
    "D'Passwuert vum Gaascht-Kont ass M0selTal!88 an d'Versioun ass 3.1.4.",
    "Het kenteken is 7-XBN-48 en de B2B-webshop draait op versie 5.6.2.",
    "Bestelnummer 8E5T-77A; het wachtwoord Welkom01! staat in de handleiding.",
    "Order 8357-A at door G473 for row 5E4T; plates BE-57 and 7E57.",
]


@pytest.mark.parametrize("text", EVERYDAY)
@pytest.mark.parametrize("policy", ["default.yaml", "ministry-codewords.yaml"])
def test_everyday_words_with_digits_stay_unclassified(policy: str, text: str) -> None:
    loaded = shipped_policy(policy)
    decision = check_text(loaded, text + "\n")
    assert decision.level == loaded.lowest, text
    assert not [f for f in decision.findings if f.kind in ("codeword", "keyword")], text


# Short, common codewords show the rule where the shipped ones cannot: their letters are
# easy to write with digits by chance.
_SHORT = ["BEST", "GATE", "SEAT", "TEST", "STAGE", "ATLAS"]


@pytest.fixture(scope="module")
def short_codewords(tmp_path_factory: pytest.TempPathFactory) -> Policy:
    text = (POLICY_DIR / "ministry-codewords.yaml").read_text(encoding="utf-8")
    old = "keywords: [NIGHTJAR, BLUE HERON, SILVER LINDEN, MOSELLE SHIELD]"
    assert old in text
    text = text.replace(old, old[:-1] + ", " + ", ".join(_SHORT) + "]")
    path: Path = tmp_path_factory.mktemp("leet") / "short.yaml"
    path.write_text(text, encoding="utf-8")
    return load_policy(path)


@pytest.mark.parametrize("keyword", _SHORT)
def test_a_short_codeword_with_few_swaps_is_read(short_codewords: Policy, keyword: str) -> None:
    missed = []
    for round_ in range(8):
        rng = random.Random(f"short:{keyword}:{round_}")
        written = codeword_leet(keyword, rng)
        assert written is not None
        text = codeword_in_sentence(written, rng)
        if not _found(short_codewords, text, keyword):
            missed.append(text)
    assert not missed, missed


@pytest.mark.parametrize("keyword", _SHORT)
def test_a_short_codeword_with_too_many_swaps_is_not(short_codewords: Policy, keyword: str) -> None:
    """One digit or symbol more than the rule allows, in each place: no codeword."""
    rng = random.Random(f"short-over:{keyword}")
    spots = [i for i, ch in enumerate(keyword) if ch in CODEWORD_LEET]
    over = codeword_leet_most(len(keyword)) + 1
    if len(spots) < over:
        pytest.skip("not enough letters with a digit or symbol")
    for _ in range(8):
        chars = list(codeword_case(keyword, rng))
        for i in rng.sample(spots, over):
            chars[i] = rng.choice(CODEWORD_LEET[keyword[i]])
        text = codeword_in_sentence("".join(chars), rng)
        assert not _found(short_codewords, text, keyword), text


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_words_with_digits_are_no_short_codeword(
    short_codewords: Policy, text: str
) -> None:
    assert check_text(short_codewords, text + "\n").level == "UNCLASSIFIED", text
