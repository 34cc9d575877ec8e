"""Helpers shared by the meetings tests (fixed clocks, fixture files, running the CLI)."""

from __future__ import annotations

import argparse
import asyncio
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import Services, build_agenda, open_database
from bot.meetings.delivery import deliver
from bot.meetings.outbox import Outbox
from bot.meetings.planner import ReminderPlanner
from bot.meetings.reminders import Reminder
from bot.meetings.subscriptions import SubscriptionStore
from bot.settings import Settings

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


class Channel:
    """A recording delivery channel (a :class:`~bot.meetings.delivery.Sender`) that can fail."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.reminders: list[Reminder] = []
        self.fail = False

    async def send(self, reminder: Reminder) -> None:
        if self.fail:
            raise ConnectionError("network down")
        self.sent.append((reminder.chat_id, reminder.key))
        self.reminders.append(reminder)


def start_reminders(settings: Settings) -> tuple[ReminderPlanner, SubscriptionStore]:
    """What a (re)started process builds: new objects on the same database."""
    database = open_database(settings)
    subscriptions = SubscriptionStore(database)
    agenda = build_agenda(settings)
    outbox = Outbox(database, agenda.timezone)
    planner = ReminderPlanner(agenda, subscriptions, outbox, settings.reminder_leads_minutes)
    return planner, subscriptions


def pending(planner: ReminderPlanner, now: datetime) -> list[Reminder]:
    """The messages due at ``now`` (nothing is written)."""
    return list(planner.plan(now).due)


def deliver_now(planner: ReminderPlanner, now: datetime, channel: Channel) -> list[Reminder]:
    """One sweep of the production loop: plan, then deliver through ``channel``."""
    plan = planner.plan(now)
    return asyncio.run(deliver(plan, planner.outbox, channel, clock=lambda: now))


def add_call_fiche(
    knowledge: Path,
    fiche_id: str,
    calendar: list[dict[str, object]],
    short_name: str | None = None,
    category: str = "appel_a_projets",
) -> Path:
    """A minimal valid funding fiche in knowledge/funding/ with these calendar entries."""
    import yaml

    data = {
        "id": fiche_id,
        "name": f"Appel de test {fiche_id}",
        "short_name": short_name or fiche_id.upper(),
        "tagline": "un appel pour les tests",
        "aliases": [f"appel {fiche_id}"],
        "category": category,
        "summary": "Un appel à projets fictif.",
        "funder": "Personne",
        "eligible": {"authorities": ["commune"], "summary": "Communes."},
        "what_it_funds": ["Des tests"],
        "calendar": calendar,
        "official_url": f"https://example.org/{fiche_id}",
        "sources": [{"title": "Page test", "url": f"https://example.org/{fiche_id}/source"}],
        "last_verified": "2026-11-22",
    }
    folder = knowledge / "funding"
    folder.mkdir(exist_ok=True)
    path = folder / f"{fiche_id}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
