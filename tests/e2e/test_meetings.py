"""Meetings on Telegram, end to end: follow a group and receive its reminder exactly once."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .conftest import MEMBER_ID, REPO, ClockedServices, running_bot, swept
from .driver import Emulator

PARIS = ZoneInfo("Europe/Paris")
CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//CUF//tests//FR
BEGIN:VEVENT
UID:mali-2025-03@cites-unies-france.org
DTSTAMP:20250101T000000Z
DTSTART;TZID=Europe/Paris:20250303T100000
DTEND;TZID=Europe/Paris:20250303T120000
SUMMARY:Réunion du groupe-pays Mali
LOCATION:CUF, 9 rue Christiani, Paris
CATEGORIES:Mali
END:VEVENT
END:VCALENDAR
"""


def _knowledge(tmp_path: Path) -> Path:
    knowledge = tmp_path / "knowledge"
    (knowledge / "meetings").mkdir(parents=True)
    shutil.copy(REPO / "knowledge" / "meetings" / "groups.yaml", knowledge / "meetings")
    (knowledge / "meetings" / "mali.ics").write_text(CALENDAR, encoding="utf-8")
    return knowledge


async def test_follow_a_group_then_get_its_reminder_with_an_ics_once(
    tmp_path: Path, emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    clock = datetime(2025, 3, 3, 9, 30, tzinfo=PARIS)  # 30 minutes before the meeting
    services = make_services(clock, knowledge_dir=_knowledge(tmp_path))
    member = emulator.chat(MEMBER_ID)
    async with running_bot(services):
        await member.command("/agenda")
        agenda = await member.reply()
        assert "Réunion du groupe-pays Mali" in agenda.text
        assert "Lundi 3 mars 2025 à 10 h (fin à 12 h)" in agenda.text
        await member.command("/suivre mali")
        confirmation, reminder, ics = await member.replies(3)
        assert confirmation.text == "Vous suivez Groupe-pays Mali ✅"
        await member.command("/rappels")
        settings_view = await member.reply()
    assert reminder.text.startswith(
        "🔔 Rappel : « Réunion du groupe-pays Mali » commence dans 30 min"
    )
    assert ics.document_name == "2025-03-03-reunion-du-groupe-pays-mali.ics"
    assert (
        ics.document is not None and b"SUMMARY:R\xc3\xa9union du groupe-pays Mali" in ics.document
    )
    assert "Groupe-pays Mali" in settings_view.text
    # A restart (jobs rebuilt at start-up) sends nothing twice.
    restarted = make_services(clock, knowledge_dir=services.settings.knowledge_dir)
    async with running_bot(restarted) as application:
        await swept(application)  # the restart did sweep: its silence means something
        await member.command("/start")
        assert (await member.reply()).text.startswith("Bonjour")
        assert await member.silence() == []


async def test_follow_keyboard_toggles_and_lead_times_change(
    tmp_path: Path, emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    clock = datetime(2025, 2, 1, 9, 0, tzinfo=PARIS)  # nothing due
    services = make_services(clock, knowledge_dir=_knowledge(tmp_path))
    member = emulator.chat(MEMBER_ID)
    async with running_bot(services):
        await member.command("/suivre")
        keyboard = await member.reply()
        first = keyboard.labels[0]
        assert first.startswith("▫️ ")  # not followed yet
        name = first.removeprefix("▫️ ")
        await member.press(keyboard, name)
        toggled = await member.reply()
        assert toggled.message_id == keyboard.message_id
        assert toggled.labels[0] == f"✅ {name}"
        assert toggled.labels[1:] == keyboard.labels[1:]
        await member.command("/rappels")
        leads = await member.reply()
        assert "1 jour, 1 h avant (par défaut)" in leads.text
        await member.press(leads, "15 min")
        changed = await member.reply()
        assert "1 jour, 1 h, 15 min avant\n" in changed.text
    assert services.subscriptions.leads(str(MEMBER_ID)) == (1440, 60, 15)
    assert len(services.subscriptions.following(str(MEMBER_ID))) == 1


async def test_only_the_elected_replica_sends_reminders(
    tmp_path: Path, emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    """Another process holding the reminder lead: this one sweeps nothing until it is freed."""
    from bot.app import open_database
    from bot.db.leader import Leadership

    clock = datetime(2025, 3, 3, 9, 30, tzinfo=PARIS)
    services = make_services(clock, knowledge_dir=_knowledge(tmp_path))
    replica = Leadership(open_database(services.settings), "reminders")
    assert replica.try_lead()
    member = emulator.chat(MEMBER_ID)
    async with running_bot(services):
        await member.command("/suivre mali")
        assert (await member.reply()).text == "Vous suivez Groupe-pays Mali ✅"
        assert await member.silence() == []  # the sweep ran, but not here
        replica.resign()  # the other replica dies or stops: this one takes over
        await member.command("/suivre mali")
        confirmation, reminder, ics = await member.replies(3)
    assert reminder.text.startswith("🔔 Rappel : « Réunion du groupe-pays Mali »")
    assert ics.document_name == "2025-03-03-reunion-du-groupe-pays-mali.ics"
