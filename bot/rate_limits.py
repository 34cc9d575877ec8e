"""A per-user rate limit kept in the state database, so that every replica shares it.

Same contract as :class:`bot.telegram.ratelimit.UserRateLimiter` (``allow(user)``
→ ``(allowed, warn)``), over fixed windows of ``window`` seconds with the
previous window's count carried over pro rata (a sliding-window estimate): at
most about ``limit`` events per ``window`` per user across all processes. Each
decision is one atomic ``INSERT … ON CONFLICT DO UPDATE … WHERE`` on SQLite and
PostgreSQL alike, so two replicas never both take the last slot. The first
refusal in each window warns; refused events are not counted.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from sqlalchemy import delete, select, update

from bot.db import dialect
from bot.db.schema import rate_limits
from bot.storage import Database


class SharedRateLimiter:
    """At most ``limit`` events per user within ``window`` seconds, shared through the database.

    ``clock`` returns epoch seconds (``time.time``: replicas share the wall clock).
    """

    def __init__(
        self,
        database: Database,
        scope: str,
        limit: int,
        window: float,
        clock: Callable[[], float],
    ) -> None:
        self.database = database
        self.scope = scope
        self.limit = limit
        self.window = window
        self._clock = clock
        self._swept: int | None = None

    def allow(self, user_id: int) -> tuple[bool, bool]:
        """``(allowed, warn)`` for one more event from ``user_id`` now."""
        if self.limit <= 0:
            return True, False
        now = self._clock()
        current = int(now // self.window)
        elapsed = (now - current * self.window) / self.window
        table = rate_limits.c
        key = (table.scope == self.scope, table.user_id == user_id)
        with self.database.transaction() as connection:
            previous = connection.execute(
                select(table.count).where(*key, table.window == current - 1)
            ).scalar_one_or_none()
            carried = math.ceil((previous or 0) * (1 - elapsed))
            allowed = False
            if carried < self.limit:
                statement = dialect.insert(connection, rate_limits).values(
                    scope=self.scope, user_id=user_id, window=current, count=1, warned=0
                )
                statement = statement.on_conflict_do_update(
                    index_elements=[table.scope, table.user_id, table.window],
                    set_={"count": table.count + 1, "warned": 0},
                    where=table.count + carried < self.limit,
                )
                allowed = connection.execute(statement).rowcount == 1
            warn = False
            if not allowed:
                statement = dialect.insert(connection, rate_limits).values(
                    scope=self.scope, user_id=user_id, window=current, count=0, warned=1
                )
                statement = statement.on_conflict_do_update(
                    index_elements=[table.scope, table.user_id, table.window],
                    set_={"warned": 1},
                    where=table.warned == 0,
                )
                warn = connection.execute(statement).rowcount == 1
            if self._swept != current:  # once per window and process: drop old windows
                connection.execute(
                    delete(rate_limits).where(table.scope == self.scope, table.window < current - 1)
                )
                self._swept = current
        return allowed, warn

    def reset(self, user_id: int) -> None:
        """Forget a user's recent events (tests, an admin lifting a limit)."""
        with self.database.transaction() as connection:
            connection.execute(
                update(rate_limits)
                .where(rate_limits.c.scope == self.scope, rate_limits.c.user_id == user_id)
                .values(count=0, warned=0)
            )
