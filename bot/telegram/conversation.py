"""Free-text questions, and the buttons under answers (📚 Sources, 👍, 👎)."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.answers import Answer
from bot.messages import message as say
from bot.telegram import handoff
from bot.telegram.callbacks import pack, parse_id, unpack
from bot.telegram.chat_action import typing
from bot.telegram.context import services
from bot.telegram.language import language_of, update_language
from bot.telegram.oplog import log_reply
from bot.telegram.render import escape, render_answer, render_sources
from bot.telegram.replies import send_attachments, send_html

logger = logging.getLogger(__name__)


def question_text(text: str, bot_username: str | None) -> str:
    """The question without the bot's @mention."""
    if bot_username:
        text = re.sub(rf"@{re.escape(bot_username)}\b", " ", text, flags=re.IGNORECASE)
    return " ".join(text.split())


def answer_keyboard(
    answer_id: int, has_sources: bool, language: str = "fr"
) -> InlineKeyboardMarkup:
    row = [
        InlineKeyboardButton("👍", callback_data=pack("fb", answer_id, "+1")),
        InlineKeyboardButton("👎", callback_data=pack("fb", answer_id, "-1")),
    ]
    if has_sources:
        label = say("sources_button", language)
        row.insert(0, InlineKeyboardButton(label, callback_data=pack("src", answer_id)))
    return InlineKeyboardMarkup([row])


def _refusal_reason(answer: Answer) -> str | None:
    """Why an answer is a refusal, in the log's words (``None`` when it answers)."""
    if answer.answered:
        return None
    return "not in the documents" if answer.kind == "abstain" else f"not answered ({answer.kind})"


async def on_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a question from the documents, with its sources and rating buttons."""
    started = time.perf_counter()
    message = update.effective_message
    assert message is not None and message.text is not None
    svc, chat_id = services(context), str(message.chat_id)
    question = question_text(message.text, context.bot.username)
    language = language_of(question, update.effective_user)
    if not question:
        await message.reply_text(say("empty_question", language))
        log_reply(update, "empty", "refused", "empty question", time.perf_counter() - started)
        return
    logger.debug("question in chat %s: %s", message.chat_id, question)
    async with typing(context.bot, message.chat_id):
        answer = await asyncio.to_thread(svc.assistant.answer, question, chat_id)
        answer_id = await asyncio.to_thread(
            svc.feedback.record_answer, chat_id, question, answer, svc.now()
        )
    in_group = message.chat.type != ChatType.PRIVATE
    keyboard = answer_keyboard(answer_id, bool(answer.sources), language)
    if not answer.answered and handoff.enabled(context):  # ask the CUF team instead
        keyboard = handoff.with_handoff(keyboard, answer_id, language)
    # The core answers in the question's language; our labels follow the same rule.
    await send_html(
        context.bot,
        message.chat_id,
        render_answer(answer, language),
        reply_markup=keyboard,
        reply_to=message.message_id if in_group else None,
    )
    await send_attachments(context.bot, message.chat_id, answer.attachments)
    reason = _refusal_reason(answer)
    outcome = "refused" if reason else "answered"
    log_reply(update, answer.kind, outcome, reason, time.perf_counter() - started)


async def on_sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the passages an answer was built from (document, page, excerpt)."""
    query = update.callback_query
    assert query is not None and query.message is not None
    parts = unpack(query.data)
    svc, chat_id = services(context), str(query.message.chat.id)
    answer_id = parse_id(parts[1]) if len(parts) == 2 else None
    logged = None
    if answer_id is not None:
        logged = await asyncio.to_thread(svc.feedback.answer, answer_id, chat_id)
    if logged is None:
        await query.answer(say("expired", update_language(update)))
        return
    await query.answer()
    language = language_of(logged.question, update.effective_user)
    dates = await asyncio.to_thread(_fiche_dates, context)
    html = render_sources(logged.sources, language, dates) or escape(say("no_sources", language))
    await send_html(context.bot, query.message.chat.id, html, reply_to=query.message.message_id)


def _fiche_dates(context: ContextTypes.DEFAULT_TYPE) -> dict[str, date]:
    """When each funding fiche was last checked, by its file (shown instead of the path)."""
    try:
        fiches = services(context).funding_catalog.fiches
    except Exception:  # a broken fiche folder must not hide the sources
        logger.warning("funding fiches unavailable for the sources view", exc_info=True)
        return {}
    return {fiche.file: fiche.last_verified for fiche in fiches}


async def on_rating(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store a 👍 or 👎 on an answer and thank the member."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and query.message is not None and user is not None
    parts = unpack(query.data)
    svc, chat_id = services(context), str(query.message.chat.id)
    language = update_language(update)
    answer_id = parse_id(parts[1]) if len(parts) == 3 else None
    stored = False
    if answer_id is not None and parts[2] in ("+1", "-1"):
        rating = 1 if parts[2] == "+1" else -1
        stored = await asyncio.to_thread(
            svc.feedback.rate, answer_id, chat_id, user.id, rating, svc.now()
        )
    if not stored:
        await query.answer(say("expired", language))
        return
    await query.answer(say("thanks_up" if parts[2] == "+1" else "thanks_down", language))
    if parts[2] == "-1" and answer_id is not None:
        await handoff.offer_after_thumbs_down(update, context, answer_id)
