"""Commands: /start (and its deep links), /aide, /agenda, /dispositifs, /oublier,
and for admins /reindex, /stats (staff replies in French)."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from datetime import date
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.funding.deadlines import format_deadline, upcoming
from bot.meetings.formatting import format_day, format_occurrence
from bot.messages import message as say
from bot.ops import metrics
from bot.telegram.callbacks import pack, parse_id, unpack
from bot.telegram.chat_action import typing
from bot.telegram.context import services
from bot.telegram.language import update_language
from bot.telegram.oplog import log_reply
from bot.telegram.render import escape
from bot.telegram.replies import send_html

if TYPE_CHECKING:
    from bot.app import Services

logger = logging.getLogger(__name__)

AGENDA_DAYS = 30
_AGENDA_MAX = 10
_NEXT_WHEN_EMPTY = 3
# t.me/<bot>?start=suivre-<group id> and ?start=dispositif-<fiche id> (Telegram allows
# A-Z, a-z, 0-9, _ and - in a start parameter, at most 64 characters).
_DEEP_LINK = re.compile(r"^(suivre|follow|dispositif|funding)-([A-Za-z0-9_-]{1,60})$")


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A short welcome; with a deep link, follow a group or open a fiche in one tap."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    language = update_language(update)
    if context.args and len(context.args) == 1:
        link = _DEEP_LINK.match(context.args[0])
        if link:
            await _deep_link(update, context, link.group(1), link.group(2), language)
            return
    await send_html(
        context.bot,
        message.chat_id,
        say("welcome", language, name=escape(user.first_name)),
    )


async def _deep_link(
    update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, target: str, language: str
) -> None:
    from bot.telegram.meetings import follow_group

    message = update.effective_message
    assert message is not None
    if action in ("suivre", "follow"):
        await follow_group(update, context, target.replace("_", "-"), language)
        return
    svc = services(context)
    catalog = await asyncio.to_thread(lambda: svc.funding_catalog)
    fiche_id = target.replace("-", "_")
    for index, fiche in enumerate(catalog.fiches):
        if fiche.id in (target, fiche_id):
            await _send_fiche(context, message.chat_id, index)
            return
    await send_html(context.bot, message.chat_id, escape(say("unknown_fiche", language)))
    await on_funding(update, context)


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The list of commands and how to ask (admins also see theirs)."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    text = say("help", update_language(update), username=escape(context.bot.username or ""))
    if services(context).members.is_admin(user.id):
        text += say("admin_help")
    await send_html(context.bot, message.chat_id, text)


async def on_agenda(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The meetings of the next 30 days (when there are none, the next ones anyway), then
    the funding calls closing in those days (never one already closed)."""
    started = time.perf_counter()
    message = update.effective_message
    assert message is not None
    svc, language = services(context), update_language(update)
    now = svc.now()
    upcoming = await asyncio.to_thread(svc.agenda.upcoming, now, AGENDA_DAYS)
    groups = svc.agenda.groups
    if upcoming:
        lines = [format_occurrence(item, groups, language) for item in upcoming[:_AGENDA_MAX]]
        html = f"<b>{escape(say('agenda_title', language))}</b>\n\n"
        html += escape("\n".join(lines))
        if len(upcoming) > _AGENDA_MAX:
            more = say("agenda_more", language, count=len(upcoming) - _AGENDA_MAX)
            html += f"\n\n{escape(more)}"
    else:
        later = await asyncio.to_thread(svc.agenda.next_meetings, now, _NEXT_WHEN_EMPTY)
        html = escape(say("agenda_none_in_window", language, days=AGENDA_DAYS))
        if later:
            key = "agenda_next_one" if len(later) == 1 else "agenda_next_many"
            when = format_day(later[0].start, language)
            lines = [format_occurrence(item, groups, language) for item in later]
            html += "\n" + escape(say(key, language, when=when))
            html += "\n\n" + escape("\n".join(lines))
        else:
            html += "\n" + escape(say("agenda_empty", language))
    html += await asyncio.to_thread(_closing_calls, svc, now.date(), language)
    await send_html(context.bot, message.chat_id, html)
    log_reply(update, "agenda", "answered", None, time.perf_counter() - started)


