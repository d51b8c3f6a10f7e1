# ruff: noqa: RUF001, RUF002  (look-alike letters are what this file is about)
"""Evasion families, as generators: every way issue 9 lists of writing a marking so that a
reader still sees it, applied to any marking of any policy.

A family is one way of writing a marking. There are four stages, always applied in this
order, so that any two families compose into a text a writer (or a model asked to) could
produce:

* ``spell``: the marking's letters (separators, leetspeak, look-alikes, mixed scripts);
* ``split``: the marking broken over lines (TOP / SECRET, SE- / CRET, a letter a line);
* ``line``: what surrounds the banner on its line (markup, furniture, indentation);
* ``place``: where the marking stands in the document (a banner line, split over lines,
  a structured-data field, a portion mark after a paragraph number);
* ``wrap``: the whole text, reversed or encoded.

``sample(family, target, rng)`` and ``sample_pair(first, second, target, rng)`` build a
text that holds ``target`` at its level; the gate must read it at that level or higher.
The look-alike tables here are written out by hand from the Unicode charts, not taken
from milai's own tables, so that the test does not inherit the code's blind spots.
"""

from __future__ import annotations

import base64
import codecs
import itertools
import json
import random
import re
import unicodedata
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from milai.policy import Policy, load_policy
from tests.scale import sample

POLICY_DIR = Path(__file__).resolve().parents[2] / "policies"

Stage = Literal["spell", "split", "line", "place", "wrap"]
_ORDER: dict[Stage, int] = {"spell": 0, "split": 1, "line": 2, "place": 3, "wrap": 4}

BODY = [
    "The convoy leaves the depot at 05:00 and reaches the border crossing by noon.",
    "Rapport de situation : les effectifs sont au complet, aucun incident signalé.",
    "Die Übung beginnt am Montag; Treffpunkt ist die Kaserne in Diekirch.",
    "De vergadering van het comité is verplaatst naar donderdag.",
    "D'Equipe trëfft sech um 8 Auer virun der Kaserne.",
]


@dataclass(frozen=True)
class Target:
    """One marking of one shipped policy, at its level."""

    policy: str
    text: str
    level: str
    portion: bool

    @property
    def id(self) -> str:
        kind = "portion" if self.portion else "banner"
        return f"{self.policy}:{kind}:{self.text}"

    @property
    def words(self) -> list[str]:
        return self.text.replace("-", " - ").split()

    @property
    def letters(self) -> int:
        return sum(ch.isalnum() for ch in self.text)

    @property
    def scheme(self) -> str:
        """The marking's scheme in its policy (``default.yaml:NATO``): the fast line's
        samples hold each family on each scheme it applies to (tests/scale.py)."""
        words = set(re.findall(r"[^\W\d_]+", self.text.upper()))
        found = next((name for name, marks in SCHEMES if words & marks), "plain")
        return f"{self.policy}:{found}" + (":portion" if self.portion else "")

    @property
    def kind(self) -> str:
        """The shipped policy and the kind of marking (``default.yaml:portion``)."""
        return f"{self.policy}:{'portion' if self.portion else 'banner'}"


# The words that name a marking's scheme (the first that a marking holds; else "plain":
# RESTRICTED, CONFIDENTIAL, SECRET, TOP SECRET).
SCHEMES: tuple[tuple[str, frozenset[str]], ...] = tuple(
    (name, frozenset(marks.split()))
    for name, marks in (
        ("NATO", "NATO COSMIC ATOMAL CTS CTSA NS NSAT NC NCA NR"),
        ("EU", "UE EU"),
        ("LUX", "LUX"),
        ("NL", "ZEER VERTROUWELIJK BEPERKTE STG DEP CONFIDENTIEEL"),
        ("DE", "GEHEIM VS VERTRAULICH DIENSTGEBRAUCH NFD"),
        ("FR", "DÉFENSE DIFFUSION TRÈS CONFIDENTIEL"),
        ("US", "CUI CONTROLLED TS S C"),
    )
)


@cache
def shipped_policy(name: str) -> Policy:
    """A shipped policy by its file name (``default.yaml``), loaded once."""
    return load_policy(POLICY_DIR / name)


@cache
def targets() -> tuple[Target, ...]:
    """Every marking above the lowest level, of every shipped policy."""
    found: list[Target] = []
    for path in sorted(POLICY_DIR.glob("*.yaml")):
        policy = load_policy(path)
        seen: set[tuple[str, bool]] = set()
        for marking in policy.spec.markings:
            key = (marking.text, marking.portion)
            if marking.level == policy.lowest or key in seen:
                continue
            seen.add(key)
            found.append(Target(path.name, marking.text, marking.level, marking.portion))
    return tuple(found)


def banner_sample(seed: str, fast: int = 12) -> list[Target]:
    """The shipped policies' banners (``targets()`` less the portion marks): every one in CI
    (tests/scale.py); in the fast line ``fast`` of them drawn by ``seed``, among them a
    banner of each scheme of each policy (``Target.scheme``: 11 of them)."""
    banners = [target for target in targets() if not target.portion]
    return sample(banners, fast, seed=f"banners:{seed}", cover=lambda target: [target.scheme])


@dataclass(frozen=True)
class Family:
    """One way of writing a marking; ``make`` turns a marking (or a text) into text."""

    name: str
    group: str  # the issue's heading: banner context, obfuscation, encoding, portion
    stage: Stage
    make: Callable[[str, random.Random], str]
    applies: Callable[[Target], bool] = lambda target: not target.portion
    # Families that cannot be combined with this one, and why (see ``compatible``).
    excludes: frozenset[str] = frozenset()


def _banner(text: str, rng: random.Random) -> str:
    """A banner line above a paragraph, sometimes with a footer banner too."""
    body = rng.choice(BODY)
    return f"{text}\n{body}\n" if rng.random() < 0.7 else f"{text}\n\n{body}\n\n{text}\n"


# --- spell: the letters of the marking -----------------------------------------------------


def _per_letter(text: str, table: dict[str, str], rng: random.Random, share: float = 1.0) -> str:
    """Replace letters that have a look-alike in ``table``; at least one is replaced."""
    spots = [i for i, ch in enumerate(text) if ch.upper() in table]
    if not spots:
        return text
    chosen = {i for i in spots if rng.random() < share} or {rng.choice(spots)}
    return "".join(table[ch.upper()] if i in chosen else ch for i, ch in enumerate(text))


