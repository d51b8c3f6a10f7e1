"""Markings after a format's label syntax (red team 12): an iCalendar or vCard property's
value with the marking anywhere in it, a calendar's, a contact's or an LDIF record's folded
line cutting the marking, an Org heading with a TODO keyword, a priority cookie or tags, a
Markdown link reference definition's title, an XML processing instruction's text. Each
family is generated for every banner marking of every shipped policy (the fast line: a
sample, tests/scale.py), read whole and streamed in pieces; the everyday forms of the same
syntax (en/fr/de/lb/nl) stay UNCLASSIFIED, and so does a definition list's term in small
letters (reStructuredText's ``.. glossary::``, Markdown Extra's ``term`` / ``: definition``),
which read as a banner line before.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from milai.policy import check_text
from tests.policy.banner_families import (
    assert_family_reads,
    assert_family_streams,
    assert_stays_unclassified,
)
from tests.policy.families import Target, shipped_policy, targets
from tests.policy.test_policy_stream_properties import _assert_stream_properties

BANNERS = [target for target in targets() if not target.portion]

_PROPERTIES = ["SUMMARY", "DESCRIPTION", "LOCATION", "COMMENT", "NOTE", "TITLE", "X-ALT-DESC"]


def _rng(target: Target, family: str) -> random.Random:
    return random.Random(f"{family}:{target.id}")


def _calendar(body: str, rng: random.Random, eol: str = "\n") -> str:
    """``body`` (property lines) in an event, a to-do or a contact, as a file writes it."""
    wrapper = rng.choice(["event", "todo", "bare-event", "card3", "card4"])
    lines = {
        "event": ["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "UID:7@x.example"],
        "todo": ["BEGIN:VCALENDAR", "PRODID:-//x//EN", "BEGIN:VTODO", "UID:8@x.example"],
        "bare-event": ["BEGIN:VEVENT", "DTSTART:20250312T090000Z"],
        "card3": ["BEGIN:VCARD", "VERSION:3.0", "FN:Anna Muller"],
        "card4": ["BEGIN:VCARD", "VERSION:4.0", "FN:Jean Weber"],
    }[wrapper]
    ends = {
        "event": ["END:VEVENT", "END:VCALENDAR"],
        "todo": ["END:VTODO", "END:VCALENDAR"],
        "bare-event": ["END:VEVENT"],
        "card3": ["END:VCARD"],
        "card4": ["END:VCARD"],
    }[wrapper]
    return eol.join([*lines, *body.split("\n"), *ends]) + eol


def _calendar_value(target: Target) -> list[str]:
    """The marking anywhere in a property's value: after words, between them, in a list of
    categories, after an escaped comma, with parameters."""
    rng = _rng(target, "calendar-value")
    text = target.text
    name = rng.choice(_PROPERTIES)
    params = rng.choice(["", ";LANGUAGE=fr-FR", ';ALTREP="cid:x"'])
    eol = rng.choice(["\n", "\r\n"])
    before = rng.choice(["Briefing", "Réunion de suivi", "Besprechung", "Overleg", "Agenda -"])
    after = rng.choice(["room 4", "salle 2", "Raum 3", "zaal 1", "bring badge"])
    return [
        _calendar(f"{name}{params}:{before} {text}", rng, eol),
        _calendar(f"{name}:{before} {text} {after}", rng, eol),
        _calendar(f"DESCRIPTION:{before} - {text} - {after}", rng, eol),
        _calendar(f"NOTE:Contact for {text} matters", rng, eol),
        _calendar(f"CATEGORIES:Logistics,{text}", rng, eol),
        _calendar(f"DESCRIPTION:{before}\\, {text}\\, {after}", rng, eol),
        _calendar(f"DESCRIPTION:{before}\\n{text}\\n{after}", rng, eol),
        _calendar(f"{name.lower()}:{before} {text}", rng, eol),  # names in any case
    ]


def _fold(line: str, cut: int, eol: str, blank: str) -> str:
    return line[:cut] + eol + blank + line[cut:]


def _folded(target: Target) -> list[str]:
    """A property's line folded inside the marking (CRLF or LF, then one blank or tab), in
    a calendar, a contact, an LDIF record and a mail's header."""
    rng = _rng(target, "folded")
    text = target.text
    out = []
    for _ in range(3):
        eol = rng.choice(["\n", "\r\n"])
        blank = rng.choice([" ", "\t"])
        line = f"SUMMARY:{rng.choice(['Briefing ', 'Plan ', ''])}{text}. Room 4"
        cut = line.index(text) + rng.randrange(1, len(text))
        out.append(_calendar(_fold(line, cut, "\n", blank), rng, eol))
        ldif = f"description: {text} - convoy plan"
        cut = ldif.index(text) + rng.randrange(1, len(text))
        folded = _fold(ldif, cut, "\n", " ")
        record = f"dn: cn=plan,ou=ops,dc=x,dc=example\ncn: plan\n{folded}\n"
        out.append((rng.choice(["", "version: 1\n\n"]) + record).replace("\n", eol))
        header = rng.choice([f"Subject: Convoy plan [{text}]", f"X-Classification: {text}"])
        cut = header.index(text) + rng.randrange(1, len(text))
        header = _fold(header, cut, "\n", blank)
        mail = f"From: ops@x.example\nTo: j2@x.example\n{header}\n"
        out.append(f"{mail}\nBody of the mail.\n".replace("\n", eol))
    return out


