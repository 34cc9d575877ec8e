"""The agenda: every calendar source, expanded into occurrences, with groups and notes.

Sources are ``knowledge/meetings/*.ics`` plus the ICS URLs in the settings. They
are read on first use and again on :meth:`Agenda.refresh` (which the Telegram
adapter calls every ``calendar_refresh_minutes``). A refresh builds a new
snapshot and swaps it in one assignment, so readers never see half a reload.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from bot.meetings.groups import GroupDirectory
from bot.meetings.notes import MeetingNote, load_notes
from bot.meetings.schedule import Occurrence, expand
from bot.meetings.sources import (
    CalendarError,
    LoadedCalendar,
    UrlCalendarSource,
    load_files,
    load_urls,
)
from bot.settings import Settings

logger = logging.getLogger(__name__)

GROUPS_FILE = "groups.yaml"


@dataclass(frozen=True)
class _Snapshot:
    calendars: tuple[LoadedCalendar, ...]
    notes: tuple[MeetingNote, ...]
    errors: tuple[CalendarError, ...]
    complete: bool
    notes_by_day: dict[tuple[str, str], tuple[MeetingNote, ...]] = field(default_factory=dict)


class Agenda:
    """Upcoming meetings from every calendar source, in one time zone."""

    def __init__(
        self,
        groups: GroupDirectory,
        timezone: ZoneInfo,
        *,
        calendar_dir: Path | None = None,
        files: Sequence[Path] = (),
        urls: Sequence[str] = (),
        cache_dir: Path | None = None,
        notes_dir: Path | None = None,
        transport: httpx.BaseTransport | None = None,
        fetch_timeout_seconds: float = 15.0,
    ) -> None:
        self.groups = groups
        self.timezone = timezone
        self._calendar_dir = calendar_dir
        self._files = tuple(files)
        self._url_sources = tuple(
            UrlCalendarSource(url, cache_dir or Path("state") / "calendars") for url in urls
        )
        self._notes_dir = notes_dir
        self._transport = transport
        self._fetch_timeout = fetch_timeout_seconds
        self._snapshot: _Snapshot | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(
        cls, settings: Settings, transport: httpx.BaseTransport | None = None
    ) -> Agenda:
        """The agenda of ``knowledge/meetings/*.ics`` and ``settings.calendar_urls``."""
        meetings_dir = settings.knowledge_dir / "meetings"
        return cls(
            GroupDirectory.load(meetings_dir / GROUPS_FILE),
            ZoneInfo(settings.timezone),
            calendar_dir=meetings_dir,
            urls=settings.calendar_urls,
            cache_dir=settings.state_dir / "calendars",
            notes_dir=settings.knowledge_dir / "notes",
            transport=transport,
        )

    @classmethod
    def from_files(cls, files: Sequence[Path], settings: Settings) -> Agenda:
        """An agenda of exactly these ``.ics`` files (``--calendar``), with the usual groups."""
        meetings_dir = settings.knowledge_dir / "meetings"
        return cls(
            GroupDirectory.load(meetings_dir / GROUPS_FILE),
            ZoneInfo(settings.timezone),
            files=files,
            notes_dir=settings.knowledge_dir / "notes",
        )

    # --- loading -------------------------------------------------------------------

    def refresh(self) -> list[CalendarError]:
        """Re-read files and re-fetch URLs; return (and log) what could not be used."""
        paths = list(self._files)
        if self._calendar_dir is not None and self._calendar_dir.is_dir():
            paths.extend(sorted(self._calendar_dir.glob("*.ics")))
        calendars, errors = load_files(paths)
        files_complete = len(calendars) == len(paths)
        url_calendars, url_errors, urls_complete = load_urls(
            self._url_sources, self._transport, self._fetch_timeout
        )
        calendars.extend(url_calendars)
        errors.extend(url_errors)
        notes: list[MeetingNote] = []
        if self._notes_dir is not None:
            notes, note_errors = load_notes(self._notes_dir, self.groups)
            errors.extend(note_errors)
        notes_by_day: dict[tuple[str, str], list[MeetingNote]] = {}
        for note in notes:
            notes_by_day.setdefault((note.group, note.date.isoformat()), []).append(note)
        self._snapshot = _Snapshot(
            calendars=tuple(calendars),
            notes=tuple(notes),
            errors=tuple(errors),
            complete=files_complete and urls_complete,
            notes_by_day={key: tuple(value) for key, value in notes_by_day.items()},
        )
        logger.info("agenda loaded: %d calendars, %d problems", len(calendars), len(errors))
        return list(errors)

    def _current(self) -> _Snapshot:
        snapshot = self._snapshot
        if snapshot is None:
            with self._lock:
                if self._snapshot is None:
                    self.refresh()
                snapshot = self._snapshot
        assert snapshot is not None
        return snapshot

    @property
    def errors(self) -> list[CalendarError]:
        """Problems met by the last load: each names the file (or URL) and the reason."""
        return list(self._current().errors)

    @property
    def complete(self) -> bool:
        """True when every source gave a calendar (so a missing meeting was really removed)."""
        return self._current().complete

    # --- queries ---------------------------------------------------------------------

    def occurrences(
        self, start: datetime, end: datetime, *, include_cancelled: bool = False
    ) -> list[Occurrence]:
        """Occurrences overlapping ``[start, end)``, sorted by start."""
        found, _errors = expand(self._current().calendars, start, end, self.timezone, self.groups)
        return [item for item in found if include_cancelled or not item.cancelled]

    def upcoming(self, now: datetime, days: int = 30, group: str | None = None) -> list[Occurrence]:
        """Meetings not yet over that start within ``days`` days, optionally of one group id."""
        found = self.occurrences(now, now + timedelta(days=days))
        return [
            item
            for item in found
            if (item.end > now or item.start >= now)
            and item.start < now + timedelta(days=days)
            and (group is None or group in item.groups)
        ]

    def next_for(
        self, now: datetime, group: str | None = None, horizon_days: int = 400
    ) -> Occurrence | None:
        """The next meeting (of a group) that has not started yet, within the horizon."""
        for item in self.occurrences(now, now + timedelta(days=horizon_days)):
            if item.start >= now and (group is None or group in item.groups):
                return item
        return None

    def find(
        self, keys: Iterable[tuple[str, str]], now: datetime, horizon_days: int = 800
    ) -> dict[tuple[str, str], Occurrence]:
        """The current version of these occurrences (cancelled ones included) if still listed."""
        wanted = set(keys)
        if not wanted:
            return {}
        found = self.occurrences(
            now - timedelta(days=31), now + timedelta(days=horizon_days), include_cancelled=True
        )
        return {item.key: item for item in found if item.key in wanted}

    def notes_for(self, occurrence: Occurrence) -> list[MeetingNote]:
        """Notes written about this meeting (same group, same calendar day)."""
        notes_by_day = self._current().notes_by_day
        day = occurrence.start.date().isoformat()
        found: list[MeetingNote] = []
        for group in occurrence.groups:
            found.extend(notes_by_day.get((group, day), ()))
        return found
