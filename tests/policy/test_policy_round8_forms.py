"""Red team round 8's in-scope findings (issue 9): a path whose last part is a level word
in lower case (a false raise), a State Department cable's letter-spaced first line, Word's
cell mark BEL between a label and its value, and a country's code before a marking. Each
new family streams as it reads whole; the everyday forms of the same syntax stay
UNCLASSIFIED. Whole-text accuracy, alone and in pairs, is in test_policy_families.py.
"""

from __future__ import annotations

import pytest

from milai.policy import Policy, check_text


@pytest.mark.parametrize(
    "text",
    [
        # a level word in lower case as a path's last part: web-server configs, shells
        "<Directory /var/www/secret>\n",
        "<Location /restricted>\n",
        "<Location /secret>\n    Require valid-user\n</Location>\n",
        "cd /var/www/secret\n",
        "ls /srv/secret\n",
        "ls -la /home/anna/confidential\n",
        "rsync -a build/ /srv/restricted\n",
        "GET /api/v1/restricted HTTP/1.1\n",
        "See https://example.com/docs/secret\n",
        "https://intranet.example.org/confidential\n",
        "cd C:\\Users\\anna\\secret\n",
        "dir D:\\shares\\restricted\n",
        "path: /etc/confidential\n",
        "DocumentRoot /var/www/secret\n",
    ],
)
def test_round8_everyday_text_stays_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # capitals are evidence, in a path too; slashes as a banner's or a portion's furniture
        ("ls /srv/SECRET\n", "SECRET"),
        ("/NATO SECRET/\n", "SECRET"),
        ("//SECRET\n", "SECRET"),
        ("SECRET//NOFORN\n", "SECRET"),
        ("//COSMIC TOP SECRET\n", "TOP SECRET"),
        ("/RESTRICTED/\n", "RESTRICTED"),
    ],
)
def test_round8_markings_still_read(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, text).level == level
