"""Red team round 9's held-out families (issue 9): markings in document markup. A marking as
the value of a documentation keyword line (Org's ``#+TITLE:``, POD's ``=head1``, Texinfo's
``@settitle``, a Javadoc tag), in small capitals after other text on its line, cut by a
hidden element inside a word, split over two HTML table cells, or first in an iCalendar or
vCard property's text. Each generator runs over every banner marking of every shipped
policy (CI; the fast line a sample holding each scheme: tests/scale.py), read whole and
streamed in pieces; the everyday forms of the same syntax stay
UNCLASSIFIED.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from milai.policy import Policy, check_text
from tests.policy.adversarial import pieces
from tests.policy.families import BODY, Target, shipped_policy, targets
from tests.policy.test_policy_stream_properties import _assert_stream_properties
from tests.scale import sample


def _cut(text: str, rng: random.Random) -> tuple[str, str]:
    """``text`` cut inside one of its words (between two letters or digits)."""
    spots = [i for i in range(1, len(text)) if text[i - 1].isalnum() and text[i].isalnum()]
    at = rng.choice(spots)
    return text[:at], text[at:]


def _doc_keyword(text: str, rng: random.Random) -> str:
    form = rng.choice(
        [
            "#+TITLE: {}",
            "#+title: {}",
            "#+SUBTITLE: {}",
            "=head1 {}",
            "=head2 {}",
            "=item {}",
            "@settitle {}",
            "@chapter {}",
            " * @classification {}",
            "/** @security {} */",
            "/// @classification {}",
            ".{}",
        ]
    )
    lead = rng.choice(["", "#+AUTHOR: Anna Berg\n", "/**\n", "\\input texinfo\n"])
    return lead + form.format(text) + "\n" + rng.choice(BODY) + "\n"


def _small_caps(text: str, rng: random.Random) -> str:
    lower = text.lower()
    form = rng.choice(
        [
            "\\lhead{}\\chead{\\textsc{@}}\\rhead{Annex B}",
            "Header: \\textsc{@}",
            "Annex B to OPORD 3/24 \\textsc{@}",
            'Plan <span style="font-variant:small-caps">@</span>',
            'Plan <span style="font-variant: all-small-caps; color:red">@</span>',
            'Annex B <span class="smallcaps">@</span>',
            "Annex B {\\scshape @}",
            "Annex B [@]{.smallcaps}",
        ]
    )
    return form.replace("@", lower) + "\n" + rng.choice(BODY) + "\n"


_HIDDEN = [
    "<span hidden>x9q</span>",
    '<span style="display:none">x9q</span>',
    '<span style="display: none;">zz</span>',
    '<font style="font-size:0">qq</font>',
    '<b style="visibility:hidden">zz</b>',
    '<i class="hidden">x</i>',
    '<span style="opacity:0">k</span>',
]


def _hidden_split(text: str, rng: random.Random) -> str:
    before, after = _cut(text, rng)
    return before + rng.choice(_HIDDEN) + after + "\n" + rng.choice(BODY) + "\n"


def _cell_split(text: str, rng: random.Random) -> str:
    before, after = _cut(text, rng)
    cell = rng.choice(["td", "th"])
    attrs = rng.choice(["", ' class="c1"', ' style="border:0"'])
    first, second = f"<{cell}{attrs}>{before}</{cell}>", f"<{cell}{attrs}>{after}</{cell}>"
    if rng.random() < 0.5:  # a cell a line, as HTML is written by hand or pretty-printed
        indent = rng.choice(["", "  ", "\t\t"])
        return f"<tr>\n{indent}{first}\n{indent}{second}\n</tr>\n"
    return rng.choice(["<tr>{}</tr>", "{}", "<table><tr>{}<td>Copy 3</td></tr></table>"]).format(
        first + second
    )


def _calendar(text: str, rng: random.Random) -> str:
    prop = rng.choice(["SUMMARY", "DESCRIPTION", "LOCATION", "SUMMARY;LANGUAGE=fr-FR", "NOTE"])
    tail = rng.choice(["briefing", "convoy plan", "Raum 4", "réunion", ""])
    begin, end = rng.choice([("VEVENT", "VEVENT"), ("VCARD", "VCARD"), ("VTODO", "VTODO")])
    return (
        f"BEGIN:{begin}\nDTSTART:20250312T090000Z\n{prop}:{text} {tail}".rstrip() + f"\nEND:{end}\n"
    )


GENERATORS: dict[str, Callable[[str, random.Random], str]] = {
    "doc-keyword": _doc_keyword,
    "small-caps": _small_caps,
    "hidden-split": _hidden_split,
    "cell-split": _cell_split,
    "calendar-property": _calendar,
}


def _banner_targets() -> list[Target]:
    return [
        target
        for target in targets()
        if not target.portion and any(ch.isalpha() for ch in target.text)
    ]


def _scheme(target: Target) -> list[str]:
    return [target.scheme]


def _at_least(policy: Policy, level: str, want: str) -> bool:
    scale = list(policy.spec.scale)
    return scale.index(level) >= scale.index(want)


@pytest.mark.parametrize("family", sorted(GENERATORS))
def test_every_marking_reads_through_the_family(family: str) -> None:
    """Every banner marking of every shipped policy, through the family, reads at its level
    or higher, whole and in random pieces."""
    missed = []
    # every banner in CI (tests/scale.py); the fast line's 16 hold each scheme
    for target in sample(_banner_targets(), 16, seed=f"markup:{family}", cover=_scheme):
        rng = random.Random(f"{family}:{target.id}")
        text = GENERATORS[family](target.text, rng)
        policy = shipped_policy(target.policy)
        level = check_text(policy, text).level
        if not _at_least(policy, level, target.level):
            missed.append((target.id, text, level))
            continue
        if rng.random() < 0.3:
            _assert_stream_properties(policy, text, pieces(text, rng), exactly=True)
    assert not missed, missed


@pytest.mark.parametrize(
    "text",
    [
        # documentation keyword lines in prose, or naming a secret in code
        "#+TITLE: The Secret Garden\n",
        "#+TITLE: Secret Santa 2025\n",
        "#+title: Les secrets de la cuisine\n",
        "#+SUBTITLE: Geheimnisse der Küche\n",
        "#+TITEL: Geheim recept van oma\n",
        "#+AUTHOR: Anna Berg\n#+DATE: 2025-03-12\n",
        "#+TITLE: Het geheim van de tuin\n",
        "#+TITLE: D'Geheimnis vum Bësch\n",
        "=head1 Le jardin secret\n",
        "=head1 NAME\n\nSecret::Santa - draw names\n",
        "=head1 Secret Garden\n",
        "=item secret\n",
        "@settitle The Secret Garden\n",
        "@chapter Geheime Zutaten\n",
        "@section Vertrouwelijke gegevens\n",
        " * @param secret the shared secret\n",
        " * @return the secret key, or null\n",
        " * @throws SecretException if the key is missing\n",
        "/// @brief Restricted access helper\n",
        " * @deprecated use SecretStore instead\n",
        "Mail me at anna@example.com about the secret party\n",
        "@anna the secret is out\n",
        ".NET secrets in appsettings.json\n",
        ".Secret garden notes\n",
        # small capitals around everyday words
        "Plan \\textsc{secret santa}\n",
        "The \\textsc{Secret Garden} by Frances Hodgson Burnett\n",
        "Header: \\textsc{annex b}\n",
        'Plan <span style="font-variant:small-caps">geheime zutaten</span>\n',
        "Annex B {\\scshape draft}\n",
        "Author [Anna Berg]{.smallcaps}\n",
        # hidden elements and struck text around everyday words
        'Price <span style="display:none">old</span>9.99\n',
        "Hello<span hidden>x</span>world, the secret party is on Friday\n",
        "Prix <del>12</del> 10 EUR, recette secrète\n",
        "Nei <del>Präis</del> Angebot\n",
        # table cells in everyday tables
        "<tr><td>Secret</td><td>Santa</td></tr>\n",
        "<tr><td>Top</td><td>secret</td><td>recipes</td></tr>\n",
        "<td>Geheim</td><td>recept</td>\n",
        "<tr>\n  <td>Secret</td>\n  <td>Santa</td>\n</tr>\n",
        "<tr>\n  <td>Anna</td>\n  <td>Berg</td>\n</tr>\n",
        "<td>Confi</td><td>dential</td>\n",
        "<tr><th>Name</th><th>Level</th></tr><tr><td>Anna</td><td>3</td></tr>\n",
        # calendar entries
        "BEGIN:VEVENT\nSUMMARY:Secret Santa party\nEND:VEVENT\n",
        "BEGIN:VEVENT\nSUMMARY:Soirée secrète\nLOCATION:Salle 4\nEND:VEVENT\n",
        "BEGIN:VEVENT\nSUMMARY:Geheimes Treffen im Park\nEND:VEVENT\n",
        "BEGIN:VEVENT\nDESCRIPTION:Top secret recipes with Oma\nEND:VEVENT\n",
        "BEGIN:VEVENT\nSUMMARY:Vertrouwelijk gesprek\nEND:VEVENT\n",
        "BEGIN:VEVENT\nSUMMARY:Geheimt Treffen am Park\nLOCATION:Gemeng Walfer\nEND:VEVENT\n",
        "BEGIN:VCARD\nTITLE:Head of Secret Service\nORG:Secret Escapes Ltd\nEND:VCARD\n",
        "NOTE: SECRET documents are locked away at night\n",
        "TITLE: RESTRICTED AREA signs for the depot\n",
        "BEGIN:VEVENT\nCLASS:CONFIDENTIAL\nSUMMARY:Dentist\nEND:VEVENT\n",
        "BEGIN:VCARD\nNOTE:Knows the secret recipe\nEND:VCARD\n",
        "BEGIN:VEVENT\nLOCATION:Secret Garden Café\nEND:VEVENT\n",
    ],
)
def test_round9_everyday_markup_stays_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("#+TITLE: SECRET UE\n", "SECRET"),
        ("=head1 NATO SECRET\n", "SECRET"),
        ("@settitle NATO SECRET\n", "SECRET"),
        (" * @classification NATO SECRET\n", "SECRET"),
        ("\\lhead{}\\chead{\\textsc{nato secret}}\n", "SECRET"),
        ("Header: \\textsc{nato secret}\n", "SECRET"),
        ('Plan <span style="font-variant:small-caps">nato secret</span>\n', "SECRET"),
        ("SEC<span hidden>x9q</span>RET UE\n", "SECRET"),
        ('TOP SEC<span style="display:none">x</span>RET\n', "TOP SECRET"),
        ("NATO SEC<del>zz</del>RET\n", "SECRET"),
        ("<td>NATO SEC</td><td>RET</td>\n", "SECRET"),
        ("<tr>\n  <td>NATO SEC</td>\n  <td>RET</td>\n</tr>\n", "SECRET"),
        ("<tr><th>CONFIDENTIEL DÉ</th><th>FENSE</th></tr>\n", "CONFIDENTIAL"),
        ("BEGIN:VEVENT\nSUMMARY:NATO SECRET briefing\nEND:VEVENT\n", "SECRET"),
        ("BEGIN:VEVENT\nLOCATION;LANGUAGE=de:GEHEIM Raum 4\nEND:VEVENT\n", "SECRET"),
    ],
)
def test_round9_markings_read(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, text).level == level
