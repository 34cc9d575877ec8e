"""``python -m bot``: everything a user can do on Telegram, from the command line.

Each sub-command lives in its own module with ``register(subparsers)``; the
handler it sets receives the parsed arguments and the :class:`~bot.app.Services`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from bot.app import build_services
from bot.cli import ask, calibrate, database, evaluate, funding, meetings, members, ops, run, staff
from bot.messages import message
from bot.ops.logs import use_format
from bot.settings import Settings

_COMMAND_MODULES = (run, ask, evaluate, calibrate, funding, meetings, members, database, ops, staff)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG level")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in _COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, build the services once, run the chosen command."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        settings = Settings()
    except ValidationError as error:
        # One line per bad setting, never its value (it may hold a secret).
        for problem in error.errors():
            name = "CUF_" + "_".join(str(part) for part in problem["loc"]).upper()
            reason = str(problem["msg"]).removeprefix("Value error, ")
            print(message("cli_bad_setting", name=name, reason=reason), file=sys.stderr)
        return 2
    use_format(settings.log_format)
    services = build_services(settings)
    result: int = args.handler(args, services)
    return result
