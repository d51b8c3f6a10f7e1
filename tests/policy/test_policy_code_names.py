"""Code that names levels (red team round 4): unions of quoted levels are vocabularies, and
a marking written as one PascalCase or camelCase identifier is a name where code surrounds
it; capitals run together, odd case and the same words outside code still count."""

from __future__ import annotations

import random
import re

import pytest

from milai.policy import Policy, check_stream, check_text
from tests.policy.adversarial import pieces
from tests.policy.families import Target, banner_sample, shipped_policy, targets

POLICIES = ("default.yaml", "ministry-codewords.yaml")

EVERYDAY = [
    # unions (TypeScript, Python typing)
    "type Level = 'RESTRICTED' | 'SECRET' | 'TOP SECRET';",
    'type Sink = "UNCLASSIFIED" | "CONFIDENTIAL";',
    "x = 'SECRET' | 'TOP SECRET'",
    "def seal(level: 'CONFIDENTIAL' | 'SECRET') -> None: ...",
    'Level = Literal["SECRET", "TOP SECRET"]',
    # PascalCase and camelCase members: Rust, Go, Swift, C#, Python
    "    TopSecret,",
    "    NatoSecret = 2,",
    "\tTopSecret",
    "\tTopSecret Level = iota",
    "    case TopSecret:",
    "    case .topSecret:",
    "    case natoSecret = 9",
    "            Level::TopSecret => 4,",
    "if (clearance >= Clearance.TopSecret) { Audit(user); }",
    "public enum Level { Unclassified, Secret, TopSecret }",
    "NatoSecret = 3",
    "fn rank() -> TopSecret {",
    "return isTopSecret(doc)",
    "pub enum Level {\n    Unclassified,\n    Restricted,\n    Secret,\n    TopSecret,\n}\n",
    "const (\n\tUnclassified Level = iota\n\tConfidential\n\tSecret\n\tTopSecret\n)\n",
]

COUNTED = [
    ("TOPSECRET", "TOP SECRET"),
    ("    TOPSECRET,", "TOP SECRET"),
    ("  ToPsEcReT,", "TOP SECRET"),
    ("  tOpSeCrEt,", "TOP SECRET"),
    ("TopSecret", "TOP SECRET"),
    ("[TopSecret]", "TOP SECRET"),
    ("Secret, NOFORN", "SECRET"),
    ("SECRET,", "SECRET"),
    ("['SECRET', 'NOFORN']", "SECRET"),
]


@pytest.mark.parametrize("name", POLICIES)
@pytest.mark.parametrize("text", EVERYDAY)
def test_code_that_names_levels_is_unclassified(name: str, text: str) -> None:
    policy = shipped_policy(name)
    assert check_text(policy, f"{text}\n").level == policy.lowest, text


@pytest.mark.parametrize(("text", "level"), COUNTED)
def test_markings_outside_code_names_still_count(
    default_policy: Policy, text: str, level: str
) -> None:
    assert check_text(default_policy, f"Intro.\n{text}\nMore.\n").level == level, text


def _camel(text: str) -> str:
    """A marking as one PascalCase name (``NATO SECRET``: ``NatoSecret``)."""
    return "".join(word.capitalize() for word in text.split())


# Enumerations one value a line, as written and as a document's text shows them (its
# indentation dropped): Go's constant block, a TypeScript or Rust enum.
ENUMERATIONS = [
    "type Level int\n\nconst (\n{indent}{first} Level = iota\n{indent}{second}\n{indent}Draft\n)\n",
    "const (\n{indent}Draft = iota\n{indent}{first}\n{indent}{second} // the highest\n)\n",
    "export enum Level {{\n{indent}{first},\n{indent}{second} = 4,\n}}\n",
    "pub enum Level {{\n{indent}{first},\n{indent}Draft,\n{indent}{second},\n}}\n",
]


def _plain_words(target: Target) -> bool:
    return re.fullmatch(r"[^\W\d_]+(?: [^\W\d_]+)*", target.text) is not None


@pytest.mark.parametrize("form", range(len(ENUMERATIONS)))
def test_an_enumeration_of_camel_names_of_two_levels_is_a_vocabulary(form: int) -> None:
    """Each banner of each shipped policy as a camel name (``TopSecret``) in an enumeration
    that names another level too (Go's ``const (`` block, an enum), indented or not (a
    document's text drops the indentation that makes it a name: en/100): a vocabulary,
    whole and streamed; the same block with the banner in capitals on its line, or its camel
    name the only level, still reads as its line does."""
    for target in banner_sample(f"enum-camel:{form}", 8):
        if not _plain_words(target):
            continue
        policy = shipped_policy(target.policy)
        rng = random.Random(f"{target.id}:{form}")
        others = [
            other
            for other in targets()
            if other.policy == target.policy
            and not other.portion
            and other.level != target.level
            and _plain_words(other)
        ]
        other = rng.choice(others)
        for indent in ("", "\t", "    "):
            names = [_camel(target.text), _camel(other.text)]
            rng.shuffle(names)
            text = ENUMERATIONS[form].format(indent=indent, first=names[0], second=names[1])
            assert check_text(policy, text).level == policy.lowest, text
            assert check_stream(policy, pieces(text, rng)).level == policy.lowest, text
        # the only level named (as a camel name), or a banner in capitals on its line (no
        # value's name: no enumeration): the line reads as it does in a text of its own
        for name in (_camel(target.text), target.text):
            block = ENUMERATIONS[form].format(indent="", first="Draft", second=name)
            line = next(line for line in block.splitlines() if name in line)
            level = check_text(policy, f"Intro.\n{line}\nMore.\n").level
            assert check_text(policy, block).level == level, block
