"""Calendar sources: ``.ics`` files on disk and ICS URLs with a last-good-copy cache.

Nothing here raises on bad input. A file that cannot be parsed, or an event that
is broken inside an otherwise good file, becomes a :class:`CalendarError` naming
the source and the reason; everything else still loads. A URL that cannot be
fetched (network error, HTTP error, not an iCalendar body) is logged and its last
good copy, kept under the state directory, is used instead.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import icalendar

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CalendarError:
    """Why (part of) a calendar source could not be used."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass(frozen=True)
class LoadedCalendar:
    """A parsed calendar and where it came from (a file name or a redacted URL)."""

    name: str
    calendar: icalendar.Calendar


def parse_calendar(data: bytes, name: str) -> tuple[LoadedCalendar | None, list[CalendarError]]:
    """Parse iCalendar bytes; drop (and report) broken events, keep the good ones."""
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except Exception as error:  # icalendar raises ValueError and friends on bad input
        return None, [CalendarError(name, f"not a valid iCalendar file ({error})")]
    if not isinstance(calendar, icalendar.Calendar) or calendar.name != "VCALENDAR":
        return None, [CalendarError(name, "no VCALENDAR found")]
    errors: list[CalendarError] = []
    kept = []
    for component in calendar.subcomponents:
        problem = _event_problem(component) if component.name == "VEVENT" else None
        if problem:
            uid = str(component.get("UID", "?"))
            errors.append(CalendarError(name, f"event {uid!r} skipped: {problem}"))
        else:
            kept.append(component)
    calendar.subcomponents = kept
    return LoadedCalendar(name, calendar), errors


def _event_problem(event: icalendar.cal.Component) -> str | None:
    if not event.get("UID"):
        return "no UID"
    if event.errors:
        return "; ".join(f"{prop}: {message}" for prop, message in event.errors)
    if event.get("DTSTART") is None:
        return "no DTSTART"
    return None


def load_files(paths: Iterable[Path]) -> tuple[list[LoadedCalendar], list[CalendarError]]:
    """Load ``.ics`` files; each unreadable or malformed file is reported by name."""
    calendars: list[LoadedCalendar] = []
    errors: list[CalendarError] = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as error:
            errors.append(CalendarError(path.name, f"cannot read the file ({error.strerror})"))
            continue
        loaded, problems = parse_calendar(data, path.name)
        errors.extend(problems)
        if loaded is not None:
            calendars.append(loaded)
    for problem in errors:
        logger.warning("calendar problem: %s", problem)
    return calendars, errors


def redact_url(url: str) -> str:
    """A loggable name for a calendar URL: host and a short hash, never the secret path."""
    parts = urlsplit(url)
    digest = hashlib.sha256(url.encode()).hexdigest()[:8]
    return f"{parts.scheme}://{parts.hostname or '?'}/…#{digest}"


def _describe(error: Exception) -> str:
    """Why a fetch failed, without the URL (it may hold a secret token)."""
    if isinstance(error, httpx.HTTPStatusError):
        return f"HTTP {error.response.status_code}"
    if isinstance(error, httpx.HTTPError):
        return type(error).__name__
    return str(error)


class UrlCalendarSource:
    """An ICS URL whose last good copy is cached on disk and used when a fetch fails."""

    def __init__(self, url: str, cache_dir: Path) -> None:
        self.url = url
        self.name = redact_url(url)
        self.cache_path = cache_dir / f"{hashlib.sha256(url.encode()).hexdigest()[:16]}.ics"

    def load(self, client: httpx.Client) -> tuple[LoadedCalendar | None, list[CalendarError], bool]:
        """Fetch (or fall back to the cache); return ``(calendar, errors, fresh)``."""
        try:
            response = client.get(self.url)
            response.raise_for_status()
            loaded, problems = parse_calendar(response.content, self.name)
            if loaded is None:
                raise ValueError(problems[0].reason)
        except (httpx.HTTPError, ValueError) as error:
            reason = _describe(error)
            logger.warning(
                "calendar %s: fetch failed (%s); using the last good copy", self.name, reason
            )
            cached, problems = self._load_cache()
            failure = CalendarError(self.name, f"fetch failed ({reason})")
            return cached, [failure, *problems], False
        self._save_cache(response.content)
        return loaded, problems, True

    def _load_cache(self) -> tuple[LoadedCalendar | None, list[CalendarError]]:
        try:
            data = self.cache_path.read_bytes()
        except FileNotFoundError:
            return None, [CalendarError(self.name, "no copy cached from an earlier fetch")]
        except OSError as error:
            return None, [CalendarError(self.name, f"cannot read the cached copy ({error})")]
        return parse_calendar(data, self.name)

    def _save_cache(self, data: bytes) -> None:
        """Write atomically so a crash never leaves a half-written last good copy."""
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.cache_path.with_suffix(".tmp")
        temporary.write_bytes(data)
        os.replace(temporary, self.cache_path)


def load_urls(
    sources: Sequence[UrlCalendarSource],
    transport: httpx.BaseTransport | None = None,
    timeout_seconds: float = 15.0,
) -> tuple[list[LoadedCalendar], list[CalendarError], bool]:
    """Load every URL source; the flag is true when each one gave a calendar (fresh or cached)."""
    calendars: list[LoadedCalendar] = []
    errors: list[CalendarError] = []
    complete = True
    if not sources:
        return calendars, errors, complete
    with httpx.Client(
        transport=transport, timeout=timeout_seconds, follow_redirects=True
    ) as client:
        for source in sources:
            loaded, problems, _fresh = source.load(client)
            errors.extend(problems)
            if loaded is None:
                complete = False
            else:
                calendars.append(loaded)
    return calendars, errors, complete
