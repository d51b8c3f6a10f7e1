"""Property tests: chunking never changes a decision, a redaction, or leaks a blocked byte.

Outputs that hold markings, codewords and personal data are cut at every position (and
at random sets of positions); the streamed result must equal the whole-text result, and
the text the output gate released before a block must stop before the blocked span. In
held mode (the sink below the model's accreditation or the conversation's level) nothing
is released before the end, and a late marking withholds the whole text.

README's fast line draws fewer cuts and examples; ``MILAI_TESTS=thorough`` (CI) all of them.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from typing import Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from milai.documents import HEAD_BYTES
from milai.errors import Blocked
from milai.policy import (
    Action,
    Decision,
    Policy,
    PolicyGate,
    PolicyOutputGate,
    check_stream,
    check_text,
    redact_stream,
    redact_text,
)
from milai.policy.whole import TEXT, Unreadable, document_text, material_kind
from tests.policy.adversarial import pieces
from tests.policy.families import family_cases, shipped_policy
from tests.scale import SEED, THOROUGH, sample, scaled

FRAGMENTS = [
    "The convoy leaves at dawn. ",
    "Rapport de la réunion du comité. ",
    "Der Geheimdienst schweigt. ",
    "a secret recipe ",
    "\nSECRET//NOFORN\n",
    "\nNATO CONFIDENTIAL\n",
    "\n(S) The plan is set.\n",
    "\n(TS//SI) Intercepts.\n",
    "\n> TRÈS SECRET LUX\n",
    "Subject: [RESTREINT UE] agenda\n",
    "\n\u0405\u0415\u0421R\u0415\u0422\n",
    "\nS E C R E T\n",
    "S\u200bECRET",
    "KEYMAT",
    " K E Y M A T ",
    "jean.dupont@etat.lu",
    " +352 621 123 456 ",
    "LU28 0019 4006 4475 0000",
    "1985 0315 123 71",
    " U0VDUkVU ",
    "(C) 2024 ",
    "\n\u202e)NROFON( TERCES OTAN\u202c\n",
    "TFARD - TERCES\n",
    '{"id":7,"classification":"NATO SECRET"}\n',
    '<meta content="TOP SECRET" name="classification">\n',
    "\nClassification:\nTOP\n",
    "SECRET - DRAFT\n",
    "\n**TOP**\n**",
    "\nS E C R E T  t h e  p l a n",
    " $y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC ",
    "id;Einstufung\n7;GEHEIM\n",
    # any field name, a title after a banner, square portion marks, Caesar, phonetic words
    "\ntitle: NATO SECRET\n",
    "\nGEHEIM - Lagebericht\n",
    "\n[S] The plan.\n",
    " VHFUHW ",
    "Sierra Echo Charlie Romeo Echo Tango ",
    # log prefixes, pairs, lists of markings and vocabularies
    "2024-03-12T10:00:00Z INFO [SECRET] x\n",
    "?a=1&level=TOP_SECRET ",
    '["SECRET", "NOFORN"]\n',
    "{ SECRET, TOP_SECRET }\n",
    "\n",
]

FIXED = [
    "Intro.\nSECRET//NOFORN\nThe KEYMAT is here, mail jean@etat.lu.",
    "> NATO SECRET\n(S) Para with +352 621 123 456 and LU28 0019 4006 4475 0000.",
    "x S\u200bE C R E T y\n\u0405\u0415\u0421R\u0415\u0422\nU0VDUkVU tail",
    "Subject: [CONFIDENTIEL DÉFENSE] réunion\n(C) 2024 Acme\nK E Y M A T",
    # split banners with a label, markup, a bracket or furniture; a spaced-out line
    "Intro.\nClassification: TOP\nSECRET - DRAFT\nThe plan.",
    "ok\n**TOP**\n**SECRET**\n[CONFI-\nDENTIAL]\nend",
    "ok\n| Einstufung | STRENG\nGEHEIM |\nend",
    "ok\nS E C R E T   t h e   p l a n   f o r   t o d a y\nend",
    # a name/value pair in either order; a password hash
    'x\n<meta content="SECRET" name="classification">\n{"value": "NATO SECRET", "key": "x"}',
    "root:$6$XyZ12345$Vx0dH0Fj9kQ1p2.oAbCdEfGhIjKlMnOpQrStUv:1::\nok",
    'a secret recipe <meta content="TOP SECRET" name="classification">\n',
    # a text inside a JSON string, quoted-printable, LaTeX markup, rot13 with look-alikes
    'ok "quoted" {"answer": "TOP SECRET\\nThe plan."} end\nmore',
    "x =53=45=43=52=45=54=0A=54=65 y\nz",
    "ok\n\\begin{center}\\textbf{SECRET}\\end{center}\nend",
    "ok\nGBC 5RPERG - QENSG\nend",
    # a marking split over lines inside cells (held until the next line ends)
    "ok\n12 March | CONFI-\nDENTIAL | Copy 3\nend",
    'x\n<input value="SE-\nCRET" readonly>\nend',
    "ok\nAnnex A        TOP\nSECRET\nend",
    # any field name, a title after a banner, square portion marks, Caesar, phonetic words
    "Intro.\ndc.subject: NATO SECRET\nok [S] x\nGEHEIM - Lagebericht Nord\nend",
    "ok\n[TS] The plan.\nThe WRS VHFUHW - SODQ plan\nend",
    "x Tango Oscar Papa  Sierra Echo Charlie Romeo Echo Tango y\nThe Hotel India ok",
    # log prefixes, pairs of logs and forms, lists, SQL rows, YAML tags, spreadsheet cells,
    # semicolon caveats; vocabularies and comparisons (UNCLASSIFIED whatever the cuts)
    "Intro.\nMar 12 10:00:00 host exporter[231]: [SECRET] export started\n"
    "ts=2024-03-12T10:00:00Z level=info classification=NATO_SECRET user=jd\nend",
    'x ["SECRET", "REL TO USA, FVEY"] y\n'
    "INSERT INTO docs (title, classification) VALUES ('Plan', 'SECRET');\nend",
    "ok\nclassification: !!str SECRET\nA1: Classification\tB1: SECRET LUX\nSECRET; NOFORN\nend",
    "x\nGET /docs?id=7&level=TOP_SECRET HTTP/1.1\nenum Level { UNCLASSIFIED, SECRET, TOP_SECRET }\n"
    'if level == "TOP SECRET": x\nend',
    "ok ('TOP SECRET', 'NOFORN') x\nend",
    # Windows line ends, terminal colours and cursor moves, nroff bold (red team round 5)
    "Intro.\r\nTOP\r\nSECRET\r\nSE-\r\nCRET\r\nend\r\n",
    "x \x1b[1;31mNATO SECRET\x1b[0m y\nNATO \x1b[5CSECRET\nS\bSE\bEC\bCR\bRE\bET\bT\nend",
    # a word that becomes percent-encoded only later (its findings land on the whole word:
    # released from its start, the stream stopped with an internal error)
    "see https://example.org/q?text=GEHEIM%0Athe%20plan now\nok",
]

texts = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.text(alphabet="ab SECRT\n\r\b\x1b[m().:@+0123456789/", max_size=12),
    ),
    min_size=1,
    max_size=8,
).map("".join)


def _chunks(text: str, cuts: list[int]) -> list[str]:
    points = sorted({c for c in cuts if 0 < c < len(text)})
    bounds = [0, *points, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


def _stops(policy: Policy, text: str, out_level: str) -> list[int]:
    """Where the output gate must stop: block findings and findings above the sink."""
    return _stops_of(policy, check_text(policy, text, direction="output"), out_level)


def _stops_of(policy: Policy, decision: Decision, out_level: str) -> list[int]:
    """``_stops`` of the output's decision already made."""
    return [
        f.start
        for f in decision.findings
        if f.action is Action.BLOCK or policy.above(f.level, out_level)
    ]


