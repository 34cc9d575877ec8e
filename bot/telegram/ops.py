"""Health and metrics for the bot: the Telegram check, and the ops listener's life cycle.

``post_init`` calls :func:`start_ops` (both run modes): the core's checks
(database, index, LLM endpoint) plus Telegram reachability through a cached
``getMe`` made with a plain client (no throttling, no retries: a health check
must answer quickly), served on ``CUF_HEALTH_LISTEN:CUF_HEALTH_PORT``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.ops import metrics
from bot.ops.health import HealthMonitor, service_checks
from bot.ops.http import ops_routes, start_server, stop_server

if TYPE_CHECKING:
    from telegram.ext import Application

    from bot.app import Services
    from bot.settings import Settings

logger = logging.getLogger(__name__)

MONITOR, OPS_SERVER = "ops:monitor", "ops:server"
_TIMEOUT = 5.0


def plain_bot(settings: Settings, timeout: float = _TIMEOUT) -> Bot:
    """A Bot for one-off calls: the configured server, short timeouts, no rate limiter."""
    assert settings.telegram_token is not None
    request = HTTPXRequest(
        connect_timeout=timeout, read_timeout=timeout, write_timeout=timeout, pool_timeout=timeout
    )
    token = settings.telegram_token.get_secret_value()
    if settings.telegram_base_url:
        return Bot(token, base_url=settings.telegram_base_url, request=request)
    return Bot(token, request=request)


def health_monitor(services: Services) -> HealthMonitor:
    """The core's checks plus ``telegram`` (``getMe``, cached ``CUF_HEALTH_CACHE_SECONDS``)."""
    settings = services.settings
    monitor = service_checks(services)

    async def telegram() -> str:
        async with plain_bot(settings) as bot:  # initialize() is the getMe
            return f"@{bot.username}"

    monitor.add(
        "telegram", telegram, cache_seconds=settings.health_cache_seconds, timeout=_TIMEOUT * 2
    )
    return monitor


async def start_ops(application: Application) -> None:  # type: ignore[type-arg]
    """Start the health and metrics listener when ``CUF_HEALTH_PORT`` is set."""
    services: Services = application.bot_data["services"]
    metrics.watch_llm(services.llm_status)
    monitor = health_monitor(services)
    application.bot_data[MONITOR] = monitor
    settings = services.settings
    if settings.health_port is None:
        return
    server, port = start_server(ops_routes(monitor), settings.health_listen, settings.health_port)
    application.bot_data[OPS_SERVER] = server
    logger.info(
        "santé et métriques : http://%s:%d/healthz et /metrics", settings.health_listen, port
    )


async def stop_ops(application: Application) -> None:  # type: ignore[type-arg]
    server = application.bot_data.pop(OPS_SERVER, None)
    if server is not None:
        await stop_server(server)
