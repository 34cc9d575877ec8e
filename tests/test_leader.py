"""One reminder worker among replicas: elected, and replaced when it dies (both databases)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot.db.leader import Leadership
from bot.storage import Database

REPO = Path(__file__).resolve().parents[1]
HOLDER = """
import sys, time
from bot.db.leader import Leadership
from bot.storage import Database
target = sys.argv[1]
leader = Leadership(Database(target if "://" in target else __import__("pathlib").Path(target)),
                    "reminders")
print("lead" if leader.try_lead() else "follow", flush=True)
time.sleep(600)
"""


def _holder(target: str | Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(target)],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ | {"PYTHONPATH": str(REPO)},
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "lead"
    return process


def _wait_for_lead(leader: Leadership, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if leader.try_lead():
            return True
        time.sleep(0.1)
    return False


def test_only_one_process_leads_and_another_takes_over_when_it_dies(
    database_target: str | Path,
) -> None:
    Database(database_target).close()  # migrated once, before the processes race
    holder = _holder(database_target)
    try:
        here = Leadership(Database(database_target), "reminders")
        assert here.try_lead() is False
        assert here.try_lead() is False  # asking again while it lives changes nothing
        other_job = Leadership(Database(database_target), "another-job")
        assert other_job.try_lead() is True  # locks are per job
        holder.send_signal(signal.SIGKILL)  # kill -9: no chance to resign
        holder.wait(timeout=30)
        assert _wait_for_lead(here)
        assert here.try_lead() is True  # it keeps the lead
        third = Leadership(Database(database_target), "reminders")
        assert third.try_lead() is False
        here.resign()
        assert third.try_lead() is True
        third.resign()
        other_job.resign()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
