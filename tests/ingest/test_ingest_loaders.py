"""Loaders on real files: good PDFs keep pages and headings, bad ones say why."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pdfs import (
    Page,
    aes_protected_pdf,
    empty_file,
    encrypted_pdf,
    image_only_pdf,
    random_bytes_pdf,
    sample_pdf,
    text_pdf,
    truncated_pdf,
    zero_page_pdf,
)
from pypdf import PdfReader

from bot.ingest.documents import DocumentError, PageText, SourceDocument
from bot.ingest.loaders import load_note, load_pdf

BAD_PDFS: list[tuple[Callable[[Path], Path], str]] = [
    (encrypted_pdf, "the PDF is encrypted (password-protected)"),
    (zero_page_pdf, "the PDF has no pages"),
    (image_only_pdf, "the PDF has no extractable text (scanned or image-only?)"),
    (truncated_pdf, "the PDF is corrupt or unreadable"),
    (random_bytes_pdf, "the PDF is corrupt or unreadable"),
    (empty_file, "the PDF is corrupt or unreadable (Cannot read an empty file)"),
]


@pytest.mark.parametrize(("make", "reason"), BAD_PDFS, ids=[make.__name__ for make, _ in BAD_PDFS])
def test_each_bad_pdf_kind_raises_a_document_error_naming_the_problem(
    tmp_path: Path, make: Callable[[Path], Path], reason: str
) -> None:
    path = make(tmp_path / "bad.pdf")

    with pytest.raises(DocumentError) as caught:
        load_pdf(path, "publications/bad.pdf")

    assert str(caught.value).startswith(reason)


def test_an_aes_protected_pdf_that_opens_without_password_is_read(tmp_path: Path) -> None:
    path = aes_protected_pdf(tmp_path / "protected.pdf")
    assert PdfReader(path).is_encrypted

    document = load_pdf(path, "publications/protected.pdf")

    assert [page.number for page in document.pages] == [1, 2, 3]
    assert "Oudin-Santini" in document.pages[1].text


def test_a_text_pdf_keeps_page_numbers_and_marks_bold_lines_as_headings(tmp_path: Path) -> None:
    path = sample_pdf(tmp_path / "rapport.pdf", title="Cités Unies France — Rapport 2023")

    document = load_pdf(path, "publications/rapport.pdf")

    assert document == SourceDocument(
        path="publications/rapport.pdf",
        title="Rapport 2023",
        kind="publication",
        pages=(
            PageText(
                1,
                "## Groupe pays Mali\n"
                "Le groupe pays Mali réunit les collectivités françaises engagées au Mali.\n"
                "Il est présidé par la ville de Montreuil depuis 2021.",
            ),
            PageText(
                2,
                "## Eau et assainissement\n"
                "La loi Oudin-Santini permet de consacrer un pour cent du budget de l'eau\n"
                "à des actions de solidarité internationale dans ce secteur.",
            ),
            PageText(
                3,
                "## Jeunesse et volontariat\n"
                "Le programme JSI finance les chantiers de jeunes volontaires à l'étranger.\n"
                "Les dossiers sont instruits deux fois par an par le comité de sélection.",
            ),
        ),
    )


def test_large_type_is_a_heading_and_body_text_is_not(tmp_path: Path) -> None:
    page = Page(
        heading="Coopération décentralisée",
        large=True,
        lines=("Un texte courant en corps onze.", "Une seconde ligne de texte courant."),
    )
    path = text_pdf(tmp_path / "guide.pdf", [page])

    document = load_pdf(path, "publications/guide.pdf")

    assert document.pages == (
        PageText(
            1,
            "## Coopération décentralisée\n"
            "Un texte courant en corps onze.\n"
            "Une seconde ligne de texte courant.",
        ),
    )


def test_a_pdf_without_a_real_title_is_named_after_its_file(tmp_path: Path) -> None:
    # reportlab, like many tools, writes "untitled" when nobody set a title.
    path = sample_pdf(tmp_path / "guide_des-jumelages.pdf")

    document = load_pdf(path, "publications/guide_des-jumelages.pdf")

    assert document.title == "Guide des jumelages"


def test_a_blank_page_between_text_pages_keeps_the_numbering(tmp_path: Path) -> None:
    pages = [Page(lines=("Première page.",)), Page(lines=()), Page(lines=("Troisième page.",))]
    path = text_pdf(tmp_path / "trou.pdf", pages)

    document = load_pdf(path, "publications/trou.pdf")

    assert document.pages == (
        PageText(1, "Première page."),
        PageText(2, ""),
        PageText(3, "Troisième page."),
    )


def test_a_note_with_front_matter_takes_its_title_date_and_group(tmp_path: Path) -> None:
    path = tmp_path / "reunion.md"
    path.write_text(
        "---\ntitle: Réunion du groupe Mali\ndate: 2024-03-12\ngroup: mali\n---\n"
        "# Ordre du jour\nPoint sur les projets d'eau à Kayes.\n",
        encoding="utf-8",
    )

    document = load_note(path, "notes/reunion.md")

    assert document == SourceDocument(
        path="notes/reunion.md",
        title="Réunion du groupe Mali",
        kind="note",
        pages=(PageText(None, "## Ordre du jour\nPoint sur les projets d'eau à Kayes."),),
        metadata={"date": "2024-03-12", "group": "mali"},
    )


def test_a_note_without_front_matter_is_titled_by_its_first_heading(tmp_path: Path) -> None:
    path = tmp_path / "compte-rendu.md"
    path.write_text("Préambule.\n\n## Bureau du 4 avril\nLe bureau s'est réuni.\n", "utf-8")

    document = load_note(path, "notes/compte-rendu.md")

    assert document.title == "Bureau du 4 avril"
    assert document.metadata == {}
    assert document.pages == (
        PageText(None, "Préambule.\n\n## Bureau du 4 avril\nLe bureau s'est réuni."),
    )


def test_a_text_note_without_heading_is_titled_by_its_file_name(tmp_path: Path) -> None:
    path = tmp_path / "notes_assemblee-generale.txt"
    path.write_text("L'assemblée générale a lieu en juin.\n", encoding="utf-8")

    document = load_note(path, "notes/notes_assemblee-generale.txt")

    assert document.title == "Notes assemblee generale"
    assert document.pages == (PageText(None, "L'assemblée générale a lieu en juin."),)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("---\ntitle: [non fermé\n---\nTexte.\n", "front matter is not valid YAML"),
        ("---\n- une\n- liste\n---\nTexte.\n", "front matter must be a mapping"),
        ("---\ntitle: Sans fin\nTexte.\n", "front matter opened with '---' is never closed"),
        ("---\ntitle: Vide\n---\n\n   \n", "the note is empty"),
    ],
    ids=["invalid-yaml", "not-a-mapping", "never-closed", "empty-body"],
)
def test_an_invalid_note_raises_a_document_error(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "note.md"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(DocumentError) as caught:
        load_note(path, "notes/note.md")

    assert str(caught.value).startswith(reason)


def test_a_note_that_is_not_utf8_raises_a_document_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Réunion à Montréal".encode("latin-1"))

    with pytest.raises(DocumentError, match="^the note is not UTF-8 text$"):
        load_note(path, "notes/latin1.txt")
