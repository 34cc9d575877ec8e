"""The meetings commands, run as a user would (real files, real SQLite, fixed clock)."""

from __future__ import annotations

from pathlib import Path

import pytest
from meetings_helpers import add_calendar, run_cli

from bot.app import Services
from bot.settings import Settings


@pytest.fixture
def services(knowledge: Path, settings: Settings) -> Services:
    add_calendar(knowledge, "cases.ics")
    return Services(settings)


def test_follow_following_unfollow(services, settings, capsys):
    assert run_cli(services, "follow", "groupe-pays MALI", "--chat", "42") == 0
    assert run_cli(services, "follow", "Japon", "--chat", "42") == 0
    assert run_cli(services, "follow", "mali", "--chat", "42") == 0
    assert capsys.readouterr().out == (
        "Vous suivez désormais : Groupe-pays Mali.\n"
        "Vous suivez désormais : Groupe-pays Japon.\n"
        "Vous suiviez déjà : Groupe-pays Mali.\n"
    )
    restarted = Services(settings)
    assert run_cli(restarted, "following", "--chat", "42") == 0
    assert capsys.readouterr().out.splitlines() == [
        "japon                      Groupe-pays Japon",
        "mali                       Groupe-pays Mali",
    ]
    assert run_cli(restarted, "unfollow", "Japon", "--chat", "42") == 0
    assert capsys.readouterr().out == "Vous ne suivez plus : Groupe-pays Japon.\n"


def test_unknown_group(services, capsys):
    assert run_cli(services, "follow", "Tunisi", "--chat", "42") == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Groupe inconnu : « Tunisi »." in captured.err
    assert "tunisie (Groupe-pays Tunisie)" in captured.err


def test_groups_lists_the_followable_groups(services, capsys):
    assert run_cli(services, "groups") == 0
    lines = capsys.readouterr().out.splitlines()
    assert "madagascar                 Groupe-pays Madagascar" in lines
    assert "raict" in [line.split()[0] for line in lines]
    assert len(lines) >= 30


def test_reminder_leads(services, capsys):
    assert run_cli(services, "reminders", "--chat", "42") == 0
    assert run_cli(services, "reminders", "--chat", "42", "--leads", "2880,90") == 0
    assert run_cli(services, "reminders", "--chat", "42", "--leads", "abc") == 1
    assert run_cli(services, "reminders", "--chat", "42", "--reset") == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "Rappels avant chaque réunion : 1 j, 1 h (réglage par défaut).",
        "Rappels avant chaque réunion : 2 j, 1 h 30 min.",
        "Rappels avant chaque réunion : 1 j, 1 h (réglage par défaut).",
    ]
    assert "« abc » n'est pas une liste de minutes" in captured.err


def test_reminders_due_send_prints_once(services, settings, capsys):
    run_cli(services, "follow", "Mali", "--chat", "42")
    capsys.readouterr()
    # Preview: shows, records nothing.
    assert run_cli(services, "reminders-due", "--now", "2027-03-01T10:30:00+01:00") == 0
    preview = capsys.readouterr().out
    assert run_cli(services, "reminders-due", "--now", "2027-03-01T10:30:00+01:00", "--send") == 0
    sent = capsys.readouterr()
    assert sent.out == preview
    assert sent.out.splitlines()[1] == (
        "Rappel : « Réunion du groupe-pays Mali » commence demain : "
        "mardi 2 mars 2027 à 10 h (fin à 11 h)."
    )
    assert "1 message(s) envoyé(s)." in sent.err
    restarted = Services(settings)
    assert run_cli(restarted, "reminders-due", "--now", "2027-03-01T10:31", "--send") == 0
    assert capsys.readouterr().out == ""


def test_ics_export_of_followed_groups(services, tmp_path, capsys):
    run_cli(services, "follow", "Japon", "--chat", "42")
    output = tmp_path / "mes-reunions.ics"
    assert run_cli(services, "ics", "--chat", "42", "--now", "2027-03-01", "-o", str(output)) == 0
    content = output.read_text(encoding="utf-8")
    assert content.count("BEGIN:VEVENT") == 1
    assert "SUMMARY:Webinaire franco-japonais" in content
    assert "DTSTART:20270310T090000Z" in content
