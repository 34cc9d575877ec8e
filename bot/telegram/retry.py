"""Every Bot API call retried through flood control (429) and transient network errors.

Plugged into python-telegram-bot as its rate limiter, so each call the handlers
make (``reply_text``, ``send_document``…) gets the same policy: wait what
Telegram asks on ``RetryAfter`` (however long), back off exponentially on
``NetworkError``, and keep going as long as the next attempt starts within
``budget_seconds`` of the first (``CUF_TELEGRAM_RETRY_BUDGET_SECONDS``); only
then let the error handler report it. A timed-out request is not retried (it
may have reached Telegram; better once than twice).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
ApiResult = bool | dict[str, Any] | list[dict[str, Any]]  # what a Bot API call returns
Callback = Callable[..., Coroutine[Any, Any, ApiResult]]  # one Bot API call, as PTB passes it


class RetryingLimiter(BaseRateLimiter[None]):
    """Retries Bot API calls on 429 and network errors within a total time budget."""

    def __init__(
        self,
        budget_seconds: float = 300.0,
        base_delay: float = 0.5,
        max_delay: float = 30.0,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.budget_seconds = budget_seconds
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._sleep = sleep
        self._clock = clock

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> ApiResult:
        deadline = self._clock() + self.budget_seconds
        failures = 0
        while True:
            try:
                return await callback(*args, **kwargs)
            except (BadRequest, TimedOut):
                raise
            except NetworkError as error:  # RetryAfter is not one; see below
                delay = min(self.base_delay * 2**failures, self.max_delay)
                failures += 1
                self._check_budget(error, endpoint, str(error), delay, deadline, failures)
            except RetryAfter as error:
                delay = retry_after_seconds(error)
                failures += 1
                self._check_budget(error, endpoint, "flood control", delay, deadline, failures)
            await self._sleep(delay)

    def _check_budget(
        self,
        error: Exception,
        endpoint: str,
        what: str,
        delay: float,
        deadline: float,
        failures: int,
    ) -> None:
        """Raise ``error`` when the next attempt would start past the deadline."""
        if self._clock() + delay > deadline:
            logger.warning(
                "%s: %s, giving up after %d attempt(s): retry budget of %.0f s spent",
                endpoint,
                what,
                failures,
                self.budget_seconds,
            )
            raise error
        logger.warning("%s: %s, retrying in %.1f s", endpoint, what, delay)


def retry_after_seconds(error: RetryAfter) -> float:
    """How long Telegram asked to wait (a number or a ``timedelta``, by PTB version)."""
    retry_after: object = error.retry_after
    total_seconds = getattr(retry_after, "total_seconds", None)
    return float(total_seconds() if callable(total_seconds) else retry_after)  # type: ignore[arg-type]
