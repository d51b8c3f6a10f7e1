"""Banners drawn in ASCII art (``milai/policy/_figlet.py``): ``figlet NATO SECRET`` in a
motd, a code comment or ``<pre>``, the Unix ``banner`` command's ``#`` letters.

Every banner marking of both shipped policies is drawn in each font read (by FIGlet's own
layout, ``figlet_art.draw``, checked against pyfiglet where it is installed), bare, behind
a comment's prefix and inside ``<pre>``, and reads its level; art typed by hand in this
file reads too (so the reader is not checked against one drawing only). Art of everyday
words reads as the words read, and drawings that are no lettering (boxes, tables,
diagrams, progress bars, dumps) stay UNCLASSIFIED.
"""

from __future__ import annotations

import html
import random
import time
import unicodedata

import pytest

from milai.documents._read import read_document
from milai.policy import check_text
from milai.policy._figlet import read_banners
from milai.policy._figlet_fonts import FONTS
from tests.policy.banner_families import (
    assert_family_reads,
    assert_family_streams,
    assert_stays_unclassified,
)
from tests.policy.families import Target, shipped_policy
from tests.policy.figlet_art import FULL_WIDTH, KERNED, draw
from tests.policy.test_policy_stream_properties import assert_cuts_stream

# mini (three rows) draws some capitals as its small letters' strokes (E as f and u): it is
# read, not promised.
PROMISED = [font for font in FONTS if font != "mini"]
_WRAPS = ("{}", "# {}", "// {}", " * {}", "-- {}", ";; {}")


def _drawable(text: str, font: str) -> str | None:
    """The marking as FIGlet draws it in ``font`` (accents dropped, as figlet drops the
    letters it has no glyph for), or None where a character has no glyph."""
    plain = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    glyphs = FONTS[font][2]
    return plain if all(ch in glyphs for ch in plain) else None


def _framed(art: str, wrap: str) -> str:
    """Art behind a comment's prefix, or inside ``<pre>``."""
    if wrap == "pre":
        return f"<pre>\n{art}</pre>\n"
    return "".join(wrap.format(line).rstrip() + "\n" for line in art.split("\n")[:-1])


def _readable(target: Target, text: str) -> bool:
    """Whether the marking as drawn (accents dropped) reads its level written plainly: art
    reads as its text does."""
    policy = shipped_policy(target.policy)
    return not policy.above(target.level, check_text(policy, text).level)


def _drawn(target: Target, fonts: list[str] = PROMISED) -> list[str]:
    rng = random.Random(f"ascii-art:{target.id}")
    out = []
    for font in fonts:
        text = _drawable(target.text, font)
        if text is None or not _readable(target, text):
            continue
        out.append(_framed(draw(text, font), rng.choice([*_WRAPS, "pre"])))
    return out


def test_every_banner_drawn_in_each_font_reads_its_level() -> None:
    assert_family_reads("ascii-art", _drawn)


def test_a_banner_drawn_streams_as_it_reads_whole() -> None:
    assert_family_streams("ascii-art", lambda target: _drawn(target, ["standard", "banner"]))


@pytest.mark.parametrize("font", PROMISED)
def test_a_wrapped_banner_reads_as_one_line(font: str) -> None:
    """FIGlet wraps at 80 columns (``-w`` sets another width): the blocks stacked read in
    order, as one line."""
    art = draw("COSMIC TOP SECRET ATOMAL", font, width=40)
    assert art.count("\n") > FONTS[font][0]  # wrapped
    (banner,) = read_banners(art)
    assert banner.text == "COSMIC TOP SECRET ATOMAL"
    assert check_text(shipped_policy("default.yaml"), art).level == "TOP SECRET"


@pytest.mark.parametrize("layout", [FULL_WIDTH, KERNED])
@pytest.mark.parametrize("font", ["standard", "big", "small", "banner", "block", "smslant"])
def test_art_laid_out_full_width_or_kerned_reads(font: str, layout: int) -> None:
    """``figlet -W`` (glyphs side by side) and ``figlet -k`` (kerned, never smushed)."""
    policy = shipped_policy("default.yaml")
    assert check_text(policy, draw("NATO SECRET", font, layout=layout)).level == "SECRET"
    assert_stays_unclassified("default.yaml", draw("Secret Santa", font, layout=layout))


@pytest.mark.parametrize("ink", ["*", "@", "="])
def test_banner_letters_drawn_with_another_character_read(ink: str) -> None:
    """The Unix banner's letters drawn with ``*`` or ``@`` rather than ``#``."""
    art = draw("NATO SECRET", "banner").replace("#", ink)
    assert check_text(shipped_policy("default.yaml"), art).level == "SECRET"


