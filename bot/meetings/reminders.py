"""Reminders: pure scheduling, and delivery through a durable outbox.

Scheduling is a pure function of (occurrences, subscriptions, now, sent log):
:func:`due_reminders` and :func:`update_notices` do no I/O and take the clock
as an argument. :class:`ReminderService` feeds them from the agenda and SQLite
and records deliveries.

Which reminder is due
    For a chat following a group of an occurrence with lead times ``L`` (default
    ``settings.reminder_leads_minutes``, e.g. 1 day and 1 hour), the reminder for
    lead ``l`` is due from ``start - l`` until the meeting starts (for all-day
    events, lead times count back from 9:00 on the first day). When several
    are due at once (the bot was down, or the chat followed the group late) only
    the one with the smallest lead is sent; the larger ones are never sent
    afterwards. A reminder is identified by the idempotency key
    ``chat | uid | occurrence key | lead | start``: re-reading or re-fetching an
    unchanged calendar changes nothing, while a meeting moved to a new time is
    reminded again before its new start.

Moved and cancelled meetings
    When a chat was reminded of a meeting, the version it was told about is kept.
    If the meeting later changes time, end or place, or is cancelled
    (``STATUS:CANCELLED``, or removed from a calendar that loaded completely),
    the chat gets one update notice, keyed by the new version: one notice per
    change, however many reminders the chat had received.

Delivery guarantee (the outbox)
    ``pending(now)`` lists due messages that are neither sent nor claimed by a
    live worker. A sender ``claim()``s a message (one SQLite write; two workers
    cannot both claim it), sends it, then ``mark_sent()``s it; a failed send
    ``release()``s it. Hence:

    - crash or restart *before* the send: nothing was recorded as sent, the
      claim expires after ``lease`` and the message is sent after the restart
      (if still due, i.e. before the meeting starts): never lost;
    - crash *after* ``mark_sent``: it is never sent again: no duplicate;
    - crash *during* the send, after Telegram accepted the message but before
      ``mark_sent`` committed: the message is sent again once the lease expires.
      That window (one HTTP round trip) is the only case of a duplicate; no
      chat API offers an idempotent send, so the guarantee is exactly-once
      outside that window and at-least-once inside it, never at-most-once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any

from bot.answers import Attachment
from bot.meetings.agenda import Agenda
from bot.meetings.formatting import format_delay, format_when
from bot.meetings.ics_export import following_attachment, occurrence_attachment
from bot.meetings.schedule import CANCELLED, Occurrence
from bot.meetings.subscriptions import Subscription, SubscriptionStore
from bot.settings import Settings
from bot.storage import Database

logger = logging.getLogger(__name__)

REMINDER = "reminder"
MOVED = "moved"
CANCELLED_NOTICE = "cancelled"
REMOVED = "removed"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reminder_outbox (
    key TEXT PRIMARY KEY,
    chat_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('claimed', 'sent')),
    claimed_at REAL NOT NULL,
    sent_at REAL,
    occurrence_start REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS reminder_outbox_chat ON reminder_outbox (chat_id);
CREATE TABLE IF NOT EXISTS reminder_notified (
    chat_id TEXT NOT NULL,
    uid TEXT NOT NULL,
    occurrence_key TEXT NOT NULL,
    start REAL NOT NULL,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (chat_id, uid, occurrence_key)
);
"""


@dataclass(frozen=True)
class Notified:
    """The version of a meeting a chat was last told about (by a reminder or a notice)."""

    chat_id: str
    occurrence: Occurrence
    fingerprint: str


