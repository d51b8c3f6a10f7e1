"""Red team round 9's in-scope findings (issue 9): a key with a domain's prefix (Kubernetes
labels and annotations), a string constant that C's preprocessor or a constant definition
names, a regular expression's alternatives that list levels (a false raise), characters
escaped by their Unicode names (``\\N{…}``) and Braille's letter cells. Each new family
streams as it reads whole; the everyday forms of the same syntax stay UNCLASSIFIED.
Whole-text accuracy, alone and in pairs, is in test_policy_families.py.
"""

from __future__ import annotations

import itertools
from functools import cache

import pytest

from milai.policy import Policy, check_text
from tests.policy.families import Target, shipped_policy, targets
from tests.policy.test_policy_stream_properties import assert_family_streams
from tests.scale import sample

MINE = ("domain-key", "c-constant", "named-escapes", "braille")


@pytest.mark.parametrize("family", MINE)
def test_a_family_streams_as_it_reads_whole(family: str) -> None:
    assert_family_streams(family, 12)


@pytest.mark.parametrize(
    "text",
    [
        # a domain's prefix on everyday keys and values
        "metadata:\n  labels:\n    app.kubernetes.io/name: planner\n"
        "    example.org/team: secret-santa\n",
        "  annotations:\n    classification.example.org/note: top secret recipe\n",
        "    acme.eu/classification: public\n",
        '{"metadata": {"labels": {"example.org/tier": "restricted-network"}}}\n',
        "src/config/secret.py: line 3\n",
        "and/or: secret\n",
        # constants in code that hold prose, paths or names
        '#define GREETING "Top secret recipe inside"\n',
        '#define SECRET_PATH "/var/lib/secret"\n',
        "#define RESTRICTED 3\n",
        '#define LEVEL_NAME "restricted"\n',
        'const char *msg = "Le secret du chef";\n',
        'const Hinweis = "Geheim ist das Rezept nicht"\n',
        'const TITEL: &str = "Geheimnisvolle Insel";\n',
        'printf("%s", "secret");\n',
        # regular expressions that list levels: a vocabulary, not a marking
        'LEVEL_RE = re.compile(r"\\b(?:NATO )?(SECRET|CONFIDENTIAL)\\b")\n',
        "(TOP SECRET|SECRET|CONFIDENTIAL)\n",
        "grep -E '(RESTRICTED|CONFIDENTIAL|SECRET)' report.txt\n",
        'grep -E "TOP SECRET|SECRET" notes.txt\n',
        'pattern = r"^(?P<level>TOP SECRET|SECRET|RESTRICTED)$"\n',
        "const LEVEL = /^(SECRET UE|CONFIDENTIEL UE|RESTREINT UE)$/;\n",
        'if re.search(r"(GEHEIM|VS-VERTRAULICH|VS-NfD)", text):\n',
        'level_re = re.compile("(Stg. GEHEIM|Stg. CONFIDENTIEEL)")\n',
        # named escapes and braille of everyday text
        'print("\\N{BULLET} item \\N{EM DASH} a secret recipe")\n',
        "\\N{LATIN SMALL LETTER E WITH ACUTE}t\\N{LATIN SMALL LETTER E WITH ACUTE}\n",
        "s = '\\N{GREEK SMALL LETTER ALPHA} + \\N{GREEK SMALL LETTER BETA}'\n",
        "⠓⠑⠇⠇⠕ ⠺⠕⠗⠇⠙\n",
        "⠃⠕⠝⠚⠕⠥⠗ ⠁ ⠞⠕⠥⠎\n",
        "The word ⠎⠑⠉⠗⠑⠞ in braille is in the book.\n",
        "⠛⠑⠓⠑⠊⠍⠝⠊⠎ ⠙⠑⠗ ⠊⠝⠎⠑⠇\n",
    ],
)
def test_round9_everyday_text_stays_unclassified(default_policy: Policy, text: str) -> None:
    assert check_text(default_policy, text).level == "UNCLASSIFIED"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("classification.mil/level: TOP_SECRET\n", "TOP SECRET"),
        ('example.org/classification: "NATO SECRET"\n', "SECRET"),
        ('metadata.labels["acme.eu/einstufung"] = "GEHEIM"\n', "SECRET"),
        ("    einstufung.bund.de/stufe: VS-NfD\n", "RESTRICTED"),
        ('#define BANNER "COSMIC TOP SECRET"\n', "TOP SECRET"),
        ('#define CLASSIFICATION "NATO SECRET"\n', "SECRET"),
        ('#  define LVL L"TRÈS SECRET"\n', "TOP SECRET"),
        ('const char *banner = "SECRET UE";\n', "SECRET"),
        ('static const std::string kLevel{"NATO SECRET"};\n', "SECRET"),
        ('const Banner = "GEHEIM"\n', "SECRET"),
        ('const BANNER: &str = "CONFIDENTIEL DÉFENSE";\n', "CONFIDENTIAL"),
        # the vocabulary rule opens no hole: one level, a banner and its cells still read
        ("(TOP SECRET)\n", "TOP SECRET"),
        ("TOP SECRET | Copy 3 of 5\n", "TOP SECRET"),
        ("| TOP SECRET | SECRET |\n", "TOP SECRET"),
        ("(SECRET|NOFORN)\n", "SECRET"),
        ("(NATO SECRET|SECRET UE)\n", "SECRET"),
        ("TOP SECRET\n(SECRET|CONFIDENTIAL)\n", "TOP SECRET"),
        ("\\N{LATIN CAPITAL LETTER S}\\N{LATIN CAPITAL LETTER E}CRET\n", "SECRET"),
        ("\\N{U+53}\\N{U+45}\\N{U+43}\\N{U+52}\\N{U+45}\\N{U+54}\n", "SECRET"),
        ("⠎⠑⠉⠗⠑⠞\n", "SECRET"),
        ("⠠⠠⠞⠕⠏ ⠠⠠⠎⠑⠉⠗⠑⠞\n", "TOP SECRET"),
        ("Classification: ⠝⠁⠞⠕ ⠎⠑⠉⠗⠑⠞\n", "SECRET"),
    ],
)
def test_round9_markings_read(default_policy: Policy, text: str, level: str) -> None:
    assert check_text(default_policy, text).level == level


