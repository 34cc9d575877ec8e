"""The application factory: settings and services in, a configured PTB ``Application`` out.

Handler groups: ``-1`` is the members gate (and per-user rate limit) that sees
every update first; ``0`` holds the commands, buttons and questions.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.messages import ADMIN_MENU, menu
from bot.telegram import access, commands, conversation, media, meetings, staff
from bot.telegram.context import RATE_LIMITER, SERVICES, RateLimits
from bot.telegram.errors import on_error
from bot.telegram.logs import protect_logs
from bot.telegram.oplog import set_hash_key
from bot.telegram.ops import start_ops, stop_ops
from bot.telegram.ratelimit import UserRateLimiter
from bot.telegram.startup import StartupError, wait_for_telegram
from bot.telegram.throttle import build_limiter
from bot.telegram.updates import PerChatUpdateProcessor

if TYPE_CHECKING:
    from bot.app import Services
    from bot.settings import Settings

logger = logging.getLogger(__name__)

AnyApplication = Application  # type: ignore[type-arg]


class _AddressedInGroup(filters.MessageFilter):
    """Group messages that mention the bot or reply to it."""

    def filter(self, message: object) -> bool:
        bot = message.get_bot()  # type: ignore[attr-defined]
        return access.is_addressed(message, bot.id, bot.username)  # type: ignore[arg-type]


def build_application(
    services: Services, *, monotonic: Callable[[], float] = time.monotonic
) -> AnyApplication:
    """A ready-to-run bot: token and ``base_url`` from settings, every handler registered."""
    settings = services.settings
    if settings.telegram_token is None:
        raise ValueError("no Telegram token configured (CUF_TELEGRAM_TOKEN in .env)")
    token = settings.telegram_token.get_secret_value()
    protect_logs(token)
    set_hash_key(token.encode())
    # Opt in to PTB's future behaviour (durations as timedelta, e.g. RetryAfter.retry_after),
    # which RetryingLimiter handles, instead of a deprecation warning on every flood wait.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    builder = (
        Application.builder()
        .token(token)
        .rate_limiter(
            build_limiter(
                settings.telegram_retry_budget_seconds,
                settings.telegram_max_messages_per_second,
                settings.telegram_group_messages_per_minute,
            )
        )
        .concurrent_updates(PerChatUpdateProcessor())
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if settings.telegram_base_url:
        builder = builder.base_url(settings.telegram_base_url)
        # Files (documents sent by admins) are downloaded from <server>/file/bot<token>/…
        file_url = settings.telegram_base_url.removesuffix("/bot") + "/file/bot"
        builder = builder.base_file_url(file_url)
    application = builder.build()
    application.bot_data[SERVICES] = services
    application.bot_data[RATE_LIMITER] = _rate_limits(services, monotonic)
    _add_handlers(application)
    return application


async def _post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    await stop_ops(application)
    meetings.release_leadership(application)


def _rate_limits(services: Services, monotonic: Callable[[], float]) -> RateLimits:
    """In memory for one process (SQLite); in the database when replicas share PostgreSQL."""
    settings = services.settings
    if settings.database_url is None:
        return RateLimits(
            flood=UserRateLimiter(settings.flood_limit_per_minute, 60.0, monotonic),
            questions=UserRateLimiter(settings.rate_limit_per_minute, 60.0, monotonic),
        )
    from bot.rate_limits import SharedRateLimiter

    database = services.database
    return RateLimits(
        flood=SharedRateLimiter(
            database, "flood", settings.flood_limit_per_minute, 60.0, time.time
        ),
        questions=SharedRateLimiter(
            database, "questions", settings.rate_limit_per_minute, 60.0, time.time
        ),
    )


def _add_handlers(application: AnyApplication) -> None:
    application.add_handler(TypeHandler(Update, access.gate), group=-1)
    # French names first; the English menu's names are aliases.
    command_handlers = {
        ("start",): commands.on_start,
        ("aide", "help"): commands.on_help,
        ("agenda",): commands.on_agenda,
        ("suivre", "follow"): meetings.on_follow,
        ("rappels", "reminders"): meetings.on_leads,
        ("dispositifs", "funding"): commands.on_funding,
        ("oublier", "forget"): commands.on_forget,
        ("reindex",): commands.on_reindex,
        ("stats",): commands.on_stats,
        ("revoquer", "revoke"): access.on_revoke,
    }
    for names, callback in command_handlers.items():
        application.add_handler(CommandHandler(list(names), callback))
    buttons = {
        r"^acc:": access.on_access_button,
        r"^src:": conversation.on_sources,
        r"^fb:": conversation.on_rating,
        r"^sub[pfs]?:": meetings.on_follow_button,
        r"^leadr?(:|$)": meetings.on_lead_button,
        r"^fi:": commands.on_funding_button,
    }
    for pattern, callback in buttons.items():
        application.add_handler(CallbackQueryHandler(callback, pattern=pattern))
    staff.add_handlers(application)  # documents, gaps, privacy, handoff (before the catch-alls)
    application.add_handler(CallbackQueryHandler(commands.on_stale_button))
    questions = filters.TEXT & ~filters.COMMAND & (filters.ChatType.PRIVATE | _AddressedInGroup())
    application.add_handler(MessageHandler(questions, conversation.on_question))
    addressed = filters.ChatType.PRIVATE | _AddressedInGroup()
    application.add_handler(MessageHandler(media.MEDIA & addressed, media.on_media))
    application.add_handler(
        MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, commands.on_unknown_command)
    )
    application.add_error_handler(on_error)


async def _post_init(application: AnyApplication) -> None:
    """Register the command menus, load models and indexes, rebuild the reminder jobs,
    probe the LLM endpoint if any, start the health and metrics listener if configured."""
    await start_ops(application)
    await register_commands(application)
    services: Services = application.bot_data[SERVICES]
    try:
        seconds = await asyncio.to_thread(services.warm_up)
    except Exception:  # the bot still serves the gate, the agenda and reminders
        logger.warning(
            "préchargement incomplet : l'index ou le modèle n'a pu être chargé", exc_info=True
        )
    else:
        logger.info("index et modèle chargés en %.1f s", seconds)
    meetings.schedule_reminders(application)
    # One log line (ready, or what is wrong), and the state /stats shows.
    await asyncio.to_thread(services.probe_llm)
    if application.job_queue is not None:  # runs once polling (or the webhook) has started
        application.job_queue.run_once(_announce_ready, 0, name="ready")


async def _announce_ready(context: ContextTypes.DEFAULT_TYPE) -> None:
    logger.info("bot prêt : @%s répond aux membres", context.bot.username)


async def register_commands(application: AnyApplication) -> None:
    """setMyCommands: the menu in French (default) and English, plus the admin commands."""
    bot = application.bot
    await bot.set_my_commands([BotCommand(name, text) for name, text in menu("fr")])
    await bot.set_my_commands(
        [BotCommand(name, text) for name, text in menu("en")], language_code="en"
    )
    admin_menu = [BotCommand(name, text) for name, text in menu("fr") + ADMIN_MENU]
    for admin_id in sorted(application.bot_data[SERVICES].members.admin_ids):
        try:
            await bot.set_my_commands(admin_menu, scope=BotCommandScopeChat(admin_id))
        except TelegramError as error:  # an admin who never opened the bot
            logger.warning("menu admin non installé pour %s : %s", admin_id, error)


def settings_problem(settings: Settings) -> str | None:
    """What makes the run mode's settings unusable, in one line (``None``: nothing)."""
    if settings.run_mode != "webhook":
        return None
    from bot.telegram import webhook

    try:
        webhook.webhook_path(settings)
        webhook.webhook_secret(settings)
    except webhook.WebhookConfigError as error:
        return str(error)
    return None


def run(services: Services, say: Callable[[str], None] = print) -> int:
    """Run the bot until interrupted: polling, or a webhook replica (``CUF_TELEGRAM_MODE``).

    Telegram is reached first (:func:`wait_for_telegram`): a rejected token or a
    server that stays unreachable raises :class:`StartupError` with one line. A
    webhook replica never calls ``setWebhook`` (``python -m bot webhook set`` does).
    """
    settings = services.settings
    assert settings.telegram_token is not None
    token = settings.telegram_token.get_secret_value()
    protect_logs(token)
    problem = settings_problem(settings)
    if problem is not None:
        raise StartupError(problem)
    asyncio.run(
        wait_for_telegram(
            token,
            settings.telegram_base_url,
            settings.telegram_startup_wait_seconds,
            say=say,
        )
    )
    asyncio.set_event_loop(asyncio.new_event_loop())  # asyncio.run closed its own
    application = build_application(services)
    if settings.run_mode == "webhook":
        from bot.telegram import webhook

        asyncio.get_event_loop().run_until_complete(webhook.serve(application, settings, say))
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0