@dataclass(frozen=True)
class Reminder:
    """A message to send to one chat: a reminder, or a notice that a meeting changed."""

    key: str
    chat_id: str
    kind: str  # reminder | moved | cancelled
    occurrence: Occurrence
    due_at: datetime
    computed_at: datetime
    lead_minutes: int | None = None
    previous: Occurrence | None = None
    covers: tuple[str, ...] = ()  # reminder keys this notice makes redundant

    @property
    def text(self) -> str:
        """The message, in French."""
        occurrence = self.occurrence
        title = f"« {occurrence.title} »"
        if self.kind == CANCELLED_NOTICE:
            before = format_when(self.previous or occurrence, with_end=False)
            return f"Annulation : {title}, prévue le {before}, est annulée."
        if self.kind == MOVED:
            assert self.previous is not None
            lines = [
                f"Changement : {title} a été modifiée.",
                f"Avant : {_when_where(self.previous)}",
                f"Désormais : {_when_where(occurrence)}",
            ]
            return "\n".join(lines)
        delay = format_delay(occurrence.start, self.computed_at, days_only=occurrence.all_day)
        lines = [f"Rappel : {title} commence {delay} : {format_when(occurrence)}."]
        if occurrence.location:
            lines.append(f"Lieu : {occurrence.location}")
        if occurrence.url:
            lines.append(f"Lien : {occurrence.url}")
        if occurrence.tentative:
            lines.append("(Réunion provisoire, à confirmer.)")
        return "\n".join(lines)

    @property
    def attachment(self) -> Attachment:
        """The meeting as an ``.ics`` to add to (or, when cancelled, remove from) a calendar."""
        return occurrence_attachment(
            self.occurrence, self.computed_at, cancelled=self.kind == CANCELLED_NOTICE
        )


def _when_where(occurrence: Occurrence) -> str:
    text = format_when(occurrence)
    return f"{text}, {occurrence.location}" if occurrence.location else text


ALL_DAY_REFERENCE = time(9, 0)


def reminder_reference(occurrence: Occurrence) -> datetime:
    """The moment lead times count back from: the start, or 9:00 on an all-day event's day."""
    if occurrence.all_day:
        return datetime.combine(occurrence.start.date(), ALL_DAY_REFERENCE, occurrence.start.tzinfo)
    return occurrence.start


def _key_parts(occurrence: Occurrence) -> tuple[str, str]:
    start = occurrence.start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"|{occurrence.uid}|{occurrence.occurrence_key}|", f"|{start}"


def reminder_key(chat_id: str, occurrence: Occurrence, lead_minutes: int) -> str:
    """``chat|uid|occurrence key|lead|start``: the start makes a moved meeting remindable anew."""
    middle, end = _key_parts(occurrence)
    return f"{chat_id}{middle}{lead_minutes}{end}"


def update_key(chat_id: str, occurrence: Occurrence, version: str) -> str:
    return f"{chat_id}|{occurrence.uid}|{occurrence.occurrence_key}|update|{version}"


def _index_by_group(
    subscriptions: Iterable[Subscription], default_leads: Sequence[int]
) -> dict[str, list[tuple[str, tuple[int, ...]]]]:
    """group id → [(chat id, lead times smallest first)]."""
    default = tuple(sorted(default_leads))
    index: dict[str, list[tuple[str, tuple[int, ...]]]] = {}
    for subscription in subscriptions:
        leads = tuple(sorted(subscription.leads)) if subscription.leads else default
        for group in subscription.groups:
            index.setdefault(group, []).append((subscription.chat_id, leads))
    return index


def due_reminders(
    occurrences: Iterable[Occurrence],
    subscriptions: Iterable[Subscription],
    now: datetime,
    sent_log: Collection[str],
    default_leads: Sequence[int] = (24 * 60, 60),
) -> list[Reminder]:
    """Reminders due at ``now`` and not in ``sent_log`` (pure; one per chat and meeting).

    Work is proportional to (occurrences starting within the largest lead) ×
    (chats following their groups): subscriptions are indexed by group once.
    """
    index = _index_by_group(subscriptions, default_leads)
    if not index:
        return []
    max_lead = max(leads[-1] for entries in index.values() for _, leads in entries)
    horizon = now + timedelta(minutes=max_lead)
    due: list[Reminder] = []
    for occurrence in occurrences:
        reference = reminder_reference(occurrence)
        if occurrence.cancelled or reference <= now or reference > horizon:
            continue
        minutes_left = (reference - now).total_seconds() / 60
        middle, end = _key_parts(occurrence)
        due_at: dict[int, datetime] = {}
        seen: set[str] = set()
        for group in occurrence.groups:
            for chat_id, leads in index.get(group, ()):
                if chat_id in seen:
                    continue
                seen.add(chat_id)
                # Smallest lead whose moment has come (leads are sorted ascending).
                lead = next((value for value in leads if value >= minutes_left), None)
                if lead is None:
                    continue
                key = f"{chat_id}{middle}{lead}{end}"
                if key in sent_log:
                    continue
                if lead not in due_at:
                    due_at[lead] = reference - timedelta(minutes=lead)
                due.append(Reminder(key, chat_id, REMINDER, occurrence, due_at[lead], now, lead))
    due.sort(key=lambda reminder: (reminder.occurrence.start, reminder.chat_id))
    return due


