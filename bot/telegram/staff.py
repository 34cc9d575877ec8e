"""The staff's side on Telegram: documents, /lacunes, /mes_donnees, the daily purge, the digest.

:func:`add_handlers` is called by the application factory before its catch-all
button handler and its question and media handlers.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import time as day_time

from telegram import InputFile, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.messages import message as say
from bot.telegram import documents, handoff
from bot.telegram.callbacks import parse_id
from bot.telegram.context import SERVICES, services
from bot.telegram.language import update_language
from bot.telegram.oplog import log_reply
from bot.telegram.render import escape
from bot.telegram.replies import send_html

logger = logging.getLogger(__name__)

DEFAULT_GAP_DAYS = 30
_MAX_GAP_DAYS = 3650
_DIGEST_DAYS = 7
_PURGE_AT = day_time(3, 30)
_DIGEST_AT = day_time(9, 0)


def add_handlers(application: Application) -> None:  # type: ignore[type-arg]
    """Commands, buttons, files and staff-chat replies; the purge and digest jobs."""
    commands = {
        ("documents",): documents.on_documents,
        ("lacunes", "gaps"): on_gaps,
        ("mes_donnees", "my_data"): on_my_data,
    }
    for names, callback in commands.items():
        application.add_handler(CommandHandler(list(names), callback))
    buttons = {
        r"^doc:": documents.on_upload_button,
        r"^docrm:": documents.on_remove_button,
        r"^ho:": handoff.on_handoff_button,
    }
    for pattern, callback in buttons.items():
        application.add_handler(CallbackQueryHandler(callback, pattern=pattern))
    application.add_handler(
        MessageHandler(filters.Document.ALL & filters.ChatType.PRIVATE, documents.on_document)
    )
    staff_chat = application.bot_data[SERVICES].settings.staff_chat_id
    if staff_chat is not None:
        replies = handoff.staff_reply_filter(staff_chat)
        application.add_handler(MessageHandler(replies, handoff.on_staff_reply))
    _schedule_jobs(application)


def _schedule_jobs(application: Application) -> None:  # type: ignore[type-arg]
    jobs = application.job_queue
    if jobs is None:
        return
    svc = application.bot_data[SERVICES]
    zone = svc.timezone
    jobs.run_daily(purge_job, _PURGE_AT.replace(tzinfo=zone), name="retention-purge")
    if svc.settings.gaps_digest:
        monday = (0,)
        jobs.run_daily(digest_job, _DIGEST_AT.replace(tzinfo=zone), days=monday, name="gaps-digest")


# --- /lacunes and the weekly digest -----------------------------------------------------


async def on_gaps(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Admins: ``/lacunes [jours]``, the knowledge gaps of the period, grouped."""
    started = time.perf_counter()
    if not await documents.is_admin(update, context):
        return
    message = update.effective_message
    assert message is not None
    arguments = context.args or []
    days = DEFAULT_GAP_DAYS
    if arguments:
        parsed = parse_id(arguments[0], maximum=_MAX_GAP_DAYS) if len(arguments) == 1 else None
        if not parsed:
            await send_html(context.bot, message.chat_id, escape(say("gaps_usage")))
            return
        days = parsed
    html = await asyncio.to_thread(gaps_report, context, days)
    await send_html(context.bot, message.chat_id, html)
    log_reply(update, "gaps", "answered", None, time.perf_counter() - started)


def gaps_report(context: ContextTypes.DEFAULT_TYPE, days: int) -> str:
    from bot.staff.gaps import render

    svc = services(context)
    groups, questions = svc.knowledge_gaps(days)
    if not groups:
        return escape(say("gaps_none", days=days))
    title = say("gaps_title", days=days, questions=questions, groups=len(groups))
    return title + "\n\n" + escape("\n".join(render(groups, svc.timezone)))


async def digest_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Monday morning: the week's gaps to every admin (nothing when there are none)."""
    svc = services(context)
    groups, _count = await asyncio.to_thread(svc.knowledge_gaps, _DIGEST_DAYS)
    if not groups:
        return
    html = (
        say("gaps_digest_title")
        + "\n"
        + await asyncio.to_thread(gaps_report, context, _DIGEST_DAYS)
    )
    for admin_id in sorted(svc.members.admin_ids):
        try:
            await send_html(context.bot, admin_id, html)
        except TelegramError as error:
            logger.warning("gaps digest not sent to admin %s: %s", admin_id, error)


# --- privacy -------------------------------------------------------------------------------


async def on_my_data(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/mes_donnees``: a JSON file of everything stored about this chat (and its sender)."""
    from bot.staff.privacy import export_chat, export_json

    started = time.perf_counter()
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    svc = services(context)
    data = await asyncio.to_thread(
        export_chat, svc.database, str(message.chat_id), user.id, svc.now()
    )
    content = export_json(data)
    await context.bot.send_document(
        message.chat_id,
        InputFile(content, filename=f"mes-donnees-cuf-{message.chat_id}.json"),
        caption=say("my_data_caption", update_language(update)),
    )
    log_reply(update, "privacy", "answered", None, time.perf_counter() - started)


async def purge_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Daily: conversations and answer logs past ``CUF_RETENTION_DAYS`` are deleted."""
    from bot.staff.privacy import purge_older_than

    svc = services(context)
    await asyncio.to_thread(purge_older_than, svc.database, svc.now(), svc.settings.retention_days)