STREAMING = "RESTRICTED"  # a model accredited at the sink's level: its output streams
HELD = "SECRET"  # a model accredited above the sink: its output is held to the end


def _gate_stream(
    policy: Policy, chunks: list[str], *, model_level: str = STREAMING
) -> tuple[str, int, bool, list[str]]:
    """(released text, original characters released, blocked?, what each feed released)
    through an output gate to a RESTRICTED sink."""
    gate = PolicyGate(policy, clearance="SECRET", model_level=model_level, out_level="RESTRICTED")
    out = gate.open_output(gate.check_prompt("question"))
    assert out.held is (model_level == HELD)
    fed: list[str] = []
    released: list[str] = []
    try:
        for chunk in chunks:
            fed.append(out.feed(chunk))
        released.append(out.close())
    except Blocked:
        return "".join(fed), _released_upto(out, fed), True, fed
    return "".join(fed + released), _released_upto(out, fed), False, fed


def _released_upto(out: PolicyOutputGate, fed: list[str]) -> int:
    """The original characters ``out`` released while fed: once its start reads as a
    document it holds the rest (its releaser goes on, into what is kept to the end), so
    then what it returned; else its releaser's cursor."""
    if out.reads_as is not None:
        return len("".join(fed))
    return out._releaser.cursor


