from __future__ import annotations

from pathlib import Path

import pytest
from funding_fixtures import SHIPPED, good_fiche, write_fiche

from bot.ingest.documents import DocumentError
from bot.ingest.fiches import load_fiche_document


def test_fiche_becomes_one_unnumbered_page_of_french_text() -> None:
    document = load_fiche_document(
        SHIPPED / "un_pourcent_dechets.yaml", "funding/un_pourcent_dechets.yaml"
    )
    assert document.path == "funding/un_pourcent_dechets.yaml"
    assert document.kind == "funding"
    assert document.title == "1 % déchets (collecte et traitement des déchets ménagers)"
    assert len(document.pages) == 1 and document.pages[0].number is None
    text = document.pages[0].text
    assert "Loi n° 2014-773 du 7 juillet 2014" in text
    assert "aujourd'hui L1115-2" in text
    assert "• AMORCE — principal accompagnateur" in text
    assert document.metadata == {
        "fiche_id": "un_pourcent_dechets",
        "last_verified": "2026-11-22",
        "url": "https://amorce.asso.fr/",
    }


def test_invalid_fiche_raises_document_error_naming_file_and_field(tmp_path: Path) -> None:
    path = write_fiche(tmp_path, good_fiche(amounts=[{"text": "50 %", "year": "l'an dernier"}]))
    with pytest.raises(DocumentError, match=r"test_scheme\.yaml: field 'amounts\[0\]\.year'"):
        load_fiche_document(path, "funding/test_scheme.yaml")
