"""Every Bot API call retried through flood control (429) and transient network errors.

Plugged into python-telegram-bot as its rate limiter, so each call the handlers
make (``reply_text``, ``send_document``…) gets the same policy: wait what
Telegram asks on ``RetryAfter``, back off exponentially on ``NetworkError``,
give up after a few attempts and let the error handler report it. A timed-out
request is not retried (it may have reached Telegram; better once than twice).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


class RetryingLimiter(BaseRateLimiter[None]):
    """Retries Bot API calls on 429 and network errors, with exponential backoff."""

    def __init__(
        self,
        attempts: int = 4,
        base_delay: float = 0.5,
        max_delay: float = 30.0,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.attempts = attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._sleep = sleep

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        for attempt in range(1, self.attempts + 1):
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                delay = _seconds(error.retry_after)
                if attempt == self.attempts or delay > self.max_delay:
                    raise
                logger.warning("%s: flood control, retrying in %.1f s", endpoint, delay)
            except (BadRequest, TimedOut):
                raise
            except NetworkError as error:
                if attempt == self.attempts:
                    raise
                delay = min(self.base_delay * 2 ** (attempt - 1), self.max_delay)
                logger.warning("%s: %s, retrying in %.1f s", endpoint, error, delay)
            await self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover


def _seconds(retry_after: object) -> float:
    total_seconds = getattr(retry_after, "total_seconds", None)
    return float(total_seconds() if callable(total_seconds) else retry_after)  # type: ignore[arg-type]
