"""Line forms that a reader sees otherwise than their characters read (issue 9, gate30):
a marking in capitals, then a colon, then its text (chat and mail); mojibake, UTF-8 read
as Windows-1252 or Latin-1, and U+FFFD replacement characters; subtitle formats (ASS/SSA,
MicroDVD, LRC, and SBV/SRT/WebVTT cues in a row); a shell's backslash-newline inside a
double-quoted string; a mail attachment's file name with blanks. Each family is generated
for every banner marking of every shipped policy (the fast line: a sample, tests/scale.py),
read whole and streamed in pieces; the everyday forms of the same syntax stay
UNCLASSIFIED.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from urllib.parse import quote

import pytest

from milai.policy._line_forms import PLAIN_WORDS
from tests.policy.banner_families import (
    assert_family_reads,
    assert_family_streams,
    assert_stays_unclassified,
)
from tests.policy.families import Target, targets

BANNERS = [target for target in targets() if not target.portion]


def _rng(target: Target, family: str) -> random.Random:
    return random.Random(f"{family}:{target.id}")


def _colon_text(target: Target) -> list[str]:
    """The marking opens the line, then a colon (French spacing too), then its text; a
    marking of plain level words alone (``GEHEIM:``) is a headline's kicker, not read."""
    if all(word.upper() in PLAIN_WORDS for word in target.text.split()):
        return []
    rng = _rng(target, "colon")
    text = rng.choice(
        [
            "convoy leaves Kirchberg at 0400",
            "réunion à 10h dans la salle B",
            "Lagebild folgt um 14 Uhr",
            "de bron is ter plaatse.",
        ]
    )
    return [
        f"{target.text}: {text}\n",
        f"{target.text} : {text}\n",
        f"Hi all,\n{target.text}: {text}\nThanks\n",
        f"**{target.text}:** {text}\n",
        f"> {target.text}: {text}\n",
        f"Jean: {target.text}: {text}\n",
        f"[12/03/2025, 10:14:02] Jean: {target.text}: {text}\n",
    ]


def _utf8_as(text: str, codec: str) -> str:
    return text.encode("utf-8").decode(codec, errors="replace")


def _mojibake(target: Target) -> list[str]:
    """The banner's UTF-8 read as Windows-1252 or Latin-1, or its letters beyond ASCII
    replaced by U+FFFD (one a letter, or one a byte)."""
    text = target.text
    if text.isascii():
        return [f"{text}\nLe rapport suit.\n"]
    one = "".join(ch if ch.isascii() else "\ufffd" for ch in text)
    two = "".join(ch if ch.isascii() else "\ufffd" * len(ch.encode()) for ch in text)
    return [
        f"{_utf8_as(text, 'cp1252')}\nLe rapport suit.\n",
        f"{_utf8_as(text, 'latin-1')}\n",
        f"    {_utf8_as(text, 'cp1252')}    \n",
        f"{one}\nDer Bericht folgt.\n",
        f"{two}\n",
        f"{text.encode('ascii', errors='replace').decode()}\n",
        f"Classification: {_utf8_as(text, 'cp1252')}\n",
    ]


