"""A key's value in structured data and configuration (``milai/policy/_key_values.py``):
in capitals a marking, in small letters bare a setting.

Four families, each generated for every banner marking of both shipped policies (the fast
line: a sample, tests/scale.py) in every writer, read whole and streamed in pieces:

* a text that a key names (description, title, name, summary, subject, comment, label,
  InfoTip…) whose first words are the marking, then ordinary words: YAML (a block
  scalar's first line too), an Ansible task,
  a Dockerfile/OCI ``LABEL``, JSON (and JSON escaped inside a tool call's ``arguments``),
  INI, a desktop entry, ``desktop.ini``, a properties file;
* a keyword, tag or category list whose first item is the marking;
* YAML node properties before the value (``!!str``, ``!<tag:…>``, ``&anchor``, both), in
  block and flow style;
* an unquoted YAML flow mapping's value (``{banner: NATO SECRET, owner: ops}``).

Everyday text of the same syntax stays UNCLASSIFIED (en/fr/de/lb/nl), and so do settings in
small letters (``security.level=restricted``), which one function decides for every reader.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable

import pytest

from milai.policy import check_text
from milai.policy._key_values import setting, values
from tests.policy.banner_families import (
    assert_family_reads,
    assert_family_streams,
    assert_stays_unclassified,
)
from tests.policy.families import Target, shipped_policy, targets

BANNERS = [target for target in targets() if not target.portion]
_WORDS = ["export job", "backup of the enclave", "convoy plan", "Lagebericht Nord", "dossier"]


def _rng(target: Target, family: str) -> random.Random:
    return random.Random(f"{family}:{target.id}")


def _text_value(target: Target) -> list[str]:
    """The marking at the start of a description-like value, ordinary words after it."""
    rng = _rng(target, "text")
    text = target.text
    words = rng.choice(_WORDS)
    value = f"{text} {words}"
    out = [
        f"description: {value}\n",
        f"job:\n  summary: {value}\n  owner: ops\n",
        f"- name: {value}\n  hosts: enclave\n  become: true\n",
        f"tasks:\n  - name: {value}\n    ansible.builtin.copy:\n      src: a\n      dest: b\n",
        f"[Unit]\nDescription={value}\nAfter=network.target\n",
        f"[Desktop Entry]\nName[fr]={value}\nComment={value}\n",
        f"[.ShellClassInfo]\nInfoTip={value}\nIconResource=C:\\icons\\a.ico,0\n",
        f"[job]\nsubject = {value}\n",
        f"app.banner.title={value}\n",
        f"Titel: {value}\n",
        f"omschrijving: {value}\n",
        # a YAML block scalar's first line, or the value on the next line
        f"description: |\n  {value}\n  runs nightly\n",
        f"- name: >-\n    {value}\n  hosts: enclave\n",
        f"summary:\n  {value}\n",
    ]
    if '"' not in text:
        out += [
            f'LABEL description="{value}"\n',
            f'LABEL org.opencontainers.image.title="{value}" version="1.0"\n',
            json.dumps({"id": 7, "title": value}) + "\n",
            json.dumps({"comment": value}, indent=2) + "\n",
            # a tool call: the arguments are JSON inside a JSON string
            json.dumps({"name": "create_doc", "arguments": json.dumps({"title": value})}) + "\n",
            json.dumps({"role": "tool", "content": f"label: {value}\nowner: ops"}) + "\n",
            f'description: "{value}"\n',
        ]
    if "'" not in text:
        out.append(f"caption: '{value}'\n")
    return out


def _list_first(target: Target) -> list[str]:
    """A keyword, tag or category list whose first item is the marking."""
    rng = _rng(target, "list")
    other = rng.choice(["convoy", "logistics", "export", "Lagebericht"])
    text = target.text
    out = [
        f"Keywords: {text}, {other}\n",
        f"categories: [{text}, {other}]\n",
        f"tags: {text}; {other}\n",
        f"Schlagwörter: {text}, {other}\n",
        f"mots-clés : {text}, {other}\n",
    ]
    if '"' not in text:
        out.append(json.dumps({"keywords": [text, other]}) + "\n")
        out.append(json.dumps({"tags": f"{text}, {other}"}) + "\n")
    return out


def _properties(target: Target) -> list[str]:
    """YAML node properties (a tag, an anchor, both) before the value, block and flow."""
    rng = _rng(target, "properties")
    key = rng.choice(["banner", "level", "marking", "header", "owner_note"])
    text = target.text
    out = []
    for props in ["!!str", "&b", "!<tag:yaml.org,2002:str>", "&b !!str", "!!str &lvl", "!local"]:
        out.append(f"{key}: {props} {text}\n")
        out.append(f"{{{key}: {props} {text}, owner: ops}}\n")
    out.append(f"- {key}: &x !!str {text}\n  owner: ops\n")
    return out


def _flow_mapping(target: Target) -> list[str]:
    """The marking as an unquoted value in a YAML flow mapping, first, between, last."""
    rng = _rng(target, "flow")
    key = rng.choice(["banner", "level", "marking", "niveau", "label"])
    text = target.text
    if "," in text or "}" in text:
        return []  # a flow mapping's value ends at its comma: quoted in YAML
    return [
        f"{{{key}: {text}, owner: ops}}\n",
        f"meta: {{id: 7, {key}: {text}}}\n",
        f"- {{owner: ops, {key}: {text}, copies: 3}}\n",
    ]


FAMILIES: dict[str, Callable[[Target], list[str]]] = {
    "text-value": _text_value,
    "list-first": _list_first,
    "node-properties": _properties,
    "flow-mapping": _flow_mapping,
}


@pytest.mark.parametrize("family", FAMILIES)
def test_every_banner_reads_through_the_family(family: str) -> None:
    assert_family_reads(f"key-values:{family}", FAMILIES[family])


@pytest.mark.parametrize("family", FAMILIES)
def test_the_family_streams_as_it_reads_whole(family: str) -> None:
    assert_family_streams(family, FAMILIES[family])


EVERYDAY = [
    # text values in prose case, in small letters, code names
    "description: Secret rotation job\n",
    "name: top secret santa\n",
    'LABEL description="Rotate the secret key"\n',
    "title: Secret Garden\n",
    'title: "Top Secret Recipes"\n',
    "summary: Secret Santa party\n",
    "Summary: Confidential feedback survey\n",
    "description: SECRET_KEY must be set\n",
    "name: RESTRICTED_ACCESS_POLICY\n",
    "- name: Install the SECRET rotation cron\n",
    "description: API key for SECRET-SERVER\n",
    "description: Manages secrets for the CONFIDENTIAL-computing cluster\n",
    "title: The CONFIDENTIAL Report\n",
    "subject: TOP 10 SECRET beaches\n",
    "Title: SECRET SANTA\n",
    "description: SECRET SANTA party on Friday\n",
    "[Unit]\nDescription=CONFIDENTIAL INFORMATION HANDLER\n",
    "name: NATO summit logistics\n",
    '"description": "Stores the API SECRET in the vault"\n',
    'LABEL maintainer="ops" description="Build image for the CI"\n',
    "env:\n  - name: SECRET_TOKEN\n    valueFrom:\n      secretKeyRef:\n        name: app-secret\n",
    "[Desktop Entry]\nName=Secret Diary\nComment=Keep your secrets safe\n",
    "[.ShellClassInfo]\nInfoTip=Geheime Rezepte der Oma\n",
    "Note: the secret is in the vault\n",
    "see the title: SECRET documents are kept in the safe\n",
    "titre : Le secret de la pyramide\n",
    "Beschreibung: Geheimnis der Insel\n",
    "omschrijving: Het geheim van de smid\n",
    "beschreiwung: E geheimt Rezept\n",
    json.dumps({"name": "create_doc", "arguments": json.dumps({"title": "Secret Garden"})}) + "\n",
    # keyword lists
    "keywords: secret, password, vault\n",
    "tags: [confidential-computing]\n",
    "tags: [secret, vault, TLS]\n",
    "keywords: AWS, KMS, SECRET MANAGER\n",
    "categories: [Security, Secrets]\n",
    "Schlagwörter: geheim, Rezept, Oma\n",
    "mots-clés : secret, recette\n",
    "trefwoorden: geheim, recept\n",
    # node properties and anchors
    "description: |\n  Secret rotation job\n  runs nightly\n",
    "description: >\n  SECRET_KEY rotation for the API\n",
    "name:\n  top secret santa\n",
    "banner: !!str welcome\n",
    "secret: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162636465\n",
    "password: !vault |\n          $ANSIBLE_VAULT;1.1;AES256\n          3966323\n",
    "defaults: &defaults\n  adapter: postgres\n  secret: changeme\n",
    "banner: &b Welcome to the intranet\n",
    "level: !!str secret\n",
    "mode: !Ref SecretArn\n",
    # flow mappings
    "{level: info, owner: ops}\n",
    "{banner: Welcome, owner: ops}\n",
    "{name: secret-volume, mountPath: /etc/secret}\n",
    "- {role: SECRET_READER, scope: vault}\n",
    # settings in small letters (red team 11)
    "security.level=restricted\nui.confidential.banner=false\n",
    "log_level: restricted\n",
]


@pytest.mark.parametrize("text", EVERYDAY)
@pytest.mark.parametrize("policy_name", ["default.yaml", "ministry-codewords.yaml"])
def test_everyday_forms_stay_unclassified(text: str, policy_name: str) -> None:
    assert_stays_unclassified(policy_name, text)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("security_classification: secret\n", "SECRET"),
        ("app.classification = restricted\n", "RESTRICTED"),
        ("security.classification: confidential\n", "CONFIDENTIAL"),
        ("doc.einstufung=geheim\n", "SECRET"),
    ],
)
def test_a_key_named_for_a_classification_is_a_field_in_any_case(text: str, level: str) -> None:
    # issue 9: a key named classification (and its national names) holds a marking; a
    # dotted or underscored path before that name does not make its value a setting
    decision = check_text(shipped_policy("default.yaml"), text)
    assert decision.level == level, (text, decision.findings)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("security.level=", "restricted", True),
        ("security_level: ", "top secret;", True),
        ("  app.niveau.securite=", "confidentiel", True),
        ("security.level=", "RESTRICTED", False),  # capitals: a marking
        ("classification=", "restricted", False),  # one word: a field
        ("security_classification: ", "secret", False),  # a classification's name: a field
        ("app.classification = ", "restricted", False),
        ("app.vs-einstufung: ", "geheim", False),
        ('"app.level": ', "restricted", False),  # quoted: JSON's
        ("security.level=", "\u1d04\u1d0f\u0274\ua730", False),  # small capitals
        ("security.level=", "secret 2", False),
    ],
)
def test_one_rule_says_what_a_setting_is(key: str, value: str, expected: bool) -> None:
    assert setting(key, value) is expected


def test_values_are_read_only_where_a_key_stands() -> None:
    # a colon mid-line is prose's; at a line's start, in a flow mapping, quoted, or "=": a key
    assert values("see the title: NATO SECRET plan") == []
    line = "description: NATO SECRET plan"
    assert (13, 24) in values(line)
    assert values("banner: &b NATO SECRET")[0] == (11, 22)
    line = '{"arguments": "{\\"title\\": \\"NATO SECRET plan\\"}"}'
    start = line.index("NATO")
    assert (start, start + len("NATO SECRET")) in values(line)
