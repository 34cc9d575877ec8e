"""Free-text questions, and the buttons under answers (📚 Sources, 👍, 👎)."""

from __future__ import annotations

import asyncio
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.language import detect_language
from bot.messages import message as core_message
from bot.telegram import texts
from bot.telegram.callbacks import pack, unpack
from bot.telegram.chat_action import typing
from bot.telegram.context import services
from bot.telegram.render import escape, render_answer, render_sources
from bot.telegram.replies import send_attachments, send_html


def question_text(text: str, bot_username: str | None) -> str:
    """The question without the bot's @mention."""
    if bot_username:
        text = re.sub(rf"@{re.escape(bot_username)}\b", " ", text, flags=re.IGNORECASE)
    return " ".join(text.split())


def answer_keyboard(answer_id: int, has_sources: bool) -> InlineKeyboardMarkup:
    row = [
        InlineKeyboardButton("👍", callback_data=pack("fb", answer_id, "+1")),
        InlineKeyboardButton("👎", callback_data=pack("fb", answer_id, "-1")),
    ]
    if has_sources:
        row.insert(
            0, InlineKeyboardButton(texts.SOURCES_BUTTON, callback_data=pack("src", answer_id))
        )
    return InlineKeyboardMarkup([row])


async def on_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a question from the documents, with its sources and rating buttons."""
    message = update.effective_message
    assert message is not None and message.text is not None
    svc, chat_id = services(context), str(message.chat_id)
    question = question_text(message.text, context.bot.username)
    language = detect_language(question)
    if not question:
        await message.reply_text(core_message("empty_question", language))
        return
    async with typing(context.bot, message.chat_id):  # an LLM may take a minute
        answer = await asyncio.to_thread(svc.assistant.answer, question, chat_id)
    answer_id = await asyncio.to_thread(
        svc.feedback.record_answer, chat_id, question, answer, svc.now()
    )
    in_group = message.chat.type != ChatType.PRIVATE
    await send_html(
        context.bot,
        message.chat_id,
        render_answer(answer, language),
        reply_markup=answer_keyboard(answer_id, bool(answer.sources)),
        reply_to=message.message_id if in_group else None,
    )
    await send_attachments(context.bot, message.chat_id, answer.attachments)


async def on_sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the passages an answer was built from (document, page, excerpt)."""
    query = update.callback_query
    assert query is not None and query.message is not None
    parts = unpack(query.data)
    svc, chat_id = services(context), str(query.message.chat.id)
    logged = None
    if len(parts) == 2 and parts[1].isdigit():
        logged = await asyncio.to_thread(svc.feedback.answer, int(parts[1]), chat_id)
    if logged is None:
        await query.answer(texts.EXPIRED)
        return
    await query.answer()
    language = detect_language(logged.question)
    html = render_sources(logged.sources, language) or escape(texts.NO_SOURCES)
    await send_html(context.bot, query.message.chat.id, html, reply_to=query.message.message_id)


async def on_rating(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store a 👍 or 👎 on an answer and thank the member."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and query.message is not None and user is not None
    parts = unpack(query.data)
    svc, chat_id = services(context), str(query.message.chat.id)
    stored = False
    if len(parts) == 3 and parts[1].isdigit() and parts[2] in ("+1", "-1"):
        rating = int(parts[2])
        stored = await asyncio.to_thread(
            svc.feedback.rate, int(parts[1]), chat_id, user.id, rating, svc.now()
        )
    if not stored:
        await query.answer(texts.EXPIRED)
        return
    await query.answer(texts.THANKS_UP if parts[2] == "+1" else texts.THANKS_DOWN)
