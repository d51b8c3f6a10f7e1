"""What a browser shows besides an HTML page's text, as a generator family: the title, a
form field's value or placeholder, a tooltip or accessible name, the strings that CSS
``content:`` puts on the page (in a style element or attribute, escaped or in pieces).
Every banner marking of both shipped policies, in capitals; the gate must read each page
(as a file and as sniffed text) at least at the marking's level (issue 9, red team 2).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from html import escape

import pytest

from milai.documents import read_document
from milai.policy import check_text
from tests.levels import assert_targets_read
from tests.policy.families import BODY, Target, shipped_policy, targets

BANNERS = [t for t in targets() if not t.portion]


def _page(head: str, body: str, rng: random.Random) -> str:
    doctype = rng.choice(["<!DOCTYPE html>\n", ""])
    return (
        f"{doctype}<html><head>{head}</head><body>{body}"
        f"<p>{escape(rng.choice(BODY))}</p></body></html>\n"
    )


def _quoted(text: str, rng: random.Random) -> str:
    quote = rng.choice(["'", '"'])
    return f"{quote}{escape(text, quote=True)}{quote}"


def _css_string(text: str, rng: random.Random) -> str:
    """A CSS string: whole, in pieces, or with letters as escapes (\\53 is S)."""
    kind = rng.choice(["whole", "pieces", "escaped"])
    if kind == "pieces":
        cut = rng.randrange(1, len(text))
        return f"'{text[:cut]}' \"{text[cut:]}\""
    if kind == "escaped":
        return "'" + "".join(f"\\{ord(ch):x} " if ch.isalpha() else ch for ch in text) + "'"
    return f"'{text}'"


def _title(target: Target, rng: random.Random) -> str:
    title = rng.choice(["{}", "{} - Lagebericht", "{} \u2013 Situation report"]).format(target.text)
    return _page(f"<title>{escape(title)}</title>", "", rng)


def _attribute(target: Target, rng: random.Random) -> str:
    element = rng.choice(
        [
            "<input value={} readonly>",
            "<input type=text placeholder={}>",
            "<textarea placeholder={}></textarea>",
            "<div title={}>x</div>",
            "<span aria-label={}></span>",
            "<button aria-label={}>x</button>",
            "<option label={}>",
        ]
    )
    return _page("", element.format(_quoted(target.text, rng)), rng)


def _css_content(target: Target, rng: random.Random) -> str:
    selector = rng.choice(["body::before", "h1:after", ".banner::before"])
    rule = f"{selector}{{content:{_css_string(target.text, rng)}}}"
    if rng.random() < 0.5:
        return _page(f"<style>{rule}</style>", "", rng)
    style = escape(f"--x: 1; content: {_css_string(target.text, rng)}", quote=True)
    return _page("", f'<div style="{style}"></div>', rng)


_FIELD_NAMES = [
    "classification",
    "ism:classification",
    "data-classification",
    "security-label",
    "data-security-classification",
    "securityClassification",
    "data-einstufung",
]


def _field_attribute(target: Target, rng: random.Random) -> str:
    """<p classification="SECRET">: an attribute named like a classification field (ISM in
    XHTML, a classification tool's data attribute), on any element (red team 4)."""
    tag = rng.choice(["p", "div", "section", "span", "article", "body"])
    name = rng.choice(_FIELD_NAMES)
    element = f"<{tag} {name}={_quoted(target.text, rng)}>{escape(rng.choice(BODY))}</{tag}>"
    return _page("", element, rng)


_HIDING = [
    " hidden",
    ' style="display:none"',
    " style='display: none !important'",
    ' style="font-size:0"',
    ' style="font-size: 0px; color: red"',
    ' style="visibility:hidden"',
    ' style="opacity:0"',
]


def _hidden_inside(target: Target, rng: random.Random) -> str:
    """SEC<span hidden>x9q</span>RET: an element the browser does not draw, inside the
    marking (inside a word, or between two), in a paragraph, a heading or a table cell; the
    page shows the marking whole (red team 9)."""
    text = target.text
    cut = rng.randrange(1, len(text))
    hidden = rng.choice(["span", "b", "i", "font", "div"])
    junk = rng.choice(["x9q", "zz", "Lorem", "0"])
    inside = f"{escape(text[:cut])}<{hidden}{rng.choice(_HIDING)}>{junk}</{hidden}>"
    inside += escape(text[cut:])
    block = rng.choice(["<p>{}</p>", "<h1>{}</h1>", "<table><tr><td>{}</td></tr></table>"])
    return _page("", block.format(inside), rng)


FAMILIES: dict[str, Callable[[Target, random.Random], str]] = {
    "title": _title,
    "attribute": _attribute,
    "css-content": _css_content,
    "field-attribute": _field_attribute,
    "hidden-inside": _hidden_inside,
}


def _level(target: Target, data: bytes, name: str) -> str:
    document = read_document(data, name)
    return check_text(shipped_policy(target.policy), document.text).level


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_shown_text_on_every_marking(family: str) -> None:
    def texts(target: Target) -> list[str]:
        page = FAMILIES[family](target, random.Random(f"{family}:{target.id}")).encode()
        # a file named .html, and text sniffed as HTML
        return [read_document(page, name).text for name in ("page.html", "page")]

    assert_targets_read(BANNERS, texts)


def test_shown_text_in_prose_case_is_prose() -> None:
    """A film's title in a page's title bar, a search box's placeholder: not markings."""
    policy = shipped_policy("default.yaml")
    for page in (
        b"<html><head><title>Top Secret! (1984) - Reviews</title></head><body>x</body></html>",
        b"<html><body><input placeholder='Secret word'><p>Enter it.</p></body></html>",
        b"<html><head><style>.x::before{content:'Secret'}</style></head><body>y</body></html>",
        # a data attribute named like a field whose value is no marking, or prose
        b"<html><body><div data-security='high' class='secret-box'>Top secret recipe</div>"
        b"<p data-classification='public'>x</p></body></html>",
        b"<html><body><span security-label='Secret Garden'>x</span></body></html>",
        b"<html><body><p data-marking='Secret Santa list'>x</p></body></html>",
    ):
        assert _level(Target("default.yaml", "", "", False), page, "p.html") == policy.lowest


def test_css_content_is_read_where_it_stands() -> None:
    page = (
        b"<html><head><style>p::before{content:'\\53 ECRET' ' - ' \"x\"}</style></head>"
        b"<body><p>text</p></body></html>"
    )
    assert read_document(page, "p.html").text.split("\n")[:2] == ["SECRET - x", "text"]


@pytest.mark.parametrize("hiding", _HIDING)
def test_hidden_text_is_still_read_apart(hiding: str) -> None:
    """What a page hides is left out of the shown text, not out of the check: a marking in a
    hidden element reads in part ``hidden text``."""
    policy = shipped_policy("default.yaml")
    page = f"<html><body><p>Lunch at noon.<span{hiding}>NATO SECRET</span></p></body></html>"
    document = read_document(page.encode(), "p.html")
    decision = check_text(policy, document.text)
    assert decision.level == "SECRET"
    assert {document.part_at(f.start) for f in decision.findings} == {"hidden text"}
    assert "NATO SECRET" not in document.text.split("\n")[0]


def test_a_style_that_draws_the_element_hides_nothing() -> None:
    """font-size 0.5em, 10px, opacity 0.5: drawn; the text stays where it stands."""
    for style in ("font-size:0.5em", "font-size: 10px", "opacity:0.5", "display:inline"):
        page = f"<p>NATO SEC<span style='{style}'>x</span>RET</p>".encode()
        document = read_document(page, "p.html")
        assert "hidden text" not in {part.name for part in document.parts}, style
        assert "NATO SECxRET" in document.text, style


def test_every_banner_in_another_attribute_reads_apart() -> None:
    """A marking in capitals in an attribute a browser neither shows nor names as a field
    (``data-banner``, a framework's own attribute), on an element closed on its line: the
    page's data is part of what was written, read apart as ``attribute text`` (red team 10)."""
    names = ["data-banner", "data-label", "banner", "x-text", "v-bind:caption", "data-x"]

    def texts(target: Target) -> list[str]:
        rng = random.Random(target.id)
        name = rng.choice(names)
        element = f"<div {name}={_quoted(target.text, rng)}></div>"
        page = _page("", element, rng).encode()
        return [read_document(page, name).text for name in ("page.html", "page")]

    assert_targets_read(BANNERS, texts)
    page = b"<html><body><p>Lunch.</p><div data-banner='NATO SECRET'></div></body></html>"
    document = read_document(page, "p.html")
    decision = check_text(shipped_policy("default.yaml"), document.text)
    assert decision.level == "SECRET"
    assert {document.part_at(f.start) for f in decision.findings} == {"attribute text"}


@pytest.mark.parametrize(
    "element",
    [
        "<div class='secret' id='top-secret' data-state='secret'>Recipes</div>",
        "<a href='/SECRET/TOP' rel='NOFOLLOW' class='TOP SECRET'>Films</a>",
        "<div data-title='Top Secret! (1984)' data-mode='confidential'>Films</div>",
        "<span data-geheim='ja' data-vertraulich='nein'>Rezepte</span>",
        "<div data-etat='secret défense levé'>Archives</div>",
        "<div data-status='OK' data-code='NL' data-size='XL'>Maat</div>",
    ],
)
def test_attributes_in_small_letters_or_markup_names_are_not_read(element: str) -> None:
    """Class names, ids, addresses and data in small letters are markup, not markings."""
    for name in ("page.html", "page"):
        document = read_document(_page("", element, random.Random(0)).encode(), name)
        assert check_text(shipped_policy("default.yaml"), document.text).level == "UNCLASSIFIED"
