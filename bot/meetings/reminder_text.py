"""What a reminder or a notice says, from the message catalog, and the ``.ics`` it carries."""

from __future__ import annotations

from bot.answers import Attachment
from bot.meetings.formatting import format_delay, format_when
from bot.meetings.ics_export import occurrence_attachment
from bot.meetings.reminders import CANCELLED_NOTICE, MOVED, RESTORED, Reminder
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


def attachment(reminder: Reminder) -> Attachment:
    """The meeting as an ``.ics`` to add to (or, when cancelled, remove from) a calendar."""
    return occurrence_attachment(
        reminder.occurrence, reminder.computed_at, cancelled=reminder.kind == CANCELLED_NOTICE
    )


def _when_where(occurrence: Occurrence) -> str:
    text = format_when(occurrence)
    return f"{text}, {occurrence.location}" if occurrence.location else text
