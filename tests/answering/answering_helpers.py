"""Helpers of the answering tests: paths, clock, services over the session's retriever."""

from __future__ import annotations

import re
from datetime import datetime
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


class FixedClock:
    """A clock the test sets and moves: ``services.clock.moment = …``."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


# What ``answering_services`` returns: the real services, nothing overridden.
AnsweringServices = Services


def answering_services(settings: Settings, clock: datetime, retriever: Retriever) -> Services:
    """The real services with the test's clock and the session's retriever."""
    return Services(settings, clock=FixedClock(clock), retriever=retriever)


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
