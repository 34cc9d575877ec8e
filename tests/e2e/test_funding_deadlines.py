"""Funding calls to follow, end to end: /suivre a scheme, /agenda, and the reminder before
a call closes, sent once across restarts (the bot in process with a test clock, and the
real ``python -m bot run`` killed with SIGKILL and started again)."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from bot.app import Services, open_database
from bot.settings import Settings

from .conftest import MEMBER_ID, REPO, ClockedServices, running_bot, swept
from .driver import BotMessage, Emulator
from .reminder_fleet import start_bot

PARIS = ZoneInfo("Europe/Paris")


def _fiche(calendar: list[dict[str, object]]) -> dict[str, object]:
    return {
        "id": "afd_ficol",
        "name": "Facilité de financement des collectivités territoriales françaises (FICOL)",
        "short_name": "FICOL (AFD)",
        "tagline": "appel de l'AFD pour les collectivités",
        "aliases": ["facilité de financement des collectivités"],
        "acronyms": ["FICOL"],
        "category": "appel_a_projets",
        "summary": "Un appel à projets de test.",
        "funder": "AFD",
        "eligible": {"authorities": ["commune"], "summary": "Communes."},
        "what_it_funds": ["Des projets"],
        "calendar": calendar,
        "official_url": "https://www.afd.fr/ficol",
        "sources": [{"title": "AFD", "url": "https://www.afd.fr/ficol"}],
        "last_verified": "2026-11-22",
    }


def _knowledge(root: Path, calendar: list[dict[str, object]]) -> Path:
    knowledge = root / "knowledge"
    (knowledge / "meetings").mkdir(parents=True)
    (knowledge / "funding").mkdir()
    shutil.copy(REPO / "knowledge" / "meetings" / "groups.yaml", knowledge / "meetings")
    text = yaml.safe_dump(_fiche(calendar), allow_unicode=True, sort_keys=False)
    (knowledge / "funding" / "afd_ficol.yaml").write_text(text, encoding="utf-8")
    return knowledge


CALLS = [
    {"edition": "FICOL 2024", "opens": "2024-01-04", "closes": "2025-02-28"},  # past
    {"edition": "FICOL 2025", "opens": "2025-01-06", "closes": "2025-04-02"},
]


async def test_a_funding_deadline_reminder_is_sent_once_across_restarts(
    tmp_path: Path, emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    knowledge = _knowledge(tmp_path, CALLS)
    # 3 March 2025 at 10:00: 30 days before FICOL 2025 closes (2 April), past 9:00.
    thirty = datetime(2025, 3, 3, 10, 0, tzinfo=PARIS)
    member = emulator.chat(MEMBER_ID)
    async with running_bot(make_services(thirty, knowledge_dir=knowledge)):
        await member.command("/suivre FICOL")
        confirmation, reminder, ics = await member.replies(3)
        await member.command("/agenda")
        agenda = await member.reply()
    assert confirmation.text == (
        "Vous suivez FICOL (AFD) ✅\nJe vous rappellerai la clôture de ses appels 30 et 7 jours "
        "avant."
    )
    assert reminder.text == (
        "🔔 Rappel : la clôture de l'appel « FICOL 2025 (FICOL (AFD)) » est dans 30 jours, "
        "le mercredi 2 avril 2025.\nSource : https://www.afd.fr/ficol"
    )
    assert ics.document_name == "2025-04-02-cloture-ficol-2025-ficol-afd.ics"
    assert ics.document is not None and b"DTSTART;VALUE=DATE:20250402" in ics.document
    assert "Clôtures d'appels à projets (30 prochains jours)" in agenda.text
    assert "• FICOL 2025 (FICOL (AFD))\n  Clôture : mercredi 2 avril 2025 (dans 30 jours)" in (
        agenda.text
    )
    assert "FICOL 2024" not in agenda.text  # closed on 28 February: never shown as open

    # Restarted the same day: this run sweeps, and the reminder is not sent again.
    async with running_bot(make_services(thirty, knowledge_dir=knowledge)) as application:
        await member.command("/start")
        assert (await member.reply()).text.startswith("Bonjour")
        await swept(application)
        assert await member.silence() == []

    # Restarted 7 days before: the start-up sweep sends the second reminder, once.
    seven = datetime(2025, 3, 26, 9, 0, tzinfo=PARIS)
    async with running_bot(make_services(seven, knowledge_dir=knowledge)):
        second, second_ics = await member.replies(2)
        assert await member.silence() == []
    assert second.text.startswith(
        "🔔 Rappel : la clôture de l'appel « FICOL 2025 (FICOL (AFD)) » est dans 7 jours"
    )
    assert second_ics.document_name == ics.document_name
    async with running_bot(make_services(seven, knowledge_dir=knowledge)) as application:
        await swept(application)
        assert await member.silence() == []

    # Once closed: no reminder, and the agenda does not list the call.
    closed = datetime(2025, 4, 3, 9, 0, tzinfo=PARIS)
    async with running_bot(make_services(closed, knowledge_dir=knowledge)) as application:
        await member.command("/agenda")
        after = await member.reply()
        await swept(application)
        assert await member.silence() == []
    assert "FICOL 2025" not in after.text and "Clôture" not in after.text


async def test_the_follow_keyboard_has_the_funding_schemes(
    tmp_path: Path, emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    knowledge = _knowledge(tmp_path, CALLS)
    services = make_services(datetime(2025, 1, 10, 9, 0, tzinfo=PARIS), knowledge_dir=knowledge)
    member = emulator.chat(MEMBER_ID)
    async with running_bot(services):
        await member.command("/suivre")
        groups = await member.reply()
        await member.press(groups, "💶 Appels à projets à suivre")
        schemes = await member.reply()
        assert schemes.message_id == groups.message_id
        assert schemes.labels[0] == "▫️ FICOL (AFD)"
        assert "30 et 7 jours avant" in schemes.text
        await member.press(schemes, "▫️ FICOL (AFD)")
        toggled = await member.reply()
        assert toggled.labels[0] == "✅ FICOL (AFD)"
        await member.command("/rappels")
        leads = await member.reply()
        assert (
            "<b>Groupes suivis</b> : aucun (/suivre)\n"
            "<b>Appels suivis</b> : FICOL (AFD) (rappel 30 et 7 jours avant la clôture)\n"
        ) in leads.text
        await member.press(toggled, "✅ FICOL (AFD)")
        assert (await member.reply()).labels[0] == "▫️ FICOL (AFD)"
        await member.press(toggled, "◀️ Groupes")
        back = await member.reply()
        assert back.labels[-1] == "💶 Appels à projets à suivre"
        assert back.labels[0].startswith("▫️ Groupe")
        # The deep link t.me/<bot>?start=suivre-<fiche id> follows a scheme in one tap.
        await member.command("/start suivre-afd_ficol")
        assert (await member.reply()).text.startswith("Vous suivez FICOL (AFD) ✅")
        await member.command("/suivre nimportequoi")
        unknown, keyboard = await member.replies(2)
        assert unknown.text == "Je ne connais pas ce groupe ni ce dispositif. Choisissez :"
        assert keyboard.labels[-1] == "💶 Appels à projets à suivre"
    assert services.subscriptions.schemes(str(MEMBER_ID)) == ["afd_ficol"]


# --- the real process, killed and started again ---------------------------------------------


def _sent_state(settings: Settings) -> list[str]:
    from sqlalchemy import select

    from bot.db.schema import reminder_outbox

    with open_database(settings).transaction() as connection:
        rows = connection.execute(
            select(reminder_outbox.c.state).where(reminder_outbox.c.kind == "deadline")
        ).scalars()
        return list(rows)


async def test_the_running_bot_killed_after_a_deadline_reminder_does_not_send_it_again(
    emulator: Emulator, built_index: Path, tmp_path: Path
) -> None:
    # Dated from the real clock (the process has no test clock): the call closes in 20
    # days, so its 30-day reminder is due whatever the time of day.
    closes = datetime.now(PARIS).date() + timedelta(days=20)
    knowledge = _knowledge(tmp_path, [{"edition": "FICOL test", "closes": closes.isoformat()}])
    state = tmp_path / "state"
    shutil.copytree(built_index, state / "index")
    settings = Settings(_env_file=None, knowledge_dir=knowledge, state_dir=state)  # type: ignore[call-arg]
    Services(settings).subscriptions.follow_scheme(str(MEMBER_ID), "afd_ficol")
    environment = {key: value for key, value in os.environ.items() if not key.startswith("CUF_")}
    environment |= {
        "PYTHONPATH": str(REPO),
        "CUF_TELEGRAM_TOKEN": emulator.token,
        "CUF_TELEGRAM_BASE_URL": emulator.bot_api_url,
        "CUF_ALLOWED_USER_IDS": str(MEMBER_ID),
        "CUF_KNOWLEDGE_DIR": str(knowledge),
        "CUF_STATE_DIR": str(state),
        "CUF_CALENDAR_URLS": "",
    }
    member = emulator.chat(MEMBER_ID)

    process = start_bot(environment, tmp_path)
    try:
        reminder, _ics = await member.replies(2, timeout=300)
        deadline = time.monotonic() + 60
        while _sent_state(settings) != ["sent"] and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert _sent_state(settings) == ["sent"]
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert reminder.text.startswith(
        "🔔 Rappel : la clôture de l'appel « FICOL test (FICOL (AFD)) » est dans 20 jours"
    )

    process = start_bot(environment, tmp_path)
    try:
        await member.command("/agenda")  # answered: the restarted bot is up and has swept
        after: list[BotMessage] = []
        while not any("Clôtures d'appels" in message.text for message in after):
            after += await member.replies(1, timeout=300)
        await asyncio.sleep(2)  # anything its start-up sweep would send twice
        after += await member.silence()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    [agenda] = [message for message in after if "Clôtures d'appels" in message.text]
    assert "FICOL test (FICOL (AFD))" in agenda.text and "(dans 20 jours)" in agenda.text
    bells = [message for message in member.seen.values() if message.text.startswith("🔔")]
    assert len(bells) == 1, [message.text for message in after]
    assert _sent_state(settings) == ["sent"]
