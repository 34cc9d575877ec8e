"""Citations: ``[n]`` markers are mapped to the passages given, renumbered in order of use."""

from __future__ import annotations

import pytest
from passages import passage

from bot.answering.citations import renumber, source_of
from bot.answers import Source
from bot.index.records import Chunk


def numbered(number: int, page: int | None = None) -> Chunk:
    return passage(
        f"Texte du passage {number}.",
        id=f"chunk-{number}",
        title="Rapport d'activités 2023",
        page=page,
        position=number,
    )


PASSAGES = [numbered(1, page=4), numbered(2, page=15), numbered(3, page=19)]


def test_valid_citations_keep_their_numbers_when_cited_in_order() -> None:
    result = renumber("Halima Menhoudj [1], puis Arnaud Ngatcha [2].", PASSAGES)

    assert result == (
        "Halima Menhoudj [1], puis Arnaud Ngatcha [2].",
        (
            Source(
                "Rapport d'activités 2023", "publications/rapport.pdf", 4, "Texte du passage 1."
            ),
            Source(
                "Rapport d'activités 2023", "publications/rapport.pdf", 15, "Texte du passage 2."
            ),
        ),
    )


def test_citations_are_renumbered_in_order_of_first_appearance() -> None:
    result = renumber("A [3]. B [1][3]. C [3].", PASSAGES)

    assert result is not None
    text, sources = result
    assert text == "A [1]. B [2][1]. C [1]."
    assert [source.page for source in sources] == [19, 4]
    assert sources == (
        source_of(PASSAGES[2]),
        source_of(PASSAGES[0]),
    )


@pytest.mark.parametrize(
    "text",
    [
        "Réponse inventée [4].",  # one past the passages given
        "Réponse [1] et inventée [9].",  # one valid, one invented: all rejected
        "Réponse [0].",
        "Réponse sans citation.",
        "Réponse [a] [] [ 1 ].",  # not citation markers
        "",
    ],
)
def test_invented_or_missing_citations_are_rejected(text: str) -> None:
    assert renumber(text, PASSAGES) is None


def test_nothing_can_be_cited_without_passages() -> None:
    assert renumber("Réponse [1].", []) is None


def test_a_source_without_page_is_labelled_by_its_title() -> None:
    result = renumber("Note [1].", [numbered(7, page=None)])

    assert result is not None
    assert result[1][0].page is None
    assert result[1][0].label() == "Rapport d'activités 2023"
    assert source_of(PASSAGES[1]).label() == "Rapport d'activités 2023, p. 15"