def _org_heading(target: Target) -> list[str]:
    """An Org heading with a TODO keyword, a priority cookie or tags around the marking."""
    rng = _rng(target, "org")
    text = target.text
    stars = "*" * rng.randint(1, 4)
    keyword = rng.choice(["TODO", "DONE", "NEXT", "WAITING", "CANCELLED", "HOLD"])
    priority = rng.choice(["[#A]", "[#B]", "[#C]"])
    tags = rng.choice([":ops:plan:", ":annex:", ":work:urgent:"])
    body = "Some notes under it.\n"
    return [
        f"{stars} {keyword} {text}\n{body}",
        f"{stars} {keyword} {priority} {text} annex\n{body}",
        f"{stars} {text} {tags}\n{body}",
        f"{stars} {keyword} {priority} {text}\t{tags}\n",
        f"{stars} {priority} {text}\n{body}",
        f"#+TITLE: Plans\n\n{stars} {keyword} {text} {tags}\n{body}",
    ]


def _link_title(target: Target) -> list[str]:
    """A Markdown link reference definition's title in each of its three quotings."""
    text = target.text
    rng = _rng(target, "link")
    label = rng.choice(["1", "plan", "annex-b", "Ref"])
    return [
        f'See [the plan][{label}].\n\n[{label}]: https://x.example/a "{text}"\n',
        f"[{label}]: https://x.example/a '{text}'\n",
        f"[{label}]: <https://x.example/a b> ({text})\n",
        f'  [{label}]:   /docs/plan.pdf   "{text}"\n',
    ]


def _instruction(target: Target) -> list[str]:
    """An XML processing instruction whose text, or pseudo-attribute, is the marking."""
    text = target.text
    decl = '<?xml version="1.0" encoding="UTF-8"?>\n'
    return [
        f"{decl}<?classification {text}?>\n<doc/>\n",
        f'{decl}<?security-marking level="{text}"?>\n<doc/>\n',
        f"<?marking {text} releasable?>\n<report>Convoy</report>\n",
        f"<doc><?banner {text}?><p>Plan</p></doc>\n",
    ]


FAMILIES: dict[str, Callable[[Target], list[str]]] = {
    "calendar-value": _calendar_value,
    "folded-line": _folded,
    "org-heading": _org_heading,
    "link-title": _link_title,
    "processing-instruction": _instruction,
}


@pytest.mark.parametrize("family", FAMILIES)
def test_every_banner_reads_through_the_family(family: str) -> None:
    assert_family_reads(f"labelled:{family}", FAMILIES[family])


@pytest.mark.parametrize("family", FAMILIES)
def test_the_family_streams_as_it_reads_whole(family: str) -> None:
    assert_family_streams(family, FAMILIES[family])


_EVERYDAY_CALENDARS = [
    "SUMMARY:Secret Santa party\nDESCRIPTION:keep the surprise secret",
    "SUMMARY:Top secret recipe tasting\nLOCATION:Kitchen",
    "SUMMARY:Fête des voisins\nDESCRIPTION:Le secret du chef\\, apéritif",
    "SUMMARY:Geheimtipp Wanderung\nDESCRIPTION:Treffpunkt am Bahnhof\\, geheim halten!",
    "SUMMARY:Verjaardag\nDESCRIPTION:Het is een geheim\\, niets zeggen",
    "SUMMARY:Gebuertsdag\nDESCRIPTION:Dat ass e Geheimnis",
    "SUMMARY:Team lunch\nCATEGORIES:Social,Food,Confidential chat",
    "SUMMARY:IT review\nDESCRIPTION:Rotate the API key and the client secret",
    "SUMMARY:Sprint review\nDESCRIPTION:Demo of the NATO summit app\\, Q&A",
    "SUMMARY:Release 2.3\nDESCRIPTION:See JIRA OPS-12 and the README",
    "SUMMARY:Private appointment\nCLASS:CONFIDENTIAL",
    "NOTE:Met at the EU summit\nORG:Acme SA",
    "TITLE:Head of Restricted Area Logistics\nORG:Port of Antwerp",
]


