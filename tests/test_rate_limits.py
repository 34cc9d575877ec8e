"""The per-user rate limit shared by replicas through the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from pathlib import Path

from bot.rate_limits import SharedRateLimiter
from bot.storage import Database

T0 = 1_800_000_000.0  # a window boundary (a multiple of 60)


def test_two_replicas_share_one_limit(database_target: str | Path) -> None:
    now = [T0 + 1]
    first = SharedRateLimiter(Database(database_target), "questions", 3, 60, lambda: now[0])
    second = SharedRateLimiter(Database(database_target), "questions", 3, 60, lambda: now[0])
    decisions = [first.allow(7), second.allow(7), first.allow(7)]
    assert decisions == [(True, False)] * 3
    assert second.allow(7) == (False, True)  # one friendly warning…
    assert first.allow(7) == (False, False)  # …then silence, whichever replica
    assert second.allow(8) == (True, False)  # other users are not affected
    assert first.allow(6_000_000_000) == (True, False)  # Telegram ids beyond 32 bits
    # Half a window later, half the previous window's events still count: one slot is free.
    now[0] = T0 + 60 + 30
    assert first.allow(7) == (True, False)
    assert second.allow(7) == (False, True)
    # Two windows later everything is forgotten.
    now[0] = T0 + 180
    assert [first.allow(7)[0] for _ in range(4)] == [True, True, True, False]


def test_concurrent_requests_never_exceed_the_limit(database_target: str | Path) -> None:
    database = Database(database_target)
    limiters = [SharedRateLimiter(database, "flood", 10, 60, lambda: T0 + 5) for _ in range(4)]
    results: list[bool] = []
    lock = threading.Lock()

    def hammer(limiter: SharedRateLimiter) -> None:
        for _ in range(10):
            allowed, _warn = limiter.allow(42)
            with lock:
                results.append(allowed)

    threads = [threading.Thread(target=hammer, args=(limiter,)) for limiter in limiters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 40 and results.count(True) == 10


def test_a_limit_of_zero_means_no_limit(database_target: str | Path) -> None:
    limiter = SharedRateLimiter(Database(database_target), "questions", 0, 60, lambda: T0)
    assert all(limiter.allow(1) == (True, False) for _ in range(20))
