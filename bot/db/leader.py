"""Electing the one process that runs a singleton job (the reminder sweep) among replicas.

PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) held on a
connection kept open for as long as the process leads. When the process dies,
its session ends and the lock is free: the next replica to try takes over.
SQLite (processes on one machine): an exclusive ``flock`` on a file beside the
database, released by the kernel when the process dies.

Leading is a hint for efficiency, not for correctness: the outbox's claims keep
deliveries exactly-once even if two processes swept at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import threading
import weakref
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from bot.storage import Database

logger = logging.getLogger(__name__)


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for ``name``."""
    digest = hashlib.sha256(f"cuf-assistant:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class Leadership:
    """``try_lead()`` before each run of the job: true while this process is the elected one."""

    def __init__(self, database: Database, name: str) -> None:
        self.database = database
        self.name = name
        self._key = lock_key(name)
        self._connection: Connection | None = None
        self._file: IO[bytes] | None = None
        self._lock = threading.Lock()
        # Whatever holds the lead is let go with this object (a stopped application).
        weakref.finalize(self, Leadership._release, self.__dict__)

    @staticmethod
    def _release(state: dict[str, object]) -> None:
        handle, connection = state.get("_file"), state.get("_connection")
        if isinstance(connection, Connection):
            with contextlib.suppress(SQLAlchemyError):
                connection.close()
        if handle is not None:
            handle.close()  # type: ignore[attr-defined]

    @property
    def leading(self) -> bool:
        return self._connection is not None or self._file is not None

    def try_lead(self) -> bool:
        """Keep or take the lead; false when another live process holds it."""
        with self._lock:
            was = self.leading
            if self.database.dialect == "postgresql":
                now = self._try_postgresql()
            else:
                now = self._try_file()
            if now != was:
                logger.info("%s: %s", self.name, "elected" if now else "another process leads")
            return now

    def _try_postgresql(self) -> bool:
        if self._connection is not None:
            try:  # still connected, hence still holding the lock?
                self._connection.execute(text("SELECT 1"))
                return True
            except SQLAlchemyError:
                logger.warning("%s: lost the database connection, and the lead", self.name)
                self._drop_connection()
        connection = None
        try:
            connection = self.database.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT"
            )
            won = connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}
            ).scalar_one()
        except SQLAlchemyError as error:
            logger.warning("%s: cannot reach the database (%s)", self.name, error)
            if connection is not None:
                connection.close()
            return False
        if won:
            self._connection = connection
            return True
        connection.close()
        return False

    def _try_file(self) -> bool:
        if self._file is not None:
            return True
        path = self._lock_path()
        handle = open(path, "a+b")  # noqa: SIM115 (held open while leading)
        os.chmod(path, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def _lock_path(self) -> Path:
        base = self.database.path
        if base is None:  # an in-memory database: one process anyway
            raise RuntimeError("no file to elect a leader with")
        return base.with_name(f"{base.name}.{self.name}-lead")

    def _drop_connection(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(SQLAlchemyError):
                self._connection.close()
            self._connection = None

    def resign(self) -> None:
        """Give the lead up (at shutdown); another process may take it at once."""
        with self._lock:
            if self._connection is not None:
                with contextlib.suppress(SQLAlchemyError):
                    self._connection.execute(
                        text("SELECT pg_advisory_unlock(:key)"), {"key": self._key}
                    )
                self._drop_connection()
            if self._file is not None:
                fcntl.flock(self._file, fcntl.LOCK_UN)
                self._file.close()
                self._file = None
