"""Webhook mode: replicas behind a load balancer, and ``setWebhook`` as a deploy step.

A replica (``CUF_TELEGRAM_MODE=webhook``) listens on
``CUF_WEBHOOK_LISTEN:CUF_WEBHOOK_PORT`` for Telegram's POSTs at the path of
``CUF_WEBHOOK_URL``, checks the ``X-Telegram-Bot-Api-Secret-Token`` header
against ``CUF_WEBHOOK_SECRET`` (every replica shares it) and queues the update;
the same listener answers ``GET /healthz`` for the load balancer. It never
calls ``setWebhook``: ``python -m bot webhook set`` does, once per deploy
(``delete`` and ``info`` beside it). At start-up a replica only reads
``getWebhookInfo`` and warns when Telegram sends elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from telegram import Update

from bot.messages import message
from bot.ops import metrics
from bot.ops.http import Response, Route, json_response, ops_routes, start_server, stop_server
from bot.telegram.ops import MONITOR, plain_bot

if TYPE_CHECKING:
    from telegram.ext import Application

    from bot.settings import Settings

logger = logging.getLogger(__name__)

SECRET_HEADER = "x-telegram-bot-api-secret-token"


class WebhookConfigError(Exception):
    """The webhook settings cannot work; the message names the setting."""


def webhook_path(settings: Settings) -> str:
    """The path Telegram posts to, from ``CUF_WEBHOOK_URL`` (``/`` when it has none)."""
    if not settings.webhook_url:
        raise WebhookConfigError(message("webhook_url_missing"))
    parsed = urlparse(settings.webhook_url)
    if parsed.scheme != "https" and parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise WebhookConfigError(message("webhook_url_not_https"))
    return "/" + parsed.path.lstrip("/")


def webhook_secret(settings: Settings) -> str:
    if settings.webhook_secret is None:
        raise WebhookConfigError(message("webhook_secret_missing"))
    return settings.webhook_secret.get_secret_value()


def webhook_route(application: Application, settings: Settings) -> Route:  # type: ignore[type-arg]
    """POST: secret checked, JSON parsed, update queued (Telegram gets 200 at once)."""
    path, secret = webhook_path(settings), webhook_secret(settings).encode()

    async def receive(headers: dict[str, str], body: bytes) -> Response:
        given = headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, secret):
            metrics.WEBHOOK_UPDATES.labels(outcome="forbidden").inc()
            logger.warning("webhook: request without the right secret token refused")
            return json_response(403, {"ok": False, "error": "forbidden"})
        try:
            data = json.loads(body)
            update = Update.de_json(data, application.bot) if isinstance(data, dict) else None
        except Exception:  # any malformed body is the sender's problem, said in one line
            update = None
        if update is None:
            metrics.WEBHOOK_UPDATES.labels(outcome="invalid").inc()
            logger.warning("webhook: a request that is not a Telegram update was refused")
            return json_response(400, {"ok": False, "error": "not a Telegram update"})
        await application.update_queue.put(update)
        metrics.WEBHOOK_UPDATES.labels(outcome="accepted").inc()
        return json_response(200, {"ok": True})

    return Route(path, post=receive)


async def check_registration(settings: Settings, say: Callable[[str], None]) -> None:
    """Warn (never set) when Telegram's webhook is not this deployment's URL."""
    try:
        async with plain_bot(settings) as bot:
            info = await bot.get_webhook_info()
    except Exception as error:  # informative only; the replica serves anyway
        logger.warning("getWebhookInfo impossible : %s", type(error).__name__)
        return
    if info.url != settings.webhook_url:
        say(message("webhook_not_registered", registered=info.url or message("none")))


async def serve(
    application: Application,  # type: ignore[type-arg]
    settings: Settings,
    say: Callable[[str], None],
    stop: asyncio.Event | None = None,
) -> None:
    """Run a webhook replica until SIGINT/SIGTERM (or ``stop``)."""
    route = webhook_route(application, settings)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread
            loop.add_signal_handler(signum, stop.set)
    await check_registration(settings, say)
    async with application:  # initialize … shutdown
        if application.post_init is not None:
            await application.post_init(application)
        monitor = application.bot_data[MONITOR]
        health = [r for r in ops_routes(monitor) if r.path == "/healthz"]
        listen, wanted = settings.webhook_listen, settings.webhook_port
        server, port = start_server([route, *health], listen, wanted)
        try:
            await application.start()
            logger.info("webhook : écoute sur %s:%d%s", settings.webhook_listen, port, route.path)
            await stop.wait()
        finally:
            await stop_server(server)
            if application.running:
                await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
    if application.post_shutdown is not None:
        await application.post_shutdown(application)


# --- the deploy step: python -m bot webhook set|delete|info ---------------------------


async def set_webhook(settings: Settings, drop_pending: bool = False) -> dict[str, Any]:
    """Register ``CUF_WEBHOOK_URL`` with the secret, for every update kind."""
    webhook_path(settings)
    secret = webhook_secret(settings)
    async with plain_bot(settings, timeout=20) as bot:
        await bot.set_webhook(
            url=str(settings.webhook_url),
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=drop_pending,
        )
        return await webhook_info_of(bot)


async def delete_webhook(settings: Settings, drop_pending: bool = False) -> dict[str, Any]:
    async with plain_bot(settings, timeout=20) as bot:
        await bot.delete_webhook(drop_pending_updates=drop_pending)
        return await webhook_info_of(bot)


async def webhook_info(settings: Settings) -> dict[str, Any]:
    async with plain_bot(settings, timeout=20) as bot:
        return await webhook_info_of(bot)


async def webhook_info_of(bot: Any) -> dict[str, Any]:
    info = await bot.get_webhook_info()
    result: dict[str, Any] = {
        "url": info.url,
        "pending_update_count": info.pending_update_count,
    }
    if info.last_error_message:
        result["last_error_message"] = info.last_error_message
    if info.allowed_updates:
        result["allowed_updates"] = list(info.allowed_updates)
    return result
