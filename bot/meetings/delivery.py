"""The one reminder delivery loop, shared by Telegram, the command line and the tests.

``deliver(plan, outbox, sender)`` claims each due message in the outbox, hands
it to a :class:`Sender` and acknowledges it; a send that raises is released
and retried by the next sweep. The channel is only the sender, in the spirit of
httpx's transports: Telegram's sends a message and an ``.ics``
(:mod:`bot.telegram.meetings`), the command line's writes to stdout and fsyncs
(:mod:`bot.cli.meetings`), and :class:`RecordingSender` keeps what it was given
(tests), optionally failing like a network that is down.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from bot.meetings.outbox import Outbox
from bot.meetings.reminders import Plan, Reminder
from bot.ops import metrics

logger = logging.getLogger(__name__)


class Sender(Protocol):
    """A delivery channel: ``send`` returns once the message is out, or raises."""

    async def send(self, reminder: Reminder) -> None: ...


class RecordingSender:
    """A sender that records what it sends, or raises ``failure`` while it is set."""

    def __init__(self) -> None:
        self.sent: list[Reminder] = []
        self.failure: Exception | None = None

    async def send(self, reminder: Reminder) -> None:
        if self.failure is not None:
            raise self.failure
        self.sent.append(reminder)

    @property
    def keys(self) -> list[str]:
        return [reminder.key for reminder in self.sent]


async def deliver(
    plan: Plan,
    outbox: Outbox,
    sender: Sender,
    *,
    clock: Callable[[], datetime] | None = None,
    recipient_allowed: Callable[[str], bool] | None = None,
) -> list[Reminder]:
    """Claim, send and acknowledge every message of ``plan``; return those delivered.

    ``clock`` dates the claims and acknowledgements (default: the plan's ``now``);
    ``recipient_allowed`` (run in a worker thread) skips chats that may no longer
    receive anything, e.g. a revoked member's private chat. Database calls run
    in worker threads, so a slow disk never blocks the event loop.
    """
    now = clock or (lambda: plan.now)
    delivered: list[Reminder] = []
    await asyncio.to_thread(outbox.purge_daily, plan.now)
    for reminder in plan.due:
        if recipient_allowed is not None and not await asyncio.to_thread(
            recipient_allowed, reminder.chat_id
        ):
            continue
        if not await asyncio.to_thread(outbox.claim, reminder, now()):
            continue
        try:
            await sender.send(reminder)
        except Exception as error:
            logger.warning(
                "%s for chat %s not sent (%s); released for the next sweep",
                reminder.kind,
                reminder.chat_id,
                error,
            )
            metrics.record_reminder(sent=False)
            await asyncio.to_thread(outbox.release, reminder)
            continue
        await asyncio.to_thread(outbox.mark_sent, reminder, now())
        metrics.record_reminder(sent=True)
        delivered.append(reminder)
    return delivered
