"""Index terms: case, accents and stemming in English, French, German and Luxembourgish;
a question's words match a passage in any of them."""

from __future__ import annotations

from milai.corpus._text import detect_language, index_terms, query_variants, words


def test_words_are_case_folded_and_nfkc_normalised() -> None:
    assert words("The DEPOT, Straße ﬁle") == ["the", "depot", "strasse", "file"]


def test_language_is_told_by_its_common_words() -> None:
    assert detect_language(words("the depot is in the north and it was full")) == "en"
    assert detect_language(words("le dépôt est dans le nord et il est plein")) == "fr"
    assert detect_language(words("das Lager ist im Norden und es ist nicht voll")) == "de"
    assert detect_language(words("den Depot ass am Norden an et ass net voll")) == "lb"
    assert detect_language(words("12 34 xyzzy")) == ""


def test_inflected_forms_share_a_stem_and_accents_are_stripped() -> None:
    def terms(text: str) -> list[str]:
        return index_terms(text)[1]

    # Common words are left out; the rest share a stem across their inflections.
    assert terms("the depots were refuelled") == terms("the depot was refuelling")
    assert terms("the depots were refuelled") == ["depot", "refuel"]
    assert terms("les réserves sont stockées") == terms("la réserve est stockée")
    assert terms("les réserves sont stockées") == ["reserv", "stock"]  # no accent survives
    assert terms("die Lieferungen sind nicht da") == terms("die Lieferung ist nicht da")
    assert terms("d'Reserven sinn net do an ass") == terms("d'Reserve ass net do")


def test_a_question_matches_a_passage_in_any_language() -> None:
    """The question's language is a guess: each word carries every language's stem."""
    _, french = index_terms("les réserves de carburant sont dans le dépôt")
    for question in ("réserves?", "Where are the RESERVES"):
        [*_, reserves] = query_variants(question)
        assert reserves & set(french), (question, reserves)


def test_query_words_are_deduplicated_and_common_ones_left_out() -> None:
    assert len(query_variants("the fuel Fuel FUEL of the depot")) == 2
    assert len(query_variants("the of and")) == 3  # nothing else: common words stay
