"""Red team round 10's held-out families (issue 9) that are no markup: a codeword cut by
punctuation or a blank inside its word (``NIGHT_JAR``, ``NIGHT.JAR``, ``Operation Night
Jar``), NATO's French and releasability forms (``OTAN SECRET``, ``COSMIC TRÈS SECRET``,
``NATO/EAPC RESTRICTED``) and, the other way, a chord chart's ``[C]`` that is no portion
mark. Every keyword of every shipped policy goes through the codeword family, whole and
streamed in pieces; everyday texts of the same shapes stay UNCLASSIFIED.
"""

from __future__ import annotations

import random
import re

import pytest

from milai.policy import Policy, check_text
from tests.policy.adversarial import pieces
from tests.policy.families import shipped_policy, targets
from tests.policy.test_policy_codeword_families import KEYWORDS, SENTENCES
from tests.policy.test_policy_stream_properties import _assert_stream_properties

# What cuts an identifier or a filename, as the red team wrote it (``_`` reads as a blank).
_MARKS = [".", "/", "\u00b7", "*", "\u2022", "~", "+", ":"]


def _cut_word(keyword: str, rng: random.Random) -> str | None:
    """One word of the keyword cut once, by a mark between any two letters, or by a blank
    or an underscore between two parts of three letters or more."""
    words = re.split(r"([^A-Za-z]+)", keyword)  # KIRCHBERG-7: its letters' word
    long = [i for i, word in enumerate(words) if len(word) >= 4 and word.isalpha()]
    if not long:
        return None
    index = rng.choice(long)
    word = words[index]
    cuts = [i for i in range(1, len(word)) if word[i - 1].isalpha() and word[i].isalpha()]
    cut = rng.choice(cuts)
    mark = rng.choice(_MARKS)
    if min(cut, len(word) - cut) >= 3 and rng.random() < 0.4:
        mark = rng.choice([" ", "_"])
    words[index] = word[:cut] + mark + word[cut:]
    return "".join(words)


@pytest.mark.parametrize(("policy", "detector", "keyword"), KEYWORDS)
def test_a_codeword_cut_inside_its_word_is_read(policy: str, detector: str, keyword: str) -> None:
    missed = []
    for round_ in range(6):
        rng = random.Random(f"cut:{policy}:{keyword}:{round_}")
        written = _cut_word(keyword, rng)
        if written is None:
            pytest.skip("no word of four letters to cut")
        if rng.random() < 0.5:
            written = written.title()
        text = rng.choice(SENTENCES).format(written) + "\n"
        loaded = shipped_policy(policy)
        details = [f.detail for f in check_text(loaded, text).findings]
        if not any(repr(keyword) in detail for detail in details):
            missed.append(text)
            continue
        if round_ == 0:
            _assert_stream_properties(loaded, text, pieces(text, rng), exactly=True)
    assert not missed, missed


@pytest.fixture(scope="module")
def ministry() -> Policy:
    return shipped_policy("ministry-codewords.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "Status of NIGHT_JAR please.\n",
        "Status of night.jar please.\n",
        "Status of NIGHT/JAR please.\n",
        "Status of NIGHT\u00b7JAR please.\n",
        "Status of NIGHT*JAR please.\n",
        "Status of Operation Night Jar please.\n",
        "Report on MOSELLE_SHIELD.\n",
        "Report on SIL.VER LINDEN.\n",
    ],
)
def test_round10_codewords_read(ministry: Policy, text: str) -> None:
    assert check_text(ministry, text).level == "SECRET"


@pytest.mark.parametrize(
    "text",
    [
        # a blank inside a short part is no codeword's cut (nor are other words' pieces)
        "The nightjars sang at dusk.\n",
        "Status of NI GHTJAR please.\n",
        "The night, a jar of jam and a heron.\n",
        "Die Nacht, das Glas und der Reiher.\n",
        "La nuit, un bocal, un héron bleu clair.\n",
        "De nacht, een pot en een blauwe reiger.\n",
        "D'Nuecht, e Glas an e bloe Reier.\n",
        "Night shift at the jar factory.\n",
        "Silver, linen and a shield for the Moselle valley.\n",
    ],
)
def test_round10_everyday_near_codewords(ministry: Policy, text: str) -> None:
    assert check_text(ministry, text).level == "UNCLASSIFIED"