def _decided(decision: Decision) -> tuple[object, ...]:
    """A decision without its findings' explanations: a span that two readings find (a
    base64 cell is a banner line's encoded run and a cell of its line) is explained by the
    reading whose chunk completes first, so streamed and whole may name different ones."""
    findings = tuple((f.rule, f.kind, f.level, f.action, f.start, f.end) for f in decision.findings)
    return (decision.action, decision.level, findings)


@dataclass(frozen=True)
class _Whole:
    """What the whole text decides, redacts and must stop at: the same for every cut of it."""

    decisions: dict[Literal["prompt", "output"], Decision]
    redacted: str
    stops: list[int]


_WHOLE: dict[tuple[int, str], tuple[Policy, _Whole]] = {}


def _whole(policy: Policy, text: str) -> _Whole:
    """``text`` read whole, once a process for each policy (a test cuts it many ways)."""
    key = (id(policy), text)
    if key not in _WHOLE:
        if len(_WHOLE) > 4096:
            _WHOLE.clear()
        decisions = {d: check_text(policy, text, direction=d) for d in DIRECTIONS}
        stops = _stops_of(policy, decisions["output"], "RESTRICTED")
        try:
            document = document_text(text)
            stopped = document is not None and bool(
                _stops_of(policy, check_text(policy, document, direction="output"), "RESTRICTED")
            )
        except Unreadable:
            stopped = True
        if stopped:
            # read whole as a document (policy.whole), it stops, or does not open: the
            # output gate holds it from where its start reads as one, and blocks at the end
            stops.append(_reads_whole_from(text))
        whole = _Whole(decisions, redact_text(policy, text), stops)
        _WHOLE[key] = (policy, whole)  # the policy held: its id is not reused meanwhile
    return _WHOLE[key][1]


def _reads_whole_from(text: str) -> int:
    """The shortest start of ``text`` that reads as a document (``material_kind``): from
    there the output gate holds the rest."""
    data = text.encode("utf-8", "replace")
    for end in range(1, len(text) + 1):
        head = text[:end].encode("utf-8", "replace")[:HEAD_BYTES]
        if material_kind(head) != TEXT:
            return end
        if len(head) >= HEAD_BYTES:
            break
    assert material_kind(data[:HEAD_BYTES]) != TEXT
    return len(text)


DIRECTIONS: tuple[Literal["prompt", "output"], ...] = ("prompt", "output")


STRETCH = 64  # the fast line's fine-grained stretch of a release pass
FINE = 8  # a stream whose every chunk is at most this long is fine-grained


