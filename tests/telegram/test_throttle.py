"""Throttled sends: AIORateLimiter's buckets inside the project's retries."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import NetworkError, RetryAfter

from bot.telegram.retry import RetryingLimiter
from bot.telegram.throttle import ThrottledLimiter, build_limiter


class Recorder:
    """A Bot API call that records when each attempt started, failing as scripted."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.started: list[float] = []

    async def __call__(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.started.append(asyncio.get_running_loop().time())
        if self.errors:
            raise self.errors.pop(0)
        return {"ok": True, "args": args}


def _limiter(rate: float = 5.0, per_group_minute: float = 20.0) -> ThrottledLimiter:
    return ThrottledLimiter(
        RetryingLimiter(budget_seconds=60, base_delay=0.05), rate, per_group_minute
    )


async def _send(limiter: ThrottledLimiter, call: Recorder, chat_id: int = 42) -> Any:
    return await limiter.process_request(
        call, (chat_id,), {}, "sendMessage", {"chat_id": chat_id}, None
    )


async def test_a_burst_is_spread_at_the_configured_rate() -> None:
    limiter = _limiter(rate=5.0)
    call = Recorder()
    await asyncio.gather(*(_send(limiter, call, chat_id=1000 + n) for n in range(15)))

    starts = sorted(call.started)
    assert len(starts) == 15
    # A bucket of 5 lets the first five through, then 5 a second: ten more take 2 s.
    assert starts[-1] - starts[0] >= 1.8
    # Never more than 5 + 5 starts within any one second.
    assert max(sum(1 for t in starts if s <= t < s + 1.0) for s in starts) <= 10


async def test_requests_without_a_chat_are_not_throttled() -> None:
    limiter = _limiter(rate=1.0)
    call = Recorder()
    for _ in range(5):  # getMe, setMyCommands…: no chat_id
        await limiter.process_request(call, (), {}, "getMe", {}, None)

    assert call.started[-1] - call.started[0] < 1.0  # not spaced a second apart


async def test_network_errors_are_still_retried_through_the_throttle() -> None:
    limiter = _limiter()
    call = Recorder(NetworkError("connection reset"), NetworkError("connection reset"))

    result = await _send(limiter, call)

    assert result == {"ok": True, "args": (42,)}
    assert len(call.started) == 3


async def test_flood_control_pauses_every_send_not_only_the_one_refused(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    limiter = _limiter(rate=100.0)
    refused = Recorder(RetryAfter(timedelta(seconds=0.5)))
    other = Recorder()

    with caplog.at_level(logging.INFO):
        first = asyncio.create_task(_send(limiter, refused, chat_id=1))
        while not refused.started:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # the 429 has been received
        await _send(limiter, other, chat_id=2)
        await first

    assert len(refused.started) == 2  # retried once Telegram's delay had passed
    assert other.started[0] - refused.started[0] >= 0.45  # waited for the pause too
    assert refused.started[1] - refused.started[0] >= 0.5
    assert not [r for r in caplog.records if "Rate limit hit after maximum" in r.getMessage()]


def test_rate_zero_means_retries_only() -> None:
    assert isinstance(build_limiter(300, 0, 20), RetryingLimiter)
    throttled = build_limiter(300, 30, 20)
    assert isinstance(throttled, ThrottledLimiter)
    assert throttled.retry.budget_seconds == 300
