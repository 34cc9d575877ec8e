"""Sending and editing HTML safely: split below the limit, plain text when HTML is refused."""

from __future__ import annotations

import logging

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, InputFile, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.answers import Attachment
from bot.telegram.render import split_message, to_plain

logger = logging.getLogger(__name__)


def _is_parse_error(error: BadRequest) -> bool:
    text = str(error).lower()
    return "parse" in text or "entit" in text or "tag" in text


async def send_html(
    bot: Bot,
    chat_id: int,
    html: str,
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
    reply_to: int | None = None,
) -> Message:
    """Send ``html`` in as many messages as needed; the keyboard goes under the last one."""
    parts = split_message(html)
    sent: Message | None = None
    for index, part in enumerate(parts):
        markup = reply_markup if index == len(parts) - 1 else None
        reply = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
        try:
            sent = await bot.send_message(
                chat_id,
                part,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                reply_parameters=reply,
            )
        except BadRequest as error:
            if not _is_parse_error(error):
                raise
            logger.warning("HTML refused by Telegram (%s); sending plain text", error)
            sent = await bot.send_message(
                chat_id, to_plain(part), reply_markup=markup, reply_parameters=reply
            )
        reply_to = None
    assert sent is not None
    return sent


async def edit_html(
    query: CallbackQuery, html: str, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """Replace the text (and keyboard) of the message a button belongs to."""
    text = split_message(html)[0]
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=reply_markup)
    except BadRequest as error:
        if "not modified" in str(error).lower():
            return
        if not _is_parse_error(error):
            raise
        logger.warning("HTML refused by Telegram (%s); editing as plain text", error)
        await query.edit_message_text(to_plain(text), reply_markup=reply_markup)


async def send_attachments(bot: Bot, chat_id: int, attachments: tuple[Attachment, ...]) -> None:
    """Send files handed back with an answer (e.g. an ``.ics`` to add to a calendar)."""
    for attachment in attachments:
        await bot.send_document(
            chat_id, InputFile(attachment.content, filename=attachment.filename)
        )
