"""« typing… » while the bot works on a reply (one helper shared by every handler).

Telegram shows a chat action for about five seconds, so it is repeated every
four seconds until the work is done. A failed chat action never fails the reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import TelegramError

logger = logging.getLogger(__name__)

REPEAT_SECONDS = 4.0


@contextlib.asynccontextmanager
async def typing(
    bot: Bot, chat_id: int, *, repeat_seconds: float = REPEAT_SECONDS
) -> AsyncIterator[None]:
    """``async with typing(bot, chat_id): ...``: « typing… » shown until the block ends."""

    async def keep_typing() -> None:
        while True:
            try:
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            except TelegramError as error:
                logger.debug("chat action not shown in chat %s: %s", chat_id, error)
            await asyncio.sleep(repeat_seconds)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
