# ruff: noqa: RUF001  (the separators and quotes are what this file is about)
"""Red team round 10's families (issue 9): a marking line's furniture read below the
marking's level (a list marker before a field's label, separators other than a dash
between a title and its banner, furniture words other than "Page" before a number, a
field's value followed by a dash and an instruction, dot leaders after a label, a portion
mark before a low quote or with a ``//`` caveat before lower case), and everyday text read
above UNCLASSIFIED (a work's title in title case beside its year, a table of contents'
entry, a legend of abbreviations). Each form runs on every banner (or portion mark) of every
shipped policy (a sample in the fast line: tests/scale.py), whole and streamed.
"""

from __future__ import annotations

import random

import pytest

from milai.policy import Policy, check_text
from tests.policy.adversarial import pieces
from tests.policy.families import Target, banner_sample, shipped_policy, targets
from tests.policy.test_policy_stream_properties import _assert_stream_properties
from tests.scale import sample

LIST_LABELS = (
    "1. Header: {m}",
    "- Banner: {m}",
    "3.2 Title: {m}",
    "a) Stempel: {m}",
    "(b) Tampon : {m}",
    "* Footer: {m}",
    "iv) Marking: {m}",
    "2) Stamp: {m}",
    "• Kop: {m}",
)
SEPARATORS = (" · ", " • ", " » ", " / ", " ~ ", " ‖ ", " ◆ ", " › ", " ▪ ")
TITLES = ("Convoy plan", "Lagebericht Nord", "Rapport de situation", "Verslag", "Annex B")
FURNITURE = (
    "Copy 3 of 5 {m}",
    "Copy No. 2 {m}",
    "Slide 4 {m}",
    "Folie 4 {m}",
    "Diapositive 12 {m}",
    "Exemplaire n° 2 {m}",
    "Ausfertigung 2 {m}",
    "Exemplaar 3 van 4 {m}",
    "Säit 2 {m}",
    "Sheet 2 {m}",
    "Blatt 3 {m}",
)
INSTRUCTIONS = (
    "Handling instructions: {m} – do not forward",
    "Classification: {m} - do not copy",
    "Einstufung: {m} — nicht weiterleiten",
    "Marquage : {m} – ne pas diffuser",
    "Rubricering: {m} - niet doorsturen",
)
DOT_LEADERS = (
    "CLASSIFICATION . . . . {m}",
    "Classification ........ {m}",
    "Einstufung . . . . . . {m}",
    "Classement ....... {m}",
    "Rubricering . . . {m}",
)
FORMS = {
    "list-label": LIST_LABELS,
    "title-separator": tuple(f"{t}{s}{{m}}" for t in TITLES for s in SEPARATORS),
    "separator-title": tuple(f"{{m}}{s}{t}" for t in TITLES for s in SEPARATORS),
    "numbered-furniture": FURNITURE,
    "value-instruction": INSTRUCTIONS,
    "dot-leader": DOT_LEADERS,
    # a table's bars that OCR read as letters
    "ocr-bars": ("l {m} l", "I {m} I", "I  {m}  I", "l {m} |"),
    # the capitals of a work's title, or of a table of contents' entry, still count
    "year-cell-capitals": ("| {m} | 1984 |", "{m},1984", "<td>{m}</td><td>1998</td>"),
    "contents-capitals": ("{m} ........ 14", "{m} . . . . 7"),
}


def _text(form: str, marking: str, rng: random.Random) -> str:
    body = rng.choice(
        ["", "\nThe convoy leaves the depot at 05:00.\n", "\n\nDe eenheid vertrekt.\n"]
    )
    return form.format(m=marking) + "\n" + body


@pytest.mark.parametrize("family", sorted(FORMS))
def test_each_banner_reads_through_the_family(family: str) -> None:
    """Every banner of every shipped policy (a sample in the fast line) in every form of
    the family reads at its level or higher, whole and streamed in random pieces."""
    missed = []
    for target in banner_sample(f"round10:{family}"):
        policy = shipped_policy(target.policy)
        rng = random.Random(f"{family}:{target.id}")
        for form in FORMS[family]:
            text = _text(form, target.text, rng)
            got = check_text(policy, text).level
            if policy.level_index(got) < policy.level_index(target.level):
                missed.append(f"{target.id}: {text!r} read {got}")
    assert not missed, f"{len(missed)} missed:\n" + "\n".join(missed[:20])


@pytest.mark.parametrize("family", sorted(FORMS))
def test_the_family_streams_as_it_reads_whole(family: str) -> None:
    rng = random.Random(f"stream:{family}")
    for target in sample(banner_sample(f"round10:{family}"), 3, seed=f"round10:{family}"):
        policy = shipped_policy(target.policy)
        text = _text(rng.choice(FORMS[family]), target.text, rng)
        _assert_stream_properties(policy, text, pieces(text, rng), exactly=True)


