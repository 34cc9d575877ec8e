"""Names across languages, matched through the real embedding model on a small corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.retrieval.embeddings import E5Embeddings
from bot.understanding.names import NameTable, unknown_names

TEXTS = [
    " Le groupe-pays Japon est présidé par Karima Zerkani-Raynal, élue d'Aix-en-Provence.",
    " Le fonds Liban a été ouvert en 2020. Le fonds Turquie a suivi le séisme.",
    " Le groupe-pays Maroc se réunit à Paris ; le groupe Brésil n'existe pas encore.",
    " La coopération avec la Tunisie et Tunis, avec le Sénégal et Dakar.",
    " Le groupe-pays Russie ne se réunit plus. Le groupe-pays Niger, présidé par Benoît Pilet.",
    " Groupe-pays Mali Bruno Belin Sénateur de la Vienne, avec Bruno Belin, sénateur.",
]


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> NameTable:
    return NameTable.build(TEXTS, E5Embeddings(), tmp_path_factory.mktemp("generation"))


def test_corpus_names_are_capitalised_words_never_written_in_lower_case(table: NameTable) -> None:
    assert {"Japon", "Liban", "Turquie", "Maroc", "Tunisie", "Sénégal"} <= set(table.names)
    assert "Le" not in table.names and "La" not in table.names


@pytest.mark.parametrize(
    ("name", "corpus_form"),
    [
        ("Japan", "Japon"),
        ("Lebanon", "Liban"),
        ("Morocco", "Maroc"),
        ("Senegal", "Sénégal"),
        ("Russia", "Russie"),  # close in meaning to « Ukraine » too, but spelt like Russie
    ],
)
def test_a_name_in_another_language_is_matched(
    table: NameTable, name: str, corpus_form: str
) -> None:
    assert table.resolve(name) == corpus_form


@pytest.mark.parametrize("name", ["Pérou", "Norvège", "Nigeria"])  # Nigeria is not Niger
def test_a_place_the_documents_never_name_stays_unknown(table: NameTable, name: str) -> None:
    assert table.resolve(name) is None


def test_people_are_not_translation_targets(table: NameTable) -> None:
    assert {"Benoît", "Pilet", "Bruno", "Belin"}.isdisjoint(table.names)
    assert table.resolve("Bénin") is None  # not « Benoît »


def test_vectors_are_cached_beside_the_generation(tmp_path: Path) -> None:
    first = NameTable.build(TEXTS, E5Embeddings(), tmp_path)
    second = NameTable.build(TEXTS, _NoEmbeddings(), tmp_path)

    assert (tmp_path / "names.npz").exists()
    assert second.names == first.names


def test_unknown_names_are_those_whose_words_the_documents_never_use() -> None:
    assert unknown_names(["Japon", "Pérou", "West Japon"], {"japon"}) == ["Pérou"]


class _NoEmbeddings(E5Embeddings):
    """Fails if asked to embed the corpus names again: the cache must serve them."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        raise AssertionError(f"re-embedded {len(texts)} names")
