"""Reaching Telegram at start-up: a rejected token or an unreachable server in one line.

Before the application starts, one ``getMe`` checks the token and the server.
A network failure is retried with exponential backoff (1, 2, 4… up to 60 s)
for at most ``telegram_startup_wait_seconds``, printing one line per attempt;
a rejected token stops at once. No message ever contains the token.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from telegram import Bot
from telegram.error import InvalidToken, NetworkError

from bot.messages import message

Say = Callable[[str], None]
Sleep = Callable[[float], Awaitable[None]]

MAX_DELAY_SECONDS = 60.0


class StartupError(Exception):
    """Start-up cannot go on; the message is one line for the operator, without the token."""


def redact(text: str, token: str) -> str:
    """``text`` without the token, nor its secret part alone."""
    secret = token.split(":", 1)[-1]
    for part in (token, secret):
        if part:
            text = text.replace(part, "<jeton>")
    return text


async def wait_for_telegram(
    token: str,
    base_url: str | None,
    wait_seconds: float,
    *,
    say: Say,
    sleep: Sleep = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> str:
    """Return the bot's @username once Telegram answers ``getMe``; raise :class:`StartupError`."""
    deadline = clock() + wait_seconds
    delay = 1.0
    where = base_url or "https://api.telegram.org/bot"
    while True:
        bot = Bot(token, base_url=base_url) if base_url else Bot(token)
        try:
            async with bot:
                return bot.username
        except InvalidToken:
            raise StartupError(message("startup_bad_token")) from None
        except NetworkError as error:  # TimedOut included
            reason = (
                redact(str(error), token).splitlines()[0] if str(error) else type(error).__name__
            )
            remaining = deadline - clock()
            if remaining <= 0:
                waited = f"{wait_seconds:.0f}"
                raise StartupError(
                    message("startup_unreachable", where=where, seconds=waited, reason=reason)
                ) from None
            pause = min(delay, remaining)
            say(message("startup_retrying", where=where, reason=reason, seconds=f"{pause:.0f}"))
            await sleep(pause)
            delay = min(delay * 2, MAX_DELAY_SECONDS)
