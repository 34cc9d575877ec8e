"""The SQLite file that holds the assistant's state (conversations, subscriptions, logs).

The state folder is private to the service account (0700) and the database
files are 0600. Deleted rows are overwritten with zeros (``secure_delete``), and
:meth:`Database.scrub` checkpoints and truncates the write-ahead log, so an
erased conversation cannot be read back from the files.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_FOLDER_MODE = 0o700
_FILE_MODE = 0o600
_SIDE_FILES = ("", "-wal", "-shm", "-journal")


def make_private_folder(path: Path) -> None:
    """Create ``path`` (and parents) and make it 0700."""
    path.mkdir(parents=True, exist_ok=True)
    if stat.S_IMODE(path.stat().st_mode) != _FOLDER_MODE:
        os.chmod(path, _FOLDER_MODE)


class Database:
    """A SQLite file; each ``transaction()`` opens a short-lived connection.

    Short-lived connections keep the stores safe to use from worker threads
    (``asyncio.to_thread``) and make every write durable before it returns.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        make_private_folder(path.parent)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, _FILE_MODE))
        with self.transaction() as connection:
            connection.execute("PRAGMA journal_mode=WAL")
        self._restrict_files()

    def _restrict_files(self) -> None:
        for suffix in _SIDE_FILES:
            side = self.path.with_name(self.path.name + suffix)
            try:
                if stat.S_IMODE(side.stat().st_mode) != _FILE_MODE:
                    os.chmod(side, _FILE_MODE)
            except FileNotFoundError:
                continue

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Yield a connection; commit on success, roll back on error, always close."""
        connection = sqlite3.connect(self.path, timeout=30)
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute("PRAGMA secure_delete=ON")
        try:
            with connection:
                yield connection
        finally:
            connection.close()

    def ensure_schema(self, ddl: str) -> None:
        """Create a store's tables if they do not exist yet (idempotent DDL)."""
        with self.transaction() as connection:
            connection.executescript(ddl)

    def scrub(self) -> None:
        """Write every committed page back to the database file and empty the log.

        With ``secure_delete`` the pages of deleted rows are zeroed; the log may
        still hold older copies of them until it is checkpointed and truncated.
        """
        connection = sqlite3.connect(self.path, timeout=30)
        try:
            connection.execute("PRAGMA secure_delete=ON")
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
        self._restrict_files()