def _released_in(policy: Policy, text: str, chunks: list[str]) -> list[str]:
    """The chunks the release passes (redaction, output gate, held gate) take. A release
    point is worked out after every chunk, in time that grows with the line held: a long
    text in small chunks (one character at a time, a family's case in pieces of 1 to 8) is
    most of the fast line's stream time. There, a fine-grained stream (every chunk at most
    ``FINE`` characters) of a text longer than ``STRETCH`` is released in its own chunks
    over the ``STRETCH`` characters around its first stop (else its first finding, else a
    seeded place) and elsewhere in pieces of 1 to 8 times its largest chunk (a
    one-character stream: 1 to 8 characters); its decisions (``check_stream``) still take
    every chunk as given, and CI (tests/scale.py) releases every chunk as given too."""
    largest = max(map(len, chunks), default=0)
    if THOROUGH or len(text) <= STRETCH or largest > FINE:
        return chunks
    whole = _whole(policy, text)
    rng = random.Random(f"{SEED}:stretch:{text}")
    found = whole.stops or [f.start for f in whole.decisions["output"].findings]
    middle = min(found) if found else rng.randrange(len(text))
    start = max(0, min(middle - STRETCH // 2, len(text) - STRETCH))
    end = start + STRETCH
    # the given chunks that reach into [start, end), taken whole
    kept, at, first, last = [], 0, len(text), len(text)
    for chunk in chunks:
        if at + len(chunk) > start and at < end:
            first = min(first, at)
            kept.append(chunk)
            last = at + len(chunk)
        at += len(chunk)
    sizes = tuple(largest * n for n in _PIECES)
    before, after = pieces(text[:first], rng, sizes), pieces(text[last:], rng, sizes)
    return [*before, *kept, *after]


_PIECES = (1, 2, 3, 4, 5, 6, 7, 8)


def _assert_stream_properties(
    policy: Policy, text: str, chunks: list[str], *, exactly: bool = False
) -> None:
    """``chunks`` (of ``text``) streamed: each decides as the whole text (``exactly``: the
    prompt's decision with its findings' explanations too), redacts as it, and the output
    gate releases nothing it must stop, nor anything before the end when it holds."""
    whole = _whole(policy, text)
    for direction in DIRECTIONS:
        streamed = check_stream(policy, chunks, direction=direction)
        if exactly and direction == "prompt":
            assert streamed == whole.decisions[direction]
        assert _decided(streamed) == _decided(whole.decisions[direction])
    chunks = _released_in(policy, text, chunks)
    assert "".join(redact_stream(policy, chunks)) == whole.redacted
    released, released_upto, blocked, _ = _gate_stream(policy, chunks)
    assert whole.redacted.startswith(released)
    if whole.stops:
        assert blocked
        assert released_upto <= min(whole.stops), (released, whole.stops)
    else:
        assert not blocked
        assert released == whole.redacted
    held, _, held_blocked, fed = _gate_stream(policy, chunks, model_level=HELD)
    assert fed == [""] * len(fed)  # nothing before the end
    assert held_blocked is bool(whole.stops)
    assert held == ("" if whole.stops else whole.redacted)


def assert_cuts_stream(
    policy: Policy, text: str, fast: int = 4, *, one_character: bool = True
) -> None:
    """``text`` cut in two at every point (and streamed one character at a time): each
    stream has ``_assert_stream_properties``. The fast line cuts at ``fast`` points drawn
    (seeded by the text: tests/scale.py), CI at every one."""
    for cut in sample(range(1, len(text)), fast, seed=f"cut:{text}"):
        _assert_stream_properties(policy, text, [text[:cut], text[cut:]])
    if one_character:
        _assert_stream_properties(policy, text, list(text))


def assert_family_streams(family: str, count: int) -> None:
    """A sample of ``family``'s cases, alone and in pairs (all of them in CI), cut in
    random pieces: streamed, each decides as the whole text, and the output gate releases
    nothing it must stop (``_assert_stream_properties``). The fast line's sample holds the
    family alone on a marking of each policy and kind (banner, portion) it applies to
    (``Target.kind``; each scheme's are in test_policy_families.py) and a pair with another
    family, a twelfth of ``count`` cases in all at least."""
    cases = sample(
        family_cases(family),
        max(1, count // 12),  # every case in CI (tests/scale.py)
        seed=f"stream:{family}",
        cover=lambda case: [case.target.kind] if len(case.families) == 1 else ["pair"],
    )
    assert cases
    for case in cases:
        key = (case.id, case.text)
        if key in _STREAMED:
            continue
        policy = shipped_policy(case.target.policy)
        chunks = pieces(case.text, random.Random(case.id))
        _assert_stream_properties(policy, case.text, chunks, exactly=True)
        _STREAMED.add(key)


# The cases (a pair is a case of both its families) that passed ``assert_family_streams`` in
# this process: the same text in the same pieces (seeded by the case), so the same result.
# In CI each pair of two streamed families was streamed twice, ~10% of the family streams.
# A case that failed is not here, so the other family's test fails on it too.
_STREAMED: set[tuple[str, str]] = set()


@pytest.mark.parametrize("text", FIXED)
def test_every_single_cut(default_policy: Policy, text: str) -> None:
    for cut in sample(range(1, len(text)), 4, seed=text):  # every cut in CI (tests/scale.py)
        _assert_stream_properties(default_policy, text, [text[:cut], text[cut:]])


@pytest.mark.parametrize("text", FIXED)
def test_one_character_at_a_time(default_policy: Policy, text: str) -> None:
    _assert_stream_properties(default_policy, text, list(text))


def test_every_pair_of_cuts_around_a_marking(default_policy: Policy) -> None:
    text = "ok\nNATO SECRET\nend"
    for a, b in sample(list(itertools.combinations(range(1, len(text)), 2)), 6, seed=text):
        _assert_stream_properties(default_policy, text, [text[:a], text[a:b], text[b:]])


@settings(max_examples=scaled(150, 15), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), text=texts)
def test_random_chunkings(default_policy: Policy, data: st.DataObject, text: str) -> None:
    cuts = data.draw(st.lists(st.integers(0, max(len(text), 1)), max_size=12))
    _assert_stream_properties(default_policy, text, _chunks(text, cuts))


@settings(max_examples=scaled(60, 8), deadline=None)
@given(data=st.data(), text=texts)
def test_codewords_never_leak(ministry_policy: Policy, data: st.DataObject, text: str) -> None:
    text = text + data.draw(st.sampled_from([" NIGHTJAR ", " NIGHT-JAR ", "\nRAJTHGIN\n"])) + text
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=10))
    gate = PolicyGate(ministry_policy, clearance="TOP SECRET", model_level="TOP SECRET")
    out = gate.open_output(gate.check_prompt("q"))
    released: list[str] = []
    with pytest.raises(Blocked):
        for chunk in _chunks(text, cuts):
            released.append(out.feed(chunk))
        released.append(out.close())
    first = check_text(ministry_policy, text, direction="output").findings
    block_start = min(f.start for f in first if f.action is Action.BLOCK)
    assert out._releaser.cursor <= block_start
    assert "NIGHTJAR" not in "".join(released).replace("-", "")
    assert "RAJTHGIN" not in "".join(released)


