"""Reminders before a followed funding call closes: 30 and 7 days ahead, once, never past.

The fiches are the tests' own (``add_call_fiche``), dated relative to a fixed clock;
delivery goes through the production loop and outbox on a real database.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from meetings_helpers import PARIS, Channel, add_call_fiche, deliver_now, paris

from bot.app import Services
from bot.funding.deadlines import Deadline
from bot.meetings import reminder_text
from bot.meetings.deadlines import (
    call_occurrence,
    call_occurrences,
    due_deadline_reminders,
    next_deadline_time,
    with_deadlines,
)
from bot.meetings.reminders import DEADLINE, Plan
from bot.settings import Settings

CLOSES = date(2027, 4, 30)
DAYS = (30, 7)
FOLLOWS = (("42", "ficol"),)


def _deadline(closes: date = CLOSES, confirmed: bool = True) -> Deadline:
    return Deadline(
        fiche_id="ficol",
        scheme="FICOL (AFD)",
        edition="FICOL 2027",
        closes=closes,
        opens=date(2027, 1, 4),
        confirmed=confirmed,
        url="https://example.org/ficol",
        fiche_file="funding/ficol.yaml",
    )


def _due(now, sent=(), follows=FOLLOWS, deadline=None):
    calls = [call_occurrence(deadline or _deadline(), PARIS)]
    return due_deadline_reminders(calls, follows, now, set(sent), DAYS)


# --- the pure planning --------------------------------------------------------------------


def test_thirty_then_seven_days_before_the_closing_day_at_nine():
    assert _due(paris(2027, 3, 31, 8, 59)) == []
    [first] = _due(paris(2027, 3, 31, 9, 0))
    assert first.kind == DEADLINE and first.chat_id == "42"
    assert first.lead_minutes == 30 * 24 * 60
    assert first.due_at == paris(2027, 3, 31, 9, 0)
    # Still the 30-day one (not yet sent) until the 7-day moment.
    [again] = _due(paris(2027, 4, 22, 12, 0))
    assert again.key == first.key
    # Once sent, nothing until 7 days before.
    assert _due(paris(2027, 4, 23, 8, 59), sent=[first.key]) == []
    [second] = _due(paris(2027, 4, 23, 9, 0), sent=[first.key])
    assert second.lead_minutes == 7 * 24 * 60 and second.key != first.key
    assert _due(paris(2027, 4, 29, 18, 0), sent=[first.key, second.key]) == []


def test_only_the_nearer_reminder_when_both_are_due_and_never_the_farther_one_after():
    # Followed (or the bot back) five days before the closing day: the 7-day reminder only.
    [late] = _due(paris(2027, 4, 25, 10, 0))
    assert late.lead_minutes == 7 * 24 * 60
    assert _due(paris(2027, 4, 26, 10, 0), sent=[late.key]) == []


def test_a_past_deadline_has_no_reminder_and_is_not_planned():
    assert _due(paris(2027, 4, 30, 9, 0)) == []  # the closing day's 9:00 has come
    assert _due(paris(2027, 5, 2, 9, 0)) == []
    # Its closing day past, the call is not even turned into an occurrence.
    assert call_occurrences([_deadline()], PARIS, paris(2027, 5, 1, 0, 0)) == ()
    assert len(call_occurrences([_deadline()], PARIS, paris(2027, 4, 30, 23, 0))) == 1
    calls = call_occurrences([_deadline()], PARIS, paris(2027, 5, 1, 0, 0))
    assert next_deadline_time(calls, FOLLOWS, paris(2027, 5, 1, 0, 0), DAYS) is None


def test_only_chats_following_the_scheme_and_a_corrected_date_is_reminded_anew():
    assert _due(paris(2027, 4, 1, 10, 0), follows=(("42", "autre"),)) == []
    follows = (("42", "ficol"), ("7", "ficol"), ("7", "autre"))
    assert sorted(r.chat_id for r in _due(paris(2027, 4, 1, 10, 0), follows=follows)) == [
        "42",
        "7",
    ]
    [sent] = _due(paris(2027, 4, 1, 10, 0))
    moved = _deadline(closes=CLOSES + timedelta(days=10))
    [anew] = _due(paris(2027, 4, 11, 10, 0), sent=[sent.key], deadline=moved)
    assert anew.key != sent.key and anew.lead_minutes == 30 * 24 * 60


def test_next_moment_and_merge_into_a_meeting_plan():
    calls = [call_occurrence(_deadline(), PARIS)]
    now = paris(2027, 3, 1, 10, 0)
    assert next_deadline_time(calls, FOLLOWS, now, DAYS) == paris(2027, 3, 31, 9, 0)
    meeting_wake = paris(2027, 3, 5, 9, 0)
    merged = with_deadlines(Plan(now, (), meeting_wake), calls, FOLLOWS, set(), DAYS)
    assert merged.due == () and merged.wake_at == meeting_wake
    later = with_deadlines(Plan(now, (), None), calls, FOLLOWS, set(), DAYS)
    assert later.wake_at == paris(2027, 3, 31, 9, 0)
    due = with_deadlines(Plan(paris(2027, 4, 1, 9, 0), (), None), calls, FOLLOWS, set(), DAYS)
    assert [item.kind for item in due.due] == [DEADLINE]
    assert due.wake_at == paris(2027, 4, 23, 9, 0)


def test_the_reminder_text_and_its_ics():
    [reminder] = _due(paris(2027, 3, 31, 9, 0))
    text = reminder_text.render(reminder)
    assert text == (
        "Rappel : la clôture de l'appel « FICOL 2027 (FICOL (AFD)) » est dans 30 jours, "
        "le vendredi 30 avril 2027.\nSource : https://example.org/ficol"
    )
    ics = reminder_text.attachment(reminder)
    assert ics.filename == "2027-04-30-cloture-ficol-2027-ficol-afd.ics"
    assert b"SUMMARY:Cl\xc3\xb4ture : FICOL 2027 (FICOL (AFD))" in ics.content
    assert b"DTSTART;VALUE=DATE:20270430" in ics.content
    [unsure] = _due(paris(2027, 4, 25, 9, 0), deadline=_deadline(confirmed=False))
    assert "est dans 5 jours" in reminder_text.render(unsure)
    assert "(Date non confirmée" in reminder_text.render(unsure)


# --- through the outbox, on SQLite and PostgreSQL -------------------------------------------


def _settings(knowledge: Path, database_target: str | Path) -> Settings:
    values: dict[str, object] = {
        "knowledge_dir": knowledge,
        "calendar_urls": [],
        "funding_reminder_days": [30, 7],
    }
    if isinstance(database_target, str):
        values |= {"database_url": database_target, "state_dir": knowledge.parent / "state"}
    else:
        values["state_dir"] = database_target.parent
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_deadline_reminders_are_sent_once_across_restarts(
    knowledge: Path, database_target: str | Path
) -> None:
    add_call_fiche(
        knowledge,
        "ficol",
        [
            {"edition": "FICOL 2026", "opens": "2026-01-05", "closes": "2026-09-11"},
            {"edition": "FICOL 2027", "opens": "2027-01-04", "closes": "2027-04-30"},
        ],
        short_name="FICOL (AFD)",
    )
    settings = _settings(knowledge, database_target)
    services = Services(settings)
    assert services.subscriptions.follow_scheme("42", "ficol") is True
    channel = Channel()

    assert deliver_now(services.reminders, paris(2027, 3, 31, 8, 0), channel) == []
    sent = deliver_now(services.reminders, paris(2027, 3, 31, 9, 0), channel)
    assert [(item.kind, item.lead_minutes) for item in sent] == [(DEADLINE, 43200)]
    assert deliver_now(services.reminders, paris(2027, 3, 31, 9, 1), channel) == []

    restarted = Services(settings)  # a new process on the same database
    assert deliver_now(restarted.reminders, paris(2027, 4, 10, 9, 0), channel) == []
    assert restarted.reminders.plan(paris(2027, 4, 10, 9, 0)).wake_at == paris(2027, 4, 23, 9, 0)
    sent = deliver_now(restarted.reminders, paris(2027, 4, 23, 9, 0), channel)
    assert [item.lead_minutes for item in sent] == [7 * 24 * 60]
    again = Services(settings)
    assert deliver_now(again.reminders, paris(2027, 4, 29, 9, 0), channel) == []
    assert deliver_now(again.reminders, paris(2027, 5, 3, 9, 0), channel) == []
    assert [chat for chat, _key in channel.sent] == ["42", "42"]
    # Nothing about a closing date is kept as a meeting version to follow up on.
    assert again.reminders.outbox.state(paris(2027, 4, 29, 9, 0)).notified == ()


def test_a_failed_send_is_retried_by_the_next_sweep(
    knowledge: Path, database_target: str | Path
) -> None:
    add_call_fiche(knowledge, "aap", [{"edition": "AAP 2027", "closes": "2027-04-30"}])
    services = Services(_settings(knowledge, database_target))
    services.subscriptions.follow_scheme("42", "aap")
    channel = Channel()
    channel.fail = True
    assert deliver_now(services.reminders, paris(2027, 3, 31, 9, 0), channel) == []
    channel.fail = False
    assert len(deliver_now(services.reminders, paris(2027, 3, 31, 9, 1), channel)) == 1
    assert deliver_now(services.reminders, paris(2027, 3, 31, 9, 2), channel) == []


def test_unfollowing_or_forgetting_stops_deadline_reminders(
    knowledge: Path, database_target: str | Path
) -> None:
    add_call_fiche(knowledge, "aap", [{"edition": "AAP 2027", "closes": "2027-04-30"}])
    services = Services(_settings(knowledge, database_target))
    services.subscriptions.follow_scheme("42", "aap")
    services.subscriptions.follow_scheme("7", "aap")
    assert services.subscriptions.unfollow_scheme("42", "aap") is True
    services.forget_chat("7")
    assert services.reminders.plan(paris(2027, 3, 31, 9, 0)).due == ()


@pytest.mark.parametrize("days", [[0], [400]])
def test_the_days_setting_is_checked(days: list[int]) -> None:
    with pytest.raises(ValueError, match="CUF_FUNDING_REMINDER_DAYS"):
        Settings(_env_file=None, funding_reminder_days=days)  # type: ignore[call-arg]


def test_the_days_setting_reads_a_comma_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUF_FUNDING_REMINDER_DAYS", "7, 30,14")
    assert Settings(_env_file=None).funding_reminder_days == [30, 14, 7]  # type: ignore[call-arg]
    monkeypatch.setenv("CUF_FUNDING_REMINDER_DAYS", "")
    assert Settings(_env_file=None).funding_reminder_days == [30, 7]  # type: ignore[call-arg]