def _ascii_letters(text: str) -> str:
    """``TRÈS`` → ``TRES``: look-alike tables are keyed on plain capitals."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _separated(text: str, rng: random.Random) -> str:
    separators = [" ", "  ", ".", ". ", "..", " . ", "|", "||", "-", "_", "\u2800", "*"]
    # not the marking's own punctuation (an abbreviation's full stop: Stg. GEHEIM)
    separator = rng.choice([sep for sep in separators if not set(sep.strip()) & set(text)])
    out = []
    for word in text.split():
        out.append(separator.join(ch for ch in word if ch != "-"))
    gap = rng.choice(["   ", " / ", "    "])
    return gap.join(out)


_LEET = {"A": "4@", "E": "3", "O": "0", "I": "1!", "S": "5$", "T": "7", "L": "1", "B": "8"}


def _leet(text: str, rng: random.Random) -> str:
    table = {letter: rng.choice(options) for letter, options in _LEET.items()}
    return _per_letter(_ascii_letters(text), table, rng, share=0.6)


_SYMBOL_LEET = {
    "R": ["|2"],
    "N": ["|\\|"],
    "H": ["|-|"],
    "K": ["|<"],
    "E": ["€", "£"],
    "C": ["(", "¢"],
    "T": ["+"],
}


def _symbol_leet(text: str, rng: random.Random) -> str:
    """Leetspeak with symbols (red team 9): ``5EC|2E7``, ``$ECRE+ UE``, ``|\\|470``,
    ``(0NFIDENTIAL``, ``S3CR€T UE``; at least one symbol, digits among them. A "+" stands
    after a letter, a "(" before one (``+OP``, ``SE(``, read as brackets and operators, are
    no words)."""
    letters = _ascii_letters(text).upper()
    spots = [
        i
        for i, ch in enumerate(letters)
        if ch in _SYMBOL_LEET
        and not (ch == "T" and (i == 0 or not letters[i - 1].isalnum()))
        and not (ch == "C" and (i + 1 >= len(letters) or not letters[i + 1].isalnum()))
    ]
    if not spots:
        return _leet(text, rng)
    chosen = {i for i in spots if rng.random() < 0.5} or {rng.choice(spots)}
    digits = {"S": "5", "E": "3", "T": "7", "A": "4", "O": "0", "I": "1"}
    out = []
    for i, ch in enumerate(letters):
        if i in chosen:
            out.append(rng.choice(_SYMBOL_LEET[ch]))
        elif ch in digits and rng.random() < 0.3:
            out.append(digits[ch])
        else:
            out.append(ch)
    return "".join(out)


def _table(pairs: str) -> dict[str, str]:
    """ "A𝑥B𝑦…" → {"A": "𝑥", …}: pairs of a capital and its look-alike."""
    return {pairs[i]: pairs[i + 1] for i in range(0, len(pairs), 2)}


_SMALL_CAPITALS = _table("AᴀBʙCᴄDᴅEᴇFꜰGɢHʜIɪJᴊKᴋLʟMᴍNɴOᴏPᴘRʀSꜱTᴛUᴜVᴠWᴡYʏZᴢ")
_NEGATIVE_SQUARED = {chr(c): chr(0x1F170 + c - 65) for c in range(65, 91)}
_NEGATIVE_CIRCLED = {chr(c): chr(0x1F150 + c - 65) for c in range(65, 91)}
_REGIONAL = {chr(c): chr(0x1F1E6 + c - 65) for c in range(65, 91)}
_STROKED = _table("AȺBɃCȻDĐEɆGǤHĦIƗJɈKꝀLŁNꞤOØPⱣRɌSꞨTŦUɄYɎZƵ")
_TURNED = _table("AɐCɔEǝFɟGƃHɥIᴉKʞMɯRɹTʇVʌWʍYʎ")
_LUNATE = {"C": "\u03f9"}
_INDIC_O = {"O": "\u0c66"}  # TELUGU DIGIT ZERO; also KANNADA DIGIT ZERO and the anusvaras
_INDIC_O_ALTERNATIVES = "\u0c66\u0ce6\u0c02\u0c82"
# "Fancy text" alphabets: Canadian syllabics (and runic K, Cherokee Y) for Latin capitals.
_SYLLABICS = _table("AᗩBᗷCᑕDᗪEᗴFᖴGᘜHᕼIᓰJᒍKᛕLᒪMᗰNᑎOᗝPᑭQᑫRᖇSᔕTᖶUᑌVᐯWᗯX᙭YᎩZᘔ")
_CYRILLIC = _table("AАBВCСEЕHНIІJЈKКMМOОPРSЅTТXХYУ")
# Braille's Grade-1 letter cells (no case: a cell is a letter), written out from the chart.
_BRAILLE = _table("A⠁B⠃C⠉D⠙E⠑F⠋G⠛H⠓I⠊J⠚K⠅L⠇M⠍N⠝O⠕P⠏Q⠟R⠗S⠎T⠞U⠥V⠧W⠺X⠭Y⠽Z⠵")
# "Faux Cyrillic" and Greek display letters: Я for R, Є for E, И for N, Д for A…
_FAUX_CYRILLIC = _table("AДBБEЄNИOФRЯUЦWШYЧ")
_FAUX_GREEK = _table("AΛEΞNΠOΘ")
_GREEK = _table("AΑBΒEΕHΗIΙKΚMΜNΝOΟPΡTΤXΧYΥZΖ")


def _lookalike(table: dict[str, str], share: float = 1.0) -> Callable[[str, random.Random], str]:
    def make(text: str, rng: random.Random) -> str:
        return _per_letter(_ascii_letters(text), table, rng, share)

    return make


def _indic_o(text: str, rng: random.Random) -> str:
    return _per_letter(_ascii_letters(text), {"O": rng.choice(_INDIC_O_ALTERNATIVES)}, rng)


def _mixed_scripts(text: str, rng: random.Random) -> str:
    """Some letters Cyrillic, some Greek, the rest Latin, in one word."""
    out = []
    for ch in _ascii_letters(text):
        options = [t[ch] for t in (_CYRILLIC, _GREEK) if ch in t]
        out.append(rng.choice(options) if options and rng.random() < 0.5 else ch)
    mixed = "".join(out)
    if mixed == _ascii_letters(text):
        return _per_letter(mixed, _CYRILLIC, rng, share=0.0)
    return mixed


def _odd_case(text: str, rng: random.Random) -> str:
    """sEcReT: mixed case that no heading uses (the first letter in lower case)."""
    out, upper = [], False
    for ch in text:
        out.append(ch.upper() if upper else ch.lower())
        if ch.isalpha():
            upper = not upper
    return "".join(out)


def _overstrike(text: str, rng: random.Random) -> str:
    """S\bSE\bE…: nroff bold (a letter struck over itself), or _\bS_\bE… (underlined), as
    a man page captured from a terminal (``script``, ``less``) keeps it."""
    bold = rng.random() < 0.5
    return "".join((f"{ch}\b{ch}" if bold else f"_\b{ch}") if ch.isalnum() else ch for ch in text)


# Terminal colours around a marking: a whole one, one per word, a colour left open.
_COLOURS = ("\x1b[1;31m{}\x1b[0m", "\x1b[01;31m{}\x1b[m", "{}\x1b[0m", "\x1b[7m{}\x1b[27m")


def _terminal_colour(text: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return re.sub(r"\S+", lambda word: rng.choice(_COLOURS).format(word.group()), text)
    return rng.choice(_COLOURS).format(text)


def _merged_title_row(text: str, rng: random.Random) -> str:
    """A spreadsheet's merged title row exported to CSV: the banner in one cell, the row's
    other cells empty (``,,,NATO SECRET,,,``)."""
    return "," * rng.randint(1, 40) + text + "," * rng.randint(0, 40)


_BBCODE = (
    "[b]{}[/b]",
    "[size=5]{}[/size]",
    "[url=https://intra.example/ops]{}[/url]",
    '[quote="jm"]{}[/quote]',
    "[center][b]{}[/b][/center]",
    "[color=red]{}[/color]",
)


def _bbcode(text: str, rng: random.Random) -> str:
    """A forum post's BBCode around the banner (phpBB, vBulletin; what a model asked for
    BBCode writes)."""
    return rng.choice(_BBCODE).format(text)


_SHORTCODES = (":lock:", ":red_circle:", ":warning:", ":closed_lock_with_key:")


def _shortcode(text: str, rng: random.Random) -> str:
    """Emoji shortcodes around the banner, as chat exports keep them (Slack, Mattermost,
    Teams, GitHub): before, after or both, the banner in emphasis or not."""
    code = rng.choice(_SHORTCODES)
    body = rng.choice(["{}", "*{}*"]).format(text)
    return rng.choice([f"{code} {body}", f"{body} {code}", f"{code} {body} {code}"])


def _glued_footer(text: str, rng: random.Random) -> str:
    """pdftotext without -layout: the page number or the footer's furniture glued to the
    banner (text objects with no blank between them)."""
    return rng.choice(
        [f"{rng.randint(1, 99)}{text}", f"{text}Page {rng.randint(1, 9)} of 12", f"{text}Seite 2"]
    )


# The last line of a page, which pdftotext without -layout glues to the footer after it.
_PAGE_LAST_LINES = (
    "The battalion moves to the assembly area on Tuesday and reports by 1800.",
    "Le bataillon rejoint la zone de regroupement mardi et rend compte \u00e0 18 h.",
    "Das Bataillon verlegt am Dienstag in den Verf\u00fcgungsraum und meldet bis 18 Uhr.",
    "Het bataljon verplaatst dinsdag naar het verzamelgebied en meldt zich om 18 uur.",
    "Are the convoys ready to leave at dawn?",
    "Report every contact to the duty officer at once!",
)


def _glued_sentence(text: str, rng: random.Random) -> str:
    """pdftotext without -layout: a page's last line glued to its footer banner (``…reports
    by 1800.NATO SECRET``)."""
    return rng.choice(_PAGE_LAST_LINES) + text


_GLUED_TITLES = (
    "Annex B to OPORD 3/24",
    "Lagebericht Nord",
    "Compte rendu de la r\u00e9union du 12 mars",
    "Verslag van de week",
    "Convoy plan",
)


def _glued_title(text: str, rng: random.Random) -> str:
    """pdftotext without -layout: a header banner of two words or more glued to the title
    after it (``NATO SECRETAnnex B to OPORD 3/24``)."""
    return text + rng.choice(_GLUED_TITLES)


def _kv_event(text: str, rng: random.Random) -> str:
    """A security event's key=value pairs (CEF's extension, LEEF, an audit line): the
    marking is an unquoted value with blanks, which a sibling key names
    (``cs1Label=Classification cs1=NATO SECRET fname=plan.docx``)."""
    number = rng.randint(1, 6)
    label = rng.choice(["Classification", "classification", "Einstufung", "Marking"])
    pairs = f"cs{number}Label={label} cs{number}={text}"
    form = rng.choice(["cef", "leef", "leef-caret", "audit"])
    if form == "cef":
        return f"CEF:0|Vendor|DLP|1.0|100|Doc exported|5|act=export {pairs} fname=plan.docx\n"
    if form == "leef":
        return (
            f"LEEF:1.0|Vendor|DLP|1.0|100|cat=Export usrName=jm classification={text} "
            "src=10.0.0.5\n"
        )
    if form == "leef-caret":
        return f"LEEF:2.0|Vendor|DLP|1.0|100|^|cat=Export^classification={text}^usrName=jm\n"
    return f"<134>Mar 12 10:00:00 dlp01 dlp: act=export {pairs} suser=jm dst=10.0.0.5\n"


_STRING_PIECES = (
    'msgid ""\n"{}"\n"{}"\nmsgstr ""\n',
    'static const char *banner = "{}" "{}";\n',
    'BANNER = ("{}"\n          "{}")\n',
    "banner = '{}' '{}'\n",
    'const banner = "{}" +\n    "{}";\n',
    "<banner><![CDATA[{}]]><![CDATA[{}]]></banner>\n",
)


# Codeword leetspeak (red team 11): the digits and symbols people write for a codeword's
# letters (``NIGHTJ4R``, ``M0$ELLE SH!ELD``, ``8lue h3ron``), written out by hand.
CODEWORD_LEET = {
    "A": "4@",
    "B": "8",
    "E": "3",
    "G": "69",
    "I": "1!|",
    "O": "0",
    "S": "5$",
    "T": "7",
}


def codeword_leet_most(letters: int) -> int:
    """The most letters of a codeword's word of ``letters`` letters that the gate promises
    to read as digits or symbols: half of them, three letters kept (README)."""
    return max(0, min(letters // 2, letters - 3))


def codeword_case(text: str, rng: random.Random) -> str:
    """The codeword in capitals, title case or small letters."""
    return rng.choice([text.upper(), text.title(), text.lower()])


def codeword_leet(keyword: str, rng: random.Random) -> str | None:
    """The codeword with digits and symbols for some of its letters, each word as many as
    the gate promises to read (``codeword_leet_most``), one at least in the codeword; in
    capitals, title case or small letters (None where no word can take one)."""
    words = re.split(r"([^A-Za-z]+)", codeword_case(keyword, rng))
    spots = [
        [i for i, ch in enumerate(word) if ch.upper() in CODEWORD_LEET] if word.isalpha() else []
        for word in words
    ]
    counts = [
        min(rng.randint(0, codeword_leet_most(len(word))), len(found))
        for word, found in zip(words, spots, strict=True)
    ]
    if not any(counts):
        able = [i for i, word in enumerate(words) if spots[i] and codeword_leet_most(len(word))]
        if not able:
            return None
        counts[rng.choice(able)] = 1
    out: list[str] = []
    for word, found, count in zip(words, spots, counts, strict=True):
        chars = list(word)
        for i in rng.sample(found, count):
            chars[i] = rng.choice(CODEWORD_LEET[chars[i].upper()])
        out.append("".join(chars))
    return "".join(out)


# A codeword in a sentence, glued to punctuation, in each language of the tests.
CODEWORD_SENTENCES = (
    "Fuel for {} is at the depot.",
    "Status of {} please?",
    "Le carburant pour {} est au dépôt.",
    "Où en est l'opération {} ?",
    "Der Treibstoff für {} liegt im Depot.",
    "Wie steht es um {}?",
    "De brandstof voor {} ligt in het depot.",
    "Wat is de stand van {}?",
    "De Brennstoff fir {} ass am Depot.",
    "Wéi steet et ëm {}?",
)
CODEWORD_GLUES = ("{}", "({})", '"{}"', "«{}»", "[{}]", "{}.", "{},", "{}:", "*{}*", "'{}'", "{}!")


def codeword_in_sentence(written: str, rng: random.Random) -> str:
    """A codeword as written, glued to punctuation, in a sentence of one of the languages."""
    return rng.choice(CODEWORD_SENTENCES).format(rng.choice(CODEWORD_GLUES).format(written))


def string_pieces(text: str, rng: random.Random) -> str:
    """A string written in two pieces that a program reads as one, cut anywhere inside:
    a PO file's continuation lines, C's and Python's adjacent literals, a ``+`` between
    them, CDATA sections side by side (``"NATO SEC" "RET"``)."""
    cut = rng.randint(1, len(text) - 1)
    return rng.choice(_STRING_PIECES).format(text[:cut], text[cut:])


def _cut_in_pieces(text: str, rng: random.Random, most: int = 4) -> list[str]:
    """``text`` cut in two to ``most`` non-empty pieces at random points."""
    count = min(rng.randint(2, most), len(text))
    cuts = sorted(rng.sample(range(1, len(text)), count - 1))
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


def string_joins(text: str, rng: random.Random) -> str:
    """A string built by the joins programs write, cut anywhere inside: SQL's CONCAT(…) and
    ``||``, JavaScript's ``[…].join("")`` and ``.concat(…)``, Python's ``"".join([…])``,
    PHP's and Lua's ``.``/``..``, on one line or one piece a line (red team 7)."""
    pieces = _cut_in_pieces(text, rng)
    single = [f"'{piece}'" for piece in pieces]
    double = [f'"{piece}"' for piece in pieces]
    form = rng.choice(
        [
            "concat",
            "concat-lines",
            "bars",
            "array-join",
            "array-lines",
            "js-concat",
            "chained",
            "py-join",
            "php",
            "lua",
        ]
    )
    if form == "concat":
        return f"SELECT {rng.choice(['CONCAT', 'concat'])}({', '.join(single)}) AS banner;\n"
    if form == "concat-lines":
        return "SELECT CONCAT(\n" + ",\n".join(f"    {p}" for p in single) + "\n) AS banner;\n"
    if form == "bars":
        return f"SELECT {' || '.join(single)} AS banner;\n"
    if form == "array-join":
        return f'const banner = [{", ".join(double)}].join("");\n'
    if form == "array-lines":
        return "const banner = [\n" + "".join(f"  {p},\n" for p in double) + '].join("");\n'
    if form == "js-concat":
        return f"const banner = {double[0]}.concat({', '.join(double[1:])});\n"
    if form == "chained":
        return "const banner = " + double[0] + "".join(f".concat({p})" for p in double[1:]) + ";\n"
    if form == "py-join":
        return f'banner = "".join([{", ".join(double)}])\n'
    if form == "php":
        return f"$banner = {' . '.join(single)};\n"
    return f"local banner = {' .. '.join(double)}\n"


def _sql_unicode(text: str, rng: random.Random) -> str:
    """PostgreSQL's ``U&'…'``: some letters (or all) as ``\\XXXX`` or ``\\+XXXXXX``, the
    escape character ``\\`` or another one given by UESCAPE."""
    escape = rng.choice(["\\", "\\", "!", "#"])
    share = rng.choice([1.0, 0.5])
    out = []
    in_tag = False  # markup's own letters stay as written (inline-tags)
    for ch in text.replace("'", "''"):
        in_tag = (in_tag or ch == "<") and ch != ">"
        if ch.isalpha() and not in_tag and rng.random() < share:
            code = ord(ch)
            short = code <= 0xFFFF and rng.random() < 0.7
            out.append(f"{escape}{code:04X}" if short else f"{escape}+{code:06X}")
        else:  # the escape character itself is written twice (leetspeak's "!")
            out.append(escape * 2 if ch == escape else ch)
    tail = "" if escape == "\\" else f" UESCAPE '{escape}'"
    return f"U&'{''.join(out)}'{tail}"


def sql_literals(text: str, rng: random.Random) -> str:
    """A marking as SQL writes a string a statement gives: a table's or column's comment
    (``COMMENT ON TABLE docs IS '…'``, MySQL's ``COMMENT '…'``), a column's default, a row's
    value in PostgreSQL's Unicode escapes (red team 7)."""
    quoted = "'" + text.replace("'", "''") + "'"
    form = rng.choice(["comment-on", "comment-column", "mysql-comment", "default", "u-escape"])
    if form == "comment-on":
        return f"COMMENT ON TABLE docs IS {quoted};\n"
    if form == "comment-column":
        return f"comment on column public.docs.banner is {quoted};\n"
    if form == "mysql-comment":
        return f"CREATE TABLE docs (id INT, body TEXT COMMENT {quoted});\n"
    if form == "default":
        return f"ALTER TABLE docs ALTER COLUMN banner SET DEFAULT {quoted};\n"
    return f"INSERT INTO docs (title, banner) VALUES ('Plan', {_sql_unicode(text, rng)});\n"  # noqa: S608


def _dn_escaped(text: str) -> str:
    """An attribute value as a distinguished name escapes it (RFC 4514)."""
    return re.sub(r'([,+;"\\<>=])', r"\\\1", text)


_DN_FORMS = (
    "dn: cn=plan,ou={},dc=example,dc=mil\nobjectClass: document\n",
    "dn: uid=jm+ou={},o=Council,c=BE\n",
    "Subject: C=BE, O=Council, OU={}, CN=Jean Muller\n",
    "memberOf: CN={},OU=Groups,DC=corp,DC=local\n",
    "issuer=/C=LU/O=Gov/OU=PKI, subject=CN=Convoy, OU={}, O=Gov\n",
)


def dn_value(text: str, rng: random.Random) -> str:
    """A marking as an attribute's value in an X.500 / LDAP distinguished name: LDIF's
    ``dn:``, a certificate's subject, Active Directory's ``memberOf`` (red team 7)."""
    return rng.choice(_DN_FORMS).format(_dn_escaped(text))


def _review_pane(text: str, rng: random.Random) -> str:
    """Tracked changes pasted as text: Word's reviewing pane, or CriticMarkup's substitution."""
    return rng.choice(
        [
            f"[Deleted: {text}] UNCLASSIFIED",
            f"[Inserted: {text}]",
            f"{{~~UNCLASSIFIED~>{text}~~}}",
        ]
    )


def _crlf(text: str, rng: random.Random) -> str:
    """Windows line ends (every e-mail, Windows text file and calendar file)."""
    return text.replace("\n", "\r\n")


def _wide_gaps(text: str, rng: random.Random) -> str:
    return (" " * rng.randint(8, 60)).join(text.split())


# --- line: what surrounds the banner on its line -----------------------------------------

_WRAPPERS = [
    "//{}",
    "// {}",
    "« {} »",
    "«{}»",
    '"{}"',
    "“{}”",
    "'{}'",
    "`{}`",
    "**{}**",
    "__{}__",
    "## {}",
    "# {}",
    "<b>{}</b>",
    "<strong>{}</strong>",
    '<p align="center">{}</p>',
    "<p align=center><b>{}</b></p>",
    '<div class="banner">{}</div>',
    "<<{}>>",
    "[{}]",
    "| {} |",
    "*** {} ***",
    "=== {} ===",
    "-- {} --",
    "\\textbf{{{}}}",
    "\\begin{{center}}\\textbf{{{}}}\\end{{center}}",
    "{{\\bf {}}}",
    "\\section*{{{}}}",
    "\\centerline{{\\large {}}}",
    "[.classification]#{}#",
    "[.big]*{}*",
]
_FURNITURE = [
    "{}.",
    "{}:",
    "{} - DRAFT",
    "{} – PROJET",
    "{} (NOFORN)",
    "{} UK EYES ONLY",
    "{} - AUS/CAN/NZL/GBR/USA EYES ONLY",
    "{}    Page 3 of 12",
    "{}  - 2 -",
    "{}    Ref. MIL/2024/117",
    "{}    Az. 47-11/2024",
    "{} - COPY 2 OF 5",
    "{} / Exemplaire n° 3",
    "{} - Amtlich geheimgehalten",
    "{}   COUNCIL DOC 1234/25",
    "{}   EEAS REF 2025/4411",
    "{} -- 12 mars 2025 --",
    "{}    3 March 2025",
    "{}    4. Dezember 2025",
    "{}; NOFORN; ORCON",
    "{}; NOFORN",
    "{}    N° 3",
    "{}                    N° 0412/DEF/EMA                    3/3",
]


def _doubled_brackets(text: str, rng: random.Random) -> str:
    """[[ SECRET ]]: a run of two or three wrapper brackets of one kind."""
    opening, closing = rng.choice([("[", "]"), ("{", "}"), ("(", ")")])
    n = rng.randint(2, 3)
    gap = rng.choice(["", " ", "  "])
    return f"{opening * n}{gap}{text}{gap}{closing * n}"


_PAGE_FIRST = [
    "Page 3 of 7    {}    Ref. J2/44",
    "Page 12    {}",
    "Seite 2 von 5    {}",
    "p. 4 | {}",
    "Page 1/9 - {} - Exemplaire n° 2",
    "Blz. 3 van 8        {}",
]


def _page_first(text: str, rng: random.Random) -> str:
    """A footer with the page number before the marking."""
    return rng.choice(_PAGE_FIRST).format(text)


def _repeated(text: str, rng: random.Random) -> str:
    """SECRET SECRET SECRET SECRET SECRET: the marking n times on one line."""
    return rng.choice([" ", "  ", " - ", " / "]).join([text] * rng.randint(2, 12))


_SPACED_TEXT = [
    "the plan",
    "The annex",
    "Convoy at dawn",
    "le plan de la semaine",
    "Die Übung beginnt am Montag",
    "de vergadering van donderdag",
    "d'Equipe trëfft sech um 8 Auer",
]


def _spaced_line(text: str, rng: random.Random) -> str:
    """S E C R E T   t h e   p l a n: the whole line written letter by letter."""
    separator = rng.choice([" ", ".", " . ", "|", "\u2800", "-", "_"])
    gap = rng.choice(["  ", "   ", " / ", "     "])

    def spaced(words: str) -> str:
        return gap.join(separator.join(ch for ch in word if ch != "-") for word in words.split())

    rest = rng.choice(_SPACED_TEXT)
    if rng.random() < 0.3:  # long enough to pass the banner's usual tail
        rest = " ".join([*BODY[0].split(), *BODY[2].split(), *BODY[1].split()])
    return spaced(text) + gap + spaced(rest)


# A State Department cable's first line after its letter-spaced marking, one blank away.
_CABLE_FURNITURE = (
    "SECTION 01 OF 03 BRUSSELS 000456",
    "ROME 001234",
    "SIPDIS",
    "STATE 123456",
    "VIENNA 000217 SIPDIS",
    "SECTION 02 OF 02 THE HAGUE 000789",
)


def _cable_line(text: str, rng: random.Random) -> str:
    """``S E C R E T SECTION 01 OF 03 BRUSSELS 000456``: the marking spaced out letter by
    letter (two blanks between its words), then the cable's furniture after one blank."""
    spaced = "  ".join(" ".join(ch for ch in word if ch != "-") for word in text.split())
    return spaced + " " + rng.choice(_CABLE_FURNITURE)


def _wrapped(text: str, rng: random.Random) -> str:
    return rng.choice(_WRAPPERS).format(text)


def _table_cell(text: str, rng: random.Random) -> str:
    label = rng.choice(["Classification", "Einstufung", "Niveau de classification", "Rubricering"])
    return f"| {label} | {text} |\n|---|---|" if rng.random() < 0.5 else f"| {label} | {text} |"


def _furniture(text: str, rng: random.Random) -> str:
    return rng.choice(_FURNITURE).format(text)


def _indented(text: str, rng: random.Random) -> str:
    indent = rng.choice([" " * rng.randint(40, 80), "\t\t\t", "\t" + " " * rng.randint(8, 30)])
    return indent + text + (" " * rng.randint(0, 40) if rng.random() < 0.5 else "")


# Issue 9, red team 2: text or furniture before the banner on its line, cells cut by bars,
# wide gaps and markup (each cell is read as a line of its own).
_BEFORE_BANNER = [
    "Annex A to OPORD 3/24",
    "Appendix 2 to Annex C",
    "Réf. 2024/117 du 3 mars",
    "Anlage 3 zum Befehl Nr. 12",
    "Bijlage 4 bij nota 2024-88",
]
_GAPS = ["  ", "    ", "        ", " " * 30, "\t", "\t\t"]


def _text_before(text: str, rng: random.Random) -> str:
    """Annex A to OPORD 3/24        NATO SECRET: a reference, a wide gap, the banner."""
    return rng.choice(_BEFORE_BANNER) + rng.choice(_GAPS) + text


def _page_number_before(text: str, rng: random.Random) -> str:
    """Page 2 NATO RESTRICTED, - 3 -    SECRET, 3/7    SECRET: page-number furniture."""
    page, total = rng.randint(1, 9), rng.randint(10, 40)
    form = rng.choice(
        [
            f"Page {page} {{}}",
            f"Page {page} of {total} {{}}",
            f"Seite {page} {{}}",
            f"p. {page} {{}}",
            f"- {page} -" + rng.choice(_GAPS[1:]) + "{}",
            f"{page}/{total}" + rng.choice(_GAPS[1:]) + "{}",
        ]
    )
    return form.format(text)


def _pipe_cells(text: str, rng: random.Random) -> str:
    """12 March 2024 | NATO CONFIDENTIAL | Copy 3 of 5: header cells between bars."""
    left = rng.choice(["12 March 2024", "3 mars 2024", "OPORD 3/24", "Ref. J2/44"])
    right = rng.choice(["Copy 3 of 5", "Exemplaire n° 2", "Page 1", "Draft v2"])
    gap = rng.choice([" ", "  ", ""])
    return f"{left}{gap}|{gap}{text}{gap}|{gap}{right}"


def _wide_repeat(text: str, rng: random.Random) -> str:
    """NATO SECRET    NATO SECRET: the banner in two or three columns."""
    return rng.choice(_GAPS[1:]).join([text] * rng.randint(2, 3))


_MARKUP_CELLS = [
    "<title>{}</title>",
    "<html><head><title>{}</title></head>",
    "<td>{}</td><td>Convoy plan</td>",
    "\\fancyhead[C]{{{}}}",
    "\\begin{{center}}\\textbf{{{}}}\\end{{center}}",
    "{{\\rtf1\\ansi {{\\b {}\\par}}",
    "<input type='text' value='{}'>",
    '<input value="{}" readonly>',
    "p::before {{ content:'{}'; }}",
    '.banner::after{{content:"{}"}}',
    '<meta name="dc.subject" content="{}">',
    '<meta property="og:title" content="{}" />',
]


def _markup_cell(text: str, rng: random.Random) -> str:
    """<title>NATO SECRET</title>, \\fancyhead[C]{NATO SECRET}, {\\b NATO SECRET\\par},
    value='TOP SECRET', content:'NATO SECRET': markup around the marking on its line."""
    return rng.choice(_MARKUP_CELLS).format(text)


def _comment_inside(text: str, rng: random.Random) -> str:
    """SE<!-- x -->CRET: a markup comment inside a word of the marking."""
    spots = [i for i in range(1, len(text)) if text[i - 1].isalnum() and text[i].isalnum()]
    if not spots:
        return text
    at = rng.choice(spots)
    comment = rng.choice(["<!-- x -->", "<!---->", "<!-- TODO: fix -->"])
    return text[:at] + comment + text[at:]


# Issue 9, red team 3: what Markdown, wiki and documentation markup put before a banner on
# its line. A renderer shows the marking as text (an image's alt text, an admonition's or a
# shortcode's title, a footnote, a heading); the words of the syntax are markup.
_ADMONITION_KINDS = ["note", "warning", "danger", "caution", "important", "info", "tip", "abstract"]


def _markup_words(text: str, rng: random.Random) -> str:
    """![SECRET](banner.png), !!! danger "SECRET", .. note:: SECRET, h1. SECRET, - [x]
    SECRET, [^1]: SECRET, {{< banner "SECRET" >}}: documentation markup, its words chosen
    at random (kinds, file and shortcode names, footnote labels)."""
    kind = rng.choice(_ADMONITION_KINDS)
    name = rng.choice(["banner", "classification", "notice", "marking", "header", "alert"])
    image = rng.choice(["banner.png", "img/marking.svg", "./header.jpg", "x.png"])
    label = rng.choice(["1", "2", "12", "note", "a", "src1"])
    form = rng.choice(
        [
            "![@](IMAGE)",
            '![@](IMAGE "NAME")',
            '!!! KIND "@"',
            '??? KIND "@"',
            '???+ KIND "@"',
            ":::KIND @",
            "[^LABEL]: @",
            f"h{rng.randint(1, 6)}. @",
            "bq. @",
            rng.choice(["- [x] @", "- [ ] @", "* [X] @", "+ [x] @", "1. [x] @"]),
            ".. KIND:: @",
            '{{< NAME "@" >}}',
            '{{% NAME "@" %}}',
            '{% include NAME.html text="@" %}',
            "[.NAME]#@#",
        ]
    )
    for word, value in (("IMAGE", image), ("NAME", name), ("KIND", kind), ("LABEL", label)):
        form = form.replace(word, value)
    return form.replace("@", text)


# Lower markings of both policies (and a level name), struck through before the new one.
_STRUCK = ["UNCLASSIFIED", "NON CLASSIFIÉ", "OFFEN", "NATO UNCLASSIFIED", "DRAFT"]


def _struck_marking(text: str, rng: random.Random) -> str:
    """~~UNCLASSIFIED~~ SECRET: an old marking struck through before the new one, or the
    marking itself struck before a lower one (~~SECRET~~ UNCLASSIFIED): the higher wins."""
    old = rng.choice(_STRUCK)
    gap = rng.choice([" ", "  ", ""])
    if rng.random() < 0.5:
        return f"~~{old}~~{gap}{text}"
    return f"~~{text}~~{gap}{old}"


# Comments, in the syntax of the languages a document or a model's answer is written in.
_COMMENTS = [
    "<!-- {} -->",
    "<!--{}-->",
    "[//]: # ({})",
    '[//]: # "{}"',
    "% {}",
    "%% {}",
    "// {}",
    "/* {} */",
    "/** {} */",
    "# {}",
    "; {}",
    ";; {}",
    "-- {}",
    "REM {}",
    "rem {}",
    "' {}",
    "{{# {} #}}",
    "{{{{!-- {} --}}}}",
]


def _comment(text: str, rng: random.Random) -> str:
    """<!-- SECRET -->, [//]: # (SECRET), % SECRET, -- SECRET, REM SECRET: a banner in a
    comment on its own line (HTML, Markdown, TeX, C, shell, Lisp, SQL, BASIC, VB)."""
    return rng.choice(_COMMENTS).format(text)


def _inline_tags(text: str, rng: random.Random) -> str:
    """<span>SEC</span><span>RET</span>: inline elements cut a word of the marking (a span
    per glyph or run, as PDF and Word converters write HTML); a browser joins them."""
    spots = [i for i in range(1, len(text)) if text[i - 1].isalnum() and text[i].isalnum()]
    if not spots:
        return text
    tag = rng.choice(["span", "b", "i", "font", "strong"])
    attrs = rng.choice(["", ' class="c1"', ' style="font-size:9pt"'])
    if rng.random() < 0.5:  # every glyph in its own element
        cuts = spots
    else:
        cuts = sorted(rng.sample(spots, min(len(spots), rng.randint(1, 3))))
    out, last = [], 0
    for at in [*cuts, len(text)]:
        out.append(f"<{tag}{attrs}>{text[last:at]}</{tag}>")
        last = at
    return "".join(out)


def _portion_slash(text: str, rng: random.Random) -> str:
    """TS/SCI, S/NF: the abbreviated marking and one control after one slash, alone."""
    control = rng.choice(["SCI", "NF", "NOFORN", "REL", "ORCON", "SI"])
    return f"{text}/{control}\n{rng.choice(BODY)}\n"


# --- place: where the marking stands ----------------------------------------------------


def _banner_place(text: str, rng: random.Random) -> str:
    return _banner(text, rng)


def _split_words(text: str, rng: random.Random) -> str:
    """TOP\\nSECRET: the words of a banner on lines of their own."""
    words = re.split(r"[ \t]+", text)
    indent = rng.choice(["", "", "    ", " " * 40])
    return "\n".join(indent + word for word in words)


def _hyphenated(text: str, rng: random.Random) -> str:
    """SE-\\nCRET: one word of the banner hyphenated over two lines."""
    words = re.split(r"(?<=[ -])", text)  # a hyphenated word is broken at its hyphen
    long_words = [i for i, w in enumerate(words) if _long_word(w)]
    at = (
        rng.choice(long_words)
        if long_words
        else max(range(len(words)), key=lambda i: len(words[i]))
    )
    word = words[at]
    letters = [i for i, ch in enumerate(word) if not ch.isspace() and ch != "-"]
    cut = rng.choice(letters[2:-1]) if len(letters) > 3 else letters[-1]
    words[at] = word[:cut] + "-\n" + word[cut:]
    return "".join(words)


def _letter_per_line(text: str, rng: random.Random) -> str:
    return "\n".join(ch for ch in text if not ch.isspace() and ch != "-")


# --- split: a marking spelled down a structure, one letter or one word per unit ----------
# (issue 9, red team 5: what a model told to hide a marking writes; a reader reads the
# structure top to bottom and so reads the marking)


def _letters(text: str) -> list[str]:
    """The marking's letters, each with what goes with it (a combining accent, a letter
    struck over itself); the blanks and hyphens between words dropped."""
    out: list[str] = []
    for ch in text:
        if out and (unicodedata.combining(ch) or ch == "\b" or out[-1].endswith("\b")):
            out[-1] += ch
        elif not ch.isspace() and ch != "-":
            out.append(ch)
    return out


def _unit_words(text: str) -> list[str]:
    return text.split()


def _intro(rng: random.Random) -> str:
    return rng.choice(["", "", "Header words:\n", "The label, one part per item:\n\n"])


def _list_of(units: list[str], rng: random.Random) -> str:
    """The units as the items of one list: numbered, lettered or bulleted, tight or loose."""
    style = rng.choice(["1.", "1)", "(1)", "a)", "a.", "-", "*", "\u2022", "+"])
    if style in ("a)", "a.") and len(units) > 26:
        style = "1."
    indent = rng.choice(["", "", "  ", "    "])
    gap = "\n\n" if rng.random() < 0.3 else "\n"
    items = []
    for number, unit in enumerate(units, 1):
        marker = (
            style.replace("1", str(number))
            if "1" in style
            else style.replace("a", chr(96 + number))
            if "a" in style
            else style
        )
        items.append(f"{indent}{marker} {unit}")
    return _intro(rng) + gap.join(items)


def _word_items(text: str, rng: random.Random) -> str:
    """1. TOP / 2. SECRET: one word of the marking per list item."""
    return _list_of(_unit_words(text), rng)


_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii")


def _roman_items(text: str, rng: random.Random) -> str:
    """i. TOP / ii. SECRET: one word of the marking per item of a Roman-numbered list."""
    close = rng.choice([".", ")"])
    upper = rng.random() < 0.3
    indent = rng.choice(["", "", "  "])
    gap = "\n\n" if rng.random() < 0.3 else "\n"
    items = []
    for number, unit in zip(_ROMAN, _unit_words(text), strict=False):
        items.append(f"{indent}{number.upper() if upper else number}{close} {unit}")
    return _intro(rng) + gap.join(items)


def _letter_items(text: str, rng: random.Random) -> str:
    """- S / - E / - C…: one letter of the marking per list item."""
    return _list_of(_letters(text), rng)


def _letter_paragraphs(text: str, rng: random.Random) -> str:
    """S, a blank line, E, a blank line…: one letter of the marking per paragraph."""
    gap = rng.choice(["\n\n", "\n\n", "\n\n\n", "\n \n"])
    indent = rng.choice(["", "", "    "])
    return gap.join(indent + letter for letter in _letters(text))


def _value_letters(text: str, rng: random.Random) -> str:
    """{"1": "S", "2": "E", …}: one letter of the marking per value, the values of
    consecutive keys; an object on one line or one pair a line, YAML, a list a line."""
    letters = _letters(text)
    keys = rng.choice(
        [
            [str(n) for n in range(1, len(letters) + 1)],
            [f"c{n}" for n in range(len(letters))],
            [f"letter_{n}" for n in range(1, len(letters) + 1)],
        ]
    )
    form = rng.choice(["json-line", "json-pretty", "yaml", "array-pretty", "python"])
    if form == "json-line":
        return json.dumps(dict(zip(keys, letters, strict=True)), ensure_ascii=False)
    if form == "json-pretty":
        return json.dumps(dict(zip(keys, letters, strict=True)), ensure_ascii=False, indent=2)
    if form == "yaml":
        return "\n".join(f"{key}: {letter}" for key, letter in zip(keys, letters, strict=True))
    if form == "array-pretty":
        return json.dumps(letters, ensure_ascii=False, indent=rng.choice([2, 4]))
    pairs = ", ".join(f"{n}: '{letter}'" for n, letter in enumerate(letters))
    return "{" + pairs + "}"


_ROW_WORDS = ["north", "alpha", "tango", "echo", "unit", "depot", "route", "check", "note"]


def _column_of(units: list[str], rng: random.Random) -> str:
    """The units down one column of a table: Markdown (the unit in the first or second
    column), CSV or tab-separated, with a header row."""
    form = rng.choice(["markdown", "markdown-second", "csv", "tsv"])
    rows = [(unit, rng.choice(_ROW_WORDS)) for unit in units]
    if form == "markdown":
        lines = ["| Letter | Meaning |", "|---|---|"] + [f"| {u} | {w} |" for u, w in rows]
    elif form == "markdown-second":
        lines = ["| # | Part | Note |", "|:-:|:-:|---|"] + [
            f"| {n} | {u} | {w} |" for n, (u, w) in enumerate(rows, 1)
        ]
    elif form == "csv":
        lines = ["part,meaning"] + [f"{u},{w}" for u, w in rows]
    else:
        lines = ["part\tmeaning"] + [f"{u}\t{w}" for u, w in rows]
    return "\n".join(lines)


def _column_letters(text: str, rng: random.Random) -> str:
    """| N | north | / | A | alpha |…: one letter of the marking per row, read down."""
    return _column_of(_letters(text), rng)


def _column_words(text: str, rng: random.Random) -> str:
    """| TOP | … | / | SECRET | … |: one word of the marking per row, read down."""
    return _column_of(_unit_words(text), rng)


_FIELD_NAMES = [
    "classification",
    "Classification",
    "securityClassification",
    "security_classification",
    "Einstufung",
    "classification de sécurité",
    "niveau de classification",
    "niveau_de_classification",
    "rubricering",
    "Rubricering",
]


def _field_name(rng: random.Random) -> str:
    return rng.choice(_FIELD_NAMES)


def _json_pretty(text: str, rng: random.Random) -> str:
    record = {"id": rng.randint(1, 999), _field_name(rng): text, "title": rng.choice(BODY)}
    return json.dumps(record, indent=2, ensure_ascii=rng.random() < 0.3) + "\n"


def _json_minified(text: str, rng: random.Random) -> str:
    record = {"id": rng.randint(1, 999), _field_name(rng): text, "title": rng.choice(BODY)}
    items = list(record.items())
    rng.shuffle(items)
    separators = rng.choice([(",", ":"), (", ", ": ")])
    return json.dumps(dict(items), separators=separators, ensure_ascii=False) + "\n"


def _yaml_field(text: str, rng: random.Random) -> str:
    value = text if rng.random() < 0.5 else f'"{text}"'
    return f"id: {rng.randint(1, 999)}\n{_field_name(rng)}: {value}\ntitle: Convoy plan\n"


def _csv_column(text: str, rng: random.Random) -> str:
    delimiter = rng.choice([",", ";", "\t"])
    name = _field_name(rng)
    header = ["id", "title", name, "owner"]
    rng.shuffle(header)
    rows = [delimiter.join(header)]
    for number in range(rng.randint(1, 3)):
        cells = {"id": str(100 + number), "title": "Convoy plan", name: text, "owner": "J. Weber"}
        rows.append(delimiter.join(cells[column] for column in header))
    return "\n".join(rows) + "\n"


def _meta_element(text: str, rng: random.Random) -> str:
    """<meta name="classification" content="SECRET">, as plain text, its attributes in
    any order (content before name too), the name in name, property or itemprop."""
    name = rng.choice(["classification", "Classification", "security-classification"])
    prefix = rng.choice(["", "", "dc:", "DC."])
    quote = rng.choice(['"', "'"])
    end = rng.choice([">", " />", "/>"])
    naming = rng.choice(["name", "property", "itemprop"])
    attributes = [
        f"{naming}={quote}{prefix}{name}{quote}",
        f"content={quote}{text}{quote}",
        *rng.sample(['lang="en"', 'scheme="ISM"', 'data-source="DMS"'], rng.randint(0, 2)),
    ]
    rng.shuffle(attributes)
    line = f"<meta {' '.join(attributes)}{end}"
    return f"<head>\n  {line}\n  <title>Convoy plan</title>\n</head>\n"


def _name_value_pair(text: str, rng: random.Random) -> str:
    """{"name": "classification", "value": "SECRET"}: a property list on one line, in
    JSON or as an XML element, its keys in any order."""
    label = _field_name(rng)
    if rng.random() < 0.5:
        items = [("name", label), ("value", text), ("type", "string")]
        rng.shuffle(items)
        pairs = ", ".join(f'"{key}": "{value}"' for key, value in items)
        return f'{{"id": {rng.randint(1, 999)}, "properties": [{{{pairs}}}]}}\n'
    attributes = [f'key="{label}"', f'value="{text}"']
    rng.shuffle(attributes)
    element = rng.choice(["property", "field", "entry", "attr"])
    return f"<record>\n  <{element} {' '.join(attributes)}/>\n</record>\n"


def _xml_attribute(text: str, rng: random.Random) -> str:
    name = rng.choice(["classification", "securityClassification", "Einstufung", "rubricering"])
    quote = rng.choice(['"', "'"])
    element = rng.choice(["document", "doc", "record", "ism:resource"])
    before = rng.choice(["", f' id="{rng.randint(1, 999)}"', ' lang="en" version="2"'])
    line = f'<{element}{before} {name}={quote}{text}{quote} owner="MoD">'
    prefix = rng.choice(["", '<?xml version="1.0"?>', "  "])
    if prefix.startswith("<?"):
        return f"{prefix}{line}<title>Convoy plan</title></{element}>\n"
    return f"{prefix}{line}\n  <title>Convoy plan</title>\n</{element}>\n"


def _subject_words(text: str, rng: random.Random) -> str:
    """Subject: NATO SECRET plan: an e-mail subject that starts with the marking."""
    label = rng.choice(["Subject", "Objet", "Betreff", "Onderwerp", "Re", "Fwd"])
    words = rng.choice(["plan", "agenda for Monday", "Übungsplan", "réunion du comité"])
    return f"{label}: {text} {words}\n\n{rng.choice(BODY)}\n"


def _xml_one_line(text: str, rng: random.Random) -> str:
    """A whole XML document on one line: the marking as an element's text (namespaced,
    STANAG 4774 confidentiality labels), in CDATA, or an attribute's value."""
    name = rng.choice(["securityLevel", "classificationLevel", "security-classification"])
    form = rng.choice(
        [
            "<doc><classification>{}</classification><body>x</body></doc>",
            '<?xml version="1.0"?><slab:ConfidentialityInformation><slab:PolicyIdentifier>'
            "NATO</slab:PolicyIdentifier><slab:Classification>{}</slab:Classification>"
            "</slab:ConfidentialityInformation>",
            "<doc><banner><![CDATA[{}]]></banner><body>x</body></doc>",
            "<document " + name + '="{}"><p>x</p></document>',
            "<record><id>7</id><level>{}</level><title>Convoy plan</title></record>",
        ]
    )
    return form.format(text) + "\n"


def _csv_caveat(text: str, rng: random.Random) -> str:
    """A CSV classification column whose value carries a caveat: "SECRET, NOFORN"."""
    caveat = rng.choice(["NOFORN", "REL TO USA, FVEY", "ORCON", "EYES ONLY"])
    name = rng.choice(["classification", "Einstufung", "Rubricering"])
    return f'id,title,{name}\n1,Plan,"{text}, {caveat}"\n2,Other,"{text}"\n'


# Issue 9, red team 3: fields anywhere on their line, markings in lists and statements,
# field names in every spelling, log lines.
_LABEL_WORDS = [
    ["security", "classification"],
    ["classification"],
    ["protective", "marking"],
    ["classification", "level"],
    ["mention", "de", "protection"],
    ["niveau", "de", "protection"],
    ["Geheimhaltungsgrad"],
    ["rubricering"],
]


def _label_form(rng: random.Random) -> str:
    """A field name written snake_case, kebab-case, with blanks, camelCase or Title Case."""
    words = rng.choice(_LABEL_WORDS)
    form = rng.choice(["snake", "kebab", "space", "camel", "title"])
    if form == "camel":
        return words[0].lower() + "".join(w.capitalize() for w in words[1:])
    if form == "title":
        return " ".join(w.capitalize() for w in words)
    return {"snake": "_", "kebab": "-", "space": " "}[form].join(words)


def _key(name: str) -> str:
    """A field name as a key of a log or a form (no blanks)."""
    return name.replace(" ", "_")


def _kv_pairs(text: str, rng: random.Random) -> str:
    """classification=NATO_SECRET user=jd, ?id=7&level=TOP_SECRET: a pair among others,
    its value's blanks written as "_" or "+"."""
    name = _key(rng.choice([*_FIELD_NAMES[:4], _label_form(rng)]))
    gap = rng.choice(["_", "+"]) if " " in text else ""
    value = text.replace(" ", gap) if gap else text
    form = rng.choice(["logfmt", "form", "query"])
    if form == "logfmt":
        value = text.replace(" ", "_")
        return (
            f"ts=2024-03-12T10:0{rng.randint(0, 9)}:00Z level=info msg=opened "
            f"doc={rng.randint(1, 9999)} {name}={value} user=jd\n"
        )
    if form == "form":
        return f"title=Plan&{name}={value}&copies={rng.randint(1, 9)}\n"
    key = rng.choice(["level", "cls", "marking", name])
    return f"GET /docs?id={rng.randint(1, 999)}&{key}={value}&lang=en HTTP/1.1\n"


def _list_of_markings(text: str, rng: random.Random) -> str:
    """["SECRET", "REL TO USA, FVEY"]: the marking in a list with its caveats."""
    caveat = rng.choice(["REL TO USA, FVEY", "NOFORN", "ORCON", "REL TO KFOR", "EYES ONLY"])
    form = rng.choice(
        [
            '["{m}", "{c}"]',
            '{{"id": {n}, "markings": ["{c}", "{m}"]}}',
            "('{m}', '{c}')",
            'markings = ["{m}", "{c}", "GBR"]',
            "labels: [{m}, {c}]",
        ]
    )
    return form.format(m=text, c=caveat, n=rng.randint(1, 999)) + "\n"


def _sql_row(text: str, rng: random.Random) -> str:
    """INSERT INTO docs (title, classification) VALUES ('Plan', 'SECRET'); the column named
    among others, one row or several."""
    name = _key(rng.choice([*_FIELD_NAMES[:4], _label_form(rng)]))
    columns = ["id", "title", name, "owner"]
    rng.shuffle(columns)
    values = {"id": "7", "title": "'Plan'", name: f"'{text}'", "owner": "'J2'"}
    row = "(" + ", ".join(values[c] for c in columns) + ")"
    other = "(" + ", ".join("8" if c == "id" else "'x'" for c in columns) + ")"
    rows = [row, other] if rng.random() < 0.5 else [row]
    rng.shuffle(rows)
    return f"INSERT INTO docs ({', '.join(columns)}) VALUES {', '.join(rows)};\n"  # noqa: S608


def _yaml_properties(text: str, rng: random.Random) -> str:
    """classification: !!str SECRET, &lvl SECRET, flow and quoted styles."""
    name = rng.choice(_FIELD_NAMES)
    form = rng.choice(
        [
            "{k}: !!str {v}",
            '{k}: !!str "{v}"',
            "{k}: &level {v}",
            "{k}: !classification {v}",
            "doc: {{{k}: {v}, owner: DG}}",
            "doc: {{owner: DG, {k}: '{v}'}}",
        ]
    )
    return f"title: Plan\n{form.format(k=name, v=text)}\nowner: J2\n"


def _field_name_forms(text: str, rng: random.Random) -> str:
    """A field name in any spelling (protective_marking, security-classification, mention
    de protection), in a CSV header, a YAML or JSON key, or a pasted spreadsheet row."""
    name = _label_form(rng)
    form = rng.choice(["csv", "yaml", "json", "sheet"])
    if form == "csv":
        return f"title,{name},pages\nPlan,{text},3\n"
    if form == "yaml":
        return f"titre: Note\n{name}: {text}\n"
    if form == "json":
        return json.dumps({"title": "Plan", name: text}, ensure_ascii=False) + "\n"
    return f"A1: {name}\tB1: {text}\tC1: Plan\n"


_LOG_PREFIXES = [
    "Mar 12 10:00:00 host exporter[231]: ",
    "Dec  3 07:14:09 gw-02 sshd: ",
    "2024-03-12T10:00:00Z ",
    "2024-03-12 10:00:00,123 INFO ",
    "2024-03-12T10:00:00.123+01:00 [warn] ",
    "ts=2024-03-12T10:00:00Z level=info ",
    "2024-03-12T10:00:00.000000000Z stdout F ",
    "10:00:00.412 ERROR ",
]


def _log_prefix(text: str, rng: random.Random) -> str:
    """A log line: a syslog, ISO, logfmt or container prefix before the banner."""
    return rng.choice(_LOG_PREFIXES) + text


_COMMIT_PREFIXES = (
    "3f2a9c1a ",
    "a1b2c3d ",
    "e83c5163316f89bfbde7d9ab23ca2e25604af290 ",
    "^3f2a9c1 (Jean Muller 2025-03-11 10:14:02 +0100 1) ",
    "9b0e4d21 docs/banner.txt (Anna Berg 2024-11-02 08:00:00 +0200  12) ",
    "a1b2c3d (HEAD -> main, origin/main) ",
)


def _commit_prefix(text: str, rng: random.Random) -> str:
    """A commit's hash before the banner: ``git log --oneline``, ``git blame``."""
    return rng.choice(_COMMIT_PREFIXES) + text


_LAW_REFERENCES = (
    "(Wet van 11.12.1998)",
    "(Loi du 11.12.1998)",
    "(Art. 4)",
    "(art. 4, § 2)",
    "(Gesetz vom 11.12.1998)",
    "(Article 3 de la loi du 11 décembre 1998)",
)


def _law_reference(text: str, rng: random.Random) -> str:
    """The law or article that classifies the document, in brackets after its marking."""
    return f"{text} {rng.choice(_LAW_REFERENCES)}"


def _label_line(text: str, rng: random.Random) -> str:
    label = rng.choice(
        [
            "Classification",
            "Security classification",
            "Einstufung",
            "VS-Einstufung",
            "Classification de sécurité",
            "Niveau de classification",
            "Rubricering",
            "Klassifikatioun",
        ]
    )
    separator = rng.choice([": ", " : ", " - ", ":\t", " = "])
    return _banner(f"{label}{separator}{text}", rng)


def _word_cells(text: str, rng: random.Random) -> str:
    """A Word table as its object model gives it (``Range.Text``, VBA, converters): each
    cell ends with the cell mark BEL (after a paragraph mark, or alone), a row with two;
    the marking in the value cell next to its label, rows on one line or on their own."""
    end = rng.choice(["\x07", "\r\x07"])
    label = rng.choice(["Classification", "Einstufung", "Classification de sécurité", "Level"])
    rows = [f"Owner{end}Anna Berg{end}{end}", f"{label}{end}{text}{end}{end}"]
    if rng.random() < 0.5:
        rows.reverse()
    return rng.choice(["", "\n"]).join(rows) + "\n\n" + rng.choice(BODY) + "\n"


def _domain_key(text: str, rng: random.Random) -> str:
    """A key with a domain's prefix, as Kubernetes labels and annotations write it (round 9):
    the field named by the key's last segment (``example.org/classification``) or by the
    prefix (``classification.mil/level``); in a manifest's labels (blanks as ``_``) or
    annotations, a JSON object, or code that sets it (``metadata.labels["acme.eu/…"]``)."""
    domain = rng.choice(["example.org", "acme.eu", "k8s.example.com", "security.mil.lu"])
    label = rng.choice(["classification", "einstufung", "security-classification", "marking"])
    prefixed = rng.choice(["classification", "security-classification", "einstufung"])
    key = rng.choice(
        [
            f"{domain}/{label}",
            f"{prefixed}.{rng.choice(['mil', 'acme.eu', 'example.org'])}/"
            + rng.choice(["level", "value", "tier"]),
        ]
    )
    form = rng.choice(["labels", "annotations", "json", "code"])
    if form == "labels" and "<" not in text:  # a label's value has no blanks (nor tags)
        value = re.sub(r"\s+", "_", text)
        return (
            f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: convoy-plan\n  labels:\n"
            f"    app: planner\n    {key}: {value}\ndata:\n  note: {rng.choice(BODY)}\n"
        )
    if form == "annotations":
        return (
            f"metadata:\n  annotations:\n    {key}: {json.dumps(text, ensure_ascii=False)}\n"
            f"    owner: anna\n"
        )
    if form == "json":
        record = {"metadata": {"name": "plan", "labels": {key: text}}, "title": rng.choice(BODY)}
        return json.dumps(record, ensure_ascii=False) + "\n"
    where = rng.choice(["labels", "annotations"])
    quoted = json.dumps(text, ensure_ascii=False)
    return f'pod.metadata.{where}["{key}"] = {quoted}\nprint("{rng.choice(BODY)}")\n'


# Constants that name a string (round 9): C's preprocessor and the constant definitions of
# C, C++, Go, Rust and Java, each read as ``NAME = "…"`` is.
_CONSTANT_FORMS = (
    "#define {NAME} {q}",
    "#  define {NAME} L{q}",
    "#define {NAME} ({q})",
    "const char *{name} = {q};",
    "static const char {name}[] = {q};",
    "static const std::string k{Name}{{{q}}};",
    "constexpr auto k{Name} = {q};",
    "const {Name} = {q}",
    "const {NAME}: &str = {q};",
    "public static final String {NAME} = {q};",
)


def _c_constant(text: str, rng: random.Random) -> str:
    name = rng.choice(["banner", "classification", "doc_marking", "header_text", "level"])
    form = rng.choice(_CONSTANT_FORMS)
    line = form.format(
        NAME=name.upper(),
        name=name,
        Name="".join(word.title() for word in name.split("_")),
        q=json.dumps(text, ensure_ascii=False),
    )
    lead = rng.choice(["#pragma once\n", "// convoy.h\n", "package convoy\n\n", ""])
    return f"{lead}{line}\n\n// {rng.choice(BODY)}\n"


def _long_label(text: str, rng: random.Random) -> str:
    """A label of four words or more that starts or ends with a classification word: a
    fax cover sheet's or a message form's (``CLASSIFICATION OF THIS TRANSMISSION:``)."""
    label = rng.choice(
        [
            "Classification of this document",
            "CLASSIFICATION OF THIS TRANSMISSION",
            "Security classification of this message",
            "Overall document security classification",
            "Einstufung dieses Dokuments gemäß VSA",
            "Classification de sécurité du présent document",
            "Rubricering van dit document",
        ]
    )
    return f"{label}{rng.choice([': ', ' : ', ':  '])}{text}"


def _field_label(text: str, rng: random.Random) -> str:
    """Any short field name, then the marking (a document property, a front-matter or
    metadata line): not a classification label of the policy's."""
    label = rng.choice(
        [
            "title",
            "Title",
            "dc.subject",
            "og:title",
            "Titel",
            "Titre",
            "heading",
            "Document title",
            "keywords",
            "caption",
            "x-label",
        ]
    )
    return _banner(f"{label}{rng.choice([': ', ' : ', ':', ':  ', '=', '= '])}{text}", rng)


def _chat_prefix(text: str, rng: random.Random) -> str:
    """A chat export's line: a time stamp, the sender's name, then the marking as the
    message (WhatsApp, Signal, Android and iOS exports)."""
    stamp = rng.choice(
        [
            "[12/03/2025, 10:14:02] ",
            "[03.12.25, 10:14] ",
            "12/03/2025, 10:14 - ",
            "3/12/25, 9:05 PM - ",
            "[2025-03-12 10:14] ",
        ]
    )
    name = rng.choice(["Jean Muller", "Jean", "Lt. Weber", "ops-desk"])
    return _banner(f"{stamp}{name}: {text}", rng)


def _dash_title(text: str, rng: random.Random) -> str:
    """The banner, a dash between blanks, then the document's title in any case."""
    dash = rng.choice([" - ", " \u2013 ", " \u2014 ", "  -  "])
    title = rng.choice(
        ["Lagebericht", "Situation report", "Rapport de situation", "Plan 7", "Weekly summary"]
    )
    return f"{text}{dash}{title}"


def _printed_string(text: str, rng: random.Random) -> str:
    """The banner printed by a script: a string that a shell's ``echo`` or ``printf``, a
    program's ``print()`` or ``console.log()`` or PowerShell's ``Write-Host`` writes to a
    terminal or a file, its line breaks written as escapes (red team 5: ``echo "NATO
    SECRET" > /etc/issue.net``, ``printf 'COSMIC TOP SECRET\\nAnnex B\\n' > banner.txt``)."""
    forms = ['echo "{}" > /etc/issue.net', 'print("{}")', 'Write-Host "{}"']
    if "'" not in text:
        forms += ["printf '{}\\n' > banner.txt", "console.log('{}');", "echo -e '{}' | tee motd"]
    if not re.search(r"[\n\"'`>|;&#$()\\]", text):
        forms.append("echo {} > /etc/motd")
    form = rng.choice(forms)
    newline = "`n" if form.startswith("Write-Host") else "\\n"
    quoted = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", newline)
    return form.format(quoted)


def _title_dash(text: str, rng: random.Random) -> str:
    """A title, a dash between blanks, then the banner: a subject or a header that ends
    on its classification (``Convoy brief - NATO SECRET``)."""
    dash = rng.choice([" - ", " \u2013 ", " \u2014 ", "  -  "])
    title = rng.choice(
        ["Lagebericht Nord", "Convoy brief", "Rapport de situation", "Re: Plan 7", "Verslag"]
    )
    return f"{title}{dash}{text}"


def _column_title(text: str, rng: random.Random) -> str:
    """The banner in a page header's first column, the title in the next: a page laid out
    as text (pdftotext -layout) or a tab-separated row."""
    gap = rng.choice(["\t", "  ", "    ", " " * 8, " " * 24, " \t "])
    title = rng.choice(
        ["Annex B", "Lagebericht Nr. 4", "Copie n° 2/4", "J3 Ops   12/03/2025", "Convoy plan"]
    )
    return f"{text}{gap}{title}"


def _wiki_macro(text: str, rng: random.Random) -> str:
    """A wiki macro's parameter (Confluence, Jira: ``{panel:title=NATO SECRET|…}``; a
    MediaWiki template's: ``{{Box|title=SECRET}}``), or a macro around the marking
    (``{color:red}SECRET{color}``), perhaps in a mail's quote (red team 4)."""
    before = rng.choice(["", "", "bgColor=#ffcccc|", "borderStyle=solid|"])
    after = rng.choice(["", "", "|borderStyle=solid", "|icon=false"])
    kind = rng.choice(["panel", "info", "note", "expand", "status", "template", "color"])
    if kind == "template":
        name = rng.choice(["Classification", "Infobox document"])
        line = f"{{{{{name}|{before}title={text}{after}}}}}"
    elif kind == "color":
        line = f"{{color:{rng.choice(['red', '#ff0000'])}}}{text}{{color}}"
    else:
        key = "title" if kind != "status" else rng.choice(["title", "subtitle"])
        line = f"{{{kind}:{before}{key}={text}{after}}}"
    quote = rng.choice(["", "", "> "])
    close = f"\n{quote}{{{kind}}}" if kind in ("panel", "info", "note", "expand") else ""
    return f"{quote}{line}\n{quote}{rng.choice(BODY)}{close}\n"


def _troff(text: str, rng: random.Random) -> str:
    """A man page or troff document: the marking as a request's quoted argument (``.TH``'s
    footer and centre header), the text a font or heading macro sets (``.B``, ``.SH``), or
    the centre of a ``.tl`` title line (red team 4)."""
    form = rng.choice(["th", "font", "quoted", "tl"])
    if form == "th":
        head = f'.TH CONVOY 7 "March 2025" "{text}"' + rng.choice(["", ' "Ops Manual"'])
    elif form == "font":
        head = rng.choice([".ce\n", ""]) + f".{rng.choice(['B', 'I', 'SH', 'SS', 'BI'])} {text}"
    elif form == "quoted":
        head = f'.{rng.choice(["B", "SH", "I"])} "{text}"'
    else:
        head = f".tl '{rng.choice(['', 'Annex B'])}'{text}'%'"
    return f"{head}\n.PP\n{rng.choice(BODY)}\n"


def _encoded_word(text: str, charset: str, kind: str) -> str:
    raw = text.encode(charset)
    if kind == "B":
        return f"=?{charset}?B?{base64.b64encode(raw).decode()}?="
    safe = "".join(
        "_"
        if byte == 0x20
        else chr(byte)
        if chr(byte).isalnum() and byte < 0x80
        else f"={byte:02X}"
        for byte in raw
    )
    return f"=?{charset}?Q?{safe}?="


def _rfc2047(text: str, rng: random.Random) -> str:
    """A mail header pasted as text (an mbox, a log, a forwarded header block): the marking
    as RFC 2047 encoded words, Q or B, in one word or cut into several (red team 4)."""
    charset = "iso-8859-1" if rng.random() < 0.3 and not text.isascii() else "utf-8"
    try:
        text.encode(charset)
    except UnicodeEncodeError:
        charset = "utf-8"
    kind = rng.choice(["Q", "B"])
    # A mailer cuts a long text into words of 75 characters at most (RFC 2047), here
    # anywhere between two characters; a short one may be cut too.
    cuts = [0]
    while cuts[-1] < len(text):
        step = rng.randint(1, 12) if rng.random() < 0.4 else 20
        cuts.append(min(len(text), cuts[-1] + step))
    words = " ".join(_encoded_word(text[a:b], charset, kind) for a, b in itertools.pairwise(cuts))
    label = rng.choice(["Subject: ", "Subject: ", "X-Classification: ", "Thread-Topic: ", ""])
    return f"{label}{words}\n\n{rng.choice(BODY)}\n"


def _long_enough_to_fold(target: Target) -> bool:
    return not target.portion and len(target.text) >= 2


def _rfc2047_folded(text: str, rng: random.Random) -> str:
    """A mail header in text (a model's answer, a forwarded or pasted mail), folded between
    encoded words as mail encoders fold a long subject: the marking cut into words, one
    or two a line, each line after the first starting with blanks (red team 7)."""
    charset = rng.choice(["utf-8", "utf-8", "iso-8859-1"])
    try:
        text.encode(charset)
    except UnicodeEncodeError:
        charset = "utf-8"
    kind = rng.choice(["Q", "B"])
    # Cut anywhere, into words of 75 characters at most once encoded (RFC 2047), as the
    # family rfc2047 cuts; at least two.
    cuts = [0, rng.randint(1, min(len(text) - 1, 20))]
    while cuts[-1] < len(text):
        cuts.append(min(len(text), cuts[-1] + rng.randint(1, 20)))
    words = [_encoded_word(text[a:b], charset, kind) for a, b in itertools.pairwise(cuts)]
    folded = words[0]
    for word in words[1:]:
        gap = rng.choice(["\n ", "\n\t", "\n  ", "\n ", " "]) if folded else ""
        folded += gap + word
    if "\n" not in folded:
        folded = folded.replace(" ", "\n ", 1)
    intro = rng.choice(["", "Here is the mail:\n", "The header reads:\n\n"])
    label = rng.choice(["Subject: ", "Subject: ", "Thread-Topic: "])
    return f"{intro}{label}{folded}\nFrom: ops@example.mil\n\n{rng.choice(BODY)}\n"


def _calendar_fold(text: str, rng: random.Random) -> str:
    """A contact or an event written out in text (a model's answer, not a file): the
    marking a property's value, its line folded inside the marking as RFC 5545 folds long
    lines (a line break then one blank or tab), once or every few characters (red team 5:
    ``NOTE:GEHE`` / `` IM``). Line ends are a line feed: the pair with ``crlf`` writes
    them as calendar files do."""
    end = "\n"
    name = rng.choice(["NOTE", "SUMMARY", "DESCRIPTION", "TITLE", "X-CLASSIFICATION"])
    line = f"{name}:{text}"
    if rng.random() < 0.5:
        cut = rng.randint(len(name) + 2, len(line) - 1)  # inside the marking
        pieces = [line[:cut], line[cut:]]
    else:
        width = rng.randint(3, 9)
        pieces = [line[i : i + width] for i in range(0, len(line), width)]
    folded = (end + rng.choice([" ", "\t"])).join(pieces)
    if rng.random() < 0.5:
        lines = ["BEGIN:VCARD", "VERSION:3.0", "FN:Jean Muller", folded, "END:VCARD"]
    else:
        lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "DTSTART:20250312T090000Z"]
        lines += [folded, "END:VEVENT", "END:VCALENDAR"]
    lead = rng.choice(["", "Here is the contact card:\n\n", "```\n"])
    return lead + end.join(lines) + end


