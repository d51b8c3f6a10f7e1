"""Word-element documents (issue 9): an OCR's or a layout's export writes each word as an
element of its own, one a source line (ALTO's ``String``, hOCR's ``ocrx_word``, TEI's
``<w>``, SVG's ``tspan`` or ``text`` at one height, Word's runs, PostScript's ``show``
along a line). Such a line is one word of the line a reader sees: the document's text
(``_markup_text``, ``_pdf_text``) decides what it is, so a marking word in capitals inside
an OCR'd sentence (``keep it SECRET``, ``MINISTÈRE DE LA DÉFENSE``) is no banner, while a
banner that is its line of the layout, whole or one element a word, still reads.

Each writer below renders a text's lines in its format; the everyday corpus (en/fr/de/lb/nl)
rendered so raises nothing that the text itself, its lines unindented as a reader shows
them, does not; every banner of each shipped policy rendered as its own line reads at its
level, whole and streamed. The fast line draws a sample of the documents, sentences and
banner lines (tests/scale.py; CI: all of them).
"""

from __future__ import annotations

import itertools
import random

import pytest

from milai.policy import Policy, check_stream, check_text
from tests.policy.adversarial import pieces
from tests.policy.corpus_report import everyday_documents
from tests.policy.families import (
    BODY,
    POLICY_DIR,
    Target,
    banner_sample,
    shipped_policy,
    targets,
)
from tests.policy.writers import WORD_WRITERS
from tests.scale import sample

# Each renders a text's lines in its format, one element a word (tests/policy/writers.py).
WRITERS = WORD_WRITERS


def _raises(policy: Policy, text: str) -> bool:
    decision = check_text(policy, text)
    return decision.level != policy.lowest or decision.action == "block"


# Everyday documents still raised in a writer, with why (checked to still raise, so a fix
# shows). Found by the first complete thorough run after the merge; fix next pass. (en/37,
# en/38 and en/87 were fixed: capitalised words side by side are no camel name.)
KNOWN_RAISES = {
    ("svg-text", "nl/21"): (
        "TEI words escaped as SVG texts, a line each (&lt;w&gt;geheim&lt;/w&gt;): the "
        "entities decoded, each word element stands alone on a line of its own height, and "
        "a line that is a marking's word alone reads as a banner in any case"
    )
}


def _documents(writer: str) -> list[tuple[str, str]]:
    """Every everyday document in CI (tests/scale.py); the fast line 5 a writer, a document
    of each language."""
    return sample(
        everyday_documents(),
        5,
        seed=f"word-elements:{writer}",
        cover=lambda doc: [doc[0].partition("/")[0]],
    )


@pytest.mark.parametrize("writer", WRITERS)
def test_everyday_documents_written_word_by_word_raise_nothing_new(writer: str) -> None:
    """The everyday corpus, each document's lines written one element a word: raised only
    where its text as a reader shows it (each line unindented) is raised too (a Go
    enumeration's ``TopSecret`` is a vocabulary's only where its indentation shows it)."""
    documents = _documents(writer)
    raised = []
    known: set[str] = set()
    for path in sorted(POLICY_DIR.glob("*.yaml")):
        policy = shipped_policy(path.name)
        for doc_id, text in documents:
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            if _raises(policy, WRITERS[writer](lines)) and not _raises(policy, "\n".join(lines)):
                if (writer, doc_id) in KNOWN_RAISES:
                    known.add(doc_id)
                    continue
                raised.append(f"{doc_id} [{path.name}]")
    assert not raised, "\n".join(raised)
    drawn = {doc_id for doc_id, _ in documents}
    fixed = {doc for (name, doc) in KNOWN_RAISES if name == writer and doc in drawn} - known
    assert not fixed, f"no longer raised, remove from KNOWN_RAISES: {fixed}"


