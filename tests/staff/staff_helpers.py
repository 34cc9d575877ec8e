"""Helpers shared by the staff-side tests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.app import Services
from bot.settings import Settings

MONDAY = datetime(2025, 3, 10, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


class FixedClockServices(Services):
    """The real services at a time the test sets."""

    def __init__(self, settings: Settings, clock: datetime) -> None:
        super().__init__(settings)
        self.clock = clock

    def now(self) -> datetime:
        return self.clock
