"""A Caesar shift over another spelling (issue 9, the exhaustive pair run): look-alikes,
leetspeak, letters spaced out, odd case or a comment inside the word, with the ASCII
letters shifted and the rest as written (``ᔕVᑕIᗴᖶ``, ``$KIX37``, ``Z*L*J*Y*L*A``,
``gThIgXrItS``, ``AM<!-- f -->KZMB``). Every marking of both shipped policies in each such
pair; the pairs stream as they read whole; everyday text with the same evidence (part
numbers, identifiers in camel case, initials, HTML comments, capitals in other scripts)
stays UNCLASSIFIED.
"""

from __future__ import annotations

import pytest

from milai.policy import Policy, check_text
from milai.policy._composed import MIN_AGREEING, ComposedShifts
from milai.policy._transforms import shift_back_table
from milai.policy.decoders import one_byte
from tests.levels import reads_at_least
from tests.policy.families import _LEET, Case, known_miss, pair_cases, shipped_policy
from tests.policy.test_policy_stream_properties import (
    _assert_stream_properties,
    assert_family_streams,
)
from tests.scale import sample

# The pairs this reading reads on every marking (the others are KNOWN_MISSES, with why).
READ = (
    "separators",
    "odd-case",
    "leetspeak",
    "indic-o",
    "cyrillic",
    "faux-cyrillic",
    "faux-greek",
    "mixed-scripts",
    "spaced-line",
    "comment-inside",
)


def _leet_may_leave_one_letter(case: Case) -> bool:
    """Whether leetspeak may leave the marking fewer ASCII letters than a shift is read
    from (README: two or more agree on it): ``ATOMAL`` keeps only its M when every other
    letter is drawn as a digit (``470M41``, shifted ``470W41``). Such a draw is outside
    what the reader promises; a marking with two letters leetspeak never replaces is not."""
    if "leetspeak" not in case.families:
        return False
    kept = [ch for ch in case.target.text.upper() if ch.isascii() and ch.isalpha()]
    return sum(ch not in _LEET for ch in kept) < MIN_AGREEING


@pytest.mark.parametrize("other", READ)
def test_a_shift_over_another_spelling_on_every_marking(other: str) -> None:
    cases = pair_cases(0, per_pair=None, only={(other, "caesar"), ("caesar", other)})
    assert cases
    assert known_miss(cases[0].families) is None
    outside = [case for case in cases if _leet_may_leave_one_letter(case)]
    assert len(outside) <= 2, [case.id for case in outside]  # ATOMAL alone, not a family
    cases = [case for case in cases if case not in outside]
    missed = []
    # every marking in CI (tests/scale.py); 12 in the fast line, each policy and kind among them
    for case in sample(cases, 12, seed=f"caesar+{other}", cover=lambda c: [c.target.kind]):
        policy = shipped_policy(case.target.policy)
        if not reads_at_least(policy, case.text, case.target.level):
            missed.append(f"{case.id}: {case.text[:80]!r}")
    assert not missed, f"{len(missed)}/{len(cases)}:\n" + "\n".join(missed[:10])


def test_caesar_and_its_pairs_stream_as_they_read_whole() -> None:
    assert_family_streams("caesar", 16)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("\u1515V\u1455I\u15f4\u15b6\n", "SECRET"),  # look-alikes, the ASCII letters shifted by 17
        ("\u0405\u0415\u0421HU\u0422\n", "SECRET"),  # Cyrillic, R and E shifted by 16
        ("$KIX37\n", "SECRET"),
        ("W0HZCXYH7!@F\n", "CONFIDENTIAL"),
        ("Z*L*J*Y*L*A\n", "SECRET"),
        ("W I H Z C X Y H N C U F\n", "CONFIDENTIAL"),
        ("gThIgXrItS\n", "RESTRICTED"),
        ("AM<!-- f -->KZMB\n", "SECRET"),
        # LUX TOP SECRET: the words together spell the marking
        ("HQ\u0425 \u0422K\u0420 \u0405\u0415\u0421N\u0415\u0422\n", "TOP SECRET"),
        ("sNo RdBqDs\n", "TOP SECRET"),  # a short word before the shifted one
        ("Report follows.\n  \u1515V\u1455I\u15f4\u15b6  \nThe plan.\n", "SECRET"),
    ],
)
def test_minimal_examples(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, text).level == level


