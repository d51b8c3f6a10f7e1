"""A classification column stays read past a quoted delimiter or a ragged row, and its header
is found in accented or look-alike spelling (both read UNCLASSIFIED once)."""

from __future__ import annotations

from milai.policy import Policy, check_text


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
