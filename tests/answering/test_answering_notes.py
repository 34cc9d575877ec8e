"""Meeting notes dropped in knowledge/notes/ become answerable, cited by their title."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from answering_helpers import KNOWLEDGE, answering_settings

from bot.app import Services

REPO = KNOWLEDGE.parent
EXAMPLE_NOTE = REPO / "docs" / "examples" / "notes" / "2026-10-15-groupe-pays-madagascar.md"


MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


def test_a_meeting_note_answers_what_a_group_decided(tmp_path: Path, built_index: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    shutil.copy(EXAMPLE_NOTE, knowledge / "notes" / EXAMPLE_NOTE.name)
    shutil.copytree(built_index, tmp_path / "state" / "index")
    settings = answering_settings(tmp_path / "state", knowledge_dir=knowledge)
    services = Services(settings, clock=lambda: MONDAY)

    report = services.reindex()  # incremental: only the note is read and embedded
    answer = services.assistant.answer("Qu'a décidé le groupe-pays Madagascar ?")

    assert report.added == [f"notes/{EXAMPLE_NOTE.name}"]
    assert answer.answered is True
    first = answer.sources[0]
    assert first.file == f"notes/{EXAMPLE_NOTE.name}"
    assert first.title == (
        "Compte rendu (exemple) — Réunion du groupe-pays Madagascar du 15 octobre 2026"
    )
    assert first.page is None
    quote = answer.text.splitlines()[0].removesuffix(" [1]")
    assert quote in first.excerpt  # the answer is the note's own words
