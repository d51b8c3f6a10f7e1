"""HTML: the text as a reader sees it, block elements on lines of their own, table rows as
``| cell | cell |``; ``<header>``/``<footer>`` as those parts, comments as ``comment``,
``<title>`` and ``<meta>`` as ``metadata``. An element a browser does not draw (``hidden``,
``display: none``, ``visibility: hidden``, ``font-size: 0``, ``opacity: 0``) is left out of
the text it stands in, as on the page (``SEC<span hidden>x</span>RET`` shows SECRET), and
read apart as ``hidden text``. What a browser shows or announces besides the
text is read too, each on a line of its own where it stands: attribute text (a field's
value and placeholder, alt, title, aria-label, label, content) and the strings that CSS
``content:`` puts on the page. Attributes named like a classification field are read as
such fields (part ``metadata``). Any other attribute whose value is written in capitals
(``data-banner="NATO SECRET"``), and a link's address that is percent-encoded, is read
apart, a value a line, as ``attribute text``: a
page's data is part of what a model wrote, shown or not; values in small letters (class
names, ids, states) are markup, not markings. Scripts are not text. Text that CSS shows in
capitals (``text-transform: uppercase``, ``font-variant: small-caps``: inline, or a
``<style>`` rule for a lone tag or class) reads as shown (``documents._capitals``)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from itertools import pairwise

from milai.documents._capitals import css_case, shown_in_capitals
from milai.documents._model import DocumentBuilder

_BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "caption", "center", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
    "table", "tbody", "thead", "tfoot", "ul", "body", "html",
}  # fmt: skip
_AREAS = {"header": "header", "footer": "footer"}
_NOT_TEXT = {"script", "style", "template"}
_SPACES = re.compile(r"\s+")
# Elements that never have an end tag: hiding one hides no text.
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
# An inline style that keeps an element off the page (or draws it at no size or opacity).
_HIDING_STYLE = re.compile(
    r"(?<![\w-])(?:display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)"
    r"|font-size\s*:\s*0(?:\.0*)?(?:[a-z]{1,4}|%)?\s*(?:;|!|$)|opacity\s*:\s*0(?:\.0*)?\s*(?:;|!|$))",
    re.IGNORECASE,
)


def _hides(tag: str, values: dict[str, str | None]) -> bool:
    """Whether a browser draws nothing of the element (``values``: its attributes)."""
    if tag in _VOID:
        return False
    return "hidden" in values or bool(_HIDING_STYLE.search(values.get("style") or ""))


# Attributes whose text a reader is shown (or a screen reader says): a form field's value
# and placeholder, an image's alt text, a tooltip, an accessible name, a label.
_SHOWN = ("value", "placeholder", "alt", "title", "aria-label", "aria-description", "label")
# A CSS ``content:`` declaration (its strings, concatenated, are shown on the page): the
# value runs to ";" or a brace, strings taken whole.
_CSS_CONTENT = re.compile(
    r"(?<![\w-])content\s*:((?:\"[^\"]*\"|'[^']*'|[^;{}\"'])*)", re.IGNORECASE
)
# Attributes named like a classification field, in any namespace or as data (``<p
# classification="SECRET">``, ISM's ``ism:classification="TS"``, ``data-classification``,
# ``security-label``): metadata that converters and classification tools write, read as a
# field (``classification: SECRET``) in part ``metadata``, not as shown text.
# Attributes whose values are the markup's own names and addresses (never read as text).
# A link's address: read apart when percent-encoded (what it spells is hidden from the
# markup): its path's segments and query's values are read as a URL's
# (``/docs/NATO%20SECRET/``); one written plainly is markup (``href='/SECRET/TOP'``).
_LINKS = frozenset(
    ("href", "src", "srcset", "action", "formaction", "cite", "poster", "data-href", "data-src")
)
_LINK_HINT = re.compile(r"%[0-9A-Fa-f]{2}")
_MARKUP_ATTRIBUTES = {"class", "id", "style", "href", "src", "srcset", "rel", "type", "lang", "dir"}
_FIELD_ATTRIBUTE = re.compile(
    r"(?:classif|klassifi|einstufung|geheimhaltung|rubricer|marking|marquage|"
    r"security|s[ée]curit[ée]|protection)",
    re.IGNORECASE,
)
_CSS_STRING = re.compile(r"\"([^\"]*)\"|'([^']*)'")
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n]?|\\(.)", re.DOTALL)


def _css_escape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code is None:
        return match.group(2)
    value = int(code, 16)
    return chr(value) if 0 < value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF else "\ufffd"


def css_content(css: str) -> list[str]:
    """The texts that ``content:`` declarations in ``css`` put on the page."""
    found = []
    for declaration in _CSS_CONTENT.finditer(css):
        text = "".join(a or b for a, b in _CSS_STRING.findall(declaration.group(1)))
        text = " ".join(_CSS_ESCAPE.sub(_css_escape, text).split())
        if text:
            found.append(text)
    return found


def _in_capitals(value: str) -> bool:
    """Whether ``value`` is written in capitals: two in a row somewhere, and no run of
    three small letters (``NATO SECRET``, ``VS-NfD``, ``Stg. GEHEIM``; not ``secret-box``
    or ``Top Secret! (1984)``)."""
    threes = zip(value, value[1:], value[2:], strict=False)
    return any(a.isupper() and b.isupper() for a, b in pairwise(value)) and not any(
        a.islower() and b.islower() and c.islower() for a, b, c in threes
    )


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: dict[str, list[str]] = {"header": [], "body": [], "footer": []}
        self.lines: dict[str, list[str]] = {"header": [], "body": [], "footer": []}
        self.comments: list[str] = []
        self.metadata: list[str] = []
        self.areas: list[str] = []
        self.skipping = 0
        self.styles = 0  # inside a <style> element: its text is CSS
        self.css: list[str] = []
        self.in_title = False
        self.title: list[str] = []
        self.pre = 0
        # The line being gathered is a <pre> element's: its leading blanks are kept (ASCII
        # art's columns, code's indentation).
        self.pre_line = False
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.hidden_tag: str | None = None  # inside an element a browser does not draw
        self.hidden_depth = 0  # how many of ``hidden_tag`` are open inside it
        self.hidden: list[str] = []  # its text, read apart
        self.attributes: list[str] = []  # other attributes' values in capitals, read apart
        # The open elements, each with the case CSS shows its text in (capitals, small
        # capitals: ``text-transform``, ``font-variant``), inherited; the rules of a
        # ``<style>`` element's simple selectors (a tag, a class) by selector.
        self.cases: list[tuple[str, str | None]] = []
        self.case_rules: dict[str, str] = {}

    def _open_case(self, tag: str, values: dict[str, str]) -> None:
        if tag in _VOID or len(self.cases) > 400:
            return
        case = self.cases[-1][1] if self.cases else None
        if self.case_rules:
            selectors = [tag] + ["." + name for name in values.get("class", "").split()]
            for selector in selectors:
                case = self.case_rules.get(selector, case)
        case = css_case(values.get("style", "")) or case
        self.cases.append((tag, case))

    def _close_case(self, tag: str) -> None:
        for at in range(len(self.cases) - 1, max(-1, len(self.cases) - 40), -1):
            if self.cases[at][0] == tag:
                del self.cases[at:]
                return

    @property
    def area(self) -> str:
        return self.areas[-1] if self.areas else "body"

    def _break(self) -> None:
        joined = "".join(self.lines[self.area])
        line = joined.rstrip(" ") if self.pre_line else joined.strip(" ")
        if line:
            self.parts[self.area].append(line)
        self.lines[self.area] = []
        self.pre_line = False

    def _shown(self, text: str) -> None:
        """A text shown besides the element's own (attribute text, CSS content): on a line
        of its own, or in the table cell being read."""
        text = " ".join(text.split())
        if not text or self.skipping:
            return
        if self.cell is not None:
            self.cell.append(f" {text} ")
            return
        self._break()
        self.lines[self.area].append(text)
        self._break()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.hidden_tag is not None:
            self.hidden_depth += tag == self.hidden_tag
        elif tag not in _NOT_TEXT and _hides(tag, dict(attrs)):
            self.hidden_tag, self.hidden_depth = tag, 1
        values = {key: value for key, value in attrs if value is not None and value}
        self._open_case(tag, values)
        for key, value in values.items():
            if key in _SHOWN or key == "content":
                continue
            if _FIELD_ATTRIBUTE.search(key):
                self.metadata.append(f"{key}: {' '.join(value.split())}")
            elif key in _LINKS and _LINK_HINT.search(value) is not None:
                self.attributes.append(" ".join(value.split()))
            elif key not in _MARKUP_ATTRIBUTES and _in_capitals(value):
                self.attributes.append(" ".join(value.split()))
        if tag != "meta":
            for key in _SHOWN:
                if key in values:
                    self._shown(values[key])
            for text in css_content(values.get("style", "")):
                self._shown(text)
            if "content" in values:
                self._shown(values["content"])
        if tag in _NOT_TEXT:
            self.skipping += 1
            self.styles += tag == "style"
        elif tag == "title":
            self.in_title = True
        elif tag == "meta":
            name = values.get("name") or values.get("property") or values.get("http-equiv")
            if name and values.get("content"):
                self.metadata.append(f"{name}: {' '.join(values['content'].split())}")
        elif tag in _AREAS:
            self._break()
            self.areas.append(_AREAS[tag])
        elif tag == "tr":
            self._break()
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag in _BLOCKS:
            self.pre += tag == "pre"
            self._break()

    def handle_endtag(self, tag: str) -> None:
        self._close_case(tag)
        if tag == self.hidden_tag:
            self.hidden_depth -= 1
            if self.hidden_depth == 0:
                self.hidden_tag = None
                self.hidden.append("\n")
        if tag in _NOT_TEXT:
            self.skipping = max(0, self.skipping - 1)
            if tag == "style" and self.styles:
                self.styles -= 1
                for text in css_content("".join(self.css)):
                    self._shown(text)
                self.case_rules.update(case_rules("".join(self.css)))
                self.css = []
        elif tag == "title":
            self.in_title = False
        elif tag in _AREAS and self.areas:
            self._break()
            self.areas.pop()
        elif tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.parts[self.area].append("| " + " | ".join(self.row) + " |")
            self.row = None
        elif tag in _BLOCKS:
            self.pre -= tag == "pre" and self.pre > 0
            self._break()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            if self.styles:
                self.css.append(data)
            return
        if self.in_title:
            self.title.append(data)
            return
        if self.hidden_tag is not None:
            self.hidden.append(data)
            return
        if not self.pre:
            data = _SPACES.sub(" ", data)
        if self.cases and self.cases[-1][1] is not None:
            data = shown_in_capitals(data, self.cases[-1][1])
        if self.cell is not None:
            self.cell.append(data)
        elif self.pre:
            for n, piece in enumerate(data.split("\n")):
                if n:
                    self._break()
                self.lines[self.area].append(piece)
                self.pre_line = True
        else:
            self.lines[self.area].append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data.strip())


# A CSS rule (selectors, then declarations in braces), and a simple selector: a tag or a
# class, alone.
_CSS_RULE = re.compile(r"([^{}]{1,400})\{([^{}]{0,4000})\}")
_SIMPLE_SELECTOR = re.compile(r"\.?[A-Za-z][\w-]{0,60}")


def case_rules(css: str) -> dict[str, str]:
    """The simple selectors (``p``, ``.banner``) of a style sheet's rules that show text in
    capitals or small capitals, each with its case."""
    rules: dict[str, str] = {}
    for match in _CSS_RULE.finditer(css[:200_000]):
        case = css_case(match.group(2))
        if case is None:
            continue
        for selector in match.group(1).split(","):
            selector = selector.strip()
            if _SIMPLE_SELECTOR.fullmatch(selector):
                rules[selector.lower() if selector[0] != "." else selector] = case
    return rules


def read_html(text: str, builder: DocumentBuilder) -> None:
    """Add the parts of the HTML ``text`` to ``builder``."""
    parser = _TextParser()
    parser.feed(text)
    parser.close()
    for area in ("header", "body", "footer"):
        parser.areas = [area] if area != "body" else []
        parser._break()
    title = " ".join("".join(parser.title).split())
    builder.add("header", "\n".join(parser.parts["header"]))
    builder.add("body", "\n".join(parser.parts["body"]))
    builder.add("footer", "\n".join(parser.parts["footer"]))
    builder.add("comment", "\n".join(parser.comments))
    builder.add(
        "hidden text",
        "\n".join(
            " ".join(line.split()) for line in "".join(parser.hidden).split("\n") if line.strip()
        ),
    )
    builder.add("attribute text", "\n".join(parser.attributes))
    builder.add("metadata", "\n".join(([f"title: {title}"] if title else []) + parser.metadata))
