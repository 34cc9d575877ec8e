"""Access decisions end to end: one decision per request, explicit revocation, strict buttons."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.answers import Answer
from bot.messages import message

from .conftest import ADMIN_ID, MEMBER_ID, REPO, ClockedServices, running_bot
from .driver import Emulator

ADMIN_2, STRANGER, PAUL = 1003, 2001, 2002
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
CATEGORIES:Mali
END:VEVENT
END:VCALENDAR
"""


async def _callback_answers(emulator: Emulator, count: int) -> list[dict[str, str]]:
    answers: list[dict[str, str]] = []
    for _ in range(600):
        answers = await emulator.callback_answers()
        if len(answers) >= count:
            return answers
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {count} callback answers, got {answers}")


async def test_two_admins_deciding_one_request_the_first_decision_wins(
    emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    services = make_services(admin_ids=[ADMIN_ID, ADMIN_2])
    async with running_bot(services):
        admin, admin_2, paul = (
            emulator.chat(ADMIN_ID),
            emulator.chat(ADMIN_2),
            emulator.chat(PAUL),
        )
        await paul.say("Bonjour")
        await paul.press(await paul.reply(), "Demander")
        assert (await paul.reply()).text == message("request_sent")
        notice, notice_2 = await admin.reply(), await admin_2.reply()
        assert notice.text == notice_2.text == "🔔 Demande d'accès de Élu 2002 (2002)."

        await admin.press(notice, "Accepter")
        assert (await admin.reply()).text == "Élu 2002 (2002) : accès accordé par Élu 1001."
        told_2 = await admin_2.reply()  # the other admin hears of it
        assert (await paul.reply()).text == message("user_approved")

        await admin_2.press(notice_2, "Refuser")  # too late: changes nothing
        edited_2 = await admin_2.reply()
        assert await paul.silence() == []
        await paul.command("/start")
        welcome = await paul.reply()
    decided = "Élu 2002 (2002), accès accordé par Élu 1001 le 03/03/2025 à 09:00"
    assert told_2.text == "Élu 2002 (2002) : accès accordé par Élu 1001 le 03/03/2025 à 09:00."
    assert edited_2.message_id == notice_2.message_id
    assert edited_2.text == f"Déjà décidé : {decided}. Rien n'a changé."
    alerts = [a for a in await emulator.callback_answers() if a.get("show_alert")]
    assert [a["text"] for a in alerts] == [f"Déjà décidé : {decided}. Rien n'a changé."]
    assert welcome.text.startswith("Bonjour Élu 2002")
    request = services.members.get(PAUL)
    assert request is not None and (request.status, request.decided_by) == ("approved", ADMIN_ID)


async def test_revoking_a_member_is_explicit_told_to_all_and_drops_their_reminders(
    tmp_path: Path, emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    knowledge = tmp_path / "knowledge"
    (knowledge / "meetings").mkdir(parents=True)
    shutil.copy(REPO / "knowledge" / "meetings" / "groups.yaml", knowledge / "meetings")
    (knowledge / "meetings" / "mali.ics").write_text(CALENDAR, encoding="utf-8")
    day_before = datetime(2025, 3, 2, 9, 0, tzinfo=PARIS)  # no reminder due yet
    services = make_services(day_before, knowledge_dir=knowledge, admin_ids=[ADMIN_ID, ADMIN_2])
    services.members.request_access(PAUL, "Paul Martin", "paulm", day_before)
    services.members.decide(PAUL, True, ADMIN_ID, day_before)
    async with running_bot(services):
        admin, admin_2, paul = (
            emulator.chat(ADMIN_ID),
            emulator.chat(ADMIN_2),
            emulator.chat(PAUL),
        )
        await paul.command("/suivre mali")
        assert (await paul.reply()).text == "Vous suivez Groupe-pays Mali ✅"
        half_hour_before = datetime(2025, 3, 3, 9, 30, tzinfo=PARIS)
        assert [r.chat_id for r in services.reminders.plan(half_hour_before).due] == [str(PAUL)]

        await admin.command(f"/revoquer {PAUL}")
        done = await admin.reply()
        told_2 = await admin_2.reply()
        revoked = await paul.reply()
        await paul.command("/agenda")
        refused = await paul.reply()
        await admin.command(f"/revoquer {MEMBER_ID}")  # a member from the settings
        configured = await admin.reply()
        await admin.command("/revoquer ²")
        usage = await admin.reply()
    expected = (
        "Accès retiré : Paul Martin (@paulm, 2002), par Élu 1001. "
        "Ses groupes suivis et ses rappels sont supprimés."
    )
    assert done.text == told_2.text == expected
    assert revoked.text == message("user_revoked")
    assert refused.text == message("not_member")
    assert services.subscriptions.following(str(PAUL)) == []
    assert services.reminders.plan(half_hour_before).due == ()
    assert configured.text.startswith(f"{MEMBER_ID} est membre par la configuration")
    assert usage.text == message("revoke_usage")


async def test_forged_buttons_are_refused_without_errors(
    emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    forged = [
        "src:²",
        "src:" + "9" * 25,
        "fb:²:+1",
        "fb:" + "9" * 25 + ":+1",
        "fi:²",
        "fi:" + "9" * 25,
        "sub:²:mali",
        "subp:" + "9" * 25,
        "lead:²",
        "lead:" + "9" * 25,
        "acc:ok:²",
        "acc:ok:" + "9" * 25,
    ]
    async with running_bot(make_services()):
        admin = emulator.chat(ADMIN_ID)
        await admin.command("/aide")
        help_message = await admin.reply()
        for data in forged:
            await admin.press_data(help_message.message_id, data)
        answers = await _callback_answers(emulator, len(forged))
        assert await admin.silence() == []
    assert [a.get("text") for a in answers] == [message("expired")] * len(forged)
    assert message("error") not in str(answers)


async def test_in_groups_commands_for_another_bot_are_ignored(
    emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    async with running_bot(make_services()):
        stranger = emulator.chat(STRANGER, chat_id=-5001, group="Délégation")
        member = emulator.chat(MEMBER_ID, chat_id=-5001, group="Délégation")
        await stranger.command("/start@OtherBot")
        await member.command("/aide@OtherBot")
        assert await member.silence() == []
        await member.command("/aide@TestNameBot")
        assert (await member.reply()).text.startswith("<b>Ce que je sais faire")
        await stranger.command("/start@TestNameBot")
        assert (await stranger.reply()).text == message("not_member")


class EchoAssistant:
    def answer(self, question: str, chat_id: str) -> Answer:
        return Answer(f"Réponse à « {question} »", True)


async def test_forget_erases_ones_ratings_in_groups_and_access_request_details(
    emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    services = make_services()
    services.assistant = EchoAssistant()  # type: ignore[misc,assignment]
    now = services.now()
    services.members.request_access(PAUL, "Paul Martin", "paulm", now)
    services.members.decide(PAUL, True, ADMIN_ID, now)
    async with running_bot(services):
        in_group = emulator.chat(PAUL, chat_id=-6001, group="Délégation Mali")
        await in_group.say("@TestNameBot Qui préside le groupe Mali ?")
        answer = await in_group.reply()
        await in_group.press(answer, "👍")
        await _callback_answers(emulator, 1)
        assert [rating.user_id for rating in services.feedback.ratings()] == [PAUL]
        private = emulator.chat(PAUL)
        await private.command("/oublier")
        forgotten = await private.reply()
        await private.command("/start")
        welcome = await private.reply()
    assert forgotten.text == message("forgotten")
    assert services.feedback.ratings() == []
    request = services.members.get(PAUL)
    assert request is not None
    assert (request.name, request.username, request.status) == ("2002", None, "approved")
    assert welcome.text.startswith("Bonjour Élu 2002")  # still a member
