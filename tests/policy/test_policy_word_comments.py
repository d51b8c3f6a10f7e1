"""Issue 9: a markup comment against a word is taken out of every view, so every reader
sees the word a browser shows, over lines too: a comment over the lines of a split banner
(``SECRE<!--`` / ``x`` / ``-->T``), one at the start of a hyphenated banner's second line
(``REST-`` / ``<!-- x -->RICTED``). Its text is read on its own line when it holds capitals
(``The plan<!-- TOP SECRET --> is ready.``), prose in lower case stays prose. A stream
holds an undecided comment back (``_comments.undecided``) and decides as the whole text."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import pytest

from milai.policy import Policy, _comments, check_text
from milai.policy._comments import undecided, word_comments
from tests.levels import assert_targets_read
from tests.policy.adversarial import pieces
from tests.policy.families import banner_sample
from tests.policy.test_policy_stream_properties import _assert_stream_properties


def _inside(marking: str, comment: str) -> str:
    """``marking`` with ``comment`` before its last letter."""
    return marking[:-1] + comment + marking[-1]


def _hyphenated(marking: str) -> str:
    """``marking`` hyphenated inside its first word of three letters or more, a comment
    starting the second line."""
    at = next(i for i in range(2, len(marking)) if marking[i - 2 : i + 1].isalnum())
    return f"{marking[:at]}-\n<!-- TODO: fix -->{marking[at:]}"


FORMS: dict[str, Callable[[str], str]] = {
    "over lines": lambda m: "\n".join(_inside(m, "<!--\nx\n-->").split(" ")),
    "hyphenated": _hyphenated,
    "split, its second line": lambda m: m.replace(" ", "\n", 1)[:-2] + "<!-- x -->" + m[-2:],
}


@pytest.mark.parametrize("form", FORMS)
def test_every_banner_with_a_comment_over_lines_counts(form: str) -> None:
    assert_targets_read(
        banner_sample(form),
        lambda target: f"{FORMS[form](target.text)}\nThe convoy leaves at dawn.\n",
    )


@pytest.mark.parametrize("form", FORMS)
def test_a_comment_over_lines_streams_as_it_reads_whole(default_policy: Policy, form: str) -> None:
    rng = random.Random(form)
    for marking in ("NATO SECRET", "TOP SECRET", "TRÈS SECRET UE"):
        text = f"Intro.\n{FORMS[form](marking)}\nThe convoy leaves at dawn.\n"
        _assert_stream_properties(default_policy, text, pieces(text, rng), exactly=True)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("The plan<!-- TOP SECRET --> is ready.", "TOP SECRET"),
        ("<!-- NATO SECRET -->Plan", "SECRET"),
        ("The plan<!-- secret --> is ready.", "UNCLASSIFIED"),
        ("The plan<!-- Secret --> is ready.", "UNCLASSIFIED"),
        ("Our Secret<!-- x -->Garden opens at ten.", "UNCLASSIFIED"),
        ("<b>Top</b><!-- secret sauce -->recipe", "UNCLASSIFIED"),
        ("a<!--" + "x" * 400 + "-->b", "UNCLASSIFIED"),
    ],
)
def test_a_comments_text_is_read_on_its_own_line(
    default_policy: Policy, text: str, level: str
) -> None:
    assert check_text(default_policy, text).level == level


def test_a_stream_removes_the_comments_the_whole_text_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Random texts of openers, closers, letters and line breaks, cut at random: holding
    back the undecided tail, the pieces' comments are the whole text's (a short bound, so
    that comments too long to take out come up often)."""
    monkeypatch.setattr(_comments, "MAX_COMMENT", 12)
    rng = random.Random(9)
    alphabet = ["<!--", "-->", "a", " ", "-", "<", "!", "\n", "b-", "--"]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        cuts = sorted(rng.sample(range(len(text) + 1), min(len(text) + 1, rng.randint(0, 6))))
        found: list[tuple[int, int]] = []
        held = before = ""
        done = 0
        for number, (low, high) in enumerate(zip([0, *cuts], [*cuts, len(text)], strict=True)):
            chunk = held + text[low:high]
            cut = len(chunk) if number == len(cuts) else undecided(chunk)
            assert len(chunk) - cut <= _comments.MAX_COMMENT + 1, (text, chunk)
            shown, held = chunk[:cut], chunk[cut:]
            found += [(done + s, done + e) for s, e in word_comments(shown, before)]
            before = (before + shown)[-2:]
            done += len(shown)
        assert found == word_comments(text), (text, cuts)


def test_finding_comments_is_linear() -> None:
    """Openers that one far closer follows, openers that none does: one pass each."""
    for text in ("a<!--" * 40_000 + "-->", "a<!--" * 40_000, "a<!--b-->" * 20_000):
        begin = time.process_time()
        word_comments(text)
        undecided(text)
        assert time.process_time() - begin < 0.5, text[:20]


def test_a_comment_over_a_folded_calendar_line_is_removed(default_policy: Policy) -> None:
    """A comment over an iCalendar fold (a line break and a tab): the field's value, read
    in the original text, loses the comment over its lines too."""
    text = (
        "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nTITLE:NATO CONF<!-- \n\tx -->IDENTIAL\n"
        "END:VEVENT\nEND:VCALENDAR\n"
    )
    assert check_text(default_policy, text).level == "CONFIDENTIAL"
