"""Members only: the gate in front of every update, and access requests decided by admins."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, MessageEntityType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.members import APPROVED, REFUSED
from bot.messages import message as say
from bot.rate_limits import SharedRateLimiter
from bot.telegram.callbacks import pack, parse_id, unpack
from bot.telegram.context import ADMIN_NAMES, rate_limiters, services
from bot.telegram.language import update_language
from bot.telegram.oplog import chat_hash, log_reply
from bot.telegram.ratelimit import UserRateLimiter
from bot.telegram.render import escape
from bot.telegram.replies import edit_html, send_html

logger = logging.getLogger(__name__)
# How a decided access request reads to the admins (catalog keys).
_DECISION_KEYS = {"approved": "decision_approved", "refused": "decision_refused"}


def is_addressed(message: Message, bot_id: int, bot_username: str | None) -> bool:
    """In a private chat always; in a group when it is a command, a mention or a reply.

    A group command addressed to another bot (``/start@OtherBot``) is not for us.
    """
    if message.chat.type == ChatType.PRIVATE:
        return True
    replied = message.reply_to_message
    if replied and replied.from_user and replied.from_user.id == bot_id:
        return True
    mention = f"@{bot_username}".lower() if bot_username else None
    for entity, text in message.parse_entities().items():
        if entity.type == MessageEntityType.BOT_COMMAND and entity.offset == 0:
            _command, _at, target = text.partition("@")
            return not target or (mention is not None and f"@{target}".lower() == mention)
        if entity.type == MessageEntityType.MENTION and mention and text.lower() == mention:
            return True
    return False


def _is_question_like(message: Message | None) -> bool:
    """Text and commands cost an answer; media get a short canned reply."""
    return message is not None and bool(message.text)


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every update of every user, members or not, passes here first.

    Updates not addressed to the bot (group chatter) are let through untouched
    for members and dropped for others. Addressed ones count against the
    per-user flood limit (every kind: messages, edits, media, buttons); texts
    and commands (edits included) also count against the question rate limit.
    Non-members then get a polite refusal and the request button.
    """
    user, query = update.effective_user, update.callback_query
    message = update.effective_message if query is None else None
    if user is None or user.is_bot:
        raise ApplicationHandlerStop
    addressed = query is not None or (
        message is not None and is_addressed(message, context.bot.id, context.bot.username)
    )
    if not addressed:
        if not await asyncio.to_thread(services(context).members.is_member, user.id):
            raise ApplicationHandlerStop
        return
    limits = rate_limiters(context)
    if not (await _allow(limits.flood, user.id))[0]:
        logger.info("update dropped: user %s over the flood limit", chat_hash(user.id))
        raise ApplicationHandlerStop
    if _is_question_like(message):
        allowed, warn = await _allow(limits.questions, user.id)
        if not allowed:
            log_reply(update, "limit", "refused", "rate limited", 0.0)
            if warn and message is not None:
                await message.reply_text(say("rate_limited", update_language(update)))
            raise ApplicationHandlerStop
    if query is not None and unpack(query.data)[0] == "acc":
        return  # access buttons check their own rights
    if not await asyncio.to_thread(services(context).members.is_member, user.id):
        log_reply(update, "gate", "refused", "not a member", 0.0)
        await _refuse(update, context)
        raise ApplicationHandlerStop


async def _refuse(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What a non-member sees: no content, only the way to ask for access."""
    language = update_language(update)
    if update.callback_query is not None:
        await update.callback_query.answer(say("not_allowed_button", language), show_alert=True)
        return
    message = update.effective_message
    if message is None:
        return
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(say("request_button", language), callback_data=pack("acc", "req"))]]
    )
    await message.reply_text(say("not_member", language), reply_markup=keyboard)


async def on_access_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A non-member asks for access, or an admin approves or refuses a request."""
    query = update.callback_query
    assert query is not None
    parts = unpack(query.data)
    user_id = parse_id(parts[2]) if len(parts) == 3 else None
    if parts[1:] == ["req"]:
        await _request_access(update, context)
    elif len(parts) == 3 and parts[1] in ("ok", "no") and user_id is not None:
        await _decide(update, context, approve=parts[1] == "ok", user_id=user_id)
    else:
        await query.answer(say("expired", update_language(update)))


async def _request_access(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Record the request once and tell every admin, with buttons to decide."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    svc, language = services(context), update_language(update)
    if await asyncio.to_thread(svc.members.is_member, user.id):
        await query.answer(say("user_approved", language).split("\n")[0])
        return
    request, new = await asyncio.to_thread(
        svc.members.request_access, user.id, user.full_name, user.username, svc.now()
    )
    await query.answer()
    if request.status == REFUSED:
        await edit_html(query, escape(say("request_refused", language)))
        return
    if not svc.members.admin_ids:
        await edit_html(query, escape(say("no_admin", language)))
        return
    await edit_html(query, escape(say("request_sent" if new else "request_already", language)))
    if new:
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        say("admin_approve"), callback_data=pack("acc", "ok", user.id)
                    ),
                    InlineKeyboardButton(
                        say("admin_refuse"), callback_data=pack("acc", "no", user.id)
                    ),
                ]
            ]
        )
        notice = escape(say("admin_new_request", label=request.label()))
        await _tell_admins(context, notice, reply_markup=keyboard)


