"""Benchmark: schedule reminders for 5,000 chats × 200 upcoming occurrences (pure function).

Run: .venv/bin/python bench/bench_reminders.py
Prints the time of ``due_reminders`` at a few moments: the first tick (every reminder
of the first day due), a later tick with a sent log, and the
worst case where every occurrence is inside the reminder window.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.meetings.reminders import due_reminders
from bot.meetings.schedule import Occurrence
from bot.meetings.subscriptions import Subscription

CHATS = 5_000
OCCURRENCES = 200
GROUPS = [f"group-{index:02d}" for index in range(35)]
PARIS = ZoneInfo("Europe/Paris")


def build(seed: int = 4) -> tuple[list[Occurrence], list[Subscription], datetime]:
    rng = random.Random(seed)
    now = datetime(2027, 3, 1, 9, 0, tzinfo=PARIS)
    occurrences = []
    for index in range(OCCURRENCES):
        start = now + timedelta(minutes=30 + index * 216)  # spread over 30 days
        occurrences.append(
            Occurrence(
                uid=f"event-{index}",
                occurrence_key="",
                title=f"Réunion {index}",
                start=start,
                end=start + timedelta(hours=1),
                all_day=False,
                groups=(rng.choice(GROUPS),),
            )
        )
    subscriptions = [
        Subscription(
            chat_id=str(100_000 + index),
            groups=frozenset(rng.sample(GROUPS, rng.randint(1, 5))),
            leads=None if index % 4 else (2 * 1440, 120, 15),
        )
        for index in range(CHATS)
    ]
    return occurrences, subscriptions, now


def measure(label: str, run, repeat: int = 5) -> None:
    timings = []
    result = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        timings.append(time.perf_counter() - started)
    print(
        f"{label:<48} median {statistics.median(timings) * 1000:8.1f} ms   "
        f"max {max(timings) * 1000:8.1f} ms   {len(result):>7,} reminders due"
    )


def main() -> None:
    occurrences, subscriptions, now = build()
    follows = sum(len(sub.groups) for sub in subscriptions)
    print(f"{CHATS:,} chats ({follows:,} follows) × {OCCURRENCES} occurrences over 30 days")
    measure(
        "start: nothing sent yet, first day due",
        lambda: due_reminders(occurrences, subscriptions, now, set()),
    )
    sent = {f"{sub.chat_id}|x" for sub in subscriptions}  # a sent log of realistic size
    measure(
        "3 days later, with a 5,000-key sent log",
        lambda: due_reminders(occurrences, subscriptions, now + timedelta(days=3), sent),
    )
    # Worst case: every occurrence within every chat's largest lead.
    packed = [
        Occurrence(
            uid=o.uid,
            occurrence_key="",
            title=o.title,
            start=now + timedelta(minutes=30 + index),
            end=now + timedelta(minutes=90 + index),
            all_day=False,
            groups=o.groups,
        )
        for index, o in enumerate(occurrences)
    ]
    measure(
        "worst case: all 200 occurrences due now",
        lambda: due_reminders(packed, subscriptions, now, set()),
    )


if __name__ == "__main__":
    main()