def _pdf_string(text: str, rng: random.Random) -> str:
    """``text`` as a PDF string: literal, each Latin-1 letter perhaps an octal escape
    (``\\310`` is È), or hexadecimal (UTF-16 with its byte order mark beyond Latin-1)."""
    if rng.random() < 0.2 or any(ord(ch) > 0xFF for ch in text):
        if rng.random() < 0.5 and all(ord(ch) <= 0xFF for ch in text):
            return "<" + text.encode("latin-1").hex().upper() + ">"
        return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"
    share = rng.choice([0.0, 0.3, 1.0])
    out = []
    for ch in text:
        if ch in "()\\":
            out.append("\\" + ch)
        elif rng.random() < share or ord(ch) > 0x7E:
            out.append(f"\\{ord(ch):03o}")
        else:
            out.append(ch)
    return "(" + "".join(out) + ")"


def _pdf_stream(text: str, rng: random.Random) -> str:
    """A page's content stream written as text (a model asked for a PDF's source, a
    pasted ``qpdf --qdf`` dump): the marking drawn by the text operators, its strings
    escaped, cut into ``TJ`` array pieces with their kerning or over several ``Tj``
    (red team 5: ``BT /F1 12 Tf 200 800 Td (TR\\310S SECRET UE) Tj ET``)."""
    lines = []
    for number, line in enumerate(text.split("\n")):
        if number:
            lines.append(rng.choice(["T*", "0 -14 Td"]))
        form = rng.choice(["Tj", "TJ", "Tjs"])
        cuts = sorted(rng.sample(range(1, len(line)), min(len(line) - 1, rng.randint(1, 3))))
        pieces = [line[a:b] for a, b in zip([0, *cuts], [*cuts, len(line)], strict=True)]
        if form == "Tj" or len(line) < 2:
            lines.append(f"{_pdf_string(line, rng)} Tj")
        elif form == "Tjs":
            lines.append(" ".join(f"{_pdf_string(piece, rng)} Tj" for piece in pieces))
        else:
            items = []
            for piece in pieces:
                kerning = rng.choice(["", " -20", " 15", " -120"])
                items.append(_pdf_string(piece, rng) + kerning)
            lines.append("[" + " ".join(items) + "] TJ")
    body = ["BT", "/F1 12 Tf", f"{rng.randint(50, 300)} {rng.randint(700, 820)} Td", *lines, "ET"]
    stream = " ".join(body) if rng.random() < 0.5 else "\n".join(body)
    return f"4 0 obj\n<< /Length {len(stream)} >>\nstream\n{stream}\nendstream\nendobj\n"


