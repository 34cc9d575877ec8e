"""Reminder delivery through a durable SQLite outbox.

The reminders themselves are computed by the pure functions of
:mod:`bot.meetings.reminders`; this module feeds them from the agenda and SQLite
and records what was sent.

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
      That window (one HTTP round trip, or one write and fsync for the CLI) is
      the only case of a duplicate; no chat API offers an idempotent send, so the
      guarantee is exactly-once outside that window and at-least-once inside it,
      never at-most-once.

The lease of a claim is never longer than half the time left before the
meeting: a reminder with a 5-minute lead whose sender dies is retried about
2.5 minutes before the start, not lost behind a 10-minute lease.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.answers import Attachment
from bot.meetings.agenda import Agenda
from bot.meetings.ics_export import following_attachment
from bot.meetings.reminders import (
    CANCELLED_NOTICE,
    REMINDER,
    Notified,
    Reminder,
    due_reminders,
    merge_notices,
    reminder_reference,
    update_notices,
)
from bot.meetings.schedule import CANCELLED, Occurrence
from bot.meetings.subscriptions import SubscriptionStore
from bot.settings import Settings
from bot.storage import Database

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reminder_outbox (
    key TEXT PRIMARY KEY,
    chat_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('claimed', 'sent')),
    claimed_at REAL NOT NULL,
    sent_at REAL,
    occurrence_start REAL NOT NULL,
    lease_until REAL
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


def _epoch(moment: datetime) -> float:
    return moment.astimezone(UTC).timestamp()


MIN_LEASE = timedelta(seconds=30)


def _snapshot(occurrence: Occurrence) -> str:
    data: dict[str, Any] = occurrence.to_dict()
    data["status"] = occurrence.status
    data["source"] = occurrence.source
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
        source=data.get("source", ""),
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
        with database.transaction() as connection:  # outboxes made before lease_until
            columns = {
                row["name"] for row in connection.execute("PRAGMA table_info(reminder_outbox)")
            }
            if "lease_until" not in columns:
                connection.execute("ALTER TABLE reminder_outbox ADD COLUMN lease_until REAL")

    def leads_for(self, chat_id: str) -> tuple[int, ...]:
        """The lead times in force for a chat (its own, else the default), largest first."""
        own = self.subscriptions.leads(chat_id)
        return tuple(sorted(own or self.default_leads, reverse=True))

    # --- computing ---------------------------------------------------------------------

    def lease_for(self, reminder: Reminder, now: datetime) -> timedelta:
        """The claim's lease: ``lease``, or half the time left before the meeting if shorter."""
        left = reminder_reference(reminder.occurrence) - now
        return max(min(self.lease, left / 2), MIN_LEASE)

    def _sent_log(self, now: datetime) -> set[str]:
        """Keys sent, or claimed by a worker whose lease has not expired."""
        with self.database.transaction() as connection:
            rows = connection.execute(
                "SELECT key FROM reminder_outbox WHERE state = 'sent' "
                "OR COALESCE(lease_until, claimed_at + ?) > ?",
                (self.lease.total_seconds(), _epoch(now)),
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
            current, complete = self.agenda.find_with_sources(
                {told.occurrence.key for told in notified}, now
            )
            notices = update_notices(notified, current, now, sent_log, complete_sources=complete)
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
        lease_until = now + self.lease_for(reminder, now)
        with self.database.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO reminder_outbox "
                "(key, chat_id, kind, state, claimed_at, occurrence_start, lease_until) "
                "VALUES (?, ?, ?, 'claimed', ?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET claimed_at = excluded.claimed_at, "
                "lease_until = excluded.lease_until "
                "WHERE reminder_outbox.state = 'claimed' "
                "AND COALESCE(reminder_outbox.lease_until, reminder_outbox.claimed_at + ?) <= ?",
                (
                    reminder.key,
                    reminder.chat_id,
                    reminder.kind,
                    _epoch(now),
                    _epoch(reminder.occurrence.start),
                    _epoch(lease_until),
                    self.lease.total_seconds(),
                    _epoch(now),
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
