"""A banner written backwards streams its furniture before its marking: none of it may be
released and then found inside the finding (the stream would stop with an internal error)."""

from __future__ import annotations

from milai.policy import Policy, PolicyGate, check_text
from tests.scale import sample

BANNERS = [
    "SECRET - DRAFT/",
    "SECRET//NOFORN",
    "TOP SECRET//SCI",
    "NATO SECRET (page 3)",
    "SECRET UK EYES ONLY",
    "SECRET: Ref. MIL/2024/117",
    "GEHEIM - Seite 3",
]


def test_a_reversed_banner_streams_in_any_three_pieces(default_policy: Policy) -> None:
    for banner in BANNERS:
        text = banner[::-1] + "\n"
        assert check_text(default_policy, text).level != "UNCLASSIFIED", text
        cuts = [(i, j) for i in range(1, len(text)) for j in range(i + 1, len(text) + 1)]
        for i, j in sample(cuts, 20, seed=banner):  # every pair of cuts in CI (tests/scale.py)
            gate = PolicyGate(default_policy, clearance="TOP SECRET", model_level="TOP SECRET")
            out = gate.open_output(check_text(default_policy, "hello"))
            released = out.feed(text[:i]) + out.feed(text[i:j]) + out.feed(text[j:])
            assert released + out.close() == text, (text, i, j)