@pytest.mark.parametrize(
    "text",
    [
        "Order part AB3CD-7EF2 and SKU X7K9Q2 before Friday.\n",
        "Replace the filter KX5R7T and the valve VHF4UHW.\n",
        "Serial: 5K1X-3ZR7-W9QE and T0K3N ID 8F7A3C.\n",
        "Build 4G3T7 on the M4A1 and the B52 with F16s; COVID19 and MP3 files.\n",
        "P@ssw0rd policy: use $tr0ng and L33t passwords.\n",
        "JavaScript's getElementById, McDonald's, iPhone, PowerPoint and LinkedIn.\n",
        "CamelCase: XmlHttpRequest, IOStream, eBay, iOS, WiFi, YouTube, GitHub.\n",
        "The wOrKiNg group met; sPoNgEbOb case is a meme.\n",
        "U.S.A. and J. R. R. Tolkien met A. B. C. D. E. at the bar.\n",
        "Grid A B C D E F G H lists the columns.\n",
        "Radio check: K D F G H on channel 5.\n",
        "<p>Hello<!-- nav -->World</p>\n<!-- TODO: fix layout -->\n",
        "<div>ABCDE<!-- x -->FGHIJ</div>\n",
        "Москва MOSCOW, ПАРИЖ PARIS, ΑΘΗΝΑ ATHENS\n",
        "The ÉCOLE and the MÜNCHEN office; DÉFENSE and SÉCURITÉ teams.\n",
        "L\u2019\u00c9tat and \u201cRapport\u201d and \u00abNote\u00bb.\n",
    ],
)
def test_everyday_text_with_the_same_evidence_stays_unclassified(
    default_policy: Policy, ministry_policy: Policy, text: str
) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"
    assert check_text(ministry_policy, text).level == "UNCLASSIFIED"


def test_one_ascii_letter_gives_no_shift() -> None:
    """Two ASCII letters at least must agree: one agrees with every shift."""
    composed = ComposedShifts(["SECRET"], ["SECRET"])
    assert composed.line_shift("\u1515V\u1455\u1587\u15f4\u15b6") is None  # only V: no shift
    assert composed.line_shift("\u1515V\u1455I\u15f4\u15b6") == 17


def test_the_hit_starts_at_the_first_evidence_word() -> None:
    composed = ComposedShifts(["SECRET"], ["SECRET"])
    text = "intro\nsee \u1515V\u1455I\u15f4\u15b6 now\n"
    ((at, end, line),) = composed.lines(text, one_byte(text))
    assert (at, end) == (text.index("\u1515"), text.index(" now") + 4)
    # the whole line, shifted back
    assert line == "see \u1515V\u1455I\u15f4\u15b6 now".translate(shift_back_table(17))
    assert "\u1515E\u1455R\u15f4\u15b6" in line


@pytest.mark.parametrize(
    ("text", "level"),
    [
        (
            "ts=1 level=info classification=charlie_oscar_november_foxtrot_india_delta_echo"
            "_november_tango_india_alfa_lima user=jd\n",
            "CONFIDENTIAL",
        ),
        ("doc=7 classification=sierra_echo_charlie_romeo_echo_tango user=jd\n", "SECRET"),
        # written backwards: a reversed anchor word (ohce) makes the line read forwards
        ("OGNAT-OHCE-OEMOR-EILRAHC-OHCE-ARREIS\n", "SECRET"),
        (
            "amiL aflA aidnI ognaT rebmevoN ohcE atleD aidnI tortxoF rebmevoN racsO eilrahC\n",
            "CONFIDENTIAL",
        ),
    ],
)
def test_phonetic_words_joined_in_a_value(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, text).level == level


