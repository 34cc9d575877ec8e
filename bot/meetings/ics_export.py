"""``.ics`` files a member adds to their own calendar: one meeting, or all they follow.

Each occurrence is exported as a standalone event whose UID is stable across
exports (original UID plus the occurrence key), so importing an update replaces
the earlier copy instead of adding a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import icalendar

from bot.answers import Attachment
from bot.meetings.groups import normalize
from bot.meetings.schedule import CANCELLED, Occurrence
from bot.messages import message

PRODID = "-//Cités Unies France//Assistant des membres//FR"


def export_uid(occurrence: Occurrence) -> str:
    """A UID for this single occurrence, stable across exports."""
    if not occurrence.occurrence_key:
        return occurrence.uid
    return f"{occurrence.occurrence_key}-{occurrence.uid}"


def _event(occurrence: Occurrence, stamp: datetime, cancelled: bool) -> icalendar.Event:
    event = icalendar.Event()
    event.add("UID", export_uid(occurrence))
    event.add("DTSTAMP", stamp.astimezone(UTC))
    event.add("SUMMARY", occurrence.title)
    if occurrence.all_day:
        event.add("DTSTART", occurrence.start.date())
        event.add("DTEND", occurrence.end.date())
    else:
        event.add("DTSTART", occurrence.start.astimezone(UTC))
        event.add("DTEND", occurrence.end.astimezone(UTC))
    for name, value in (
        ("LOCATION", occurrence.location),
        ("DESCRIPTION", occurrence.description),
        ("URL", occurrence.url),
    ):
        if value:
            event.add(name, value)
    status = CANCELLED if cancelled else occurrence.status
    event.add("STATUS", status)
    event.add("SEQUENCE", occurrence.sequence + (1 if cancelled else 0))
    return event


def calendar_bytes(
    occurrences: Iterable[Occurrence],
    stamp: datetime,
    name: str | None = None,
    cancelled: bool = False,
) -> bytes:
    """A VCALENDAR holding these occurrences (``cancelled`` marks them all cancelled)."""
    calendar = icalendar.Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "CANCEL" if cancelled else "PUBLISH")
    calendar.add("X-WR-CALNAME", name or message("ics_calendar_name"))
    for occurrence in occurrences:
        calendar.add_component(_event(occurrence, stamp, cancelled))
    return bytes(calendar.to_ical())


def _slug(text: str) -> str:
    return normalize(text).replace(" ", "-")[:40].strip("-") or "reunion"


def occurrence_attachment(
    occurrence: Occurrence, stamp: datetime, cancelled: bool = False
) -> Attachment:
    """The "add to calendar" file for one meeting."""
    filename = f"{occurrence.start:%Y-%m-%d}-{_slug(occurrence.title)}.ics"
    return Attachment(filename, calendar_bytes([occurrence], stamp, cancelled=cancelled))


def following_attachment(occurrences: Iterable[Occurrence], stamp: datetime) -> Attachment:
    """Every upcoming meeting of the groups a chat follows, in one file."""
    return Attachment("reunions-cuf.ics", calendar_bytes(occurrences, stamp))
