"""Words for the index: case folded, stemmed in the text's language (English, French,
German, Luxembourgish), accents stripped.

A chunk's language is the one whose common words it uses most (none found: its words are
folded but not stemmed). The stemmers are Snowball's (English, French, German; German
serves Luxembourgish, which Snowball lacks). A question is short and its language a guess,
so each of its words is looked up under every language's stem (``query_variants``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import islice

LANGUAGES = ("en", "fr", "de", "lb")
NO_LANGUAGE = ""
MAX_WORD_CHARS = 40
_DETECT_WORDS = 400  # the words of a text read to guess its language
_STEM_CACHE = 200_000  # stems remembered per language (words repeat: most are cached)

_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")

# Common words of each language (folded, accents stripped): enough to tell them apart.
_COMMON: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the and of to is in that for was with what did about are on it this be by at from "
        "which have has were not but they their there been would will can an or".split()
    ),
    "fr": frozenset(
        "le la les des du et est une un dans que qui pour sur pas au aux avec ce sont ont "
        "ete il elle nous vous mais ou son sa ses cette par plus".split()
    ),
    "de": frozenset(
        "der die das und ist nicht ein eine den dem mit fur auf zu im sich von wird sind "
        "auch des bei nach wie oder aus wurde werden hat kann".split()
    ),
    "lb": frozenset(
        "an ass net mat fir een eng vun dat och sinn huet gett mer hien si ze op wei gouf "
        "bei ech du dir hei elo vill nach kee keng awer".split()
    ),
}


_LANGUAGES_OF: dict[str, tuple[str, ...]] = {}
for _language, _words in _COMMON.items():
    for _word in _words:
        _LANGUAGES_OF[_word] = (*_LANGUAGES_OF.get(_word, ()), _language)

# Left out of the index and of questions: they hold nearly every passage and tell none apart.
STOPWORDS = frozenset().union(*_COMMON.values())


def strip_accents(text: str) -> str:
    """``text`` without its combining marks (é → e, ü → u)."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The words of ``text``, case folded (NFKC first), longer ones cut to
    ``MAX_WORD_CHARS``."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return [word[:MAX_WORD_CHARS] for word in _WORD.findall(folded)]


def detect_language(folded_words: Iterable[str]) -> str:
    """The language of the (folded) words, or ``NO_LANGUAGE`` when none stands out."""
    counts = dict.fromkeys(LANGUAGES, 0)
    for word in islice(folded_words, _DETECT_WORDS):
        for language in _LANGUAGES_OF.get(strip_accents(word), ()):
            counts[language] += 1
    best = max(LANGUAGES, key=counts.__getitem__)  # ties: the first in LANGUAGES
    return best if counts[best] else NO_LANGUAGE


@lru_cache(maxsize=4)
def _stemmer(language: str) -> Callable[[str], str]:
    if language == "en":
        from snowballstemmer.english_stemmer import EnglishStemmer as Stemmer
    elif language == "fr":
        from snowballstemmer.french_stemmer import FrenchStemmer as Stemmer
    elif language in ("de", "lb"):
        from snowballstemmer.german_stemmer import GermanStemmer as Stemmer
    else:
        return strip_accents
    stem_word: Callable[[str], str] = Stemmer().stemWord
    cache: dict[str, str] = {}

    def stem(word: str) -> str:
        found = cache.get(word)
        if found is None:
            if len(cache) >= _STEM_CACHE:
                cache.clear()
            # A word with a digit is a code or a number (Tango7, 2024): kept whole.
            plain = word if _DIGIT.search(word) else stem_word(word)
            found = cache[word] = strip_accents(plain)
        return found

    return stem


def index_terms(text: str) -> tuple[str, list[str]]:
    """The language of ``text`` and its index terms, in order (stemmed, accents stripped)."""
    folded = words(text)
    language = detect_language(folded)
    stem = _stemmer(language)
    return language, [stem(word) for word in folded if strip_accents(word) not in STOPWORDS]


def query_variants(text: str) -> list[frozenset[str]]:
    """For each distinct word of a question (common words left out, unless it has no
    other), the terms it may be indexed under: its stem in each language, and the word
    itself (for passages of no known language)."""
    seen: set[str] = set()
    variants = []
    folded = words(text)
    meaningful = [word for word in folded if strip_accents(word) not in STOPWORDS]
    for word in meaningful or folded:
        if word in seen:
            continue
        seen.add(word)
        forms = {strip_accents(word)}
        forms.update(_stemmer(language)(word) for language in LANGUAGES)
        variants.append(frozenset(form for form in forms if form))
    return variants
