"""Members only, end to end: refusal without content, requests decided by an admin."""

from __future__ import annotations

from collections.abc import Callable

from bot.messages import menu, message

from .conftest import ADMIN_ID, MEMBER_ID, ClockedServices, running_bot
from .driver import Emulator

STRANGER, OTHER = 2001, 2002
COMMANDS = [
    "/start",
    "/aide",
    "/agenda",
    "/suivre",
    "/rappels",
    "/dispositifs",
    "/oublier",
    "/stats",
    "/reindex",
]
BUTTONS = [
    "src:1",
    "fb:1:+1",
    "sub:0:mali",
    "subp:1",
    "lead:60",
    "leadr",
    "fi:0",
    "doc:1:p",
    "docrm:0123456789ab:y",
    "ho:1",
    "acc:ok:2001",
    "whatever",
]


async def test_menu_is_registered_and_members_are_welcomed(
    emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    async with running_bot(make_services()):
        member = emulator.chat(MEMBER_ID)
        await member.command("/start")
        welcome = await member.reply()
    assert welcome.parse_mode == "HTML"
    assert welcome.text.startswith("Bonjour Élu 1002 👋")
    assert [c["command"] for c in await emulator.commands()] == [n for n, _ in menu("fr")]
    admin_menu = await emulator.post(
        "/_test/commands", {"token": emulator.token, "chat_id": ADMIN_ID}
    )
    assert [c["command"] for c in admin_menu][-5:] == [
        "reindex", "stats", "revoquer", "documents", "lacunes"
    ]  # fmt: skip


async def test_a_non_member_gets_no_content_from_any_command_text_or_button(
    emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    async with running_bot(make_services()):
        stranger = emulator.chat(STRANGER)
        for command in COMMANDS:
            await stranger.command(command)
        await stranger.say("Quels sont les financements de la DAECT ?")
        replies = await stranger.replies(len(COMMANDS) + 1)
        for data in BUTTONS:
            await stranger.press_data(replies[0].message_id, data)
        answers = await _wait_answers(emulator, len(BUTTONS))
        assert await stranger.silence() == []
    assert {(r.text, tuple(r.labels)) for r in replies} == {
        (message("not_member"), (message("request_button"),))
    }
    assert [(a["text"], a.get("show_alert")) for a in answers[:-1]] == [
        (message("not_allowed_button"), "true")
    ] * (len(BUTTONS) - 2) + [(message("admin_only"), "true")]


async def test_access_refused_then_another_user_approved(
    emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    services = make_services()
    async with running_bot(services):
        admin, stranger, other = (
            emulator.chat(ADMIN_ID),
            emulator.chat(STRANGER),
            emulator.chat(OTHER),
        )
        await stranger.say("Bonjour")
        refusal = await stranger.reply()
        await stranger.press(refusal, "Demander")
        assert (await stranger.reply()).text == message("request_sent")
        notice = await admin.reply()
        assert notice.text == "🔔 Demande d'accès de Élu 2001 (2001)."
        assert notice.labels == [message("admin_approve"), message("admin_refuse")]
        await stranger.press(refusal, "Demander")  # asking twice does not notify twice
        assert (await stranger.reply()).text == message("request_already")
        await admin.press(notice, "Refuser")
        decided = await admin.reply()
        assert decided.text == "Élu 2001 (2001) : accès refusé par Élu 1001."
        assert [m.text for m in await stranger.replies(1)] == [message("request_refused")]
        await stranger.command("/aide")
        assert (await stranger.reply()).text == message("not_member")

        await other.command("/start")
        await other.press(await other.reply(), "Demander")
        await other.reply()
        await admin.press(await admin.reply(), "Accepter")
        await admin.reply()
        assert (await other.reply()).text == message("user_approved")
        await other.command("/start")
        assert (await other.reply()).text.startswith("Bonjour Élu 2002")
    assert services.members.is_member(OTHER) and not services.members.is_member(STRANGER)


async def _wait_answers(emulator: Emulator, count: int) -> list[dict[str, str]]:
    import asyncio

    for _ in range(600):
        answers = await emulator.callback_answers()
        if len(answers) >= count:
            return answers
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {count} callback answers, got {answers}")
