"""Apply the Alembic migrations (``bot/db/migrations``) to a database.

Run at start-up by :class:`bot.storage.Database` and by ``python -m bot migrate``.
Processes starting together migrate one at a time: a PostgreSQL advisory lock
(replicas) or a lock file beside the SQLite database (local processes). A database
already at the newest revision is told so by one query, without importing Alembic
(a third of a second of every start-up).
"""

from __future__ import annotations

import fcntl
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
_LOCK_KEY = 0x435546_01  # "CUF" 1: the advisory lock held while migrating
_REVISION = re.compile(r'^(down_revision|revision)\s*=\s*(None|"[^"]*")\s*$', re.MULTILINE)


def shipped_head() -> str | None:
    """The newest revision of ``migrations/versions``, read from the files' own lines.

    ``None`` when the files do not form one plain chain (then Alembic decides).
    """
    revisions: dict[str, str | None] = {}
    for path in (MIGRATIONS / "versions").glob("[!_]*.py"):
        found = dict(_REVISION.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found or "down_revision" not in found:
            return None
        down = found["down_revision"]
        revisions[found["revision"].strip('"')] = None if down == "None" else down.strip('"')
    heads = set(revisions) - {down for down in revisions.values() if down is not None}
    return heads.pop() if len(heads) == 1 else None


def is_at_head(engine: Engine) -> bool:
    """True when the database's recorded revision is the shipped head (no migration due)."""
    head = shipped_head()
    if head is None:
        return False
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:  # never migrated: no version table yet
        return False
    return [row[0] for row in rows] == [head]


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision shipped with this code."""
    from alembic.script import ScriptDirectory

    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def current(engine: Engine) -> str | None:
    """The revision the database is at (``None``: never migrated)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the database to ``revision``; returns (revision before, revision after)."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    with schema_lock(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        before = MigrationContext.configure(connection).get_current_revision()
        command.upgrade(_config(connection), revision)
        after = MigrationContext.configure(connection).get_current_revision()
    if before is None:  # a new database: nothing worth an operator's attention
        logger.debug("database schema created at revision %s", after)
    elif before != after:
        logger.info("database migrated from revision %s to %s", before, after)
    return before, after


def downgrade(engine: Engine, revision: str) -> None:
    """Step the schema back to ``revision`` (tests of migrations; never at start-up)."""
    from alembic import command

    with schema_lock(engine), engine.begin() as connection:
        command.downgrade(_config(connection), revision)


@contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """A lock file beside a SQLite database, so two processes never change its schema or
    journal mode at once (SQLite does not wait for a journal-mode switch: it fails)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    lock_path = Path(database).with_name(Path(database).name + ".migrate-lock")
    with open(lock_path, "a+b") as handle:
        lock_path.chmod(0o600)
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