def test_x_ray_streams_at_every_cut(default_policy: Policy) -> None:
    """x-ray, the phonetic word with a hyphen inside, at a run's start or end: a stream cut
    anywhere holds it (it was released before the run was found)."""
    for text in (
        "lima uniform x-ray / charlie oscar november foxtrot india delta echo november"
        " tango india alfa lima\nok\n",
        "x-ray india sierra echo charlie romeo echo tango\nok\n",
    ):
        for cut in sample(range(1, len(text)), 8, seed=text):  # every cut in CI
            _assert_stream_properties(default_policy, text, [text[:cut], text[cut:]])


# --- tracked changes: the pane's text read as a line of its own ------------------------


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("[Inserted: [size=5]RESTRICTED[/size]]\n", "RESTRICTED"),
        ('[Deleted: [quote="jm"]CONFIDENTIAL[/quote]] UNCLASSIFIED\n', "CONFIDENTIAL"),
        ("[Inserted: `SECRET`]\n", "SECRET"),
        ("[Deleted: ((( NATO SECRET )))] UNCLASSIFIED\n", "SECRET"),
        ("[Deleted: Re: Plan 7 \u2013 SECRET UE] UNCLASSIFIED\n", "SECRET"),
        ("[Deleted:                      NATO SECRET] UNCLASSIFIED\n", "SECRET"),
        ("[Deleted: 13CONFIDENTIAL] UNCLASSIFIED\n", "CONFIDENTIAL"),
        ("{~~UNCLASSIFIED~>:closed_lock_with_key: RESTRICTED~~}\n", "RESTRICTED"),
        ("[Qryrgrq: FRPERG] HAPYNFFVSVRQ\n", "SECRET"),
        ("{++**TOP SECRET**++}\n", "TOP SECRET"),
    ],
)
def test_a_tracked_change_reads_as_a_line(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, text).level == level


@pytest.mark.parametrize(
    "text",
    [
        "[Deleted: Secret Santa on Friday]\n",
        "[Inserted: the confidential appendix was moved]\n",
        "Track changes: [Formatted: Font: Bold] and [Moved (insertion) [1]]\n",
        "{--Secret recipe--} {++Top secret recipe++}\n",
        "[Supprim\u00e9: Note secr\u00e8te] texte\n",
        "[Inserted: Restricted area map]\n",
        # a marking word in prose case inside a change in a sentence: prose (red team 6)
        "The recipe is {~~secret~>well known~~} in our family.\n",
        "The recipe is [Deleted: secret] in our family.\n",
        "We kept it {++secret++} until Friday.\n",
        "Ce dossier reste [Ins\u00e9r\u00e9: confidentiel] pour l'instant.\n",
    ],
)
def test_everyday_tracked_changes_stay_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


def test_review_pane_and_its_pairs_stream_as_they_read_whole() -> None:
    assert_family_streams("review-pane", 16)


@pytest.mark.parametrize(
    "text",
    [
        "Status: \u1515V\u1455I\u15f4\u15b6 now\nok\n",
        # found by the exhaustive pair run: released before the shift was read
        "YL\u0405AY\u0415\u0406U\u0422 SB\u0425\nYhwwvya kl zpabhapvu.\n",
        "\u0421J\u039dA\u0399YZI\u03a4DZG\n\nOcz xjiqjt gzvqzn.\n",
        "Note: AM<!-- f -->KZMB and more\nok\n",
        "see W I H Z C X Y H N C U F ok\nok\n",
        "x [Inserted: [b]SECRET[/b]] y\nok\n",
        "Plan {~~UNCLASSIFIED~>**NATO SECRET**~~} end\nok\n",
    ],
)
def test_the_new_readings_hold_their_line_at_every_cut(default_policy: Policy, text: str) -> None:
    """Released text never holds what a finding starts in: one character at a time, and
    cut once anywhere (the sampled family runs cut at random places)."""
    _assert_stream_properties(default_policy, text, list(text))
    for cut in sample(range(1, len(text)), 6, seed=text):  # every cut in CI (tests/scale.py)
        _assert_stream_properties(default_policy, text, [text[:cut], text[cut:]])