def update_notices(
    notified: Iterable[Notified],
    current: Mapping[tuple[str, str], Occurrence],
    now: datetime,
    sent_log: Collection[str],
    removal_is_cancellation: bool = True,
) -> list[Reminder]:
    """One notice per chat for each change to a meeting it was reminded of (pure).

    ``current`` holds the present version of those meetings; a meeting missing
    from it counts as cancelled only when ``removal_is_cancellation`` (every
    calendar source loaded), so a failed load never announces false cancellations.
    """
    notices: list[Reminder] = []
    for told in notified:
        before = told.occurrence
        if before.cancelled:
            continue
        now_version = current.get(before.key)
        if now_version is None:
            if not removal_is_cancellation or before.start <= now:
                continue
            kind, version, occurrence = CANCELLED_NOTICE, REMOVED, before
        elif now_version.cancelled:
            if before.start <= now:
                continue
            version = f"{CANCELLED_NOTICE}-{now_version.fingerprint()}"
            kind, occurrence = CANCELLED_NOTICE, now_version
        elif now_version.fingerprint() != told.fingerprint:
            if max(before.start, now_version.start) <= now:
                continue
            kind, version, occurrence = MOVED, now_version.fingerprint(), now_version
        else:
            continue
        key = update_key(told.chat_id, before, version)
        if key in sent_log:
            continue
        notices.append(
            Reminder(
                key=key,
                chat_id=told.chat_id,
                kind=kind,
                occurrence=occurrence,
                due_at=now,
                computed_at=now,
                previous=before,
            )
        )
    return notices


def merge_notices(notices: list[Reminder], reminders: list[Reminder]) -> list[Reminder]:
    """Notices first; a reminder due with a "moved" notice for the same chat and meeting
    is folded into the notice (which already gives the new time) instead of sent apart."""
    moved = {
        (notice.chat_id, notice.occurrence.key): index
        for index, notice in enumerate(notices)
        if notice.kind == MOVED
    }
    merged = list(notices)
    kept = []
    for reminder in reminders:
        index = moved.get((reminder.chat_id, reminder.occurrence.key))
        if index is None:
            kept.append(reminder)
        else:
            merged[index] = replace(merged[index], covers=(*merged[index].covers, reminder.key))
    return merged + kept


def _epoch(moment: datetime) -> float:
    return moment.astimezone(UTC).timestamp()


def _snapshot(occurrence: Occurrence) -> str:
    data: dict[str, Any] = occurrence.to_dict()
    data["status"] = occurrence.status
    return json.dumps(data, ensure_ascii=False)


def _from_snapshot(text: str, timezone: Any) -> Occurrence:
    data = json.loads(text)
    return Occurrence(
        uid=data["uid"],
        occurrence_key=data["occurrence"],
        title=data["title"],
        start=datetime.fromisoformat(data["start"]).astimezone(timezone),
        end=datetime.fromisoformat(data["end"]).astimezone(timezone),
        all_day=data["all_day"],
        location=data["location"],
        url=data["url"],
        description=data["description"],
        groups=tuple(data["groups"]),
        status=data["status"],
        sequence=data["sequence"],
    )


