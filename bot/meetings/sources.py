"""Calendar sources: ``.ics`` files on disk and ICS URLs with a last-good-copy cache.

Nothing here raises on bad input. A file that cannot be parsed, or an event that
is broken inside an otherwise good file, becomes a :class:`CalendarError` naming
the source and the reason; everything else still loads. A URL that cannot be
fetched (network error, HTTP error, not an iCalendar body, too slow, too big) is
logged and its last good copy, kept under the state directory, is used instead.

Bounds on what comes from outside: a fetch has one deadline for the whole
transfer (a server sending a byte every few seconds is cut off), a body or file
over ``max_bytes`` is refused, a calendar keeps at most ``max_events`` events,
and an event whose rule repeats more often than :data:`MAX_PER_DAY` times a day
(``FREQ=SECONDLY``, ``MINUTELY``, ``HOURLY``…) is skipped and reported.

A calendar is *complete* when it was read without any problem at all: only then
can an event missing from it be taken as removed (see ``bot.meetings.reminders``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
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


MAX_BYTES = 5_000_000
MAX_EVENTS = 5_000
FETCH_SECONDS = 20.0
MAX_PER_DAY = 4  # a meeting series repeating more often than this is not a meeting
_READ_TIMEOUT = 5.0  # one read; the whole fetch is bounded by the deadline
_FREQ_PER_DAY = {"SECONDLY": 86_400, "MINUTELY": 1_440, "HOURLY": 24}


@dataclass(frozen=True)
class Limits:
    """Bounds on one calendar source (settings ``CUF_CALENDAR_*``)."""

    max_bytes: int = MAX_BYTES
    max_events: int = MAX_EVENTS
    fetch_seconds: float = FETCH_SECONDS


@dataclass(frozen=True)
class LoadedCalendar:
    """A parsed calendar and where it came from (a file name or a redacted URL).

    ``complete`` is true when nothing of it was skipped (no broken event, no cap hit).
    """

    name: str
    calendar: icalendar.Calendar
    complete: bool = True


def parse_calendar(
    data: bytes, name: str, limits: Limits | None = None
) -> tuple[LoadedCalendar | None, list[CalendarError]]:
    """Parse iCalendar bytes; drop (and report) broken events, keep the good ones."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        return None, [
            CalendarError(name, f"too large ({len(data)} bytes, limit {limits.max_bytes})")
        ]
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except Exception as error:  # icalendar raises ValueError and friends on bad input
        return None, [CalendarError(name, f"not a valid iCalendar file ({error})")]
    if not isinstance(calendar, icalendar.Calendar) or calendar.name != "VCALENDAR":
        return None, [CalendarError(name, "no VCALENDAR found")]
    errors: list[CalendarError] = []
    kept = []
    events = 0
    for component in calendar.subcomponents:
        problem = None
        if component.name == "VEVENT":
            try:
                problem = _event_problem(component)
            except Exception as error:  # a property the library cannot even read
                problem = f"unreadable ({type(error).__name__}: {error})"
            if problem is None:
                events += 1
                if events > limits.max_events:
                    errors.append(
                        CalendarError(
                            name, f"more than {limits.max_events} events: the rest skipped"
                        )
                    )
                    break
        if problem:
            uid = str(component.get("UID", "?"))[:200]
            errors.append(CalendarError(name, f"event {uid!r} skipped: {problem}"))
        else:
            kept.append(component)
    calendar.subcomponents = kept
    return LoadedCalendar(name, calendar, complete=not errors), errors


def _event_problem(event: icalendar.cal.Component) -> str | None:
    if not event.get("UID"):
        return "no UID"
    if event.errors:
        return "; ".join(f"{prop}: {message}" for prop, message in event.errors)
    if event.get("DTSTART") is None:
        return "no DTSTART"
    start = event.get("DTSTART").dt  # raises on a value the library cannot read
    if not hasattr(start, "year"):
        return "DTSTART is not a date"
    return _rule_problem(event)


def _rule_problem(event: icalendar.cal.Component) -> str | None:
    """Refuse rules that repeat more often than :data:`MAX_PER_DAY` times a day."""
    rules = event.get("RRULE")
    for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
        frequency = str((rule.get("FREQ") or ["?"])[0]).upper()
        per_day = _FREQ_PER_DAY.get(frequency, 1)
        for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            per_day *= max(len(rule.get(part) or []), 1)
        if per_day > MAX_PER_DAY:
            return f"repeats more than {MAX_PER_DAY} times a day (FREQ={frequency})"
    return None


