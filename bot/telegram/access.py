"""Members only: the gate in front of every update, and access requests decided by admins."""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, MessageEntityType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.language import detect_language
from bot.members import APPROVED, REFUSED
from bot.telegram import texts
from bot.telegram.callbacks import pack, unpack
from bot.telegram.context import rate_limiter, services
from bot.telegram.render import escape
from bot.telegram.replies import edit_html, send_html

logger = logging.getLogger(__name__)


def is_addressed(message: Message, bot_id: int, bot_username: str | None) -> bool:
    """In a private chat always; in a group when it is a command, a mention or a reply."""
    if message.chat.type == ChatType.PRIVATE:
        return True
    replied = message.reply_to_message
    if replied and replied.from_user and replied.from_user.id == bot_id:
        return True
    mention = f"@{bot_username}".lower() if bot_username else None
    for entity, text in message.parse_entities().items():
        if entity.type == MessageEntityType.BOT_COMMAND and entity.offset == 0:
            return True
        if entity.type == MessageEntityType.MENTION and mention and text.lower() == mention:
            return True
    return False


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Non-members get a polite refusal and the request button; members are rate limited."""
    user, query, message = update.effective_user, update.callback_query, update.message
    if user is None or user.is_bot:
        raise ApplicationHandlerStop
    if query is not None and unpack(query.data)[0] == "acc":
        return  # access buttons check their own rights
    addressed = query is not None or (
        message is not None and is_addressed(message, context.bot.id, context.bot.username)
    )
    if not await asyncio.to_thread(services(context).members.is_member, user.id):
        if addressed:
            await _refuse(update, context)
        raise ApplicationHandlerStop
    if message is not None and addressed and query is None:
        allowed, warn = rate_limiter(context).allow(user.id)
        if not allowed:
            if warn:
                language = detect_language(message.text or "")
                await message.reply_text(texts.bilingual("rate_limited", language))
            raise ApplicationHandlerStop


async def _refuse(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What a non-member sees: no content, only the way to ask for access."""
    if update.callback_query is not None:
        await update.callback_query.answer(texts.NOT_ALLOWED_BUTTON, show_alert=True)
        return
    if update.message is None:
        return
    language = detect_language(update.message.text or "")
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.REQUEST_BUTTON, callback_data=pack("acc", "req"))]]
    )
    await update.message.reply_text(texts.bilingual("not_member", language), reply_markup=keyboard)


async def on_access_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A non-member asks for access, or an admin approves or refuses a request."""
    query = update.callback_query
    assert query is not None
    parts = unpack(query.data)
    if parts[1:] == ["req"]:
        await _request_access(update, context)
    elif len(parts) == 3 and parts[1] in ("ok", "no") and parts[2].isdigit():
        await _decide(update, context, approve=parts[1] == "ok", user_id=int(parts[2]))
    else:
        await query.answer(texts.EXPIRED)


async def _request_access(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Record the request once and tell every admin, with buttons to decide."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    svc = services(context)
    if await asyncio.to_thread(svc.members.is_member, user.id):
        await query.answer(texts.USER_APPROVED.split("\n")[0])
        return
    request, new = await asyncio.to_thread(
        svc.members.request_access, user.id, user.full_name, user.username, svc.now()
    )
    await query.answer()
    if request.status == REFUSED:
        await edit_html(query, escape(texts.REQUEST_REFUSED))
        return
    if not svc.members.admin_ids:
        await edit_html(query, escape(texts.NO_ADMIN))
        return
    await edit_html(query, escape(texts.REQUEST_SENT if new else texts.REQUEST_ALREADY))
    if new:
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        texts.ADMIN_APPROVE, callback_data=pack("acc", "ok", user.id)
                    ),
                    InlineKeyboardButton(
                        texts.ADMIN_REFUSE, callback_data=pack("acc", "no", user.id)
                    ),
                ]
            ]
        )
        notice = escape(texts.ADMIN_NEW_REQUEST.format(label=request.label()))
        for admin_id in sorted(svc.members.admin_ids):
            try:
                await send_html(context.bot, admin_id, notice, reply_markup=keyboard)
            except TelegramError as error:  # e.g. an admin who never opened the bot
                logger.warning("could not notify admin %s of a request: %s", admin_id, error)


async def _decide(
    update: Update, context: ContextTypes.DEFAULT_TYPE, *, approve: bool, user_id: int
) -> None:
    """An admin's decision: recorded, shown to the admin, told to the requester."""
    query, admin = update.callback_query, update.effective_user
    assert query is not None and admin is not None
    svc = services(context)
    if not svc.members.is_admin(admin.id):
        await query.answer(texts.ADMIN_ONLY, show_alert=True)
        return
    request = await asyncio.to_thread(svc.members.decide, user_id, approve, admin.id, svc.now())
    await query.answer()
    summary = texts.ADMIN_DECIDED.format(
        label=request.label(), decision=texts.DECISION[request.status], admin=admin.full_name
    )
    await edit_html(query, escape(summary))
    notice = texts.USER_APPROVED if request.status == APPROVED else texts.USER_REFUSED
    try:
        await send_html(context.bot, user_id, escape(notice))
    except TelegramError as error:
        logger.warning("could not tell user %s about the decision: %s", user_id, error)
