"""The Netherlands' markings as Council Decision 2013/488/EU, Appendix B prints them (the
table default.yaml's scale follows): ``Stg. ZEER GEHEIM``, ``Stg. GEHEIM``, ``Stg.
CONFIDENTIEEL``, ``Dep. VERTROUWELIJK`` (red team 7: ``Stg. GEHEIM`` read UNCLASSIFIED,
its ``.`` before a blank taken for a sentence's end). A policy line, not code: Appendix B
gives ``Dep. VERTROUWELIJK`` a level of its own (RESTRICTED, where BE's VERTROUWELIJK alone
is CONFIDENTIAL) and ``CONFIDENTIEEL`` is in no other scheme. The abbreviation is part of
the marking, so its full stop is inside the marking's body and ends nothing; in a cell, the
abbreviation's title case tells nothing (the rest must be in capitals, as any marking's).
Every family on these markings: test_policy_families.py (the NL scheme).
"""

from __future__ import annotations

import pytest

from milai.policy import Policy, check_text


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Stg. GEHEIM\n\nMinisterie van Defensie\nDe eenheid vertrekt dinsdag.\n", "SECRET"),
        ("Stg. ZEER GEHEIM\n\nDe eenheid vertrekt dinsdag.\n", "TOP SECRET"),
        ("Stg. CONFIDENTIEEL\n", "CONFIDENTIAL"),
        ("Dep. VERTROUWELIJK\n", "RESTRICTED"),
        ("STG. GEHEIM\n", "SECRET"),
        ("Stg GEHEIM\n", "SECRET"),
        ("Rubricering: Stg. CONFIDENTIEEL\n", "CONFIDENTIAL"),
        ("| Rubricering | Stg. CONFIDENTIEEL |\n", "CONFIDENTIAL"),
        ("<td>Stg. CONFIDENTIEEL</td>\n", "CONFIDENTIAL"),
        ("Lagebericht - Stg. CONFIDENTIEEL\n", "CONFIDENTIAL"),
        ("Verslag \u2014 Dep. VERTROUWELIJK\n", "RESTRICTED"),
        ("Pagina 2 van 4    Stg. CONFIDENTIEEL\n", "CONFIDENTIAL"),
        # the Belgian words alone read as before
        ("GEHEIM\n", "SECRET"),
        ("VERTROUWELIJK\n", "CONFIDENTIAL"),
    ],
)
def test_dutch_markings_read(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, text).level == level


@pytest.mark.parametrize(
    "text",
    [
        "De stg. confidentieel is een stichting.\n",
        "Zie art. 3. Confidentieel is het niet.\n",
        "| Rubricering | Stg. Confidentieel |\n",  # prose case in a cell
        "Confidentieel\nDeze e-mail is uitsluitend bestemd voor de geadresseerde.\n",
        "Het dep. vertrouwelijk behandelen, aub.\n",
        "Stichting (Stg.) Confidentieel Advies, Utrecht\n",
    ],
)
def test_everyday_dutch_stays_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"
