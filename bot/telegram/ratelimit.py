"""A per-user limit on messages, so one member (or a loop) cannot monopolise the bot."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable


class UserRateLimiter:
    """At most ``limit`` events per user within ``window`` seconds (sliding window).

    ``clock`` returns seconds (``time.monotonic`` in production, a fake in tests).
    ``allow`` also says whether to warn: only the first refusal of a burst does,
    so a user hammering the bot gets one friendly message, not one per message.
    """

    def __init__(self, limit: int, window: float, clock: Callable[[], float]) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: defaultdict[int, deque[float]] = defaultdict(deque)
        self._warned: set[int] = set()

    def allow(self, user_id: int) -> tuple[bool, bool]:
        """``(allowed, warn)`` for one more event from ``user_id`` now."""
        now = self._clock()
        events = self._events[user_id]
        while events and events[0] <= now - self.window:
            events.popleft()
        if self.limit <= 0 or len(events) < self.limit:
            events.append(now)
            self._warned.discard(user_id)
            return True, False
        warn = user_id not in self._warned
        self._warned.add(user_id)
        return False, warn
