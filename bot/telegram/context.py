"""Typed access to what the application factory stored in ``bot_data``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from telegram.ext import ContextTypes

if TYPE_CHECKING:
    from bot.app import Services
    from bot.rate_limits import SharedRateLimiter
    from bot.telegram.ratelimit import UserRateLimiter

SERVICES = "services"
RATE_LIMITER = "rate_limiter"
ADMIN_NAMES = "admin_names"


@dataclass(frozen=True)
class RateLimits:
    """Two per-user limits: every update (flood), and texts and commands (questions)."""

    flood: UserRateLimiter | SharedRateLimiter
    questions: UserRateLimiter | SharedRateLimiter


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The composition root's services, shared by every handler."""
    result: Services = context.application.bot_data[SERVICES]
    return result


def rate_limiters(context: ContextTypes.DEFAULT_TYPE) -> RateLimits:
    result: RateLimits = context.application.bot_data[RATE_LIMITER]
    return result