def load_files(
    paths: Iterable[Path], limits: Limits | None = None
) -> tuple[list[LoadedCalendar], list[CalendarError]]:
    """Load ``.ics`` files; each unreadable or malformed file is reported by name."""
    limits = limits or Limits()
    calendars: list[LoadedCalendar] = []
    errors: list[CalendarError] = []
    for path in paths:
        try:
            size = path.stat().st_size
            if size > limits.max_bytes:
                reason = f"too large ({size} bytes, limit {limits.max_bytes})"
                errors.append(CalendarError(path.name, reason))
                continue
            data = path.read_bytes()
        except OSError as error:
            errors.append(CalendarError(path.name, f"cannot read the file ({error.strerror})"))
            continue
        loaded, problems = parse_calendar(data, path.name, limits)
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


class FetchError(Exception):
    """A fetch that was cut off: too slow or too big."""


def fetch_bounded(client: httpx.Client, url: str, limits: Limits) -> bytes:
    """GET ``url`` within one deadline for the whole transfer and ``max_bytes``."""
    deadline = time.monotonic() + limits.fetch_seconds
    read = min(_READ_TIMEOUT, limits.fetch_seconds)
    timeout = httpx.Timeout(read, connect=read, pool=read)
    with client.stream("GET", url, timeout=timeout) as response:
        response.raise_for_status()
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limits.max_bytes:
            raise FetchError(f"too large ({declared} bytes, limit {limits.max_bytes})")
        body = bytearray()
        for chunk in response.iter_bytes():
            body.extend(chunk)
            if len(body) > limits.max_bytes:
                raise FetchError(f"too large (over {limits.max_bytes} bytes)")
            if time.monotonic() > deadline:
                raise FetchError(f"too slow (over {limits.fetch_seconds:g} s)")
        if time.monotonic() > deadline:
            raise FetchError(f"too slow (over {limits.fetch_seconds:g} s)")
    return bytes(body)


class UrlCalendarSource:
    """An ICS URL whose last good copy is cached on disk and used when a fetch fails."""

    def __init__(self, url: str, cache_dir: Path, limits: Limits | None = None) -> None:
        self.url = url
        self.name = redact_url(url)
        self.limits = limits or Limits()
        self.cache_path = cache_dir / f"{hashlib.sha256(url.encode()).hexdigest()[:16]}.ics"

    def load(self, client: httpx.Client) -> tuple[LoadedCalendar | None, list[CalendarError], bool]:
        """Fetch (or fall back to the cache); return ``(calendar, errors, fresh)``."""
        try:
            content = fetch_bounded(client, self.url, self.limits)
            loaded, problems = parse_calendar(content, self.name, self.limits)
            if loaded is None:
                raise ValueError(problems[0].reason)
        except (httpx.HTTPError, ValueError, FetchError, OSError) as error:
            reason = _describe(error)
            logger.warning(
                "calendar %s: fetch failed (%s); using the last good copy", self.name, reason
            )
            cached, problems = self._load_cache()
            failure = CalendarError(self.name, f"fetch failed ({reason})")
            return cached, [failure, *problems], False
        try:
            self._save_cache(content)
        except OSError as error:
            logger.warning("calendar %s: cannot keep a copy (%s)", self.name, error.strerror)
        return loaded, problems, True

    def load_cached(self) -> tuple[LoadedCalendar | None, list[CalendarError]]:
        """The last good copy, without touching the network."""
        return self._load_cache()

    def _load_cache(self) -> tuple[LoadedCalendar | None, list[CalendarError]]:
        try:
            data = self.cache_path.read_bytes()
        except FileNotFoundError:
            return None, [CalendarError(self.name, "no copy cached from an earlier fetch")]
        except OSError as error:
            return None, [CalendarError(self.name, f"cannot read the cached copy ({error})")]
        return parse_calendar(data, self.name, self.limits)

    def _save_cache(self, data: bytes) -> None:
        """Write atomically so a crash never leaves a half-written last good copy."""
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.cache_path.with_suffix(".tmp")
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
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
        transport=transport, timeout=timeout_seconds, follow_redirects=True, max_redirects=5
    ) as client:
        for source in sources:
            loaded, problems, _fresh = source.load(client)
            errors.extend(problems)
            if loaded is None:
                complete = False
            else:
                calendars.append(loaded)
    return calendars, errors, complete
