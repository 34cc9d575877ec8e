"""From parsed calendars to concrete occurrences in a time window.

The calendar maths (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides, time zones and
daylight-saving changes, DURATION) is done by ``recurring-ical-events``; this
module turns each occurrence into a plain :class:`Occurrence` in the configured
time zone, maps it to groups and removes duplicates across sources.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import islice
from typing import Any

import icalendar
import recurring_ical_events

from bot.meetings.groups import GroupDirectory
from bot.meetings.sources import CalendarError, LoadedCalendar

logger = logging.getLogger(__name__)

# Bounds on expansion, whatever the calendar says (a daily series over the 800-day
# horizon the reminders look at is 800 occurrences).
MAX_OCCURRENCES_PER_RULE = 1_000
MAX_OCCURRENCES_PER_CALENDAR = 20_000

CONFIRMED = "CONFIRMED"
TENTATIVE = "TENTATIVE"
CANCELLED = "CANCELLED"


@dataclass(frozen=True)
class Occurrence:
    """One concrete meeting: a single event, or one instance of a recurring one.

    ``(uid, occurrence_key)`` identifies it across calendar reloads: the key is the
    original start (RECURRENCE-ID, in UTC) for recurring events and ``""`` for
    single events, so a moved meeting keeps its identity.
    """

    uid: str
    occurrence_key: str
    title: str
    start: datetime
    end: datetime
    all_day: bool
    location: str = ""
    url: str = ""
    description: str = ""
    groups: tuple[str, ...] = ()
    status: str = CONFIRMED
    sequence: int = 0
    last_modified: datetime | None = None
    source: str = ""
    timezone: str = ""  # the event's own time zone (IANA name) when it has one

    @property
    def key(self) -> tuple[str, str]:
        return (self.uid, self.occurrence_key)

    @property
    def cancelled(self) -> bool:
        return self.status == CANCELLED

    @property
    def tentative(self) -> bool:
        return self.status == TENTATIVE

    def fingerprint(self) -> str:
        """What members care about when a meeting moves: its time and place."""
        parts = (self.start.isoformat(), self.end.isoformat(), self.location)
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "occurrence": self.occurrence_key,
            "title": self.title,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "all_day": self.all_day,
            "location": self.location,
            "url": self.url,
            "description": self.description,
            "groups": list(self.groups),
            "status": self.status.lower(),
            "sequence": self.sequence,
        }


def _as_datetime(value: date | datetime, zone: tzinfo) -> datetime:
    """Aware datetime in ``zone``: dates become local midnight, floating times are local."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=zone)
        return value.astimezone(zone)
    return datetime.combine(value, time(0, 0), tzinfo=zone)


def _text(component: icalendar.cal.Component, name: str) -> str:
    value = component.get(name)
    return str(value).strip() if value is not None else ""


def _categories(component: icalendar.cal.Component) -> list[str]:
    found: list[str] = []
    values = component.get("CATEGORIES")
    if values is None:
        return found
    for value in values if isinstance(values, list) else [values]:
        found.extend(str(category).strip() for category in getattr(value, "cats", [value]))
    return [category for category in found if category]


def _recurring_uids(calendar: icalendar.Calendar) -> set[str]:
    """UIDs of events that recur (or override an instance of a recurring event)."""
    return {
        str(event.get("UID"))
        for event in calendar.walk("VEVENT")
        if event.get("RRULE") or event.get("RDATE") or event.get("RECURRENCE-ID")
    }


