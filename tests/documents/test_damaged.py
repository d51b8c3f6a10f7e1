"""Damaged documents (random bytes changed, cut or inserted in every example format) are
read or refused with a ``DocumentError``: never another exception."""

from __future__ import annotations

import random

import pytest

from milai.documents import DocumentError, read_document
from tests.documents.examples import examples

MUTANTS_PER_FORMAT = 60


def mutate(data: bytes, rng: random.Random) -> bytes:
    damaged = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        at = rng.randrange(len(damaged))
        roll = rng.random()
        if roll < 0.5:
            damaged[at] = rng.randrange(256)
        elif roll < 0.75:
            del damaged[at : at + rng.randint(1, 64)]
        else:
            damaged[at:at] = rng.randbytes(rng.randint(1, 16))
    return bytes(damaged)


@pytest.mark.parametrize("name", sorted(examples()))
def test_damaged_documents_are_read_or_refused(name: str) -> None:
    rng = random.Random(name)
    original = examples()[name]
    for _ in range(MUTANTS_PER_FORMAT):
        damaged = mutate(original, rng)
        try:
            document = read_document(damaged, name)
        except DocumentError as error:
            assert error.message and "\n" not in error.message
        else:
            assert all(0 <= p.start <= p.end <= len(document.text) for p in document.parts)


def test_encoded_words_in_headers_are_decoded() -> None:
    message = (
        b"From: a@example.lu\r\nTo: b@example.lu\r\n"
        b"Subject: =?utf-8?q?SECRET?= plans\r\n\r\nBody.\r\n"
    )
    document = read_document(message, "m.eml")
    assert "Subject: SECRET plans" in document.text