PORTION_FORMS = (
    "({m}//NF) the convoy leaves at dawn.",
    "({m}//REL TO NLD) le convoi part à l'aube.",
    "({m}) „Der Konvoi“ fährt morgen.",
    "({m}) ‚Konvoi‘ fährt morgen.",
    "1. ({m}) „De eenheid“ vertrekt dinsdag.",
)


def _portions() -> list[Target]:
    return [target for target in targets() if target.portion]


def test_each_portion_mark_reads_before_a_low_quote_or_with_a_caveat() -> None:
    missed = []
    for target in _portions():
        policy = shipped_policy(target.policy)
        for form in PORTION_FORMS:
            text = form.format(m=target.text) + "\n"
            got = check_text(policy, text).level
            if policy.level_index(got) < policy.level_index(target.level):
                missed.append(f"{target.id}: {text!r} read {got}")
            _assert_stream_properties(policy, text, pieces(text, random.Random(text)))
    assert not missed, f"{len(missed)} missed:\n" + "\n".join(missed[:20])


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Departementaal VERTROUWELIJK\n", "RESTRICTED"),
        ("DEPARTEMENTAAL VERTROUWELIJK\n\nOnderwerp: begroting\n", "RESTRICTED"),
        ("Rubricering: Departementaal VERTROUWELIJK\n", "RESTRICTED"),
        ("Verslag · DEPARTEMENTAAL VERTROUWELIJK\n", "RESTRICTED"),
        ("Verslag · Stg. CONFIDENTIEEL\n", "CONFIDENTIAL"),
        # the rules for titles and legends open no hole
        ("(S) The convoy leaves at dawn.  (C) Fuel is at the depot.\n", "SECRET"),
        ("(S) Convoy plan  (TS) annex\n", "SECRET"),
        ("1. (C) The convoy leaves at dawn.\n", "CONFIDENTIAL"),
        ("NATO SECRET (1984)\n", "SECRET"),
        ("Top Secret | 2025-03-12\n", "TOP SECRET"),
        ("Subject: SECRET UE - bitte nicht weiterleiten\n", "SECRET"),
    ],
)
def test_round10_markings_read(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, text).level == level


@pytest.mark.parametrize(
    "text",
    [
        # works' titles in title case beside their year (en, fr, de, nl, lb)
        "| Top Secret! | 1984 |\n",
        "| Streng Geheim | 1998 |\n",
        "| 1984 | Top Secret! | Comedy |\n",
        "film,year\nTop Secret!,1984\n",
        "titre;année\nTrès Secret;2003\n",
        "<td>Top Secret!</td><td>1984</td>\n",
        '<tr><td>Geheim</td><td class="y">2011</td></tr>\n',
        "- Top Secret (1984) ★★★★\n",
        "* Confidential (2004), Regie: N. N.\n",
        "Titel\tJahr\nStreng Geheim\t1998\n",
        "| Zeer Geheim | 2015 | Roman |\n",
        "| Geheim | 1999 | Film vun der Woch |\n",
        # tables of contents: a title, a dot leader, a page number
        "Top Secret ........ 14\n",
        "Streng geheim ........ 14\n",
        "Très secret . . . . . 27\n",
        "Vertrouwelijk ………… 3\n",
        "2.1 Restricted areas ........ 12\n",
        # legends of abbreviations
        "(S) Subtitled  (AD) Audio described  (HD) High definition\n",
        "(S) Sous-titré  (VO) Version originale  (AD) Audiodescription\n",
        "(S) Untertitel · (OmU) Original mit Untertiteln\n",
        "(C) Closed captions, (SL) Sign language\n",
        "(S) Ondertiteld  (NL) Nederlands gesproken\n",
        # furniture words, separators and list markers in everyday text
        "Slide 4 Secret Santa rules\n",
        "Copy 3 of 5 secret recipes for the party\n",
        "Folie 3: Geheimtipps für Diekirch\n",
        "Home · Secret Santa\n",
        "Recipes / Top secret sauce\n",
        "Accueil » Secret de famille\n",
        "Start » Geheimtipps\n",
        "Heem · Geheim Rezept\n",
        "Menu ◆ Restricted area\n",
        "1. Title: Top Secret!\n",
        "- Note: Top Secret recipe inside\n",
        "a) Stempel: geheim halten\n",
        "Note: Top Secret - do not share\n",
        "Status: Confidential – internal\n",
        "Inhoud . . . . . vertrouwelijk\n",
        "Dit is departementaal vertrouwelijk.\n",
        "Het staatsgeheim geheim houden.\n",
        # a lone I or l: a bar only with its pair
        "I secret recipe, I said\n",
        "I restricted access to the files.\n",
        "I Secret Santa I\n",
        "l geheim l\n",
    ],
)
def test_round10_everyday_text_stays_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"