def _closing_calls(svc: Services, today: date, language: str) -> str:
    """The agenda's funding section (HTML), empty when no call closes in the period."""
    closing = upcoming(svc.funding_deadlines(), today, AGENDA_DAYS)
    if not closing:
        return ""
    title = say("agenda_deadlines", language, days=AGENDA_DAYS)
    lines = "\n".join(format_deadline(item, today, language) for item in closing[:_AGENDA_MAX])
    follow = say("agenda_deadlines_follow", language)
    return f"\n\n<b>{escape(title)}</b>\n\n{escape(lines)}\n\n{escape(follow)}"


async def on_funding(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The funding schemes as buttons; a press shows one scheme explained."""
    message = update.effective_message
    assert message is not None
    language = update_language(update)
    catalog = await asyncio.to_thread(lambda: services(context).funding_catalog)
    rows = [
        [InlineKeyboardButton(fiche.short_name, callback_data=pack("fi", index))]
        for index, fiche in enumerate(catalog.fiches)
    ]
    html = say("funding_title", language)
    if not rows:
        html = escape(say("funding_none", language))
    await send_html(context.bot, message.chat_id, html, reply_markup=InlineKeyboardMarkup(rows))


async def on_funding_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show one funding scheme: what, who, how much, how, who helps, sources."""
    query = update.callback_query
    assert query is not None and query.message is not None
    svc, parts = services(context), unpack(query.data)
    count = len(svc.funding_catalog.fiches)
    index = parse_id(parts[1], maximum=count - 1) if len(parts) == 2 and count else None
    if index is None:
        await query.answer(say("expired", update_language(update)))
        return
    await query.answer()
    await _send_fiche(context, query.message.chat.id, index)


async def _send_fiche(context: ContextTypes.DEFAULT_TYPE, chat_id: int, index: int) -> None:
    from bot.funding.render import render_answer as render_fiche

    svc = services(context)
    text = render_fiche(svc.funding_catalog.fiches[index], svc.now().date(), compact=False)
    await send_html(context.bot, chat_id, escape(text))


async def on_forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Erase everything stored about this chat, and about the person who asks.

    In any chat: the chat's conversation, subscriptions, reminders and answers.
    For the person: their ratings everywhere (groups included) and the name and
    @username of their access request.
    """
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    svc = services(context)
    await asyncio.to_thread(svc.forget_chat, str(message.chat_id))
    await asyncio.to_thread(svc.forget_user, user.id)
    await send_html(context.bot, message.chat_id, escape(say("forgotten", update_language(update))))


async def _admin_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    if services(context).members.is_admin(user.id):
        return True
    text = say("admin_only", update_language(update))
    await send_html(context.bot, message.chat_id, escape(text))
    return False


async def on_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Admins: members, requests, answers and ratings; the LLM endpoint's state if any."""
    if not await _admin_only(update, context):
        return
    message = update.effective_message
    assert message is not None
    svc = services(context)
    members = await asyncio.to_thread(svc.members.counts)
    feedback = await asyncio.to_thread(svc.feedback.stats)
    html = say("stats", **members, **feedback)
    llm = svc.llm_status()
    if llm is not None:
        from bot.answering.llm_health import status_lines

        html += "\n" + escape("\n".join(status_lines(llm)))
    await send_html(context.bot, message.chat_id, html)


async def on_reindex(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Admins: bring the index up to date with the knowledge folder, then reload it."""
    if not await _admin_only(update, context):
        return
    message = update.effective_message
    assert message is not None
    svc = services(context)
    await send_html(context.bot, message.chat_id, escape(say("reindex_started")))
    async with typing(context.bot, message.chat_id):
        try:
            report = await asyncio.to_thread(svc.reindex)
        except Exception:
            metrics.record_ingest(ok=False)
            raise
        metrics.record_ingest(ok=True)
        await asyncio.to_thread(svc.warm_up)
    summary = say(
        "reindex_done",
        added=len(report.added),
        changed=len(report.changed),
        removed=len(report.removed),
        unchanged=len(report.unchanged),
        skipped=len(report.skipped),
    )
    lines = [summary] + [
        say("reindex_skipped", path=path, reason=reason)
        for path, reason in sorted(report.skipped.items())
    ]
    await send_html(context.bot, message.chat_id, escape("\n".join(lines)))


async def on_stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button this version of the bot does not know (an old message)."""
    query = update.callback_query
    assert query is not None
    await query.answer(say("expired", update_language(update)))


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An unknown /command in a private chat: point to /aide (or /help)."""
    message = update.effective_message
    assert message is not None
    if message.chat.type != ChatType.PRIVATE:
        return
    text = say("unknown_command", update_language(update))
    await send_html(context.bot, message.chat_id, escape(text))
