"""Country names across French and English, from the CLDR data Babel ships."""

from __future__ import annotations

import pytest

from bot.text import stems
from bot.understanding.territories import places_named, respelt, territory


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Japan", "Japon"),
        ("Lebanon", "Liban"),
        ("Côte d'Ivoire", "cote d’ivoire"),
        ("Russia", "Russie"),
    ],
)
def test_a_place_has_one_code_in_both_languages(first: str, second: str) -> None:
    assert territory(first) is not None and territory(first) == territory(second)


def test_neighbouring_names_are_different_places() -> None:
    assert territory("Libye") != territory("Liban")


@pytest.mark.parametrize("word", ["Benoît", "Colombes", "RAICT", ""])
def test_a_word_that_names_no_country_has_no_code(word: str) -> None:
    assert territory(word) is None


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("c qui le président du groupe mali", ["Mali"]),
        ("le fonds népal ya cb de communes dedans", ["Népal"]),
        ("who chairs the japan group", ["Japon"]),
        ("la guinée équatoriale et la guinée", ["Guinée équatoriale", "Guinée"]),
        # « la réunion » is a meeting, not La Réunion; the EU is no country.
        ("prochaine réunion du bureau sur l'union européenne", []),
        ("ya une reunion mali bientot", ["Mali"]),
    ],
)
def test_countries_written_in_lower_case_are_named(text: str, places: list[str]) -> None:
    assert places_named(text) == places


# The stems of words the documents use, as the index would give them.
CORPUS = set(stems("Sénégal, la chaîne YouTube, le groupe tunisien, une politique libérale"))


@pytest.mark.parametrize(
    ("text", "respelled", "places"),
    [
        ("qui preside le groupe senegale ?", "qui preside le groupe Sénégal ?", ["Sénégal"]),
        ("le président du groupe madagscar", "le président du groupe Madagascar", ["Madagascar"]),
        ("le groupe burkina fasso", "le groupe Burkina Faso", ["Burkina Faso"]),
        ("Who chairs the Senegall group?", "Who chairs the Sénégal group?", ["Sénégal"]),
        # Written right, words the documents use, or no country at all: nothing changes.
        ("Burkina Faso et Sénégal", "Burkina Faso et Sénégal", ["Burkina Faso", "Sénégal"]),
        ("la chaîne YouTube de CUF", "la chaîne YouTube de CUF", []),  # 0.91 to « chine »
        ("le groupe tunisien", "le groupe tunisien", []),
        ("une politique libérale", "une politique libérale", []),
        ("le malin génie", "le malin génie", []),  # short names are never typos
        ("Quel est l'IBAN de CUF ?", "Quel est l'IBAN de CUF ?", []),  # no « Liban »
        ("le SIRET de CUF", "le SIRET de CUF", []),  # an acronym is no misspelling
    ],
)
def test_a_misspelt_country_is_written_as_the_documents_do(
    text: str, respelled: str, places: list[str]
) -> None:
    assert respelt(text, lambda word: bool(set(stems(word)) & CORPUS)) == respelled
    assert places_named(respelled) == places
