"""« typing… » in a chat while an answer is computed (Telegram shows it for 5 s at most)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import TelegramError

logger = logging.getLogger(__name__)

TYPING_RENEWAL_SECONDS = 4.0


@contextlib.asynccontextmanager
async def typing(
    bot: Bot, chat_id: int, every: float = TYPING_RENEWAL_SECONDS
) -> AsyncIterator[None]:
    """Show « typing… » until the block ends, renewed every ``every`` seconds."""

    async def keep_typing() -> None:
        while True:
            try:
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            except TelegramError as error:  # cosmetic: never let it delay the answer
                logger.debug("typing indicator not sent to %s: %s", chat_id, error)
            await asyncio.sleep(every)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
