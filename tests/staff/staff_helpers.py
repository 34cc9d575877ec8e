"""Helpers shared by the staff-side tests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.app import Services

MONDAY = datetime(2025, 3, 10, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


# The real services at a time the test sets (``Services(settings, clock=…)``).
FixedClockServices = Services
