"""Check-digit validators against published vectors and constructed examples."""

from __future__ import annotations

import pytest

from milai.policy.validators import (
    email,
    iban,
    lu_matricule,
    luhn,
    luhn_check_digit,
    phone_lu,
    verhoeff_check_digit,
)


def test_luhn_reference_vector() -> None:
    assert luhn_check_digit("7992739871") == 3  # the classic worked example
    assert luhn("4539 1488 0343 6467")  # a published test card number
    assert not luhn("4539 1488 0343 6468")
    assert not luhn("79927398713")  # too short for a card


@pytest.mark.parametrize(("payload", "digit"), [("236", 3), ("12345", 1), ("142857", 0)])
def test_verhoeff_reference_vectors(payload: str, digit: int) -> None:
    assert verhoeff_check_digit(payload) == digit


def test_matricule_constructed_example() -> None:
    # Born 15 March 1985, serial 123: Luhn over the 11 digits gives 7, Verhoeff gives 1.
    payload = "19850315123"
    assert (luhn_check_digit(payload), verhoeff_check_digit(payload)) == (7, 1)
    assert lu_matricule("1985031512371")
    assert lu_matricule("1985 0315 123 71")
    assert not lu_matricule("1985031512372")  # Verhoeff digit wrong
    assert not lu_matricule("1985031512361")  # Luhn digit wrong
    assert not lu_matricule("1985133112371")  # month 13


def test_iban() -> None:
    assert iban("lu28 0019 4006 4475 0000")
    assert iban("de89370400440532013000")
    assert not iban("lu28 0019 4006 4475 0001")
    assert not iban("lu28 0019 4006 4475 000")  # LU IBANs have 20 characters


def test_email_and_phone() -> None:
    assert email("jean.dupont@etat.lu")
    assert not email("jean..dupont@etat.lu")
    assert not email("jean@localhost")
    assert phone_lu("+352 621 123 456")
    assert phone_lu("00352 26 12 34 56")
    assert not phone_lu("+352 12")


def test_first_chars_of_detector_patterns() -> None:
    from milai.policy.regexcheck import first_chars

    assert first_chars(r"[12](?<![0-9a-z.][12])\d{3}") == "12"
    assert first_chars(r"[0-2]x") == "012"
    assert first_chars(r"[12]x|3y") is None  # an alternation: left to ``re``
    assert first_chars(r"lu\d{2}") is None  # one literal: ``re`` finds it fast itself
    assert first_chars(r"[a-z0-9]{1,64}@") is None  # too many
    assert first_chars(r"[^12]x") is None
    assert first_chars(r"[12]?x") is None  # may start elsewhere
    assert first_chars(r"(?i)[ab]c") is None
