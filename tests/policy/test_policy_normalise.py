"""Normalisation: per-character views, hidden characters, and maps back to the original."""

from __future__ import annotations

import importlib.util

import pytest

from milai.policy.normalise import (
    SGR_LONGEST,
    SGR_START,
    OffsetMap,
    normalise,
    skeleton,
    skeleton_char,
    text_char,
)
from milai.policy.patterns import squeeze


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("SECRET", "secret"),
        ("\u0405\u0415\u0421R\u0415\u0422", "secret"),  # Cyrillic look-alikes
        # Greek capitals fold by their own prototype, not their lower case's
        ("\u039d\u0391\u03a4\u039f", "nato"),
        ("\uff33\uff25\uff23\uff32\uff25\uff34", "secret"),  # fullwidth
        ("\U0001d412\U0001d404\U0001d402\U0001d411\U0001d404\U0001d413", "secret"),  # math bold
        ("TRÈS SECRET DÉFENSE", "tres secret defense"),
        ("S̶E̶C̶", "sec"),  # combining marks dropped
        ("S\u200bE\u2060C\u00ad", "sec"),  # invisible characters dropped
        ("VS-NUR FÜR", "vs-nur fur"),
        ("Straße", "straße"),  # kept as one character; patterns accept ss and ß alike
        # punctuation folds to ASCII punctuation (the left double quote looks like '')
        ("l\u2019\u00c9tat \u2013 \u201cx\u201d", "l'etat - 'x'"),
        ("S_E", "s e"),
    ],
)
def test_skeleton(raw: str, expected: str) -> None:
    assert skeleton(raw) == expected


def test_views_are_per_character() -> None:
    text = "Tr\u00e8s \u0405\u0415\u0421R\u0415\u0422\u200b\u2026\u00df \U0001d412\rend\u2028x"
    whole = normalise(text)
    assert whole.skel == "".join(skeleton_char(ch) for ch in text)
    assert whole.text == "".join(text_char(ch) for ch in text)
    assert len(whole.classes) == len(text)
    assert whole.hidden == [(11, 12)]


