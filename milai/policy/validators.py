"""Named validators that confirm a regular-expression match (check digits, structure).

A validator receives the matched text from the text view (lower case, NFKC) and says
whether it is really what the detector looks for; a failed check is not a finding.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# IBAN lengths for the countries milai's users deal with most; any other country code
# is accepted at 15 to 34 characters (ISO 13616), the check digits decide.
_IBAN_LENGTHS = {
    "lu": 20,
    "be": 16,
    "de": 22,
    "fr": 27,
    "nl": 18,
    "at": 20,
    "ch": 21,
    "it": 27,
    "es": 24,
    "pt": 25,
    "gb": 22,
    "ie": 22,
    "dk": 18,
    "se": 24,
    "pl": 28,
    "cz": 24,
}


def iban(text: str) -> bool:
    """ISO 13616 IBAN: known length for the country and mod-97 check digits equal to 1."""
    compact = re.sub(r"[\s.\-]", "", text).lower()
    if not re.fullmatch(r"[a-z]{2}\d{2}[a-z0-9]{11,30}", compact):
        return False
    expected = _IBAN_LENGTHS.get(compact[:2])
    if expected is not None and len(compact) != expected:
        return False
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


def luhn_check_digit(payload: str) -> int:
    """The digit that, appended to ``payload``, makes it pass the Luhn check."""
    total = 0
    for index, ch in enumerate(reversed(payload)):
        value = int(ch)
        if index % 2 == 0:  # doubled: these are the odd positions once the digit is added
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)
_VERHOEFF_INV = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)


def verhoeff_check_digit(payload: str) -> int:
    """The Verhoeff check digit of ``payload`` (dihedral group D5)."""
    check = 0
    for index, ch in enumerate(reversed(payload)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[(index + 1) % 8][int(ch)]]
    return _VERHOEFF_INV[check]


def lu_matricule(text: str) -> bool:
    """Luxembourg national identification number (matricule), 13 digits.

    YYYYMMDD, three serial digits, then a Luhn check digit and a Verhoeff check digit,
    both computed over the first eleven digits.
    """
    digits = re.sub(r"[\s.\-]", "", text)
    if not re.fullmatch(r"\d{13}", digits):
        return False
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:8])
    if not (1850 <= year <= 2199 and 1 <= month <= 12 and 1 <= day <= 31):
        return False
    payload = digits[:11]
    return int(digits[11]) == luhn_check_digit(payload) and int(digits[12]) == verhoeff_check_digit(
        payload
    )


def email(text: str) -> bool:
    """An address whose local part and domain are well formed (RFC 5321 sizes)."""
    local, _, domain = text.rpartition("@")
    if not local or len(local) > 64 or local.startswith(".") or local.endswith("."):
        return False
    if ".." in local or len(domain) > 253:
        return False
    labels = domain.split(".")
    if len(labels) < 2 or not re.fullmatch(r"[a-z]{2,24}", labels[-1]):
        return False
    return all(re.fullmatch(r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?", label) for label in labels)


def phone_lu(text: str) -> bool:
    """A Luxembourg number after +352 or 00352: 6 to 11 digits."""
    digits = re.sub(r"\D", "", text)
    if digits.startswith("00352"):
        national = digits[5:]
    elif digits.startswith("352"):
        national = digits[3:]
    else:
        return False
    return 6 <= len(national) <= 11


def luhn(text: str) -> bool:
    """Any digit string (12 to 19 digits, e.g. a card number) that passes the Luhn check."""
    digits = re.sub(r"[\s.\-]", "", text)
    if not re.fullmatch(r"\d{12,19}", digits):
        return False
    return int(digits[-1]) == luhn_check_digit(digits[:-1])


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "iban": iban,
    "lu-matricule": lu_matricule,
    "email": email,
    "phone-lu": phone_lu,
    "luhn": luhn,
}