@settings(max_examples=scaled(80, 10), deadline=None)
@given(text=st.text(max_size=60))
def test_arbitrary_unicode_never_crashes(default_policy: Policy, text: str) -> None:
    whole = check_text(default_policy, text)
    assert check_stream(default_policy, list(text)) == whole
    for finding in whole.findings:
        assert 0 <= finding.start <= finding.end <= len(text)


CLEAN = [
    "The convoy leaves at dawn. ",
    "Rapport de la réunion du comité. ",
    "Der Geheimdienst schweigt. ",
    "a secret recipe ",
    "(C) 2024 Acme ",
    "The weather is mild. ",
    "\n",
]
LATE = ["\n\nSECRET\n", "\n\nNATO SECRET\n", "\n\n(S) The plan is set.\n", "\n\nSECRET//NOFORN"]


@settings(max_examples=scaled(80, 10), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    body=st.lists(st.sampled_from(CLEAN), min_size=3, max_size=12).map("".join),
    late=st.sampled_from(LATE),
)
def test_a_late_marking_withholds_the_whole_held_text(
    default_policy: Policy, data: st.DataObject, body: str, late: str
) -> None:
    assert not _stops(default_policy, body, "RESTRICTED")  # the body alone is releasable
    text = body + late
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=12))
    chunks = _chunks(text, cuts)
    released, _, blocked, fed = _gate_stream(default_policy, chunks, model_level=HELD)
    assert blocked
    assert released == "" and fed == [""] * len(fed)  # the whole text, not a tail
    # The same text to a sink at the model's level streams: released body text may go out
    # before the late marking is seen, which is what the held mode exists to prevent.
    streamed, _, streamed_blocked, _ = _gate_stream(default_policy, chunks)
    assert streamed_blocked
    assert text.startswith(streamed)


@settings(max_examples=scaled(60, 8), deadline=None)
@given(data=st.data(), body=st.lists(st.sampled_from(CLEAN), min_size=1, max_size=12).map("".join))
def test_a_clean_held_text_comes_out_whole_at_the_end(
    default_policy: Policy, data: st.DataObject, body: str
) -> None:
    cuts = data.draw(st.lists(st.integers(0, len(body)), max_size=12))
    released, _, blocked, fed = _gate_stream(default_policy, _chunks(body, cuts), model_level=HELD)
    assert not blocked
    assert fed == [""] * len(fed)
    assert released == redact_text(default_policy, body)


@pytest.mark.parametrize("prefix", ["", "Antwort: "])
def test_wrapped_base64_streamed_line_by_line(default_policy: Policy, prefix: str) -> None:
    """A wrapped base64 block whose first line decodes to nothing on its own: the scan
    waits for the block, whatever the chunks (it used to decode the block without its
    first line when that line came alone)."""
    import base64

    raw = base64.b64encode(b"Rapport:\nTOP SECRET\nThe convoy leaves at dawn, at last.").decode()
    text = prefix + "\n".join(raw[i : i + 16] for i in range(0, len(raw), 16)) + "\nDone.\n"
    whole = check_text(default_policy, text)
    assert whole.level == "TOP SECRET"
    by_line = [line + "\n" for line in text.split("\n")[:-1]]
    for chunks in (by_line, list(text)):
        assert check_stream(default_policy, chunks).level == whole.level


