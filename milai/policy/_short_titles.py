"""A short title, one blank, then a marking in capitals that ends the line (red team 10):
``Annex A NATO SECRET``, ``Plan de vol TRÈS SECRET UE``, ``Anlage 3 VS-VERTRAULICH``. A
header whose banner sits at its right edge reads so once its gap is gone (an ALTO page's
strings joined by one blank, a PDF's text extracted without its layout).

The evidence that tells such a line from prose: the line is short (``_MAX_LINE``); the words
before the marking are few (``_MAX_TITLE_WORDS``), start with a capital or a digit, hold a
letter in lower case (the shift to capitals is where the marking starts), and make no
sentence: no sentence's punctuation, no verb or pronoun of en/fr/de/lb/nl from
``_SENTENCE_WORDS``, and the last of them no preposition or article (``Handling of NATO
SECRET`` names the marking, ``the book TOP SECRET`` cites a work). The marking itself is
two words or more (``NATO SECRET``, ``VS-VERTRAULICH``), as its cell then reads it: a lone
capital word after a title (``Project SECRET``, ``Annex A SECRET``) stays a name.

Each candidate is a cell (``detect.CellUnit``), read as a line of its own: a whole marking
in capitals, as on a banner line.
"""

from __future__ import annotations

from milai._lazyre import lazy_compile

_MAX_LINE = 80
_MAX_TITLE_WORDS = 5
_MIN_MARKING_WORDS = 2
_WORD_RE = lazy_compile(r"\S+")
_PARTS_RE = lazy_compile(r"[^\s\-/]+")
_MARKING_WORD_RE = lazy_compile(r"(?:[^a-z]|(?<=[A-Z])[a-z]{1,2}(?=[A-Z]))+|[A-Z][a-z]{1,3}\.")
# What a title does not hold: a sentence's or a clause's punctuation, brackets, quotes.
_PUNCTUATION = frozenset('.!?,;:()[]{}"“”«»')
# Verbs, pronouns and the like that make the words before a marking a sentence (en, fr,
# de, lb, nl), and the prepositions and articles that make the marking their object.
_SENTENCE_WORDS = frozenset(
    """
    we you he she it they is are was were be been being am has have had do does did
    will would can could shall should may might must marked labelled labeled classified
    stamped says said read reads see je tu il elle nous vous ils elles on est sont était
    etait été ete sera a ont avait ai suis classé classe marqué marque lire voir ich du er
    sie es wir ihr ist sind war waren wird wurde werden hat haben bin bist eingestuft
    gestempelt lesen siehe lies ech hien si mir dir ass sinn wor hunn huet gëtt gett ik jij
    je hij zij het wij jullie zijn wordt werd heeft hebben ben gerubriceerd
    """.split()
)
_OBJECT_WORDS = frozenset(
    """
    of for on about with to from by in at into as than the a an this that these those
    de du des la le les pour sur avec par en au aux un une ce cette dans comme
    von für fur über uber mit zu zum zur aus bei im in an am als der die das den dem ein
    eine einen einem einer dieser diese dieses
    van voor over met naar uit bij op aan als het een deze dit
    vun fir iwwer mat bei un den d' dem déi dat eng en
    book film movie novel song album series show game play story
    livre roman chanson série serie jeu pièce histoire
    buch lied spiel stück geschichte
    boek liedje spel verhaal
    """.split()
)


def trailing_markings(line: str) -> list[tuple[int, int]]:
    """The spans of ``line`` (one line) that may be a marking in capitals ending it after a
    short title: each run of words in capitals that ends the line, from each of its words
    with two letters or more, where the words before it make a title (see above)."""
    if len(line) > _MAX_LINE or not line.strip():
        return []
    words = [(word.start(), word.end(), word.group()) for word in _WORD_RE.finditer(line)]
    first = len(words)
    while first > 0 and capitals(words[first - 1][2]):
        first -= 1
    spans: list[tuple[int, int]] = []
    end = words[-1][1]
    for number in range(max(first, 1), len(words)):
        title = [word for _, _, word in words[:number]]
        marking = line[words[number][0] : end]
        if len(title) > _MAX_TITLE_WORDS:
            break  # a longer title is no title
        if not _title(title):
            continue
        if sum(part.isalpha() for part in words[number][2][:2]) < 2:
            continue  # A NATO SECRET, 3 SECRET: a title's letter or number, then the marking
        if len(_PARTS_RE.findall(marking)) >= _MIN_MARKING_WORDS:
            spans.append((words[number][0], end))
    return spans


def capitals(word: str) -> bool:
    """A word of a marking in capitals: no letter in lower case (``NATO``,
    ``VS-VERTRAULICH``, ``3``) but between capitals (``VS-NfD``), or an abbreviation that
    a marking starts with (``Stg.``, ``Dep.``)."""
    return _MARKING_WORD_RE.fullmatch(word) is not None


def _title(words: list[str]) -> bool:
    """Whether ``words`` make a short title (see the module's docstring)."""
    head = words[0][:1]
    if not (head.isupper() or head.isdigit()):
        return False
    if not any(char.islower() for word in words for char in word):
        return False
    if any(char in _PUNCTUATION for word in words for char in word):
        return False
    # (a word in capitals is no such word: ``Annex A``, ``Part I``)
    if any(word.lower() in _SENTENCE_WORDS and not word.isupper() for word in words):
        return False
    return words[-1] not in _OBJECT_WORDS  # in lower case, as a title writes them
