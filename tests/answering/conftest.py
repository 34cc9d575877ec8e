"""Answering fixtures: the session's corpus index, opened once, behind real services.

The retriever (E5 model, vectors, BM25) is read-only, so one instance serves every
test; each test gets its own state dir, hence its own SQLite conversations.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from answering_helpers import (
    KNOWLEDGE,
    MONDAY_9AM,
    REPORT_PDF,
    AnsweringServices,
    answering_services,
    answering_settings,
)
from pypdf import PdfReader

from bot.answering.calibration import load_calibration
from bot.retrieval.aliases import AliasTable
from bot.retrieval.retriever import Retriever


@pytest.fixture(scope="session")
def corpus_retriever(built_index: Path) -> Retriever:
    """The shipped corpus, searchable (opened once per session)."""
    weights = load_calibration().retrieval_weights
    return Retriever.open(built_index, AliasTable.load(KNOWLEDGE / "aliases.yaml"), weights=weights)


@pytest.fixture
def make_services(tmp_path: Path, corpus_retriever: Retriever) -> Callable[..., AnsweringServices]:
    """Fresh services (own SQLite file) over the corpus, at a clock the test sets."""

    def make(clock: datetime = MONDAY_9AM, **overrides: Any) -> AnsweringServices:
        settings = answering_settings(tmp_path / "state", **overrides)
        return answering_services(settings, clock, corpus_retriever)

    return make


@pytest.fixture
def services(make_services: Callable[..., AnsweringServices]) -> AnsweringServices:
    return make_services()


@pytest.fixture
def state_with_index(tmp_path: Path, built_index: Path) -> Path:
    """A state dir holding a copy of the corpus index (for subprocesses)."""
    state = tmp_path / "state"
    shutil.copytree(built_index, state / "index")
    return state


@pytest.fixture(scope="session")
def report_pages() -> dict[int, str]:
    """The activity report's text by 1-based page number, straight from pypdf."""
    reader = PdfReader(REPORT_PDF)
    return {number: page.extract_text() or "" for number, page in enumerate(reader.pages, 1)}
