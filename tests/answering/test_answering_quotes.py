"""What a quote shows: a list announced with its items, no bullets, no bare links."""

from __future__ import annotations

from passages import passage

from bot.answering.extractive import (
    Quote,
    candidate_quotes,
    choose_quotes,
    displayed,
    with_lead,
)
from bot.index.records import Chunk
from bot.retrieval.aliases import AliasTable
from bot.retrieval.lexical import LexicalIndex
from bot.retrieval.retriever import Hit, Retriever

SENTENCES = (
    "Axes stratégiques — Pour 2023-2027, la mission de CUF se traduira en 3 axes :",
    "• AXE 1 — Conforter CUF comme tête de réseau",
    "• AXE 2 — Renforcer l'ingénierie des collectivités",
    "• AXE 3 — Valoriser l'action internationale",
    "• https://cites-unies-france.org/projet-strategique",
)
PASSAGE = passage(
    *SENTENCES,
    path="publications/projet.pdf",
    title="Projet stratégique",
    page=4,
    section="Axes stratégiques",
)
HIT = Hit(PASSAGE, score=1.0, similarity=0.9, sentence_similarities=(0.9, 0.8, 0.8, 0.8, 0.85))


def test_a_sentence_announcing_a_list_comes_with_its_items() -> None:
    announcing = Quote(HIT, SENTENCES[0], SENTENCES[0], {}, probability=0.9)

    chosen = choose_quotes([announcing], "list", 0.8)

    assert chosen[0].sentence.split("\n") == list(SENTENCES[:4])  # not the bare link
    assert displayed(chosen[0].sentence).split("\n")[1:3] == [
        "AXE 1 — Conforter CUF comme tête de réseau",
        "AXE 2 — Renforcer l'ingénierie des collectivités",
    ]


def test_a_bare_link_is_never_a_quote() -> None:
    lexical = LexicalIndex([PASSAGE], AliasTable(()))

    quotes = candidate_quotes("Quels sont les axes du projet ?", "list", [], [HIT], lexical, 5)

    assert quotes and not any("https://" in quote.sentence for quote in quotes)


def test_a_table_cell_in_capitals_is_never_a_quote() -> None:
    shouted = "DE LA REUNION CONSEIL DEPARTEMENTAL DE LA VIENNE CONSEIL DEPART."
    table = passage(shouted, "Le bureau s'est réuni en mars à Paris.", path="publications/r.pdf")
    hit = Hit(table, score=1.0, similarity=0.9, sentence_similarities=(0.9, 0.8))
    lexical = LexicalIndex([table], AliasTable(()))

    quotes = candidate_quotes("Quand le bureau s'est-il réuni ?", "date", [], [hit], lexical, 5)

    assert [quote.sentence for quote in quotes] == ["Le bureau s'est réuni en mars à Paris."]


def test_a_heading_bullet_is_not_shown() -> None:
    assert (
        displayed("Montants et taux — • Appel 2020 : 30 %")
        == "Montants et taux — Appel 2020 : 30 %"
    )


def test_a_quote_continuing_the_page_before_opens_with_an_ellipsis() -> None:
    assert displayed("de mission Afrique de l'Ouest +33 1 53 41 81 85") == (
        "… de mission Afrique de l'Ouest +33 1 53 41 81 85"
    )
    assert displayed("- fonds Liban 70 collectivités") == "fonds Liban 70 collectivités"
    assert displayed("Mali — présidé par Halima Menhoudj") == "Mali — présidé par Halima Menhoudj"


def _page(page: int, position: int, *sentences: str) -> Chunk:
    return passage(*sentences, id=f"r{page}", page=page, section="Fonds", position=position)


def test_a_sentence_begun_on_the_page_before_is_quoted_whole() -> None:
    before = _page(17, 4, "Fonds Ukraine.", "22 collectivités")
    ending = "françaises donatrices, pour un montant de 380 000 euros."
    after = _page(18, 5, ending, "puis la suite.")
    quote = Quote(Hit(after, 1.0, 0.9, (0.9, 0.5)), ending, ending, {}, probability=0.9)

    assert with_lead(quote, before).sentence == f"22 collectivités {ending}"
    # Not when the page before ends its sentence, nor from another page than the one before.
    closed = _page(17, 4, "Fonds Ukraine.", "22 collectivités en tout.")
    assert with_lead(quote, closed) is quote
    assert with_lead(quote, _page(16, 4, "22 collectivités")) is quote
    # Nor for a quote that does not open the passage.
    rest = "puis la suite."
    later = Quote(Hit(after, 1.0, 0.9, (0.9, 0.5)), rest, rest, {}, probability=0.9)
    assert with_lead(later, before) is later


def test_the_passage_before_a_hit_is_the_previous_one_of_its_document(
    corpus_retriever: Retriever,
) -> None:
    hits = corpus_retriever.search("Qui préside le groupe-pays Mali ?", k=8)
    later = next(hit for hit in hits if hit.chunk.position > 0)
    before = corpus_retriever.previous_passage(later)
    assert before is not None
    assert (before.path, before.position) == (later.chunk.path, later.chunk.position - 1)
    first = next(row for row, chunk in enumerate(corpus_retriever.chunks) if chunk.position == 0)
    opening = Hit(corpus_retriever.chunks[first], 1.0, 0.9, (), row=first)
    assert corpus_retriever.previous_passage(opening) is None  # a document's first passage
    assert corpus_retriever.previous_passage(HIT) is None  # a hit of no index
