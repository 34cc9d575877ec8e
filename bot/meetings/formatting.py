"""How meetings read to members: « jeudi 14 janvier 2027 à 12 h 30 » (or English)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.dates import format_date
from bot.funding.deadlines import Deadline
from bot.meetings.groups import GroupDirectory
from bot.meetings.schedule import Occurrence


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
    en = language == "en"
    start, end = occurrence.start, occurrence.end
    if occurrence.all_day:
        last_day = end - timedelta(days=1) if end > start else start
        if last_day.date() <= start.date():
            return f"{format_day(start, language)} ({'all day' if en else 'toute la journée'})"
        same_year = last_day.year == start.year
        first = format_day(start, language, with_year=not same_year)
        last = format_day(last_day, language)
        return f"from {first} to {last}" if en else f"du {first} au {last}"
    text = f"{format_day(start, language)} {'at' if en else 'à'} {format_time(start, language)}"
    if occurrence.timezone and occurrence.timezone != str(start.tzinfo):
        local = start.astimezone(ZoneInfo(occurrence.timezone))
        place = occurrence.timezone.split("/")[-1].replace("_", " ")
        hour = format_time(local, language)
        text += f" ({hour} {place} time)" if en else f" ({hour} heure de {place})"
    if with_end and end > start:
        if end.date() == start.date():
            text += f" ({'until' if en else 'fin à'} {format_time(end, language)})"
        else:
            until = (
                f"{format_day(end, language)} {'at' if en else 'à'} {format_time(end, language)}"
            )
            text += f" ({'until' if en else 'jusqu’au'} {until})"
    return text


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def format_occurrence(
    occurrence: Occurrence, groups: GroupDirectory | None = None, language: str = "fr"
) -> str:
    """A few lines: title, when, where, link, group and status."""
    en = language == "en"
    colon = ":" if en else " :"
    lines = [f"• {occurrence.title}", f"  {_capitalize(format_when(occurrence, language))}"]
    if occurrence.location:
        lines.append(f"  {'Place' if en else 'Lieu'}{colon} {occurrence.location}")
    if occurrence.url:
        lines.append(f"  {'Link' if en else 'Lien'}{colon} {occurrence.url}")
    if groups is not None and occurrence.groups:
        names = ", ".join(groups.name(group) for group in occurrence.groups)
        lines.append(f"  {'Group' if en else 'Groupe'}{colon} {names}")
    if occurrence.tentative:
        lines.append("  (tentative, to be confirmed)" if en else "  (provisoire, à confirmer)")
    if occurrence.cancelled:
        lines.append("  CANCELLED" if en else "  ANNULÉE")
    return "\n".join(lines)


def format_delay(start: datetime, now: datetime, days_only: bool = False) -> str:
    """How soon, in French: « dans 45 min », « dans 1 h », « aujourd'hui », « demain »."""
    minutes = int((start - now).total_seconds() // 60)
    if days_only:
        minutes = max(minutes, 180)  # all-day events: speak in days
    if minutes < 60:
        return f"dans {max(minutes, 1)} min"
    if minutes < 180:
        hours, rest = divmod(minutes, 60)
        return f"dans {hours} h {rest:02d}" if rest else f"dans {hours} h"
    days = (start.date() - now.astimezone(start.tzinfo).date()).days
    if days == 0:
        return "aujourd’hui"
    if days == 1:
        return "demain"
    return f"dans {days} jours"


def format_deadline(deadline: Deadline, today: date, language: str = "fr") -> str:
    """The call, and « Clôture : vendredi 30 avril 2027 (dans 30 jours) » (then its link).

    A call whose closing day has passed says so (« Clos depuis le … »): it is never
    shown as open (the agenda lists only calls not yet closed).
    """
    en = language == "en"
    day = format_date(deadline.closes, language, weekday=True)
    left = (deadline.closes - today).days
    if left < 0:
        closed = f"Closed since {day}" if en else f"Clos depuis le {day}"
        return f"• {deadline.title}\n  {closed}"
    if left == 0:
        when = f"today, {day}" if en else f"aujourd’hui, {day}"
    elif left == 1:
        when = f"tomorrow, {day}" if en else f"demain, {day}"
    else:
        when = f"{day} (in {left} days)" if en else f"{day} (dans {left} jours)"
    colon = ":" if en else " :"
    lines = [f"• {deadline.title}", f"  {'Closes' if en else 'Clôture'}{colon} {when}"]
    if deadline.opens is not None and deadline.opens > today:
        opens = format_date(deadline.opens, language)
        lines.append(f"  {'Opens' if en else 'Ouverture'}{colon} {opens}")
    if not deadline.confirmed:
        lines.append("  (date not confirmed)" if en else "  (date non confirmée)")
    if deadline.url:
        lines.append(f"  {'Link' if en else 'Lien'}{colon} {deadline.url}")
    return "\n".join(lines)
