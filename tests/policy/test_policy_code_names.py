"""Code that names levels (red team round 4): unions of quoted levels are vocabularies, and
a marking written as one PascalCase or camelCase identifier is a name where code surrounds
it; capitals run together, odd case and the same words outside code still count."""

from __future__ import annotations

import pytest

from milai.policy import Policy, check_text
from tests.policy.families import shipped_policy

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
