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
    # /mes_donnees shows the schemes followed; /oublier erases them.
    from bot.staff.privacy import export_chat

    now = paris(2027, 3, 31, 9, 0)
    exported = export_chat(services.database, "7", None, now)["tables"]
    assert exported["funding_follows"] == [{"chat_id": "7", "fiche_id": "aap"}]
    services.forget_chat("7")
    assert "funding_follows" not in export_chat(services.database, "7", None, now)["tables"]
    assert services.reminders.plan(now).due == ()


@pytest.mark.parametrize("days", [[0], [400]])
def test_the_days_setting_is_checked(days: list[int]) -> None:
    with pytest.raises(ValueError, match="CUF_FUNDING_REMINDER_DAYS"):
        Settings(_env_file=None, funding_reminder_days=days)  # type: ignore[call-arg]


def test_the_days_setting_reads_a_comma_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUF_FUNDING_REMINDER_DAYS", "7, 30,14")
    assert Settings(_env_file=None).funding_reminder_days == [30, 14, 7]  # type: ignore[call-arg]
    monkeypatch.setenv("CUF_FUNDING_REMINDER_DAYS", "")
    assert Settings(_env_file=None).funding_reminder_days == [30, 7]  # type: ignore[call-arg]


# --- the command line: follow a scheme, the agenda's closing dates ---------------------------


def _ficol(knowledge: Path) -> None:
    add_call_fiche(
        knowledge,
        "afd_ficol",
        [
            {"edition": "FICOL 2026", "opens": "2026-01-05", "closes": "2027-02-26"},
            {"edition": "FICOL 2027", "opens": "2027-01-04", "closes": "2027-03-20"},
            {
                "edition": "FICOL 2027 bis",
                "opens": "2027-04-01",
                "closes": "2027-05-31",
                "confirmed": False,
                "source": "https://example.org/ficol-bis",
            },
        ],
        short_name="FICOL",
    )
    add_call_fiche(knowledge, "fonds", [], short_name="Fonds", category="dispositif_legal")


def test_cli_follows_a_scheme_like_a_group(knowledge, settings, capsys):
    from meetings_helpers import run_cli

    _ficol(knowledge)
    services = Services(settings)
    assert run_cli(services, "follow", "ficol", "--chat", "42") == 0
    assert run_cli(services, "follow", "FICOL", "--chat", "42") == 0
    assert run_cli(services, "follow", "mali", "--chat", "42") == 0
    assert capsys.readouterr().out.splitlines() == [
        "Vous suivez désormais : FICOL.",
        "Rappel 30 et 7 jours avant la clôture de chacun de ses appels.",
        "Vous suiviez déjà : FICOL.",
        "Vous suivez désormais : Groupe-pays Mali.",
    ]
    assert run_cli(Services(settings), "following", "--chat", "42") == 0
    assert capsys.readouterr().out.splitlines() == [
        "mali                       Groupe-pays Mali",
        "afd_ficol                  FICOL (dispositif)",
    ]
    # A scheme without calls (a law, an institution) is not something to follow.
    assert run_cli(services, "follow", "Fonds", "--chat", "42") == 1
    err = capsys.readouterr().err
    assert "Groupe inconnu : « Fonds »." in err and "python -m bot funding" in err
    assert run_cli(services, "unfollow", "afd_ficol", "--chat", "42") == 0
    assert run_cli(services, "unfollow", "afd_ficol", "--chat", "42") == 0
    assert capsys.readouterr().out.splitlines() == [
        "Vous ne suivez plus : FICOL.",
        "Vous ne suiviez pas : FICOL.",
    ]
    assert services.subscriptions.schemes("42") == []


