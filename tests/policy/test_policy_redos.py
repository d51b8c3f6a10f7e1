"""No regular expression the gate or a document reader runs can be made to backtrack.

The patterns are enumerated and fuzzed by ``tests/policy/redos.py`` (its docstring says how);
here: the enumeration is complete, the fuzzer flags what it must (last session's banner
tail, the validator's own catastrophic example), and every pattern passes it (fast mode;
``-m exhaustive`` pumps to 32 KiB and checks growth).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
import yaml

from milai._lazyre import _LazyPattern
from milai.policy import check_text, load_policy, patterns
from milai.policy.detect import GuardedPattern, ScreenedPattern
from tests.policy import redos
from tests.policy.conftest import POLICIES
from tests.scale import sample

# Under -n, one worker runs this module (pyproject.toml: --dist loadgroup):
# the enumeration (a process of its own) runs once, not once a worker.
pytestmark = pytest.mark.xdist_group("redos")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "policy"

# _TAIL_RE before 0498216: a reference or number could be matched in pieces (exponential).
_OLD_REFERENCE = r"|[a-z]{0,12}[/\-._]{0,2}\d[a-z0-9/\-._]{0,40}"
_NEW_REFERENCE = r"|(?<![a-z0-9])[a-z]{0,12}[/\-._]{0,2}\d[a-z0-9/\-._]{0,40}(?![a-z0-9/\-._])"


@pytest.fixture(scope="module")
def gate_patterns() -> list[redos.Found]:
    return redos.enumerate_patterns()


def _module_patterns() -> set[tuple[str | bytes, int]]:
    found: set[tuple[str | bytes, int]] = set()
    for package in redos.PACKAGES:
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, package + "."):
            if info.name.endswith("_gen"):
                continue
            for value in vars(importlib.import_module(info.name)).values():
                if isinstance(value, re.Pattern | _LazyPattern):
                    found.add((value.pattern, value.flags))
    return found


def test_every_pattern_the_gate_runs_is_enumerated(gate_patterns: list[redos.Found]) -> None:
    enumerated = {(f.pattern, f.compiled().flags) for f in gate_patterns}
    # every module-level pattern of the policy engine and the readers
    assert _module_patterns() <= enumerated
    # the shipped policies' detector patterns
    for path in POLICIES.glob("*.yaml"):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for detector in spec.get("detectors", {}).values():
            if "pattern" in detector:
                assert any(f.pattern == detector["pattern"] for f in gate_patterns), detector
    # the patterns each policy compiles (context, prefilter, multi-line, keywords); their
    # alternatives come out of sets, in another order in another process: same length
    sizes = {(len(pattern), flags) for pattern, flags in enumerated}
    for path in POLICIES.glob("*.yaml"):
        engine = load_policy(path).engine
        for top in (engine.context_re, engine.multiline_re):
            guarded: object = top
            while isinstance(guarded, GuardedPattern):
                assert (len(guarded.full().pattern), guarded.full().flags) in sizes
                if isinstance(guarded.otherwise, ScreenedPattern):  # portion marks
                    for pattern in (guarded.otherwise.full(), guarded.otherwise.screen):
                        assert (len(pattern.pattern), pattern.flags) in sizes
                guarded = guarded.guard
        for unit in engine.units:
            for value in vars(unit).values():
                if isinstance(value, re.Pattern | _LazyPattern):
                    assert (len(value.pattern), value.flags) in sizes, value.pattern[:80]
    # and literal patterns in re calls inside functions
    assert (r"\s+", re.UNICODE) in enumerated  # decoders.py: re.sub(r"\s+", "", token)


def test_the_fuzzer_flags_the_banner_tail_of_last_session() -> None:
    assert _NEW_REFERENCE in patterns._TAIL_RE.pattern
    old = patterns._TAIL_RE.pattern.replace(_NEW_REFERENCE, _OLD_REFERENCE)
    report = redos.fuzz(redos.Found("old _TAIL_RE", old, 0))
    assert report.findings, "the fuzzer missed the exponential banner tail"
    current = redos.fuzz(redos.Found("_TAIL_RE", patterns._TAIL_RE.pattern, 0))
    assert not current.findings


def test_the_fuzzer_flags_what_the_validator_refuses() -> None:
    spec = yaml.safe_load((FIXTURES / "bad" / "catastrophic-regex.yaml").read_text())
    pattern = spec["detectors"]["redos"]["pattern"]
    assert redos.fuzz(redos.Found("fixture", pattern, 0)).findings


def test_the_fuzzer_flags_quadratic_growth() -> None:
    # Linear per attempt, searched from every start: quadratic (the thorough mode's check).
    report = redos.fuzz(
        redos.Found("quadratic", r"[a-z]{1,100000}1", 0), max_length=8192, limit=5.0, growth=8.0
    )
    assert report.findings and "x its time" in report.findings[0].reason


def test_no_pattern_the_gate_runs_backtracks(gate_patterns: list[redos.Found]) -> None:
    # every pattern in CI (tests/scale.py); a seeded sixteenth of them in the fast line
    chosen = sample(gate_patterns, len(gate_patterns) // 16, seed="redos:fast")
    flagged = [
        finding.describe()
        for found in chosen
        for finding in redos.fuzz(found).findings
        if redos.known(finding) is None
    ]
    assert not flagged, "\n".join(flagged)


@pytest.mark.exhaustive
def test_no_pattern_the_gate_runs_backtracks_thorough(gate_patterns: list[redos.Found]) -> None:
    # each pattern within the thorough budget: the large context and prefilter patterns
    # have thousands of input families, hours without one (their share tried is printed)
    reports = [
        redos.fuzz(found, **redos.THOROUGH, budget=redos.THOROUGH_BUDGET) for found in gate_patterns
    ]
    for report in reports:
        if not report.finished:
            print(f"not finished: {report.tried}/{report.families} {report.found.label()}")
    flagged = [
        finding.describe()
        for report in reports
        for finding in report.findings
        if redos.known(finding) is None
    ]
    assert not flagged, "\n".join(flagged)


def test_a_budget_ends_a_pattern_with_what_was_tried(gate_patterns: list[redos.Found]) -> None:
    """A pattern too large to fuzz whole is reported unfinished, not fuzzed for hours: the
    share tried is said, and it is spread over the whole pattern."""
    largest = max(gate_patterns, key=lambda found: len(found.pattern))
    report = redos.fuzz(largest, budget=0.0)
    assert 1 <= report.tried < report.families
    assert not report.finished and not report.findings
    assert redos._spread(list(range(10))) == [0, 8, 4, 2, 6, 1, 3, 5, 7, 9]


def test_the_slope_tells_quadratic_from_linear() -> None:
    """The growth exponent of a pattern's slowest family: ``[a-z]*1`` searched from every
    start of a run of letters is quadratic (k near 2); the fit itself on exact times."""
    report = redos.fuzz(redos.Found("quadratic", r"[a-z]{0,100000}1", 0), max_length=256)
    grown = redos.slope(report, floor=1e-4, lengths=(500, 1000, 2000, 4000))
    assert grown is not None and grown.exponent is not None and grown.exponent > 1.5, grown
    linear = {1000: 0.001, 10000: 0.01, 100000: 0.1}
    assert abs((redos._exponent(linear, 0.002) or 0.0) - 1.0) < 1e-9
    quadratic = {1000: 0.0001, 10000: 0.01, 100000: 1.0}
    assert abs((redos._exponent(quadratic, 0.002) or 0.0) - 2.0) < 1e-9
    assert redos._exponent({1000: 1e-5, 100000: 1e-4}, 0.002) is None  # too fast to tell


# Lines that made the gate backtrack (exponentially or in thousands of ways a line).
ADVERSARIAL_LINES = ["(", "[", "( ", "| ", "> | ", " ", "\t", "\u2003", "<!-- a "]


@pytest.mark.parametrize("unit", ADVERSARIAL_LINES)
def test_adversarial_lines_are_checked_quickly(unit: str) -> None:
    policy = load_policy(POLICIES / "default.yaml")
    check_text(policy, "warm up\n(S) x\nSECRET\n")
    text = ("x\n" + unit * 40) * 50 + "\n" + unit * 2000 + "\n"
    # CPU seconds, interrupted past 10 (an exponential line never ends); 2 s is 10-100x the usual
    assert redos._timed(lambda t: check_text(policy, t), text, 10.0) < 2.0, unit
    assert check_text(policy, text).level == "UNCLASSIFIED"
