"""Red team round 11's families: markings in configuration files, subtitles, file names
and spreadsheet formulas. A comment banner followed by a dash and free words, a marking as
the quoted value of a directive that sets a header, WebVTT's ``NOTE`` with the marking on
its line, a marking in capitals between the separators of a file's name, a formula that
joins a literal onto a cell with ``&``. Each family is generated for every banner marking
of every shipped policy (the fast line: a sample, tests/scale.py), read whole and streamed
in pieces; the everyday forms of the same syntax (en/fr/de/lb/nl) stay UNCLASSIFIED, and so
do settings and notes in small letters in a configuration file (``security.level=restricted``,
``# restricted``), which read as markings before.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from milai.policy import check_text
from tests.policy.banner_families import (
    assert_family_reads,
    assert_family_streams,
    assert_stays_unclassified,
    family_rng,
)
from tests.policy.families import Target, shipped_policy


def _comment_banner(target: Target) -> list[str]:
    """A line comment (or a block comment) whose text starts with the marking, then a
    dash and a title in small letters."""
    rng = family_rng(target, "comment")
    title = rng.choice(["enclave proxy", "relay config", "do not commit", "export rules"])
    dash = rng.choice(["-", "--", "\u2014", "\u2013"])
    text = target.text
    return [
        f"# {text} {dash} {title}\nlisten 8443\n",
        f"// {text} {dash} {title}\nconst port = 8443;\n",
        f"-- {text} {dash} {title}\nSELECT 1;\n",
        f"; {text} {dash} {title}\n[relay]\n",
        f"/* {text} {dash} {title} */\n",
    ]


def _header_directive(target: Target) -> list[str]:
    """The marking as the quoted value of a directive that sets a header."""
    text = target.text
    if '"' in text:
        return []
    return [
        f'server {{\n    add_header X-Classification "{text}";\n}}\n',
        f'    add_header X-Classification "{text}" always;\n',
        f'proxy_set_header X-Classification "{text}";\n',
        f'more_set_headers "X-Classification: {text}";\n',
        f'<VirtualHost *:443>\n    Header set X-Classification "{text}"\n</VirtualHost>\n',
        f'Header always set X-Classification "{text}"\n',
        f'RequestHeader set X-Classification "{text}"\n',
        f'backend app\n    http-response set-header X-Classification "{text}"\n',
        f'    http-request set-header X-Classification "{text}"\n',
    ]


def _vtt_note(target: Target) -> list[str]:
    """WebVTT's ``NOTE`` with the marking on its own line, alone or with a title."""
    cue = "00:00:01.000 --> 00:00:04.000\nGood morning.\n"
    return [
        f"WEBVTT\n\nNOTE {target.text}\n\n{cue}",
        f"WEBVTT\n\nNOTE {target.text} - briefing\n\n{cue}",
    ]


def _file_name(target: Target) -> list[str]:
    """The marking in a file's name, its words joined by underscores (hyphens, dots),
    with or without brackets, an extension at the end."""
    if ". " in target.text:
        return []  # Stg._GEHEIM: an abbreviation's dot glued to a joiner, a known miss (README)
    rng = family_rng(target, "file")
    joined = target.text.replace(" ", "_")
    stem = rng.choice(["OPLAN_4711", "minutes", "Lagebericht_Nord", "verslag-2024"])
    label = rng.choice(["Attached:", "Pièce jointe :", "Anlage:", "Bijlage:", "Saved as"])
    return [
        f"{label} {stem}_({joined}).pdf\n",
        f"{stem}_{joined}_v2.docx\n",
        f"See {stem}_[{joined}]_final.xlsx for the figures.\n",
        f"{stem}-{target.text.replace(' ', '-')}-v3.pdf\n",
    ]


def _formula(target: Target) -> list[str]:
    """A formula that joins the marking, a literal, onto a cell reference with ``&``."""
    text = target.text
    if '"' in text:
        return []
    return [
        f'=A1&" "&"{text}"\n',
        f'=B2 & " - " & "{text}"\n',
        f'=$A$1&"{text}"&C3\n',
    ]


FAMILIES: dict[str, Callable[[Target], list[str]]] = {
    "comment-banner": _comment_banner,
    "header-directive": _header_directive,
    "vtt-note": _vtt_note,
    "file-name": _file_name,
    "formula-join": _formula,
}


