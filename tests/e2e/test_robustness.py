"""Robustness end to end: flood control, network errors, HTML refused, errors, rate limit, splits.

Where a scenario needs an answer of a given shape (very long, or failing), the
assistant is replaced by a small stand-in honouring its contract
(``answer(question, chat_id) -> Answer``); everything else is the real bot.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from bot.answers import Answer, Source
from bot.messages import message

from .conftest import MEMBER_ID, ClockedServices, running_bot
from .driver import Emulator


class LongAssistant:
    """Answers with three long paragraphs (about 7,500 characters in all)."""

    def answer(self, question: str, chat_id: str) -> Answer:
        paragraphs = [
            f"Partie {n} <{question}> : " + "Cités Unies France & ses membres. " * 75
            for n in (1, 2, 3)
        ]
        return Answer(
            "\n\n".join(paragraphs), True, (Source("Rapport d'activités 2023", "r.pdf", 3, "x"),)
        )


class BrokenAssistant:
    def answer(self, question: str, chat_id: str) -> Answer:
        raise RuntimeError("the index exploded")


async def test_flood_control_and_network_errors_are_retried(
    emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    async with running_bot(make_services()):
        member = emulator.chat(MEMBER_ID)
        await emulator.inject_fault(
            "sendMessage", 429, retry_after=1, description="Too Many Requests: retry after 1"
        )
        await member.command("/start")
        assert (await member.reply()).text.startswith("Bonjour")
        await emulator.inject_fault("sendMessage", "disconnect", count=2)
        await member.command("/start")
        assert (await member.reply()).text.startswith("Bonjour")


async def test_html_refused_by_telegram_falls_back_to_plain_text(
    emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    async with running_bot(make_services()):
        member = emulator.chat(MEMBER_ID)
        await emulator.inject_fault(
            "sendMessage",
            400,
            description="Bad Request: can't parse entities: unsupported start tag",
        )
        await member.command("/aide")
        help_message = await member.reply()
    assert help_message.parse_mode is None
    assert help_message.text.startswith("Ce que je sais faire\n\n• Posez une question")
    assert "<b>" not in help_message.text


async def test_long_answer_is_split_on_paragraphs_with_buttons_under_the_last_part(
    emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    services = make_services()
    services.assistant = LongAssistant()  # type: ignore[misc,assignment]
    async with running_bot(services):
        member = emulator.chat(MEMBER_ID)
        await member.say("Tout sur CUF")
        parts = await member.replies(3)
        assert await member.silence() == []
    assert [len(part.text) <= 4096 for part in parts] == [True, True, True]
    assert parts[0].text.startswith("Partie 1 &lt;Tout sur CUF&gt; : Cités Unies France &amp; ses")
    assert [part.text[:8] for part in parts] == ["Partie 1", "Partie 2", "Partie 3"]
    assert [part.labels for part in parts] == [[], [], [message("sources_button"), "👍", "👎"]]
    assert parts[2].text.endswith("<i>Sources : [1] Rapport d'activités 2023, p. 3</i>")


async def test_an_error_is_logged_without_the_token_and_the_user_is_told(
    emulator: Emulator,
    make_services: Callable[..., ClockedServices],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    services = make_services()
    services.assistant = BrokenAssistant()  # type: ignore[misc,assignment]
    async with running_bot(services):
        member = emulator.chat(MEMBER_ID)
        await member.say("Une question")
        assert (await member.reply()).text == message("error")
        await member.command("/start")
        await member.reply()
    errors = [r for r in caplog.records if r.name == "bot.telegram.errors"]
    assert [(r.levelname, r.exc_info[0] if r.exc_info else None) for r in errors] == [
        ("ERROR", RuntimeError)
    ]
    logged = caplog.text + "".join(str(r.args) + str(r.msg) for r in caplog.records)
    assert emulator.token not in logged
    assert emulator.token.split(":")[1] not in logged


async def test_a_user_writing_too_fast_is_told_once_then_served_again(
    emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    now = [0.0]
    services = make_services(rate_limit_per_minute=3)
    async with running_bot(services, monotonic=lambda: now[0]):
        member = emulator.chat(MEMBER_ID)
        for _ in range(5):
            await member.command("/aide")
        replies = await member.replies(4)
        assert await member.silence() == []
        now[0] = 61.0
        await member.command("/aide")
        again = await member.reply()
    assert [r.text.startswith("<b>Ce que je sais faire") for r in replies] == [
        True,
        True,
        True,
        False,
    ]
    assert replies[3].text == message("rate_limited")
    assert again.text.startswith("<b>Ce que je sais faire")
