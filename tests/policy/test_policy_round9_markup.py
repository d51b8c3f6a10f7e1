"""Red team round 9's held-out families (issue 9): markings in document markup. A marking as
the value of a documentation keyword line (Org's ``#+TITLE:``, POD's ``=head1``, Texinfo's
``@settitle``, a Javadoc tag), in small capitals after other text on its line, cut by a
hidden element inside a word, split over two HTML table cells, or first in an iCalendar or
vCard property's text. Each family (tests/policy/families.py's ``ROUND9_MARKUP``) runs over
every banner marking of every shipped policy (CI; the fast line a sample holding each
scheme: tests/scale.py), read whole and streamed in pieces, alone and in pairs; the everyday
forms of the same syntax stay UNCLASSIFIED.
"""

from __future__ import annotations

import pytest

from milai.policy import Policy, check_text
from tests.levels import reads_at_least
from tests.policy.families import ROUND9_MARKUP, shipped_policy, singles
from tests.policy.test_policy_stream_properties import assert_family_streams
from tests.scale import sample


@pytest.mark.parametrize("family", ROUND9_MARKUP)
def test_every_marking_reads_through_the_family(family: str) -> None:
    """Every banner marking of every shipped policy, through the family (its generator is
    tests/policy/families.py's, where it takes part in the pair runs), reads at its level
    or higher."""
    every = singles(only=family)
    assert every and all(case.families == (family,) for case in every)
    # every banner in CI (tests/scale.py); the fast line's 16 hold each scheme
    cases = sample(every, 16, seed=f"markup:{family}", cover=lambda case: [case.target.scheme])
    missed = [
        (case.id, case.text)
        for case in cases
        if not reads_at_least(shipped_policy(case.target.policy), case.text, case.target.level)
    ]
    assert not missed, missed


@pytest.mark.parametrize("family", ROUND9_MARKUP)
def test_a_family_streams_as_it_reads_whole(family: str) -> None:
    assert_family_streams(family, 12)


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
