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


def test_a_place_is_matched_by_what_place_it_is_not_by_closeness(table: NameTable) -> None:
    # « Libye » is close to « Liban » in meaning and spelling; both are places, not one.
    assert table.resolve("Libye") is None and table.resolve("Libya") is None
    assert table.resolve("Lebanon") == "Liban"


def test_people_are_not_translation_targets(table: NameTable) -> None:
    assert {"Benoît", "Pilet", "Bruno", "Belin"}.isdisjoint(table.names)
    assert table.resolve("Bénin") is None  # not « Benoît »


def test_vectors_are_cached_beside_the_generation(tmp_path: Path) -> None:
    first = NameTable.build(TEXTS, E5Embeddings(), tmp_path)
    second = NameTable.build(TEXTS, _NoEmbeddings(), tmp_path)

    assert (tmp_path / "term-vectors.npz").exists()
    assert second.names == first.names and second.words == first.words


def test_a_new_generation_embeds_only_the_terms_it_adds(tmp_path: Path) -> None:
    NameTable.build(TEXTS, E5Embeddings(), tmp_path)
    counting = _CountingEmbeddings()
    grown = NameTable.build(
        [*TEXTS, " Le groupe-pays Arménie prépare les assises."], counting, tmp_path
    )

    assert "Arménie" in grown.names and "assises" in grown.words
    assert sorted(counting.embedded) == ["Arménie", "assises", "prépare"]


@pytest.mark.parametrize(
    ("word", "corpus_word"),
    [("senator", "sénateur"), ("cooperation", "coopération"), ("opened", "ouvert")],
)
def test_an_english_word_gets_the_corpus_word_it_translates(
    table: NameTable, word: str, corpus_word: str
) -> None:
    assert table.translate([word]) == {word: corpus_word}


def test_a_word_with_no_close_corpus_word_is_not_translated(table: NameTable) -> None:
    assert table.translate(["keyboard", "chaired", "séisme"]) == {}  # « séisme » is the corpus's


def test_unknown_names_are_those_whose_words_the_documents_never_use() -> None:
    assert unknown_names(["Japon", "Pérou", "West Japon"], {"japon"}) == ["Pérou"]


class _CountingEmbeddings(E5Embeddings):
    """Records what it is asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded += texts
        return super().embed_documents(texts)


class _NoEmbeddings(E5Embeddings):
    """Fails if asked to embed the corpus names again: the cache must serve them."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        raise AssertionError(f"re-embedded {len(texts)} names")