def _occurrence(
    event: icalendar.cal.Component,
    recurring: bool,
    zone: tzinfo,
    groups: GroupDirectory,
    source: str,
) -> Occurrence:
    raw_start = event.get("DTSTART").dt
    all_day = not isinstance(raw_start, datetime)
    start = _as_datetime(raw_start, zone)
    if event.get("DTEND") is not None:
        end = _as_datetime(event.get("DTEND").dt, zone)
    elif event.get("DURATION") is not None:
        end = (start + event.get("DURATION").dt).astimezone(zone)
    else:
        end = start + timedelta(days=1) if all_day else start
    if all_day:
        # Calendar days, not elapsed hours: keep midnights across a DST change.
        end = _as_datetime(raw_start + (end.date() - start.date()), zone)
    occurrence_key = ""
    if recurring:
        recurrence_id = event.get("RECURRENCE-ID")
        original = recurrence_id.dt if recurrence_id is not None else raw_start
        if isinstance(original, datetime):
            occurrence_key = _as_datetime(original, zone).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        else:
            occurrence_key = original.strftime("%Y%m%d")
    title = _text(event, "SUMMARY") or "(sans titre)"
    last_modified = event.get("LAST-MODIFIED") or event.get("DTSTAMP")
    status = _text(event, "STATUS").upper() or CONFIRMED
    return Occurrence(
        uid=str(event.get("UID")),
        occurrence_key=occurrence_key,
        title=title,
        start=start,
        end=end,
        all_day=all_day,
        location=_text(event, "LOCATION"),
        url=_text(event, "URL"),
        description=_text(event, "DESCRIPTION"),
        groups=groups.match_event(_categories(event), title),
        status=status if status in (CONFIRMED, TENTATIVE, CANCELLED) else CONFIRMED,
        sequence=int(event.get("SEQUENCE", 0) or 0),
        last_modified=_as_datetime(last_modified.dt, zone) if last_modified else None,
        source=source,
        timezone=_zone_name(raw_start),
    )


def _zone_name(value: date | datetime) -> str:
    """The IANA name of an aware datetime's zone (``""`` for dates, floating times, UTC)."""
    zone = getattr(value, "tzinfo", None)
    key = getattr(zone, "key", None)
    return key if isinstance(key, str) and "/" in key else ""


class _BoundedQuery(recurring_ical_events.CalendarQuery):  # type: ignore[misc]
    """The library's query, taking at most so many occurrences per series and in all."""

    capped: list[str]

    def _occurrences_between(self, start: Any, end: Any) -> list[Any]:
        self.capped = []
        occurrences: list[Any] = []
        for series in self.series:
            room = min(MAX_OCCURRENCES_PER_RULE, MAX_OCCURRENCES_PER_CALENDAR - len(occurrences))
            if room <= 0:
                self.capped.append(f"more than {MAX_OCCURRENCES_PER_CALENDAR} occurrences")
                break
            with contextlib.suppress(*self._skip_errors):
                taken = list(islice(series.between(start, end), room + 1))
                if len(taken) > room:
                    self.capped.append(
                        f"series {str(getattr(series, 'uid', '?'))[:80]!r}: "
                        f"more than {room} occurrences"
                    )
                    taken = taken[:room]
                occurrences.extend(taken)
        return occurrences


def _newer(candidate: Occurrence, current: Occurrence) -> bool:
    """Which copy of the same occurrence wins: higher SEQUENCE, then the latest change."""
    floor = datetime.min.replace(tzinfo=UTC)
    return (candidate.sequence, candidate.last_modified or floor) > (
        current.sequence,
        current.last_modified or floor,
    )


def expand(
    calendars: Iterable[LoadedCalendar],
    start: datetime,
    end: datetime,
    zone: tzinfo,
    groups: GroupDirectory,
) -> tuple[list[Occurrence], list[CalendarError]]:
    """Occurrences overlapping ``[start, end)``, cancelled ones included, sorted by start."""
    found: dict[tuple[str, str], Occurrence] = {}
    errors: list[CalendarError] = []
    for loaded in calendars:
        recurring = _recurring_uids(loaded.calendar)
        try:
            query = recurring_ical_events.of(
                loaded.calendar, skip_bad_series=True, calendar_query=_BoundedQuery
            )
            events = query.between(start, end)
            for reason in query.capped:
                errors.append(CalendarError(loaded.name, f"capped: {reason}"))
            occurrences = [
                _occurrence(event, str(event.get("UID")) in recurring, zone, groups, loaded.name)
                for event in events
            ]
        except Exception as error:  # the library raises many types on odd input
            logger.warning("calendar %s: cannot expand events: %s", loaded.name, error)
            errors.append(CalendarError(loaded.name, f"cannot expand events ({error})"))
            continue
        for occurrence in occurrences:
            current = found.get(occurrence.key)
            if current is None or _newer(occurrence, current):
                found[occurrence.key] = occurrence
    ordered = sorted(found.values(), key=lambda item: (item.start, item.title, item.uid))
    return ordered, errors
