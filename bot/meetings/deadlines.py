"""Reminders before a followed funding call closes, planned like meeting reminders (pure).

A call's closing day (:class:`bot.funding.deadlines.Deadline`) becomes an all-day
:class:`~bot.meetings.schedule.Occurrence` (:func:`call_occurrence`), and each
chat following the scheme a subscription whose lead times are the configured
days (``CUF_FUNDING_REMINDER_DAYS``, 30 and 7 by default). The meetings'
:func:`~bot.meetings.reminders.due_reminders` then applies unchanged:

- the reminder ``d`` days ahead is due from 9:00 on the closing day minus ``d``
  days until 9:00 on the closing day; when two are due at once (the bot was down,
  or the chat followed the scheme late) only the nearer one is sent, and the
  farther one never afterwards;
- its key ``chat|uid||lead|start`` goes through the same outbox as the meetings'
  (claim, send, acknowledge), so it is sent once across restarts, and a closing
  date corrected by the staff is reminded anew;
- a call whose closing day has passed has no reminder at all.

:func:`with_deadlines` adds these reminders and their next moment to a meeting
:class:`~bot.meetings.reminders.Plan`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta, tzinfo

from bot.funding.deadlines import Deadline
from bot.meetings.groups import normalize
from bot.meetings.reminders import DEADLINE, Plan, Reminder, due_reminders, next_due_time
from bot.meetings.schedule import CONFIRMED, TENTATIVE, Occurrence
from bot.meetings.subscriptions import Subscription

DAY_MINUTES = 24 * 60
_UID_DOMAIN = "cites-unies-france.org"


def scheme_group(fiche_id: str) -> str:
    """The pseudo-group a call's occurrence belongs to (``funding:<fiche id>``)."""
    return f"funding:{fiche_id}"


def call_uid(deadline: Deadline) -> str:
    """Stable across reloads while the fiche and the edition's name stay the same."""
    edition = normalize(deadline.edition).replace(" ", "-")[:60] or "appel"
    return f"funding-{deadline.fiche_id}-{edition}@{_UID_DOMAIN}"


def call_occurrence(deadline: Deadline, timezone: tzinfo) -> Occurrence:
    """The closing day as an all-day event; an unconfirmed date is tentative."""
    start = datetime.combine(deadline.closes, time(0, 0), tzinfo=timezone)
    return Occurrence(
        uid=call_uid(deadline),
        occurrence_key="",
        title=deadline.title,
        start=start,
        end=start + timedelta(days=1),
        all_day=True,
        url=deadline.url or "",
        description=deadline.fiche_file,
        groups=(scheme_group(deadline.fiche_id),),
        status=CONFIRMED if deadline.confirmed else TENTATIVE,
        source=deadline.fiche_file,
    )


def call_occurrences(
    deadlines: Iterable[Deadline], timezone: tzinfo, now: datetime
) -> tuple[Occurrence, ...]:
    """The closing days not yet past at ``now`` (earlier ones can have no reminder)."""
    today = now.astimezone(timezone).date()
    return tuple(
        call_occurrence(deadline, timezone) for deadline in deadlines if deadline.closes >= today
    )


def deadline_subscriptions(
    follows: Iterable[tuple[str, str]], days: Sequence[int]
) -> list[Subscription]:
    """One subscription per chat: its schemes as groups, ``days`` as lead times."""
    leads = tuple(sorted({int(day) * DAY_MINUTES for day in days}))
    schemes: dict[str, set[str]] = {}
    for chat_id, fiche_id in follows:
        schemes.setdefault(chat_id, set()).add(scheme_group(fiche_id))
    return [Subscription(chat, frozenset(groups), leads) for chat, groups in schemes.items()]


def due_deadline_reminders(
    calls: Sequence[Occurrence],
    follows: Iterable[tuple[str, str]],
    now: datetime,
    sent_log: Collection[str],
    days: Sequence[int],
) -> list[Reminder]:
    """Deadline reminders due at ``now`` and not in ``sent_log`` (pure)."""
    subscriptions = deadline_subscriptions(follows, days)
    if not subscriptions or not days:
        return []
    due = due_reminders(calls, subscriptions, now, sent_log, ())
    return [replace(reminder, kind=DEADLINE) for reminder in due]


def next_deadline_time(
    calls: Sequence[Occurrence],
    follows: Iterable[tuple[str, str]],
    now: datetime,
    days: Sequence[int],
) -> datetime | None:
    """The first moment after ``now`` a deadline reminder falls due (pure)."""
    subscriptions = deadline_subscriptions(follows, days)
    if not subscriptions or not days:
        return None
    return next_due_time(calls, subscriptions, now, ())


def with_deadlines(
    plan: Plan,
    calls: Sequence[Occurrence],
    follows: Iterable[tuple[str, str]],
    sent_log: Collection[str],
    days: Sequence[int],
) -> Plan:
    """``plan`` plus the deadline reminders due at its ``now``, and their next moment."""
    follows = tuple(follows)
    due = due_deadline_reminders(calls, follows, plan.now, sent_log, days)
    wake = next_deadline_time(calls, follows, plan.now, days)
    if wake is not None and (plan.wake_at is None or wake < plan.wake_at):
        wake_at: datetime | None = wake
    else:
        wake_at = plan.wake_at
    return Plan(plan.now, (*plan.due, *due), wake_at)