def _xml_escaped(text: str) -> str:
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        text = text.replace(char, entity)
    return text


def _alto_line(words: list[str], rng: random.Random, spaces: bool, hyphen: str = "") -> str:
    """One ALTO ``TextLine``: a ``String`` a word (its text in ``CONTENT``), one a line."""
    rows = [f'<TextLine ID="l{rng.randint(1, 999)}" HPOS="10" VPOS="{rng.randint(10, 900)}">']
    hpos = 10
    for number, word in enumerate(words):
        if number and spaces:
            rows.append(f'  <SP WIDTH="12" HPOS="{hpos}" VPOS="10"/>')
        rows.append(
            f'  <String ID="s{rng.randint(1, 9999)}" CONTENT="{_xml_escaped(word)}" '
            f'HPOS="{hpos}" VPOS="10" WIDTH="{11 * len(word)}" HEIGHT="30" '
            f'WC="0.9{rng.randint(0, 9)}"/>'
        )
        hpos += 11 * len(word) + 12
    if hyphen:
        rows.append(f'  <HYP CONTENT="{hyphen}" HPOS="{hpos}"/>')
    rows.append("</TextLine>")
    return "\n".join(rows)


def _alto(text: str, rng: random.Random) -> str:
    """An OCR's ALTO XML (red team 8): each word of the marking a ``String`` element's
    ``CONTENT``, one element a line, an ``<SP/>`` between them or none; a long word in
    capitals perhaps hyphenated over two ``TextLine``s (``<HYP CONTENT="-"/>``)."""
    words = text.split()
    spaces = rng.random() < 0.5
    long_words = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha() and w.isupper()]
    lines: list[str] = []
    if long_words and rng.random() < 0.3:
        i = rng.choice(long_words)
        cut = rng.randint(2, len(words[i]) - 2)
        lines.append(_alto_line([*words[:i], words[i][:cut]], rng, spaces, "-"))
        lines.append(_alto_line([words[i][cut:], *words[i + 1 :]], rng, spaces))
    else:
        lines.append(_alto_line(words, rng, spaces))
    lines.append(_alto_line(rng.choice(BODY).split(), rng, spaces))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#">\n'
        '<Layout><Page ID="p1" WIDTH="2480" HEIGHT="3508"><PrintSpace>\n'
        '<TextBlock ID="b1">\n' + "\n".join(lines) + "\n</TextBlock>\n"
        "</PrintSpace></Page></Layout>\n</alto>\n"
    )


def _hocr(text: str, rng: random.Random) -> str:
    """Tesseract's hOCR (red team 8): an ``ocr_line`` span of ``ocrx_word`` spans, one word
    a line (or a line of them), the body's line after it."""
    one_line = rng.random() < 0.25
    q = rng.choice(["'", '"'])

    def line(words: list[str], number: int) -> str:
        spans = [
            f"<span class={q}ocrx_word{q} id={q}word_1_{number}{i}{q} "
            f"title={q}bbox {40 + 90 * i} 60 {120 + 90 * i} 90; x_wconf {rng.randint(80, 97)}"
            f"{q}>{_xml_escaped(word)}</span>"
            for i, word in enumerate(words)
        ]
        box = f"title={q}bbox 40 60 900 90{q}"
        opener = f"<span class={q}ocr_line{q} id={q}line_1_{number}{q} {box}>"
        if one_line:
            return opener + " ".join(spans) + "</span>"
        return opener + "\n  " + "\n  ".join(spans) + "\n</span>"

    return (
        f"<div class={q}ocr_page{q} id={q}page_1{q} title={q}bbox 0 0 2480 3508{q}>\n"
        f"<p class={q}ocr_par{q} id={q}par_1_1{q}>\n"
        + line(text.split(), 1)
        + "\n"
        + line(rng.choice(BODY).split(), 2)
        + "\n</p>\n</div>\n"
    )


def _svg_tspans(text: str, rng: random.Random) -> str:
    """SVG text in pieces (red team 8): the marking cut into ``tspan`` elements at one to
    three places (inside a word too: ``<tspan>NATO SEC</tspan><tspan>RET</tspan>``), on
    one line or each on its own line, indented or not."""
    spots = sorted(rng.sample(range(1, len(text)), min(len(text) - 1, rng.randint(1, 3))))
    pieces = [text[a:b] for a, b in zip([0, *spots], [*spots, len(text)], strict=True)]
    looks = ["", ' font-weight="bold"', ' fill="#c00"']
    tspans = [f"<tspan{rng.choice(looks)}>{_xml_escaped(piece)}</tspan>" for piece in pieces]
    glue = rng.choice(["", "\n", "\n    "])
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="200">\n'
        '  <rect width="600" height="40" fill="#c00"/>\n'
        f'  <text x="300" y="28" text-anchor="middle" font-size="20">{glue}'
        + glue.join(tspans)
        + f"{glue}</text>\n"
        f'  <text x="20" y="80" font-size="12">{_xml_escaped(rng.choice(BODY))}</text>\n'
        "</svg>\n"
    )


def _word_elements(text: str, rng: random.Random) -> str:
    """A run of word elements, one a line (red team 8): TEI's ``<w>`` in a ``<p>``, or
    HTML spans a converter writes a word each, the body's paragraph after it."""
    words = text.split()
    if rng.random() < 0.5:
        inner = "\n".join(f"  <w>{_xml_escaped(word)}</w>" for word in words)
        return f"<text><body>\n<p>\n{inner}\n</p>\n<p>{rng.choice(BODY)}</p>\n</body></text>\n"
    inner = "\n".join(f'  <span class="w">{_xml_escaped(word)}</span>' for word in words)
    body = rng.choice(BODY)
    return f'<div class="page">\n<p class="banner">\n{inner}\n</p>\n<p>{body}</p>\n</div>\n'


def _postscript(text: str, rng: random.Random) -> str:
    """A PostScript page (red team 8): the marking drawn by ``show`` (or its kin) after a
    ``moveto``, whole or in one to three pieces, on one line or a piece a line, its strings
    escaped (``\\(``, octal Latin-1)."""
    spots = sorted(rng.sample(range(1, len(text)), min(len(text) - 1, rng.randint(0, 2))))
    pieces = [text[a:b] for a, b in zip([0, *spots], [*spots, len(text)], strict=True)]
    y = rng.randint(700, 800)
    shows = [
        rng.choice(["{} show", "{} show", "0 0 {} ashow"]).format(_pdf_string(piece, rng))
        for piece in pieces
    ]
    glue = rng.choice([" ", "\n"])
    lines = [
        "%!PS-Adobe-3.0",
        "%%Pages: 1",
        "%%Page: 1 1",
        f"/Helvetica-Bold findfont {rng.randint(10, 24)} scalefont setfont",
        f"{rng.randint(50, 300)} {y} moveto" + glue + glue.join(shows),
        "/Helvetica findfont 11 scalefont setfont",
        f"72 {y - 40} moveto {_pdf_string(rng.choice(BODY), rng)} show",
        "showpage",
        "%%EOF",
    ]
    return "\n".join(lines) + "\n"


def _zpl_data(text: str, rng: random.Random) -> tuple[str, str]:
    """A ZPL field's data and the ``^FH`` before it where escapes are needed (a letter
    beyond ASCII, ZPL's own ``^``, ``~`` and ``_``), or perhaps anyway."""
    if rng.random() < 0.2 or any(ord(ch) > 0x7E or ch in "^~_" for ch in text):
        share = rng.choice([0.0, 0.5, 1.0])
        out = []
        for ch in text:
            if ord(ch) > 0x7E or ch in "^~_" or rng.random() < share:
                out.append("".join(f"_{byte:02X}" for byte in ch.encode("utf-8")))
            else:
                out.append(ch)
        return "^FH", "".join(out)
    return "", text


def _zpl(text: str, rng: random.Random) -> str:
    """A ZPL label (red team 8): the marking as a field's data (``^FO50,50^A0N,40,40^FDNATO
    SECRET^FS``), or in two fields side by side at one height, a command a line or the
    whole label on one."""
    fields = []
    if len(text) > 1 and rng.random() < 0.4:
        cut = rng.randint(1, len(text) - 1)
        parts = [text[:cut], text[cut:]]
    else:
        parts = [text]
    x = rng.randint(20, 80)
    for part in parts:
        escape, data = _zpl_data(part, rng)
        fields.append(f"^FO{x},30^A0N,40,40{escape}^FD{data}^FS")
        x += 24 * len(part)
    escape, body = _zpl_data(rng.choice(BODY), rng)
    fields.append(f"^FO20,120^A0N,20,20^FB760,3,0,L{escape}^FD{body}^FS")
    fields.append("^FO20,200^BY2^BCN,80,Y,N,N^FD>;4006381333931^FS")
    commands = ["^XA", "^CI28", *fields, "^XZ"]
    return ("" if rng.random() < 0.3 else "\n").join(commands) + "\n"


def _rtf_text(text: str) -> str:
    """``text`` as RTF writes it: a letter beyond ASCII as its cp1252 byte (``\\'c8``) or,
    beyond cp1252, as a Unicode escape with an ASCII stand-in (``\\u1057?``)."""
    out = []
    for ch in text:
        if ch.isascii():
            out.append("\\" + ch if ch in "\\{}" else ch)
            continue
        try:
            out.append("".join(f"\\'{byte:02x}" for byte in ch.encode("cp1252")))
        except UnicodeEncodeError:
            for unit in range(0, len(ch.encode("utf-16-le")), 2):
                code = int.from_bytes(ch.encode("utf-16-le")[unit : unit + 2], "little")
                out.append(f"\\u{code if code < 0x8000 else code - 0x10000}?")
    return "".join(out)


def _rtf(text: str, rng: random.Random) -> str:
    """An RTF document (Word, WordPad): the marking centred in bold, its accented letters
    as code-page escapes, or in small letters shown in capitals by ``{\\caps …}``, then
    its paragraph; ``\\par`` and other control words around it (red team 4)."""
    header = rng.choice(
        ["{\\rtf1\\ansi\\ansicpg1252{\\fonttbl\\f0\\fswiss Helvetica;}\\f0", "{\\rtf1\\ansi", ""]
    )
    if rng.random() < 0.25 and text.isascii():
        marking = "{\\caps " + _rtf_text(text.lower()) + "}"
    else:
        marking = _rtf_text(text)
    line = rng.choice(
        [
            f"\\pard\\qc\\b {marking}\\b0\\par",
            f"\\pard\\qc {{\\b {marking}}}\\par",
            f"{{\\header\\pard\\qc {marking}\\par}}",
        ]
    )
    body = _rtf_text(rng.choice(BODY))
    close = "}" if header else ""
    return f"{header}\n{line}\n\\pard {body}\\par{close}\n"