@cache
def _level_pairs() -> list[tuple[Target, Target]]:
    """Each two banners of two distinct levels of one shipped policy, every shipped policy."""
    found = []
    for policy_name in sorted({t.policy for t in targets()}):
        banners = [t for t in targets() if t.policy == policy_name and not t.portion]
        for first, second in itertools.combinations(banners, 2):
            if first.level != second.level:
                found.append((first, second))
    return found


ALTERNATION_FORMS = (
    "({a}|{b})\n",
    'LEVEL = re.compile(r"\\b(?:{a}|{b})\\b")\n',
    "grep -E '^({a}|{b})$' notes.txt\n",
    'const LEVELS = "{a}|{b}";\n',
)


@pytest.mark.parametrize("form", ALTERNATION_FORMS)
def test_an_alternation_of_two_levels_is_a_vocabulary(form: str) -> None:
    """Every two banners of distinct levels of every shipped policy, as a regular
    expression's alternatives: nothing in them counts. The fast line draws 48 of the pairs,
    among them each scheme (``Target.scheme``) first and second (CI: every pair)."""
    raised = []
    pairs = sample(
        _level_pairs(),
        48,
        seed=f"alternation:{form}",
        cover=lambda pair: [f"first {pair[0].scheme}", f"second {pair[1].scheme}"],
    )
    for first, second in pairs:
        policy = shipped_policy(first.policy)
        text = form.format(a=first.text, b=second.text)
        if check_text(policy, text).level != policy.lowest:
            raised.append(f"{first.policy}: {text!r}")
    assert not raised, f"{len(raised)} raised:\n" + "\n".join(raised[:20])


def test_a_marking_in_one_group_still_reads() -> None:
    """The rule's other side, on every banner of every shipped policy: a group of one
    level (the marking alone in brackets, or with a caveat) is no vocabulary."""
    missed = []
    for target in (t for t in targets() if not t.portion):
        policy = shipped_policy(target.policy)
        for text in (f"({target.text})\n", f"({target.text}|NOFORN)\n"):
            got = check_text(policy, text).level
            if policy.level_index(got) < policy.level_index(target.level):
                missed.append(f"{target.id}: {text!r} read {got}")
    assert not missed, f"{len(missed)} missed:\n" + "\n".join(missed[:20])
