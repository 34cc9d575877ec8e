"""The database that holds the assistant's state (conversations, subscriptions, logs).

SQLite by default: one file under the state folder, which is private to the
service account (0700), its files 0600. PostgreSQL when ``CUF_DATABASE_URL`` is
set (several replicas share it). Both get the same schema from the Alembic
migrations of :mod:`bot.db`, applied when the database is opened.

Erasing (``/oublier``): on SQLite, deleted rows are overwritten with zeros
(``secure_delete``) and :meth:`Database.scrub` checkpoints and truncates the
write-ahead log, so an erased conversation cannot be read back from the files.
On PostgreSQL, :meth:`Database.scrub` vacuums the state tables, so the space of
deleted rows is reclaimed and reused.
"""

from __future__ import annotations

import logging
import os
import stat
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

from bot.db.migrate import is_at_head, schema_lock, upgrade
from bot.db.schema import STATE_TABLES
from bot.private_folder import make_private_folder

logger = logging.getLogger(__name__)

_FILE_MODE = 0o600
_SIDE_FILES = ("", "-wal", "-shm", "-journal", ".migrate-lock")


def database_url(target: str | Path) -> str:
    """A SQLAlchemy URL: a path is a SQLite file; ``postgresql://`` uses psycopg 3."""
    if isinstance(target, Path):
        return f"sqlite+pysqlite:///{target}"
    url = make_url(target)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    elif url.drivername == "sqlite":
        url = url.set(drivername="sqlite+pysqlite")
    return url.render_as_string(hide_password=False)


def _on_sqlite_connect(connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def open_engine(url: str) -> Engine:
    """An engine for ``url`` with the settings each backend needs."""
    # rowcount of INSERT … ON CONFLICT tells whether a row was written (a claim taken).
    options: dict[str, Any] = {"execution_options": {"preserve_rowcount": True}}
    if url.startswith("sqlite"):
        options["connect_args"] = {"timeout": 30, "check_same_thread": False}
    else:
        options["pool_pre_ping"] = True
    engine = create_engine(url, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
    return engine


class Database:
    """The state database; each ``transaction()`` commits on success, rolls back on error.

    Connections come from a pool and are safe to use from worker threads
    (``asyncio.to_thread``); every write is durable when its transaction returns.
    ``target`` is a SQLite file path or a database URL.
    """

    def __init__(self, target: str | Path, *, migrate: bool = True) -> None:
        url = database_url(target)
        parsed = make_url(url)
        self.path: Path | None = None
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            self.path = Path(str(parsed.database))
            make_private_folder(self.path.parent)
            if not self.path.exists():
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, _FILE_MODE))
        self.engine = open_engine(url)
        # Pooled connections are closed when this object goes, not left to the collector.
        weakref.finalize(self, self.engine.dispose)
        if self.path is not None:
            # Two processes opening a new file at once (replicas starting together): the
            # second would fail on the switch instead of waiting.
            with schema_lock(self.engine), self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")
        if migrate and not is_at_head(self.engine):
            upgrade(self.engine)
        self._restrict_files()

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def _restrict_files(self) -> None:
        if self.path is None:
            return
        for suffix in _SIDE_FILES:
            side = self.path.with_name(self.path.name + suffix)
            try:
                if stat.S_IMODE(side.stat().st_mode) != _FILE_MODE:
                    os.chmod(side, _FILE_MODE)
            except FileNotFoundError:
                continue

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """Yield a connection in a transaction: committed on success, rolled back on error."""
        with self.engine.begin() as connection:
            yield connection

    def scrub(self) -> None:
        """Leave no copy of deleted rows behind.

        SQLite: with ``secure_delete`` the pages of deleted rows are zeroed; the log
        may still hold older copies of them until it is checkpointed and truncated.
        PostgreSQL: ``VACUUM`` the state tables, so deleted rows' space is reclaimed.
        """
        if self.dialect == "sqlite":
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA secure_delete=ON")
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            self._restrict_files()
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in STATE_TABLES:
                connection.execute(text(f"VACUUM {table.name}"))

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
