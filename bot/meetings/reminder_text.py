"""What a reminder or a notice says, from the message catalog, and the ``.ics`` it carries."""

from __future__ import annotations

from dataclasses import replace

from bot.answers import Attachment
from bot.meetings.formatting import format_day, format_delay, format_when
from bot.meetings.ics_export import occurrence_attachment
from bot.meetings.reminders import CANCELLED_NOTICE, DEADLINE, MOVED, RESTORED, Reminder
from bot.meetings.schedule import Occurrence
from bot.messages import message


def render(reminder: Reminder, language: str = "fr") -> str:
    """The message for one chat (plain text; the channel escapes it)."""
    occurrence = reminder.occurrence
    title = occurrence.title
    if reminder.kind == CANCELLED_NOTICE:
        before = format_when(reminder.previous or occurrence, with_end=False)
        return message("notice_cancelled", language, title=title, when=before)
    if reminder.kind == RESTORED:
        return message("notice_restored", language, title=title, when=_when_where(occurrence))
    if reminder.kind == MOVED:
        assert reminder.previous is not None
        before, after = _when_where(reminder.previous), _when_where(occurrence)
        return message("notice_moved", language, title=title, before=before, after=after)
    if reminder.kind == DEADLINE:
        return _deadline(reminder, language)
    delay = format_delay(
        occurrence.start, reminder.computed_at, days_only=occurrence.all_day, language=language
    )
    lines = [message("reminder", language, title=title, delay=delay, when=format_when(occurrence))]
    if occurrence.location:
        lines.append(message("reminder_place", language, location=occurrence.location))
    if occurrence.url:
        lines.append(message("reminder_link", language, url=occurrence.url))
    if occurrence.tentative:
        lines.append(message("reminder_tentative", language))
    return "\n".join(lines)


def _deadline(reminder: Reminder, language: str) -> str:
    """« Rappel : la clôture de l'appel « … » est dans 30 jours, le mercredi 2 avril 2025. »"""
    call = reminder.occurrence
    delay = format_delay(call.start, reminder.computed_at, days_only=True, language=language)
    day = format_day(call.start, language)
    lines = [message("deadline_reminder", language, title=call.title, delay=delay, day=day)]
    if call.tentative:
        lines.append(message("deadline_unconfirmed", language))
    if call.url:
        lines.append(message("deadline_link", language, url=call.url))
    return "\n".join(lines)


def attachment(reminder: Reminder) -> Attachment:
    """The meeting as an ``.ics`` to add to (or, when cancelled, remove from) a calendar;
    for a funding call, its closing day."""
    occurrence = reminder.occurrence
    if reminder.kind == DEADLINE:
        occurrence = replace(
            occurrence, title=message("deadline_ics_title", title=occurrence.title)
        )
    return occurrence_attachment(
        occurrence, reminder.computed_at, cancelled=reminder.kind == CANCELLED_NOTICE
    )


def _when_where(occurrence: Occurrence) -> str:
    text = format_when(occurrence)
    return f"{text}, {occurrence.location}" if occurrence.location else text
