"""Limits end to end: every update kind counted, media outside the question limit, flood control.

The assistant is a small stand-in honouring its contract (``answer(question,
chat_id) -> Answer``) so that these tests need no index; the rest is the real bot.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.answers import Answer
from bot.messages import message

from .conftest import MEMBER_ID, ClockedServices, running_bot
from .driver import Emulator

STRANGER = 2001


class EchoAssistant:
    def answer(self, question: str, chat_id: str) -> Answer:
        return Answer(f"Réponse à « {question} »", True)


async def test_edited_messages_count_against_the_rate_limit(
    emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    services = make_services(rate_limit_per_minute=3)
    services.assistant = EchoAssistant()  # type: ignore[misc,assignment]
    async with running_bot(services, monotonic=lambda: 0.0):
        member = emulator.chat(MEMBER_ID)
        await member.say("Première question")
        first = await member.reply()
        for number in range(4):
            await member.edit(1, f"Question corrigée {number}")
        replies = await member.replies(3)
        assert await member.silence() == []
    assert first.text.startswith("Réponse à « Première question »")
    assert [reply.text for reply in replies] == [
        "Réponse à « Question corrigée 0 »",
        "Réponse à « Question corrigée 1 »",
        message("rate_limited"),
    ]


async def test_non_members_are_rate_limited_too(
    emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    async with running_bot(make_services(rate_limit_per_minute=3), monotonic=lambda: 0.0):
        stranger = emulator.chat(STRANGER)
        for number in range(20):
            await stranger.say(f"Bonjour {number}")
        replies = await stranger.replies(4)
        assert await stranger.silence() == []
    assert [reply.text for reply in replies] == [message("not_member")] * 3 + [
        message("rate_limited")
    ]


async def test_voice_and_sticker_replies_are_not_counted_against_the_rate_limit(
    emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    services = make_services(rate_limit_per_minute=2)
    services.assistant = EchoAssistant()  # type: ignore[misc,assignment]
    async with running_bot(services, monotonic=lambda: 0.0):
        member = emulator.chat(MEMBER_ID)
        for kind in ("voice", "sticker", "photo", "document", "voice", "sticker"):
            await member.send_media(kind)
        media = await member.replies(6)
        await member.say("Une vraie question")
        await member.say("Et une autre")
        answers = await member.replies(2)
    assert [reply.text for reply in media] == [
        message("voice"),
        message("media"),
        message("media"),
        message("media"),
        message("voice"),
        message("media"),
    ]
    assert message("voice").startswith("Je ne sais pas encore écouter les messages vocaux")
    assert [reply.text for reply in answers] == [
        "Réponse à « Une vraie question »",
        "Réponse à « Et une autre »",
    ]


async def test_an_english_speaker_gets_media_replies_in_english(
    emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    async with running_bot(make_services()):
        member = emulator.chat(MEMBER_ID, language_code="en")
        await member.send_media("voice")
        await member.send_media("sticker")
        replies = await member.replies(2)
    assert [reply.text for reply in replies] == [message("voice", "en"), message("media", "en")]


async def test_every_update_kind_counts_against_the_flood_limit(
    emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    async with running_bot(make_services(flood_limit_per_minute=5), monotonic=lambda: 0.0):
        member = emulator.chat(MEMBER_ID)
        for _ in range(3):
            await member.send_media("sticker")
        await member.command("/aide")
        replies = await member.replies(4)
        await member.press_data(replies[-1].message_id, "src:1")  # the 5th update
        await member.command("/aide")  # the 6th: dropped
        await member.send_media("sticker")
        assert await member.silence() == []
    answers = await emulator.callback_answers()
    assert [a.get("text") for a in answers] == [message("expired")]


async def test_flood_control_keeps_retrying_past_four_attempts(
    emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    async with running_bot(make_services()):
        member = emulator.chat(MEMBER_ID)
        await emulator.inject_fault(
            "sendMessage", 429, retry_after=1, count=6, description="Too Many Requests"
        )
        await member.command("/start")
        welcome = await member.reply(timeout=60)
    assert welcome.text.startswith("Bonjour Élu 1002")


async def test_two_replicas_on_postgresql_share_the_rate_limit(
    emulator: Emulator, make_services: Callable[..., ClockedServices], postgres_server
) -> None:
    """With the state in PostgreSQL the limit is counted in the database, across processes."""
    from bot.rate_limits import SharedRateLimiter
    from bot.storage import Database

    url = postgres_server.new_database()
    services = make_services(rate_limit_per_minute=3, database_url=url)
    services.assistant = EchoAssistant()  # type: ignore[misc,assignment]
    # Another replica already let this member ask two questions this minute.
    other = SharedRateLimiter(Database(url), "questions", 3, 60.0, time.time)
    assert other.allow(MEMBER_ID) == (True, False) and other.allow(MEMBER_ID) == (True, False)
    async with running_bot(services):
        member = emulator.chat(MEMBER_ID)
        for number in range(3):
            await member.say(f"Question {number}")
        replies = await member.replies(2)
        assert await member.silence() == []
    assert [reply.text for reply in replies] == [
        "Réponse à « Question 0 »",
        message("rate_limited"),
    ]
