"""``/healthz``: named checks, each cached and bounded in time, summed up in one JSON body.

A check is an async callable that returns a short detail and raises when the
part it checks is not usable. Critical checks (database, index, Telegram) turn
the answer into HTTP 503; a non-critical one (the LLM endpoint, whose failure
only means quoted answers) makes it ``degraded`` with HTTP 200, so an
orchestrator does not restart a bot that still answers.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.app import Services

logger = logging.getLogger(__name__)

Check = Callable[[], Awaitable[str]]

# A failed check is asked again sooner than a good one.
_FAILURE_CACHE_SECONDS = 5.0


@dataclass
class CheckResult:
    ok: bool
    detail: str
    critical: bool
    checked_at: float  # monotonic


@dataclass
class _Entry:
    check: Check
    critical: bool
    cache_seconds: float
    timeout: float
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    result: CheckResult | None = None


class HealthMonitor:
    """The checks of one process; :meth:`report` runs them side by side."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._entries: dict[str, _Entry] = {}

    def add(
        self,
        name: str,
        check: Check,
        *,
        critical: bool = True,
        cache_seconds: float = 0.0,
        timeout: float = 5.0,
    ) -> None:
        """Register (or replace) a check; its result is reused for ``cache_seconds``."""
        self._entries[name] = _Entry(check, critical, cache_seconds, timeout)

    @property
    def names(self) -> list[str]:
        return list(self._entries)

    async def _run(self, entry: _Entry) -> CheckResult:
        async with entry.lock:  # concurrent requests share one call
            now = self._clock()
            cached = entry.result
            if cached is not None:
                keep = (
                    entry.cache_seconds
                    if cached.ok
                    else min(entry.cache_seconds, _FAILURE_CACHE_SECONDS)
                )
                if now - cached.checked_at < keep:
                    return cached
            try:
                detail = await asyncio.wait_for(entry.check(), entry.timeout)
                result = CheckResult(True, detail, entry.critical, self._clock())
            except TimeoutError:
                detail = f"no answer within {entry.timeout:g} s"
                result = CheckResult(False, detail, entry.critical, self._clock())
            except Exception as error:  # any failure is the check's answer
                detail = f"{type(error).__name__}: {error}".splitlines()[0][:300]
                result = CheckResult(False, detail, entry.critical, self._clock())
            entry.result = result
            return result

    async def report(self) -> tuple[int, dict[str, Any]]:
        """HTTP status (200 or 503) and the JSON body: overall status and each check."""
        names = list(self._entries)
        results = await asyncio.gather(*(self._run(self._entries[name]) for name in names))
        checks = {
            name: {"ok": result.ok, "critical": result.critical, "detail": result.detail}
            for name, result in zip(names, results, strict=True)
        }
        if any(not result.ok and result.critical for result in results):
            status = "fail"
        elif all(result.ok for result in results):
            status = "ok"
        else:
            status = "degraded"
        return (503 if status == "fail" else 200), {"status": status, "checks": checks}


def ping_database(services: Services) -> str:
    """One round trip to the state database."""
    database = services.database
    ping = getattr(database, "ping", None)  # a store layer may offer its own
    if callable(ping):
        ping()
    else:
        with database.transaction() as connection:
            if isinstance(connection, sqlite3.Connection):
                connection.execute("SELECT 1").fetchone()
            else:  # a SQLAlchemy connection
                from sqlalchemy import text

                connection.execute(text("SELECT 1"))
    url = getattr(services.settings, "database_url", None)
    if url and "://" in str(url):
        return str(url).split("://", 1)[0].split("+", 1)[0]
    return "sqlite"


def index_state(services: Services) -> str:
    """The loaded index generation; fails until the bot has loaded one."""
    stack = services.loaded
    if stack is None:
        raise RuntimeError("index not loaded yet")
    retriever = stack.retriever
    generation = getattr(retriever, "generation", None)
    name = getattr(generation, "name", str(generation))
    return f"generation {name}, {len(retriever.chunks)} passages"


def llm_state(services: Services, timeout: float) -> str:
    """``GET /models`` of the configured endpoint: key accepted and model served."""
    from bot.answering.llm_health import probe_endpoint

    settings = services.settings
    assert settings.llm_base_url and settings.llm_model
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    result = probe_endpoint(settings.llm_base_url, settings.llm_model, key, timeout)
    if result.state != "ok":
        raise RuntimeError(result.message)
    status = services.llm_status() or {}
    return f"model {settings.llm_model} served; breaker {status.get('breaker', '?')}"


def service_checks(services: Services, monitor: HealthMonitor | None = None) -> HealthMonitor:
    """The core's checks: database, index, and the LLM endpoint when one is configured."""
    monitor = monitor or HealthMonitor()
    cache = services.settings.health_cache_seconds

    async def database() -> str:
        return await asyncio.to_thread(ping_database, services)

    async def index() -> str:
        return index_state(services)

    async def llm() -> str:
        return await asyncio.to_thread(llm_state, services, 5.0)

    monitor.add("database", database, timeout=10.0)
    monitor.add("index", index)
    if services.settings.llm_configured:
        monitor.add("llm", llm, critical=False, cache_seconds=cache, timeout=10.0)
    return monitor
