"""Chunker: passages stay on their page, carry their section and have stable ids."""

from __future__ import annotations

import dataclasses

import pytest

from bot.ingest.chunker import MAX_CHARS, Chunk, _unique, chunk_document, chunk_id
from bot.ingest.documents import PageText, SourceDocument

LONG_SECTION = " ".join(
    f"La phrase numéro {number} parle du jumelage entre Lyon et Beyrouth depuis longtemps."
    for number in range(1, 12)
)


def two_page_document(first_page: str = "Courte intro. " + LONG_SECTION) -> SourceDocument:
    return SourceDocument(
        path="publications/jumelages.pdf",
        title="Jumelages",
        kind="publication",
        pages=(
            PageText(1, f"## Lyon et Beyrouth\n{first_page}"),
            PageText(2, "Suite de la section sur la page deux.\n## Budget\nTexte du budget."),
        ),
    )


def test_chunks_never_cross_pages_and_carry_their_section_heading() -> None:
    chunks = chunk_document(two_page_document())

    assert [(chunk.page, chunk.section, chunk.position) for chunk in chunks] == [
        (1, "Lyon et Beyrouth", 0),
        (1, "Lyon et Beyrouth", 1),
        (1, "Lyon et Beyrouth", 2),
        (2, "Lyon et Beyrouth", 3),  # text before page 2's first heading continues the section
    ]
    assert chunks[0].text.startswith("Lyon et Beyrouth — Courte intro. La phrase numéro 1 ")
    assert chunks[2].text.endswith(
        "La phrase numéro 11 parle du jumelage entre Lyon et Beyrouth depuis longtemps."
    )
    assert chunks[3].text == "Suite de la section sur la page deux. Budget — Texte du budget."
    assert all("page deux" not in chunk.text for chunk in chunks if chunk.page == 1)
    assert all("numéro" not in chunk.text for chunk in chunks if chunk.page == 2)
    assert all(len(chunk.text) <= MAX_CHARS + len("Lyon et Beyrouth — ") for chunk in chunks)


def test_chunks_carry_the_document_title_kind_and_path() -> None:
    chunk = chunk_document(two_page_document())[0]

    assert (chunk.path, chunk.title, chunk.kind) == (
        "publications/jumelages.pdf",
        "Jumelages",
        "publication",
    )
    assert chunk.indexed_text == f"Jumelages — Lyon et Beyrouth\n{chunk.text}"
    assert chunk.metadata() == {
        "path": "publications/jumelages.pdf",
        "title": "Jumelages",
        "kind": "publication",
        "page": 1,
        "section": "Lyon et Beyrouth",
        "position": 0,
    }


def test_a_note_without_pages_gets_page_none_and_metadata_page_zero() -> None:
    note = SourceDocument(
        path="notes/bureau.md",
        title="Bureau",
        kind="note",
        pages=(PageText(None, "## Décisions\nLe bureau adopte le budget 2024."),),
    )

    (chunk,) = chunk_document(note)

    assert (chunk.page, chunk.section, chunk.text) == (
        None,
        "Décisions",
        "Décisions — Le bureau adopte le budget 2024.",
    )
    assert chunk.metadata()["page"] == 0


def test_ids_are_the_same_on_every_run_and_hash_path_page_and_text() -> None:
    first = chunk_document(two_page_document())
    second = chunk_document(two_page_document())

    assert [chunk.id for chunk in first] == [chunk.id for chunk in second]
    assert [chunk.id for chunk in first] == [
        chunk_id(chunk.path, chunk.page, chunk.text) for chunk in first
    ]
    assert len({chunk.id for chunk in first}) == len(first)
    assert chunk_id("a.pdf", 1, "x") == chunk_id("a.pdf", 1, "x")
    assert (
        len(
            {
                chunk_id("a.pdf", 1, "x"),
                chunk_id("b.pdf", 1, "x"),
                chunk_id("a.pdf", 2, "x"),
                chunk_id("a.pdf", 1, "y"),
            }
        )
        == 4
    )


def test_changing_text_changes_only_the_ids_of_the_passages_that_changed() -> None:
    before = chunk_document(two_page_document())
    edited = LONG_SECTION.replace("numéro 11", "numéro onze")
    after = chunk_document(two_page_document("Courte intro. " + edited))

    assert [
        chunk.id == edited_chunk.id for chunk, edited_chunk in zip(before, after, strict=True)
    ] == [True, True, False, True]
    assert "numéro onze" in after[2].text


def test_a_passage_repeated_on_one_page_is_kept_once_but_on_two_pages_twice() -> None:
    sentence = (
        "Le contact du groupe est " + "le secrétariat de Cités Unies France, " * 11 + "à Paris."
    )
    document = SourceDocument(
        path="notes/contact.pdf",
        title="Contact",
        kind="note",
        pages=(PageText(1, f"{sentence} {sentence}"), PageText(2, sentence)),
    )

    chunks = chunk_document(document)

    assert [(chunk.page, chunk.text, chunk.position) for chunk in chunks] == [
        (1, sentence, 0),
        (2, sentence, 2),  # position 1 was page 1's repeat, dropped
    ]
    assert chunks[0].id != chunks[1].id


def test_unique_drops_repeated_ids_and_empty_passages_keeping_the_first() -> None:
    def chunk(text: str, position: int) -> Chunk:
        return Chunk(chunk_id("n.md", None, text), "n.md", "N", "note", None, "", text, position)

    first, again, other, empty = chunk("Un.", 0), chunk("Un.", 1), chunk("Deux.", 2), chunk("", 3)

    assert _unique([first, again, other, empty, dataclasses.replace(other, position=4)]) == [
        first,
        other,
    ]


