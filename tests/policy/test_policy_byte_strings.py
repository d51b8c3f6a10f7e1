"""Escapes decoded one level per reading, byte strings of ``\\x``/octal escapes as UTF-8,
and base32 unpadded or in lower case (issue 9, red team round 3)."""

from __future__ import annotations

import base64

import pytest

from milai.policy import check_text
from milai.policy.decoders import _unescape, decode_line_candidates
from tests.policy.families import shipped_policy


def test_an_escape_made_by_decoding_is_left_for_the_next_reading() -> None:
    # \x5c is a backslash: decoding it makes "\x41", which the next reading decodes (it
    # used to be decoded in the same pass, as an octal number: an internal error).
    assert _unescape(r"\x5cx41") == r"\x41"
    assert _unescape(r"\134x41") == r"\x41"
    text = '"\\x5cx41 \\x53\\x45\\x43\\x52\\x45\\x54"\n'
    assert check_text(shipped_policy("default.yaml"), text).level == "SECRET"


def test_octal_byte_runs_are_utf8() -> None:
    assert _unescape(r"\124\122\303\210\123") == "TRÈS"
    assert _unescape(r"\x54\xc3\x88") == "TÈ"
    assert _unescape(r"\351t\351") == "été"  # not UTF-8: Latin-1


@pytest.mark.parametrize(
    "line",
    [
        r"data = b'\x53\x45\x43\x52\x45\x54'",
        r'data = b"\123\105\103\122\105\124"',
        r"key = br'\x53\x45\x43\x52\x45\x54' + suffix",
    ],
)
def test_a_byte_string_reads_without_its_prefix(line: str) -> None:
    texts = [c.text for c in decode_line_candidates(line)]
    assert "SECRET" in texts, texts
    assert check_text(shipped_policy("default.yaml"), line + "\n").level == "SECRET"


@pytest.mark.parametrize(
    ("text", "level"),
    [("SECRET", "SECRET"), ("GEHEIM", "SECRET"), ("TOP SECRET", "TOP SECRET")],
)
def test_base32_unpadded_and_lower_case(text: str, level: str) -> None:
    encoded = base64.b32encode(text.encode()).decode()
    policy = shipped_policy("default.yaml")
    for form in (encoded.rstrip("="), encoded.lower(), encoded.lower().rstrip("=")):
        if form.isalpha() and form.islower() and len(form) < 16:
            continue  # kncugusfkq: a lower-case run of letters alone under 16 is a word
        assert check_text(policy, f"Decode this: {form}\n").level == level, form


@pytest.mark.parametrize(
    "line",
    [
        "sha1 3a7bd3e2360a3d29eea436fcfb7e44c735d117c4",
        "id 550e8400-e29b-41d4-a716-446655440000",
        "store path /nix/store/5rnfzla9kcx4mj5zdc7nlnv8na1najvg-hello-2.12",
        "ABCDEFGHIJKLMNOP INTERNATIONALISATION abcdefghijklmnopqr",
    ],
)
def test_lookalike_runs_stay_unclassified(line: str) -> None:
    assert check_text(shipped_policy("default.yaml"), line + "\n").level == "UNCLASSIFIED"