@pytest.mark.parametrize("family", FAMILIES)
def test_every_banner_reads_through_the_family(family: str) -> None:
    assert_family_reads(f"round11-config:{family}", FAMILIES[family])


@pytest.mark.parametrize("family", FAMILIES)
def test_the_family_streams_as_it_reads_whole(family: str) -> None:
    assert_family_streams(family, FAMILIES[family])


@pytest.mark.parametrize(
    "text",
    [
        # settings and notes in small letters in configuration files (red team 11)
        "security.level=restricted\nui.confidential.banner=false\n",
        "security.level=restricted\nui.theme=dark\n",
        "app.name=Intranet\nsecurity.level=restricted\nlog.level=info\n",
        "# restricted\nmenu.visibility=restricted\n",
        "# secret\nsession.cookie.secure=true\n",
        "; confidential\nshare.mode=confidential\n",
        "// geheim\nconst modus = 'privat';\n",
        "app.niveau.securite=confidentiel\napp.langue=fr\n",
        "sicherheit.stufe=geheim\nanzeige.sprache=de\n",
        "beveiliging.niveau=vertrouwelijk\nweergave.taal=nl\n",
        # comments with a dash and words
        "# TODO - fix the proxy timeout\n",
        "# NOTE -- restart nginx after editing\n",
        "// Top secret - the wifi password is on the fridge\n",
        "// Secret - nicht committen\n",
        "-- Le secret -- ne pas partager\n",
        "; Geheim - net deelen\n",
        "# SECRET_KEY - set it in the environment\n",
        "/* Vertrouwelijk - niet delen */\n",
        # header directives with everyday values
        'add_header X-Frame-Options "DENY";\n',
        'add_header Cache-Control "private, no-store";\n',
        'Header set X-Content-Type-Options "nosniff"\n',
        'proxy_set_header X-Secret-Santa "Anna";\n',
        'more_set_headers "X-Hinweis: Geheimnis der Woche";\n',
        'http-response set-header X-Level "top secret recipe"\n',
        # WebVTT notes
        "WEBVTT\n\nNOTE This file was made by hand\n\n00:00:01.000 --> 00:00:04.000\nHi\n",
        "WEBVTT\n\nNOTE Le secret du chef\n\n00:00:01.000 --> 00:00:04.000\nSalut\n",
        "WEBVTT\n\nNOTE Dat ass e geheimt Rezept\n\n00:00:01.000 --> 00:00:04.000\nMoien\n",
        "WEBVTT\n\nNOTE TODO check the timing\n\n00:00:01.000 --> 00:00:04.000\nHallo\n",
        # file names
        "Attached: secret_santa.xlsx\n",
        "See top_secret_recipe.md\n",
        "Anlage: geheim_rezept_oma.docx\n",
        "Bijlage: het_geheim_van_de_smid.pdf\n",
        "Fichier : recette_secrete_v2.odt\n",
        "SECRET_KEY.txt\nREADME_CONFIDENTIAL.md\nTOP_SECRET_RECIPE.md\n",
        "config/secret_store.yaml\n",
        "IMG_2024_PARIS.jpg\nREPORT_Q3_FINAL.pdf\n",
        "Geheimnis_der_Insel.epub\n",
        # formulas
        '=A1&" "&"Top secret recipe"\n',
        '=B2&" - "&"Le secret"\n',
        '=A1&" "&B1&" OK"\n',
        '=A2&" geheim"\n',
    ],
)
@pytest.mark.parametrize("policy_name", ["default.yaml", "ministry-codewords.yaml"])
def test_everyday_forms_stay_unclassified(text: str, policy_name: str) -> None:
    assert_stays_unclassified(policy_name, text)


@pytest.mark.parametrize(
    "text",
    [
        "security.level=RESTRICTED\n",
        "classification=restricted\n",
        '{"classification": "secret"}\n',
        "# SECRET\n",
        # small capitals have no small letters of their own
        "// \u1d04\u1d0f\u0274\ua730\u026a\u1d05\u1d07\u0274\u1d1b\u026a\u1d07\u029f\n",
    ],
)
def test_capitals_and_classification_fields_still_count(text: str) -> None:
    policy = shipped_policy("default.yaml")
    assert check_text(policy, text).level != policy.lowest, text
