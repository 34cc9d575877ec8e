"""Word and OpenDocument notes, written for real by python-docx and odfpy, then ingested."""

from __future__ import annotations

from pathlib import Path

import pytest
from office_files import write_docx, write_odt

from bot.index.layout import current_generation
from bot.index.reader import read_chunks
from bot.ingest.chunker import chunk_document
from bot.ingest.documents import DocumentError
from bot.ingest.office import load_docx, load_odt
from bot.ingest.pipeline import run_ingest


def test_docx_keeps_headings_as_sections_and_reads_title_from_properties(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "cr.docx", table_rows=[["Ville", "Projet"], ["Abomey", "Eau"]])
    document = load_docx(path, "notes/cr.docx")
    chunks = chunk_document(document)

    assert document.title == "Compte rendu du groupe-pays Bénin"
    assert document.kind == "note"
    sections = {chunk.section for chunk in chunks}
    assert {"Coopération décentralisée", "Jeunesse"} <= sections
    text = " ".join(chunk.text for chunk in chunks)
    assert "Porto-Novo" in text
    assert "Abomey | Eau" in text  # tables become « cell | cell » lines


def test_docx_first_table_gives_title_date_and_group_and_is_not_indexed(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "cr.docx",
        title=None,
        metadata_table={"Titre": "Réunion Mali", "Date": "04/02/2027", "Groupe": "Mali"},
    )
    document = load_docx(path, "notes/cr.docx")

    assert document.title == "Réunion Mali"
    assert document.metadata == {"date": "2027-02-04", "group": "Mali"}
    assert "Titre" not in document.pages[0].text


def test_odt_keeps_headings_lists_and_reads_metadata(tmp_path: Path) -> None:
    path = write_odt(
        tmp_path / "cr.odt",
        title="Compte rendu ODT",
        user_fields={"groupe": "Bénin", "date": "4 février 2027"},
    )
    document = load_odt(path, "notes/cr.odt")
    chunks = chunk_document(document)

    assert document.title == "Compte rendu ODT"
    assert document.metadata == {"group": "Bénin", "date": "2027-02-04"}
    assert {"Coopération décentralisée", "Jeunesse"} <= {chunk.section for chunk in chunks}
    assert "Cotonou" in " ".join(chunk.text for chunk in chunks)


def test_odt_first_table_is_metadata(tmp_path: Path) -> None:
    path = write_odt(tmp_path / "cr.odt", metadata_table={"Titre": "Bureau", "Date": "2027-03-01"})
    document = load_odt(path, "notes/cr.odt")

    assert document.title == "Bureau"
    assert document.metadata == {"date": "2027-03-01"}
    assert "Bureau" not in document.pages[0].text


@pytest.mark.parametrize("suffix", [".docx", ".odt"])
def test_a_file_that_is_not_an_archive_is_refused_by_name(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"faux{suffix}"
    path.write_bytes(b"%PDF-1.4 not a zip")
    loader = load_docx if suffix == ".docx" else load_odt
    with pytest.raises(DocumentError, match="not a valid"):
        loader(path, f"notes/faux{suffix}")


def test_empty_docx_is_refused(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "vide.docx", title=None, sections=())
    with pytest.raises(DocumentError, match="empty"):
        load_docx(path, "notes/vide.docx")


def test_ingest_indexes_docx_and_odt_with_their_sections(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    write_docx(knowledge / "notes" / "benin.docx")
    write_odt(knowledge / "publications" / "guide.odt", title="Guide ODT")
    (knowledge / "notes" / "cassé.docx").write_bytes(b"nope")
    index_dir = tmp_path / "index"

    report = run_ingest(knowledge, index_dir, _Fake())

    assert sorted(report.added) == ["notes/benin.docx", "publications/guide.odt"]
    assert "notes/cassé.docx" in report.skipped
    generation = current_generation(index_dir)
    assert generation is not None
    chunks = read_chunks(generation)
    by_path = {(chunk.path, chunk.section) for chunk in chunks}
    assert ("notes/benin.docx", "Jeunesse") in by_path
    assert ("publications/guide.odt", "Coopération décentralisée") in by_path
    kinds = {chunk.path: chunk.kind for chunk in chunks}
    assert kinds["publications/guide.odt"] == "publication"


class _Fake:
    """Deterministic vectors: the ingest is tested, not the model."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [_vector(text) for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return _vector(text)


def _vector(text: str) -> list[float]:
    import hashlib

    digest = hashlib.sha256(text.encode()).digest()
    values = [byte / 255.0 + 0.01 for byte in digest * 12][:384]
    norm = sum(value * value for value in values) ** 0.5
    return [value / norm for value in values]
