"""``reminders-due --send`` killed with SIGKILL again and again: nothing is lost.

Each run writes the reminders to a file (flush + fsync) before acknowledging them
in the outbox; a kill can only land in the documented window between the write
and the acknowledgement, so it can duplicate at most one reminder and lose none.
Figures are printed (``pytest -s``).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from meetings_helpers import REPO, add_calendar, paris

from bot.app import Services
from bot.settings import Settings

CHATS = 480
KILLS = 12
START = paris(2027, 3, 10, 14, 0)
CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Tests//Kill//FR\r\n"
    "BEGIN:VEVENT\r\nUID:m1\r\nDTSTAMP:20270101T000000Z\r\n"
    "DTSTART;TZID=Europe/Paris:20270310T140000\r\nDURATION:PT2H\r\n"
    "SUMMARY:Réunion du groupe-pays Mali\r\nCATEGORIES:Groupe-pays Mali\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def sent_keys(output: Path) -> list[str]:
    return [
        line.rsplit(" · ", 1)[1]
        for line in output.read_text(encoding="utf-8").splitlines()
        if line.startswith("--- chat ")
    ]


def test_kill_loop_over_reminders_due_send_loses_nothing(
    knowledge: Path, settings: Settings, tmp_path: Path
) -> None:
    add_calendar(knowledge, "mali.ics", CALENDAR)
    services = Services(settings)
    for chat in range(CHATS):
        services.subscriptions.follow(str(chat), "mali")
    env = {key: value for key, value in os.environ.items() if not key.startswith("CUF_")}
    env |= {
        "CUF_KNOWLEDGE_DIR": str(knowledge),
        "CUF_STATE_DIR": str(settings.state_dir),
        "CUF_REMINDER_LEADS_MINUTES": "1440,60",
    }
    output = tmp_path / "sent.txt"
    now = START - timedelta(minutes=50)

    def start(moment: str) -> subprocess.Popen[bytes]:
        with output.open("ab") as handle:
            return subprocess.Popen(
                [sys.executable, "-m", "bot", "reminders-due", "--send", "--now", moment],
                cwd=tmp_path,
                env=env | {"PYTHONPATH": str(REPO)},
                stdout=handle,
                stderr=subprocess.DEVNULL,
            )

    rng = random.Random(14)
    kills = runs = 0
    started = time.monotonic()
    while kills < KILLS and runs < 200:
        runs += 1
        before = len(sent_keys(output)) if output.exists() else 0
        process = start(now.isoformat())
        # Kill once this run has delivered something, at a random point after that.
        while process.poll() is None and len(sent_keys(output)) == before:
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.05))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
        if len(set(sent_keys(output))) == CHATS:
            break
    # Claims of killed runs expire after their lease; a run after that finishes the job.
    for delay in (0, 11):
        process = start((now + timedelta(minutes=delay)).isoformat())
        assert process.wait(timeout=300) == 0
    seconds = time.monotonic() - started

    keys = sent_keys(output)
    expected = {f"{chat}|m1||60|20270310T130000Z" for chat in range(CHATS)}
    lost = expected - set(keys)
    duplicates = len(keys) - len(set(keys))
    print(
        f"\nkill -9 loop over reminders-due --send: {runs} runs, {kills} kills, "
        f"{len(expected)} reminders, {len(keys)} written, {len(lost)} lost, "
        f"{duplicates} duplicates (at most one per kill), {seconds:.1f} s"
    )
    assert kills >= 10
    assert set(keys) == expected and not lost
    assert duplicates <= kills


def test_two_workers_on_one_postgresql_killed_again_and_again_deliver_each_once(
    knowledge: Path, tmp_path: Path, postgres_server
) -> None:
    """Two ``reminders-due --send`` at once on a shared PostgreSQL, both killed at random."""
    add_calendar(knowledge, "mali.ics", CALENDAR)
    url = postgres_server.new_database()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        knowledge_dir=knowledge,
        state_dir=tmp_path / "state",
        database_url=url,
        calendar_urls=[],
    )
    services = Services(settings)
    chats = 1_000
    for chat in range(chats):
        services.subscriptions.follow(str(chat), "mali")
    env = {key: value for key, value in os.environ.items() if not key.startswith("CUF_")}
    env |= {
        "CUF_KNOWLEDGE_DIR": str(knowledge),
        "CUF_STATE_DIR": str(tmp_path / "state"),
        "CUF_DATABASE_URL": url,
        "CUF_REMINDER_LEADS_MINUTES": "1440,60",
        "PYTHONPATH": str(REPO),
    }
    outputs = [tmp_path / "worker-a.txt", tmp_path / "worker-b.txt"]
    now = START - timedelta(minutes=50)

    def start(output: Path, moment: str) -> subprocess.Popen[bytes]:
        with output.open("ab") as handle:
            return subprocess.Popen(
                [sys.executable, "-m", "bot", "reminders-due", "--send", "--now", moment],
                cwd=tmp_path,
                env=env,
                stdout=handle,
                stderr=subprocess.DEVNULL,
            )

    def written() -> list[str]:
        return [key for output in outputs if output.exists() for key in sent_keys(output)]

    rng = random.Random(12)
    kills = rounds = 0
    started = time.monotonic()
    while len(set(written())) < chats and rounds < 6:
        rounds += 1
        before = len(written())
        workers = [start(output, now.isoformat()) for output in outputs]
        while all(w.poll() is None for w in workers) and len(written()) == before:
            time.sleep(0.005)
        for worker in workers:  # each dies at its own random moment, mid-delivery
            time.sleep(rng.uniform(0.0, 1.0))
            if worker.poll() is None:
                worker.send_signal(signal.SIGKILL)
                kills += 1
        for worker in workers:
            worker.wait(timeout=300)
    for delay in (0, 11):  # claims of killed workers expire after their lease
        worker = start(outputs[0], (now + timedelta(minutes=delay)).isoformat())
        assert worker.wait(timeout=300) == 0
    seconds = time.monotonic() - started

    keys = written()
    expected = {f"{chat}|m1||60|20270310T130000Z" for chat in range(chats)}
    duplicates = len(keys) - len(set(keys))
    print(
        f"\ntwo workers on PostgreSQL killed at random: {rounds} rounds, {kills} kills, "
        f"{len(expected)} reminders, {len(keys)} written, {len(expected - set(keys))} lost, "
        f"{duplicates} duplicates, {seconds:.1f} s"
    )
    assert kills >= 4
    assert set(keys) == expected
    assert duplicates <= kills
