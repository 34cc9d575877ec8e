"""``python -m bot run``: the main command.

With a Telegram token configured (``CUF_TELEGRAM_TOKEN`` in ``.env``) it starts
the bot (polling, or a webhook when ``CUF_WEBHOOK_URL`` is set); without one,
the console chat. Either way it first builds the search index if there is none.
"""

from __future__ import annotations

import argparse
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import Services

logger = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "run",
        help="start the Telegram bot (token configured) or the console chat",
        description=__doc__,
    )
    parser.add_argument(
        "--console",
        action="store_true",
        help="use the console chat even when a Telegram token is configured",
    )
    parser.set_defaults(handler=handle)


def ensure_index(services: Services) -> None:
    """Build the index from ``knowledge/`` when none has been published yet."""
    from bot.ingest.pipeline import run_ingest
    from bot.retrieval.store import current_generation

    settings = services.settings
    if current_generation(settings.index_dir) is not None:
        return
    print(f"No index in {settings.index_dir}: indexing {settings.knowledge_dir} first…")
    report = run_ingest(
        settings.knowledge_dir, settings.index_dir, services.embeddings, show_progress=True
    )
    print(report.summary())
    _ = services.names  # the cross-language name table, cached with the new generation


def handle(args: argparse.Namespace, services: Services) -> int:
    ensure_index(services)
    services.warm_up()
    if services.settings.telegram_token is None or args.console:
        from bot.cli.ask import console_chat

        if services.settings.telegram_token is None:
            print("No Telegram token configured (CUF_TELEGRAM_TOKEN): console chat.")
        services.probe_llm()  # a misconfigured endpoint is said once, here
        return console_chat(services)
    from bot.telegram.application import run

    services.background = True  # calendar URLs fetched off the request path
    # INFO: the LLM probe's line at start-up (ready, or what is wrong) among others.
    logging.getLogger("bot").setLevel(min(logging.getLogger().level, logging.INFO))
    print("Starting the Telegram bot (Ctrl-C to stop)…")
    return run(services)