@pytest.mark.parametrize(
    "text",
    [
        *(_calendar(body, random.Random(body)) for body in _EVERYDAY_CALENDARS),
        # folded everyday lines
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:Secret Santa par\n ty at the office\n"
        "END:VEVENT\nEND:VCALENDAR\n",
        "BEGIN:VCARD\nVERSION:3.0\nNOTE:Knows the secret of the per\n fect croissant\nEND:VCARD\n",
        "dn: cn=Anna,ou=people,dc=x,dc=example\ndescription: keeps the team's se\n cret recipe\n",
        "dn: cn=vault,dc=x\ndescription:: c2VjcmV0IHNhbnRh\nuserPassword:: e1NTSEF9eHh4eA==\n"
        "cn: vault\n",
        "From: anna@x.example\nSubject: Secret Santa par\n ty on Friday\n\nSee you there!\n",
        "Received: from mail.x.example (mail.x.example [192.0.2.1])\r\n\tby mx.y.example "
        "with ESMTPS id 4F2A9C1\r\n\tfor <j@y.example>; Tue, 4 Mar 2025 10:00:00 +0100\r\n"
        "DKIM-Signature: v=1; a=rsa-sha256; d=x.example; s=sel;\r\n\tb=SEC4xQ9fZ+RETw1kP8aA"
        "bC\r\n\t dEfGhIjKlMnOpQr==\r\nSubject: Le secret du chef\r\n\r\nBonjour\r\n",
        "Subject: Geheimtipp: das beste\n Restaurant der Stadt\nX-Mailer: Thunderbird\n\nHallo\n",
        # Org headings
        "* TODO secret recipe\n",
        "* Top secret plans for the party :fun:\n",
        "** DONE [#A] Buy the Secret Santa gifts :home:\n",
        "* NEXT Lire « Le Secret » :livres:\n",
        "*** WAITING [#B] Geheimtipp für Berlin :reisen:\n",
        "* TODO Geheim recept van oma :keuken:\n",
        "* TODO Review README and API docs :dev:\n",
        "* DONE [#C] Call NATO summit press office\n",
        # link reference definitions
        '[1]: https://x.example/a "The Secret History"\n',
        "[secret]: https://x.example/secret 'Secret Santa rules'\n",
        "[geheim]: https://x.example/geheim (Das Geheimnis)\n",
        '[ref]: https://x.example/nato "NATO summit press kit"\n',
        # processing instructions
        '<?xml-stylesheet href="secret.xsl"?>\n<doc/>\n',
        '<?xml version="1.0"?>\n<?xml-stylesheet type="text/xsl" href="top-secret.xsl"?>\n',
        "<?php echo $secret; ?>\n",
        '<?page-break?>\n<?cocoon-process type="xslt"?>\n',
        "<?note keep this secret?>\n<doc/>\n",
        # a link reference definition's label in small letters is a name
        "[secret]: https://x.example/secret\n",
        "[top secret]: https://x.example/ts 'Top secret recipes'\n",
        # definition lists: a lone term in small letters and its definition
        ".. glossary::\n\n   secret\n      A value kept from the user.\n",
        ".. glossary::\n\n   confidential\n      Shared with the team only.\n\n"
        "   restricted\n      Shown to admins.\n",
        "secret\n    A value kept from the user (rST definition list).\n",
        "secret\n: A value kept from the user.\n",
        "confidential\n\n:   Shared with the team only.\n",
        "geheim\n: Ein Wert, den niemand sehen soll.\n",
        "geheim\n    Een waarde die verborgen blijft.\n",
        "secret\n~ Pandoc's other definition marker.\n",
        "Glossary\n\nrestricted\n: Only admins may see it.\n\nsecret\n: Nobody may see it.\n",
        "top secret\n    The level above secret.\n",
        "diffusion restreinte\n: Mention de protection.\n",
        "vertraulich\n:   Nur für den Dienstgebrauch bestimmt.\n",
        "**secret**\n: A value kept from the user.\n",
        "Glossary\n\n*confidential*\n:   Shared with the team only.\n",
        "`secret`\n    A value kept from the user.\n",
        "secret::\n  A value kept from the user (AsciiDoc).\n",
        "geheim::\nEen waarde die verborgen blijft.\n",
    ],
)
@pytest.mark.parametrize("policy_name", ["default.yaml", "ministry-codewords.yaml"])
def test_everyday_forms_stay_unclassified(text: str, policy_name: str) -> None:
    assert_stays_unclassified(policy_name, text)


@pytest.mark.parametrize(
    "text",
    [
        # a banner line in small letters with no definition below it still counts
        "secret\n\nThe plan follows.\n",
        "secret\nThe plan follows.\n",
        "secret\n",
        "**secret**\n\nThe plan follows.\n",
        # in capitals, a term is a marking whatever follows
        "SECRET\n    indented text\n",
        "NATO SECRET\n: not a definition\n",
    ],
)
def test_banners_without_a_definition_still_count(text: str) -> None:
    policy = shipped_policy("default.yaml")
    assert check_text(policy, text).level != policy.lowest, text


@pytest.mark.parametrize(
    "text",
    [
        ".. glossary::\n\n   secret\n      A value kept from the user.\n",
        "secret\n: A value kept.\n",
        "secret\n\n: A value.\n",
        "secret\n\nbody\n",
        "intro\nsecret\n",
        "**secret**\n: A value.\n",
        "secret::\nA value.\n",
        "top secret\n    The level above.\n",
    ],
)
def test_a_term_streams_as_it_reads_whole(text: str) -> None:
    policy = shipped_policy("default.yaml")
    for cut in range(1, len(text)):
        _assert_stream_properties(policy, text, [text[:cut], text[cut:]], exactly=True)
    _assert_stream_properties(policy, text, list(text), exactly=True)