def test_cli_agenda_lists_closing_dates_and_never_a_past_one(knowledge, settings, capsys):
    from meetings_helpers import run_cli

    _ficol(knowledge)
    services = Services(settings)
    assert run_cli(services, "agenda", "--now", "2027-03-01T09:00") == 0
    out = capsys.readouterr().out
    assert out == (
        "Aucune réunion dans les 30 prochains jours.\n"
        "\n"
        "Clôtures d'appels à projets dans les 30 prochains jours :\n"
        "• FICOL 2027\n"
        "  Clôture : samedi 20 mars 2027 (dans 19 jours)\n"
        "  Lien : https://example.org/afd_ficol\n"
    )
    assert run_cli(services, "agenda", "--now", "2027-03-01T09:00", "--days", "100") == 0
    out = capsys.readouterr().out
    assert "• FICOL 2027 bis\n  Clôture : lundi 31 mai 2027 (dans 91 jours)\n" in out
    assert "  Ouverture : 1er avril 2027\n  (date non confirmée)\n" in out
    assert "  Lien : https://example.org/ficol-bis\n" in out
    assert "FICOL 2026" not in out  # closed on 26 February: not listed as upcoming
    # The closing day itself is still open; the day after, the call is gone.
    assert run_cli(services, "agenda", "--now", "2027-03-20T18:00") == 0
    assert "  Clôture : aujourd’hui, samedi 20 mars 2027\n" in capsys.readouterr().out
    assert run_cli(services, "agenda", "--now", "2027-03-21T00:00") == 0
    assert "FICOL 2027\n" not in capsys.readouterr().out
    # A group's agenda has no funding calls.
    assert run_cli(services, "agenda", "--now", "2027-03-01T09:00", "--group", "mali") == 0
    assert "Clôture" not in capsys.readouterr().out


def test_cli_agenda_json_has_the_deadlines_after_the_meetings(knowledge, settings, capsys):
    import json

    from meetings_helpers import add_calendar, run_cli

    _ficol(knowledge)
    add_calendar(knowledge, "cases.ics")
    services = Services(settings)
    argv = ("agenda", "--now", "2027-03-01T09:00", "--days", "100", "--json")
    assert run_cli(services, *argv) == 0
    items = json.loads(capsys.readouterr().out)
    kinds = [item["kind"] for item in items]
    assert kinds.index("deadline") == kinds.count("meeting") > 0
    deadlines = [item for item in items if item["kind"] == "deadline"]
    assert [(item["edition"], item["closes"], item["status"]) for item in deadlines] == [
        ("FICOL 2027", "2027-03-20", "open"),
        ("FICOL 2027 bis", "2027-05-31", "not_open_yet"),
    ]
    assert deadlines[1]["confirmed"] is False
    assert deadlines[0]["fiche_file"] == "funding/afd_ficol.yaml"


def test_cli_reminders_due_sends_a_deadline_reminder_once(knowledge, settings, capsys):
    from meetings_helpers import run_cli

    _ficol(knowledge)
    services = Services(settings)
    run_cli(services, "follow", "FICOL", "--chat", "42")
    capsys.readouterr()
    assert run_cli(services, "reminders-due", "--now", "2027-03-01T09:00", "--send") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("--- chat 42 · deadline · 42|funding-afd_ficol-ficol-2027@")
    assert out[1] == (
        "Rappel : la clôture de l'appel « FICOL 2027 » est dans 19 jours, le samedi 20 mars 2027."
    )
    assert out[3] == "[pièce jointe : 2027-03-20-cloture-ficol-2027.ics]"
    assert run_cli(Services(settings), "reminders-due", "--now", "2027-03-01T09:05", "--send") == 0
    assert capsys.readouterr().out == ""


def test_a_closing_date_the_staff_add_is_reminded_without_a_restart(knowledge, settings):
    import os

    path = add_call_fiche(knowledge, "aap", [{"edition": "AAP 2027", "note": "dates à venir"}])
    services = Services(settings)
    services.subscriptions.follow_scheme("42", "aap")
    channel = Channel()
    assert deliver_now(services.reminders, paris(2027, 3, 31, 9, 0), channel) == []
    add_call_fiche(knowledge, "aap", [{"edition": "AAP 2027", "closes": "2027-04-30"}])
    os.utime(path, ns=(1, 2))  # a different modification time, whatever the clock's grain
    sent = deliver_now(services.reminders, paris(2027, 3, 31, 9, 1), channel)
    assert [item.occurrence.title for item in sent] == ["AAP 2027"]