# Typed by hand: the Unix ``banner`` command's GEHEIM in a motd, FIGlet's standard font in
# a shell comment and in ``<pre>``, small letters in slant.
_HAND = [
    (
        "Welcome to ops-gw-3\n"
        " #####  ####### #     # ####### ### #     #\n"
        "#     # #       #     # #        #  ##   ##\n"
        "#       #       #     # #        #  # # # #\n"
        "#  #### #####   ####### #####    #  #  #  #\n"
        "#     # #       #     # #        #  #     #\n"
        "#     # #       #     # #        #  #     #\n"
        " #####  ####### #     # ####### ### #     #\n",
        "SECRET",
    ),
    (
        "#!/bin/sh\n"
        "#  ____  _____ ____ ____  _____ _____\n"
        "# / ___|| ____/ ___|  _ \\| ____|_   _|\n"
        "# \\___ \\|  _|| |   | |_) |  _|   | |\n"
        "#  ___) | |__| |___|  _ <| |___  | |\n"
        "# |____/|_____\\____|_| \\_\\_____| |_|\n"
        "#\n"
        "rsync -a /srv/plans backup:\n",
        "SECRET",
    ),
    (
        "<pre>\n"
        " _   _    _  _____ ___    ____  _____ ____ ____  _____ _____\n"
        "| \\ | |  / \\|_   _/ _ \\  / ___|| ____/ ___|  _ \\| ____|_   _|\n"
        "|  \\| | / _ \\ | || | | | \\___ \\|  _|| |   | |_) |  _|   | |\n"
        "| |\\  |/ ___ \\| || |_| |  ___) | |__| |___|  _ <| |___  | |\n"
        "|_| \\_/_/   \\_\\_| \\___/  |____/|_____\\____|_| \\_\\_____| |_|\n"
        "</pre>\n",
        "SECRET",
    ),
    (
        "/*\n"
        " *     _   _____  __________     _____ ________________  ____________\n"
        " *    / | / /   |/_  __/ __ \\   / ___// ____/ ____/ __ \\/ ____/_  __/\n"
        " *   /  |/ / /| | / / / / / /   \\__ \\/ __/ / /   / /_/ / __/   / /\n"
        " *  / /|  / ___ |/ / / /_/ /   ___/ / /___/ /___/ _, _/ /___  / /\n"
        " * /_/ |_/_/  |_/_/  \\____/   /____/_____/\\____/_/ |_/_____/ /_/\n"
        " */\n",
        "SECRET",
    ),
]


_HAND.append(
    (
        "**********************************************************\n"
        "*   #####  ####### #     # ####### ### #     #          *\n"
        "*  #     # #       #     # #        #  ##   ##          *\n"
        "*  #       #       #     # #        #  # # # #          *\n"
        "*  #  #### #####   ####### #####    #  #  #  #          *\n"
        "*  #     # #       #     # #        #  #     #          *\n"
        "*  #     # #       #     # #        #  #     #          *\n"
        "*   #####  ####### #     # ####### ### #     #          *\n"
        "*                                                       *\n"
        "**********************************************************\n"
        "Authorised users only.\n",
        "SECRET",
    )
)  # GEHEIM in a motd's box


@pytest.mark.parametrize(("text", "level"), _HAND)
def test_art_typed_by_hand_reads(text: str, level: str) -> None:
    assert check_text(shipped_policy("default.yaml"), text).level == level


@pytest.mark.parametrize("case", [0, 1, 4])
def test_art_typed_by_hand_streams_cut_anywhere(case: int) -> None:
    """Cut in two anywhere, or streamed a character at a time, the drawing (and the text
    after it) is held until it can be read: nothing of it is released before its finding."""
    assert_cuts_stream(shipped_policy("default.yaml"), _HAND[case][0])


@pytest.mark.parametrize("font", ["standard", "slant", "banner"])
def test_art_in_an_html_documents_pre_element_reads(font: str) -> None:
    """An HTML page's ``<pre>`` keeps its lines' leading blanks when the page is read (the
    art's first row often starts with one)."""
    art = html.escape(draw("NATO SECRET", font))
    page = f"<html><body><h1>Status</h1><pre>{art}</pre><p>All good.</p></body></html>"
    document = read_document(page.encode(), "status.html")
    assert check_text(shipped_policy("default.yaml"), document.text).level == "SECRET"


@pytest.mark.parametrize("words", ["WELCOME", "HELLO WORLD", "Acme Corp", "Build 42", "ops-gw-3"])
@pytest.mark.parametrize("font", ["standard", "banner", "slant", "big", "small", "block"])
def test_art_of_everyday_words_stays_unclassified(words: str, font: str) -> None:
    assert_stays_unclassified("default.yaml", _framed(draw(words, font), "# {}"))


@pytest.mark.parametrize("words", ["Secret Santa", "Top Secret Santa Party", "SECRET"])
def test_art_reads_as_its_words_read(words: str) -> None:
    """What a banner in art says reads as the words written plainly: SECRET alone is a
    marking either way; Secret Santa is a party either way."""
    policy = shipped_policy("default.yaml")
    plain = check_text(policy, words).level
    for font in ("standard", "banner", "slant"):
        assert check_text(policy, draw(words, font)).level == plain, font


