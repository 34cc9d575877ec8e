"""Feeding the pure :func:`~bot.meetings.reminders.plan` from the agenda and the database.

Each call reads the subscriptions (groups and funding schemes followed) and the
outbox (two short transactions) and expands the calendars once; the closing
dates of the funding calls followed add their reminders to the same plan
(:func:`bot.meetings.deadlines.with_deadlines`), delivered through the same outbox.
When nothing was due last time, nothing changed since (same calendars,
subscriptions, sent log, versions told and closing dates) and the wake-up moment
has not come, no message can have fallen due: the planner then answers without
expanding any calendar. That is the per-minute sweep's usual case.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.funding.deadlines import Deadline
from bot.meetings.agenda import Agenda
from bot.meetings.deadlines import call_occurrences, with_deadlines
from bot.meetings.outbox import Outbox
from bot.meetings.reminders import Plan, largest_lead, plan, plan_window
from bot.meetings.subscriptions import Subscription, SubscriptionStore
from bot.settings import DEFAULT_FUNDING_REMINDER_DAYS

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Idle:
    """The inputs of a plan that found nothing due, and until when it holds."""

    inputs: tuple[object, ...]
    since: datetime
    wake_at: datetime | None


class ReminderPlanner:
    """What is due now and when to look again; delivery is :func:`bot.meetings.delivery.deliver`."""

    def __init__(
        self,
        agenda: Agenda,
        subscriptions: SubscriptionStore,
        outbox: Outbox,
        default_leads: Sequence[int],
        deadlines: Callable[[], Sequence[Deadline]] = tuple,
        deadline_days: Sequence[int] = DEFAULT_FUNDING_REMINDER_DAYS,
    ) -> None:
        """``deadlines`` gives the funding calls' closing dates (read at each plan)."""
        self.agenda = agenda
        self.subscriptions = subscriptions
        self.outbox = outbox
        self.default_leads = tuple(sorted(default_leads, reverse=True))
        self.deadlines = deadlines
        self.deadline_days = tuple(sorted(set(deadline_days), reverse=True))
        self._idle: _Idle | None = None
        self._lock = threading.Lock()
        self.expansions = 0  # calendar expansions made (bench, tests)

    def leads_for(self, chat_id: str) -> tuple[int, ...]:
        """The lead times in force for a chat (its own, else the default), largest first."""
        own = self.subscriptions.leads(chat_id)
        return tuple(sorted(own or self.default_leads, reverse=True))

    def plan(self, now: datetime) -> Plan:
        """Messages due at ``now`` (notices first) and the next moment to plan again."""
        generation = self.agenda.generation
        subscriptions: list[Subscription]
        subscriptions, schemes = self.subscriptions.everything()
        state = self.outbox.state(now)
        deadlines = tuple(self.deadlines()) if schemes else ()
        inputs = (
            generation,
            tuple(subscriptions),
            state.sent_log,
            state.notified,
            schemes,
            deadlines,
        )
        with self._lock:
            idle = self._idle
        if (
            idle is not None
            and idle.inputs == inputs
            and idle.since <= now
            and (idle.wake_at is None or now < idle.wake_at)
        ):
            return Plan(now, (), idle.wake_at)
        notified = self.outbox.parse_notified(state.notified)
        lead = largest_lead(subscriptions, self.default_leads)
        start, end = plan_window(now, bool(notified), lead)
        occurrences: list = []
        complete: frozenset[str] = frozenset()
        if subscriptions or notified:
            occurrences, complete = self.agenda.window(start, end)
            self.expansions += 1
        result = plan(
            occurrences,
            complete,
            subscriptions,
            notified,
            state.sent_log,
            now,
            self.default_leads,
            state.lease_ends,
        )
        if schemes:
            calls = call_occurrences(deadlines, self.agenda.timezone, now)
            result = with_deadlines(result, calls, schemes, state.sent_log, self.deadline_days)
        with self._lock:
            self._idle = None if result.due else _Idle(inputs, now, result.wake_at)
        return result

    def forget(self, chat_id: str) -> None:
        """Erase the reminders sent to this chat."""
        self.outbox.forget(chat_id)