SENTENCES = [  # (language, sentence)
    ("en", "Please keep it SECRET until the party on Friday"),
    ("en", "Her new novel THE SECRET GARDEN opens the season"),
    ("fr", "MINISTÈRE DE LA DÉFENSE ET DES ANCIENS COMBATTANTS"),
    ("fr", "Le dossier est classé sans suite par le parquet"),
    ("de", "Das bleibt GEHEIM sagte sie und lachte"),
    ("nl", "Dat blijft GEHEIM tot vrijdag zei ze"),
    ("lb", "Dat bleift GEHEIM bis e Freideg"),
    ("en", "Notice: CONFIDENTIAL information may follow in the annex"),
    ("en", "The RESTRICTED area opens at nine for visitors"),
    ("en", "Album review: TOP SECRET DRUM CORPS live in Basel"),
    ("en", "we keep it TOP SECRET until Friday"),
    ("fr", "Ils ont gardé le dossier TRÈS SECRET jusqu'à lundi"),
    ("de", "Sie nannten es NATO SECRET im Scherz"),
    ("nl", "Het bleef STRENG GEHEIM tot vrijdag"),
]


def _sentences(writer: str) -> list[tuple[str, str]]:
    return sample(SENTENCES, 5, seed=f"sentences:{writer}", cover=lambda s: [s[0]])


@pytest.mark.parametrize("writer", WRITERS)
def test_a_marking_word_inside_a_written_sentence_is_prose(writer: str) -> None:
    """A marking word in capitals that is one element of a sentence's line (en/fr/de/lb/nl):
    its text decides, whole and streamed, where the sentence as text is prose. Every sentence
    in CI (tests/scale.py); the fast line 5 a writer, one of each language."""
    for path in sorted(POLICY_DIR.glob("*.yaml")):
        policy = shipped_policy(path.name)
        for _, sentence in _sentences(writer):
            if _raises(policy, sentence):
                continue  # the sentence itself reads: the document must too (next test)
            text = WRITERS[writer]([sentence, "The convoy leaves at dawn."])
            assert check_text(policy, text).level == policy.lowest, (path.name, text)
            chunks = pieces(text, random.Random(sentence))
            assert check_stream(policy, chunks).level == policy.lowest, (path.name, text)


def _banner_cases(seed: str) -> list[tuple[Target, str]]:
    """Every banner in every writer in CI (tests/scale.py); the fast line 24 of them, among
    them each writer and a banner of each scheme of each policy (``Target.scheme``)."""
    banners = [target for target in targets() if not target.portion]
    return sample(
        list(itertools.product(banners, WRITERS)),
        24,
        seed=f"banners:{seed}",
        cover=lambda case: [case[0].scheme, case[1]],
    )


@pytest.mark.parametrize(
    ("target", "writer"),
    _banner_cases("word-element-banners"),
    ids=lambda value: value.id if isinstance(value, Target) else str(value),
)
def test_a_banner_written_as_its_own_line_reads(target: Target, writer: str) -> None:
    """Each banner of each shipped policy as a line of the layout, one element a word (several
    elements on one line), and as one element: read at its level, whole and streamed; and
    the body's lines after it change nothing."""
    policy = shipped_policy(target.policy)
    body = random.Random(target.id).choice(BODY)
    words = WRITERS[writer]([target.text, body])
    whole = WRITERS[writer]([target.text.replace(" ", "\u00a0"), body])
    for text in (words, whole):
        assert check_text(policy, text).level == target.level, text
        chunks = pieces(text, random.Random(target.id))
        assert check_stream(policy, chunks).level == target.level, text


@pytest.mark.parametrize("writer", WRITERS)
def test_a_banner_among_other_lines_still_reads(writer: str) -> None:
    """A banner line between sentences whose words are elements of their own: the lines
    before and after it take nothing from it."""
    policy = shipped_policy("default.yaml")
    lines = [SENTENCES[0][1], "TOP SECRET", "The convoy leaves at dawn."]
    text = WRITERS[writer](lines)
    assert check_text(policy, text).level == "TOP SECRET"
    assert check_stream(policy, pieces(text, random.Random(writer))).level == "TOP SECRET"


BANNER_LINES = [
    "SECRET Page 1 of 3",
    "TOP SECRET Copy 3 of 5",
    "NATO SECRET - Annex A",
    "Page 2 SECRET",
    "CONFIDENTIAL // REL TO USA",
    "Convoy plan [NATO SECRET]",
    "Subject: Convoy plan (SECRET)",
    "SECRET//NOFORN",
    "Classification: SECRET",
    "DIFFUSION RESTREINTE - Rapport",
    "VS-NUR FÜR DEN DIENSTGEBRAUCH Seite 2",
    "Stg. GEHEIM - Verslag",
]


