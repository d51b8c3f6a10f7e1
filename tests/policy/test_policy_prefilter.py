"""The marking-context patterns are compiled only when a small prefilter fires, and give
exactly the matches of the whole patterns (differential tests against them)."""

from __future__ import annotations

import re

import pytest

from milai.policy import Policy, check_text, load_policy
from milai.policy.detect import GuardedPattern
from milai.policy.normalise import normalise
from tests.policy.adversarial import adversarial_lines
from tests.policy.conftest import POLICIES


def _view(text: str) -> str:
    """The skeleton view the context unit searches (with its leading virtual new line)."""
    return "\n" + normalise(text).skel + "\n"


def _same(got: re.Match[str] | None, want: re.Match[str] | None) -> bool:
    if want is None or got is None:
        return got is None and want is None
    return got.span() == want.span() and all(
        got.groupdict().get(name) == value for name, value in want.groupdict().items()
    )


def _patterns(policy: Policy) -> list[GuardedPattern]:
    engine = policy.engine
    assert engine.multiline_re is not None
    return [engine.context_re, engine.multiline_re]


@pytest.mark.parametrize("name", ["default.yaml", "ministry-codewords.yaml"])
def test_guarded_patterns_match_exactly_as_the_whole_patterns(name: str) -> None:
    policy = load_policy(POLICIES / name)
    lines = adversarial_lines(policy, 300, seed=len(name))
    text = "\n".join(lines)
    view = _view(text)
    for pattern in _patterns(policy):
        full = pattern.full()
        starts = [m.start() for m in re.finditer("\n", view)]
        for at in starts:
            assert _same(pattern.match(view, at), full.match(view, at)), view[at : at + 80]
        for at in range(0, len(view), 7):
            assert _same(pattern.search(view, at), full.search(view, at)), view[at : at + 80]


def test_the_guard_fires_for_every_context_match() -> None:
    """Stronger than the above: no position where the whole pattern's banner branch
    matches is skipped by the prefilter (each line on its own, so every line is tried)."""
    policy = load_policy(POLICIES / "default.yaml")
    context = policy.engine.context_re
    full = context.full()
    for line in adversarial_lines(policy, 600, seed=7):
        view = _view(line)
        match = full.match(view, 0)
        if match is not None and match.groupdict().get("body") is not None:
            assert context.guard.match(view, 0) is not None, line


def test_loading_and_everyday_text_compile_no_whole_pattern() -> None:
    from milai.policy.policy import _CACHE

    _CACHE.clear()  # a fresh load, as in a new process
    policy = load_policy(POLICIES / "default.yaml")
    patterns = _patterns(policy)
    assert not any(p.compiled for p in patterns)
    everyday = "\n".join(
        ["The meeting moved to Tuesday at ten.", "(a) bring the minutes", "Re: lunch", "Ok."]
    )
    assert check_text(policy, everyday).level == "UNCLASSIFIED"
    assert not any(p.compiled for p in patterns)
    assert check_text(policy, "The minutes.\nSECRET\n").level == "SECRET"
    assert patterns[0].compiled
