"""A classification column stays read past a quoted delimiter or a ragged row, and its header
is found in accented or look-alike spelling (both read UNCLASSIFIED once)."""

from __future__ import annotations

import pytest

from milai.policy import Policy, check_text
from tests.levels import assert_targets_read
from tests.policy.families import banner_sample


def test_a_quoted_delimiter_does_not_end_the_table(default_policy: Policy) -> None:
    text = 'id,name,classification\n1,"Doe, J",SECRET\n2,foo,TOP SECRET\n'
    decision = check_text(default_policy, text)
    assert decision.level == "TOP SECRET"
    # each row's marking is found (the row's cell is also read as a CSV field: red team 10)
    rows = {text.count("\n", 0, f.start): f.level for f in decision.findings}
    assert rows == {1: "SECRET", 2: "TOP SECRET"}


def test_a_ragged_row_still_counts(default_policy: Policy) -> None:
    decision = check_text(default_policy, "id,classification\n1,x,y,SECRET\n")
    assert decision.level == "SECRET"


def test_headers_in_accented_or_look_alike_spelling(default_policy: Policy) -> None:
    for header in ("Niveau de sécurité", "Cl\u0430ssification", "EINSTUFUNG"):
        text = f"id;{header}\n1;SECRET\n"
        assert check_text(default_policy, text).level == "SECRET", header


def test_a_table_of_everyday_values_stays_unclassified(default_policy: Policy) -> None:
    text = 'id,classification\n1,"public, open"\n2,internal\n\nsome,text,here\n'
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


# Red team 14: a marking spelled one capital letter a cell across a row with other fields.
def _letter_row(marking: str, delimiter: str, blank: str) -> str:
    letters = delimiter.join(blank if ch == " " else ch for ch in marking)
    if len(marking) % 2:  # the letters last in the row too
        return f"2026-12-01{delimiter}jdoe{delimiter}{letters}\n"
    return f"2026-12-01{delimiter}{letters}{delimiter}jdoe{delimiter}ok\n"


@pytest.mark.parametrize(("delimiter", "blank"), [(",", ""), (",", " "), (";", " ")])
def test_every_banner_spelled_a_letter_a_field_in_a_row_reads(delimiter: str, blank: str) -> None:
    chosen = [t for t in banner_sample(f"letter-row:{delimiter}:{blank}") if t.text.isupper()]
    assert_targets_read(chosen, lambda t: _letter_row(t.text, delimiter, blank))


@pytest.mark.parametrize(
    "text",
    [
        "size,S,M,L,XL,XXL\n",
        "question,A,B,C,D,answer\n",
        "2026-12-01,s,e,c,r,e,t,jdoe\n",  # small letters: a unit counts in capitals
        "We need a, b, c and d, then e.\n",
        "grade,A,A,B,C,F,note\n",
    ],
)
def test_rows_of_everyday_letters_stay_unclassified(text: str, default_policy: Policy) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"
