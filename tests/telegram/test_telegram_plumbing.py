"""The adapter's pure parts: retries, per-user rate limit, callback data, per-chat order, logs."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import pytest
from telegram import Chat, Message, MessageEntity, Update, User
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.telegram.access import is_addressed
from bot.telegram.callbacks import CallbackDataTooLong, pack, parse_id, unpack
from bot.telegram.logs import TokenRedactor
from bot.telegram.ratelimit import UserRateLimiter
from bot.telegram.retry import RetryingLimiter
from bot.telegram.updates import PerChatUpdateProcessor

TOKEN = "123456:ABC-secret"


class Flaky:
    """A Bot API call failing with the given errors, then answering ``{"ok": 1}``."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self, *args: Any, **kwargs: Any) -> dict[str, int]:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return {"ok": 1}


async def _run(limiter: RetryingLimiter, call: Flaky) -> Any:
    return await limiter.process_request(call, (), {}, "sendMessage", {}, None)


async def test_flood_control_waits_what_telegram_asks_then_succeeds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    call = Flaky(RetryAfter(timedelta(seconds=3)), NetworkError("reset"), NetworkError("reset"))
    assert await _run(RetryingLimiter(sleep=sleep), call) == {"ok": 1}
    assert (call.calls, slept) == (4, [3.0, 1.0, 2.0])