async def _tell_admins(
    context: ContextTypes.DEFAULT_TYPE,
    html: str,
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
    except_id: int | None = None,
) -> None:
    for admin_id in sorted(services(context).members.admin_ids):
        if admin_id == except_id:
            continue
        try:
            await send_html(context.bot, admin_id, html, reply_markup=reply_markup)
        except TelegramError as error:  # e.g. an admin who never opened the bot
            logger.warning("could not notify admin %s: %s", admin_id, error)


def _admin_name(context: ContextTypes.DEFAULT_TYPE, admin_id: int | None) -> str:
    names: dict[int, str] = context.application.bot_data.setdefault(ADMIN_NAMES, {})
    return names.get(admin_id or 0, f"l'administrateur {admin_id}")


async def _decide(
    update: Update, context: ContextTypes.DEFAULT_TYPE, *, approve: bool, user_id: int
) -> None:
    """An admin's decision: the first one wins, is told to the requester and the other admins.

    A later press (by any admin, on any copy of the notice) shows who decided
    and when, and changes nothing.
    """
    query, admin = update.callback_query, update.effective_user
    assert query is not None and admin is not None
    svc = services(context)
    if not svc.members.is_admin(admin.id):
        await query.answer(say("admin_only", update_language(update)), show_alert=True)
        return
    context.application.bot_data.setdefault(ADMIN_NAMES, {})[admin.id] = admin.full_name
    request, changed = await asyncio.to_thread(
        svc.members.decide, user_id, approve, admin.id, svc.now()
    )
    decision = say(_DECISION_KEYS[request.status])
    if not changed:
        when = _when(request.decided_at)
        already = say(
            "admin_already_decided",
            label=request.label(),
            decision=decision,
            admin=_admin_name(context, request.decided_by),
            when=when,
        )
        await query.answer(already[:200], show_alert=True)
        await edit_html(query, escape(already))
        return
    await query.answer()
    summary = say("admin_decided", label=request.label(), decision=decision, admin=admin.full_name)
    await edit_html(query, escape(summary))
    elsewhere = say(
        "admin_decided_elsewhere",
        label=request.label(),
        decision=decision,
        admin=admin.full_name,
        when=_when(request.decided_at),
    )
    await _tell_admins(context, escape(elsewhere), except_id=admin.id)
    notice = "user_approved" if request.status == APPROVED else "request_refused"
    try:
        await send_html(context.bot, user_id, escape(say(notice)))
    except TelegramError as error:
        logger.warning("could not tell user %s about the decision: %s", user_id, error)


def _when(decided_at: str | None) -> str:
    """``12/03/2025 à 09:41`` from a stored ISO time."""
    if not decided_at:
        return "?"
    moment = datetime.fromisoformat(decided_at)
    return say("staff_when", date=f"{moment:%d/%m/%Y}", time=f"{moment:%H:%M}")


async def on_revoke(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Admins: ``/revoquer ID`` withdraws a member's access, groups and reminders.

    The member is told, and so are the other admins.
    """
    message, admin = update.effective_message, update.effective_user
    assert message is not None and admin is not None
    svc = services(context)
    if not svc.members.is_admin(admin.id):
        await send_html(
            context.bot, message.chat_id, escape(say("admin_only", update_language(update)))
        )
        return
    arguments = context.args or []
    user_id = parse_id(arguments[0]) if len(arguments) == 1 else None
    if user_id is None:
        await send_html(context.bot, message.chat_id, escape(say("revoke_usage")))
        return
    if svc.members.is_configured(user_id):
        text = say("revoke_configured", user_id=user_id)
        await send_html(context.bot, message.chat_id, escape(text))
        return
    request = await asyncio.to_thread(svc.revoke_member, user_id, admin.id)
    if request is None:
        text = say("revoke_not_member", user_id=user_id)
        await send_html(context.bot, message.chat_id, escape(text))
        return
    done = escape(say("revoke_done", label=request.label(), admin=admin.full_name))
    await send_html(context.bot, message.chat_id, done)
    await _tell_admins(context, done, except_id=admin.id)
    try:
        await send_html(context.bot, user_id, escape(say("user_revoked")))
    except TelegramError as error:
        logger.warning("could not tell user %s about the revocation: %s", user_id, error)


async def _allow(limiter: UserRateLimiter | SharedRateLimiter, user_id: int) -> tuple[bool, bool]:
    """A limit in memory is asked at once; one shared through the database, off the loop."""
    if isinstance(limiter, SharedRateLimiter):
        return await asyncio.to_thread(limiter.allow, user_id)
    return limiter.allow(user_id)
