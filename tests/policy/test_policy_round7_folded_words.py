"""Red team round 7: a mail header in text (a model's answer, a pasted or forwarded mail)
folded between two RFC 2047 encoded words. RFC 2047 drops the fold as it drops the blanks
between two words on a line; `milai run` released such a subject whole, streamed and held.
The family ``rfc2047-folded`` (every marking of both shipped policies, alone and in pairs)
reads whole and streams as it reads whole; real folded subjects stay UNCLASSIFIED."""

from __future__ import annotations

import pytest

from milai.policy import Policy, check_text
from tests.levels import reads_at_least
from tests.policy.families import family_cases, known_miss, shipped_policy
from tests.policy.test_policy_stream_properties import (
    _assert_stream_properties,
    assert_family_streams,
)
from tests.scale import sample

RED_TEAM = [
    "Here is the mail:\nSubject: =?utf-8?Q?NATO_SEC?=\n =?utf-8?Q?RET?=\n",
    "Here is the mail:\nSubject: =?utf-8?B?TkFUTyBTRUM=?=\n =?utf-8?B?UkVU?=\n",
    "Subject: =?utf-8?Q?NATO_SEC?=\n =?utf-8?Q?RET?=\nFrom: ops@example.mil\n\nThe convoy.\n",
]

EVERYDAY = [
    "Subject: =?utf-8?Q?Re=3A_Minutes_of_the_budget_meeting_held_on?=\n"
    " =?utf-8?Q?_Tuesday_afternoon?=\nFrom: anna@example.org\n\nSee you.\n",
    "Betreff: =?iso-8859-1?Q?Einladung_zur_=DCbung_am_Montag_in_der_Kaserne?=\n"
    "\t=?iso-8859-1?Q?_Diekirch?=\n",
    "Objet : =?utf-8?B?UsOpdW5pb24gZGUgY29vcmRpbmF0aW9uIGR1IHNlY3LDqXRhcmlhdA==?=\n"
    " =?utf-8?B?IGfDqW7DqXJhbA==?=\n",
    "Subject: =?utf-8?Q?Your_secret_Santa_draw_is_ready?=\n =?utf-8?Q?_-_open_it_now?=\n",
]


@pytest.mark.parametrize("text", RED_TEAM)
def test_the_red_team_subject_reads_secret(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "SECRET"


@pytest.mark.parametrize("text", EVERYDAY)
def test_a_real_folded_subject_stays_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


def test_the_family_reads_every_marking_alone_and_in_pairs() -> None:
    cases = sample(family_cases("rfc2047-folded"), 20, seed="rfc2047-folded")  # all in CI
    missed = []
    for case in cases:
        if known_miss(case.families):
            continue  # the documented misses (KNOWN_MISSES)
        policy = shipped_policy(case.target.policy)
        if not reads_at_least(policy, case.text, case.target.level):
            missed.append(f"{case.id}: {case.text[:160]!r}")
    assert not missed, "\n".join(missed[:10])


def test_the_family_streams_as_it_reads_whole() -> None:
    assert_family_streams("rfc2047-folded", 12)


@pytest.mark.parametrize("text", RED_TEAM[:1] + EVERYDAY[:1])
def test_every_single_cut(default_policy: Policy, text: str) -> None:
    for cut in sample(range(1, len(text)), 6, seed=text):  # every cut in CI
        _assert_stream_properties(default_policy, text, [text[:cut], text[cut:]])
    _assert_stream_properties(default_policy, text, list(text))
