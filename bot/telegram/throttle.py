"""Proactive throttling of sends, with the project's retries around it.

:class:`ThrottledLimiter` is what python-telegram-bot gets as its rate limiter
when ``CUF_TELEGRAM_MAX_MESSAGES_PER_SECOND`` is above 0. Each attempt of a
Bot API call goes through PTB's :class:`~telegram.ext.AIORateLimiter` (at most
that many requests naming a chat per second overall, and
``CUF_TELEGRAM_GROUP_MESSAGES_PER_MINUTE`` per group chat), and the whole call
through :class:`~bot.telegram.retry.RetryingLimiter` (flood control and network
errors retried within ``CUF_TELEGRAM_RETRY_BUDGET_SECONDS``). A flood-control
answer (429) pauses every send, not only the one that got it, for the time
Telegram asked.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter, BaseRateLimiter

from bot.telegram.retry import ApiResult, Callback, RetryingLimiter, retry_after_seconds

logger = logging.getLogger(__name__)


class _NoRetryNoise(logging.Filter):
    """AIORateLimiter logs every 429 as an error when it does not retry itself;
    here RetryingLimiter retries and logs, so that line is only noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Rate limit hit after maximum of")


logging.getLogger("telegram.ext.AIORateLimiter").addFilter(_NoRetryNoise())


class ThrottledLimiter(BaseRateLimiter[None]):
    """AIORateLimiter's leaky buckets for every attempt, RetryingLimiter around them."""

    def __init__(
        self,
        retry: RetryingLimiter,
        messages_per_second: float = 30.0,
        group_messages_per_minute: float = 20.0,
    ) -> None:
        self.retry = retry
        self.throttle = AIORateLimiter(
            overall_max_rate=messages_per_second,
            overall_time_period=1,
            group_max_rate=group_messages_per_minute,
            group_time_period=60,
            max_retries=0,  # 429s go to RetryingLimiter, within its budget
        )
        self._resume_at = 0.0  # loop time before which nothing is sent (after a 429)

    async def initialize(self) -> None:
        await self.throttle.initialize()
        await self.retry.initialize()

    async def shutdown(self) -> None:
        await self.retry.shutdown()
        await self.throttle.shutdown()

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> ApiResult:
        async def attempt(*a: Any, **kw: Any) -> ApiResult:
            loop = asyncio.get_running_loop()
            pause = self._resume_at - loop.time()
            if pause > 0:
                await asyncio.sleep(pause)
            try:
                return await self.throttle.process_request(callback, a, kw, endpoint, data, 0)
            except RetryAfter as error:
                self._resume_at = max(self._resume_at, loop.time() + retry_after_seconds(error))
                raise

        return await self.retry.process_request(attempt, args, kwargs, endpoint, data, None)


def build_limiter(
    budget_seconds: float, messages_per_second: float, group_messages_per_minute: float
) -> BaseRateLimiter[None]:
    """The rate limiter for the settings: throttled and retried, or only retried (rate 0)."""
    retry = RetryingLimiter(budget_seconds=budget_seconds)
    if messages_per_second <= 0:
        return retry
    return ThrottledLimiter(retry, messages_per_second, group_messages_per_minute)
