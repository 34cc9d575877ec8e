"""Fixtures shared by every test package: the real corpus, indexed once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.ingest.pipeline import run_ingest

REPO = Path(__file__).resolve().parents[1]
KNOWLEDGE = REPO / "knowledge"


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the shipped knowledge (real PDFs and fiches), built once per session.

    Tests that change an index copy it first (``shutil.copytree``).
    """
    index_dir = tmp_path_factory.mktemp("corpus") / "index"
    run_ingest(KNOWLEDGE, index_dir)
    return index_dir