@pytest.mark.parametrize("writer", WRITERS)
def test_a_banner_line_with_its_furniture_reads_as_the_text_does(writer: str) -> None:
    """A banner with a page number, a copy count, a title or a field name on its line of the
    layout, one element a word: the document reads it at the level its line as text reads."""
    for path in sorted(POLICY_DIR.glob("*.yaml")):
        policy = shipped_policy(path.name)
        for line in BANNER_LINES:
            level = check_text(policy, f"{line}\n").level
            text = WRITERS[writer](["Body text here", line, "More body"])
            assert check_text(policy, text).level == level, (path.name, text)


# Everyday lines (en/fr/de/lb/nl) that name a title in capitalised words: ``{}`` a marking's
# words, each capitalised (``Top Secret``, ``Nato Secret``, ``Très Secret Ue``).
TITLE_LINES = [
    "- {}! (1984)",
    "## {}",
    "Film: {} Agents",
    "Le film {} sort lundi",
    "Der Film {} läuft heute",
    "De Film {} leeft haut",
    "De film {} draait vandaag",
]


@pytest.mark.parametrize("writer", ["svg-text", "svg-tspans", "hocr", "alto"])
def test_capitalised_words_side_by_side_are_no_camel_name(writer: str) -> None:
    """A title in capitalised words, one element a word at one height (SVG texts, tspans,
    OCR words): the words are read side by side with a blank and without one, and
    ``Top`` ``Secret!`` joined is no ``TopSecret`` (en/37, en/38, en/87 raised as SVG texts):
    raised only where the lines as text are, for every banner of each shipped policy."""
    raised = []
    for target in banner_sample(f"title-words:{writer}", 12):
        policy = shipped_policy(target.policy)
        title = " ".join(word.capitalize() for word in target.text.split())
        for line in TITLE_LINES:
            lines = ["Our picks this winter:", line.format(title), "Tickets at the door."]
            if _raises(policy, WRITERS[writer](lines)) and not _raises(policy, "\n".join(lines)):
                raised.append(f"{target.id}: {lines[1]}")
    assert not raised, "\n".join(raised)


def _cut_in_letters(text: str, rng: random.Random) -> str:
    """``text`` with one of its words of two letters or more cut in two (``SE CRET``)."""
    words = text.split(" ")
    long = [i for i, word in enumerate(words) if sum(ch.isalpha() for ch in word) > 1]
    if not long:
        return text
    at = rng.choice(long)
    word = words[at]
    cut = rng.randrange(1, len(word))
    words[at] = f"{word[:cut]} {word[cut:]}"
    return " ".join(words)


@pytest.mark.parametrize("writer", ["svg-text"])
def test_a_banner_cut_in_its_letters_at_one_height_reads(writer: str) -> None:
    """Each banner of each shipped policy with one word cut in its letters over two SVG texts
    at one height (``SE`` ``CRET``; a tspan's own blank would show), in capitals,
    capitalised (``Top`` ``Se`` ``cret``) and overstruck (``S\\bSE\\bE`` ``C\\bCR\\bR``): the
    reading without the blank finds it at its level, whole and streamed (capitalised words
    side by side are no camel name, a word cut in two still reads)."""
    for target in banner_sample(f"cut-letters:{writer}", 12):
        policy = shipped_policy(target.policy)
        rng = random.Random(target.id)
        title = " ".join(word.capitalize() for word in target.text.split())
        overstruck = "".join(f"{ch}\b{ch}" if ch.isalpha() else ch for ch in target.text)
        for marking in (target.text, title, overstruck):
            line = _cut_in_letters(marking, rng)
            text = WRITERS[writer](["Body text here", line, "More body"])
            if check_text(policy, marking).level != target.level:
                continue  # the marking so written is no banner as text either
            assert check_text(policy, text).level == target.level, text
            chunks = pieces(text, rng)
            assert check_stream(policy, chunks).level == target.level, text