def test_a_fast_release_pass_goes_chunk_by_chunk_around_the_first_stop(
    default_policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast line's stand-in for a long fine-grained stream (``_released_in``): the same
    text, one character (or the stream's own small piece) at a time over ``STRETCH``
    characters around where the gate must stop; CI releases every chunk as given."""
    import sys

    module = sys.modules[__name__]
    text = "The convoy leaves at dawn. " * 8 + "\nNATO SECRET\n" + "The plan is set. " * 8
    stop = min(_stops(default_policy, text, "RESTRICTED"))
    monkeypatch.setattr(module, "THOROUGH", False)
    chunks = _released_in(default_policy, text, list(text))
    assert "".join(chunks) == text and len(chunks) < len(text)
    starts = list(itertools.accumulate((len(c) for c in chunks), initial=0))
    single = [at for at, chunk in zip(starts, chunks, strict=False) if len(chunk) == 1]
    assert stop - STRETCH // 2 in single and stop + STRETCH // 2 - 1 in single
    # a stream in small pieces: its own pieces around the stop, larger ones elsewhere
    given = pieces(text, random.Random(text))
    chunks = _released_in(default_policy, text, given)
    assert "".join(chunks) == text and len(chunks) < len(given)

    def placed(parts: list[str]) -> list[tuple[int, str]]:
        return list(zip(itertools.accumulate(map(len, parts), initial=0), parts, strict=False))

    around = [
        (at, chunk)
        for at, chunk in placed(chunks)
        if at + len(chunk) > stop - STRETCH // 2 and at < stop + STRETCH // 2
    ]
    given_at = set(placed(given))
    assert around and set(around) <= given_at
    assert max(map(len, chunks)) > FINE
    assert _released_in(default_policy, text, [text]) == [text]  # only fine-grained streams
    monkeypatch.setattr(module, "THOROUGH", True)
    assert _released_in(default_policy, text, list(text)) == list(text)
    assert _released_in(default_policy, text, given) == given


def test_a_case_streams_once_a_process_and_a_failed_one_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``assert_family_streams`` skips a case that already passed in this process (a pair is
    the same case, the same text in the same pieces, in each of its families' tests), never
    one that failed."""
    import sys

    module = sys.modules[__name__]
    first = family_cases("trailing-tag")
    pair = next(c for c in first if len(c.families) == 2)
    other = next(f for f in pair.families if f != "trailing-tag")
    assert pair in family_cases(other)  # the premise: one case, in both families' lists
    streamed: list[str] = []

    def record(policy: Policy, text: str, chunks: list[str], *, exactly: bool = False) -> None:
        streamed.append(text)

    monkeypatch.setattr(module, "_STREAMED", set())
    monkeypatch.setattr(module, "_assert_stream_properties", record)
    assert_family_streams("trailing-tag", 8)
    assert streamed
    count = len(streamed)
    assert_family_streams("trailing-tag", 8)
    assert len(streamed) == count  # every case passed already

    def fail(policy: Policy, text: str, chunks: list[str], *, exactly: bool = False) -> None:
        raise AssertionError(text)

    monkeypatch.setattr(module, "_STREAMED", set())
    monkeypatch.setattr(module, "_assert_stream_properties", fail)
    failed = []
    for _ in range(2):
        with pytest.raises(AssertionError) as raised:
            assert_family_streams("trailing-tag", 8)
        failed.append(str(raised.value))
    assert failed[0] == failed[1]  # the same case fails again


@pytest.mark.parametrize(
    "text",
    [
        "see https://example.org/q?text=GEHEIM%0Athe%20plan now\nok",
        "x http://h/a?b=c&d=NATO%20SECRET y\n",
    ],
)
def test_a_word_that_becomes_encoded_later_is_held_from_its_start(
    default_policy: Policy, text: str
) -> None:
    # charset helper: cut after "see https:", the word was released up to the cut, then
    # read percent-encoded, its finding on the whole word: "internal error: finding starts
    # in text already released", the stream stopped
    for cut in range(1, len(text)):
        _assert_stream_properties(default_policy, text, [text[:cut], text[cut:]])
