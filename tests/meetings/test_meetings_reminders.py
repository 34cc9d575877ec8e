"""Reminders: pure scheduling, exactly-once delivery across crashes, restarts and reloads."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from meetings_helpers import Channel, add_calendar, deliver_now, paris, pending, start_reminders

from bot.cli.meetings import following_ics
from bot.meetings.outbox import Outbox
from bot.meetings.planner import ReminderPlanner
from bot.meetings.reminder_text import attachment as ics_of
from bot.meetings.reminder_text import render
from bot.meetings.reminders import (
    CANCELLED_NOTICE,
    MOVED,
    REMINDER,
    Reminder,
    due_reminders,
)
from bot.meetings.schedule import Occurrence
from bot.meetings.subscriptions import Subscription, SubscriptionStore
from bot.settings import Settings

START = paris(2027, 3, 10, 14, 0)
NEW_START = paris(2027, 3, 11, 10, 0)


def key(chat: str, lead: int, start=START, uid: str = "m1", occurrence_key: str = "") -> str:
    """The idempotency key of a reminder."""
    utc = start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{chat}|{uid}|{occurrence_key}|{lead}|{utc}"


def occurrence(uid: str = "m1", groups: tuple[str, ...] = ("mali",), **changes) -> Occurrence:
    values = dict(
        uid=uid,
        occurrence_key="",
        title="Réunion du groupe-pays Mali",
        start=START,
        end=START + timedelta(hours=2),
        all_day=False,
        location="Cités Unies France",
        groups=groups,
    )
    values.update(changes)
    return Occurrence(**values)


def keys(reminders: list[Reminder]) -> list[str]:
    return [reminder.key for reminder in reminders]


# --- the pure function ----------------------------------------------------------------


def test_day_before_then_hour_before():
    subs = [Subscription("c1", frozenset({"mali"}))]
    meeting = [occurrence()]
    sent: set[str] = set()

    assert due_reminders(meeting, subs, START - timedelta(hours=25), sent) == []
    day = due_reminders(meeting, subs, START - timedelta(hours=24), sent)
    assert keys(day) == [key("c1", 1440)]
    assert render(day[0]) == (
        "Rappel : « Réunion du groupe-pays Mali » commence demain : "
        "mercredi 10 mars 2027 à 14 h (fin à 16 h).\nLieu : Cités Unies France"
    )
    sent.add(day[0].key)
    assert due_reminders(meeting, subs, START - timedelta(hours=2), sent) == []
    hour = due_reminders(meeting, subs, START - timedelta(minutes=60), sent)
    assert keys(hour) == [key("c1", 60)]
    assert render(hour[0]).startswith(
        "Rappel : « Réunion du groupe-pays Mali » commence dans 1 h :"
    )
    sent.add(hour[0].key)
    assert due_reminders(meeting, subs, START - timedelta(minutes=5), sent) == []
    assert due_reminders(meeting, subs, START, set()) == []  # started: too late


def test_late_start_sends_only_the_nearest_reminder():
    subs = [Subscription("c1", frozenset({"mali"}))]
    late = due_reminders([occurrence()], subs, START - timedelta(minutes=30), set())
    assert keys(late) == [key("c1", 60)]
    assert "commence dans 30 min" in render(late[0])


def test_per_chat_leads_one_reminder_per_chat_and_meeting():
    subs = [
        Subscription("c1", frozenset({"mali", "climat"})),
        Subscription("c2", frozenset({"climat"}), leads=(15,)),
        Subscription("c3", frozenset({"japon"})),
    ]
    meeting = [occurrence(groups=("mali", "climat"))]
    assert keys(due_reminders(meeting, subs, START - timedelta(minutes=50), set())) == [
        key("c1", 60)
    ]
    assert keys(due_reminders(meeting, subs, START - timedelta(minutes=10), {key("c1", 60)})) == [
        key("c2", 15)
    ]


def test_cancelled_and_ungrouped_meetings_get_no_reminder():
    subs = [Subscription("c1", frozenset({"mali"}))]
    meetings = [occurrence(status="CANCELLED"), occurrence(uid="m2", groups=())]
    assert due_reminders(meetings, subs, START - timedelta(minutes=30), set()) == []


def test_tentative_meeting_reminder_says_so():
    subs = [Subscription("c1", frozenset({"mali"}))]
    [reminder] = due_reminders(
        [occurrence(status="TENTATIVE")], subs, START - timedelta(hours=1), set()
    )
    assert render(reminder).endswith("(Réunion provisoire, à confirmer.)")


def test_reminder_carries_an_ics_of_the_occurrence():
    subs = [Subscription("c1", frozenset({"mali"}))]
    [reminder] = due_reminders([occurrence()], subs, START - timedelta(hours=1), set())
    attachment = ics_of(reminder)
    assert attachment.filename == "2027-03-10-reunion-du-groupe-pays-mali.ics"
    text = attachment.content.decode()
    assert "DTSTART:20270310T130000Z" in text and "DTEND:20270310T150000Z" in text
    assert "UID:m1" in text and "LOCATION:Cités Unies France" in text


# --- the service: outbox on SQLite --------------------------------------------------------


def calendar_text(
    start: str = "20270310T140000",
    end: str = "20270310T160000",
    location: str = "Cités Unies France",
    status: str = "CONFIRMED",
    stamp: str = "20270101T000000Z",
) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Tests//Rappels//FR\r\n"
        "BEGIN:VEVENT\r\nUID:m1\r\n"
        f"DTSTAMP:{stamp}\r\nDTSTART;TZID=Europe/Paris:{start}\r\n"
        f"DTEND;TZID=Europe/Paris:{end}\r\nSUMMARY:Réunion du groupe-pays Mali\r\n"
        f"LOCATION:{location}\r\nSTATUS:{status}\r\nCATEGORIES:Groupe-pays Mali\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


@pytest.fixture
def settings(knowledge: Path, tmp_path: Path, database_target: str | Path) -> Settings:
    """The meetings settings, on SQLite or on a fresh PostgreSQL database."""
    url = database_target if isinstance(database_target, str) else None
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        knowledge_dir=knowledge,
        state_dir=tmp_path / "state",
        calendar_urls=[],
        reminder_leads_minutes=[1440, 60],
        database_url=url,
    )


def start_app(settings: Settings) -> tuple[ReminderPlanner, SubscriptionStore]:
    return start_reminders(settings)


@pytest.fixture
def app(knowledge: Path, settings: Settings) -> tuple[ReminderPlanner, SubscriptionStore]:
    add_calendar(knowledge, "mali.ics", calendar_text())
    service, subscriptions = start_app(settings)
    subscriptions.follow("c1", "mali")
    return service, subscriptions


def test_crash_after_computing_before_sending_loses_nothing(app, settings):
    service, _ = app
    now = START - timedelta(hours=23)
    assert keys(pending(service, now)) == [key("c1", 1440)]
    # Crash: the process dies here, nothing was claimed or sent. Restart.
    restarted, _ = start_app(settings)
    outbox = Channel()
    assert keys(deliver_now(restarted, now, outbox)) == [key("c1", 1440)]
    assert outbox.sent == [("c1", key("c1", 1440))]
    # Another tick, and another restart: nothing is sent twice.
    assert deliver_now(restarted, now + timedelta(minutes=1), outbox) == []
    again, _ = start_app(settings)
    assert pending(again, now + timedelta(minutes=2)) == []
    assert deliver_now(again, now + timedelta(minutes=2), outbox) == []
    assert outbox.sent == [("c1", key("c1", 1440))]


def test_crash_during_send_is_retried_after_the_lease(app, settings):
    service, _ = app
    now = START - timedelta(minutes=60)
    [reminder] = pending(service, now)
    assert service.outbox.claim(reminder, now) is True
    # Crash while sending (before mark_sent). A restart within the lease waits…
    restarted, _ = start_app(settings)
    assert pending(restarted, now + timedelta(minutes=1)) == []
    # …then, the claim having expired, the reminder is still due and goes out once.
    outbox = Channel()
    later = now + timedelta(minutes=11)
    assert keys(deliver_now(restarted, later, outbox)) == [key("c1", 60)]
    assert deliver_now(restarted, later + timedelta(minutes=1), outbox) == []
    assert outbox.sent == [("c1", key("c1", 60))]


def test_two_workers_cannot_claim_the_same_reminder(app, settings):
    service, _ = app
    other, _ = start_app(settings)
    now = START - timedelta(minutes=60)
    [reminder] = pending(service, now)
    assert service.outbox.claim(reminder, now) is True
    assert other.outbox.claim(reminder, now) is False
    assert pending(other, now) == []


def _finished_process_worker() -> str:
    """The worker name of a process of this machine that has exited since."""
    code = "from bot.workers import this_worker; print(this_worker())"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return result.stdout.strip()


def test_a_claim_of_a_process_gone_is_taken_over_at_once(app, settings):
    service, _ = app
    now = START - timedelta(minutes=60)
    [reminder] = pending(service, now)
    outbox = service.outbox
    dead = Outbox(outbox.database, outbox.timezone, worker=_finished_process_worker())
    assert dead.claim(reminder, now) is True  # then the process died before sending

    restarted, _ = start_app(settings)
    assert keys(pending(restarted, now)) == [key("c1", 60)]  # no wait for the lease
    channel = Channel()
    assert keys(deliver_now(restarted, now, channel)) == [key("c1", 60)]
    assert deliver_now(restarted, now + timedelta(minutes=1), channel) == []


def test_a_claim_of_a_live_or_remote_worker_waits_for_its_lease(app, settings):
    service, _ = app
    now = START - timedelta(minutes=60)
    [reminder] = pending(service, now)
    outbox = service.outbox
    remote = Outbox(outbox.database, outbox.timezone, worker="another-host/1234/5678")
    assert remote.claim(reminder, now) is True
    assert outbox.claim(reminder, now + timedelta(minutes=1)) is False
    assert pending(service, now + timedelta(minutes=1)) == []
    assert outbox.claim(reminder, now + timedelta(minutes=11)) is True


def test_failed_send_is_released_and_retried(app):
    service, _ = app
    now = START - timedelta(minutes=60)
    outbox = Channel()
    outbox.fail = True
    assert deliver_now(service, now, outbox) == []
    outbox.fail = False
    assert keys(deliver_now(service, now + timedelta(minutes=1), outbox)) == [key("c1", 60)]
    assert outbox.sent == [("c1", key("c1", 60))]


def test_calendar_reload_never_resends(app, knowledge, settings):
    service, _ = app
    now = START - timedelta(hours=24)
    outbox = Channel()
    deliver_now(service, now, outbox)
    # Same meeting, calendar re-exported (new DTSTAMP) and re-read.
    add_calendar(knowledge, "mali.ics", calendar_text(stamp="20270305T120000Z"))
    service.agenda.refresh()
    assert deliver_now(service, now + timedelta(minutes=5), outbox) == []
    restarted, _ = start_app(settings)
    assert deliver_now(restarted, now + timedelta(minutes=10), outbox) == []
    assert outbox.sent == [("c1", key("c1", 1440))]


def test_moved_meeting_sends_one_notice_to_those_reminded(app, knowledge, settings):
    service, subscriptions = app
    outbox = Channel()
    deliver_now(service, START - timedelta(hours=24), outbox)
    deliver_now(service, START - timedelta(hours=1), outbox)
    subscriptions.follow("c2", "mali")  # follows, but was never reminded of it
    add_calendar(
        knowledge,
        "mali.ics",
        calendar_text(start="20270311T100000", end="20270311T120000", location="Visioconférence"),
    )
    service.agenda.refresh()
    now = START - timedelta(minutes=30)

    notice, reminder = pending(service, now)
    assert (notice.kind, notice.chat_id) == (MOVED, "c1")
    assert render(notice) == (
        "Changement : « Réunion du groupe-pays Mali » a été modifiée.\n"
        "Avant : mercredi 10 mars 2027 à 14 h (fin à 16 h), Cités Unies France\n"
        "Désormais : jeudi 11 mars 2027 à 10 h (fin à 12 h), Visioconférence"
    )
    assert "DTSTART:20270311T090000Z" in ics_of(notice).content.decode()
    # The notice stands for c1's day-before reminder of the new date (no second message);
    # c2 was never reminded: no notice, but the new date is within a day, so its reminder.
    assert notice.covers == (key("c1", 1440, NEW_START),)
    assert (reminder.kind, reminder.key) == (REMINDER, key("c2", 1440, NEW_START))
    deliver_now(service, now, outbox)
    restarted, _ = start_app(settings)
    assert pending(restarted, now + timedelta(minutes=1)) == []
    assert outbox.sent == [
        ("c1", key("c1", 1440)),
        ("c1", key("c1", 60)),
        ("c1", f"c1|m1||update|{notice.occurrence.fingerprint()}"),
        ("c2", key("c2", 1440, NEW_START)),
    ]
    assert pending(restarted, NEW_START - timedelta(hours=20)) == []
    # The hour before the new time, both get the hour-before reminder.
    assert keys(pending(restarted, NEW_START - timedelta(hours=1))) == [
        key("c1", 60, NEW_START),
        key("c2", 60, NEW_START),
    ]


def test_cancelled_meeting_sends_one_notice(app, knowledge, settings):
    service, _ = app
    outbox = Channel()
    deliver_now(service, START - timedelta(hours=24), outbox)
    add_calendar(knowledge, "mali.ics", calendar_text(status="CANCELLED"))
    service.agenda.refresh()
    now = START - timedelta(hours=3)

    [notice] = pending(service, now)
    assert notice.kind == CANCELLED_NOTICE
    assert render(notice) == (
        "Annulation : « Réunion du groupe-pays Mali », prévue le mercredi 10 mars 2027 "
        "à 14 h, est annulée."
    )
    content = ics_of(notice).content.decode()
    assert "METHOD:CANCEL" in content and "STATUS:CANCELLED" in content
    deliver_now(service, now, outbox)
    # Removed from the calendar afterwards: still only one notice; no hour-before reminder.
    add_calendar(knowledge, "mali.ics", EMPTY_CALENDAR)
    service.agenda.refresh()
    assert service.agenda.complete is True
    assert pending(service, START - timedelta(hours=1)) == []
    assert [key.split("|")[-2:] for _, key in outbox.sent][1][0] == "update"
    assert len(outbox.sent) == 2


EMPTY_CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Tests//Rappels//FR\r\nEND:VCALENDAR\r\n"
)


def test_meeting_removed_from_calendar_is_a_cancellation(app, knowledge):
    service, _ = app
    deliver_now(service, START - timedelta(hours=24), Channel())
    add_calendar(knowledge, "mali.ics", EMPTY_CALENDAR)  # the file loads, the event is gone
    service.agenda.refresh()
    [notice] = pending(service, START - timedelta(hours=3))
    assert (notice.kind, notice.key) == (CANCELLED_NOTICE, "c1|m1||update|removed")


def test_missing_calendar_file_is_never_a_cancellation(app, knowledge):
    service, _ = app
    deliver_now(service, START - timedelta(hours=24), Channel())
    (knowledge / "meetings" / "mali.ics").unlink()
    service.agenda.refresh()
    assert pending(service, START - timedelta(hours=3)) == []


def test_no_false_cancellation_when_a_calendar_fails_to_load(app, knowledge):
    service, _ = app
    deliver_now(service, START - timedelta(hours=24), Channel())
    add_calendar(knowledge, "mali.ics", "this file got corrupted")
    service.agenda.refresh()
    assert service.agenda.complete is False
    assert pending(service, START - timedelta(hours=3)) == []


def test_recurring_instance_keys_survive_reload(knowledge, settings):
    add_calendar(knowledge, "cases.ics")
    service, subscriptions = start_app(settings)
    subscriptions.follow("c1", "mali")
    now = paris(2027, 3, 16, 14, 30)  # the moved instance is on the 17th at 14:00
    [reminder] = pending(service, now)
    assert reminder.key == key(
        "c1", 1440, paris(2027, 3, 17, 14, 0), "mali-weekly@test", "20270316T090000Z"
    )
    assert reminder.kind == REMINDER


def test_next_due_time_and_forget(app):
    service, subscriptions = app
    now = START - timedelta(days=3)
    assert service.plan(now).wake_at == START - timedelta(hours=24)
    assert service.plan(START - timedelta(hours=2)).wake_at == START - timedelta(hours=1)
    deliver_now(service, START - timedelta(hours=1), Channel())
    service.forget("c1")
    subscriptions.forget("c1")
    assert pending(service, START - timedelta(minutes=30)) == []
    assert service.plan(now).wake_at is None


def test_following_ics_lists_followed_meetings(app):
    service, subscriptions = app
    moment = START - timedelta(days=1)
    content = following_ics(service.agenda, subscriptions, "c1", moment, 365).content.decode()
    assert content.count("BEGIN:VEVENT") == 1 and "SUMMARY:Réunion du groupe-pays Mali" in content
    empty = following_ics(service.agenda, subscriptions, "nobody", moment, 365).content.decode()
    assert "BEGIN:VEVENT" not in empty


def test_all_day_event_reminders_count_back_from_nine():
    subs = [Subscription("c1", frozenset({"raict"}))]
    raict = occurrence(
        uid="raict",
        groups=("raict",),
        title="RAICT",
        start=paris(2027, 9, 29),
        end=paris(2027, 10, 1),
        all_day=True,
        location="Paris",
    )
    assert due_reminders([raict], subs, paris(2027, 9, 28, 8, 59), set()) == []
    [day_before] = due_reminders([raict], subs, paris(2027, 9, 28, 9, 0), set())
    assert day_before.lead_minutes == 1440
    assert render(day_before) == (
        "Rappel : « RAICT » commence demain : du mercredi 29 septembre au "
        "jeudi 30 septembre 2027.\nLieu : Paris"
    )
    [hour_before] = due_reminders([raict], subs, paris(2027, 9, 29, 8, 0), {day_before.key})
    assert hour_before.lead_minutes == 60
    assert render(hour_before).startswith("Rappel : « RAICT » commence aujourd’hui :")


# --- the per-minute sweep ---------------------------------------------------------------


def test_a_sweep_with_nothing_due_expands_no_calendar(app, knowledge, settings):
    service, subscriptions = app
    start = START - timedelta(hours=24)
    assert keys(deliver_now(service, start, Channel())) == [key("c1", 1440)]
    expansions = service.expansions
    for minute in range(1, 61):  # an hour of sweeps: the sent log changed once, then nothing
        plan = service.plan(start + timedelta(minutes=minute))
        assert plan.due == () and plan.wake_at == START - timedelta(hours=1)
    assert service.expansions == expansions + 1
    # Anything that may make a message due is seen at the next sweep: a new follower…
    subscriptions.follow("c2", "mali")
    assert keys(pending(service, start + timedelta(minutes=61))) == [key("c2", 1440)]
    deliver_now(service, start + timedelta(minutes=61), Channel())
    # …a calendar re-read (here the meeting moved: a notice)…
    add_calendar(knowledge, "mali.ics", calendar_text(location="Visioconférence"))
    service.agenda.refresh()
    assert {r.kind for r in pending(service, start + timedelta(minutes=62))} == {MOVED}
    # …and the wake-up moment itself, even with nothing else changed.
    restarted, _ = start_app(settings)
    channel = Channel()
    deliver_now(restarted, start + timedelta(minutes=62), channel)
    assert restarted.plan(START - timedelta(minutes=61)).due == ()
    assert keys(pending(restarted, START - timedelta(hours=1))) == [key("c1", 60), key("c2", 60)]


def test_an_expired_claim_wakes_the_planner(app, settings):
    service, _ = app
    now = START - timedelta(minutes=60)
    [reminder] = pending(service, now)
    assert service.outbox.claim(reminder, now)  # a worker that then dies
    quiet = service.plan(now + timedelta(minutes=1))
    assert quiet.due == () and quiet.wake_at == now + timedelta(minutes=10)
    assert service.plan(now + timedelta(minutes=5)).due == ()
    assert keys(pending(service, now + timedelta(minutes=10))) == [key("c1", 60)]
    channel = Channel()
    deliver_now(service, now + timedelta(minutes=10), channel)
    assert service.outbox.attempts(reminder.key) == 2  # claimed twice, sent once
    assert channel.sent == [("c1", key("c1", 60))]


def test_reminder_wording_comes_from_the_message_catalog():
    from bot.messages import message

    [reminder] = due_reminders(
        [occurrence()], [Subscription("c1", frozenset({"mali"}))], START - timedelta(hours=1), set()
    )
    first_line = render(reminder).splitlines()[0]
    assert first_line == message(
        "reminder",
        title="Réunion du groupe-pays Mali",
        delay="dans 1 h",
        when="mercredi 10 mars 2027 à 14 h (fin à 16 h)",
    )
    assert not hasattr(reminder, "text")
