"""Reminders: what is due, as pure functions of the calendars, the subscriptions and the clock.

:func:`plan` takes one expansion of the calendars, the subscriptions, what the
outbox recorded and ``now``, and returns what is due and when to wake up next;
it does no I/O. :class:`bot.meetings.planner.ReminderPlanner` feeds it from the
agenda and the database, :mod:`bot.meetings.outbox` records deliveries and
:func:`bot.meetings.delivery.deliver` sends.

Which reminder is due
    For a chat following a group of an occurrence with lead times ``L`` (default
    ``settings.reminder_leads_minutes``, 1 day and 1 hour unless configured), the reminder for
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
    (``STATUS:CANCELLED``, or removed from its calendar while that calendar loaded
    completely: a missing, renamed, unreadable or partly broken calendar never
    cancels anything), the chat gets one update notice, keyed by the new version:
    one notice per change, however many reminders the chat had received. A meeting
    announced as cancelled that is listed again (not cancelled) gets a correction.

When to wake up
    The set of due messages only grows at a lead moment (``reference - lead``)
    or when a claim's lease ends; it only shrinks otherwise. :func:`plan`
    returns the earliest such moment, so a caller whose inputs did not change
    need not plan again before it (:class:`~bot.meetings.planner.ReminderPlanner`
    then answers without expanding any calendar).

Funding deadlines
    :mod:`bot.meetings.deadlines` plans the reminders before a followed funding
    call closes with the same :func:`due_reminders`, and adds them to the plan.

Delivery, exactly once, is :mod:`bot.meetings.outbox`; the wording is
:mod:`bot.meetings.reminder_text`.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta

from bot.meetings.schedule import Occurrence
from bot.meetings.subscriptions import Subscription
from bot.settings import DEFAULT_REMINDER_LEADS_MINUTES

logger = logging.getLogger(__name__)

REMINDER = "reminder"
MOVED = "moved"
CANCELLED_NOTICE = "cancelled"
RESTORED = "restored"
REMOVED = "removed"
DEADLINE = "deadline"  # a followed funding call closes soon (bot.meetings.deadlines)


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
    kind: str  # reminder | moved | cancelled | restored | deadline
    occurrence: Occurrence
    due_at: datetime
    computed_at: datetime
    lead_minutes: int | None = None
    previous: Occurrence | None = None
    covers: tuple[str, ...] = ()  # reminder keys this notice makes redundant


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
    default_leads: Sequence[int] = DEFAULT_REMINDER_LEADS_MINUTES,
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
    complete_sources: Collection[str] | None = None,
) -> list[Reminder]:
    """One notice per chat for each change to a meeting it was reminded of (pure).

    ``current`` holds the present version of those meetings; a meeting missing
    from it counts as cancelled only when ``removal_is_cancellation`` and, when
    ``complete_sources`` is given, the calendar it came from is one of them (it
    loaded completely), so a failed, missing or partial load never announces
    false cancellations. A chat told of a cancellation gets a correction when
    the meeting is listed again, not cancelled.
    """
    notices: list[Reminder] = []
    for told in notified:
        before = told.occurrence
        now_version = current.get(before.key)
        if before.cancelled:
            if now_version is None or now_version.cancelled or now_version.start <= now:
                continue
            kind, occurrence = RESTORED, now_version
            version = f"{RESTORED}-{told.fingerprint}-{now_version.fingerprint()}"
        elif now_version is None:
            if not removal_is_cancellation or before.start <= now:
                continue
            if complete_sources is not None and before.source not in complete_sources:
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
    """Notices first; a reminder due with a "moved" or "restored" notice for the same chat
    and meeting is folded into the notice (which gives the time) instead of sent apart."""
    moved = {
        (notice.chat_id, notice.occurrence.key): index
        for index, notice in enumerate(notices)
        if notice.kind in (MOVED, RESTORED)
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


@dataclass(frozen=True)
class Plan:
    """What is due at ``now``, and the latest moment to plan again (``None``: never)."""

    now: datetime
    due: tuple[Reminder, ...]
    wake_at: datetime | None


NOTICE_LOOKBACK = timedelta(days=31)
NOTICE_HORIZON = timedelta(days=800)
REMINDER_HORIZON = timedelta(days=60)


def largest_lead(subscriptions: Iterable[Subscription], default_leads: Sequence[int]) -> int:
    """The largest lead time in force, in minutes (0 when nobody follows anything)."""
    return max((max(sub.leads or default_leads) for sub in subscriptions), default=0)


def plan_window(now: datetime, notified: bool, lead_minutes: int) -> tuple[datetime, datetime]:
    """The one window of the calendars :func:`plan` needs expanded (cancelled ones included).

    With meetings already told about, it reaches back and far ahead to find
    where they went; otherwise the next 60 days (or the largest lead) are enough.
    """
    ahead = max(REMINDER_HORIZON, timedelta(minutes=lead_minutes, days=1))
    if notified:
        return now - NOTICE_LOOKBACK, now + max(NOTICE_HORIZON, ahead)
    return now, now + ahead


def plan(
    occurrences: Sequence[Occurrence],
    complete_sources: Collection[str],
    subscriptions: Sequence[Subscription],
    notified: Sequence[Notified],
    sent_log: Collection[str],
    now: datetime,
    default_leads: Sequence[int],
    lease_ends: Iterable[datetime] = (),
) -> Plan:
    """Notices and reminders due at ``now``, and when the next may fall due (pure).

    ``occurrences`` is one expansion of :func:`plan_window` (cancelled occurrences
    included); ``lease_ends`` are the ends of live claims, after which a claimed
    message that was never acknowledged is due again.
    """
    notices: list[Reminder] = []
    if notified:
        wanted = {told.occurrence.key for told in notified}
        current = {item.key: item for item in occurrences if item.key in wanted}
        notices = update_notices(
            notified, current, now, sent_log, complete_sources=complete_sources
        )
    reminders = due_reminders(occurrences, subscriptions, now, sent_log, default_leads)
    wake = next_due_time(occurrences, subscriptions, now, default_leads)
    if subscriptions:
        # Meetings beyond the expanded window start no reminder before this.
        largest = largest_lead(subscriptions, default_leads)
        window_end = plan_window(now, bool(notified), largest)[1]
        wake = _earliest(wake, window_end - timedelta(minutes=largest))
    for end in lease_ends:
        if end > now:
            wake = _earliest(wake, end)
    return Plan(now, tuple(merge_notices(notices, reminders)), wake)


def next_due_time(
    occurrences: Iterable[Occurrence],
    subscriptions: Iterable[Subscription],
    now: datetime,
    default_leads: Sequence[int],
) -> datetime | None:
    """The first lead moment after ``now`` among these occurrences (pure)."""
    leads_by_group: dict[str, set[int]] = {}
    for sub in subscriptions:
        for group in sub.groups:
            leads_by_group.setdefault(group, set()).update(sub.leads or default_leads)
    if not leads_by_group:
        return None
    best: datetime | None = None
    for occurrence in occurrences:
        if occurrence.cancelled:
            continue
        reference = reminder_reference(occurrence)
        if reference <= now:
            continue
        for group in occurrence.groups:
            for lead in leads_by_group.get(group, ()):
                moment = reference - timedelta(minutes=lead)
                if moment > now and (best is None or moment < best):
                    best = moment
    return best


def _earliest(first: datetime | None, second: datetime) -> datetime:
    return second if first is None or second < first else first