class ReminderService:
    """Due reminders from the agenda and subscriptions, delivered through a SQLite outbox."""

    def __init__(
        self,
        database: Database,
        agenda: Agenda,
        subscriptions: SubscriptionStore,
        settings: Settings,
        lease: timedelta = timedelta(minutes=10),
    ) -> None:
        self.database = database
        self.agenda = agenda
        self.subscriptions = subscriptions
        self.default_leads = tuple(settings.reminder_leads_minutes) or (24 * 60, 60)
        self.lease = lease
        self._purged_on: str | None = None
        database.ensure_schema(_SCHEMA)

    def leads_for(self, chat_id: str) -> tuple[int, ...]:
        """The lead times in force for a chat (its own, else the default), largest first."""
        own = self.subscriptions.leads(chat_id)
        return tuple(sorted(own or self.default_leads, reverse=True))

    # --- computing ---------------------------------------------------------------------

    def _sent_log(self, now: datetime) -> set[str]:
        """Keys sent, or claimed by a worker whose lease has not expired."""
        with self.database.transaction() as connection:
            rows = connection.execute(
                "SELECT key FROM reminder_outbox WHERE state = 'sent' OR claimed_at > ?",
                (_epoch(now - self.lease),),
            ).fetchall()
        return {row["key"] for row in rows}

    def _notified(self, now: datetime) -> list[Notified]:
        with self.database.transaction() as connection:
            rows = connection.execute(
                "SELECT chat_id, snapshot FROM reminder_notified WHERE start > ?",
                (_epoch(now - timedelta(days=1)),),
            ).fetchall()
        found = []
        for row in rows:
            occurrence = _from_snapshot(row["snapshot"], self.agenda.timezone)
            found.append(Notified(row["chat_id"], occurrence, occurrence.fingerprint()))
        return found

    def pending(self, now: datetime) -> list[Reminder]:
        """Messages due at ``now`` that are not sent nor being sent: notices first."""
        if self._purged_on != now.date().isoformat():
            self.purge(now)
            self._purged_on = now.date().isoformat()
        subscriptions = self.subscriptions.all()
        sent_log = self._sent_log(now)
        notified = self._notified(now)
        notices: list[Reminder] = []
        if notified:
            current = self.agenda.find({told.occurrence.key for told in notified}, now)
            notices = update_notices(
                notified, current, now, sent_log, removal_is_cancellation=self.agenda.complete
            )
        reminders: list[Reminder] = []
        if subscriptions:
            max_lead = max(max(sub.leads or self.default_leads) for sub in subscriptions)
            window = self.agenda.occurrences(now, now + timedelta(minutes=max_lead + 1))
            reminders = due_reminders(window, subscriptions, now, sent_log, self.default_leads)
        return merge_notices(notices, reminders)

    def next_due_time(self, now: datetime, horizon_days: int = 60) -> datetime | None:
        """When the next reminder falls due after ``now`` (for scheduling a wake-up)."""
        subscriptions = self.subscriptions.all()
        if not subscriptions:
            return None
        later = now + timedelta(days=horizon_days)
        leads_by_group: dict[str, set[int]] = {}
        for sub in subscriptions:
            for group in sub.groups:
                leads_by_group.setdefault(group, set()).update(sub.leads or self.default_leads)
        best: datetime | None = None
        for occurrence in self.agenda.occurrences(now, later):
            reference = reminder_reference(occurrence)
            if reference <= now:
                continue
            for group in occurrence.groups:
                for lead in leads_by_group.get(group, ()):
                    moment = reference - timedelta(minutes=lead)
                    if moment > now and (best is None or moment < best):
                        best = moment
        return best

    # --- delivering --------------------------------------------------------------------

    def claim(self, reminder: Reminder, now: datetime) -> bool:
        """Take a message for sending; false when it is sent or another worker holds it."""
        with self.database.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO reminder_outbox "
                "(key, chat_id, kind, state, claimed_at, occurrence_start) "
                "VALUES (?, ?, ?, 'claimed', ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET claimed_at = excluded.claimed_at "
                "WHERE reminder_outbox.state = 'claimed' AND reminder_outbox.claimed_at <= ?",
                (
                    reminder.key,
                    reminder.chat_id,
                    reminder.kind,
                    _epoch(now),
                    _epoch(reminder.occurrence.start),
                    _epoch(now - self.lease),
                ),
            )
            return cursor.rowcount == 1

    def release(self, reminder: Reminder) -> None:
        """Give a claimed message back (its send failed) so the next run retries it."""
        with self.database.transaction() as connection:
            connection.execute(
                "DELETE FROM reminder_outbox WHERE key = ? AND state = 'claimed'",
                (reminder.key,),
            )

    def mark_sent(self, reminder: Reminder, now: datetime) -> None:
        """Acknowledge a delivered message (call only after the send succeeded)."""
        told = reminder.occurrence
        if reminder.kind == CANCELLED_NOTICE:
            told = replace(told, status=CANCELLED)
        with self.database.transaction() as connection:
            connection.execute(
                "INSERT INTO reminder_outbox "
                "(key, chat_id, kind, state, claimed_at, sent_at, occurrence_start) "
                "VALUES (?, ?, ?, 'sent', ?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET state = 'sent', sent_at = excluded.sent_at",
                (
                    reminder.key,
                    reminder.chat_id,
                    reminder.kind,
                    _epoch(now),
                    _epoch(now),
                    _epoch(reminder.occurrence.start),
                ),
            )
            for covered in reminder.covers:
                connection.execute(
                    "INSERT INTO reminder_outbox "
                    "(key, chat_id, kind, state, claimed_at, sent_at, occurrence_start) "
                    "VALUES (?, ?, ?, 'sent', ?, ?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET state = 'sent', sent_at = excluded.sent_at",
                    (
                        covered,
                        reminder.chat_id,
                        REMINDER,
                        _epoch(now),
                        _epoch(now),
                        _epoch(reminder.occurrence.start),
                    ),
                )
            connection.execute(
                "INSERT INTO reminder_notified (chat_id, uid, occurrence_key, start, snapshot) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (chat_id, uid, occurrence_key) "
                "DO UPDATE SET start = excluded.start, snapshot = excluded.snapshot",
                (
                    reminder.chat_id,
                    told.uid,
                    told.occurrence_key,
                    _epoch(max(told.start, (reminder.previous or told).start)),
                    _snapshot(told),
                ),
            )

    def deliver(self, now: datetime, send: Callable[[Reminder], None]) -> list[Reminder]:
        """Claim, send and acknowledge every pending message; return those sent.

        A message whose ``send`` raises is released and retried on the next run.
        """
        delivered = []
        for reminder in self.pending(now):
            if not self.claim(reminder, now):
                continue
            try:
                send(reminder)
            except Exception:
                logger.exception("sending %s to chat %s failed", reminder.kind, reminder.chat_id)
                self.release(reminder)
                continue
            self.mark_sent(reminder, now)
            delivered.append(reminder)
        return delivered

    def purge(self, now: datetime, keep_days: int = 60) -> None:
        """Drop outbox rows of meetings long past (they can never be due again)."""
        cutoff = _epoch(now - timedelta(days=keep_days))
        with self.database.transaction() as connection:
            connection.execute("DELETE FROM reminder_outbox WHERE occurrence_start < ?", (cutoff,))
            connection.execute("DELETE FROM reminder_notified WHERE start < ?", (cutoff,))

    # --- per chat ---------------------------------------------------------------------

    def following_ics(self, chat_id: str, now: datetime, days: int = 365) -> Attachment:
        """An ``.ics`` of the upcoming meetings of every group the chat follows."""
        groups = set(self.subscriptions.following(chat_id))
        occurrences = [
            occurrence
            for occurrence in self.agenda.upcoming(now, days)
            if groups.intersection(occurrence.groups)
        ]
        return following_attachment(occurrences, now)

    def forget(self, chat_id: str) -> None:
        """Erase the reminders sent to this chat."""
        with self.database.transaction() as connection:
            connection.execute("DELETE FROM reminder_outbox WHERE chat_id = ?", (chat_id,))
            connection.execute("DELETE FROM reminder_notified WHERE chat_id = ?", (chat_id,))
