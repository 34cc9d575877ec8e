"""Helpers shared by the meetings tests (fixed clocks, fixture files, running the CLI)."""

from __future__ import annotations

import argparse
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import Services

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    """A fixed moment in Paris time (tests never read the real clock)."""
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


def add_calendar(knowledge: Path, name: str, text: str | None = None) -> Path:
    """Put a fixture (or the given text) in knowledge/meetings/."""
    target = knowledge / "meetings" / name
    if text is None:
        shutil.copy(FIXTURES / name, target)
    else:
        target.write_text(text, encoding="utf-8")
    return target


def run_cli(services: Services, *argv: str) -> int:
    """Parse ``argv`` with the meetings sub-commands and run the chosen handler."""
    from bot.cli import meetings as cli

    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    result: int = args.handler(args, services)
    return result
