"""How meetings read to members: « jeudi 14 janvier 2027 à 12 h 30 » (or English)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.dates import format_date
from bot.meetings.groups import GroupDirectory
from bot.meetings.schedule import Occurrence
from bot.messages import message


def format_day(moment: datetime, language: str = "fr", with_year: bool = True) -> str:
    """``jeudi 14 janvier 2027`` / ``Thursday 14 January 2027`` (``1er`` for the first)."""
    return format_date(moment.date(), language, weekday=True, with_year=with_year)


def format_time(moment: datetime, language: str = "fr") -> str:
    """``12 h 30``, ``14 h`` / ``12:30``."""
    if language == "en":
        return moment.strftime("%H:%M")
    return f"{moment.hour} h {moment.minute:02d}" if moment.minute else f"{moment.hour} h"


def format_when(occurrence: Occurrence, language: str = "fr", with_end: bool = True) -> str:
    """The date and time of a meeting, e.g. « jeudi 14 janvier 2027 à 12 h 30 (fin à 13 h 30) »."""
    start, end = occurrence.start, occurrence.end
    if occurrence.all_day:
        last_day = end - timedelta(days=1) if end > start else start
        if last_day.date() <= start.date():
            return message("meeting_all_day", language, day=format_day(start, language))
        same_year = last_day.year == start.year
        first = format_day(start, language, with_year=not same_year)
        return message("meeting_days", language, first=first, last=format_day(last_day, language))
    text = _day_at(start, language)
    if occurrence.timezone and occurrence.timezone != str(start.tzinfo):
        local = start.astimezone(ZoneInfo(occurrence.timezone))
        place = occurrence.timezone.split("/")[-1].replace("_", " ")
        hour = format_time(local, language)
        text += " " + message("meeting_local_time", language, time=hour, place=place)
    if with_end and end > start:
        if end.date() == start.date():
            text += " " + message("meeting_ends", language, time=format_time(end, language))
        else:
            text += " " + message("meeting_until", language, when=_day_at(end, language))
    return text


def _day_at(moment: datetime, language: str) -> str:
    day, time = format_day(moment, language), format_time(moment, language)
    return message("meeting_at", language, day=day, time=time)


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def format_occurrence(
    occurrence: Occurrence, groups: GroupDirectory | None = None, language: str = "fr"
) -> str:
    """A few lines: title, when, where, link, group and status."""
    lines = [f"• {occurrence.title}", f"  {_capitalize(format_when(occurrence, language))}"]
    if occurrence.location:
        lines.append("  " + message("reminder_place", language, location=occurrence.location))
    if occurrence.url:
        lines.append("  " + message("reminder_link", language, url=occurrence.url))
    if groups is not None and occurrence.groups:
        names = ", ".join(groups.name(group) for group in occurrence.groups)
        lines.append("  " + message("meeting_groups", language, names=names))
    if occurrence.tentative:
        lines.append("  " + message("meeting_tentative", language))
    if occurrence.cancelled:
        lines.append("  " + message("meeting_cancelled", language))
    return "\n".join(lines)


def format_delay(
    start: datetime, now: datetime, days_only: bool = False, language: str = "fr"
) -> str:
    """How soon: « dans 45 min », « dans 1 h », « aujourd'hui », « demain »."""
    minutes = int((start - now).total_seconds() // 60)
    if days_only:
        minutes = max(minutes, 180)  # all-day events: speak in days
    if minutes < 60:
        return message("delay_minutes", language, minutes=max(minutes, 1))
    if minutes < 180:
        hours, rest = divmod(minutes, 60)
        if rest:
            return message("delay_hours_minutes", language, hours=hours, minutes=f"{rest:02d}")
        return message("delay_hours", language, hours=hours)
    days = (start.date() - now.astimezone(start.tzinfo).date()).days
    if days == 0:
        return message("delay_today", language)
    if days == 1:
        return message("delay_tomorrow", language)
    return message("delay_days", language, days=days)
