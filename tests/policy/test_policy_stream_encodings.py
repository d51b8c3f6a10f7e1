"""The encodings a model can be asked to answer in (binary octets, code point lists,
quoted-printable, UTF-7), streamed through the real output gate: a run in progress is held,
never released, and the stream decides as the whole text does, for markings of both
shipped policies, one character at a time and in token-sized pieces."""

from __future__ import annotations

import base64
import random
from collections.abc import Callable

import pytest

from milai.policy import Policy, check_stream, check_text
from tests.levels import assert_reads_at_least
from tests.policy.adversarial import pieces
from tests.policy.families import BY_NAME, ENCODINGS, RUNS, build, targets
from tests.policy.test_policy_stream_properties import _assert_stream_properties
from tests.scale import scaled

NEW = sorted(RUNS)


@pytest.mark.parametrize("name", NEW)
def test_a_run_in_progress_is_held(default_policy: Policy, name: str) -> None:
    rng = random.Random(f"stream:{name}")
    banners = [t for t in targets() if t.policy == "default.yaml" and not t.portion]
    for target in rng.sample(banners, scaled(2, 1)):  # 2 in CI (tests/scale.py)
        text = build([BY_NAME[name]], target, rng)
        assert check_text(default_policy, text).level != "UNCLASSIFIED", text
        _assert_stream_properties(default_policy, text, list(text))
        _assert_stream_properties(default_policy, text, pieces(text, rng, (1, 1, 2, 3, 4, 7)))


@pytest.mark.parametrize("name", NEW)
def test_ministry_markings_stream_as_whole(ministry_policy: Policy, name: str) -> None:
    rng = random.Random(f"ministry:{name}")
    banners = [t for t in targets() if t.policy == "ministry-codewords.yaml" and not t.portion]
    for target in rng.sample(banners, 3):
        text = ENCODINGS[name](f"{target.text}\nThe convoy leaves at dawn.", rng)
        chunks = pieces(text, rng, (1, 1, 2, 3, 4, 7))
        assert check_stream(ministry_policy, chunks) == check_text(ministry_policy, text)
        assert_reads_at_least(ministry_policy, text, target.level)


@pytest.mark.parametrize("name", NEW)
def test_a_run_after_words_on_its_line_is_held(default_policy: Policy, name: str) -> None:
    """The run follows words on its line and is followed by more: released only up to
    its start, one character at a time."""
    rng = random.Random(f"inline:{name}")
    for target in ("NATO SECRET", "TOP SECRET", "CONFIDENTIEL LUX"):
        run = RUNS[name](target, rng)
        text = f"{rng.choice(['Answer:', 'Here it is', 'Voilà :'])} {run} ok\nmore text\n"
        _assert_stream_properties(default_policy, text, list(text))


def test_an_upside_down_line_is_held_to_its_end(default_policy: Policy) -> None:
    """Upside-down writing is read rotated, whole: streamed a character at a time, nothing
    of the line is released before the gate has read it."""
    rng = random.Random("upside-down")
    banners = [t for t in targets() if t.policy == "default.yaml" and not t.portion]
    for target in rng.sample([t for t in banners if BY_NAME["upside-down"].applies(t)], 3):
        text = f"Intro line\n{build([BY_NAME['upside-down']], target, rng)}"
        assert check_text(default_policy, text).level != "UNCLASSIFIED", text
        _assert_stream_properties(default_policy, text, list(text))


@pytest.mark.parametrize("name", ["code-points", "quoted-printable"])
def test_a_run_glued_to_a_long_word_is_held(default_policy: Policy, name: str) -> None:
    """A run that starts inside a word longer than the word head (punctuation before it):
    the word is held once it ends in the run's first character."""
    run = RUNS[name]("NATO SECRET", random.Random(name))
    text = f"Answer: {'.' * 30}({run}) ok\nmore\n"
    _assert_stream_properties(default_policy, text, list(text))


# A banner split over a multi-line CONCAT, as the pair run drew it (string-joins+ascii85).
_CONCAT = "SELECT CONCAT(\n    'L',\n    'UX TOP SE',\n    'C',\n    'RET'\n) AS banner;\n"


@pytest.mark.parametrize(
    "encode",
    [
        lambda raw: base64.a85encode(raw, adobe=True).decode(),
        lambda raw: base64.b64encode(raw).decode(),
        lambda raw: raw.hex(),
    ],
    ids=["ascii85", "base64", "hex"],
)
def test_a_decoded_document_is_not_quieted_by_its_encodings_look(
    ministry_policy: Policy, encode: Callable[[bytes], str]
) -> None:
    """ascii85's '<' and '>' make its line look like markup, whose reading quiets the
    line; what it decodes to is no part of that reading and decides for itself."""
    encoded = encode(_CONCAT.encode())
    for text in (f"Antwort: {encoded}\n", f"<p>{encoded}</p>\n"):
        assert_reads_at_least(ministry_policy, text, "TOP SECRET")
        chunks = pieces(text, random.Random(text), (1, 2, 3, 7))
        assert check_stream(ministry_policy, chunks) == check_text(ministry_policy, text)