def _cut_spots(text: str, rng: random.Random) -> list[int]:
    """One to three places between two letters or digits of ``text``, in order."""
    spots = [i for i in range(1, len(text)) if text[i - 1].isalnum() and text[i].isalnum()]
    return sorted(rng.sample(spots, min(len(spots), rng.randint(1, 3))))


def _rtf_runs(text: str, rng: random.Random) -> str:
    """RTF as Word writes it: the marking's words cut into runs at each revision id
    (``{\\b NATO SEC}{\\b RET}``), or a bookmark group inside a word (red team 7)."""
    bookmark = rng.random() < 0.3
    out, last = [], 0
    for at in [*_cut_spots(text, rng), len(text)]:
        piece = _rtf_text(text[last:at])
        if bookmark:
            out.append(
                piece + ("{\\*\\bkmkstart _Toc1}{\\*\\bkmkend _Toc1}" if at < len(text) else "")
            )
        else:
            rsid = rng.randint(100000, 9999999)
            out.append(f"{{\\rtlch\\b\\insrsid{rsid} {piece}}}")
        last = at
    header = rng.choice(["{\\rtf1\\ansi\\ansicpg1252\\f0", "{\\rtf1\\ansi", ""])
    close = "}" if header else ""
    body = _rtf_text(rng.choice(BODY))
    return f"{header}\n\\pard\\qc {''.join(out)}\\par\n\\pard {body}\\par{close}\n"


def _odf_inline(text: str, rng: random.Random) -> str:
    """ODF flat XML (``.fodt``, ``content.xml``): inline ``<text:span>`` elements cut the
    marking's words, and ``<text:s/>`` stands for a blank (red team 7)."""
    cuts = _cut_spots(text, rng)
    out, last = [], 0
    for at in [*cuts, len(text)]:
        piece = text[last:at]
        if rng.random() < 0.6:
            piece = piece.replace(" ", "<text:s/>")
        out.append(f'<text:span text:style-name="T{at % 7}">{piece}</text:span>' if last else piece)
        last = at
    return (
        f'<text:p text:style-name="P1">{"".join(out)}</text:p>\n'
        f"<text:p>{rng.choice(BODY)}</text:p>\n"
    )


def _mdoc_escapes(text: str, rng: random.Random) -> str:
    """A BSD man page's mdoc macros (``.Sy NATO SECRET``) or troff's size escapes around the
    marking (``\\s+2NATO SECRET\\s0``) (red team 7)."""
    head = rng.choice(
        [
            f".{rng.choice(['Sy', 'Em', 'Dq', 'Ql'])} {text}",
            f"\\s+2{text}\\s0",
            f"\\s-1{text}\\s+1",
            f".ce\n\\s+2\\fB{text}\\fR\\s0",
        ]
    )
    return f"{head}\n.Pp\n{rng.choice(BODY)}\n"


def _subject_tag(text: str, rng: random.Random) -> str:
    label = rng.choice(["Subject", "Objet", "Betreff", "Onderwerp", "RE", "Fwd"])
    return f"{label}: [{text}] {rng.choice(BODY)}\n\n{rng.choice(BODY)}\n"


_TITLES = (
    "Convoy plan",
    "Weekly report 12/2025",
    "\u00dcbung Nordwind",
    "Compte rendu de r\u00e9union",
    "Verslag van de vergadering",
    "Plan de rel\u00e8ve",
    "Annex B to OPORD 3/24",
)


def _trailing_tag(text: str, rng: random.Random) -> str:
    """A title or subject and its tag in square brackets at the line's end, as mail
    classification tools write it (``Subject: Convoy plan [NATO SECRET]``), or in
    parentheses, where a title's portion mark stands (``Operation plan (SECRET)``)."""
    label = rng.choice(["Subject: ", "Objet : ", "Betreff: ", "Onderwerp: ", "RE: ", ""])
    opener, closer = rng.choice([("[", "]"), ("(", ")")])
    return f"{label}{rng.choice(_TITLES)} {opener}{text}{closer}\n\n{rng.choice(BODY)}\n"


# --- red team 9: strings that code builds, markings in document markup -----------------


def _cut_in_words(text: str, rng: random.Random, most: int = 3) -> list[str]:
    """``text`` cut in two to ``most`` pieces, each cut inside a word where one can be."""
    inside = [i for i in range(1, len(text)) if text[i - 1] != " " and text[i] != " "]
    places = inside or list(range(1, len(text)))
    count = min(rng.randint(2, most), len(places) + 1)
    cuts = sorted(rng.sample(places, count - 1))
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


def _in_literal(text: str) -> str:
    """``text`` written inside a string literal: its backslashes and double quotes escaped
    (an inline tag's attributes, ``class="c1"``)."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def built_joins(text: str, rng: random.Random) -> list[str]:
    """Join and format calls whose pieces are all string literals, the marking cut inside
    its words: spreadsheets' ``CONCATENATE``/``TEXTJOIN``/``&``, PHP's ``implode``, Java's
    and C#'s ``String.join``, Go's ``strings.Join``, Rust's ``format!``, C's ``snprintf``,
    Python's ``.format``, ``%`` and f-strings, ``std::cout <<`` (red team 9)."""
    pieces = [_in_literal(piece) for piece in _cut_in_words(text, rng)]
    dq = [f'"{piece}"' for piece in pieces]
    n = len(pieces)
    return [
        f"=CONCATENATE({';'.join(dq)})",
        f"=CONCATENATE({', '.join(dq)})",
        f"=CONCAT({';'.join(dq)})",
        f'=TEXTJOIN("";TRUE;{";".join(dq)})',
        f'=TEXTJOIN("",FALSE,{",".join(dq)})',
        f"={'&'.join(dq)}",
        f'$banner = implode("", [{", ".join(dq)}]);',
        f'$banner = implode("", array({", ".join(dq)}));',
        f'String banner = String.join("", {", ".join(dq)});',
        f'var banner = string.Join("", new[] {{ {", ".join(dq)} }});',
        f'banner := strings.Join([]string{{{", ".join(dq)}}}, "")',
        f'let banner = format!("{"{}" * n}", {", ".join(dq)});',
        f'snprintf(buf, sizeof buf, "{"%s" * n}", {", ".join(dq)});',
        f'sprintf(buf, "{"%s" * n}\\n", {", ".join(dq)});',
        f'banner = "{"{}" * n}".format({", ".join(dq)})',
        f'banner = "{"%s" * n}" % ({", ".join(dq)})',
        f'var banner = string.Format("{"".join(f"{{{i}}}" for i in range(n))}", {", ".join(dq)});',
        f'banner := fmt.Sprintf("{"%s" * n}", {", ".join(dq)})',
        'banner = f"' + "".join("{'" + p + "'}" for p in pieces) + '"',
        f'String banner = String.format("{"%s" * n}", {", ".join(dq)});',
        f"std::cout << {' << '.join(dq)} << std::endl;",
        "=CONCATENATE(\n" + ";\n".join(f"  {p}" for p in dq) + ")",
        'String banner = String.join("",\n' + ",\n".join(f"    {p}" for p in dq) + ");",
        f'let banner = format!(\n    "{"{}" * n}",\n' + "".join(f"    {p},\n" for p in dq) + ");",
    ]


def output_statements(text: str, rng: random.Random) -> list[str]:
    """Statements that output the marking as a string literal, whatever their command
    (``alert("…")``, ``main = putStrLn "…"``, ``let () = print_endline "…"``) (red team 9)."""
    del rng
    text = _in_literal(text)
    return [
        f'std::cout << "{text}" << std::endl;',
        f"writeln('{text}');",
        f'print_endline "{text}"',
        f'NSLog(@"{text}");',
        f"disp('{text}')",
        f'alert("{text}");',
        f'throw new Error("{text}");',
        f'main = putStrLn "{text}"',
        f'  raise RuntimeError("{text}")',
        f'Console.WriteLine("{text}");',
        f'fmt.Println("{text}")',
        f'System.out.println("{text}");',
        f'console.log("{text}");',
        f'logger.info("{text}")',
        f'MsgBox("{text}")',
        f'  panic!("{text}");',
        f'say "{text}";',
        # after a binding (red team 9: OCaml, F#)
        f'let () = print_endline "{text}"',
        f'  do printfn "{text}"',
    ]


def literal_interpolations(text: str, rng: random.Random) -> list[str]:
    """Interpolations of literals (`` `NATO ${"SEC"}RET` ``, Ruby's ``#{…}``, Swift's
    ``\\(…)``, f-strings, C#'s ``$"…"``), and a template literal as a value (red team 9)."""
    pieces = [_in_literal(piece) for piece in _cut_in_words(text, rng, 3)]
    head, middle, tail = (*pieces, "", "")[:3]
    return [
        f"const banner = `{_in_literal(text)}`;",
        f'const banner = `{head}${{"{middle}"}}{tail}`;',
        f"const banner = `{head}${{'{middle}'}}{tail}`;",
        f'banner = "{head}#{{"{middle}"}}{tail}"',
        f'val banner = "{head}${{"{middle}"}}{tail}"',
        f'let banner = "{head}\\("{middle}"){tail}"',
        f"banner = f\"{head}{{'{middle}'}}{tail}\"",
        f'var banner = $"{head}{{"{middle}"}}{tail}";',
    ]


def formula_lines(text: str, rng: random.Random) -> list[str]:
    """A spreadsheet formula that joins literals, each piece on its own line (an exported
    sheet's formula as a person formats it), the marking cut anywhere: ``=CONCATENATE(``,
    ``=CONCAT(``, ``=TEXTJOIN(`` with ``;`` or ``,`` between the pieces (red team 10)."""
    pieces = [f'"{_in_literal(piece)}"' for piece in _cut_in_pieces(text, rng)]
    return [
        "=CONCATENATE(\n" + ";\n".join(f"  {p}" for p in pieces) + "\n)",
        "=CONCATENATE(\n" + ",\n".join(pieces) + ")",
        f"=CONCAT({pieces[0]};\n" + ";\n".join(pieces[1:]) + ")",
        '=TEXTJOIN("";TRUE;\n' + ";\n".join(pieces) + ")",
        '=TEXTJOIN("",FALSE,\n' + ",\n".join(f"    {p}" for p in pieces) + "\n)",
        "=concatenate(" + ";\n".join(pieces) + ")",
    ]


_BLANK_ESCAPES = ("\\t", "\\n", "\\r", "\\f", "\\v")


def escaped_blanks(text: str, rng: random.Random) -> list[str]:
    """The marking's blanks written as whitespace escapes inside a literal
    (``"NATO\\tSECRET"``) (red team 9)."""
    escaped = "".join(rng.choice(_BLANK_ESCAPES) if ch == " " else ch for ch in _in_literal(text))
    return [
        f'{{"banner": "{escaped}"}}',
        f'const char *banner = "{escaped}";',
        f"banner: '{escaped}'",
        f'  banner = @"{escaped}";',
    ]


# Each family's every form (test_policy_round9_built.py reads a marking in each); the
# family draws one of them.
BUILT_FORMS: dict[str, Callable[[str, random.Random], list[str]]] = {
    "built-joins": built_joins,
    "formula-lines": formula_lines,
    "output-statements": output_statements,
    "literal-interpolations": literal_interpolations,
    "escaped-blanks": escaped_blanks,
}


def _one_form(
    forms: Callable[[str, random.Random], list[str]],
) -> Callable[[str, random.Random], str]:
    def make(text: str, rng: random.Random) -> str:
        return rng.choice(forms(text, rng)) + "\n"

    return make


def _letter_like(ch: str) -> bool:
    """A letter or digit, or a symbol that a spelling writes for one (🅐, ⠁, 🇦)."""
    return ch.isalnum() or (not ch.isascii() and not ch.isspace())


def _cut_inside_word(text: str, rng: random.Random) -> tuple[str, str]:
    """``text`` cut inside one of its words, outside markup that a spelling put in it:
    between two letters (or symbols written for letters) of a word with no small letter
    beside a capital (the level's word, not an abbreviation in title case: ``St</td><td>g.
    CONFIDENTIEEL`` is a known limit, README); else between two characters that are not
    blanks (a marking spelled with separators has no two letters side by side)."""
    inside_markup: set[int] = set()
    for tag in re.finditer(r"<[^<>]*>", text):
        inside_markup.update(range(tag.start() + 1, tag.end()))
    title_case: set[int] = set()
    for word in re.finditer(r"\S+", text):
        if re.search(r"[A-Z][a-z]|[a-z][A-Z]", word.group()) and re.search(
            r"[a-z]\.", word.group()
        ):
            title_case.update(range(word.start() + 1, word.end()))
    spots = [i for i in range(1, len(text)) if i not in inside_markup]
    letters = [
        i
        for i in spots
        if _letter_like(text[i - 1]) and _letter_like(text[i]) and i not in title_case
    ]
    blanks = [i for i in spots if not text[i - 1].isspace() and not text[i].isspace()]
    at = rng.choice(letters or blanks or spots)
    return text[:at], text[at:]


def _doc_keyword(text: str, rng: random.Random) -> str:
    """The marking as a documentation keyword line's value: Org's ``#+TITLE:``, POD's
    ``=head1``, Texinfo's ``@settitle``, a Javadoc or Doxygen tag (red team 9)."""
    form = rng.choice(
        [
            "#+TITLE: {}",
            "#+title: {}",
            "#+SUBTITLE: {}",
            "=head1 {}",
            "=head2 {}",
            "=item {}",
            "@settitle {}",
            "@chapter {}",
            " * @classification {}",
            "/** @security {} */",
            "/// @classification {}",
            ".{}",
        ]
    )
    lead = rng.choice(["", "#+AUTHOR: Anna Berg\n", "/**\n", "\\input texinfo\n"])
    return lead + form.format(text) + "\n" + rng.choice(BODY) + "\n"


def _small_caps_markup(text: str, rng: random.Random) -> str:
    """The marking in lower case, set in small capitals by markup after other text on its
    line (LaTeX's ``\\textsc``, CSS's ``font-variant``, Pandoc's ``.smallcaps``) (red
    team 9)."""
    form = rng.choice(
        [
            "\\lhead{}\\chead{\\textsc{@}}\\rhead{Annex B}",
            "Header: \\textsc{@}",
            "Annex B to OPORD 3/24 \\textsc{@}",
            'Plan <span style="font-variant:small-caps">@</span>',
            'Plan <span style="font-variant: all-small-caps; color:red">@</span>',
            'Annex B <span class="smallcaps">@</span>',
            "Annex B {\\scshape @}",
            "Annex B [@]{.smallcaps}",
        ]
    )
    return form.replace("@", text.lower()) + "\n" + rng.choice(BODY) + "\n"


_HIDDEN = [
    "<span hidden>x9q</span>",
    '<span style="display:none">x9q</span>',
    '<span style="display: none;">zz</span>',
    '<font style="font-size:0">qq</font>',
    '<b style="visibility:hidden">zz</b>',
    '<i class="hidden">x</i>',
    '<span style="opacity:0">k</span>',
]


def _hidden_split(text: str, rng: random.Random) -> str:
    """The marking cut inside a word by an element a browser does not draw
    (``SEC<span hidden>x9q</span>RET``) (red team 9)."""
    before, after = _cut_inside_word(text, rng)
    return before + rng.choice(_HIDDEN) + after + "\n" + rng.choice(BODY) + "\n"


def _cell_split(text: str, rng: random.Random) -> str:
    """The marking cut inside a word over two HTML table cells, side by side or a cell a
    line (``<td>NATO SEC</td><td>RET</td>``) (red team 9)."""
    before, after = _cut_inside_word(text, rng)
    cell = rng.choice(["td", "th"])
    attrs = rng.choice(["", ' class="c1"', ' style="border:0"'])
    first, second = f"<{cell}{attrs}>{before}</{cell}>", f"<{cell}{attrs}>{after}</{cell}>"
    if rng.random() < 0.5:  # a cell a line, as HTML is written by hand or pretty-printed
        indent = rng.choice(["", "  ", "\t\t"])
        return f"<tr>\n{indent}{first}\n{indent}{second}\n</tr>\n"
    return rng.choice(["<tr>{}</tr>", "{}", "<table><tr>{}<td>Copy 3</td></tr></table>"]).format(
        first + second
    )


def _calendar_property(text: str, rng: random.Random) -> str:
    """The marking first in an iCalendar or vCard property's text (``SUMMARY:NATO SECRET
    briefing``) (red team 9)."""
    prop = rng.choice(["SUMMARY", "DESCRIPTION", "LOCATION", "SUMMARY;LANGUAGE=fr-FR", "NOTE"])
    tail = rng.choice(["briefing", "convoy plan", "Raum 4", "réunion", ""])
    begin, end = rng.choice([("VEVENT", "VEVENT"), ("VCARD", "VCARD"), ("VTODO", "VTODO")])
    return (
        f"BEGIN:{begin}\nDTSTART:20250312T090000Z\n{prop}:{text} {tail}".rstrip() + f"\nEND:{end}\n"
    )


# Red team 9's families in its own test files (test_policy_round9_built.py and
# test_policy_round9_markup.py), registered in FAMILIES.
ROUND9_BUILT = tuple(BUILT_FORMS)
ROUND9_MARKUP = (
    "doc-keyword",
    "small-caps-markup",
    "hidden-split",
    "cell-split",
    "calendar-property",
)


# --- portion marks ---------------------------------------------------------------------


def _portion(text: str, rng: random.Random, numbering: str = "", after: str = " ") -> str:
    body = rng.choice(BODY)
    first = rng.choice(BODY)
    return f"{first}\n\n{numbering}({text}){after}{body}\n"


def _portion_numbered(text: str, rng: random.Random) -> str:
    numbering = rng.choice(
        [
            *("1. ", "2.1 ", "3.4.2 ", "a. ", "b) ", "(1) ", "(iv) ", "iv. ", "xii) ", "- ", "• "),
            *("(a) ", "(B) ", "[1] ", "[12] "),
        ]
    )
    return _portion(text, rng, numbering)


def _portion_numbered_glued(text: str, rng: random.Random) -> str:
    """b.(S)Body.: the portion mark glued after its paragraph number or letter."""
    numbering = rng.choice(["1.", "2.1.", "3.4.2)", "a.", "b)", "c.", "(a)", "(C)"])
    return _portion(text, rng, numbering, rng.choice([" ", ""]))


def _portion_banner(text: str, rng: random.Random) -> str:
    """TS//SCI: the abbreviated marking with its control system, a banner line alone."""
    control = rng.choice(["//SCI", "//NOFORN", "//REL TO USA, FVEY", "//SI//NF", " // SCI"])
    indent = rng.choice(["", "    ", " " * 40])
    return f"{indent}{text}{control}\n{rng.choice(BODY)}\n"


def _portion_caveat(text: str, rng: random.Random) -> str:
    caveat = rng.choice(["/NF", "/REL", "//NF", "//REL TO USA, FVEY", "/SCI", "//SI", "/FGI"])
    return _portion(text + caveat, rng)


def _portion_square(text: str, rng: random.Random) -> str:
    """[S] The convoy…: the portion mark in square brackets, a paragraph after it."""
    return f"{rng.choice(BODY)}\n\n{rng.choice(['', '1. ', '  '])}[{text}] {rng.choice(BODY)}\n"


def _portion_glued(text: str, rng: random.Random) -> str:
    return _portion(text, rng, after=rng.choice(["", ":", " :", "  "]))


def _portion_indented(text: str, rng: random.Random) -> str:
    return _portion(text, rng, numbering=rng.choice(["    ", "\t", "  1. "]))


def _portion_emphasis(text: str, rng: random.Random) -> str:
    """**(S)** The convoy…: the portion mark in Markdown emphasis, with or without a
    paragraph number before it."""
    emphasis = rng.choice(["**", "*", "__", "_", "***"])
    numbering = rng.choice(["", "", "1. ", "  ", "(a) "])
    first, body = rng.choice(BODY), rng.choice(BODY)
    return f"{first}\n\n{numbering}{emphasis}({text}){emphasis} {body}\n"


def _portion_after_r(text: str, rng: random.Random) -> str:
    """An earlier (R) (a registered mark, an enantiomer) must not make a list of (S)."""
    lead = "(R) Registered trade mark of the supplier."
    return f"{lead}\n\n({text}) {rng.choice(BODY)}\n"


def _portion_label(text: str, rng: random.Random) -> str:
    """Short description: (S//NF) Convoy plan: a portion mark as a field's value (a ticket,
    a form, a mail's subject), with a caveat or before a sentence that starts in capitals."""
    label = rng.choice(
        ["Short description", "Subject", "Summary", "Objet", "Betreff", "Onderwerp", "Titre"]
    )
    separator = rng.choice([": ", " : ", ":  ", ":\t"])
    caveat = rng.choice(["", "", "//NF", "//REL TO USA, FVEY", "/NF", "//SI"])
    title = rng.choice(["Convoy plan", "The convoy leaves at 0600", "Réunion reportée"])
    return f"{label}{separator}({text}{caveat}) {title}\n{rng.choice(BODY)}\n"


