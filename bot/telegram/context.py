"""Typed access to what the application factory stored in ``bot_data``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import ContextTypes

if TYPE_CHECKING:
    from bot.app import Services
    from bot.telegram.ratelimit import UserRateLimiter

SERVICES = "services"
RATE_LIMITER = "rate_limiter"


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The composition root's services, shared by every handler."""
    result: Services = context.application.bot_data[SERVICES]
    return result


def rate_limiter(context: ContextTypes.DEFAULT_TYPE) -> UserRateLimiter:
    result: UserRateLimiter = context.application.bot_data[RATE_LIMITER]
    return result
