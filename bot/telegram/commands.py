"""Commands: /start, /aide, /agenda, /dispositifs, /oublier, and for admins /reindex, /stats."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.telegram import texts
from bot.telegram.callbacks import pack, unpack
from bot.telegram.context import services
from bot.telegram.render import escape
from bot.telegram.replies import send_html

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)

_AGENDA_DAYS = 30
_AGENDA_MAX = 10


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A short welcome saying what the assistant can do."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    await send_html(
        context.bot, message.chat_id, texts.WELCOME.format(name=escape(user.first_name))
    )


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The list of commands and how to ask (admins also see theirs)."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    text = texts.HELP.format(username=escape(context.bot.username or ""))
    if services(context).members.is_admin(user.id):
        text += texts.ADMIN_HELP
    await send_html(context.bot, message.chat_id, text)


async def on_agenda(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The next meetings (30 days), with date, time, place and link."""
    from bot.meetings.formatting import format_occurrence

    message = update.effective_message
    assert message is not None
    svc = services(context)
    upcoming = await asyncio.to_thread(svc.agenda.upcoming, svc.now(), _AGENDA_DAYS)
    if not upcoming:
        await send_html(context.bot, message.chat_id, "Aucune réunion prévue dans les 30 jours.")
        return
    lines = [format_occurrence(item, svc.agenda.groups) for item in upcoming[:_AGENDA_MAX]]
    html = f"<b>Prochaines réunions</b>\n\n{escape(chr(10).join(lines))}"
    if len(upcoming) > _AGENDA_MAX:
        html += f"\n\n… et {len(upcoming) - _AGENDA_MAX} autres. Suivez vos groupes : /suivre"
    await send_html(context.bot, message.chat_id, html)


async def on_funding(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The funding schemes as buttons; a press shows one scheme explained."""
    message = update.effective_message
    assert message is not None
    catalog = await asyncio.to_thread(lambda: services(context).funding_catalog)
    rows = [
        [InlineKeyboardButton(fiche.short_name, callback_data=pack("fi", index))]
        for index, fiche in enumerate(catalog.fiches)
    ]
    html = "<b>Dispositifs de financement</b>\nChoisissez un dispositif :"
    if not rows:
        html = "Aucun dispositif de financement n'est disponible pour l'instant."
    await send_html(context.bot, message.chat_id, html, reply_markup=InlineKeyboardMarkup(rows))


async def on_funding_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show one funding scheme: what, who, how much, how, who helps, sources."""
    from bot.funding.render import render_answer as render_fiche

    query = update.callback_query
    assert query is not None and query.message is not None
    svc, parts = services(context), unpack(query.data)
    fiches = svc.funding_catalog.fiches
    if len(parts) != 2 or not parts[1].isdigit() or int(parts[1]) >= len(fiches):
        await query.answer(texts.EXPIRED)
        return
    await query.answer()
    text = render_fiche(fiches[int(parts[1])], svc.now().date(), compact=False)
    await send_html(context.bot, query.message.chat.id, escape(text))


async def on_forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Erase everything stored about this chat and confirm it."""
    message = update.effective_message
    assert message is not None
    await asyncio.to_thread(services(context).forget_chat, str(message.chat_id))
    await send_html(context.bot, message.chat_id, escape(texts.FORGOTTEN))


async def _admin_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    if services(context).members.is_admin(user.id):
        return True
    await send_html(context.bot, message.chat_id, escape(texts.ADMIN_ONLY))
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
    html = texts.STATS.format(**members, **feedback)
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
    await send_html(context.bot, message.chat_id, escape(texts.REINDEX_STARTED))
    report = await asyncio.to_thread(svc.reindex)
    await send_html(
        context.bot, message.chat_id, escape(texts.REINDEX_DONE.format(summary=report.summary()))
    )


async def on_stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button this version of the bot does not know (an old message)."""
    query = update.callback_query
    assert query is not None
    await query.answer(texts.EXPIRED)


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An unknown /command: point to /aide."""
    message = update.effective_message
    assert message is not None
    await send_html(context.bot, message.chat_id, "Je ne connais pas cette commande. Tapez /aide.")
