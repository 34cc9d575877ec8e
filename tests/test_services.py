"""The composition root: what tests pass in, and the answering stack swapped on reindex."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import Services
from bot.index import layout
from bot.retrieval.embeddings import E5Embeddings
from bot.settings import Settings

REPO = Path(__file__).resolve().parents[1]
NOTE = "---\ntitle: Bureau\n---\n# Décisions\nLe bureau adopte la motion {motion}.\n"
NEW_YEAR = datetime(2027, 1, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


def make_services(tmp_path: Path, **given: object) -> Services:
    knowledge = tmp_path / "knowledge"
    (knowledge / "notes").mkdir(parents=True, exist_ok=True)
    (knowledge / "meetings").mkdir(exist_ok=True)
    shutil.copy(REPO / "knowledge" / "meetings" / "groups.yaml", knowledge / "meetings")
    (knowledge / "notes" / "bureau.md").write_text(NOTE.format(motion="Tombouctou"), "utf-8")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        knowledge_dir=knowledge,
        state_dir=tmp_path / "state",
        calendar_urls=[],
        llm_base_url=None,
    )
    return Services(settings, **given)  # type: ignore[arg-type]


def test_the_clock_given_is_the_clock_of_every_service(tmp_path: Path) -> None:
    services = make_services(tmp_path, clock=lambda: NEW_YEAR)

    assert services.now() == NEW_YEAR
    assert services.agenda.upcoming(services.now(), 30) == []  # no calendar: nothing due


def test_reindex_swaps_the_whole_answering_stack(tmp_path: Path) -> None:
    services = make_services(tmp_path, embeddings=E5Embeddings())
    services.reindex()
    first = services.answering()
    assert services.answering() is first  # built once
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.retriever = first.retriever  # type: ignore[misc]

    note = services.settings.knowledge_dir / "notes" / "bureau.md"
    note.write_text(NOTE.format(motion="Ouagadougou"), encoding="utf-8")
    services.reindex()
    second = services.answering()

    assert second is not first
    assert second.retriever.generation == layout.current_generation(services.settings.index_dir)
    assert first.retriever.generation != second.retriever.generation
    assert "Tombouctou" in first.assistant.answer("Quelle motion le bureau adopte-t-il ?").text
    assert "Ouagadougou" in services.assistant.answer("Quelle motion le bureau adopte ?").text
    assert services.assistant is second.assistant and services.retriever is second.retriever
