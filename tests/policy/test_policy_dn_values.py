"""A marking as an attribute's value in an X.500 / LDAP distinguished name (red team 7:
LDIF's ``dn: cn=plan,ou=NATO SECRET,dc=example,dc=mil`` read UNCLASSIFIED). Each value of
a name of two attributes or more is a cell, read in capitals as any cell: everyday names
(``ou=Secret Service``, ``cn=Secretariat``, ``ou=Restricted Devices``) stay UNCLASSIFIED.
Family ``dn-value`` (every marking, alone and in pairs: test_policy_families.py).
"""

from __future__ import annotations

import pytest

from milai.policy import Policy, check_text
from tests.policy.test_policy_stream_properties import assert_family_streams


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("dn: cn=plan,ou=NATO SECRET,dc=example,dc=mil\nobjectClass: document\n", "SECRET"),
        ("dn: ou=SECRET UE,o=Council,c=BE\n", "SECRET"),
        ("dn: uid=jm+ou=COSMIC TOP SECRET,dc=nato,dc=int\n", "TOP SECRET"),
        ("Subject: C=BE, O=Council, OU=CONFIDENTIEL UE, CN=Jean Muller\n", "CONFIDENTIAL"),
        ("memberOf: CN=RESTREINT LUX,OU=Groups,DC=corp,DC=local\n", "RESTRICTED"),
        ("dn: cn=plan,ou=TR\u00c8S SECRET UE\\, ANNEX,dc=example\n", "TOP SECRET"),
    ],
)
def test_a_marking_in_a_distinguished_name_reads(
    default_policy: Policy, text: str, level: str
) -> None:
    assert check_text(default_policy, text).level == level


@pytest.mark.parametrize(
    "text",
    [
        "dn: cn=printer,ou=Restricted Devices,dc=example,dc=com\nobjectClass: device\n",
        "dn: cn=Secretariat,ou=Secret Service,o=Gov\n",
        "dn: cn=Top Secret Readers,ou=Groups,dc=corp,dc=local\n",
        "dn: uid=jm,ou=people,dc=example,dc=com\n",
        "Subject: C=US, O=Let's Encrypt, CN=R3\n",
        "memberOf: CN=Domain Admins,OU=Restricted,DC=corp,DC=local\n",
        "f(a=1,b=SECRET_KEY)\n",
        "ldapsearch -b 'ou=secret,dc=example,dc=com' '(uid=jm)'\n",
    ],
)
def test_everyday_distinguished_names_stay_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


def test_distinguished_names_stream_as_they_read_whole() -> None:
    assert_family_streams("dn-value", 8)
