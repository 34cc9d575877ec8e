"""The agenda: every calendar source, expanded into occurrences, with groups and notes.

Sources are ``knowledge/meetings/*.ics`` plus the ICS URLs in the settings. They
are read on first use and again on :meth:`Agenda.refresh` (which the Telegram
adapter calls every ``calendar_refresh_minutes``). A refresh builds a new
snapshot and swaps it in one assignment, so readers never see half a reload; a
refresh that fails for any reason keeps the last good snapshot.

In a long-running process (``background=True``, the bot) readers never wait on
the network: the first read loads the files and the last good copy of each URL,
and the URLs are fetched by a background thread, whose result is swapped in.
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

from bot.meetings.groups import GroupDirectory, GroupsError
from bot.meetings.notes import MeetingNote, load_notes
from bot.meetings.schedule import Occurrence, expand
from bot.meetings.sources import (
    CalendarError,
    Limits,
    LoadedCalendar,
    UrlCalendarSource,
    load_files,
    load_urls,
)

logger = logging.getLogger(__name__)

GROUPS_FILE = "groups.yaml"


@dataclass(frozen=True)
class _Snapshot:
    calendars: tuple[LoadedCalendar, ...]
    notes: tuple[MeetingNote, ...]
    errors: tuple[CalendarError, ...]
    complete: bool
    notes_by_day: dict[tuple[str, str], tuple[MeetingNote, ...]] = field(default_factory=dict)

    @property
    def complete_sources(self) -> frozenset[str]:
        """Names of the calendars read without any problem (removals there are real)."""
        return frozenset(loaded.name for loaded in self.calendars if loaded.complete)


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
        limits: Limits | None = None,
        background: bool = False,
    ) -> None:
        self.groups = groups
        self.timezone = timezone
        self._calendar_dir = calendar_dir
        self._files = tuple(files)
        self._limits = limits or Limits()
        self._url_sources = tuple(
            UrlCalendarSource(url, cache_dir or Path("state") / "calendars", self._limits)
            for url in urls
        )
        self._notes_dir = notes_dir
        self._transport = transport
        self._fetch_timeout = fetch_timeout_seconds
        self._snapshot: _Snapshot | None = None
        self._loads = 0  # snapshots swapped in so far (see :attr:`generation`)
        self._lock = threading.Lock()
        self._refreshing = threading.Lock()
        self.background = background
        self._fetcher: threading.Thread | None = None

    @classmethod
    def from_knowledge(
        cls,
        knowledge_dir: Path,
        timezone: ZoneInfo,
        *,
        files: Sequence[Path] = (),
        urls: Sequence[str] = (),
        cache_dir: Path | None = None,
        limits: Limits | None = None,
        transport: httpx.BaseTransport | None = None,
        background: bool = False,
    ) -> Agenda:
        """The agenda of ``knowledge/meetings/*.ics`` (or of exactly ``files``) and ``urls``,
        with the groups of ``knowledge/meetings`` and the notes of ``knowledge/notes``."""
        meetings_dir = knowledge_dir / "meetings"
        return cls(
            _load_groups(meetings_dir / GROUPS_FILE),
            timezone,
            calendar_dir=None if files else meetings_dir,
            files=files,
            urls=urls,
            cache_dir=cache_dir,
            notes_dir=knowledge_dir / "notes",
            transport=transport,
            limits=limits,
            background=background,
        )

    # --- loading -------------------------------------------------------------------

    def refresh(self) -> list[CalendarError]:
        """Re-read files and re-fetch URLs; return (and log) what could not be used.

        One refresh at a time: a call made while another runs returns at once with
        the problems of the current snapshot. Any failure keeps the last good snapshot.
        """
        if not self._refreshing.acquire(blocking=False):
            snapshot = self._snapshot
            return list(snapshot.errors) if snapshot is not None else []
        try:
            self._load(fetch=True)
        except Exception as error:  # never lose the last good state to a bad input
            logger.exception("agenda refresh failed; keeping the last good state")
            snapshot = self._snapshot
            failure = CalendarError("agenda", f"refresh failed ({type(error).__name__})")
            return [*(snapshot.errors if snapshot is not None else ()), failure]
        finally:
            self._refreshing.release()
        assert self._snapshot is not None
        return list(self._snapshot.errors)

    def _load(self, fetch: bool) -> None:
        """Build a new snapshot and swap it in (``fetch=False``: URLs from their last copy)."""
        paths = list(self._files)
        if self._calendar_dir is not None and self._calendar_dir.is_dir():
            paths.extend(sorted(self._calendar_dir.glob("*.ics")))
        calendars, errors = load_files(paths, self._limits)
        files_complete = len(calendars) == len(paths)
        if fetch:
            url_calendars, url_errors, urls_complete = load_urls(
                self._url_sources, self._transport, self._fetch_timeout
            )
        else:
            url_calendars, url_errors, urls_complete = self._cached_urls()
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
        self._loads += 1  # after the swap: a planner never caches old calendars as new
        logger.info("agenda loaded: %d calendars, %d problems", len(calendars), len(errors))

    def _cached_urls(self) -> tuple[list[LoadedCalendar], list[CalendarError], bool]:
        calendars: list[LoadedCalendar] = []
        errors: list[CalendarError] = []
        for source in self._url_sources:
            loaded, problems = source.load_cached()
            errors.extend(problems)
            if loaded is not None:
                calendars.append(loaded)
        return calendars, errors, len(calendars) == len(self._url_sources)

    def _current(self) -> _Snapshot:
        snapshot = self._snapshot
        if snapshot is None:
            with self._lock:
                if self._snapshot is None:
                    if self.background and self._url_sources:
                        self._load(fetch=False)  # files and last good copies only
                        self._fetch_in_background()
                    else:
                        self.refresh()
                    if self._snapshot is None:  # the very first load failed
                        self._snapshot = _Snapshot((), (), (), False)
                snapshot = self._snapshot
        assert snapshot is not None
        return snapshot

    def _fetch_in_background(self) -> None:
        """Fetch the URLs in a daemon thread; the result replaces the snapshot when ready."""
        self._fetcher = threading.Thread(target=self.refresh, name="calendar-fetch", daemon=True)
        self._fetcher.start()

    @property
    def fetching(self) -> bool:
        """True while the background fetch started by the first read is running."""
        return self._fetcher is not None and self._fetcher.is_alive()

    def wait_for_fetch(self, timeout: float | None = None) -> None:
        """Wait for the background fetch started by the first read (tests, shutdown)."""
        if self._fetcher is not None:
            self._fetcher.join(timeout)

    @property
    def errors(self) -> list[CalendarError]:
        """Problems met by the last load: each names the file (or URL) and the reason."""
        return list(self._current().errors)

    @property
    def complete(self) -> bool:
        """True when every source gave a calendar (fresh, or its last good copy)."""
        return self._current().complete

    @property
    def loaded_sources(self) -> tuple[str, ...]:
        """Names of the calendars the last load could use (fully or partly)."""
        return tuple(loaded.name for loaded in self._current().calendars)

    @property
    def complete_sources(self) -> frozenset[str]:
        """Calendars read without any problem: a meeting missing from one was removed."""
        return self._current().complete_sources

    @property
    def generation(self) -> int:
        """A number that changes whenever new calendars are swapped in (a refresh)."""
        self._current()
        return self._loads

    # --- queries ---------------------------------------------------------------------

    def window(self, start: datetime, end: datetime) -> tuple[list[Occurrence], frozenset[str]]:
        """One expansion: occurrences overlapping ``[start, end)`` (cancelled ones included),
        and the calendars read and expanded completely (a meeting missing there was removed)."""
        return self._expand(start, end)

    def occurrences(
        self, start: datetime, end: datetime, *, include_cancelled: bool = False
    ) -> list[Occurrence]:
        """Occurrences overlapping ``[start, end)``, sorted by start."""
        found, _complete = self._expand(start, end)
        return [item for item in found if include_cancelled or not item.cancelled]

    def _expand(self, start: datetime, end: datetime) -> tuple[list[Occurrence], frozenset[str]]:
        """Occurrences, and the calendars that were read *and* expanded without a problem."""
        snapshot = self._current()
        found, errors = expand(snapshot.calendars, start, end, self.timezone, self.groups)
        return found, snapshot.complete_sources - {error.source for error in errors}

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

    def next_meetings(
        self, now: datetime, count: int = 3, horizon_days: int = 400
    ) -> list[Occurrence]:
        """The next ``count`` meetings that have not started yet, however far (within the horizon).

        What /agenda shows when its window is empty: « La prochaine réunion est le … ».
        Past editions never appear here, only occurrences starting at or after ``now``.
        """
        found = self.occurrences(now, now + timedelta(days=horizon_days))
        return [item for item in found if item.start >= now][:count]

    def find(
        self, keys: Iterable[tuple[str, str]], now: datetime, horizon_days: int = 800
    ) -> dict[tuple[str, str], Occurrence]:
        """The current version of these occurrences (cancelled ones included) if still listed."""
        return self.find_with_sources(keys, now, horizon_days)[0]

    def find_with_sources(
        self, keys: Iterable[tuple[str, str]], now: datetime, horizon_days: int = 800
    ) -> tuple[dict[tuple[str, str], Occurrence], frozenset[str]]:
        """:meth:`find`, and the calendars complete enough to say a missing one was removed."""
        wanted = set(keys)
        if not wanted:
            return {}, self.complete_sources
        found, complete = self._expand(now - timedelta(days=31), now + timedelta(days=horizon_days))
        return {item.key: item for item in found if item.key in wanted}, complete

    def notes_for(self, occurrence: Occurrence) -> list[MeetingNote]:
        """Notes written about this meeting (same group, same calendar day)."""
        notes_by_day = self._current().notes_by_day
        day = occurrence.start.date().isoformat()
        found: list[MeetingNote] = []
        for group in occurrence.groups:
            found.extend(notes_by_day.get((group, day), ()))
        return found


def _load_groups(path: Path) -> GroupDirectory:
    """The groups file, or no groups (logged) when it is missing or wrong: meetings
    still list, they just cannot be followed until the file is fixed."""
    try:
        return GroupDirectory.load(path)
    except GroupsError as error:
        logger.error("no followable groups: %s", error)
        return GroupDirectory(())
