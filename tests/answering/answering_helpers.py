"""Helpers of the answering tests: paths, clock, services over the session's retriever."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.app import Services
from bot.retrieval.retriever import Retriever
from bot.settings import Settings
from bot.text import fold

REPO = Path(__file__).resolve().parents[2]
KNOWLEDGE = REPO / "knowledge"
REPORT_PDF = KNOWLEDGE / "publications" / "cuf-rapport-activites-2023.pdf"
PARIS = ZoneInfo("Europe/Paris")
MONDAY_9AM = datetime(2025, 3, 3, 9, 0, tzinfo=PARIS)


class AnsweringServices(Services):
    """The real services with the test's clock and the session's retriever."""

    def __init__(self, settings: Settings, clock: datetime, retriever: Retriever) -> None:
        super().__init__(settings)
        self.clock = clock
        self._shared_retriever = retriever

    def now(self) -> datetime:
        return self.clock

    @cached_property
    def retriever(self) -> Retriever:  # type: ignore[override]
        return self._shared_retriever


def answering_settings(state_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "state_dir": state_dir,
        "knowledge_dir": KNOWLEDGE,
        "llm_base_url": None,
        "llm_model": None,
        "calendar_urls": [],
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def letters(text: str) -> str:
    """Only letters and digits, folded: compares text across PDF layout and headings."""
    return re.sub(r"[^a-z0-9]", "", fold(text))