def _portion_outline(text: str, rng: random.Random) -> str:
    """### 3.1 (S) Movement, § 3 (S) Der Konvoi, A.1.2 (TS): the portion mark after a
    heading's or a section's number, or an outline that mixes numbers and letters."""
    number, close = rng.choice(
        [
            *(("### 3.1 ", ""), ("## 2. ", ""), ("#### 4.2.1 ", ""), ("# 7) ", "")),
            *(("**1. ", "**"), ("__2.3 ", "__"), ("> 1.1 ", "")),
            *(("§ 3 ", ""), ("§§ 12 ", ""), ("§ 4.2 ", ""), ("Art. 4 ", ""), ("Article 12 ", "")),
            *(("Abs. 2 ", ""), ("Section 3.2 ", ""), ("Chapitre 2 ", ""), ("Para. 5 ", "")),
            *(("1.a ", ""), ("2.b) ", ""), ("A.1.2 ", ""), ("B.3 ", ""), ("3.c.ii ", "")),
        ]
    )
    return f"{rng.choice(BODY)}\n\n{number}({text}){close} {rng.choice(BODY)}\n"


# --- wrap: the whole text ---------------------------------------------------------------


def _reverse_lines(text: str, rng: random.Random) -> str:
    """Each line written backwards (mirror writing, or reversed by a tool)."""
    return "\n".join(line[::-1] for line in text.split("\n"))


def _rlo(text: str, rng: random.Random) -> str:
    """Stored backwards, shown forwards by a right-to-left override."""
    return "\n".join(f"\u202e{line[::-1]}\u202c" if line else line for line in text.split("\n"))


def _prompt(encoded: str, rng: random.Random) -> str:
    lead = rng.choice(["Decode this: ", "Please decode:\n", "", "Antwort: ", "Réponse : "])
    return lead + encoded + "\n"


def _b64(text: str, rng: random.Random) -> str:
    return _prompt(base64.b64encode(text.encode()).decode(), rng)


def _b64_unpadded(text: str, rng: random.Random) -> str:
    return _prompt(base64.b64encode(text.encode()).decode().rstrip("="), rng)


def _b64_urlsafe(text: str, rng: random.Random) -> str:
    return _prompt(base64.urlsafe_b64encode(text.encode()).decode().rstrip("="), rng)


def _b64_mime(text: str, rng: random.Random) -> str:
    raw = base64.b64encode(text.encode()).decode()
    width = rng.choice([16, 24, 32, 76])
    return _prompt("\n".join(raw[i : i + width] for i in range(0, len(raw), width)), rng)


def _b64_prefixed(text: str, rng: random.Random) -> str:
    """base64 after a one-character prefix on its line: a diff's "+" or "-" (a base64 file
    or secret changed), a quote's "> ", a comment's "#"; on one line or wrapped, the
    prefix on every line (red team 4)."""
    raw = base64.b64encode(text.encode()).decode()
    prefix = rng.choice(["+", "-", "+", "> ", ">", "# ", "#", "| ", "; "])
    if rng.random() < 0.5:
        lines = [raw]
    else:
        width = rng.choice([40, 60, 76])
        lines = [raw[i : i + width] for i in range(0, len(raw), width)]
    return "\n".join(prefix + line for line in lines) + "\n"


def _b64_glued(text: str, rng: random.Random) -> str:
    """base64 glued after its key's "=" (red team 9): ``token=<b64>``, logfmt's ``msg=<b64>
    user=jd``, a URL's query ``?c=<b64>&x=1``; padded or not, standard or URL-safe."""
    encode = base64.urlsafe_b64encode if rng.random() < 0.3 else base64.b64encode
    raw = encode(text.encode()).decode()
    if rng.random() < 0.5:
        raw = raw.rstrip("=")
    key = rng.choice(["token", "msg", "c", "data", "payload", "q", "x"])
    line = rng.choice(
        [
            f"{key}={raw}",
            f'level=info {key}={raw} user=jd ts="2025-03-11"',
            f"https://intranet.example.org/view?{key}={raw}&x=1",
            f"GET /api/v1/items?page=2&{key}={raw} HTTP/1.1",
        ]
    )
    return _prompt(line, rng)


def _b64_utf16(text: str, rng: random.Random) -> str:
    codec = rng.choice(["utf-16", "utf-16-le", "utf-16-be"])
    return _prompt(base64.b64encode(text.encode(codec)).decode(), rng)


def _b32(text: str, rng: random.Random) -> str:
    return _prompt(base64.b32encode(text.encode()).decode(), rng)


def _b32_unpadded(text: str, rng: random.Random) -> str:
    return _prompt(base64.b32encode(text.encode()).decode().rstrip("="), rng)


def _b32_lower(text: str, rng: random.Random) -> str:
    """Base32 in lower case, padded or not (as some tools and models write it)."""
    encoded = base64.b32encode(text.encode()).decode().lower()
    return _prompt(encoded.rstrip("=") if rng.random() < 0.5 else encoded, rng)


def _byte_literal(text: str, rng: random.Random) -> str:
    r"""The text's bytes as a program writes them: a Python byte string of ``\x`` or octal
    escapes (b'\x53…', b"\123…"), or a C array of ``0x`` bytes."""
    raw = text.encode()
    style = rng.choice(["python-x", "python-octal", "c-array"])
    if style == "c-array":
        body = ", ".join(f"0x{b:02x}" for b in raw)
        return _prompt(f"static const unsigned char data[] = {{{body}}};", rng)
    escape = "\\x{:02x}" if style == "python-x" else "\\{:03o}"
    quote = rng.choice(["'", '"'])
    body = "".join(escape.format(b) for b in raw)
    return _prompt(f"data = b{quote}{body}{quote}", rng)


def _a85(text: str, rng: random.Random) -> str:
    return _prompt(base64.a85encode(text.encode(), adobe=True).decode(), rng)


def _a85_raw_run(text: str, rng: random.Random) -> str:
    raw = text.encode()
    encoded = base64.a85encode(raw) if rng.random() < 0.5 else base64.b85encode(raw)
    return encoded.decode()


def _a85_raw(text: str, rng: random.Random) -> str:
    return _prompt(_a85_raw_run(text, rng), rng)


def _hex(text: str, rng: random.Random) -> str:
    raw = text.encode()
    style = rng.choice(["plain", "spaces", "colons", "0x", "0x,"])
    if style == "plain":
        out = raw.hex()
    elif style == "spaces":
        out = raw.hex(" ")
    elif style == "colons":
        out = raw.hex(":").upper()
    elif style == "0x":
        out = " ".join(f"0x{b:02x}" for b in raw)
    else:
        out = ", ".join(f"0x{b:02X}" for b in raw)
    return _prompt(out, rng)


