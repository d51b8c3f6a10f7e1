"""One endless line: streamed one character at a time, the gate decides and redacts as on
the whole text (its per-token work no longer grows with the line: bench/stream_gate.py);
a line longer than the decoders' window is read in overlapping windows, streamed or whole
alike, so nothing across a cut is read lower."""

from __future__ import annotations

import itertools
import random

import pytest

from milai.policy import Decision, Policy, check_stream, check_text, redact_text
from milai.policy._calls import START_RE as CALL_START_RE
from milai.policy._figlet import art_open_start, art_prefix
from milai.policy._line_forms import LineForms
from milai.policy.decoders import (
    DUMP_HEAD_LENGTH,
    LINE_OVERLAP,
    MAX_LINE,
    dump_row_begins,
    line_windows,
    mime_blocks,
    mime_tail,
    one_byte,
    partial_start,
    trigger_lines,
)
from milai.policy.detect import (
    _FIELD_LEAD,
    _FIELD_REACH,
    _FORM_REACH,
    DecodeState,
    DecodeUnit,
    EncodedUnit,
    KeywordUnit,
    RegexUnit,
    Scanner,
    _reversed_trigger,
)
from milai.policy.stream import Releaser
from tests.scale import sample, scaled

FILLER = "the model was asked to answer on one line and it never ends its line, "


