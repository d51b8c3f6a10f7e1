"""Differential tests of the gate's fast paths against the plain loops they replace
(random text): the field unit reads only lines that hold an anchor (found through a heap
of next places) unless a CSV table is open, and skips the field search on lines without
``:`` or ``=``; the reversed-word look checks only the words that hold no other."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from milai.policy import check_stream, load_policy
from milai.policy.detect import FieldState, FieldUnit, Scanner, _reversed_trigger, _shortest

POLICIES = sorted((Path(__file__).resolve().parents[2] / "policies").glob("*.yaml"))

PIECES = [
    "classification", "Classification", "sécurité", "Einstufung", "marking", "rubricering",
    "classified", ": ", "=", '"', "'", ",", ";", "\t", "|", " ", " ", "\n", "\n", "\n",
    "SECRET", "secret", "NATO CONFIDENTIAL", "TS", "(S)", "//NOFORN", "the report ",
    '{"classification":"SECRET"}', "id,classification,name\n", "1,SECRET,x\n",
    "2,TOP SECRET,y\n", "<doc classification='CONFIDENTIAL'>", "niveau de classification",
    "classification=secret", "Einstufung = geheim", "securityClassification = restricted",
    "<x classification='confidential'/>", "terces", "TERCES", "laitnedifnoc", "\u202e",
    "tniertser", "etniertser", "é",
]  # fmt: skip


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 60)))


def _every_line(self: FieldUnit, scanner: Scanner, state: FieldState, final: bool) -> None:
    """The plain loop: every complete line through ``_line``, nothing skipped."""
    view = scanner.skel
    buf, base = view.buf, view.base
    at = max(state.resume, base) - base
    limit = len(buf) if final else buf.rfind("\n") + 1
    if limit <= at:
        return
    region = buf[at:limit]
    position = 0
    while position < len(region):
        line_end = region.find("\n", position)
        line_end = len(region) if line_end < 0 else line_end
        self._line(scanner, state, region[position:line_end], base + at + position, None)
        position = line_end + 1
    state.resume = base + limit


@pytest.mark.parametrize("policy_path", POLICIES, ids=lambda p: p.name)
def test_field_unit_finds_what_the_plain_loop_finds(
    policy_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = load_policy(policy_path)
    rng = random.Random(policy_path.name)
    texts = [_text(rng) for _ in range(250)]
    cuts = [rng.randint(1, 7) for _ in texts]

    def run() -> list[object]:
        out: list[object] = []
        for text, cut in zip(texts, cuts, strict=True):
            for pieces in ([text], [text[i : i + cut] for i in range(0, len(text), cut)]):
                decision = check_stream(policy, iter(pieces))
                out.append((decision.level, [repr(f) for f in decision.findings]))
        return out

    fast = run()
    monkeypatch.setattr(FieldUnit, "scan", _every_line)
    assert run() == fast


def test_shortest_words_decide_as_all_words() -> None:
    rng = random.Random(7)
    for policy_path in POLICIES:
        words = load_policy(policy_path).engine.reversed_words
        assert set(_shortest(words)) <= set(words)
        pieces = [*PIECES, *words, *(w.upper() for w in words), *(w[1:] for w in words)]
        for _ in range(1000):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
            lower = text.lower()
            assert any(w in lower for w in _shortest(words)) == any(w in lower for w in words)
            want = "\u202e" in text or any(w in lower for w in words)
            assert _reversed_trigger(words, text) == want


def test_a_line_without_a_separator_holds_no_field() -> None:
    """The field search skips lines without ``:`` or ``=``: the field pattern needs one
    (random lines); lines with either still find their fields."""
    rng = random.Random(11)
    for policy_path in POLICIES:
        units = load_policy(policy_path).engine.units
        unit = next(u for u in units if isinstance(u, FieldUnit))
        for _ in range(2000):
            line = _text(rng).replace("\n", " ").lower()
            if ":" not in line and "=" not in line:
                assert unit.field_re.search(line) is None, line
        for line in (
            "x classification=secret y",
            "<x classification='confidential'/>",
            '{"classification":"secret"}',
            "securityclassification = restricted",
        ):
            assert [m.start() for m in unit._fields(line)], line
