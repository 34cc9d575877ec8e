"""Benchmark: a burst of N due reminders sent by the real bot to the Telegram emulator.

Run: .venv/bin/python bench/bench_reminder_burst.py [--reminders 5000] [--rate 30]
Needs Node (``npm ci --prefix tests/e2e/emulator``). Everything stays on loopback.

N members follow one group whose meeting is an hour away, so N reminders (a text
and an ``.ics`` each: two Bot API messages) fall due at once. The real
application (handlers, JobQueue sweep, outbox, rate limiter) sends them with
throttling at ``--rate`` messages per second (``CUF_TELEGRAM_MAX_MESSAGES_PER_SECOND``;
0 turns it off). Printed: the time to send all, reminders and messages per
second, and the most messages sent within any one second (sampled), which must
stay at or under the rate Telegram allows (about 30 a second).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_load import free_port, start_emulator  # noqa: E402

from bot.app import Services  # noqa: E402
from bot.ops import metrics  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.telegram.application import build_application  # noqa: E402
from bot.telegram.meetings import wake_reminders  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
PARIS = ZoneInfo("Europe/Paris")
TOKEN = "123456:BENCH-burst-token"
FIRST_MEMBER = 70_000
CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//CUF//bench//FR
BEGIN:VEVENT
UID:mali-burst@cites-unies-france.org
DTSTAMP:20250101T000000Z
DTSTART;TZID=Europe/Paris:20250303T100000
DTEND;TZID=Europe/Paris:20250303T120000
SUMMARY:Réunion du groupe-pays Mali
CATEGORIES:Mali
END:VEVENT
END:VCALENDAR
"""


class ClockedServices(Services):
    """The real services, 59 minutes before the meeting (the 60-minute reminder is due)."""

    def now(self) -> datetime:
        return datetime(2025, 3, 3, 9, 1, tzinfo=PARIS)


def sent_messages() -> float:
    return 2 * metrics.REMINDERS_SENT._value.get()  # a text and an .ics per reminder


async def burst(services: Services, count: int, timeout: float) -> dict[str, float]:
    application = build_application(services)
    samples: list[tuple[float, float]] = []
    base = sent_messages()
    async with application:
        assert application.post_init is not None
        await application.post_init(application)  # schedules the sweep: it starts at once
        started = time.perf_counter()
        await application.start()
        # The start-up sweep was planned before start() and may be skipped as a misfire
        # (post_init took over a second): wake it as a follow does.
        wake_reminders(application)
        try:
            while sent_messages() - base < 2 * count:
                now = time.perf_counter()
                samples.append((now, sent_messages() - base))
                if now - started > timeout:
                    break
                await asyncio.sleep(0.25)
            finished = time.perf_counter()
        finally:
            await application.stop()
    total = (sent_messages() - base) / 2
    peak = 0.0
    for index, (moment, value) in enumerate(samples):
        later = [v for (m, v) in samples[index:] if m - moment <= 1.0]
        peak = max(peak, later[-1] - value)
    seconds = finished - started
    first = next((m for (m, v) in samples if v > 0), finished)
    if "--verbose" in sys.argv:
        for moment, value in samples[::4]:
            print(f"  {moment - started:6.1f} s  {value:6.0f} messages")
    return {"sent": total, "seconds": seconds, "peak": peak, "first": first - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reminders", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=30.0, help="messages per second; 0: off")
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--verbose", action="store_true", help="print the progress samples")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    # No index here (only reminders are measured): the warm-up's warning says so at length.
    logging.getLogger("bot.telegram.application").setLevel(logging.ERROR)

    work = Path(tempfile.mkdtemp(prefix="cuf-burst-"))
    port = free_port()
    emulator = start_emulator(port)
    try:
        knowledge = work / "knowledge"
        (knowledge / "meetings").mkdir(parents=True)
        shutil.copy(REPO / "knowledge" / "meetings" / "groups.yaml", knowledge / "meetings")
        (knowledge / "meetings" / "mali.ics").write_text(CALENDAR, encoding="utf-8")
        members = list(range(FIRST_MEMBER, FIRST_MEMBER + args.reminders))
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            state_dir=work / "state",
            knowledge_dir=knowledge,
            telegram_token=TOKEN,
            telegram_base_url=f"http://127.0.0.1:{port}/bot",
            allowed_user_ids=members,
            reminder_leads_minutes=[60],
            calendar_urls=[],
            llm_base_url=None,
            telegram_max_messages_per_second=args.rate,
        )
        services = ClockedServices(settings)
        started = time.perf_counter()
        for member in members:
            services.subscriptions.follow(str(member), "mali")
        print(f"{args.reminders} members follow the group ({time.perf_counter() - started:.1f} s)")
        result = asyncio.run(burst(services, args.reminders, args.timeout))
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)

    sent, seconds = result["sent"], result["seconds"]
    rate = "off" if args.rate <= 0 else f"{args.rate:g} messages/s"
    print(f"throttling: {rate}")
    print(f"reminders sent: {sent:.0f} of {args.reminders} in {seconds:.1f} s")
    print(f"first reminder after {result['first']:.1f} s (the sweep reads the outbox first)")
    print(f"send rate: {sent / seconds:.1f} reminders/s, {2 * sent / seconds:.1f} messages/s")
    print(f"most messages within one second (sampled every 0.25 s): {result['peak']:.0f}")


if __name__ == "__main__":
    main()
