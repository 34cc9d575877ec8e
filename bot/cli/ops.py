"""Operations from the command line: ``backup``, ``restore`` and ``webhook set|delete|info``.

``webhook set`` is a deploy step: run it once when the public URL or the secret
changes; the replicas themselves never call ``setWebhook``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING

from bot.messages import message

if TYPE_CHECKING:
    from bot.app import Services


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = subparsers.add_parser(
        "backup",
        help="back up the state database, knowledge/ and the index into a new folder",
        description="SQLite: the online backup API (safe while the bot runs); PostgreSQL "
        "(CUF_DATABASE_URL): pg_dump. With a copy of knowledge/ and the published index.",
    )
    backup.add_argument("folder", type=Path, help="a folder that does not exist yet (or empty)")
    backup.add_argument(
        "--without-index",
        action="store_true",
        help="leave the index out (a restored bot then rebuilds it from knowledge/)",
    )
    backup.set_defaults(handler=handle_backup)

    restore = subparsers.add_parser(
        "restore",
        help="restore a backup into the configured state and knowledge folders",
        description="Checks the backup's checksums, then restores the database, knowledge/ "
        "and the index. Stop the bot first.",
    )
    restore.add_argument("folder", type=Path, help="a folder written by `backup`")
    restore.add_argument(
        "--force", action="store_true", help="replace existing state and knowledge"
    )
    restore.set_defaults(handler=handle_restore)

    webhook = subparsers.add_parser(
        "webhook",
        help="register, remove or show the Telegram webhook (a deploy step)",
        description="set: register CUF_WEBHOOK_URL with CUF_WEBHOOK_SECRET; delete: back to "
        "polling; info: what Telegram has. Prints JSON.",
    )
    webhook.add_argument("action", choices=("set", "delete", "info"))
    webhook.add_argument(
        "--drop-pending", action="store_true", help="discard updates waiting at Telegram"
    )
    webhook.set_defaults(handler=handle_webhook)


def handle_backup(args: argparse.Namespace, services: Services) -> int:
    from bot.ops.backup import BackupError, backup

    try:
        report = backup(services.settings, args.folder, include_index=not args.without_index)
    except BackupError as error:
        print(message("cli_backup_failed", error=error))
        return 1
    tables = ", ".join(f"{name} {count}" for name, count in report.tables.items())
    print(
        message(
            "cli_backup_done", folder=report.folder, database=report.database, files=report.files
        )
    )
    if tables:
        print("  " + message("cli_backup_tables", tables=tables))
    if report.index_generation:
        print(f"  index : {report.index_generation}")
    return 0


def handle_restore(args: argparse.Namespace, services: Services) -> int:
    from bot.ops.backup import BackupError, restore

    try:
        report = restore(services.settings, args.folder, force=args.force)
    except BackupError as error:
        print(message("cli_restore_failed", error=error))
        return 1
    tables = ", ".join(f"{name} {count}" for name, count in report.tables.items())
    print(message("cli_restore_done", folder=report.folder, database=report.database))
    if tables:
        print("  " + message("cli_backup_tables", tables=tables))
    if report.index_generation:
        print("  " + message("cli_restore_index", generation=report.index_generation))
    return 0


def handle_webhook(args: argparse.Namespace, services: Services) -> int:
    settings = services.settings
    if settings.telegram_token is None:
        print(message("cli_no_token"))
        return 2
    from bot.telegram import webhook
    from bot.telegram.logs import protect_logs
    from bot.telegram.startup import redact

    token = settings.telegram_token.get_secret_value()
    protect_logs(token)
    actions = {
        "set": lambda: webhook.set_webhook(settings, args.drop_pending),
        "delete": lambda: webhook.delete_webhook(settings, args.drop_pending),
        "info": lambda: webhook.webhook_info(settings),
    }
    try:
        result = asyncio.run(actions[args.action]())
    except webhook.WebhookConfigError as error:
        print(f"Webhook : {error}")
        return 2
    except Exception as error:  # one line, never the token
        first = redact(str(error), token).splitlines()[0] if str(error) else ""
        print(message("cli_webhook_failed", error=f"{type(error).__name__}: {first}")[:300])
        return 1
    print(json.dumps(result, ensure_ascii=False))
    return 0
