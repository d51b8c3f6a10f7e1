"""Red team round 10's families left after its pass (issue 9): a short title, one blank,
then a marking of two words or more in capitals that ends the line (``Annex A NATO
SECRET``: ``_short_titles``); a row whose fields have a blank after their commas, its
first no number, one of them a value in capitals (``Plan, NATO SECRET, 3 pages``:
``_data_lines``); a template language's comment (Razor's ``@* NATO SECRET *@``, Jinja's,
ERB's, Blade's…). A formula over lines is ``formula-lines`` in families.py (its test:
test_policy_round9_built.py). And everyday text that read above UNCLASSIFIED: an environment
variable's list of names to mask (``MASK_VARS=API_KEY,SECRET,TOKEN``), a chord chart's line
whose chords stand alone before a blank (``[C] Altijd is Kortjakje [F] ziek``). Each form
runs on every banner of every shipped policy (a sample in the fast line), whole and
streamed; the everyday forms (en/fr/de/lb/nl) stay UNCLASSIFIED.
"""

from __future__ import annotations

import random
import re

import pytest

from milai.policy import Policy, check_text
from tests.policy.adversarial import pieces
from tests.policy.families import Target, banner_sample, shipped_policy
from tests.policy.test_policy_stream_properties import _assert_stream_properties
from tests.scale import sample

TITLES = (
    "Annex A",
    "Plan de vol",
    "Anlage 3",
    "Verslag 2025",
    "Rapport annuel",
    "Convoy plan Nord",
    "Bijlag B",
    "Lagebericht",
)
ROWS = (
    "Plan, {m}, 3 pages",
    "Convoy brief, {m}, J2",
    "Lagebericht Nord; {m}; 4 Seiten",
    "Verslag, 2025, {m}",
)
# A template language's comment around the marking (its text is text the writer wrote):
# Razor, Jinja, Go templates, ERB, Blade, Handlebars, JSP, ASP.
COMMENTS = (
    "@* {m} *@\n<h1>Plan</h1>",
    "@*{m}*@",
    "  @* {m} *@",
    "{{# {m} #}}",
    "{{{{/* {m} */}}}}",
    "{{{{- /* {m} */ -}}}}",
    "<%# {m} %>",
    "{{{{-- {m} --}}}}",
    "{{{{!-- {m} --}}}}",
    "<%-- {m} --%>",
    "<%' {m} %>",
)
FORMS = {
    "short-title": tuple(f"{title} {{m}}" for title in TITLES),
    "spaced-row": ROWS,
    "template-comment": COMMENTS,
}


def _words(target: Target) -> int:
    return len(re.findall(r"[^\s\-/]+", target.text))


def _applies(family: str, target: Target) -> bool:
    """The short title's family holds markings of two words or more (a lone word in
    capitals after a title stays a name: ``Project SECRET``); a row holds any, though not
    one with a comma of its own."""
    if family == "short-title":
        return _words(target) >= 2
    if family == "spaced-row":
        return "," not in target.text and ";" not in target.text
    return True


def _text(form: str, marking: str, rng: random.Random) -> str:
    body = rng.choice(["", "\nThe convoy leaves the depot at 05:00.\n", "\nDe eenheid vertrekt.\n"])
    return form.format(m=marking) + "\n" + body


@pytest.mark.parametrize("family", sorted(FORMS))
def test_each_banner_reads_through_the_family(family: str) -> None:
    """Every banner the family applies to, of every shipped policy (a sample in the fast
    line), in every form of the family, reads at its level or higher."""
    missed, tried = [], 0
    for target in banner_sample(f"round10-left:{family}", fast=24):
        if not _applies(family, target):
            continue
        policy = shipped_policy(target.policy)
        rng = random.Random(f"{family}:{target.id}")
        for form in FORMS[family]:
            text = _text(form, target.text, rng)
            tried += 1
            got = check_text(policy, text).level
            if policy.level_index(got) < policy.level_index(target.level):
                missed.append(f"{target.id}: {text!r} read {got}")
    assert tried
    assert not missed, f"{len(missed)} missed:\n" + "\n".join(missed[:20])


@pytest.mark.parametrize("family", sorted(FORMS))
def test_the_family_streams_as_it_reads_whole(family: str) -> None:
    rng = random.Random(f"stream:{family}")
    drawn = [t for t in banner_sample(f"round10-left:{family}") if _applies(family, t)]
    for target in sample(drawn, 3, seed=f"round10-left:{family}"):
        policy = shipped_policy(target.policy)
        text = _text(rng.choice(FORMS[family]), target.text, rng)
        _assert_stream_properties(policy, text, pieces(text, rng), exactly=True)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Annex A NATO SECRET\n", "SECRET"),
        ("Plan de vol TRÈS SECRET UE\n", "TOP SECRET"),
        ("Anlage 3 VS-VERTRAULICH\n", "CONFIDENTIAL"),
        ("Bijlage B Stg. GEHEIM\n", "SECRET"),
        ("Plan, NATO SECRET, 3 pages\n", "SECRET"),
        ("Plan, Stg. GEHEIM, 3 pages\n", "SECRET"),
        # a level's variable, a caveat after the marking, a data row: still read
        ("CLASSIFICATION=SECRET,NOFORN\n", "SECRET"),
        ("CLASSIFICATION=SECRET,KEY\n", "SECRET"),
        ("SECRET,NOFORN\n", "SECRET"),
        ("id,level,title\n3,SECRET,Plan\n", "SECRET"),
        ("LEVEL=TOP SECRET,TOKEN,KEY\n", "TOP SECRET"),
        # a portion mark that cites a lettered annex stays one
        ("[C] The convoy plan, see annex [B] for details.\n", "CONFIDENTIAL"),
        ("[C] De planning staat in bijlage [B] hieronder.\n", "CONFIDENTIAL"),
        ("[C] The convoy leaves at dawn.\n[B] is the second route.\n", "CONFIDENTIAL"),
        ("[B]\n[C] The convoy leaves at dawn.\n", "CONFIDENTIAL"),
    ],
)
def test_round10_left_markings_read(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, text).level == level