class FakeTime:
    """A clock that only moves when the limiter sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_flood_control_keeps_retrying_past_four_attempts_and_long_waits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    fake = FakeTime()
    call = Flaky(RetryAfter(timedelta(seconds=45)), *[NetworkError("reset")] * 6)
    limiter = RetryingLimiter(budget_seconds=300, sleep=fake.sleep, clock=fake.clock)
    assert await _run(limiter, call) == {"ok": 1}
    assert call.calls == 8
    assert fake.slept == [45.0, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0]


async def test_gives_up_only_when_the_budget_is_spent_never_on_bad_requests_or_timeouts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    fake = FakeTime()
    limiter = RetryingLimiter(budget_seconds=60, sleep=fake.sleep, clock=fake.clock)
    with pytest.raises(NetworkError):
        await _run(limiter, Flaky(*[NetworkError("x")] * 100))
    assert fake.now <= 60 and fake.slept == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0]
    fake = FakeTime()
    limiter = RetryingLimiter(budget_seconds=60, sleep=fake.sleep, clock=fake.clock)
    with pytest.raises(RetryAfter):  # a wait beyond the budget: given up at once
        await _run(limiter, Flaky(RetryAfter(timedelta(seconds=90))))
    assert fake.slept == []
    for error in (BadRequest("Can't parse entities"), TimedOut()):
        call = Flaky(error)
        with pytest.raises(type(error)):
            await _run(RetryingLimiter(sleep=fake.sleep, clock=fake.clock), call)
        assert call.calls == 1


def test_rate_limit_is_per_user_warns_once_and_slides() -> None:
    now = [0.0]
    limiter = UserRateLimiter(limit=2, window=60, clock=lambda: now[0])
    assert [limiter.allow(1) for _ in range(4)] == [
        (True, False),
        (True, False),
        (False, True),
        (False, False),
    ]
    assert limiter.allow(2) == (True, False)
    now[0] = 60.0
    assert limiter.allow(1) == (True, False)


def test_callback_data_stays_within_64_bytes() -> None:
    assert pack("fb", 12, "+1") == "fb:12:+1"
    assert unpack("fb:12:+1") == ["fb", "12", "+1"]
    assert unpack(None) == [""]
    assert len(pack("sub", 99, "x" * 57).encode()) == 64
    with pytest.raises(CallbackDataTooLong):
        pack("sub", 99, "é" * 29)


def test_every_followable_group_fits_in_callback_data() -> None:
    from pathlib import Path

    from bot.meetings.groups import GroupDirectory

    groups = GroupDirectory.load(Path("knowledge/meetings/groups.yaml")).groups
    assert groups and all(pack("sub", 99, group.id) for group in groups)


async def test_updates_of_one_chat_run_in_order_other_chats_concurrently() -> None:
    processor = PerChatUpdateProcessor(max_concurrent_updates=8)
    events: list[str] = []
    release = asyncio.Event()

    async def work(name: str, wait: bool) -> None:
        events.append(f"start {name}")
        if wait:
            await release.wait()
        events.append(f"end {name}")

    def update(chat_id: int, update_id: int) -> Update:
        chat = Chat(chat_id, "private")
        message = Message(update_id, None, chat, from_user=User(chat_id, "u", False), text="x")  # type: ignore[arg-type]
        return Update(update_id, message=message)

    first = asyncio.create_task(processor.do_process_update(update(1, 1), work("a1", True)))
    second = asyncio.create_task(processor.do_process_update(update(1, 2), work("a2", False)))
    other = asyncio.create_task(processor.do_process_update(update(2, 3), work("b1", False)))
    await other
    assert events == ["start a1", "start b1", "end b1"]
    release.set()
    await asyncio.gather(first, second)
    assert events[3:] == ["end a1", "start a2", "end a2"]


def _group_message(
    text: str, entities: list[MessageEntity], reply_from: int | None = None
) -> Message:
    chat = Chat(-100, "group", title="Délégation")
    reply = None
    if reply_from is not None:
        reply = Message(1, None, chat, from_user=User(reply_from, "b", True), text="r")  # type: ignore[arg-type]
    return Message(
        2,
        None,
        chat,
        from_user=User(5, "u", False),
        text=text,
        entities=entities,
        reply_to_message=reply,  # type: ignore[arg-type]
    )


def test_in_groups_the_bot_is_addressed_only_by_mention_reply_or_command() -> None:
    mention = MessageEntity(MessageEntity.MENTION, 0, 12)
    command = MessageEntity(MessageEntity.BOT_COMMAND, 0, 5)
    assert is_addressed(_group_message("@TestNameBot bonjour", [mention]), 666, "TestNameBot")
    assert not is_addressed(_group_message("@SomeoneElse bonjour", [mention]), 666, "TestNameBot")
    assert is_addressed(_group_message("/aide", [command]), 666, "TestNameBot")
    assert is_addressed(_group_message("et ça ?", [], reply_from=666), 666, "TestNameBot")
    assert not is_addressed(_group_message("et ça ?", [], reply_from=7), 666, "TestNameBot")
    assert not is_addressed(_group_message("bonjour à tous", []), 666, "TestNameBot")
    other_bot = MessageEntity(MessageEntity.BOT_COMMAND, 0, 15)
    ours = MessageEntity(MessageEntity.BOT_COMMAND, 0, 18)
    assert not is_addressed(_group_message("/start@OtherBot", [other_bot]), 666, "TestNameBot")
    assert is_addressed(_group_message("/start@testnamebot", [ours]), 666, "TestNameBot")


def test_callback_ids_are_ascii_digits_within_bounds() -> None:
    assert [parse_id(text) for text in ("0", "42", "9223372036854775807")] == [
        0,
        42,
        2**63 - 1,
    ]
    forged = ["²", "١٢", "", "-1", "+1", " 1", "1e3", "9223372036854775808", "1" * 25, None]
    assert [parse_id(text) for text in forged] == [None] * len(forged)
    assert (parse_id("7", maximum=6), parse_id("6", maximum=6)) == (None, 6)


def test_the_token_is_redacted_from_messages_and_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("tests.redaction")
    caplog.handler.addFilter(TokenRedactor(TOKEN))
    logger.warning("GET https://api.telegram.org/bot%s/getMe", TOKEN)
    try:
        raise RuntimeError(f"failed for /bot{TOKEN}/sendMessage")
    except RuntimeError:
        logger.exception("boom")
    assert TOKEN not in caplog.text
    assert "bot<telegram-token>/getMe" in caplog.text
    assert "/bot<telegram-token>/sendMessage" in caplog.text


def test_reply_language_is_the_questions_then_the_users_then_french() -> None:
    from bot.telegram.language import language_of

    english_user = User(1, "Ann", False, language_code="en-GB")
    french_user = User(2, "Anne", False, language_code="fr")
    assert language_of("What is the next meeting?", french_user) == "en"
    assert language_of("Quand est la prochaine réunion ?", english_user) == "fr"
    assert language_of("Bonjour", english_user) == "fr"
    assert language_of("RAICT 2027", english_user) == "en"  # says nothing: the user's language
    assert language_of("RAICT 2027", french_user) == "fr"
    assert language_of(None, english_user) == "en"
    assert language_of(None, User(3, "X", False)) == "fr"
    assert language_of(None, None) == "fr"
