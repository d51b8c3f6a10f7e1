"""Bytes that read two ways, and document properties, as generator families: every banner
marking of both shipped policies (the fast line: a sample, tests/scale.py), written so that
some reader shows it; the gate must read each document at least at the marking's level
(issue 9, red team 2).

* byte-order marks: a UTF-16/32 mark in front of UTF-8 text (a UTF-16 reader shows CJK, a
  UTF-8 reader the marking), UTF-16 without a mark;
* e-mail bodies whose declared charset reads UTF-8 bytes as something else;
* document properties (docx core and custom, ODT user-defined, PDF information).
"""

from __future__ import annotations

import codecs
import random
from collections.abc import Callable

import pytest

from milai.documents import DocumentError, read_document
from milai.policy import Policy, check_text
from tests.documents.builders import Docx, Odt, pdf_bytes
from tests.levels import assert_targets_read
from tests.policy.families import BODY, Target, banner_sample


def _text(target: Target, rng: random.Random) -> str:
    return f"{target.text}\n{rng.choice(BODY)}\n" + ("x\n" if rng.random() < 0.5 else "")


def _mail(charset: str) -> Callable[[Target, random.Random], bytes]:
    def make(target: Target, rng: random.Random) -> bytes:
        head = (
            "From: a@example.lu\nTo: b@example.lu\nSubject: report\nMIME-Version: 1.0\n"
            f"Content-Type: text/plain; charset={charset}\n\n"
        )
        return head.encode() + _text(target, rng).encode()

    return make


def _value(name: str, target: Target, rng: random.Random) -> dict[str, str]:
    """A property ``name`` that holds the marking: alone, or in a list of keywords."""
    if name.lower().endswith(("keywords", "tags", "category")) and rng.random() < 0.7:
        items = [target.text, rng.choice(["convoy", "plan", "draft"])]
        rng.shuffle(items)
        return {name: rng.choice(["; ", ", "]).join(items)}
    return {name: target.text}


_CORE = ["dc:title", "dc:subject", "cp:keywords", "dc:description", "cp:category"]

BYTE_FAMILIES: dict[str, Callable[[Target, random.Random], bytes]] = {
    "bom-utf16be-over-utf8": lambda t, r: codecs.BOM_UTF16_BE + _text(t, r).encode(),
    "bom-utf16le-over-utf8": lambda t, r: codecs.BOM_UTF16_LE + _text(t, r).encode(),
    "bom-utf32le-over-utf8": lambda t, r: codecs.BOM_UTF32_LE + _text(t, r).encode(),
    "utf16-with-bom": lambda t, r: _text(t, r).encode("utf-16"),
    "utf16le-without-bom": lambda t, r: _text(t, r).encode("utf-16-le"),
    "utf16be-without-bom": lambda t, r: _text(t, r).encode("utf-16-be"),
    "mail-charset-utf16": _mail("utf-16"),
    "mail-charset-utf32": _mail("utf-32"),
    "mail-charset-ebcdic": _mail("cp500"),
    "docx-core-property": lambda t, r: Docx(
        body=BODY[:2], core=_value(r.choice(_CORE), t, r)
    ).build(),
    "docx-custom-property": lambda t, r: Docx(
        body=BODY[:2], custom=_value(r.choice(["Project", "Tags", "Note"]), t, r)
    ).build(),
    "odt-user-defined": lambda t, r: Odt(
        body=BODY[:2], user_defined=_value(r.choice(["Tags", "Note"]), t, r)
    ).build(),
    "pdf-information": lambda t, r: pdf_bytes(
        [BODY[:1]], info=_value(r.choice(["Title", "Subject", "Keywords"]), t, r)
    ),
}


@pytest.mark.parametrize("family", sorted(BYTE_FAMILIES))
def test_every_banner_is_read_whatever_the_bytes_say(family: str) -> None:
    def text(target: Target) -> str:
        data = BYTE_FAMILIES[family](target, random.Random(f"{family}:{target.id}"))
        return read_document(data, "probe").text

    # every banner in CI (tests/scale.py); the fast line 16, a banner of each scheme among them
    assert_targets_read(banner_sample(f"bytes:{family}"), text)


def _level_parts(policy: Policy, data: bytes) -> tuple[str, set[str]]:
    document = read_document(data, "probe")
    decision = check_text(policy, document.text)
    top = {document.part_at(f.start) for f in decision.findings if f.level == decision.level}
    return decision.level, top


def test_the_other_reading_is_named_in_the_findings(policy: Policy) -> None:
    data = codecs.BOM_UTF16_BE + b"NATO SECRET\nThe convoy leaves at dawn.\n"
    assert _level_parts(policy, data) == ("SECRET", {"as UTF-8"})
    mail = _mail("utf-16")(Target("default.yaml", "NATO SECRET", "SECRET", False), random.Random())
    assert _level_parts(policy, mail) == ("SECRET", {"body as UTF-8"})
    props = Docx(body=BODY[:1], core={"cp:keywords": "NATO SECRET"}).build()
    # ``keywords: NATO SECRET`` in the metadata part is a labelled marking too
    assert _level_parts(policy, props) == ("SECRET", {"properties", "metadata"})


def test_a_utf16_file_reads_once_and_plain(policy: Policy) -> None:
    """A genuine UTF-16 file: its UTF-8 reading (the text with NULs between letters) adds
    nothing, so no second part and no hidden-characters warning."""
    for text in ("NATO SECRET\nThe convoy.\n", "Réunion mardi — «salle 3».\n", "会议在周二。\n"):
        for codec in ("utf-16", "utf-32"):
            document = read_document(text.encode(codec), "w.txt")
            assert [p.name for p in document.parts] == ["body"], (text, codec)
            assert document.text == text.strip("\n")
            assert check_text(policy, document.text).action == "allow"


def test_a_utf16_mail_body_reads_once() -> None:
    body = "Réunion mardi — salle 3.\n".encode("utf-16")
    head = b"From: a@example.lu\nTo: b@example.lu\nSubject: r\nMIME-Version: 1.0\n"
    mail = head + b"Content-Type: text/plain; charset=utf-16\nContent-Transfer-Encoding: 8bit\n\n"
    document = read_document(mail + body, "m.eml")
    assert [p.name for p in document.parts] == ["header", "body"]


def test_bytes_no_reading_decodes_are_refused() -> None:
    # an odd-length UTF-16 text after its mark that is not UTF-8 either
    with pytest.raises(DocumentError, match="not valid UTF-16"):
        read_document(codecs.BOM_UTF16_LE + "Ré".encode("utf-16-le") + b"\xff", "bad.txt")


def test_a_text_that_is_only_utf8_after_the_mark_is_read_as_utf8(policy: Policy) -> None:
    data = codecs.BOM_UTF16_LE + b"NATO SECRET\nodd\n"  # odd length: no UTF-16 reading
    assert _level_parts(policy, data) == ("SECRET", {"as UTF-8"})
