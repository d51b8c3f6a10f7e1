"""The marking-context patterns are compiled only when a small prefilter fires, and give
exactly the matches of the whole patterns (differential tests against them); a word that
only starts with a marking (Secretary, Geheimdienst) does not fire it. The portion-mark
pattern is compiled only once its screen (a slash, a mark in brackets) finds something."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import pytest

from milai.policy import Policy, check_text, load_policy
from milai.policy.detect import GuardedPattern, ScreenedPattern
from milai.policy.normalise import normalise
from milai.policy.patterns import marking_variants
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
            want = full.search(view, at)
            # compiled, ``search`` is the large pattern's alone; the guarded search (the
            # path before it is compiled) finds the same
            assert _same(pattern.search(view, at), want), view[at : at + 80]
            assert _same(pattern.search_guarded(view, at), want), view[at : at + 80]


def _walk(search: Callable[[str, int], re.Match[str] | None], view: str) -> list[re.Match[str]]:
    """A scan's walk: search, then again from the match's end (one further if empty)."""
    found: list[re.Match[str]] = []
    at = 0
    while (match := search(view, at)) is not None:
        found.append(match)
        at = max(match.end(), match.start() + 1)
    return found


def _fresh_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    """A load in this test is fresh, as in a new process (an empty policy cache); the
    process's cache is back after it, so the tests after it do not compile the shipped
    policies' patterns again (clearing it cost each later test that loads a policy its
    first scans' compiles)."""
    from milai.policy import policy as policy_module

    monkeypatch.setattr(policy_module, "_CACHE", {})