EVERYDAY = [
    # titles and sentences with words in capitals at their end
    "The book Top Secret\n",
    "The book TOP SECRET\n",
    "Le livre TRÈS SECRET\n",
    "A NATO SECRET briefing was held today.\n",
    "Handling of NATO SECRET\n",
    "Il est TRÈS SECRET UE\n",
    "Das ist VS-VERTRAULICH\n",
    "Ik lees NATO SECRET\n",
    "Meeting with the EU\n",
    "Visit to NATO HQ\n",
    "Kapitel 3 UND SO WEITER\n",
    "Concert AC/DC LIVE\n",
    "Meeting room B2 CLOSED\n",
    "Rezept fir GEHEIM SOOSS\n",
    "Menu DU JOUR\n",
    "Vergadering ALV 2025\n",
    "Episode 3 TOP SECRET MISSION\n",
    "Annex A SECRET\n",
    # prose lists with blanks after their commas
    "We met the EU, NATO and the UN.\n",
    "Paris, London, NATO HQ\n",
    "Bring hats, SCARVES, gloves\n",
    "Lunch, TOP SECRET RECIPE, dessert\n",
    "Mir hunn Äppel, Bieren an Drauwen kaf.\n",
    "On a visité Paris, Lyon et Marseille.\n",
    "Wir treffen die EU, die NATO und die UNO.\n",
    "We zagen de EU, de NAVO en de VN.\n",
    # lists of names to mask, in capitals, glued by commas
    "MASK_VARS=API_KEY,SECRET,TOKEN\n",
    "REDACT=SECRET,TOKEN,PASSWORD\n",
    "export HIDE=SECRET,TOKEN,KEY\n",
    "SENSITIVE_VARS=CLIENT_SECRET,SECRET,PASSWORD\n",
    "secrets: API_KEY,SECRET,JWT\n",
    # chord charts, each chord before a blank
    "[C] Altijd is Kortjakje [F] ziek, [C] midden in de [G] week\n",
    "Verse 1:\n[C] Country roads, take me [G] home\n",
    "[C] Mir wëlle [G] bleiwe wat mir [C] sinn\n",
    "[C] Frère Jacques, [G] frère Jacques\n",
    "[C] Alle meine [G7] Entchen\n",
    "[Am7] Some [G/B] words [F#m] here\n",
    "[C] Some [G/B] words\n",
    # a chart's lines, one chord each at their start, a [C] line after another chord's
    "[G] Altijd is Kortjakje ziek\n[C] midden in de week\n",
    "[Am7] Some words here\n[C] And some more\n",
    "[F#m] Mir wëlle bleiwe\n[G/B] wat mir sinn\n[C] an der Stad\n",
    "[D] Frère Jacques, dormez-vous\n[C] Sonnez les matines\n",
    # Razor and Jinja comments in everyday templates
    "@* Secret Santa list *@\n<h1>Party</h1>\n",
    "{# the secret sauce recipe #}\n",
    "<%-- Geheimrezept vun der Bomi --%>\n",
]


def test_a_chart_of_one_chord_a_line_streams_as_it_reads_whole() -> None:
    policy = shipped_policy("default.yaml")
    text = "Verse 1:\n[G] Altijd is Kortjakje ziek\n[C] midden in de week\n[C] maar zondags niet\n"
    for seed in range(6):
        _assert_stream_properties(policy, text, pieces(text, random.Random(seed)), exactly=True)


@pytest.mark.parametrize("text", EVERYDAY)
def test_round10_left_everyday_text_stays_unclassified(text: str) -> None:
    for name in ("default.yaml", "ministry-codewords.yaml"):
        assert check_text(shipped_policy(name), text).level == "UNCLASSIFIED", name


def _alto_line(words: list[tuple[str, int]]) -> str:
    strings = "".join(
        f'  <String CONTENT="{word}" HPOS="{hpos}" VPOS="10" WIDTH="60" HEIGHT="30"/>\n'
        for word, hpos in words
    )
    return f'<TextLine HPOS="10" VPOS="10">\n{strings}</TextLine>\n'


def test_an_alto_header_whose_banner_sits_far_right_reads() -> None:
    """An OCR's header line: a title at the left, the banner at the right edge, apart only
    by their HPOS (no ``<SP/>``): the page's text reads ``Annex A NATO SECRET``."""
    missed = []
    for target in banner_sample("round10-left:alto", fast=8):
        if not _applies("short-title", target):
            continue
        policy = shipped_policy(target.policy)
        words = target.text.replace("&", "&amp;").split()
        header = [("Annex", 10), ("A", 80)] + [(w, 1800 + 90 * i) for i, w in enumerate(words)]
        text = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#">\n'
            "<Layout><Page><PrintSpace><TextBlock>\n"
            + _alto_line(header)
            + _alto_line([("The", 10), ("convoy", 60), ("leaves", 150)])
            + "</TextBlock></PrintSpace></Page></Layout>\n</alto>\n"
        )
        got = check_text(policy, text).level
        if policy.level_index(got) < policy.level_index(target.level):
            missed.append(f"{target.id}: read {got}")
    assert not missed, "\n".join(missed)
