"""Shared fixtures: a knowledge folder with the shipped groups file, settings on tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from meetings_helpers import REPO

from bot.settings import Settings


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    """A knowledge folder with the shipped groups.yaml and no calendar yet."""
    root = tmp_path / "knowledge"
    (root / "meetings").mkdir(parents=True)
    (root / "notes").mkdir()
    shutil.copy(REPO / "knowledge" / "meetings" / "groups.yaml", root / "meetings")
    return root


@pytest.fixture
def settings(knowledge: Path, tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        knowledge_dir=knowledge,
        state_dir=tmp_path / "state",
        calendar_urls=[],
        reminder_leads_minutes=[1440, 60],
    )
