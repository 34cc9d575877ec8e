"""Questions on Telegram, end to end, with the real assistant and an index of the shipped PDFs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.answers import Answer
from bot.messages import message
from bot.telegram.render import render_answer

from .conftest import MEMBER_ID, ClockedServices, running_bot
from .driver import Emulator


async def test_ask_follow_up_sources_rating_and_forget(
    emulator: Emulator, answering_services: Callable[..., ClockedServices]
) -> None:
    services = answering_services()
    member = emulator.chat(MEMBER_ID)
    async with running_bot(services):
        await member.say("Qu'est-ce que le groupe-pays Mali ?")
        answer = await member.reply()
        assert answer.parse_mode == "HTML"
        assert "<i>Sources : [1] " in answer.text
        assert answer.labels == [message("sources_button"), "👍", "👎"]
        await member.press(answer, "Sources")
        sources = await member.reply()
        assert sources.text.startswith("<b>[1] ")
        assert "\np. " in sources.text and ".pdf" not in sources.text
        await member.press(answer, "👍")
        await member.say("Et celui du Sénégal ?")
        follow_up = await member.reply()
        assert "Sénégal" in follow_up.text or "sénégal" in follow_up.text.lower()
        await member.command("/oublier")
        assert (await member.reply()).text == message("forgotten")
        await member.press(answer, "Sources")
        assert await member.silence() == []
    answers = await emulator.callback_answers()
    assert [a["text"] for a in answers if "text" in a] == [
        message("thanks_up"),
        message("expired"),
    ]
    assert services.feedback.ratings() == []  # forgotten with the chat


async def test_in_a_group_the_bot_answers_only_when_mentioned_or_replied_to(
    emulator: Emulator, answering_services: Callable[..., ClockedServices]
) -> None:
    async with running_bot(answering_services()):
        group = emulator.chat(MEMBER_ID, chat_id=-4001, group="Délégation Mali")
        await group.say("Bonjour à tous, réunion demain ?")
        assert await group.silence() == []
        await group.say("@TestNameBot Qu'est-ce que le groupe-pays Mali ?")
        answer = await group.reply()
        assert "Sources" in answer.text
        await group.say("Et celui du Sénégal ?", reply_to=answer)
        assert (await group.reply()).message_id != answer.message_id


async def test_twenty_users_ten_messages_each_get_their_own_answers_in_order(
    emulator: Emulator, answering_services: Callable[..., ClockedServices]
) -> None:
    questions = [
        "Qu'est-ce que Cités Unies France ?",
        "Quels sont les groupes-pays ?",
        "Qu'est-ce que le groupe-pays Mali ?",
        "Qu'est-ce que la RAICT ?",
        "Qu'est-ce que le 1 % eau ?",
        "Que fait CUF pour le climat ?",
        "Qu'est-ce que l'ECSI ?",
        "Qui préside CUF ?",
        "Qu'est-ce que le Café des élus ?",
        "Quel est le projet stratégique de CUF ?",
    ]
    users = [3000 + n for n in range(20)]
    services = answering_services(allowed_user_ids=users, rate_limit_per_minute=100)
    async with running_bot(services):
        chats = [emulator.chat(user) for user in users]

        async def converse(index: int) -> list[str]:
            chat = chats[index]
            for number in range(10):
                await chat.say(questions[(index + number) % 10])
            return [message.text for message in await chat.replies(10, timeout=180)]

        received = await asyncio.gather(*(converse(index) for index in range(20)))
    for index, user in enumerate(users):
        asked = [questions[(index + number) % 10] for number in range(10)]
        logged = _answer_log(services, str(user))
        assert [question for question, _ in logged] == asked
        assert received[index] == [text for _, text in logged]


def _answer_log(services: ClockedServices, chat_id: str) -> list[tuple[str, str]]:
    """(question, rendered answer) in the order the bot answered this chat."""
    with services.database.transaction() as connection:
        rows = connection.exec_driver_sql(
            "SELECT id FROM answer_log WHERE chat_id = ? ORDER BY id", (chat_id,)
        ).fetchall()
    result = []
    for row in rows:
        logged = services.feedback.answer(row.id, chat_id)
        assert logged is not None
        answer = Answer(logged.text, logged.answered, logged.sources, logged.kind)
        result.append((logged.question, render_answer(answer)))
    return result