def _percent(text: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return _prompt("".join(f"%{b:02X}" for b in text.encode()), rng)
    return _prompt(urllib.parse.quote(text, safe=""), rng)


def _percent_u(text: str, rng: random.Random) -> str:
    """IIS's and ECMAScript escape()'s ``%u0053``: every character (or all but half of the
    letters) as its UTF-16 units, astral ones as a surrogate pair (red team 7)."""
    some_letters = rng.random() < 0.3  # or half of the letters, the rest as written
    case = rng.choice(["u", "U"])
    out = []
    for ch in text:
        if some_letters and ch.isalpha() and rng.random() < 0.5:
            out.append(ch)
            continue
        units = ch.encode("utf-16-be")
        for at in range(0, len(units), 2):
            digits = units[at : at + 2].hex()
            out.append(f"%{case}{digits.upper() if rng.random() < 0.5 else digits}")
    return _prompt("".join(out), rng)


def _xxd(text: str, rng: random.Random) -> str:
    """xxd's grouped hex, two bytes a group, a row for each line of the text (rows wide
    enough: ``xxd -c 64``), with its offset or not and no text column (red team 7). A
    marking cut between two rows without offsets is not read (a known limit; rows with
    their offsets are joined)."""
    offsets = rng.random() < 0.5
    rows, at = [], 0
    # a row at each line feed only: a Word cell's \r\x07 is no line (splitlines cuts there)
    for line in re.split(r"(?<=\n)(?=.)", text, flags=re.DOTALL):
        raw = line.encode()
        groups = " ".join(raw[i : i + 2].hex() for i in range(0, len(raw), 2))
        rows.append((f"{at:08x}: " if offsets else "") + groups)
        at += len(raw)
    return _prompt("\n".join(rows), rng)


def _entities_bare(text: str, rng: random.Random) -> str:
    """Numeric character references without their ";", which HTML5 decodes (red team 7)."""
    hexa = rng.random() < 0.5
    return _prompt("".join(f"&#x{ord(ch):x}" if hexa else f"&#{ord(ch)}" for ch in text), rng)


def _entities(text: str, rng: random.Random) -> str:
    style = rng.choice(["dec", "hex", "named"])
    named = {"\n": "&#10;", " ": "&nbsp;", "É": "&Eacute;", "È": "&Egrave;", "Ü": "&Uuml;"}
    out = []
    for ch in text:
        if style == "named" and ch in named:
            out.append(named[ch])
        elif style == "hex" or (style == "named" and not ch.isalpha()):
            out.append(f"&#x{ord(ch):X};")
        else:
            out.append(f"&#{ord(ch)};")
    return _prompt("".join(out), rng)


def _escapes(text: str, rng: random.Random) -> str:
    style = rng.choice(["u", "x", "u{}"])
    if style == "u":  # as JSON and JavaScript write it: astral characters as surrogates
        units = text.encode("utf-16-be")
        pairs = [units[i : i + 2].hex() for i in range(0, len(units), 2)]
        return _prompt("".join(f"\\u{pair}" for pair in pairs), rng)
    if style == "u{}":
        return _prompt("".join(f"\\u{{{ord(ch):x}}}" for ch in text), rng)
    return _prompt("".join(f"\\x{b:02x}" for b in text.encode()), rng)


def _named_escapes(text: str, rng: random.Random) -> str:
    """Characters escaped by their Unicode names, as Python and Perl read them (round 9):
    every character, or the letters alone (``\\N{LATIN CAPITAL LETTER S}ECRET``)."""
    letters_only = rng.random() < 0.5

    def one(ch: str) -> str:
        if ch == "\n":  # one line: a string's escapes (a structure over lines is read whole)
            return "\\N{LINE FEED}"
        if letters_only and not ch.isalpha():
            return ch
        name = unicodedata.name(ch, "")
        return f"\\N{{{name}}}" if name else ch

    escaped = "".join(one(ch) for ch in text)
    # the letters alone: as a program's string holds them (no prompt's lead before it)
    return escaped + "\n" if letters_only else _prompt(escaped, rng)


def _binary_run(text: str, rng: random.Random) -> str:
    """Octets in binary, as a model asked to answer in binary writes them."""
    codec = rng.choice(["utf-8", "utf-8", "utf-16-be"])
    separator = rng.choice([" ", " ", "", ", ", "-"])
    return separator.join(f"{b:08b}" for b in text.encode(codec))


def _code_point_run(text: str, rng: random.Random) -> str:
    """``U+0053 U+0045 …``: one code point per character (four digits at least)."""
    separator = rng.choice([" ", ", ", "", " "])
    prefix = rng.choice(["U+", "U+", "u+"])
    return separator.join(f"{prefix}{ord(ch):04X}" for ch in text)


def _quoted_printable_run(text: str, rng: random.Random) -> str:
    """Every byte as ``=XX``, new lines included (quoted-printable written out in plain
    text, as a model asked to answer in it writes it)."""
    case = rng.choice([str.upper, str.lower])
    return case("".join(f"={b:02X}" for b in text.encode()))


def _utf7_run(text: str, rng: random.Random) -> str:
    """UTF-7 with every character in a shift sequence (+…-), as in an answer asked to be
    "in UTF-7": a plain UTF-7 encoder writes ASCII letters as themselves."""
    units = text.encode("utf-16-be")
    return "+" + base64.b64encode(units).decode().rstrip("=") + "-"


# The encodings a model can be asked to answer in, as the run alone (no lead, no new line).
RUNS: dict[str, Callable[[str, random.Random], str]] = {
    "ascii85-raw": _a85_raw_run,
    "binary": _binary_run,
    "code-points": _code_point_run,
    "quoted-printable": _quoted_printable_run,
    "utf-7": _utf7_run,
}


def _in_prompt(run: Callable[[str, random.Random], str]) -> Callable[[str, random.Random], str]:
    return lambda text, rng: _prompt(run(text, rng), rng)


# Upside-down writing, from the Unicode charts (what "upside-down text" generators use).
_UPSIDE_UPPER = _table("A∀BꓭCƆDᗡEƎFℲG⅁KꓘL⅂MWPԀRꓤTꓕUꓵVΛWMY⅄")
_UPSIDE_LOWER = _table("aɐbqcɔdpeǝfɟgƃhɥiᴉkʞmɯnuoopdqbrɹtʇunvʌwʍyʎ")
_TURNED_BRACKETS = {"(": ")", ")": "(", "[": "]", "]": "[", "{": "}", "}": "{", "<": ">", ">": "<"}


def _upside_down(text: str, rng: random.Random) -> str:
    """Every line turned half a circle: right to left, in turned letters (capitals or
    small letters; accents are lost, as generators lose them)."""
    upper = rng.random() < 0.5
    table = {**(_UPSIDE_UPPER if upper else _UPSIDE_LOWER), **_TURNED_BRACKETS}
    plain = _ascii_letters(text)
    plain = plain.upper() if upper else plain.lower()
    return "\n".join("".join(table.get(ch, ch) for ch in line[::-1]) for line in plain.split("\n"))


def _caesar(text: str, rng: random.Random) -> str:
    """Every letter shifted by the same distance (any but rot13's)."""
    shift = rng.choice([k for k in range(1, 26) if k != 13])
    caps = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    shifted = caps[shift:] + caps[:shift]
    return _ascii_letters(text).translate(
        str.maketrans(caps + caps.lower(), shifted + shifted.lower())
    )


_PHONETIC = (
    "Alfa Bravo Charlie Delta Echo Foxtrot Golf Hotel India Juliett Kilo Lima Mike November "
    "Oscar Papa Quebec Romeo Sierra Tango Uniform Victor Whiskey X-ray Yankee Zulu"
).split()


def _phonetic(text: str, rng: random.Random) -> str:
    """Each letter as its word of the NATO spelling alphabet; words apart by a wider gap."""
    within = rng.choice([" ", "-"])
    between = rng.choice(["  ", " / ", " | ", ", "])
    case: Callable[[str], str] = rng.choice([str.title, str.upper, str.lower])
    spelled = [
        within.join(case(_PHONETIC[ord(ch) - 65]) for ch in word if "A" <= ch <= "Z")
        for word in re.split(r"[\s-]+", _ascii_letters(text).upper())
    ]
    return between.join(w for w in spelled if w)


def _quoted_printable(text: str, rng: random.Random) -> str:
    """Every byte as =XX (as a model asked for quoted-printable writes it), one line."""
    return _prompt("".join(f"={b:02X}" for b in text.encode()), rng)


def _json_string(text: str, rng: random.Random) -> str:
    """The text as a JSON string, its new lines escaped: {"answer": "SECRET\\nThe…"}."""
    key = rng.choice(["answer", "text", "content", "body", "output"])
    return json.dumps({key: text.rstrip("\n")}, ensure_ascii=rng.random() < 0.5) + "\n"


def _rot13(text: str, rng: random.Random) -> str:
    return codecs.encode(text, "rot13")


# Encodings carry the whole text (a banner line and its paragraph) when they wrap.
ENCODINGS: dict[str, Callable[[str, random.Random], str]] = {
    "base64": _b64,
    "base64-prefixed": _b64_prefixed,
    "base64-unpadded": _b64_unpadded,
    "base64-urlsafe": _b64_urlsafe,
    "base64-mime": _b64_mime,
    "base64-utf16": _b64_utf16,
    "base32": _b32,
    "base32-unpadded": _b32_unpadded,
    "base32-lower": _b32_lower,
    "byte-literal": _byte_literal,
    "ascii85": _a85,
    "ascii85-raw": _a85_raw,
    "hex": _hex,
    "percent": _percent,
    "html-entities": _entities,
    "escapes": _escapes,
    # quoted-printable and ascii85-raw are above (their runs in RUNS are for the streaming
    # tests)
    **{
        name: _in_prompt(run)
        for name, run in RUNS.items()
        if name not in ("quoted-printable", "ascii85-raw")
    },
    "quoted-printable": _quoted_printable,
    "json-string": _json_string,
}


def _short_marking(target: Target) -> bool:
    return sum(ch.isalnum() for ch in target.text) < 5


def _long_banner(target: Target) -> bool:
    return not target.portion and not _short_marking(target)


def _multi_word(target: Target) -> bool:
    return not target.portion and " " in target.text


def _long_word(word: str) -> bool:
    """Four letters or digits or more: what a typesetter hyphenates (not ``Stg.``, whose full
    stop is no letter)."""
    return sum(ch.isalnum() for ch in word) >= 4


def _abbreviated(target: Target) -> bool:
    """A marking that starts with an abbreviation printed in title case (the Dutch ``Stg.
    GEHEIM``, ``Dep. VERTROUWELIJK``)."""
    return re.search(r"[a-z]\.\s", target.text) is not None


def _spelled_in_capitals(target: Target) -> bool:
    """A banner of two words or more, no abbreviation in title case among them: spelled
    down one word or letter per unit, units count in capitals, and an abbreviation's unit
    (``Stg.``, ``t``, ``g``) reads as prose, its full stop as a sentence's end (as VS-NfD's
    "f" in ``_capital_letters``)."""
    return _multi_word(target) and not _abbreviated(target)


def _has_long_word(target: Target) -> bool:
    return not target.portion and any(_long_word(w) for w in re.split(r"[ -]", target.text))


def _shiftable(target: Target) -> bool:
    """A banner with a word of five plain capitals or more (shorter words shift into
    words by chance: read in capitals only, from five letters)."""
    return not target.portion and any(
        len(word) >= 5 and word.isascii() and word.isalpha() and word.isupper()
        for word in re.split(r"[\s-]+", target.text)
    )


def _spellable(target: Target) -> bool:
    """A banner of four letters or more (a shorter run of phonetic words is prose)."""
    return not target.portion and target.letters >= 4


def _capital_letters(target: Target) -> bool:
    """A banner whose letters are all capitals. Spelled one letter a unit, VS-NfD's "f"
    stands alone in lower case, which reads as prose: units count in capitals."""
    return not target.portion and not any(ch.islower() for ch in target.text)


def _banner_only(target: Target) -> bool:
    return not target.portion


def _multi_letter(target: Target) -> bool:
    """A marking of two letters or more side by side, not a portion mark: a run can cut it."""
    return not target.portion and any(len(word) > 1 for word in target.text.split())


def _portion_only(target: Target) -> bool:
    return target.portion


def _single_letter_portion(target: Target) -> bool:
    return target.portion and len(target.text) == 1


# A marking spelled down a structure, one letter or word per unit (list items, paragraphs,
# values, a table's rows).
UNIT_SPLITS = frozenset(
    {
        "word-items",
        "roman-items",
        "letter-items",
        "letter-paragraphs",
        "value-letters",
        "column-letters",
        "column-words",
    }
)
_LETTER_UNITS = UNIT_SPLITS - {"word-items", "roman-items", "column-words"}

# A document format's text elements and a page description's text (red team 8).
DOCUMENT_TEXT = ("alto", "hocr", "svg-tspans", "word-elements", "postscript", "zpl")

_STRUCTURE = frozenset(
    {
        "split-words",
        "hyphenation",
        "letter-per-line",
        *UNIT_SPLITS,
        "json-pretty",
        "json-minified",
        "yaml-field",
        "csv-column",
        "xml-attribute",
        "meta-element",
        "name-value-pair",
        "label-line",
        "long-label",
        "subject-tag",
        "trailing-tag",
        "subject-words",
        "xml-one-line",
        "csv-caveat",
        "kv-pairs",
        "kv-event",
        "string-pieces",
        "string-joins",
        "sql-literals",
        "dn-value",
        "list-of-markings",
        "sql-row",
        "yaml-properties",
        "field-name-forms",
        "log-prefix",
        "commit-prefix",
        "inline-tags",
        "troff",
        "rfc2047",
        "rfc2047-folded",
        "rtf",
        "rtf-runs",
        "odf-inline",
        "mdoc-escapes",
        "calendar-fold",
        "printed-string",
        "pdf-content-stream",
        *DOCUMENT_TEXT,
        *ROUND9_BUILT,
        *ROUND9_MARKUP,
    }
)


# Where a banner line stands on a line of its own, which markup and furniture can decorate.
_DECORATED_PLACES = frozenset({"banner-line", "label-line", "field-label"})

FAMILIES: tuple[Family, ...] = (
    # banner context (issue 9, item 1)
    Family("markup-wrapper", "banner context", "line", _wrapped),
    Family("table-cell", "banner context", "line", _table_cell),
    Family("trailing-furniture", "banner context", "line", _furniture),
    Family("doubled-brackets", "banner context", "line", _doubled_brackets),
    Family("page-first-footer", "banner context", "line", _page_first),
    Family("repeated", "banner context", "line", _repeated),
    Family("indentation", "banner context", "line", _indented),
    Family("wide-gaps", "banner context", "spell", _wide_gaps, _multi_word),
    Family("spaced-line", "obfuscation", "line", _spaced_line),
    Family("cable-line", "obfuscation", "line", _cable_line),
    Family("banner-line", "banner context", "place", _banner_place),
    Family("label-line", "banner context", "place", _label_line),
    Family("field-label", "banner context", "place", _field_label),
    Family("long-label", "banner context", "place", _long_label, lambda t: not t.portion),
    Family("word-cells", "structured data", "place", _word_cells),
    Family("domain-key", "structured data", "place", _domain_key),
    Family("c-constant", "structured data", "place", _c_constant),
    Family("chat-prefix", "banner context", "place", _chat_prefix),
    Family("dash-title", "banner context", "line", _dash_title),
    Family("column-title", "banner context", "line", _column_title),
    Family("title-dash", "banner context", "line", _title_dash),
    Family("bbcode", "banner context", "line", _bbcode),
    Family("shortcode", "banner context", "line", _shortcode),
    Family("glued-footer", "banner context", "line", _glued_footer),
    Family("glued-sentence", "banner context", "line", _glued_sentence),
    Family("glued-title", "banner context", "line", _glued_title, _multi_word),
    Family("review-pane", "banner context", "line", _review_pane),
    Family("printed-string", "banner context", "line", _printed_string),
    Family("subject-tag", "banner context", "place", _subject_tag),
    Family("trailing-tag", "banner context", "place", _trailing_tag, lambda t: not t.portion),
    Family("wiki-macro", "banner context", "place", _wiki_macro),
    Family("troff", "banner context", "place", _troff),
    Family("rfc2047", "encoding", "place", _rfc2047),
    Family("rfc2047-folded", "encoding", "place", _rfc2047_folded, _long_enough_to_fold),
    Family("rtf", "banner context", "place", _rtf),
    Family("rtf-runs", "banner context", "place", _rtf_runs, _multi_letter),
    Family("odf-inline", "banner context", "place", _odf_inline, _multi_letter),
    Family("mdoc-escapes", "banner context", "place", _mdoc_escapes, lambda t: not t.portion),
    Family("calendar-fold", "structured data", "place", _calendar_fold),
    Family("pdf-content-stream", "structured data", "place", _pdf_stream),
    # a document format's text elements and a page description's text (red team 8)
    Family("alto", "structured data", "place", _alto),
    Family("hocr", "structured data", "place", _hocr),
    Family("svg-tspans", "structured data", "place", _svg_tspans, _multi_letter),
    Family("word-elements", "structured data", "place", _word_elements),
    Family("postscript", "structured data", "place", _postscript),
    Family("zpl", "structured data", "place", _zpl),
    Family("split-words", "banner context", "split", _split_words, _spelled_in_capitals),
    Family("hyphenation", "banner context", "split", _hyphenated, _has_long_word),
    Family("text-before-banner", "banner context", "line", _text_before),
    Family("page-number-before", "banner context", "line", _page_number_before),
    Family("pipe-cells", "banner context", "line", _pipe_cells),
    Family("wide-repeat", "banner context", "line", _wide_repeat),
    Family("markup-cell", "banner context", "line", _markup_cell),
    Family("comment-inside", "obfuscation", "spell", _comment_inside),
    Family("markup-words", "banner context", "line", _markup_words),
    Family("struck-marking", "banner context", "line", _struck_marking),
    Family("comment", "banner context", "line", _comment),
    Family(
        "inline-tags",
        "obfuscation",
        "spell",
        _inline_tags,
        # spacing out or a letter a line turns the tags' own letters too: no markup is left
        excludes=frozenset({"spaced-line", "letter-per-line"}),
    ),
    Family("subject-words", "banner context", "place", _subject_words),
    Family("xml-one-line", "structured data", "place", _xml_one_line),
    Family("csv-caveat", "structured data", "place", _csv_caveat),
    Family("json-pretty", "structured data", "place", _json_pretty),
    Family("json-minified", "structured data", "place", _json_minified),
    Family("yaml-field", "structured data", "place", _yaml_field),
    Family("csv-column", "structured data", "place", _csv_column),
    Family("xml-attribute", "structured data", "place", _xml_attribute),
    Family("meta-element", "structured data", "place", _meta_element),
    Family("name-value-pair", "structured data", "place", _name_value_pair),
    Family("kv-pairs", "structured data", "place", _kv_pairs),
    Family("kv-event", "structured data", "place", _kv_event),
    Family("string-pieces", "structured data", "place", string_pieces),
    Family("string-joins", "structured data", "place", string_joins, _multi_letter),
    Family("sql-literals", "structured data", "place", sql_literals),
    Family("dn-value", "structured data", "place", dn_value),
    Family("list-of-markings", "structured data", "place", _list_of_markings),
    Family("sql-row", "structured data", "place", _sql_row),
    Family("yaml-properties", "structured data", "place", _yaml_properties),
    Family("field-name-forms", "structured data", "place", _field_name_forms),
    Family("log-prefix", "banner context", "line", _log_prefix),
    Family("commit-prefix", "banner context", "line", _commit_prefix),
    Family("law-reference", "banner context", "line", _law_reference, lambda t: not t.portion),
    Family("terminal-colour", "banner context", "line", _terminal_colour),
    Family("crlf", "banner context", "wrap", _crlf, lambda t: True),
    Family("merged-title-row", "structured data", "line", _merged_title_row),
    # obfuscation (item 2)
    Family("separators", "obfuscation", "spell", _separated),
    Family(
        "letter-per-line",
        "obfuscation",
        "split",
        _letter_per_line,
        lambda t: not t.portion and not _abbreviated(t),
    ),
    # a marking spelled down a structure, one unit at a time (red team 5)
    Family("word-items", "spelled down", "split", _word_items, _spelled_in_capitals),
    Family("roman-items", "spelled down", "split", _roman_items, _spelled_in_capitals),
    Family("letter-items", "spelled down", "split", _letter_items, _capital_letters),
    Family("letter-paragraphs", "spelled down", "split", _letter_paragraphs, _capital_letters),
    Family("value-letters", "spelled down", "split", _value_letters, _capital_letters),
    Family("column-letters", "spelled down", "split", _column_letters, _capital_letters),
    Family("column-words", "spelled down", "split", _column_words, _spelled_in_capitals),
    Family("leetspeak", "obfuscation", "spell", _leet),
    Family("leet-symbols", "obfuscation", "spell", _symbol_leet),
    Family("odd-case", "obfuscation", "spell", _odd_case),
    Family("overstrike", "obfuscation", "spell", _overstrike),
    Family("small-capitals", "look-alikes", "spell", _lookalike(_SMALL_CAPITALS)),
    Family("negative-squared", "look-alikes", "spell", _lookalike(_NEGATIVE_SQUARED)),
    Family("negative-circled", "look-alikes", "spell", _lookalike(_NEGATIVE_CIRCLED)),
    Family("regional-indicators", "look-alikes", "spell", _lookalike(_REGIONAL)),
    Family("stroked-letters", "look-alikes", "spell", _lookalike(_STROKED, 0.6)),
    Family("turned-letters", "look-alikes", "spell", _lookalike(_TURNED, 0.6)),
    Family("lunate-sigma", "look-alikes", "spell", _lookalike(_LUNATE), lambda t: "C" in t.text),
    Family("indic-o", "look-alikes", "spell", _indic_o, lambda t: "O" in t.text),
    Family("canadian-syllabics", "look-alikes", "spell", _lookalike(_SYLLABICS, 0.8)),
    Family("cyrillic", "look-alikes", "spell", _lookalike(_CYRILLIC, 0.7)),
    Family(
        "faux-cyrillic",
        "look-alikes",
        "spell",
        _lookalike(_FAUX_CYRILLIC, 0.8),
        lambda t: not t.portion and bool(set(_ascii_letters(t.text)) & set(_FAUX_CYRILLIC)),
    ),
    Family(
        "faux-greek",
        "look-alikes",
        "spell",
        _lookalike(_FAUX_GREEK, 0.8),
        lambda t: not t.portion and bool(set(_ascii_letters(t.text)) & set(_FAUX_GREEK)),
    ),
    Family("mixed-scripts", "look-alikes", "spell", _mixed_scripts),
    Family("braille", "look-alikes", "spell", _lookalike(_BRAILLE)),
    Family("phonetic", "obfuscation", "spell", _phonetic, _spellable),
    # Whole lines rewritten: a banner of five letters or more, never a portion mark.
    *(
        Family(name, group, "wrap", make, _long_banner, excludes=_STRUCTURE)
        for name, group, make in (
            ("reversed", "obfuscation", _reverse_lines),
            ("rlo", "obfuscation", _rlo),
            ("upside-down", "obfuscation", _upside_down),
            ("rot13", "encoding", _rot13),
        )
    ),
    Family("caesar", "encoding", "wrap", _caesar, _shiftable, excludes=_STRUCTURE),
    # a portion mark and its paragraph in rot13: (F) Gur pbaibl yrnirf…
    Family("rot13-portion", "encoding", "wrap", _rot13, _portion_only, excludes=_STRUCTURE),
    *(Family(name, "encoding", "wrap", make, lambda t: True) for name, make in ENCODINGS.items()),
    # red team 7's (outside ENCODINGS: the seeded nested sample stays as it was)
    Family("html-entities-bare", "encoding", "wrap", _entities_bare, lambda t: True),
    Family("xxd", "encoding", "wrap", _xxd, lambda t: True),
    Family("percent-u", "encoding", "wrap", _percent_u, lambda t: True),
    # round 9's
    Family("named-escapes", "encoding", "wrap", _named_escapes, lambda t: True),
    Family("base64-glued", "encoding", "wrap", _b64_glued, lambda t: True),
    # round 9's strings that code builds (test_policy_round9_built.py)
    Family("built-joins", "structured data", "place", _one_form(built_joins), _multi_letter),
    Family("formula-lines", "structured data", "place", _one_form(formula_lines), _multi_letter),
    Family(
        "output-statements",
        "structured data",
        "place",
        _one_form(output_statements),
        _multi_letter,
    ),
    Family(
        "literal-interpolations",
        "structured data",
        "place",
        _one_form(literal_interpolations),
        _multi_letter,
    ),
    Family("escaped-blanks", "structured data", "place", _one_form(escaped_blanks), _multi_word),
    # round 9's markings in document markup (test_policy_round9_markup.py)
    Family("doc-keyword", "banner context", "place", _doc_keyword),
    Family("small-caps-markup", "banner context", "place", _small_caps_markup),
    Family("hidden-split", "banner context", "place", _hidden_split, _multi_letter),
    Family("cell-split", "structured data", "place", _cell_split, _multi_letter),
    Family("calendar-property", "structured data", "place", _calendar_property),
    # portion marks (item 3)
    Family("portion-plain", "portion marks", "place", _portion, _portion_only),
    Family("portion-numbered", "portion marks", "place", _portion_numbered, _portion_only),
    Family(
        "portion-numbered-glued", "portion marks", "place", _portion_numbered_glued, _portion_only
    ),
    Family("portion-caveat", "portion marks", "place", _portion_caveat, _portion_only),
    Family("portion-banner", "portion marks", "place", _portion_banner, _portion_only),
    Family("portion-glued", "portion marks", "place", _portion_glued, _portion_only),
    Family("portion-square", "portion marks", "place", _portion_square, _portion_only),
    Family("portion-indented", "portion marks", "place", _portion_indented, _portion_only),
    Family("portion-after-r", "portion marks", "place", _portion_after_r, _portion_only),
    Family("portion-emphasis", "portion marks", "place", _portion_emphasis, _portion_only),
    Family("portion-slash", "portion marks", "place", _portion_slash, _portion_only),
    Family("portion-label", "portion marks", "place", _portion_label, _portion_only),
    # red team 9's
    Family("portion-outline", "portion marks", "place", _portion_outline, _portion_only),
)
BY_NAME = {family.name: family for family in FAMILIES}
_WHOLE_LINE = ("reversed", "rlo", "upside-down", "rot13", "rot13-portion", "caesar")

# Families that read the marking's letters one by one, each with its own idea of a letter:
# two of them on the same letters is one spelling, not a pair.
_SPELLINGS = frozenset(
    f.name for f in FAMILIES if f.stage == "spell" and f.name not in ("wide-gaps", "odd-case")
)


_NOT_STRUCK = frozenset(
    {
        *UNIT_SPLITS,
        "letter-per-line",
        "hyphenation",
        "split-words",
        "spaced-line",
        "caesar",
        "json-pretty",
        "json-minified",
        "field-name-forms",
        "domain-key",
        "c-constant",
    }
)


_NOT_GLUED = frozenset(
    {
        "trailing-furniture",
        "split-words",
        "hyphenation",
        "struck-marking",
        "comment",
        "phonetic",
        "rot13",
        "caesar",
    }
)


# Families that glue a banner to what a page prints before or after it (pdftotext
# without -layout); ``_NOT_GLUED`` holds what leaves no banner's letters to glue to.
_GLUED = frozenset({"glued-footer", "glued-sentence", "glued-title"})


# Structures over several lines: xxd's rows without offsets are decoded one at a time, so a
# marking or a structure that spans rows is not rebuilt (a known limit).
_MULTI_LINE = frozenset(
    {
        "calendar-fold",
        "rfc2047-folded",
        "csv-column",
        "csv-caveat",
        "string-pieces",
        "string-joins",
        "built-joins",
        "formula-lines",
        "cell-split",
        *DOCUMENT_TEXT,
    }
)


def compatible(first: Family, second: Family) -> str | None:
    """None when the two families compose; else why they do not (reported, not tested).

    * two ``place`` families put one marking in two places: that is two texts; a field
      value or a subject tag is not split over lines, nor decorated like a banner line;
    * two spellings of the same letters replace each other;
    * reversal and rot13 make sense of the whole text only: a structure (JSON, CSV, a split
      banner) reversed line by line is no longer that structure;
    * encodings and reversal are applied in order, reversal first (a reversed base64 text
      decodes to nothing).
    """
    if first.name == second.name:
        return "the same family"
    if first.stage == second.stage == "place":
        return "two places for one marking"
    if first.name in _SPELLINGS and second.name in _SPELLINGS:
        return "two spellings of the same letters"
    if {"glued-sentence", "glued-title"} & {first.name, second.name} and "upside-down" in (
        first.name,
        second.name,
    ):
        return (
            "upside down, a line's glued sentence or title is turned with its banner: the "
            "glue reads backwards (.ꓤHꓵ 81 … SƎꓤꓕ)"
        )
    if {"c-constant", "wide-gaps"} <= {first.name, second.name}:
        return (
            "a quoted value is read in its first 200 characters (README): a marking of four "
            "words with gaps of up to 60 blanks runs past them"
        )
    if "upside-down" in (first.name, second.name) and {first.name, second.name} & {
        "c-constant",
        "domain-key",
    }:
        return (
            "upside down, a line of code is turned with its keywords and quotes (#define and "
            "its name read backwards): no constant and no key is left to name the value"
        )
    if "upside-down" in (first.name, second.name) and {first.name, second.name} & _SPELLINGS:
        return "two spellings of the same letters (upside down, each letter is turned)"
    if "dn-value" in (first.name, second.name) and {first.name, second.name} & {
        "inline-tags",
        "comment-inside",
    }:
        return (
            "a distinguished name's value is plain text: markup in it is escaped (\\<b\\>), "
            "no tag or comment that a reader shows"
        )
    if {"merged-title-row", "label-line"} <= {first.name, second.name}:
        return "a merged title row is a whole CSV line: no label stands before its cells"
    if "terminal-colour" in (first.name, second.name) and {first.name, second.name} & set(
        _WHOLE_LINE
    ):
        return "a rewriting of the whole line turns the escape sequences too (\\x1b[0m)"
    if "overstrike" in (first.name, second.name) and {first.name, second.name} & _NOT_STRUCK:
        return (
            "a letter struck over itself is a terminal's bold: split over lines, spaced out, "
            "shifted, or inside JSON (where \\b is an escape) it is not what a terminal shows"
        )
    if "overstrike" in (first.name, second.name) and {first.name, second.name} & {
        "cell-split",
        "hidden-split",
        "small-caps-markup",
    }:
        return (
            "a letter struck over itself is a terminal's bold: a browser or LaTeX draws no "
            "overstrike (a backspace in HTML is no character it shows)"
        )
    if {first.name, second.name} & _GLUED and {first.name, second.name} & _NOT_GLUED:
        return (
            "a page number or footer glued to a banner is glued to its letters as printed: "
            "split over lines, struck, commented, spelled or turned, it is glued to no banner"
        )
    if "leet-symbols" in (first.name, second.name) and (
        first.stage != "wrap" and second.stage != "wrap"
    ):
        return (
            "symbol leetspeak is read in a line's own words, as a line of its own: a marking "
            "placed in a structure, split or decorated is read by that structure's reader, "
            "which knows the digit leetspeak only (README)"
        )
    if second.name in first.excludes or first.name in second.excludes:
        return "reversal and rot13 undo a structure"
    if first.stage == second.stage == "wrap" and second.name in _WHOLE_LINE:
        return "reversal after an encoding"
    names = {first.name, second.name}
    stages = {first.stage, second.stage}
    if first.stage == second.stage == "split":
        return "two ways of splitting one banner"
    if stages == {"split", "place"} and (not names & _DECORATED_PLACES or "field-label" in names):
        return "a field value or a tag is not split over lines"
    if stages == {"line", "place"} and not names & _DECORATED_PLACES:
        return "a structured field or a tag has no banner line to decorate"
    if "letter-per-line" in names and "line" in (first.stage, second.stage):
        return "one letter per line has no banner line to decorate"
    if "doubled-brackets" in names and "table-cell" in names:
        return "brackets around a table row are not a banner's wrapper"
    if "page-first-footer" in names and "label-line" in names:
        return "a footer's page number does not follow a classification label"
    if "spaced-line" in names and (
        stages & {"split", "line"} != {"line"}
        or first.stage == second.stage
        or names & {"separators", "wide-gaps", "label-line"}
    ):
        return "a line spaced out letter by letter carries no other spacing, split or decoration"
    if "word-cells" in names and names & {"html-entities", "html-entities-bare"}:
        return (
            "HTML reads a control character's reference as nothing (&#7 is no character): a "
            "Word cell mark does not survive as an entity"
        )
    if "cable-line" in names and (
        stages & {"split", "line"} != {"line"} or names & {"spaced-line", "separators", "wide-gaps"}
    ):
        return "a cable line spaced out letter by letter carries no other spacing or split"
    if "cable-line" in names and names & {"struck-marking", "glued-title", "label-line"}:
        return (
            "a cable's first line starts with its marking and ends with its furniture: no "
            "struck marking or label before it, no title glued to the furniture"
        )
    if "cable-line" in names and names & {
        "comment-inside",
        "inline-tags",
        "markup-wrapper",
        "overstrike",
        "phonetic",
    }:
        return (
            "the cable line spaces out every character of the marking: markup, backspaces "
            "and the words of a phonetic spelling spaced out are no longer what they were"
        )
    if {"log-prefix", "commit-prefix"} <= names:
        return "a commit's hash and a log's time stamp both start a line: one does"
    if names & {"log-prefix", "commit-prefix"} and names & {"label-line", "field-label"}:
        return "a log prefix stands at the start of its line, before a field's label"
    if names & {"comment-inside", "inline-tags"} and "kv-pairs" in names:
        return "markup is no part of a form or log value (nothing renders it)"
    if names & UNIT_SPLITS:
        reason = _spelled_down_pair(names, stages)
        if reason is not None:
            return reason
    if "separators" in names and names & {"split-words", "hyphenation", "letter-per-line"}:
        return "a split banner's words are its separators"
    if names & {"rtf", "rtf-runs"} and names & {"comment-inside", "inline-tags", "markup-cell"}:
        return "HTML markup is no part of an RTF document"
    if names & {"odf-inline", "mdoc-escapes"} and names & {
        "comment-inside",
        "inline-tags",
        "markup-cell",
    }:
        return "HTML markup is no part of an ODF document or a man page"
    if names & {"rtf-runs", "odf-inline", "mdoc-escapes"} and "phonetic" in names:
        return (
            "runs, inline elements and escapes cut or glue the phonetic words: they are read "
            "along the line, not in the text the markup shows (a known limit)"
        )
    if "long-label" in names and "json-string" in names:
        return (
            "a long label is read at a line's start: inside a JSON string's value it is a "
            "cell's, and a cell's labels are the policy's (a known limit)"
        )
    if "xxd" in names and (stages & {"split"} or names & _MULTI_LINE):
        return (
            "xxd's rows without offsets are decoded one at a time: a marking spelled down "
            "rows is not read"
        )
    if "xxd" in names and names & {
        "negative-circled",
        "negative-squared",
        "regional-indicators",
        "braille",
    }:
        return (
            "an xxd row decodes alone: a banner row of symbols that stand for letters has no "
            "letter and reads as binary (a known limit)"
        )
    if "pdf-content-stream" in names and names & {"comment-inside", "inline-tags"}:
        return "HTML markup is no part of a PDF page's text (a viewer shows the tags)"
    if names & set(DOCUMENT_TEXT) and names & {"comment-inside", "inline-tags"}:
        return (
            "markup inside a text element's text is escaped (&lt;b&gt;), and a page "
            "description's or a label's text holds none: a reader shows the tags"
        )
    if {"printed-string", "comment"} <= names:
        return "a command inside a markup comment prints nothing"
    if "wiki-macro" in names and "separators" in names:
        return "bars cut a wiki macro's parameters: a marking spelled with bars is cut there"
    return None


def _spelled_down_pair(names: set[str], stages: set[Stage]) -> str | None:
    """Why a marking spelled down a structure (one letter or word per list item,
    paragraph, value or row) does not compose with another family, or None."""
    if "line" in stages and not names & {"indentation", "terminal-colour"}:
        return "a marking spelled down a structure has no banner line to decorate"
    if "place" in stages and "banner-line" not in names:
        return "a label or a field before a structure's first unit takes that unit out of it"
    if "separators" in names:
        return "a split banner's words are its separators"
    if names & {"comment-inside", "inline-tags"}:
        return "markup inside the marking is cut into the units with it: no markup is left"
    if "phonetic" in names:
        return (
            "phonetic words are read along one line: a phonetic word a unit down a structure "
            "is not read (a known limit)"
        )
    if "odd-case" in names and names & _LETTER_UNITS:
        return "a lower-case letter alone reads as prose: units count in capitals"
    return None


def build(families: list[Family], target: Target, rng: random.Random) -> str:
    """The text of ``target`` written with ``families`` (in stage order)."""
    ordered = sorted(families, key=lambda f: _ORDER[f.stage])
    text = target.text
    placed = False
    for family in ordered:
        if family.stage == "place":
            text = family.make(text, rng)
            placed = True
        elif family.stage == "wrap":
            if not placed:
                text = _default_place(target)(text, rng)
                placed = True
            text = family.make(text, rng)
        else:
            text = family.make(text, rng)
    if not placed:
        text = _default_place(target)(text, rng)
    return text


def _default_place(target: Target) -> Callable[[str, random.Random], str]:
    return _portion if target.portion else _banner_place


def applies(families: list[Family], target: Target) -> bool:
    return all(f.applies(target) for f in families)


@dataclass(frozen=True)
class Case:
    """One generated text: which families, which marking, what the gate must reach."""

    families: tuple[str, ...]
    target: Target
    text: str

    @property
    def id(self) -> str:
        return f"{'+'.join(self.families)}|{self.target.id}"


def singles(seed: int = 0, only: str | None = None) -> list[Case]:
    """Every family (or the one named ``only``) applied to every marking it applies to."""
    cases = []
    for family in FAMILIES if only is None else [BY_NAME[only]]:
        for target in targets():
            if family.applies(target):
                rng = random.Random(f"{seed}:{family.name}:{target.id}")
                cases.append(Case((family.name,), target, build([family], target, rng)))
    return cases


def pairs() -> list[tuple[Family, Family]]:
    """Every pair of families that compose (see ``compatible``), each once."""
    return list(_pairs())


@cache
def _pairs() -> tuple[tuple[Family, Family], ...]:
    # 1.5 million calls of ``compatible`` a fast run when it was worked out at every call
    found = []
    for i, first in enumerate(FAMILIES):
        for second in FAMILIES[i + 1 :]:
            if compatible(first, second) is None:
                found.append((first, second))
    return tuple(found)


@cache
def _fit(first: Family, second: Family) -> tuple[Target, ...]:
    """The markings both families apply to."""
    return tuple(t for t in targets() if applies([first, second], t))


def pair_cases(
    seed: int = 0, per_pair: int | None = 1, only: set[tuple[str, str]] | None = None
) -> list[Case]:
    """Each composable pair applied to ``per_pair`` markings drawn at random (seeded), or
    to every marking both families apply to (``per_pair=None``); ``only`` these pairs."""
    cases = []
    for first, second in _pairs():
        if only is not None and (first.name, second.name) not in only:
            continue
        fit = list(_fit(first, second))
        if not fit:
            continue
        rng = random.Random(f"{seed}:{first.name}+{second.name}")
        chosen = fit if per_pair is None else rng.sample(fit, min(per_pair, len(fit)))
        for target in chosen:
            text = build([first, second], target, rng)
            cases.append(Case((first.name, second.name), target, text))
    return cases


def pairs_with(names: set[str]) -> set[tuple[str, str]]:
    """The composable pairs (``pairs``) that hold one of the families ``names``, by name."""
    return {(a.name, b.name) for a, b in _pairs() if names & {a.name, b.name}}


def family_cases(family: str, per_pair: int | None = 1) -> list[Case]:
    """``family``'s cases alone (every marking) and in each pair with it (``per_pair``
    markings drawn each, or all)."""
    only = {(a.name, b.name) for a, b in pairs() if family in (a.name, b.name)}
    return singles(only=family) + pair_cases(0, per_pair=per_pair, only=only)


def nested_cases(seed: int = 0, depth: int = 3) -> list[Case]:
    """Encodings inside encodings, up to ``depth`` deep, one marking each (seeded)."""
    rng = random.Random(f"{seed}:nested")
    names = list(ENCODINGS)
    cases = []
    banners = [t for t in targets() if not t.portion]
    for outer in names:
        for _ in range(2):
            chain = [rng.choice(names) for _ in range(depth - 1)] + [outer]
            target = rng.choice(banners)
            text = build([BY_NAME[chain[0]]], target, rng)
            for name in chain[1:]:
                text = ENCODINGS[name](text.rstrip("\n"), rng)
            cases.append(Case(tuple(chain), target, text))
    return cases


# Families (or pairs, "a+b") the gate does not catch in full yet, and why. The tests skip
# them and check that each still misses (so a fix must remove it here); the corpus
# report prints them with their figures.
# Decorations that a repeated marking repeats with it (<b>X</b> <b>X</b>, X (NOFORN) - X …).
_REPEATED_AROUND = (
    "markup-wrapper",
    "trailing-furniture",
    "doubled-brackets",
)
KNOWN_MISSES: dict[str, str] = {
    # red team 9's symbol leetspeak is read in a line's own words (README: "leetspeak in
    # those places"); its pairs with structures do not compose (``compatible``)
    **dict.fromkeys(
        ("leet-symbols+rot13", "leet-symbols+caesar"),
        "a shift over symbol leetspeak: symbols do not shift, and the shifted readings know "
        "the digit leetspeak only",
    ),
    "leet-symbols+reversed": (
        "symbol leetspeak written backwards: its runs (|2, |\\|) reverse, and the reversed "
        "readings know the digit leetspeak only"
    ),
    "markup-wrapper+glued-footer": (
        "a footer's furniture is read glued to the marking's last letter, not to markup that "
        "closes it (__EU CONFIDENTIAL__Seite 2) (the exhaustive pair run)"
    ),
    "glued-sentence+printed-string": (
        "a footer glued to a sentence is read in a line's cells, not inside a string a "
        "command prints (a cell is not cut again)"
    ),
    "glued-sentence+odd-case": (
        "a footer glued to a sentence is read where no small letter follows the sentence's "
        "end (1800.NATO SECRET; 1800.next is prose): odd case may start with one (vS-nUr)"
    ),
    **dict.fromkeys(
        (
            "doubled-brackets+glued-title",
            "markup-wrapper+glued-title",
            "shortcode+glued-title",
        ),
        "a title glued to a banner is read glued to the marking's last letter, not to markup "
        "that closes it (`NATO SECRET`Annex B, ((( TOP SECRET )))Compte rendu; a BBCode tag "
        "cuts a line into cells) (the exhaustive pair run)",
    ),
    **dict.fromkeys(
        (
            "glued-title+leetspeak",
            "glued-title+cyrillic",
            "glued-title+mixed-scripts",
            "glued-title+separators",
            "glued-title+overstrike",
        ),
        "a title glued to a banner is read after the marking's last word written in plain "
        "letters (T0P $3CR37Convoy, NАTО CОNFIDЕNТІАLCompte with look-alikes, "
        "S-E-C-R-E-TConvoy spaced out are not) (the exhaustive pair run)",
    ),
    "glued-sentence+terminal-colour": (
        "a colour sequence between a sentence's end and the footer glued to it: the line is "
        "cut as written (the exhaustive pair run)"
    ),
    "glued-sentence+markup-cell": (
        "a footer glued to a sentence inside a quoted attribute's value (<input value=\"…by "
        '1800.TRÈS SECRET LUX">): a cell is not cut again (the exhaustive pair run)'
    ),
    "inline-tags+string-pieces": (
        'a string cut inside an inline tag ("<f" "ont>"): the tags are read where a line '
        "shows them, not in a string joined"
    ),
    **dict.fromkeys(
        (
            "string-pieces+overstrike",
            "string-joins+overstrike",
            "overstrike+literal-interpolations",
        ),
        'a string cut between a letter and the backspace that strikes it over ("…C" '
        '"\\bH", "_\\b".concat("A_\\bT…")): a terminal\'s bold is read as a line shows it, '
        "not in a string joined (the exhaustive pair run)",
    ),
    "kv-event+separators": (
        "doubled bars between the letters of a marking that starts with an abbreviation "
        "spell its full stop too (S||t||g||.): a slash after it stands four marks between "
        "the marking's words (||. /), and a marking's words are read up to three apart "
        "(S|t|g|. / …, S||t||g. / … are read; in an event's value, classification=S||t||g||. "
        "/ Z||E||E||R / …, only GEHEIM is found) (the exhaustive pair run)"
    ),
    **dict.fromkeys(
        (
            "inline-tags+built-joins",
            "inline-tags+literal-interpolations",
            "inline-tags+formula-lines",
        ),
        'a string built by code cut inside an inline tag ("<strong class=\\"c1\\">AT</strong", '
        '"><strong…"): the tags are read where a line shows them, not in a string built '
        "(round 9's families in pairs)",
    ),
    **dict.fromkeys(
        (
            "comment-inside+built-joins",
            "comment-inside+formula-lines",
            "comment-inside+literal-interpolations",
            "comment-inside+escaped-blanks",
        ),
        "a markup comment inside a string built by code (cut inside it, or its blanks written "
        'as escapes: "SECR<!--\\fTODO:\\vfix\\t-->ET"): comments are removed where a line '
        "shows them, not in a string built (round 9's families in pairs)",
    ),
    **dict.fromkeys(
        (
            "phonetic+built-joins",
            "phonetic+formula-lines",
            "phonetic+literal-interpolations",
            "phonetic+escaped-blanks",
            "phonetic+cell-split",
        ),
        "phonetic words cut inside a word by a string's pieces or two table cells (\"CHARLIE-"
        'OSCAR-NOVEMB", "ER-…"), or their blanks written as escapes: a string built, or '
        "cells joined, are read when they hold capitals close together or a marking's start "
        "in letters; phonetic words are read along a line as written (round 9's families in "
        "pairs)",
    ),
    "phonetic+calendar-property": (
        "phonetic words of a long marking as a calendar property's value, two blanks between "
        "its words: read on a line of their own, not after a property's name (misses on some "
        "markings; round 9's families in pairs)"
    ),
    **dict.fromkeys(
        (
            "odd-case+doc-keyword",
            "odd-case+built-joins",
            "odd-case+literal-interpolations",
        ),
        "a keyword line's, a property's or a built string's value is read like a field's "
        "value: with two capitals close together or odd case of four letters; a three-letter "
        "marking in odd case (cUi, vS-nFd) has neither (round 9's families in pairs)",
    ),
    **dict.fromkeys(
        ("odd-case+cell-split", "leetspeak+cell-split"),
        "two table cells are joined where the first holds a marking's start in capitals (or "
        "look-alikes): in odd case (lUx Co</td><td>NfIdEnTiAl) or leetspeak (470M4</td><td>L) "
        "it holds none that a cell counts (round 9's families in pairs)",
    ),
    "separators+cell-split": (
        "a marking spelled out with blanks, or doubled separators, cut over two cells where no "
        "letter meets the seam (C O N F I D E N T</td><td> I E L, R||E|</td><td>|S||T): cells "
        "are joined where a letter meets a letter or a separator; at a blank prose tables' "
        "cells stand apart (misses on some markings; round 9's families in pairs)"
    ),
    "separators+calendar-property": (
        "a marking spelled out a letter at a time is read when nothing but furniture follows "
        "it on its line: a word after it (NOTE:C . O . N . F … L réunion) reads as a "
        "letter-spaced heading's title (S E C R E T Santa party, round 8's everyday) (round "
        "9's families in pairs)"
    ),
    **dict.fromkeys(
        ("inline-tags+small-caps-markup", "inline-tags+hidden-split"),
        "small capitals or a hidden element among inline tags a letter or two each: the "
        "rendering reads the line as the markup shows it, the inline tags' reading the line "
        "as written; neither does both (round 9's families in pairs)",
    ),
    "turned-letters+small-caps-markup": (
        "small capitals print small letters as capitals; turned letters (ɔ, ɟ, ᴉ) among them "
        "are small letters of no marking, and the word reads in prose case (round 9's "
        "families in pairs)"
    ),
    "leetspeak+literal-interpolations": (
        "a leetspeak $ for S in a template literal or an interpolation (`TRE$ SECR37`, "
        "f\"3U 70P ${'3C'}R37\"): $ and ${ are read as an interpolation's start (misses on "
        "some markings; round 9's families in pairs)"
    ),
    "named-escapes+base64-glued": (
        "base64 glued after a key's '=' (token=…) is decoded up to about 4 KiB (a bare run "
        "further): a portion mark's paragraph escaped by names (\\N{LATIN SMALL LETTER E}, "
        "some 30 characters a letter), then encoded, runs past it (misses on some markings; "
        "the pair run of red team 9's changed families)"
    ),
    "inline-tags+string-joins": (
        "a string cut inside an inline tag (concat('<fo', 'nt>SE</font>')): the tags are "
        "read where a line shows them, not in a string joined (the exhaustive pair run)"
    ),
    "dn-value+odd-case": (
        "a distinguished name's value is read like any field's value, only with two capitals "
        "close together: a three-letter marking in odd case (CN=cUi) (the exhaustive pair run)"
    ),
    "dn-value+leetspeak": (
        "a distinguished name's value is read like any field's value, only with two capitals "
        "close together: ATOMAL in leetspeak keeps one (ou=470M41) (the exhaustive pair run)"
    ),
    "subject-tag+separators": (
        "bars between the letters of a marking that starts with an abbreviation, in a "
        "subject's tag (Subject: [S||t||g||. / G||E||H||E||I||M] …): not read; other "
        "separators, and the markings without an abbreviation, are (the pair run)"
    ),
    **dict.fromkeys(
        ("base64-mime+xxd", "base64-prefixed+xxd"),
        "base64 wrapped over lines, then xxd's rows without offsets: a marking's base64 cut "
        "between two rows is not read (xxd's known limit: rows with offsets are joined; the "
        "pair run drew Stg. ZEER GEHEIM, and CONTROLLED UNCLASSIFIED INFORMATION wrapped "
        "after a '#')",
    ),
    "zpl+json-string": (
        "a ZPL label inside a JSON string is read as the string's text, not as a label: a "
        "marking cut over two fields at one height (^FDNATO SECRET ATOMA^FS…^FDL^FS) is not "
        "joined there (the pair run, once red team 10's markings moved its draws)"
    ),
    "dn-value+phonetic": (
        "phonetic words apart by a comma that a distinguished name escapes (ECHO UNIFORM\\, "
        "ROMEO …): a value is read as written, its escapes kept"
    ),
    "comment-inside+string-joins": (
        "a string cut inside a markup comment (concat('EU C<!-- TODO: fix -->ON', "
        "'FIDENTIAL')): comments are removed where a line shows them, not in a string joined"
    ),
    "comment-inside+string-pieces": (
        'a string cut inside a markup comment\'s opener ("LUX CO<!" "---->NFIDENTIAL"): '
        "comments are removed where a line shows them (the exhaustive pair run)"
    ),
    "string-pieces+phonetic": (
        "phonetic words cut by a CDATA section's seam (<![CDATA[echo-unifo]]><![CDATA[rm …): "
        "CDATA sections are joined for codewords and for markings in a cell, not for "
        "phonetic words (the exhaustive pair run)"
    ),
    "kv-event+odd-case": (
        "an event's value is read like any field's value, only with two capitals close "
        "together: a three-letter marking in odd case (cs4=vS-nFd) (the exhaustive pair run)"
    ),
    "bbcode+markup-cell": (
        "a BBCode tag with quotes of its own inside a quoted attribute of a tag (<meta "
        'content="[quote="jm"]SECRET LUX[/quote]">): the value ends at the tag\'s first '
        "quote (the exhaustive pair run)"
    ),
    "bbcode+rot13": "rot13 turns the tags' names too ([fvmr=5]…[/fvmr])",
    **dict.fromkeys(
        ("column-words+odd-case", "word-items+odd-case"),
        "a marking spelled down a structure counts in capitals only: a unit in odd case "
        "beside one in title case (rEsTrEiNt / Ue) is read as prose (the exhaustive pair run)",
    ),
    "terminal-colour+title-dash": (
        "a colour sequence between a dash and its blanks: a line is cut into cells as written"
    ),
    "terminal-colour+phonetic": (
        "colour sequences around phonetic words: the phonetic reading takes the words as "
        "written, escape sequences included"
    ),
    **{
        f"{terminal}+{entities}": (
            "a terminal's control bytes written as HTML entities (&#27;[1;31m): HTML has no "
            "terminal escapes, and its decoding drops the control characters, so the "
            "sequence's text ([1;31m) stays before the marking, as a browser shows it"
        )
        for terminal in ("terminal-colour", "overstrike")
        for entities in ("html-entities", "html-entities-bare")
    },
    **{
        f"{around}+repeated": (
            "a repeated marking is read when only separators stand between the copies; "
            "copies that each carry their own markup or furniture leave markings in the "
            "banner's tail, which is not furniture"
        )
        for around in _REPEATED_AROUND
    },
    "spaced-line+comment-inside": "a comment inside a letter-spaced line is spaced out too",
    "comment-inside+letter-per-line": "a markup comment split over lines, a letter a line",
    "comment-inside+reversed": (
        "a comment is removed before cells are read; written backwards (>-- x --!<) it is "
        "no comment"
    ),
    **dict.fromkeys(
        (
            "small-capitals+caesar",
            "stroked-letters+caesar",
            "turned-letters+caesar",
            "canadian-syllabics+caesar",
        ),
        "a Caesar shift over look-alikes is read from two ASCII letters or more that agree "
        "on one shift: a marking written in look-alikes but one letter (ꜱᴇᴄʀᴇᴛ ʟᴜO, ƃǝɥWᴉɯ) "
        "has one, and one letter agrees with every shift (misses on some markings)",
    ),
    "lunate-sigma+caesar": (
        "the generator drops accents with NFKD before shifting, which turns the lunate sigma "
        "(Ϲ) into a plain capital sigma (KXLMKBΣMXW): Σ reads as E (its UTS #39 prototype), "
        "not C"
    ),
    "phonetic+caesar": (
        "phonetic words are found from their own spellings; shifted (Hecue Usxe Iyuhhq) "
        "they are no phonetic words, and reading every run of four words under 24 shifts "
        "would cost every line of prose"
    ),
    **dict.fromkeys(
        (
            "spaced-line+phonetic",
            "letter-per-line+phonetic",
            "hyphenation+phonetic",
            "split-words+phonetic",
            "csv-column+phonetic",
        ),
        "phonetic words are read on their line as written (or written backwards: a line "
        "holding echo, alfa or delta reversed is read forwards; or in rot13): spaced out or "
        "split over lines they are no phonetic words; a CSV row spelled so is read without "
        "the header above it (a row's value alone is no classification field)",
    ),
    "kv-pairs+phonetic": (
        "phonetic words joined by '_' or '+' in a log or form value are read (one joiner "
        "joins letters, two or a punctuation mark part words), but the words are spelled "
        "out with a blank between them: a URL's query value spelled so "
        "(cls=NOVEMBER_ALFA_TANGO_OSCAR,_CHARLIE…) holds no blank, and the query reader "
        "does not read a value with one (misses on some markings)"
    ),
    **dict.fromkeys(
        ("split-words+inline-tags", "hyphenation+inline-tags"),
        "inline tags are joined within a line, and tags whole on the lines of a split banner "
        "(<b>TOP</b> / <b>SECRET</b>) are read; a tag cut by the line break itself "
        '(<strong / style="font-size:9pt">SEC</strong>) is not (README)',
    ),
    "inline-tags+odd-case": (
        "odd case written over every tag can leave a word of the marking in lower case once "
        "the tags are joined (NATO confidential ATOMAL): prose case"
    ),
    "chat-prefix+rot13": "rot13 turns a chat line's time stamp too (9:05 PM -> 9:05 CZ)",
    **dict.fromkeys(
        ("chat-prefix+odd-case", "chat-prefix+leetspeak"),
        "a message is read as a field's value: only with two capitals close together or odd "
        "case of four letters (vS-nFd, @70M@1 have neither)",
    ),
    "rot13-portion+portion-label": (
        "a portion mark in rot13 is read at a paragraph's start; after a field's label that "
        "rot13 turned too (Fubeg qrfpevcgvba: (PHV//AS) …) it is not (misses on some markings)"
    ),
    "wiki-macro+odd-case": (
        "a wiki macro's parameter is read like a field's value: with two capitals close "
        "together or odd case of four letters (vS-nFd has neither)"
    ),
    "field-label+odd-case": (
        "a field's value is read when it holds capitals or odd case of four letters or more "
        "(sEcR); a three-letter marking in odd case (cUi) is not"
    ),
    # Issue 9, red team 3: markup words, struck markings and comments in pairs.
    "comment-inside+comment": (
        "HTML comments do not nest: the first --> closes both (<!--SE<!-- x -->CRET-->), so "
        "the marking's first letters stay inside a comment"
    ),
    **dict.fromkeys(
        (
            "label-line+comment",
            "label-line+markup-words",
            "label-line+struck-marking",
        ),
        "markup words, comment openers and struck text are read at a line's start, not after "
        "a label or a field's name (Classification = !!! danger \"SECRET\"): a field's value "
        "is read as a cell with the plain lead",
    ),
    **dict.fromkeys(
        ("markup-words+comment", "page-number-before+markup-words"),
        "a line's lead is read in one order: page numbers, a list number, then markup; markup "
        "before a list number (rem 1. [x] SECRET) or a task box before a page number "
        "(- [x] Page 7 SECRET) is not read (misses on some markings)",
    ),
    **dict.fromkeys(
        ("markup-words+struck-marking", "markup-wrapper+struck-marking"),
        "after a struck marking only emphasis, quotes or brackets may open the new one: "
        "other markup (~~UNCLASSIFIED~~ ![SECRET](x.png), ~~UNCLASSIFIED~~ [.big]*SECRET*) "
        "leaves the struck marking as the banner and its tail is no furniture",
    ),
    **dict.fromkeys(
        ("spaced-line+reversed", "cable-line+reversed"),
        "a reversed line is read forwards when it holds a reversed marking word (or a "
        "right-to-left override); a line spaced out letter by letter, then reversed, holds "
        "none as a word, and finding spaced-out words would squeeze every line",
    ),
}


def known_miss(families: tuple[str, ...]) -> str | None:
    """Why the gate may miss a text made with ``families`` (None: it must not)."""
    for name in families:
        if name in KNOWN_MISSES:
            return KNOWN_MISSES[name]
    for joined in ("+".join(families), "+".join(families[::-1])):
        if joined in KNOWN_MISSES:
            return KNOWN_MISSES[joined]
    return None
