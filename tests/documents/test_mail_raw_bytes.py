"""E-mail with raw 8-bit bytes (RFC 6532 mail, a client's "save as .eml", an mbox): every
marking of the default policy with a letter outside ASCII, in a header, a file name and a
body without a charset, read in UTF-8, Latin-1 and the part's charset; never a surrogate
escape in the text (red team 7)."""

from __future__ import annotations

import re

import pytest

from milai.config import default_policy_path
from milai.documents import read_document
from milai.policy import Policy, check_text, load_policy

_SURROGATE = re.compile("[\ud800-\udfff]")


def _accented_markings() -> list[tuple[str, str]]:
    policy = load_policy(default_policy_path())
    return sorted(
        {(m.text, m.level) for m in policy.spec.markings if not m.text.isascii() and not m.portion}
    )


MARKINGS = _accented_markings()


def _read(policy: Policy, data: bytes) -> tuple[str, str]:
    document = read_document(data, "raw.eml")
    assert document.format == "eml"
    assert not _SURROGATE.search(document.text)
    return check_text(policy, document.text).level, document.text


def test_the_default_policy_has_accented_markings() -> None:
    assert len(MARKINGS) >= 4  # the family below is not empty


@pytest.mark.parametrize(("marking", "level"), MARKINGS)
@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
def test_a_raw_subject_reads_its_marking(
    policy: Policy, marking: str, level: str, encoding: str
) -> None:
    data = b"From: x\nSubject: " + marking.encode(encoding) + b"\n\nbody\n"
    read, text = _read(policy, data)
    assert read == level
    assert f"Subject: {marking}" in text


@pytest.mark.parametrize(("marking", "level"), MARKINGS)
def test_a_raw_body_without_a_charset_reads_its_marking(
    policy: Policy, marking: str, level: str
) -> None:
    data = b"From: x\nSubject: notes\n\n" + marking.encode("latin-1") + b"\nbody\n"
    assert _read(policy, data)[0] == level


def test_a_raw_header_in_the_part_charset() -> None:
    # ISO-8859-2 (Polish): a header that is not UTF-8 is read in the charset the message
    # declares, when that charset reads ASCII as ASCII.
    subject = "Tajne: żółw"
    data = (
        b"From: x\nSubject: "
        + subject.encode("iso-8859-2")
        + b"\nContent-Type: text/plain; charset=iso-8859-2\n\nbody\n"
    )
    document = read_document(data, "pl.eml")
    assert f"Subject: {subject}" in document.text


def test_a_declared_charset_that_is_not_ascii_is_not_used_for_headers() -> None:
    data = "From: x\nSubject: TRÈS SECRET UE\nContent-Type: text/plain; charset=utf-16\n\n".encode(
        "latin-1"
    ) + "body".encode("utf-16")
    assert "Subject: TRÈS SECRET UE" in read_document(data, "m.eml").text


def test_raw_letters_beside_an_encoded_word(policy: Policy) -> None:
    data = "From: x\nSubject: TRÈS SECRET UE =?utf-8?q?re=C3=A7u?=\n\nbody\n".encode()
    read, text = _read(policy, data)
    assert read == "TOP SECRET"
    assert "Subject: TRÈS SECRET UE reçu" in text


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
def test_a_raw_attachment_name(policy: Policy, encoding: str) -> None:
    name = "[TRÈS SECRET UE] Übung.bin"
    data = (
        b"From: x\nSubject: annex\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/mixed; boundary=b\n\n--b\n"
        b"Content-Type: text/plain\n\nSee the annex.\n--b\n"
        b"Content-Type: application/octet-stream\n"
        b'Content-Disposition: attachment; filename="' + name.encode(encoding) + b'"\n\n'
        b"plain words\n--b--\n"
    )
    read, text = _read(policy, data)
    assert read == "TOP SECRET"
    assert name in text


def test_a_reader_never_hands_on_a_lone_surrogate() -> None:
    # A broken PDF font map decodes to one: no letter, and no writer could write it.
    from milai.documents._model import DocumentBuilder, Limits

    builder = DocumentBuilder("x.pdf", Limits())
    builder.add("page 1", "SECRET \udcc3 plan")
    assert builder.build("pdf").text == "SECRET \ufffd plan"