def _one_line(length: int, tail: str) -> str:
    """``length`` characters of filler on one line, ending with ``tail`` (and a blank)."""
    head = (FILLER * (length // len(FILLER) + 1))[: length - len(tail) - 1]
    return head + tail + " "


def _released(policy: Policy, chunks: list[str]) -> tuple[str, str, Decision]:
    """(text released before the end, all text released, decision) through a releaser."""
    releaser = Releaser(policy, "output")
    before = "".join(releaser.push(chunk) for chunk in chunks)
    return before, before + releaser.finish(), releaser.collector.decision()


@pytest.mark.parametrize(
    "tail",
    [
        "",
        ' and at last {"id": 7, "classification": "NATO SECRET"} and',
        " then KEYMAT is sent to jean.dupont@etat.lu as %54%4F%50%20%53%45%43%52%45%54 too",
    ],
    ids=["no marking", "classification field", "codeword, e-mail, percent-encoding"],
)
def test_one_line_of_twenty_thousand_tokens_decides_as_the_whole_text(
    default_policy: Policy, tail: str
) -> None:
    text = _one_line(scaled(20_000, 800), tail)  # 20,000 in CI (tests/scale.py)
    before, released, decision = _released(default_policy, list(text))
    assert decision == check_text(default_policy, text, direction="output")
    assert released == redact_text(default_policy, text)
    if not tail:
        assert released == text
        # prose on one line streams: only a short tail is held, however long the line
        assert len(text) - len(before) < 128
    else:
        assert decision.findings


def _old_release(scanner: Scanner, unit: DecodeUnit, line_start: int) -> int:
    """The decode unit's release point as it was computed before it became incremental:
    from the whole unfinished text at every token (the reference)."""
    text = scanner.orig_slice(line_start, scanner.orig_end)
    held = text.rfind("\n") + 1
    if held > 0 and (trigger_lines(text, held) or mime_blocks(text[:held])):
        return line_start
    # complete lines of art that the next lines may continue (``_figlet``) are held from
    # their first, whatever else holds the unfinished line
    if held > 0 and art_open_start(text[:held]) is not None:
        return line_start
    if dump_row_begins(text[held:][:DUMP_HEAD_LENGTH]):
        return line_start + held  # a dump's first row, held from its offset
    start = partial_start(text[held:])
    if mime_blocks(text) or (held > 0 and mime_tail(text[:held]) is not None):
        return line_start
    if _reversed_trigger(unit.engine.reversed_words, text, partial=True):
        return line_start
    # a shift over another spelling: from the first evidence's word, or the stretch at the
    # end that may still grow into evidence (``ComposedShifts``)
    line = text[held:]
    composed = unit.engine.composed
    for found in (composed.first_evidence(line, one_byte(line)), composed.open_stretch(line)):
        if found is not None:
            start = found if start is None else min(start, found)
    # a line form (``_line_forms``): its head, or a garbled word or a file name's '=' past it
    form = LineForms.hold_from(line[:_FORM_REACH])
    if form is None and len(line) > _FORM_REACH:
        lasting = LineForms.lasting(line[_FORM_REACH - 8 :])
        if lasting is not None:
            form = _FORM_REACH - 8 + lasting
            form = max(line.rfind(" ", 0, form), line.rfind("\t", 0, form)) + 1
    if form is not None:
        start = form if start is None else min(start, form)
    # a word a cipher turns into a marking word (``_ciphers``), or the start of one at the
    # end: the whole line is held
    ciphers = unit.engine.ciphers
    tail = line[-(ciphers.longest + 1) :]
    if ciphers.first(line, 0) is not None or ciphers.open_word(tail):
        start = 0
    # so is a word that may be doubled or filled (``_doubled``), or the start of one
    fillers = unit.engine.fillers
    if fillers.first(line) is not None or fillers.open_word(line[-fillers.longest :]):
        start = 0
    # a literal, ``echo``'s words or a shell variable's use, which a call after it may yet
    # transform (``_calls``): from the first
    called = CALL_START_RE.search(line)
    if called is not None:
        start = called.start() if start is None else min(start, called.start())
    # a line that may be a banner drawn in ASCII art (``_figlet``): held whole
    if art_prefix(line, len(line)):
        start = 0
    return scanner.orig_end if start is None else line_start + held + start


@pytest.mark.parametrize("seed", range(6))
def test_the_decode_units_release_is_never_later_than_a_full_rescan(
    default_policy: Policy, seed: int
) -> None:
    """Never later than the plain search of the whole line; earlier only within the word
    that the plain search points into (the unfinished word is held from its start)."""
    rng = random.Random(seed)
    alphabet = ["ab", "cd", " ", " ", "  ", "%2", "0x", "&", "_", "-", "<~", "4F", "ABCDEFG"]
    alphabet += ["Z234567", "terces", "TERCES", "\u202e", "ex", "Q1VJ", "\n", "x" * 40]
    for _ in range(scaled(40, 8)):  # 40 texts a seed in CI (tests/scale.py)
        scanner = Scanner(default_policy.engine)
        unit, state = next((u, s) for u, s in scanner.runs if isinstance(u, DecodeUnit))
        assert isinstance(state, DecodeState)
        text = ""
        for _ in range(rng.randint(1, 60)):
            piece = rng.choice(alphabet)
            scanner.feed(piece)
            text += piece
            got = unit.release(scanner, state)
            want = _old_release(scanner, unit, state.line_start)
            assert got <= want, (text, got, want)
            if got < want:
                assert not any(ch.isspace() for ch in text[got:want]), (text, got, want)


def _across(at: int, piece: str, cut: int, length: int) -> str:
    """A line of ``length`` characters with ``piece`` placed so that its first ``cut``
    characters end at offset ``at``."""
    head = _one_line(at - cut, "")
    return head + piece + (FILLER * (length // len(FILLER) + 1))[: length - len(head) - len(piece)]


REVERSED_FIELD = '}"TERCES POT":"noitacifissalc"{'  # {"classification":"TOP SECRET"} backwards
HEX_FIELD = " ".join(f"{b:02x}" for b in b'{"classification":"TOP SECRET"}')


PIECES = [
    (REVERSED_FIELD, len('}"TERCES '), "reversed, TERCES | POT"),  # between TERCES and POT
    (REVERSED_FIELD, 3, "reversed, early cut"),
    (HEX_FIELD, HEX_FIELD.index("54 4f 50"), "hex, | TOP"),  # cut before TOP
    (HEX_FIELD, len(HEX_FIELD) // 2 + 1, "hex, middle"),
]
WINDOW_CUTS = [(MAX_LINE, "cut 1"), (2 * MAX_LINE - LINE_OVERLAP, "cut 2")]


# Every piece at every window cut in CI; in the fast line, one piece of each field (reversed,
# hex) at one of the cuts.
@pytest.mark.parametrize(
    ("piece", "cut", "at"),
    [
        pytest.param(piece, cut, at, id=f"{cut_name}-{name}")
        for piece, cut, name in sample(PIECES, 2, seed="window pieces", cover=lambda p: [p[0]])
        for at, cut_name in sample(WINDOW_CUTS, 1, seed=f"window cut: {name}")
    ],
)
def test_a_line_over_64_kib_is_not_read_lower_across_a_window_cut(
    default_policy: Policy, piece: str, cut: int, at: int
) -> None:
    text = _across(at, piece, cut, 3 * MAX_LINE) + "\n"
    whole = check_text(default_policy, text, direction="output")
    assert whole.level == "TOP SECRET"
    for size in sample((997, 4099, 1 << 20), 1, seed=f"{piece}{cut}{at}"):  # all three in CI
        chunks = [text[i : i + size] for i in range(0, len(text), size)]
        assert check_stream(default_policy, chunks, direction="output") == whole
    _, released, decision = _released(
        default_policy, [text[i : i + 997] for i in range(0, len(text), 997)]
    )
    assert decision == whole
    assert released == redact_text(default_policy, text)


def test_line_windows_cover_the_line_and_overlap() -> None:
    for length in (0, 1, MAX_LINE, MAX_LINE + 1, 2 * MAX_LINE, 5 * MAX_LINE + 17):
        windows = line_windows(length)
        assert windows[0][0] == 0 and windows[-1][1] == length
        for (_, end), (next_start, next_end) in itertools.pairwise(windows):
            assert end - next_start == LINE_OVERLAP and next_end > end
        assert all(end - start <= MAX_LINE for start, end in windows)


def test_the_overlap_exceeds_every_detection_inside_a_line(
    default_policy: Policy, ministry_policy: Policy
) -> None:
    """What one cut splits lies whole in the next window: the overlap is longer than any
    in-line detection's reach (banner lines are never longer than a window)."""
    assert LINE_OVERLAP > _FIELD_LEAD + _FIELD_REACH
    for policy in (default_policy, ministry_policy):
        for unit in policy.engine.units:
            if isinstance(unit, KeywordUnit | RegexUnit | EncodedUnit):
                assert unit.reach < LINE_OVERLAP, unit


@pytest.mark.parametrize("newline", ["\n", ""], ids=["many lines", "one line"])
def test_a_first_chunk_over_64_kib_is_redacted_whole(default_policy: Policy, newline: str) -> None:
    """The releaser claims the text it has not released from the first chunk on (the
    scanner trimmed an unclaimed first chunk: redact_text of 190 KB kept its last 5.6 KB)."""
    body = ("A line of prose, nothing to see here." + newline) * 5000
    text = "Mail jean.dupont@etat.lu now.\n" + body + "Or call +352 621 123 456.\n"
    redacted = redact_text(default_policy, text)
    assert redacted == (
        "Mail [REDACTED:pii-email-output] now.\n" + body + "Or call [REDACTED:pii-phone-output].\n"
    )


def test_a_line_without_blanks_streams(default_policy: Policy) -> None:
    """Chinese or Japanese prose has no blanks: one word as long as the line, which is
    watched from its new characters, not held (nothing in it could begin an encoded run)."""
    text = "这是一个很长的段落\uff0c没有空格\uff0c模型一直在写\u3002" * scaled(100, 40)
    before, released, decision = _released(default_policy, list(text))
    assert released == text
    assert decision == check_text(default_policy, text, direction="output")
    assert len(before) > 0.99 * len(text)