_DRAWINGS = [
    "+-----+-------+\n| id  | state |\n+-----+-------+\n| 1   | ok    |\n+-----+-------+\n",
    "+---+   +---+\n| A |-->| B |\n+---+   +---+\n  |       |\n  v       v\n",
    "  ____\n |    |\n |____|\n /    \\\n/______\\\n",
    "[#####     ] 50%\n[######    ] 60%\n[#######   ] 70%\n[########  ] 80%\n",
    "00000000  7f 45 4c 46 02 01 01 00  |.ELF....|\n00000010  02 00 3e 00 01 00 00 00  |..>.....|\n"
    "00000020  40 00 00 00 00 00 00 00  |@.......|\n",
    "if (a || b) {\n  x = (y << 2) | z;\n  /* -- */\n}\n",
    "   /\\_/\\\n  ( o.o )\n   > ^ <\n",
    "=============\n|| ||| |||| ||\n=============\n",
    "    |\n   -+-\n    |\n  __|__\n /     \\\n",
    "==========\n==========\n==========\n",
    "**********\n*        *\n*        *\n**********\n",
    "* * * * *\n * * * *\n* * * * *\n * * * *\n",
]


@pytest.mark.parametrize("text", _DRAWINGS)
def test_drawings_that_are_no_lettering_stay_unclassified(text: str) -> None:
    assert_stays_unclassified("default.yaml", text)
    assert_stays_unclassified("ministry-codewords.yaml", text)


def test_the_drawing_is_figlets() -> None:
    """``figlet_art.draw`` lays glyphs out as pyfiglet does (where pyfiglet is installed)."""
    pyfiglet = pytest.importorskip("pyfiglet")
    rng = random.Random("figlet-layout")
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-"
    for font in FONTS:
        for _ in range(20):
            text = " ".join(
                "".join(rng.choice(letters) for _ in range(rng.randint(1, 6)))
                for _ in range(rng.randint(1, 3))
            )
            theirs = pyfiglet.figlet_format(text, font=font, width=10_000)
            trimmed = "\n".join(line.rstrip() for line in theirs.split("\n")).rstrip("\n")
            assert draw(text, font, 10_000).rstrip("\n") == trimmed, (font, text)


def test_vendored_fonts_match_their_source() -> None:
    pytest.importorskip("pyfiglet")
    from milai.policy import _figlet_gen

    vendored = _figlet_gen.TARGET.read_text(encoding="utf-8")
    assert vendored == _figlet_gen.render_module()


@pytest.mark.parametrize(
    "word",
    ["NIGHTJAR", "BLUE HERON", "Silver Linden", "MOSELLE SHIELD", "KIRCHBERG-7", "PROJECT ESCH"],
)
def test_a_codeword_or_keyword_drawn_reads_as_written(word: str) -> None:
    """The ministry's codewords (SECRET) and project names (a keyword: unclassified, but
    never for an outside model) drawn in art decide as they do written plainly."""
    policy = shipped_policy("ministry-codewords.yaml")
    plain = check_text(policy, word)
    assert plain.findings
    for font in ("standard", "banner", "slant", "block", "small", "shadow"):
        drawn = check_text(policy, _framed(draw(word, font), "// {}"))
        assert (drawn.level, drawn.action) == (plain.level, plain.action), font
        assert {f.rule for f in drawn.findings} == {f.rule for f in plain.findings}, font


def test_lines_that_are_almost_art_are_sniffed_in_linear_time() -> None:
    """200 KB lines of strokes that end in a letter pair (or lead to one): the sniff was
    quadratic in them (minutes); linear takes milliseconds."""
    texts = [("_" * 200_000 + "ab\n") * 3, ("_" * 200_000 + "\n") * 3 + "ab"]
    texts += [("a " * 100_000 + "\n") * 3, ("1 " * 100_000 + "|ab\n") * 3]
    started = time.perf_counter()
    for text in texts:
        assert read_banners(text) == []
    assert time.perf_counter() - started < 10


# attack16: two banners stacked, a Markdown fence or a dash rule round the art, Windows line
# ends, and a text of many slow regions.
@pytest.mark.parametrize("font", ["standard", "small", "slant", "banner"])
def test_a_banner_above_a_host_name_reads_as_two_lines(font: str) -> None:
    art = draw("GEHEIM", font) + draw("SERVER", font)
    assert check_text(shipped_policy("default.yaml"), art).level == "SECRET"


@pytest.mark.parametrize("fence", ["```", "```text", "~~~", "-" * 40])
@pytest.mark.parametrize("font", ["banner", "block", "shadow"])
def test_art_between_fences_keeps_its_last_glyph(fence: str, font: str) -> None:
    art = f"{fence}\n{draw('GEHEIM', font)}{fence}\n"
    assert check_text(shipped_policy("default.yaml"), art).level == "SECRET"


@pytest.mark.parametrize("font", ["block", "lean", "standard"])
def test_art_with_windows_line_ends_reads(font: str) -> None:
    art = draw("TOP SECRET", font, width=40).replace("\n", "\r\n")
    assert check_text(shipped_policy("default.yaml"), art).level == "TOP SECRET"


def test_many_slow_regions_cost_time_in_their_length() -> None:
    text = ("\n".join(["#" * 40] * 8) + "\nnext\n") * 150  # about 50 KB
    started = time.process_time()
    check_text(shipped_policy("default.yaml"), text)
    assert time.process_time() - started < 20  # 200 s before (each region its own budget)
