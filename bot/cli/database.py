"""``python -m bot migrate``: bring the state database's schema up to date (SQLite or PostgreSQL).

The bot and every command also migrate when they open the database; this
command makes it a deploy step, and ``--status`` tells where a database stands.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from bot.messages import message
from bot.storage import Database

if TYPE_CHECKING:
    from bot.app import Services


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    migrate = subparsers.add_parser("migrate", help="apply the database migrations")
    migrate.add_argument(
        "--status", action="store_true", help="only print the database's revision and the newest"
    )
    migrate.set_defaults(handler=run_migrate)


def run_migrate(args: argparse.Namespace, services: Services) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.db.migrate import current, head, upgrade

    settings = services.settings
    url = settings.database_url
    target = url.get_secret_value() if url is not None else settings.database_path
    try:
        database = Database(target, migrate=False)
        where = database.engine.url.render_as_string(hide_password=True)
        if args.status:
            at = current(database.engine)
            newest = head()
            state = message("cli_db_current" if at == newest else "cli_db_behind")
            revision = at or message("cli_db_none")
            print(message("cli_db_status", where=where, at=revision, newest=newest, state=state))
            return 0
        before, after = upgrade(database.engine)
    except SQLAlchemyError as error:
        reason = str(error).splitlines()[0]
        print(message("cli_db_unreachable", reason=reason), file=sys.stderr)
        return 1
    if before == after:
        print(message("cli_db_up_to_date", where=where, after=after))
    else:
        revision = before or message("cli_db_none")
        print(message("cli_db_migrated", where=where, before=revision, after=after))
    database.close()
    return 0
