"""The application factory: settings and services in, a configured PTB ``Application`` out.

Handler groups: ``-1`` is the members gate (and per-user rate limit) that sees
every update first; ``0`` holds the commands, buttons and questions.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.telegram import access, commands, conversation, meetings, texts
from bot.telegram.context import RATE_LIMITER, SERVICES
from bot.telegram.errors import on_error
from bot.telegram.logs import protect_logs
from bot.telegram.ratelimit import UserRateLimiter
from bot.telegram.retry import RetryingLimiter
from bot.telegram.updates import PerChatUpdateProcessor

if TYPE_CHECKING:
    from bot.app import Services

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
    # Opt in to PTB's future behaviour (durations as timedelta, e.g. RetryAfter.retry_after),
    # which RetryingLimiter handles, instead of a deprecation warning on every flood wait.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    builder = (
        Application.builder()
        .token(token)
        .rate_limiter(RetryingLimiter())
        .concurrent_updates(PerChatUpdateProcessor())
        .post_init(_post_init)
    )
    if settings.telegram_base_url:
        builder = builder.base_url(settings.telegram_base_url)
    application = builder.build()
    application.bot_data[SERVICES] = services
    application.bot_data[RATE_LIMITER] = UserRateLimiter(
        settings.rate_limit_per_minute, 60.0, monotonic
    )
    _add_handlers(application)
    return application


def _add_handlers(application: AnyApplication) -> None:
    application.add_handler(TypeHandler(Update, access.gate), group=-1)
    command_handlers = {
        "start": commands.on_start,
        "aide": commands.on_help,
        "help": commands.on_help,
        "agenda": commands.on_agenda,
        "suivre": meetings.on_follow,
        "rappels": meetings.on_leads,
        "dispositifs": commands.on_funding,
        "oublier": commands.on_forget,
        "reindex": commands.on_reindex,
        "stats": commands.on_stats,
    }
    for name, callback in command_handlers.items():
        application.add_handler(CommandHandler(name, callback))
    buttons = {
        r"^acc:": access.on_access_button,
        r"^src:": conversation.on_sources,
        r"^fb:": conversation.on_rating,
        r"^subp?:": meetings.on_follow_button,
        r"^leadr?(:|$)": meetings.on_lead_button,
        r"^fi:": commands.on_funding_button,
    }
    for pattern, callback in buttons.items():
        application.add_handler(CallbackQueryHandler(callback, pattern=pattern))
    application.add_handler(CallbackQueryHandler(commands.on_stale_button))
    questions = filters.TEXT & ~filters.COMMAND & (filters.ChatType.PRIVATE | _AddressedInGroup())
    application.add_handler(MessageHandler(questions, conversation.on_question))
    application.add_handler(
        MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, commands.on_unknown_command)
    )
    application.add_error_handler(on_error)


async def _post_init(application: AnyApplication) -> None:
    """Register the command menu, rebuild the reminder jobs, probe the LLM endpoint if any."""
    await register_commands(application)
    meetings.schedule_reminders(application)
    # One log line (ready, or what is wrong), and the state /stats shows.
    await asyncio.to_thread(application.bot_data[SERVICES].probe_llm)


async def register_commands(application: AnyApplication) -> None:
    """setMyCommands: the menu for everyone, plus the admin commands for admins."""
    bot = application.bot
    await bot.set_my_commands([BotCommand(name, text) for name, text in texts.COMMANDS])
    admin_menu = [BotCommand(name, text) for name, text in texts.COMMANDS + texts.ADMIN_COMMANDS]
    for admin_id in sorted(application.bot_data[SERVICES].members.admin_ids):
        try:
            await bot.set_my_commands(admin_menu, scope=BotCommandScopeChat(admin_id))
        except TelegramError as error:  # an admin who never opened the bot
            logger.warning("admin menu not set for %s: %s", admin_id, error)


def run(services: Services) -> int:
    """Run the bot until interrupted: polling by default, a webhook when configured."""
    settings = services.settings
    application = build_application(services)
    if settings.webhook_url:
        secret = (
            settings.webhook_secret.get_secret_value()
            if settings.webhook_secret
            else secrets.token_urlsafe(32)
        )
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlparse(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0
