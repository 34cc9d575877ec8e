"""``python -m bot``: everything a user can do on Telegram, from the command line.

Each sub-command lives in its own module with ``register(subparsers)``; the
handler it sets receives the parsed arguments and the :class:`~bot.app.Services`.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from types import ModuleType

from pydantic import ValidationError

from bot.app import build_services
from bot.messages import message
from bot.ops.logs import use_format
from bot.settings import Settings

# The module of ``bot.cli`` that registers each command, in the order help lists them.
# Only the module of the command being run is imported (``python -m bot ask`` does not
# pay for the calibration fitter or the meetings' calendar); help and a mistyped command
# import them all. ``tests/test_cli_commands.py`` checks this table against the modules.
COMMANDS: dict[str, str] = {
    "run": "run",
    "ask": "ask",
    "chat": "ask",
    "eval": "evaluate",
    "calibrate": "calibrate",
    "funding": "funding",
    **dict.fromkeys(
        ("agenda", "groups", "follow", "unfollow", "following", "reminders", "reminders-due"),
        "meetings",
    ),
    "ics": "meetings",
    **dict.fromkeys(("access", "feedback", "forget"), "members"),
    "migrate": "database",
    **dict.fromkeys(("backup", "restore", "webhook"), "ops"),
    **dict.fromkeys(("gaps", "faq", "documents", "export", "purge"), "staff"),
}


def command_modules(argv: Sequence[str] | None = None) -> list[ModuleType]:
    """The modules to register: the named command's only, or every one (help, a typo)."""
    words = list(sys.argv[1:] if argv is None else argv)
    command = next((word for word in words if not word.startswith("-")), None)
    names = [COMMANDS[command]] if command in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    return [importlib.import_module(f"bot.cli.{name}") for name in names]


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG level")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in command_modules(argv):
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, build the services once, run the chosen command."""
    args = build_parser(argv).parse_args(argv)
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
