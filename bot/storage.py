"""The SQLite file that holds the assistant's state (conversations, subscriptions, logs)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class Database:
    """A SQLite file; each ``transaction()`` opens a short-lived connection.

    Short-lived connections keep the stores safe to use from worker threads
    (``asyncio.to_thread``) and make every write durable before it returns.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self.transaction() as connection:
            connection.execute("PRAGMA journal_mode=WAL")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Yield a connection; commit on success, roll back on error, always close."""
        connection = sqlite3.connect(self.path, timeout=30)
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA foreign_keys=ON")
        try:
            with connection:
                yield connection
        finally:
            connection.close()

    def ensure_schema(self, ddl: str) -> None:
        """Create a store's tables if they do not exist yet (idempotent DDL)."""
        with self.transaction() as connection:
            connection.executescript(ddl)
