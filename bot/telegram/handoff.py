"""Human handoff: a member's question to the staff chat, and the staff's reply back.

The button « Poser la question à l'équipe CUF » (``ho:<answer id>``) sits under a
refusal and appears after a 👎 when ``CUF_STAFF_CHAT_ID`` is set. Members only
(the gate refuses everyone else), at most ``CUF_HANDOFF_PER_DAY`` a day. A staff
member answers by replying (Telegram reply-to) to the forwarded message.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes, filters

from bot.messages import message as say
from bot.telegram.callbacks import pack, parse_id, unpack
from bot.telegram.context import services
from bot.telegram.language import language_of, update_language
from bot.telegram.render import escape
from bot.telegram.replies import send_html

logger = logging.getLogger(__name__)

_CONTEXT_TURNS = 4
_EXCERPT = 300


def staff_reply_filter(staff_chat_id: int) -> filters.BaseFilter:
    """Text replies in the staff chat (the answers to forwarded questions)."""
    return filters.Chat(chat_id=staff_chat_id) & filters.REPLY & filters.TEXT & ~filters.COMMAND


def handoff_button(answer_id: int, language: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        say("handoff_button", language), callback_data=pack("ho", answer_id)
    )


def with_handoff(
    keyboard: InlineKeyboardMarkup, answer_id: int, language: str
) -> InlineKeyboardMarkup:
    """``keyboard`` with the handoff button on a row of its own (added once)."""
    rows = [list(row) for row in keyboard.inline_keyboard]
    data = pack("ho", answer_id)
    if any(button.callback_data == data for row in rows for button in row):
        return keyboard
    return InlineKeyboardMarkup([*rows, [handoff_button(answer_id, language)]])


def enabled(context: ContextTypes.DEFAULT_TYPE) -> bool:
    return services(context).settings.staff_chat_id is not None


async def offer_after_thumbs_down(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answer_id: int
) -> None:
    """After a 👎, add the handoff button under the rated answer."""
    query = update.callback_query
    if query is None or query.message is None or not enabled(context):
        return
    markup = getattr(query.message, "reply_markup", None)
    if not isinstance(markup, InlineKeyboardMarkup):
        markup = InlineKeyboardMarkup([])
    try:
        await query.edit_message_reply_markup(
            with_handoff(markup, answer_id, update_language(update))
        )
    except TelegramError as error:
        logger.info("handoff button not added after a rating: %s", error)


async def on_handoff_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``ho:<answer id>``: forward the answer's question and the last turns to the staff chat."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and query.message is not None and user is not None
    svc = services(context)
    chat_id = str(query.message.chat.id)
    parts = unpack(query.data)
    answer_id = parse_id(parts[1]) if len(parts) == 2 else None
    logged = None
    if answer_id is not None:
        logged = await asyncio.to_thread(svc.feedback.answer, answer_id, chat_id)
    if answer_id is None or logged is None:
        await query.answer(say("expired", update_language(update)))
        return
    language = language_of(logged.question, user)
    staff_chat = svc.settings.staff_chat_id
    if staff_chat is None:
        await query.answer(say("handoff_unavailable", language), show_alert=True)
        return
    store = svc.handoffs
    now = svc.now()
    if not await asyncio.to_thread(store.allowed, user.id, now, svc.settings.handoff_per_day):
        logger.info("handoff refused: user over the daily limit")
        await query.answer(say("handoff_limited", language)[:200], show_alert=True)
        return
    handoff, new = await asyncio.to_thread(
        store.open, chat_id, user.id, answer_id, logged.question, language, now
    )
    if not new and handoff.staff_message_id is not None:
        await query.answer(say("handoff_already", language, number=handoff.id))
        return
    html = say(
        "handoff_staff",
        label=escape(_label(user.full_name, user.username, user.id)),
        number=handoff.id,
        question=escape(logged.question),
    )
    turns = await asyncio.to_thread(svc.conversations.recent, chat_id, now)
    lines = [
        f"• {escape(turn.question)}\n  → {escape(_excerpt(turn.answer))}"
        for turn in turns[-_CONTEXT_TURNS:]
    ]
    if lines:
        html += say("handoff_staff_context", turns="\n".join(lines))
    try:
        sent = await send_html(context.bot, staff_chat, html)
    except TelegramError as error:
        logger.warning("handoff %s: the staff chat could not be reached: %s", handoff.id, error)
        await asyncio.to_thread(store.cancel, handoff.id)
        await query.answer(say("handoff_unavailable", language)[:200], show_alert=True)
        return
    await asyncio.to_thread(store.forwarded, handoff.id, str(staff_chat), sent.message_id)
    await query.answer()
    await send_html(
        context.bot,
        query.message.chat.id,
        escape(say("handoff_sent", language, number=handoff.id)),
    )


async def on_staff_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A reply in the staff chat to a forwarded question goes back to the member."""
    message = update.effective_message
    assert message is not None and message.text is not None
    replied = message.reply_to_message
    if replied is None:
        return
    svc = services(context)
    store = svc.handoffs
    handoff = await asyncio.to_thread(
        store.by_staff_message, str(message.chat_id), replied.message_id
    )
    if handoff is None:
        if replied.from_user is not None and replied.from_user.id == context.bot.id:
            await send_html(
                context.bot,
                message.chat_id,
                escape(say("handoff_unknown_reply")),
                reply_to=message.message_id,
            )
        return
    reply = say(
        "handoff_reply",
        handoff.language,
        question=escape(handoff.question),
        answer=escape(message.text),
    )
    try:
        await send_html(context.bot, int(handoff.member_chat_id), reply)
    except TelegramError as error:
        logger.warning("handoff %s: reply not delivered: %s", handoff.id, error)
        return
    already = handoff.answered_at is not None
    await asyncio.to_thread(store.answered, handoff.id, svc.now())
    done = say("handoff_staff_already" if already else "handoff_relayed", number=handoff.id)
    await send_html(
        context.bot,
        message.chat_id,
        escape(done),
        reply_to=message.message_id,
    )


def _label(name: str, username: str | None, user_id: int) -> str:
    handle = f"@{username}, " if username else ""
    return f"{name} ({handle}{user_id})"


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"
