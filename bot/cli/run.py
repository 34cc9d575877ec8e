"""``python -m bot run``: the main command.

With a Telegram token configured (``CUF_TELEGRAM_TOKEN`` in ``.env``) it starts
the bot (polling, or a webhook when ``CUF_WEBHOOK_URL`` is set); without one,
the console chat. Either way it first builds the search index if there is none.

Whatever goes wrong at start-up is said in one line, in French, and never
with the token: a rejected token, an unreachable Telegram (retried with
backoff first), or any other failure (its traceback goes to the log, redacted).
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING

from bot.messages import message

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


def _say(line: str) -> None:
    print(line, flush=True)


def ensure_index(services: Services) -> None:
    """Build the index from ``knowledge/`` when none this version can read was published."""
    from bot.index.reader import readable_generation
    from bot.ingest.pipeline import run_ingest
    from bot.ops import metrics

    settings = services.settings
    if readable_generation(settings.index_dir) is not None:
        return
    _say(message("cli_first_index", index=settings.index_dir, knowledge=settings.knowledge_dir))
    try:
        report = run_ingest(
            settings.knowledge_dir, settings.index_dir, services.embeddings, show_progress=True
        )
    except Exception:
        metrics.record_ingest(ok=False)
        raise
    metrics.record_ingest(ok=True)
    _say(
        message(
            "cli_indexed",
            seconds=f"{report.seconds:.0f}",
            documents=len(report.added),
            passages=report.chunks_total,
            skipped=len(report.skipped),
        )
    )
    for path, reason in sorted(report.skipped.items()):
        _say("  " + message("cli_skipped", path=path, reason=reason))
    _ = services.names  # the cross-language name table, cached with the new generation


def handle(args: argparse.Namespace, services: Services) -> int:
    token = services.settings.telegram_token
    secret = token.get_secret_value() if token is not None else ""
    if secret:
        from bot.telegram.logs import protect_logs

        protect_logs(secret)
    if token is not None and not args.console:
        from bot.telegram.application import settings_problem

        problem = settings_problem(services.settings)  # said before any long work
        if problem is not None:
            _say(message("cli_cannot_start", problem=problem))
            return 1
    try:
        ensure_index(services)
        if token is None or args.console:
            from bot.cli.ask import console_chat

            if token is None:
                _say(message("cli_console_no_token"))
            _say(message("cli_loading"))
            services.warm_up()
            services.probe_llm()  # a misconfigured endpoint is said once, here
            return console_chat(services)
        return _run_bot(services, secret)
    except KeyboardInterrupt:
        _say("\n" + message("cli_interrupted"))
        return 130


def _run_bot(services: Services, token: str) -> int:
    from bot.telegram.application import run
    from bot.telegram.startup import StartupError, redact

    services.background = True  # calendar URLs fetched off the request path
    logging.getLogger("bot").setLevel(min(logging.getLogger().level, logging.INFO))
    _say(message("cli_starting"))
    try:
        return run(services, say=_say)
    except StartupError as error:
        _say(message("cli_cannot_start", problem=redact(str(error), token)))
        return 1
    except Exception as error:  # one line here; the traceback, redacted, in the log
        logger.debug("start-up failure", exc_info=True)
        first = redact(str(error), token).splitlines()[0] if str(error) else ""
        problem = f"{type(error).__name__}: {first}"
        _say(message("cli_cannot_start", problem=problem)[:300])
        return 1
    finally:
        sys.stdout.flush()
