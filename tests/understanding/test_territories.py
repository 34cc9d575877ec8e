"""Country names across French and English, from the CLDR data Babel ships."""

from __future__ import annotations

import pytest

from bot.understanding.territories import places_named, territory


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
