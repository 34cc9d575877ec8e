"""The durable outbox of reminders: what was claimed, sent and told, in the database.

This module only talks to the database. What is due is computed by the pure
:func:`bot.meetings.reminders.plan`; :func:`bot.meetings.delivery.deliver`
claims, sends and acknowledges through it.

Delivery guarantee
    A message is due when it is neither sent nor claimed by a live worker. A
    sender ``claim()``s it (one atomic ``INSERT … ON CONFLICT`` on SQLite and
    PostgreSQL alike: two workers cannot both claim it), sends it, then
    ``mark_sent()``s it; a failed send ``release()``s it. Hence:

    - crash or restart *before* the send: nothing was recorded as sent, the
      claim expires after its lease, or at once when its process is known to be
      gone (a worker on this machine, :mod:`bot.workers`), and the message is sent
      after the restart (if still due, i.e. before the meeting starts): never lost;
    - crash *after* ``mark_sent``: it is never sent again: no duplicate;
    - crash *during* the send, after Telegram accepted the message but before
      ``mark_sent`` committed: the message is sent again once the claim expires.
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
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import and_, delete, func, literal, or_, select

from bot.db import dialect
from bot.db.schema import reminder_notified, reminder_outbox
from bot.meetings.reminders import (
    CANCELLED_NOTICE,
    DEADLINE,
    REMINDER,
    Notified,
    Reminder,
    reminder_reference,
)
from bot.meetings.schedule import CANCELLED, Occurrence
from bot.storage import Database
from bot.workers import is_dead, this_worker

logger = logging.getLogger(__name__)

MIN_LEASE = timedelta(seconds=30)
DEFAULT_LEASE = timedelta(minutes=10)
KEEP_DAYS = 60


def _epoch(moment: datetime) -> float:
    return moment.astimezone(UTC).timestamp()


@dataclass(frozen=True)
class OutboxState:
    """What the outbox says at one moment, read in one transaction.

    ``sent_log``: keys sent, or claimed by a worker whose lease has not ended;
    ``notified``: (chat id, snapshot) of the meeting versions chats were told
    about (parsed by :meth:`Outbox.parse_notified` only when needed);
    ``lease_ends``: when the live claims expire (a claimed message that was
    never acknowledged is due again then).
    """

    sent_log: frozenset[str]
    notified: tuple[tuple[str, str], ...]
    lease_ends: tuple[datetime, ...]


class Outbox:
    """Claims, acknowledgements and the versions told, per chat."""

    def __init__(
        self,
        database: Database,
        timezone: tzinfo,
        lease: timedelta = DEFAULT_LEASE,
        worker: str | None = None,
    ) -> None:
        self.database = database
        self.timezone = timezone
        self.lease = lease
        self.worker = worker or this_worker()
        self._purged_on: str | None = None

    def lease_for(self, reminder: Reminder, now: datetime) -> timedelta:
        """The claim's lease: ``lease``, or half the time left before the meeting if shorter."""
        left = reminder_reference(reminder.occurrence) - now
        return max(min(self.lease, left / 2), MIN_LEASE)

    def _lease_end(self) -> Any:
        table = reminder_outbox.c
        return func.coalesce(table.lease_until, table.claimed_at + self.lease.total_seconds())

    # --- reading ----------------------------------------------------------------------

    def state(self, now: datetime) -> OutboxState:
        """The sent log, the versions told and the live leases at ``now`` (one transaction)."""
        table = reminder_outbox.c
        lease_end = self._lease_end()
        moment = _epoch(now)
        with self.database.transaction() as connection:
            rows = [
                row
                for row in connection.execute(
                    select(
                        table.key, table.state, table.claimed_by, lease_end.label("lease_end")
                    ).where(or_(table.state == "sent", lease_end > moment))
                ).all()
                if row.state == "sent" or not is_dead(row.claimed_by)
            ]
            notified = connection.execute(
                select(reminder_notified.c.chat_id, reminder_notified.c.snapshot)
                .where(reminder_notified.c.start > _epoch(now - timedelta(days=1)))
                .order_by(
                    reminder_notified.c.chat_id,
                    reminder_notified.c.uid,
                    reminder_notified.c.occurrence_key,
                )
            ).all()
        lease_ends = tuple(
            datetime.fromtimestamp(row.lease_end, UTC) for row in rows if row.state == "claimed"
        )
        return OutboxState(
            sent_log=frozenset(row.key for row in rows),
            notified=tuple((row.chat_id, row.snapshot) for row in notified),
            lease_ends=lease_ends,
        )

    def parse_notified(self, rows: Iterable[tuple[str, str]]) -> list[Notified]:
        """The stored versions as :class:`Notified` records."""
        found = []
        for chat_id, snapshot in rows:
            occurrence = _from_snapshot(snapshot, self.timezone)
            found.append(Notified(chat_id, occurrence, occurrence.fingerprint()))
        return found

    def attempts(self, key: str) -> int | None:
        """How many times a message was claimed (``None``: never)."""
        with self.database.transaction() as connection:
            return connection.execute(
                select(reminder_outbox.c.attempts).where(reminder_outbox.c.key == key)
            ).scalar_one_or_none()

    # --- delivering -------------------------------------------------------------------

    def claim(self, reminder: Reminder, now: datetime) -> bool:
        """Take a message for sending; false when it is sent or another worker holds it."""
        lease_until = now + self.lease_for(reminder, now)
        current = reminder_outbox.c
        with self.database.transaction() as connection:
            holder = connection.execute(
                select(current.claimed_by).where(current.key == reminder.key)
            ).scalar_one_or_none()
            statement = dialect.insert(connection, reminder_outbox).values(
                key=reminder.key,
                chat_id=reminder.chat_id,
                kind=reminder.kind,
                state="claimed",
                claimed_at=_epoch(now),
                occurrence_start=_epoch(reminder.occurrence.start),
                lease_until=_epoch(lease_until),
                attempts=1,
                claimed_by=self.worker,
            )
            expired = self._lease_end() <= literal(_epoch(now))
            if is_dead(holder):  # its process is gone: no need to wait for the lease
                expired = or_(expired, current.claimed_by == holder)
            statement = statement.on_conflict_do_update(
                index_elements=[current.key],
                set_={
                    "claimed_at": statement.excluded.claimed_at,
                    "lease_until": statement.excluded.lease_until,
                    "claimed_by": statement.excluded.claimed_by,
                    "attempts": current.attempts + 1,
                },
                where=and_(current.state == "claimed", expired),
            )
            return connection.execute(statement).rowcount == 1

    def release(self, reminder: Reminder) -> None:
        """Give a claimed message back (its send failed) so the next run retries it."""
        with self.database.transaction() as connection:
            connection.execute(
                delete(reminder_outbox).where(
                    reminder_outbox.c.key == reminder.key, reminder_outbox.c.state == "claimed"
                )
            )

    def mark_sent(self, reminder: Reminder, now: datetime) -> None:
        """Acknowledge a delivered message (call only after the send succeeded).

        A meeting's version is kept to announce later changes; a funding deadline's
        is not (a corrected closing date is a new reminder, not a notice).
        """
        told = reminder.occurrence
        if reminder.kind == CANCELLED_NOTICE:
            told = replace(told, status=CANCELLED)
        sent = [(reminder.key, reminder.kind)]
        sent += [(covered, REMINDER) for covered in reminder.covers]
        with self.database.transaction() as connection:
            for key, kind in sent:
                statement = dialect.insert(connection, reminder_outbox).values(
                    key=key,
                    chat_id=reminder.chat_id,
                    kind=kind,
                    state="sent",
                    claimed_at=_epoch(now),
                    sent_at=_epoch(now),
                    occurrence_start=_epoch(reminder.occurrence.start),
                )
                connection.execute(
                    statement.on_conflict_do_update(
                        index_elements=[reminder_outbox.c.key],
                        set_={"state": "sent", "sent_at": statement.excluded.sent_at},
                    )
                )
            if reminder.kind == DEADLINE:
                return  # a closing date is no meeting: no version to follow up on
            statement = dialect.insert(connection, reminder_notified).values(
                chat_id=reminder.chat_id,
                uid=told.uid,
                occurrence_key=told.occurrence_key,
                start=_epoch(max(told.start, (reminder.previous or told).start)),
                snapshot=_snapshot(told),
            )
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[
                        reminder_notified.c.chat_id,
                        reminder_notified.c.uid,
                        reminder_notified.c.occurrence_key,
                    ],
                    set_={
                        "start": statement.excluded.start,
                        "snapshot": statement.excluded.snapshot,
                    },
                )
            )

    # --- housekeeping -----------------------------------------------------------------

    def purge(self, now: datetime, keep_days: int = KEEP_DAYS) -> None:
        """Drop rows of meetings long past (they can never be due again)."""
        cutoff = _epoch(now - timedelta(days=keep_days))
        with self.database.transaction() as connection:
            connection.execute(
                delete(reminder_outbox).where(reminder_outbox.c.occurrence_start < cutoff)
            )
            connection.execute(delete(reminder_notified).where(reminder_notified.c.start < cutoff))

    def purge_daily(self, now: datetime) -> None:
        """:meth:`purge`, at most once per calendar day of this process."""
        day = now.date().isoformat()
        if self._purged_on != day:
            self.purge(now)
            self._purged_on = day

    def forget(self, chat_id: str) -> None:
        """Erase the reminders sent to this chat."""
        with self.database.transaction() as connection:
            connection.execute(delete(reminder_outbox).where(reminder_outbox.c.chat_id == chat_id))
            connection.execute(
                delete(reminder_notified).where(reminder_notified.c.chat_id == chat_id)
            )


def _snapshot(occurrence: Occurrence) -> str:
    data: dict[str, Any] = occurrence.to_dict()
    data["status"] = occurrence.status
    data["source"] = occurrence.source
    return json.dumps(data, ensure_ascii=False)


def _from_snapshot(text: str, timezone: tzinfo) -> Occurrence:
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