def test_line_breaks_become_new_lines() -> None:
    for separator in ("\r", "\r\n", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"):
        assert normalise(f"a{separator}b").skel == "a\nb"
    assert normalise("a\r\n\r\nb").skel == "a\n\nb"  # a blank line stays one
    assert normalise("a\n\rb").skel == "a\n\nb"


# What a terminal shows: a Windows line end is one break, colour sequences vanish (and are
# reported), a letter struck over itself with a backspace is one letter. Another
# sequence's parameters and final letter and a command's text stay: read as a terminal
# does, they would hide a marking's letters (\x1b[SECRET shows ECRET, \x1b[5ECRET too).
SHOWN = [
    ("SE-\r\nCRET\r\n", "se-\ncret\n", []),
    ("\x1b[1;31mNATO SECRET\x1b[0m!", "nato secret!", [(0, 7), (18, 22)]),
    ("NATO \x1b[5CSECRET", "nato 5csecret", [(5, 7)]),
    ("\x1b[SECRET \x1b[1;3SECRET", "secret 1;3secret", [(0, 2), (9, 11)]),
    ("\x1b(BSECRET", "(bsecret", [(0, 1)]),
    ("\x1b]0;SECRET\x07x", "]0;secretx", [(0, 1), (10, 11)]),
    ("S\bSE\bE T\bX", "se tx", [(1, 3), (4, 6), (8, 9)]),
    ("_\bS_\bE", " s e", [(1, 2), (4, 5)]),
]


@pytest.mark.parametrize(("raw", "skel", "hidden"), SHOWN)
def test_what_a_terminal_shows(raw: str, skel: str, hidden: list[tuple[int, int]]) -> None:
    views = normalise(raw)
    assert views.skel == skel
    assert views.hidden == hidden
    assert len(views.classes) == len(raw)


@pytest.mark.parametrize(("raw", "skel", "hidden"), SHOWN)
def test_a_piece_read_after_another_is_read_as_in_the_whole(
    raw: str, skel: str, hidden: list[tuple[int, int]]
) -> None:
    for place in range(len(raw) + 1):
        cut = place
        at = raw.rfind("\x1b", max(0, cut - SGR_LONGEST), cut)
        if at >= 0 and SGR_START.fullmatch(raw, at, cut):
            cut = at  # a scanner holds an unfinished colour sequence back (Scanner.feed)
        first, second = normalise(raw[:cut]), normalise(raw[cut:], before=raw[:cut])
        assert first.skel + second.skel == skel
        assert first.text + second.text == normalise(raw).text
        covered = [i for s, e in first.hidden for i in range(s, e)]
        covered += [cut + i for s, e in second.hidden for i in range(s, e)]
        assert covered == [i for s, e in hidden for i in range(s, e)]


def test_text_view_keeps_letters() -> None:
    view = normalise("Écrire à JEAN@ETAT.LU, +352\u00a0621").text
    assert view == "écrire à jean@etat.lu, +352 621"


def test_offset_map_round_trips() -> None:
    text = "a\u200bb…c\ufb01d"  # hidden (0 chars), ellipsis (3 chars), ligature fi (2 chars)
    views = normalise(text)
    offsets = OffsetMap(0)
    for special in views.skel_specials:
        offsets.add(special.view_start, special.view_len, special.orig)
    assert views.skel == "ab...cfid"
    assert [offsets.to_orig(i) for i in range(len(views.skel))] == [0, 2, 3, 3, 3, 4, 5, 5, 6]
    assert offsets.span(0, 2) == (0, 3)  # "ab" covers the hidden character between
    assert offsets.to_orig(len(views.skel)) == len(text)


@pytest.mark.parametrize(
    "text", ["a\u200bb…c\ufb01d", "\u200b\u200bx\u200b\u200b", "ﬁ\r\nﬂ…\u202e", "plain", ""]
)
def test_to_view_is_the_first_view_position_at_or_after_an_original_one(text: str) -> None:
    """``to_view(o)`` is the least view position whose ``to_orig`` is ``o`` or more: the
    cell unit jumps there, so no line before it may hold original text at ``o`` or after."""
    views = normalise(text)
    offsets = OffsetMap(0)
    for special in views.skel_specials:
        offsets.add(special.view_start, special.view_len, special.orig)
    positions = range(len(views.skel) + 1)
    for orig in range(len(text) + 1):
        want = min(v for v in positions if offsets.to_orig(v) >= orig)
        assert offsets.to_view(orig) == want, (text, orig)


def test_fast_and_slow_paths_agree() -> None:
    western = "Réunion du comité — «  note  » ; Maßnahme, cœur, 1 200 €"
    slow = western + "\u0416"  # one Cyrillic letter sends the piece to the slow path
    assert normalise(slow).skel[:-1] == normalise(western).skel
    assert normalise(slow).text[:-1] == normalise(western).text


def test_squeeze_folds_ascii_lookalikes() -> None:
    assert squeeze("c0nf1dent|al") == squeeze("confidential")
    assert squeeze("atornal") == squeeze("atomal")
    assert squeeze("strasse") == squeeze("straße")
    assert squeeze("top - secret") == "topsecret"


@pytest.mark.skipif(
    importlib.util.find_spec("confusable_homoglyphs") is None,
    reason="confusable-homoglyphs (dev dependency) not installed",
)
def test_vendored_confusables_match_their_source() -> None:
    from milai.policy import _confusables_gen

    vendored = (_confusables_gen.TARGET).read_text(encoding="ascii")
    assert vendored == _confusables_gen.render()


def test_views_match_the_per_character_functions_everywhere() -> None:
    """The byte-table fast path and the spliced slow characters give exactly the
    per-character views, for every character of the first planes and in mixed text."""
    from milai.policy.normalise import class_char, is_hidden

    chars = [chr(c) for c in range(0x3100) if not 0xD800 <= c < 0xE000]
    text = "".join(chars)
    for piece in (text, "plain ascii\x01\x7f end", "caf\u00e9 \u2019\u0153\u20ac\x85\x92"):
        views = normalise(piece)
        assert views.skel == "".join(skeleton_char(ch) for ch in piece)
        assert views.text == "".join(text_char(ch) for ch in piece)
        assert views.classes == "".join(class_char(ch) if ch.isascii() else " " for ch in piece)
        hidden = [i for i, ch in enumerate(piece) if is_hidden(ch)]
        assert [i for start, end in views.hidden for i in range(start, end)] == hidden


def test_squeeze_is_the_character_filter() -> None:
    from milai.policy.patterns import _keep, _squeeze_table

    table = _squeeze_table()
    for code in range(0x3100):
        ch = chr(code)
        assert squeeze(ch) == ("".join(c for c in ch if _keep(c))).translate(table), hex(code)
