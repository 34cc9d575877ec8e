"""Ingest fixtures: a small knowledge folder of real files and an index folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_helpers import BUREAU_NOTE
from pdfs import sample_pdf


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    """A knowledge folder with one three-page publication and one note."""
    root = tmp_path / "knowledge"
    sample_pdf(root / "publications" / "guide.pdf", title="Guide des groupes pays")
    notes = root / "notes"
    notes.mkdir()
    (notes / "bureau.md").write_text(BUREAU_NOTE, encoding="utf-8")
    return root


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "state" / "index"
