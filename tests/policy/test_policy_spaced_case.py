"""Letters written one by one keep their case (red team 7's false raise: ``od -c`` of
``secret=42`` read SECRET). Spacing letters out hides a marking from a search; it does not
change its case: ``s e c r e t`` is lower case, read as ``secret`` is (a key, a word of
prose), and tools print text letter by letter in the text's own case (``od -c``,
``hexdump -c``). A spaced-out banner is in capitals or in odd case, as evasion writes it.
"""

from __future__ import annotations

import pytest

from milai.policy import Policy, check_text
from tests.policy.test_policy_stream_properties import assert_family_streams


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("0000000   N   A   T   O       S   E   C   R   E   T  \\n\n0000014\n", "SECRET"),
        ("0000000   s   E   c   R   e   T       u   E  \\n\n", "SECRET"),
        ("S E C R E T   t h e   p l a n\n", "SECRET"),
        ("s E c R e T   t h e   p l a n\n", "SECRET"),
        ("T.O.P  S.E.C.R.E.T  t.h.e  p.l.a.n\n", "TOP SECRET"),
        ("| S E C R E T | Convoy |\n", "SECRET"),
        ("V S - N f D\n", "RESTRICTED"),
        # a lower-case line alone is a banner written so, spaced out or not
        ("secret\n", "SECRET"),
        ("s e c r e t\n", "SECRET"),
    ],
)
def test_spaced_markings_in_capitals_or_odd_case_read(
    default_policy: Policy, text: str, level: str
) -> None:
    assert check_text(default_policy, text).level == level


@pytest.mark.parametrize(
    "text",
    [
        "0000000   s   e   c   r   e   t   =   4   2  \\n\n0000012\n",
        "0000000   s   e   c   r   e   t\n",
        "0000000   t   o   p       s   e   c   r   e   t       r   e   c   i   p   e  \\n\n",
        "0000000   r   e   s   t   r   i   c   t   e   d   :       y   e   s  \\n\n",
        "00000000  s   e   c   r   e   t   _   k   e   y   =   x  \\n\n",
        "s e c r e t = 4 2\n",
        "s e c r e t   t h e   p l a n\n",
        "S e c r e t   S a n t a   p a r t y\n",
        "| s e c r e t | x |\n",
    ],
)
def test_lower_case_letters_one_by_one_stay_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


def test_spaced_lines_stream_as_they_read_whole() -> None:
    assert_family_streams("spaced-line", 8)