def _subtitles(target: Target) -> list[str]:
    """The banner in a subtitle's text: ASS/SSA (an override tag inside a word, ``\\N``
    between words), MicroDVD (``|`` between words), LRC (time tags), SBV cues in a row
    (a word a cue)."""
    text = target.text
    words = text.split(" ")
    cut = max(1, len(text) // 2)
    ass_tagged = f"{text[:cut]}{{\\i1}}{text[cut:]}{{\\i0}}"
    dialogue = "Dialogue: 0,0:00:01.00,0:00:03.00,Default,,0,0,0,,"
    made = [
        f"[Events]\n{dialogue}{ass_tagged}\n",
        f"{{100}}{{200}}{text}\n{{201}}{{300}}Good morning.\n",
        f"[ar:Someone]\n[00:01.00]{text}\n[00:04.00]la la la\n",
        f"[00:01.00][00:30.00]{text}\n",
        f"0:00:01.000,0:00:03.000\n{text}\n\n0:00:03.000,0:00:05.000\nGood morning.\n",
    ]
    if len(words) >= 2:
        made += [
            f"{dialogue}{' '.join(words[:-1])}\\N{words[-1]}\n",
            f"{{100}}{{200}}{' '.join(words[:-1])}|{words[-1]}\n",
            "0:00:01.000,0:00:03.000\n"
            + " ".join(words[:-1])
            + "\n\n0:00:03.000,0:00:05.000\n"
            + words[-1]
            + "\n\n0:00:05.000,0:00:07.000\ngood morning\n",
            "1\n00:00:01,000 --> 00:00:03,000\n"
            + " ".join(words[:-1])
            + "\n\n2\n00:00:03,000 --> 00:00:05,000\n"
            + words[-1]
            + "\n",
        ]
    return made


def _shell(target: Target) -> list[str]:
    """A backslash-newline inside a double-quoted string of a shell command."""
    text = target.text
    if '"' in text or "\\" in text:
        return []
    cut = max(1, len(text) // 2)
    return [
        f'echo "{text[:cut]}\\\n{text[cut:]}" > /etc/issue.net\n',
        f'#!/bin/sh\nprintf "{text[:cut]}\\\n{text[cut:]}\\n" > /etc/motd\n',
    ]


def _attachment(target: Target) -> list[str]:
    """A mail attachment's file name that opens with the banner, then a capitalised word."""
    text = target.text
    if '"' in text:
        return []
    rng = _rng(target, "attachment")
    title = rng.choice(["Annex", "Lagebericht", "Rapport", "Verslag", "Plan"])
    name = f"{text} {title}.pdf"
    return [
        f'Content-Disposition: attachment; filename="{name}"\n',
        f"Content-Disposition: attachment;\n filename*=UTF-8''{quote(name)}\n",
        f'Content-Type: application/pdf; name="{name}"\n',
        f"Content-Disposition: attachment; filename={name}\n",
    ]


FAMILIES: dict[str, Callable[[Target], list[str]]] = {
    "colon-text": _colon_text,
    "mojibake": _mojibake,
    "subtitles": _subtitles,
    "shell-continuation": _shell,
    "attachment-name": _attachment,
}


@pytest.mark.parametrize("family", FAMILIES)
def test_every_banner_reads_through_the_family(family: str) -> None:
    assert_family_reads(f"line-forms:{family}", FAMILIES[family])


@pytest.mark.parametrize("family", FAMILIES)
def test_the_family_streams_as_it_reads_whole(family: str) -> None:
    assert_family_streams(family, FAMILIES[family])


EVERYDAY = [
    # chat and mail lines with a colon
    "Secret: the password is in the vault\n",
    "Top secret: don't tell mum\n",
    "Secret Santa: draw on Friday\n",
    "SECRET_KEY: changeme\nDEBUG: false\n",
    "SECRET: abc123\n",
    "SECRET KEY: set it in the environment\n",
    "NOTE: the meeting moved to 10h\n",
    "TODO: fix the proxy timeout\n",
    "Geheim: das Rezept von Oma\n",
    "Confidentiel : ne pas partager la recette\n",
    "Vertrouwelijk: niet doorsturen a.u.b.\n",
    "WARNING: disk almost full\n",
    "Subject: RE: FW: Secret Santa: draw on Friday\n",
    "Jean: Secret: the cake is for Anna\n",
    "> Top secret: don't tell mum\n",
    "[10:14] Jean: NOTE: the train is late\n",
    "USA: the team won again\n",
    "NATO: the alliance meets in Brussels\n",
    # headlines (red team 10's everyday)
    "GEHEIM: Zo werkt de AIVD\n",
    "STRENG GEHEIM: Omas Apfelkuchen\n",
    "CONFIDENTIEL : les coulisses du Tour de France\n",
    "TOP SECRET: Film review of the week\n",
    # mojibake of everyday prose
    _utf8_as("La réunion a lieu à 10h, très important.\n", "cp1252"),
    _utf8_as("Über die Straße gehen wir um 14 Uhr.\n", "cp1252"),
    _utf8_as("Le secret de la recette: crème fraîche.\n", "latin-1"),
    "La r\ufffdunion est \ufffd 10h.\n",
    "TR\ufffdS BIEN, MERCI\n",
    "WHAT?NO WAY! OK?\n",
    "Caf? cr?me for everyone\n",
    # subtitles and lyrics
    "[00:12.00]I keep a secret in my heart\n[00:15.00]Top secret, baby\n",
    "[ti:Secret]\n[ar:The Band]\n[00:01.00]Secret, secret, I've got a secret\n",
    "Dialogue: 0,0:00:01.00,0:00:03.00,Default,,0,0,0,,{\\i1}It's a secret{\\i0}\n",
    "Dialogue: 0,0:00:01.00,0:00:03.00,Default,,0,0,0,,Top secret\\Nrecipe\n",
    "{100}{200}Can you keep a secret?|Of course.\n",
    "0:00:01.000,0:00:03.000\nThe secret\n\n0:00:03.000,0:00:05.000\nis out\n",
    "1\n00:00:01,000 --> 00:00:03,000\nHELLO\n\n2\n00:00:03,000 --> 00:00:05,000\nWORLD\n",
    # shell scripts
    'echo "Building the secret \\\nrecipe" > /tmp/x\n',
    "./configure --prefix=/usr \\\n  --enable-secret-store\n",
    'MSG="top secret \\\nparty"\n',
    # file names
    'Content-Disposition: attachment; filename="Secret Santa List.xlsx"\n',
    'Content-Disposition: attachment; filename="README FIRST.txt"\n',
    "Content-Disposition: attachment; filename*=UTF-8''recette%20secr%C3%A8te.pdf\n",
    'Content-Type: image/png; name="IMG 2024 Paris.png"\n',
]


@pytest.mark.parametrize("text", EVERYDAY)
@pytest.mark.parametrize("policy_name", ["default.yaml", "ministry-codewords.yaml"])
def test_everyday_forms_stay_unclassified(text: str, policy_name: str) -> None:
    assert_stays_unclassified(policy_name, text)
