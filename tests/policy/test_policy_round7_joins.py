"""Red team round 7's strings that a program builds or escapes (issue 9): the joins that
programs write (SQL's ``CONCAT(…)`` and ``||``, JavaScript's ``[…].join("")`` and
``.concat(…)``, Python's ``"".join([…])``, PHP's and Lua's ``.``/``..``), the values SQL
statements give (``COMMENT ON TABLE docs IS '…'``, ``DEFAULT '…'``), PostgreSQL's Unicode
escapes (``U&'\\0053…'``, ``UESCAPE '!'``) and IIS's ``%u0053`` escapes. Families
``string-joins``, ``sql-literals``, ``percent-u`` (every marking, alone and in pairs:
test_policy_families.py); each streams as it reads whole; the everyday forms of the same
syntax stay UNCLASSIFIED.
"""

from __future__ import annotations

import pytest

from milai.policy import Policy, check_text
from milai.policy._joined import joined_strings
from tests.policy.test_policy_stream_properties import assert_family_streams

MINE = ("string-joins", "sql-literals", "percent-u")


@pytest.mark.parametrize("family", MINE)
def test_a_family_streams_as_it_reads_whole(family: str) -> None:
    assert_family_streams(family, 12)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # joins
        ("SELECT CONCAT('NATO ', 'SEC', 'RET') AS banner;\n", "SECRET"),
        ("SELECT concat(\n    'COSMIC TOP ',\n    'SECRET'\n);\n", "TOP SECRET"),
        ("SELECT 'NATO ' || 'SECRET';\n", "SECRET"),
        ("SELECT 'SECRET' ||\n       ' UE';\n", "SECRET"),
        ('const b = ["N","A","T","O"," ","S","E","C","R","E","T"].join("");\n', "SECRET"),
        ('const b = [\n  "NATO SEC",\n  "RET",\n].join("");\n', "SECRET"),
        ('const b = ["NATO", "SECRET"].join(" ");\n', "SECRET"),
        ('const b = "SEC".concat("RET");\n', "SECRET"),
        ('const b = "NATO".concat(" SEC").concat("RET");\n', "SECRET"),
        ('const b = "".concat("NATO SEC", "RET");\n', "SECRET"),
        ('banner = "".join(["NATO SEC", "RET"])\n', "SECRET"),
        ('banner = " ".join(("COSMIC", "TOP", "SECRET"))\n', "TOP SECRET"),
        ("$banner = 'NATO SEC' . 'RET';\n", "SECRET"),
        ('local banner = "NATO SEC" .. "RET"\n', "SECRET"),
        # values SQL statements give
        ("COMMENT ON TABLE docs IS 'NATO SECRET';\n", "SECRET"),
        ("comment on column public.docs.banner is 'SECRET UE';\n", "SECRET"),
        ("CREATE TABLE docs (id INT, body TEXT COMMENT 'NATO SECRET');\n", "SECRET"),
        ("ALTER TABLE docs ALTER COLUMN c SET DEFAULT 'CONFIDENTIEL DÉFENSE';\n", "CONFIDENTIAL"),
        # PostgreSQL's Unicode escapes
        ("INSERT INTO docs VALUES ('Plan', U&'NATO \\0053ECRET');\n", "SECRET"),
        ("SELECT U&'\\004E\\0041\\0054\\004F \\0053\\0045\\0043\\0052\\0045\\0054';\n", "SECRET"),
        ("SELECT U&'!004EATO SEC!+000052ET' UESCAPE '!';\n", "SECRET"),
        ("SELECT u&'TR\\00C8S SECRET UE';\n", "TOP SECRET"),
        # IIS's %u escapes
        ("%u004E%u0041%u0054%u004F%u0020%u0053%u0045%u0043%u0052%u0045%u0054\n", "SECRET"),
        ("GET /search?q=%u0053ECRET%u0020UE HTTP/1.1\n", "SECRET"),
        ("%uD835%uDC12%uD835%uDC04CRET\n", "SECRET"),  # mathematical bold S, E
    ],
)
def test_round7_joins_and_escapes(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, text).level == level


@pytest.mark.parametrize(
    "text",
    [
        # a list of strings joins nothing; a join with another glue joins with it
        'tags = ["NATO", "summit"]\n',
        'parts = ["Secret", "Santa"]\n',
        "SELECT a, b FROM t WHERE x IN ('SEC', 'RET');\n",
        'msg = ", ".join(["top", "secret"])\n',
        'const slug = ["top", "secret", "recipes"].join("-");\n',
        'const b = ["Secret", "Garden"].join();\n',
        # joins of everyday text
        "SELECT CONCAT(first_name, ' ', last_name) FROM staff;\n",
        "SELECT 'Secret' || ' Santa';\n",
        'const b = "secret".concat("ary");\n',
        '$msg = "The password is " . "secret";\n',
        # SQL statements with everyday strings
        "COMMENT ON TABLE staff IS 'Secret Santa draw, 2024';\n",
        "COMMENT ON COLUMN users.secret IS 'hashed secret, never logged';\n",
        "ALTER TABLE t ALTER COLUMN kind SET DEFAULT 'restricted';\n",
        "CREATE TABLE t (id INT COMMENT 'restricted to admins');\n",
        "SELECT U&'d\\0061t\\+000061';\n",
        "SELECT U&'Secret \\0053anta';\n",
        # printf's %u and escape() of everyday text
        'printf("%u0%u", a, b);\n',
        "%u0048%u0065llo%u0020world\n",
        # prose with quotes after "is"
        "The label is 'NATO summit' on every page.\n",
        "It's 'secret' he said, it's not.\n",
    ],
)
def test_everyday_joins_and_escapes_stay_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


def test_a_comma_joins_only_inside_a_join() -> None:
    """The same two literals: inside CONCAT they are one string, in a list two."""
    assert [j.text for j in joined_strings("CONCAT('NATO SEC', 'RET')")] == ["NATO SECRET"]
    assert [j.text for j in joined_strings("('NATO SEC', 'RET')")] == []
    assert [j.text for j in joined_strings('["NATO", "SECRET"].join(" ")')] == ["NATO SECRET"]
    assert [j.text for j in joined_strings('["NATO", "SECRET"].join(", ")')] == ["NATO, SECRET"]
