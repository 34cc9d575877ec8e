"""Benchmark: the per-minute reminder sweep when nothing is due.

Run: .venv/bin/python bench/bench_reminder_sweep.py

The bot sweeps every minute (a calendar may have changed, another process may
have added a subscription). Most sweeps find nothing to send. This prints what
one such sweep costs: wall time, calendar expansions and database transactions,
on a realistic agenda (every group meeting weekly for two years, plus 200 one-off
meetings) followed by 2,000 chats.

Measured on the shared 2-core machine (other sessions running):
    before (main at edc543d, ``ReminderService.pending`` then ``next_due_time``):
        median 612 ms, max 885 ms, 3 calendar expansions, 4 database transactions per sweep
    after (``ReminderPlanner.plan``):
        median 13 ms, 0.05 calendar expansions (one, at the first sweep after the
        delivery changed the sent log), 2 database transactions per sweep
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.meetings import agenda as agenda_module  # noqa: E402
from bot.settings import Settings  # noqa: E402

CHATS = 2_000
GROUPS = 35
SWEEPS = 20
PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2027, 3, 1, 9, 0, tzinfo=PARIS)


def calendar(group_ids: list[str]) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Bench//Sweep//FR"]
    for index, group in enumerate(group_ids):
        day = 1 + index % 28
        lines += [
            "BEGIN:VEVENT",
            f"UID:weekly-{index}",
            "DTSTAMP:20270101T000000Z",
            f"DTSTART;TZID=Europe/Paris:202701{day:02d}T{9 + index % 8:02d}3000",
            "DURATION:PT1H",
            "RRULE:FREQ=WEEKLY;COUNT=104",
            f"SUMMARY:Réunion hebdomadaire {index}",
            f"CATEGORIES:{group}",
            "END:VEVENT",
        ]
    for index in range(200):
        start = NOW + timedelta(hours=7 + index * 17)
        lines += [
            "BEGIN:VEVENT",
            f"UID:single-{index}",
            "DTSTAMP:20270101T000000Z",
            f"DTSTART;TZID=Europe/Paris:{start.strftime('%Y%m%dT%H%M%S')}",
            "DURATION:PT2H",
            f"SUMMARY:Réunion {index}",
            f"CATEGORIES:{group_ids[index % len(group_ids)]}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


class Counters:
    """Counts calendar expansions (the expensive part) and database transactions."""

    def __init__(self) -> None:
        self.expansions = 0
        self.transactions = 0
        original = agenda_module.expand

        def counting_expand(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.expansions += 1
            return original(*args, **kwargs)

        agenda_module.expand = counting_expand  # type: ignore[assignment]

    def reset(self) -> None:
        self.expansions = 0
        self.transactions = 0


def main() -> None:
    from bot.app import Services

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        knowledge = root / "knowledge"
        (knowledge / "meetings").mkdir(parents=True)
        (knowledge / "notes").mkdir()
        (knowledge / "meetings" / "groups.yaml").write_bytes(
            (REPO / "knowledge" / "meetings" / "groups.yaml").read_bytes()
        )
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            knowledge_dir=knowledge,
            state_dir=root / "state",
            calendar_urls=[],
        )
        services = Services(settings)
        group_ids = [group.id for group in services.agenda.groups.groups][:GROUPS]
        (knowledge / "meetings" / "bench.ics").write_text(calendar(group_ids), encoding="utf-8")
        services.agenda.refresh()
        for chat in range(CHATS):
            services.subscriptions.follow(str(100_000 + chat), group_ids[chat % len(group_ids)])
        counters = Counters()
        sweep, deliver_all = _sweep_function(services, counters)
        sent = deliver_all(NOW)
        print(
            f"{CHATS:,} chats, {len(group_ids)} groups, "
            f"{len(services.agenda.occurrences(NOW, NOW + timedelta(days=60)))} meetings "
            f"in the next 60 days; {sent} reminders delivered at the first sweep"
        )
        timings = []
        counters.reset()
        for minute in range(1, SWEEPS + 1):
            started = time.perf_counter()
            due = sweep(NOW + timedelta(minutes=minute))
            timings.append(time.perf_counter() - started)
            assert due == 0, f"{due} reminders due at minute {minute}: not an idle sweep"
        print(
            f"sweep with nothing due: median {statistics.median(timings) * 1000:7.1f} ms, "
            f"max {max(timings) * 1000:7.1f} ms, "
            f"{counters.expansions / SWEEPS:.1f} calendar expansions and "
            f"{counters.transactions / SWEEPS:.1f} database transactions per sweep"
        )


def _sweep_function(services, counters):  # type: ignore[no-untyped-def]
    """What the Telegram job runs every minute, with whichever API this checkout has."""
    from bot.meetings import outbox

    if hasattr(outbox, "ReminderService"):  # before issue 13: pending() then next_due_time()
        from bot import storage

        original = storage.Database.transaction

        def counting_transaction(self):  # type: ignore[no-untyped-def]
            counters.transactions += 1
            return original(self)

        storage.Database.transaction = counting_transaction  # type: ignore[method-assign]
        service = services.reminders

        def sweep(now: datetime) -> int:
            pending = service.pending(now)
            service.next_due_time(now)
            return len(pending)

        def deliver_all(now: datetime) -> int:
            return len(service.deliver(now, lambda reminder: None))

        return sweep, deliver_all

    from sqlalchemy import event

    from bot.meetings.delivery import RecordingSender, deliver

    event.listen(services.database.engine, "begin", lambda connection: _count(counters))
    scheduler = services.reminders
    sender = RecordingSender()

    def sweep_new(now: datetime) -> int:
        plan = scheduler.plan(now)
        return len(plan.due)

    def deliver_all_new(now: datetime) -> int:
        plan = scheduler.plan(now)
        return len(asyncio.run(deliver(plan, scheduler.outbox, sender, clock=lambda: now)))

    return sweep_new, deliver_all_new


def _count(counters: Counters) -> None:
    counters.transactions += 1


if __name__ == "__main__":
    main()