@pytest.mark.parametrize("name", ["default.yaml", "ministry-codewords.yaml"])
def test_a_fresh_guarded_pattern_walks_as_the_whole_pattern(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh load's patterns (not compiled: the guard first, then the large pattern
    alone once a candidate compiles it, as in a scan) find, along a scan's walk, exactly
    the matches of the whole pattern, in prose with markings here and there."""
    rng = random.Random(len(name))
    lines = adversarial_lines(load_policy(POLICIES / name), 200, seed=11)
    prose = ["The meeting moved to Tuesday.", "Secretary of State", "(a) minutes", "", "  x"]
    view = _view("\n".join(rng.choice([*lines, *prose, *prose]) for _ in range(600)))
    _fresh_loads(monkeypatch)
    fresh = _patterns(load_policy(POLICIES / name))
    assert not any(pattern.compiled for pattern in fresh)
    for pattern in fresh:
        got = _walk(pattern.search, view)
        assert pattern.compiled  # the walk compiled it, and went on with it alone
        want = _walk(pattern.full().search, view)
        assert len(got) == len(want) > 10
        for got_match, want_match in zip(got, want, strict=True):
            assert _same(got_match, want_match), view[want_match.start() : want_match.end()]


def _glued_lines(policy: Policy, count: int, seed: int) -> list[str]:
    """A marking glued to what follows it: another marking, a caveat, a word, a digit,
    markup, spaced or leet spellings (what the guard's look after the marking must allow
    wherever the whole patterns match, and may refuse elsewhere)."""
    rng = random.Random(seed)
    texts = [m.text for m in policy.spec.markings if not m.portion]
    texts += [v.upper() for m in policy.spec.markings for v in marking_variants(m.text)]
    after = [*texts, *policy.spec.caveats, "ary", "dienst", "s", "ity", "nis", "a", "1", "_x"]
    after += ["//NOFORN", "/", " ", "-DRAFT", ")", "]", ".", ":", "", "|x", "\u00e9"]
    lines = []
    for _ in range(count):
        first = rng.choice(texts)
        glued = first + rng.choice(after) + rng.choice(["", rng.choice(after)])
        lead = rng.choice(["", "  ", "Classification: ", "[", "(", "> ", "**"])
        line = lead + glued
        lines.append(line if rng.random() < 0.8 else line.lower())
    return lines


# Symbols that the patterns read as letters, and are also gap characters to the guard.
_SYMBOLS = {"s": "$", "a": "@", "i": "!", "l": "|"}


def _symbol_lines(policy: Policy, count: int, seed: int) -> list[str]:
    """Markings with letters written as symbols ($ECRET, @TOM@L, NATO $ECRE7$), at the
    start, inside (runs of them: S$$ for SSS) and at the end, with gaps of blanks and
    punctuation beside the symbols, glued to what follows."""
    rng = random.Random(seed)
    texts = [m.text for m in policy.spec.markings if not m.portion]
    texts += [v.upper() for m in policy.spec.markings for v in marking_variants(m.text)]
    gaps = ["", "", "", " ", ".", " . ", "-", "  ", "|", "$", "!"]
    after = ["", "", " ", ".", "//NOFORN", " - DRAFT", "ary", "s", "1", "$", "!x", " recipe"]
    lines = []
    for _ in range(count):
        text = rng.choice([t for t in texts if any(ch.lower() in _SYMBOLS for ch in t)])
        odds = rng.choice([0.3, 0.7, 1.0])
        gap = rng.choice(gaps)
        letters = [
            _SYMBOLS[ch.lower()] if ch.lower() in _SYMBOLS and rng.random() < odds else ch
            for ch in text
        ]
        body = gap.join(letters) if rng.random() < 0.4 else "".join(letters)
        lead = rng.choice(["", "  ", "Classification: ", "[", "> ", "**", "- "])
        lines.append(lead + body + rng.choice(after))
    return lines


@pytest.mark.parametrize("name", ["default.yaml", "ministry-codewords.yaml"])
def test_the_guard_fires_for_every_context_match(name: str) -> None:
    """Stronger than the above: no position where the whole patterns' banner branches
    match is skipped by the prefilter (each line on its own, so every line is tried),
    markings glued to what follows them included."""
    policy = load_policy(POLICIES / name)
    context = policy.engine.context_re
    multiline = policy.engine.multiline_re
    assert multiline is not None
    lines = adversarial_lines(policy, 600, seed=7) + _glued_lines(policy, 1500, seed=8)
    lines += _symbol_lines(policy, 1500, seed=9)
    fired = 0
    for line in lines:
        view = _view(line)
        match = context.full().match(view, 0)
        if match is not None and match.groupdict().get("body") is not None:
            assert context.guard.match(view, 0) is not None, line
            fired += 1
        if multiline.full().match(view, 0) is not None:
            assert multiline.guard.match(view, 0) is not None, line
    assert fired > 500  # the lines do reach the banner branch


def test_loading_and_everyday_text_compile_no_whole_pattern(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fresh_loads(monkeypatch)
    policy = load_policy(POLICIES / "default.yaml")
    patterns = _patterns(policy)
    assert not any(p.compiled for p in patterns)
    everyday = "\n".join(
        [
            *("The meeting moved to Tuesday at ten.", "(a) bring the minutes", "Re: lunch", "Ok."),
            # A word that starts with a marking, at a line start: the guard looks past it.
            *("Secretary of State", "Geheimdienst", "Confidentiality", "Secrets", "Geheimnis"),
        ]
    )
    assert check_text(policy, everyday).level == "UNCLASSIFIED"
    assert not any(p.compiled for p in patterns)
    assert check_text(policy, "The minutes.\nSECRET\n").level == "SECRET"
    assert patterns[0].compiled


def _portion_lines(policy: Policy, count: int, seed: int) -> list[str]:
    """Portion marks as writers put them: in round or square brackets, spaced, with one or
    two slashes and caveats, without brackets before a caveat (``TS//SCI``, ``S/NF``
    ending a line), after leads and paragraph numbers, glued to a colon or a word; and
    single letters in brackets (list items) and prose."""
    rng = random.Random(seed)
    marks = [m.text for m in policy.spec.markings if m.portion] + ["S", "C", "a", "R", "x"]
    caveats = ["", "", "/NF", "//NOFORN", "//REL TO USA, GBR", "/SCI", " // SI ", "/", "//"]
    leads = ["", "  ", "1. ", "2.1 ", "a. ", "(1) ", "**", "> ", "- ", "Page 3 ", "<b>"]
    tails = ["", " The plan is set.", ": the plan", "The plan", " (M) (L)", "** text", " x"]
    lines = []
    for _ in range(count):
        mark = rng.choice(marks)
        mark = mark.lower() if rng.random() < 0.2 else mark
        body = mark + rng.choice(caveats)
        roll = rng.random()
        if roll < 0.5:
            gap = rng.choice(["", "", " ", "  "])
            opening, closing = rng.choice([("(", ")"), ("[", "]"), ("(", "]")])
            body = opening + gap + body + gap + closing
        lines.append(rng.choice(leads) + body + rng.choice(tails))
    return lines


@pytest.mark.parametrize("name", ["default.yaml", "ministry-codewords.yaml"])
def test_the_portion_screen_finds_something_on_the_line_of_every_match(name: str) -> None:
    """Every match of the portion pattern holds a match of its screen before its line's
    end, so a fresh ``ScreenedPattern`` searches as the pattern from everywhere (and stays
    uncompiled on the texts where the screen finds nothing); on single lines and on texts
    of several lines (the pattern reads nothing past its line)."""
    policy = load_policy(POLICIES / name)
    portion = policy.engine.context_re.otherwise
    assert isinstance(portion, ScreenedPattern)
    full = portion.full()
    lines = _portion_lines(policy, 1500, seed=12) + adversarial_lines(policy, 300, seed=13)
    rng = random.Random(14)
    lines += ["\n".join(rng.sample(lines, rng.randint(2, 4))) for _ in range(300)]
    matched = unscreened = 0
    for line in lines:
        view = _view(line)
        fresh = ScreenedPattern(portion.full, portion.screen)
        for at in [m.start() for m in re.finditer("\n", view)]:
            want = full.match(view, at)
            if want is not None:
                matched += 1
                end = view.find("\n", at + 1) + 1
                assert portion.screen.search(view, at, end) is not None, line
            assert _same(fresh.search(view, at), full.search(view, at)), line
        for at in range(0, len(view), 3):  # a search from anywhere
            assert _same(fresh.search(view, at), full.search(view, at)), line
        if not fresh.compiled:
            unscreened += 1
            assert portion.screen.search(view) is None, line
    assert matched > 300 and unscreened > 50  # both ways are taken


def test_text_without_a_slash_or_a_mark_in_brackets_leaves_the_portion_pattern_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fresh_loads(monkeypatch)
    policy = load_policy(POLICIES / "default.yaml")
    portion = policy.engine.context_re.otherwise
    assert isinstance(portion, ScreenedPattern)
    everyday = "The meeting moved to Tuesday at ten.\nName three capitals in Europe (briefly).\n"
    assert check_text(policy, everyday).level == "UNCLASSIFIED"
    assert not portion.compiled
    assert check_text(policy, "The minutes.\n(S) The plan is set.\n").level == "SECRET"
    assert portion.compiled


def test_a_streams_look_at_a_line_compiles_the_portion_pattern() -> None:
    """``match`` (a stream's release check, at every token) does not screen."""
    portion = load_policy(POLICIES / "default.yaml").engine.context_re.otherwise
    assert isinstance(portion, ScreenedPattern)
    fresh = ScreenedPattern(portion.full, portion.screen)
    assert fresh.match("\nThe minutes.", 0) is None
    assert fresh.compiled
