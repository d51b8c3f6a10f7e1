"""The strict policy loader: hostile and malformed files are refused with line numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from milai.errors import ExitCode, PolicyError
from milai.policy import load_policy, validate_policy

BAD = Path(__file__).resolve().parents[1] / "fixtures" / "policy" / "bad"
POLICIES = Path(__file__).resolve().parents[2] / "policies"

# fixture file → (line of the error, a fragment of its message)
EXPECTED = {
    "alias.yaml": (3, "anchors and aliases are not allowed"),
    "anchor-not-literal.yaml": (12, "anchor '#' is not a literal that every match contains"),
    "bad-regex.yaml": (11, "invalid regular expression: missing )"),
    "catastrophic-regex.yaml": (12, "catastrophic backtracking"),
    "comments-only.yaml": (1, "policy is empty"),
    "conflicting-marking.yaml": (10, "reads the same and is TOP SECRET"),
    "duplicate-key.yaml": (8, "duplicate key 'name' (first at line 1)"),
    "empty.yaml": (1, "policy is empty (an empty policy denies everything)"),
    "not-a-mapping.yaml": (1, "the policy must be a mapping, not a list"),
    "not-utf8.yaml": (1, "policy is not UTF-8 text"),
    "unbounded-regex.yaml": (11, "unbounded repetition"),
    "unknown-key.yaml": (11, "unknown key 'acton' in rule 1"),
    "unknown-level.yaml": (8, "unknown level 'MEDIUM'"),
    "unknown-rule-refs.yaml": (10, "unknown detector 'nobody'"),
    "unused-detector.yaml": (10, "detector 'orphan' is used by no rule"),
    "uppercase-regex.yaml": (11, "patterns match the lower-cased text"),
    "wrong-types.yaml": (2, "version must be a non-empty string, not a number (1.0)"),
    "yaml-syntax.yaml": (4, "YAML syntax error"),
}


def test_every_bad_fixture_has_an_expectation() -> None:
    names = {p.name for p in BAD.glob("*.yaml")} - {"bad-banner.yaml"}
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_policy_is_refused_with_its_line(name: str) -> None:
    path = BAD / name
    line, fragment = EXPECTED[name]
    errors = validate_policy(path)
    assert any(e.startswith(f"{path}:{line}: ") and fragment in e for e in errors), errors
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert caught.value.exit_code == ExitCode.USAGE
    assert f"{path}:{line}: " in caught.value.message
    assert "milai policy validate" in (caught.value.hint or "")


def test_one_line_per_error_all_of_them() -> None:
    path = BAD / "wrong-types.yaml"
    errors = validate_policy(path)
    assert [int(e.split(":")[1]) for e in errors] == [2, 3, 6, 8]
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert caught.value.message.splitlines() == errors


def test_unreadable_policy_fails_closed(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    assert validate_policy(missing) == [
        f"{missing}: cannot read the policy: No such file or directory"
    ]
    with pytest.raises(PolicyError, match="cannot read the policy"):
        load_policy(missing)
    with pytest.raises(PolicyError, match="cannot read the policy"):
        load_policy(tmp_path)  # a directory


def test_banner_must_read_as_its_level() -> None:
    errors = validate_policy(BAD / "bad-banner.yaml")
    assert errors == [
        f"{BAD / 'bad-banner.yaml'}: the banner 'HIGH' for HIGH reads as LOW; "
        "add it to the markings or fix banners"
    ]


def test_a_bad_banner_stops_the_first_banner_printed() -> None:
    policy = load_policy(BAD / "bad-banner.yaml")  # loading leaves the check to the banner
    with pytest.raises(PolicyError, match="the banner 'HIGH' for HIGH reads as LOW"):
        policy.banner("LOW")
    with pytest.raises(PolicyError, match="reads as LOW"):
        policy.check_banners()


def test_bare_on_key_is_not_silently_true(tmp_path: Path) -> None:
    # YAML 1.1 reads `on:` as true: the loader names the problem instead of guessing.
    text = (POLICIES / "default.yaml").read_text(encoding="utf-8")
    broken = text.replace("    direction: prompt\n", "    on: prompt\n", 1)
    path = tmp_path / "on.yaml"
    path.write_text(broken, encoding="utf-8")
    errors = validate_policy(path)
    assert any("key True must be a string (quote it)" in e for e in errors), errors


def test_huge_policy_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"# " + b"x" * (1 << 20) + b"\n")
    assert "larger than" in validate_policy(path)[0]


def test_shipped_policies_are_valid() -> None:
    for path in sorted(POLICIES.glob("*.yaml")):
        assert validate_policy(path) == [], path


def test_errors_have_file_and_line_prefix() -> None:
    pattern = re.compile(r"^.+\.yaml:\d+: \S")
    for name in EXPECTED:
        for error in validate_policy(BAD / name):
            assert pattern.match(error), error
