"""Bad calendars, slow feeds and broken notes never stop the agenda or the reminders.

Regression tests for issue 14 (items 1, 2, 3 and 7): impossible dates in notes,
slow and huge calendar URLs, endless recurrence rules, 100,000 events, false
cancellations and their correction, reminder leads shorter than the outbox lease.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from feed_server import FeedServer, serving
from meetings_helpers import (
    Channel,
    add_calendar,
    deliver_now,
    paris,
    pending,
    run_cli,
    start_reminders,
)

from bot.app import Services, build_agenda
from bot.meetings.agenda import Agenda
from bot.meetings.planner import ReminderPlanner
from bot.meetings.reminder_text import attachment as ics_of
from bot.meetings.reminder_text import render
from bot.meetings.reminders import CANCELLED_NOTICE, REMINDER, RESTORED
from bot.meetings.subscriptions import SubscriptionStore
from bot.settings import Settings

START = paris(2027, 3, 10, 14, 0)
NOW = paris(2027, 3, 1, 9, 0)
HEADER = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Tests//Robustesse//FR\r\n"
FOOTER = "END:VCALENDAR\r\n"


def event(uid: str, start: str = "20270310T140000", extra: str = "", title: str = "") -> str:
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20270101T000000Z\r\n"
        f"DTSTART;TZID=Europe/Paris:{start}\r\nDURATION:PT2H\r\n"
        f"SUMMARY:{title or 'Réunion du groupe-pays Mali'}\r\n"
        f"CATEGORIES:Groupe-pays Mali\r\n{extra}END:VEVENT\r\n"
    )


def calendar(*events: str) -> str:
    return HEADER + "".join(events) + FOOTER


def start_app(settings: Settings) -> tuple[ReminderPlanner, SubscriptionStore]:
    return start_reminders(settings)


# --- item 1: one bad note never stops the agenda nor the reminder sweeps ---------------


def test_note_with_impossible_date_keeps_agenda_and_reminders(knowledge, settings, capsys):
    add_calendar(knowledge, "mali.ics", calendar(event("m1")))
    (knowledge / "notes" / "cr.md").write_text(
        "---\ntitle: CR\ndate: 2024-02-30\ngroup: mali\n---\n# CR\nTexte.\n", encoding="utf-8"
    )
    services = Services(settings)
    assert run_cli(services, "follow", "mali", "--chat", "7") == 0

    assert run_cli(services, "agenda", "--now", "2027-03-01T09:00") == 0
    captured = capsys.readouterr()
    assert "Réunion du groupe-pays Mali" in captured.out
    assert "cr.md: note skipped" in captured.err and "day is out of range" in captured.err

    assert run_cli(services, "reminders-due", "--now", "2027-03-09T14:00") == 0
    assert "7|m1||1440|" in capsys.readouterr().out


# --- item 2: slow and huge calendar URLs -------------------------------------------------


@pytest.fixture
def feed() -> Iterator[FeedServer]:
    with serving(FeedServer(path="/agenda.ics?token=s3cret")) as server:
        yield server


def uids(agenda: Agenda) -> set[str]:
    return {item.uid for item in agenda.upcoming(NOW, days=40)}


def test_slow_calendar_is_cut_off_and_readers_never_wait(settings, feed):
    feed.body = calendar(event("m1")).encode()
    url_settings = settings.model_copy(
        update={"calendar_urls": [feed.url], "calendar_fetch_seconds": 1.0}
    )
    assert uids(build_agenda(url_settings)) == {"m1"}  # fetched, and cached

    feed.body = calendar(event("m2")).encode()
    feed.drip = True
    # Synchronous refresh (the CLI, the refresh job): cut off at the deadline.
    agenda = build_agenda(url_settings)
    errors = agenda.refresh()
    assert [error.reason for error in errors] == ["fetch failed (too slow (over 1 s))"]
    assert uids(agenda) == {"m1"}  # the last good copy

    # The bot (background): the first read returns the last good copy while the
    # fetch is still hanging on the slow server.
    services = Services(url_settings)
    services.background = True
    assert uids(services.agenda) == {"m1"}
    assert services.agenda.fetching  # the reader did not wait for it
    services.agenda.wait_for_fetch(timeout=60)
    assert not services.agenda.fetching
    assert "too slow" in str(services.agenda.errors)
    assert uids(services.agenda) == {"m1"}

    # Once the feed is healthy again, a refresh brings the new copy in.
    feed.drip = False
    services.agenda.refresh()
    assert uids(services.agenda) == {"m2"}


def test_oversized_calendars_are_refused(settings, feed, knowledge):
    padding = "X-PAD:" + "x" * 70 + "\r\n"
    feed.body = calendar(event("m1", extra=padding * 20_000)).encode()  # about 1.5 MB
    small = settings.model_copy(
        update={"calendar_urls": [feed.url], "calendar_max_bytes": 1_000_000}
    )
    add_calendar(knowledge, "huge.ics", feed.body.decode())
    add_calendar(knowledge, "mali.ics", calendar(event("m2")))
    agenda = build_agenda(small)
    assert uids(agenda) == {"m2"}
    reasons = [str(error) for error in agenda.errors]
    assert any(reason.startswith("huge.ics: too large") for reason in reasons)
    assert any("fetch failed (too large" in reason for reason in reasons)
    assert all("s3cret" not in reason for reason in reasons)


# --- item 7: endless rules and huge calendars --------------------------------------------


def test_endless_rules_are_skipped_and_named(knowledge, settings, capsys):
    add_calendar(
        knowledge,
        "rules.ics",
        calendar(
            event("secondly", extra="RRULE:FREQ=SECONDLY\r\n"),
            event("minutely", extra="RRULE:FREQ=MINUTELY\r\n"),
            event("hours", extra="RRULE:FREQ=DAILY;BYHOUR=0,2,4,6,8,10,12,14,16,18,20,22\r\n"),
            event("weekly", extra="RRULE:FREQ=WEEKLY;COUNT=4\r\n"),
        ),
    )
    services = Services(settings)
    assert run_cli(services, "follow", "mali", "--chat", "7") == 0
    assert run_cli(services, "agenda", "--now", "2027-03-01T09:00", "--days", "40", "--json") == 0
    captured = capsys.readouterr()
    assert captured.out.count('"uid": "weekly"') == 4
    for uid in ("secondly", "minutely", "hours"):
        assert f"rules.ics: event '{uid}' skipped: repeats more than 4 times a day" in captured.err
    # A sweep just before a meeting has one reminder, not 1,440.
    assert run_cli(services, "reminders-due", "--now", "2027-03-10T13:00") == 0
    assert capsys.readouterr().out.count("--- chat 7") == 1


def test_event_count_and_occurrences_are_capped(knowledge, settings):
    many = "".join(event(f"e{n}", start="20270310T140000") for n in range(6_000))
    add_calendar(knowledge, "many.ics", calendar(many))
    add_calendar(
        knowledge,
        "daily.ics",
        calendar(event("twice-a-day", extra="RRULE:FREQ=DAILY;BYHOUR=9,14\r\n")),
    )
    agenda = build_agenda(settings)
    assert "many.ics: more than 5000 events: the rest skipped" in [str(e) for e in agenda.errors]
    assert len({item.uid for item in agenda.occurrences(NOW, NOW + timedelta(days=30))}) == 5_001
    # 800 days of a twice-daily rule is more than the cap per rule: expansion stops there,
    # and neither calendar counts as complete (nothing missing from it means "removed").
    found, complete = agenda.find_with_sources({("twice-a-day", "x")}, NOW)
    assert found == {} and complete == frozenset()


def test_one_hundred_thousand_events_are_refused_by_size(knowledge, settings):
    many = "".join(event(f"e{n}") for n in range(100_000))
    add_calendar(knowledge, "enorme.ics", calendar(many))
    add_calendar(knowledge, "mali.ics", calendar(event("m1")))
    agenda = build_agenda(settings)
    assert uids(agenda) == {"m1"}
    assert str(agenda.errors[0]).startswith("enorme.ics: too large")


# --- item 3: cancellations only when a complete calendar says so -------------------------


@pytest.fixture
def app(knowledge: Path, settings: Settings) -> tuple[ReminderPlanner, SubscriptionStore]:
    add_calendar(knowledge, "mali.ics", calendar(event("m1")))
    service, subscriptions = start_app(settings)
    for chat in range(40):
        subscriptions.follow(str(chat), "mali")
    return service, subscriptions


def test_renamed_or_missing_calendar_is_never_a_cancellation(app, knowledge):
    service, _ = app
    assert len(deliver_now(service, START - timedelta(hours=24), Channel())) == 40
    path = knowledge / "meetings" / "mali.ics"
    path.rename(path.with_name("mali-renamed.tmp"))  # gone for a while
    service.agenda.refresh()
    assert deliver_now(service, START - timedelta(hours=3), Channel()) == []
    path.with_name("mali-renamed.tmp").rename(path.with_name("mali-2027.ics"))  # renamed
    service.agenda.refresh()
    assert deliver_now(service, START - timedelta(hours=2), Channel()) == []
    hour = deliver_now(service, START - timedelta(hours=1), Channel())
    assert {reminder.kind for reminder in hour} == {REMINDER} and len(hour) == 40


def test_unreachable_url_is_never_a_cancellation(settings, feed):
    feed.body = calendar(event("m1")).encode()
    url_settings = settings.model_copy(update={"calendar_urls": [feed.url]})
    service, subscriptions = start_app(url_settings)
    subscriptions.follow("1", "mali")
    assert len(deliver_now(service, START - timedelta(hours=24), Channel())) == 1
    for cached in (settings.state_dir / "calendars").glob("*.ics"):
        cached.unlink()  # no last good copy either
    feed.httpd.shutdown()
    feed.httpd.server_close()
    restarted, _ = start_app(url_settings)
    assert deliver_now(restarted, START - timedelta(hours=3), Channel()) == []


def test_a_wrongly_cancelled_meeting_that_comes_back_gets_a_correction(app, knowledge):
    service, _ = app
    deliver_now(service, START - timedelta(hours=24), Channel())
    add_calendar(knowledge, "mali.ics", calendar(event("other", start="20270320T140000")))
    service.agenda.refresh()
    cancelled = deliver_now(service, START - timedelta(hours=3), Channel())
    assert {notice.kind for notice in cancelled} == {CANCELLED_NOTICE} and len(cancelled) == 40

    add_calendar(knowledge, "mali.ics", calendar(event("m1")))  # it was a mistake
    service.agenda.refresh()
    outbox = Channel()
    corrections = deliver_now(service, START - timedelta(hours=1), outbox)
    assert {notice.kind for notice in corrections} == {RESTORED} and len(corrections) == 40
    assert render(corrections[0]) == (
        "Rectificatif : « Réunion du groupe-pays Mali » n'est pas annulée, elle a bien lieu : "
        "mercredi 10 mars 2027 à 14 h (fin à 16 h)."
    )
    assert "STATUS:CANCELLED" not in ics_of(corrections[0]).content.decode()
    # The hour-before reminder due at the same time is folded into the correction.
    assert deliver_now(service, START - timedelta(minutes=30), Channel()) == []


def test_explicit_cancellation_still_notifies(app, knowledge):
    service, _ = app
    deliver_now(service, START - timedelta(hours=24), Channel())
    add_calendar(knowledge, "mali.ics", calendar(event("m1", extra="STATUS:CANCELLED\r\n")))
    service.agenda.refresh()
    notices = deliver_now(service, START - timedelta(hours=3), Channel())
    assert {notice.kind for notice in notices} == {CANCELLED_NOTICE} and len(notices) == 40


# --- item 4: leads shorter than the outbox lease ----------------------------------------


def test_a_short_lead_reminder_survives_a_crash_between_claim_and_send(knowledge, settings):
    add_calendar(knowledge, "mali.ics", calendar(event("m1")))
    service, subscriptions = start_app(settings)
    subscriptions.follow("7", "mali")
    subscriptions.set_leads("7", (5,))
    now = START - timedelta(minutes=5)
    [reminder] = pending(service, now)
    assert service.outbox.lease_for(reminder, now) == timedelta(minutes=2, seconds=30)
    assert service.outbox.claim(reminder, now)  # then the process dies before sending

    restarted, _ = start_app(settings)
    assert pending(restarted, now + timedelta(minutes=2)) == []  # the lease still holds
    later = now + timedelta(minutes=2, seconds=31)
    sent = deliver_now(restarted, later, Channel())
    assert [item.key for item in sent] == [reminder.key]


def test_slow_fetch_never_blocks_reminder_sweeps(settings, feed):
    feed.body = calendar(event("m1")).encode()
    url_settings = settings.model_copy(
        update={"calendar_urls": [feed.url], "calendar_fetch_seconds": 30.0}
    )
    build_agenda(url_settings).refresh()  # a last good copy
    feed.drip = True
    services = Services(url_settings)
    services.background = True
    services.subscriptions.follow("7", "mali")
    due = services.reminders.plan(START - timedelta(hours=1)).due
    assert services.agenda.fetching  # the sweep ran on the last good copy meanwhile
    assert [reminder.chat_id for reminder in due] == ["7"]
    feed.stop.set()
    deadline = time.monotonic() + 60
    while services.agenda.fetching and time.monotonic() < deadline:
        time.sleep(0.05)
