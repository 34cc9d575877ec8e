"""The one error handler: log with the traceback first, then tell the user."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.messages import message as say
from bot.telegram.language import update_language

logger = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure, then say “something went wrong” where it happened."""
    logger.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return
    text = say("error", update_language(update))
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError as error:
        logger.warning("could not tell the user about the error: %s", error)
