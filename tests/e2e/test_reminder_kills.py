"""The running bot killed with SIGKILL again and again while it sends reminders.

``python -m bot run`` against the emulator, 300 members following a group whose
meeting is due for its reminder. Each run is killed soon after its first
delivery; the next run starts where it stopped, at once (its start-up sweep),
and takes over the claims of the killed one without waiting for their lease.
Nothing may be lost; a duplicate is allowed only in the documented window (a
message Telegram accepted just before the kill, not yet marked sent): at most
one per kill. Figures are printed (``pytest -s``).
"""

from __future__ import annotations

import asyncio
import random
import shutil
import signal
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.settings import Settings

from .driver import Emulator
from .reminder_fleet import (
    bot_environment,
    follow_mali,
    knowledge_with_meeting,
    reminders_sent,
    start_bot,
)

CHATS = 300
KILLS = 10
FIRST_CHAT = 5_000


async def _reminders(emulator: Emulator) -> Counter[int]:
    return Counter(await reminders_sent(emulator))


async def test_kill_loop_over_the_running_bot_loses_no_reminder(
    emulator: Emulator, built_index: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    shutil.copytree(built_index, state / "index")
    # Due now for a 60-minute lead, and far enough for every restart to come before it.
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=58)
    knowledge = knowledge_with_meeting(tmp_path, start, "kill-bot")
    chats = range(FIRST_CHAT, FIRST_CHAT + CHATS)
    follow_mali(Settings(knowledge_dir=knowledge, state_dir=state, calendar_urls=[]), chats)
    environment = bot_environment(
        emulator,
        knowledge,
        chats,
        state_dir=str(state),
        reminder_leads_minutes="60",
        # Only the sweep each start makes at once can deliver: the periodic one never comes.
        reminder_sweep_seconds="3600",
    )

    rng = random.Random(14)
    kills = runs = 0
    started = time.monotonic()
    while kills < KILLS and runs < 40:
        runs += 1
        before = sum((await _reminders(emulator)).values())
        process = start_bot(environment, tmp_path)
        # Kill once this run has delivered something, at a random point after that.
        while process.poll() is None and sum((await _reminders(emulator)).values()) == before:
            await asyncio.sleep(0.01)
        await asyncio.sleep(rng.uniform(0.0, 0.1))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
        if len(await _reminders(emulator)) == CHATS:
            break
    # A last run, left alone, finishes the job.
    process = start_bot(environment, tmp_path)
    try:
        deadline = time.monotonic() + 300
        while len(await _reminders(emulator)) < CHATS and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        await asyncio.sleep(2)  # anything sent twice after the last first delivery
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    seconds = time.monotonic() - started

    received = await _reminders(emulator)
    lost = [chat for chat in chats if received[chat] == 0]
    duplicates = sum(count - 1 for count in received.values() if count > 1)
    print(
        f"\nkill -9 loop over the running bot: {runs} runs, {kills} kills, {CHATS} reminders, "
        f"{sum(received.values())} received, {len(lost)} lost, {duplicates} duplicates "
        f"(at most one per kill), {seconds:.1f} s"
    )
    assert kills >= KILLS
    assert not lost
    assert set(received) == set(chats)
    assert duplicates <= kills
