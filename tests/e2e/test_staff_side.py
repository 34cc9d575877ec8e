"""The staff's side end to end: knowledge gaps, /mes_donnees then /oublier, human handoff."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.messages import message

from .conftest import ADMIN_ID, MEMBER_ID, ClockedServices, running_bot
from .driver import Emulator

STAFF_CHAT = -5005
STRANGER_ID = 4343
UNANSWERABLE = (
    "Quel est le numéro de SIRET de Cités Unies France ?",
    "Quel est le SIRET de Cités Unies France ?",
    "Quel est l'IBAN de Cités Unies France ?",
)


async def test_gaps_are_listed_and_grouped_for_admins_only(
    emulator: Emulator, answering_services: Callable[..., ClockedServices]
) -> None:
    services = answering_services(rate_limit_per_minute=100)
    async with running_bot(services):
        member, admin = emulator.chat(MEMBER_ID), emulator.chat(ADMIN_ID)
        for question in UNANSWERABLE:
            await member.say(question)
            refusal = await member.reply()
            assert refusal.labels == ["👍", "👎"]  # no staff chat: no handoff button
        await member.say("Qu'est-ce que le groupe-pays Mali ?")
        answered = await member.reply()
        await member.press(answered, "👎")
        await member.command("/lacunes")
        refused = await member.reply()
        await admin.command("/lacunes")
        gaps = await admin.reply(timeout=60)
        await admin.command("/lacunes tout")
        usage = await admin.reply()

    assert refused.text == message("admin_only")
    assert gaps.text.startswith(
        "<b>Lacunes des 30 derniers jours</b> : 4 question(s) en 3 groupe(s)"
    )
    body = gaps.text
    siret = body.index("SIRET")
    assert "2 fois (2 sans réponse)" in body[siret : siret + 120]
    assert "« Qu'est-ce que le groupe-pays Mali ? » — 1 fois (1 👎)" in body
    assert "« Quel est l'IBAN de Cités Unies France ? » — 1 fois (1 sans réponse)" in body
    assert "au plus près : " in body  # the closest passages
    assert usage.text == message("gaps_usage")


async def test_my_data_returns_the_chats_data_and_forget_then_leaves_none(
    emulator: Emulator, answering_services: Callable[..., ClockedServices]
) -> None:
    services = answering_services()
    async with running_bot(services):
        member = emulator.chat(MEMBER_ID)
        await member.say("Qu'est-ce que le groupe-pays Mali ?")
        answer = await member.reply()
        await member.press(answer, "👍")
        await member.command("/suivre mali")
        await member.reply()
        await member.command("/mes_donnees")
        export = await member.reply()
        await member.command("/oublier")
        await member.reply()
        await member.command("/mes_donnees")
        after = await member.reply()

    assert export.document_name == f"mes-donnees-cuf-{MEMBER_ID}.json"
    assert export.text == message("my_data_caption")
    assert export.document is not None and after.document is not None
    data = json.loads(export.document)
    tables = data["tables"]
    assert data["chat_id"] == str(MEMBER_ID)
    assert tables["answer_log"][0]["question"] == "Qu'est-ce que le groupe-pays Mali ?"
    assert tables["conversation_turns"][0]["question"] == "Qu'est-ce que le groupe-pays Mali ?"
    assert tables["feedback"][0]["rating"] == 1
    rows = [row for table in tables.values() for row in table]
    assert any(row.get("group_id") == "mali" for row in rows)  # the groups followed
    assert json.loads(after.document)["tables"] == {}


async def test_handoff_round_trip_survives_a_restart_and_is_limited(
    emulator: Emulator, answering_services: Callable[..., ClockedServices]
) -> None:
    settings = {"staff_chat_id": STAFF_CHAT, "handoff_per_day": 2, "rate_limit_per_minute": 100}
    member, stranger = emulator.chat(MEMBER_ID), emulator.chat(STRANGER_ID)
    staff = emulator.chat(ADMIN_ID, chat_id=STAFF_CHAT, group="Équipe CUF")
    async with running_bot(answering_services(**settings)):
        await member.say(UNANSWERABLE[0])
        refusal = await member.reply()
        await member.press(refusal, "équipe CUF")
        sent = await member.reply()
        forwarded = await staff.reply()
        await member.press(refusal, "équipe CUF")  # twice: already sent
        await member.say("Qu'est-ce que le groupe-pays Mali ?")
        answered = await member.reply()
        await member.press(answered, "👎")
        offered = await member.reply()  # the keyboard edited: the handoff button added
        await stranger.press_data(refusal.message_id, "ho:1")

    async with running_bot(answering_services(**settings)):  # a restart
        await staff.say("Le SIRET de CUF est 775 670 623 00042.", reply_to=forwarded)
        relayed = await member.reply()
        confirmed = await staff.reply()
        await member.press(offered, "équipe CUF")  # second handoff of the day
        await member.reply()
        await staff.reply()
        await member.say(UNANSWERABLE[2])
        third = await member.reply()
        await member.press(third, "équipe CUF")  # over the daily limit
        assert await member.silence() == []
        alerts = await emulator.callback_answers()

    assert refusal.labels == ["👍", "👎", message("handoff_button")]
    assert sent.text == message("handoff_sent", number=1)
    assert forwarded.chat_id == STAFF_CHAT
    assert f"n° 1 : Élu {MEMBER_ID} ({MEMBER_ID})" in forwarded.text
    assert UNANSWERABLE[0] in forwarded.text
    assert "Derniers échanges" in forwarded.text
    assert message("handoff_button") in offered.labels and offered.edited
    assert "Réponse de l'équipe CUF" in relayed.text
    assert "775 670 623 00042" in relayed.text and UNANSWERABLE[0] in relayed.text
    assert confirmed.text == message("handoff_relayed", number=1)
    texts_shown = [alert.get("text") for alert in alerts]
    assert message("handoff_already", number=1) in texts_shown
    assert message("not_allowed_button") in texts_shown  # the stranger
    assert message("handoff_limited")[:200] in texts_shown


async def test_weekly_digest_and_daily_purge_jobs(
    emulator: Emulator, answering_services: Callable[..., ClockedServices]
) -> None:
    today = datetime(2025, 3, 3, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    settings = {"gaps_digest": True, "retention_days": 30}
    member, admin = emulator.chat(MEMBER_ID), emulator.chat(ADMIN_ID)
    async with running_bot(answering_services(today, **settings)) as application:
        await member.say(UNANSWERABLE[0])
        await member.reply()
        assert application.job_queue is not None
        (digest,) = application.job_queue.get_jobs_by_name("gaps-digest")
        await digest.run(application)
        weekly = await admin.reply(timeout=60)
    later = answering_services(today + timedelta(days=31), **settings)
    async with running_bot(later) as application:  # a month later, same state
        assert application.job_queue is not None
        (purge,) = application.job_queue.get_jobs_by_name("retention-purge")
        await purge.run(application)
        await member.command("/mes_donnees")
        export = await member.reply()

    assert weekly.text.startswith(message("gaps_digest_title"))
    assert f"« {UNANSWERABLE[0]} » — 1 fois" in weekly.text
    assert export.document is not None
    assert json.loads(export.document)["tables"] == {}