def test_a_sentence_longer_than_the_maximum_is_cut_between_words() -> None:
    words = " ".join(f"mot{number}" for number in range(400))  # one "sentence" of 2,689 characters
    document = SourceDocument("notes/long.txt", "Long", "note", (PageText(None, words),))

    chunks = chunk_document(document)

    assert len(chunks) > 1
    assert all(len(chunk.text) <= MAX_CHARS for chunk in chunks)
    assert " ".join(chunk.text for chunk in chunks) == words  # nothing lost, nothing repeated


LIST_PAGE = (
    "## Suivi et gestion :\n"
    "- fonds de solidarité Turquie 79 collectivités françaises - fonds de solidarité\n"
    "Maroc 73 collectivités françaises\n"
    "## Montants et taux\n"
    "• Appel 2020 : au moins 30 % du plan de financement • Bilan : 63 projets financés.\n"
    "Une phrase – avec un tiret - dans le texte. Et une autre."
)
LIST_SENTENCES = [
    "Suivi et gestion : — - fonds de solidarité Turquie 79 collectivités françaises",
    "- fonds de solidarité Maroc 73 collectivités françaises",
    "Montants et taux — • Appel 2020 : au moins 30 % du plan de financement",
    "• Bilan : 63 projets financés.",
    "Une phrase – avec un tiret - dans le texte.",
    "Et une autre.",
]
# A directory's entry ends with its e-mail address.
DIRECTORY_PAGE = (
    "## Pôle Ressources\n"
    "Thi Tho Plattier, Service Adhésion + 33 (0)1 53 41 81 89\n"
    "t.plattier@cites-unies-france.org\n"
    "Elisabeth Seyoum, Assistante logistique de la Direction + 33 (0)1 53 41 81 81\n"
    "e.seyoum@cites-unies-france.org Frédérique Proust, Cheffe de service Finance\n"
    "compta@cites-unies-france.org. Écrire à coop-dec@cites-unies-france.org pour le reste."
)
DIRECTORY_SENTENCES = [
    "Pôle Ressources — Thi Tho Plattier, Service Adhésion + 33 (0)1 53 41 81 89 "
    "t.plattier@cites-unies-france.org",
    "Elisabeth Seyoum, Assistante logistique de la Direction + 33 (0)1 53 41 81 81 "
    "e.seyoum@cites-unies-france.org",
    "Frédérique Proust, Cheffe de service Finance compta@cites-unies-france.org.",
    "Écrire à coop-dec@cites-unies-france.org pour le reste.",
]


@pytest.mark.parametrize(
    ("page", "expected"),
    [(LIST_PAGE, LIST_SENTENCES), (DIRECTORY_PAGE, DIRECTORY_SENTENCES)],
    ids=["list items", "directory entries"],
)
def test_each_item_a_member_asks_about_is_a_sentence_of_its_own(
    page: str, expected: list[str]
) -> None:
    """A member asks about one row of a list or one person of a directory, so each can
    be quoted alone."""
    document = SourceDocument(path="n.md", title="Note", kind="note", pages=(PageText(1, page),))

    sentences = [sentence for chunk in chunk_document(document) for sentence in chunk.sentences]

    assert sentences == expected
    for chunk in chunk_document(document):
        assert " ".join(chunk.sentences) == chunk.text  # the sentences make up the passage


def test_a_heading_at_the_end_of_a_passage_opens_the_next_one() -> None:
    body = " ".join(f"Phrase numéro {number} du premier paragraphe." for number in range(12))
    page = f"{body}\n## Titre suivant\nLe texte de la partie suivante."
    document = SourceDocument(path="n.md", title="Note", kind="note", pages=(PageText(1, page),))

    chunks = chunk_document(document)

    assert not any(chunk.text.endswith("Titre suivant") for chunk in chunks)
    assert chunks[-1].sentences[-1] == "Titre suivant — Le texte de la partie suivante."


def test_a_table_keeps_each_row_whole_even_when_it_wraps() -> None:
    """Rows open with the same label; a row wrapping onto the next line stays one sentence."""
    page = (
        "Le réseau : présidentes et présidents des groupes-pays\n"
        "Groupe-pays Niger Stéphane Valli Président, Communauté de communes\n"
        "Faucigny-Glières, Maire de Bonneville\n"
        "Groupe-pays Mali Halima Menhoudj Adjointe au Maire, Montreuil\n"
        "Groupe-pays Japon Karima Zerkani-Raynal Adjointe au Maire déléguée aux Relations\n"
        "internationales, Aix-en-Provence\n"
    )
    document = SourceDocument(
        path="r.pdf", title="R", kind="publication", pages=(PageText(1, page),)
    )

    sentences = [sentence for chunk in chunk_document(document) for sentence in chunk.sentences]

    assert sentences[1:] == [
        "Groupe-pays Niger Stéphane Valli Président, Communauté de communes Faucigny-Glières, "
        "Maire de Bonneville",
        "Groupe-pays Mali Halima Menhoudj Adjointe au Maire, Montreuil",
        "Groupe-pays Japon Karima Zerkani-Raynal Adjointe au Maire déléguée aux Relations "
        "internationales, Aix-en-Provence",
    ]