_NATO_FORMS = [
    ("COSMIC TRÈS SECRET", "TOP SECRET"),
    ("COSMIC TRES SECRET", "TOP SECRET"),
    ("OTAN SECRET", "SECRET"),
    ("NATO/EAPC SECRET", "SECRET"),
    ("NATO/PfP SECRET", "SECRET"),
    ("OTAN CONFIDENTIEL", "CONFIDENTIAL"),
    ("NATO CONFIDENTIEL", "CONFIDENTIAL"),
    ("NATO/PfP CONFIDENTIAL", "CONFIDENTIAL"),
    ("NATO/EAPC CONFIDENTIAL", "CONFIDENTIAL"),
    ("OTAN DIFFUSION RESTREINTE", "RESTRICTED"),
    ("NATO DIFFUSION RESTREINTE", "RESTRICTED"),
    ("NATO/EAPC RESTRICTED", "RESTRICTED"),
    ("NATO/PFP RESTRICTED", "RESTRICTED"),
    ("NATO EAPC UNCLASSIFIED\nOTAN SECRET", "SECRET"),
]


@pytest.mark.parametrize(("marking", "level"), _NATO_FORMS)
@pytest.mark.parametrize(
    "form", ["{}\n", "{}\nRapport de situation\n", "# {}\n", "Objet : plan\n\n{}\n", "- {} -\n"]
)
def test_nato_french_and_releasability_forms(
    default_policy: Policy, marking: str, level: str, form: str
) -> None:
    assert check_text(default_policy, form.format(marking)).level == level


@pytest.mark.parametrize(
    "text",
    [
        "L'OTAN est secrète sur ses plans.\n",
        "Le secret de l'OTAN est bien gardé.\n",
        "Die NATO/PfP Übung ist kein Geheimnis.\n",
        "NATO/EAPC partners met in Brussels.\n",
        "De NAVO en het OTAN-secretariaat.\n",
        "D'OTAN huet e Sekretariat zu Bréissel.\n",
        "OTAN sans classification ni secret : une note publique.\n",
    ],
)
def test_everyday_nato_french(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


# Chord charts: chords before syllables ([C]Frère), several on a line, or a line after such
# a line. A chart whose every line holds one chord, at its start, is not told apart (see
# README): a line's reading looks no further than its end.
_SONGS = [
    "[C]Frère Jacques, [G]frère [C]Jacques,\n",
    "[C]Frère Jacques, [G]frère [C]Jacques,\n[C]Dormez-[G]vous? [C]\n[C]Sonnez les "
    "ma[G]tines\n[C]Ding, dang, dong.\n",
    "{title: Frère Jacques}\n[C]Frère [G]Jacques\n[Am]Dormez-vous\n[C]Sonnez les matines\n",
    "[C] Frère Jacques [G7]\n[C] Dormez-vous\n",
    "[C]Dormez-[G]vous?\n[C]Ding, dang, dong.\n",
    "[C]Stille Nacht, [G7]heilige Nacht\n",
    "[C]Alle meine [F]Entchen\n",
    "[C]Altijd is [Dm]Kortjakje ziek\n",
    "[C]Hoppe, hoppe [G/B]Reiter\n",
    "[C]Fuchs, du hast die [F#m]Gans gestohlen\n",
    "[C]Kommt e Vull [Bbmaj7]geflun\n",
    "[C]Row, row, row your [Csus4]boat\n[C]Gently down the stream\n",
]


@pytest.mark.parametrize("text", _SONGS)
def test_chord_charts_stay_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


@pytest.mark.parametrize(
    "text",
    [
        "[C] The convoy leaves at dawn.\n",
        "[C] The convoy leaves at dawn. See annex [B].\n",
        "[C] The convoy leaves at dawn.\n[B] is the second route.\n",
        "[C]The convoy leaves at dawn.\n",
        "[C//REL TO USA, FVEY] The convoy [A] leaves.\n",
        "Lyrics below.\n\n[C] The convoy leaves at dawn.\n",
    ],
)
def test_portion_marks_beside_letters_still_read(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "CONFIDENTIAL"


def test_chord_chart_streamed(default_policy: Policy) -> None:
    rng = random.Random("chords")
    for text in _SONGS:
        _assert_stream_properties(default_policy, text, pieces(text, rng), exactly=True)


def test_every_portion_mark_beside_chord_shapes_still_reads() -> None:
    """Every portion mark of every shipped policy, in square brackets, on a line that also
    names an annex by a letter, or after a line in brackets that is no chord chart's."""
    missed = []
    for target in targets():
        if not target.portion:
            continue
        policy = shipped_policy(target.policy)
        rng = random.Random(f"chords:{target.id}")
        form = rng.choice(
            [
                "[{}] The convoy leaves at dawn. See annex [B].\n",
                "[{}] The convoy leaves at dawn, route [C] in annex B.\n",
                "Routes [A] and [B] are closed.\n[{}] The convoy leaves at dawn.\n",
                "[{}] The convoy leaves at dawn.\n[B] is the second route.\n",
            ]
        )
        text = form.format(target.text)
        level = check_text(policy, text).level
        scale = list(policy.spec.scale)
        if scale.index(level) < scale.index(target.level):
            missed.append((target.id, text, level))
    assert not missed, missed
