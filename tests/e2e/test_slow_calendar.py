"""A calendar URL that sends a byte every few seconds never freezes the bot (issue 14).

The feed hangs for the whole test; members still get answers to plain questions
and to /agenda (from the last good copy), and the fetch is still running meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from feed_server import FeedServer, serving

from bot.app import build_agenda

from .conftest import MEMBER_ID, ClockedServices, running_bot
from .driver import Emulator

FEED = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Tests//Lent//FR\r\n"
    "BEGIN:VEVENT\r\nUID:slow@test\r\nDTSTAMP:20250101T000000Z\r\n"
    "DTSTART;TZID=Europe/Paris:20250305T100000\r\nDURATION:PT2H\r\n"
    "SUMMARY:Réunion du groupe-pays Mali\r\nCATEGORIES:Groupe-pays Mali\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
).encode()


@pytest.fixture
def drip() -> Iterator[FeedServer]:
    with serving(FeedServer(FEED, byte_seconds=1.0, path="/agenda.ics")) as server:
        yield server


async def test_members_are_answered_while_a_calendar_feed_hangs(
    emulator: Emulator, answering_services: Callable[..., ClockedServices], drip: FeedServer
) -> None:
    services = answering_services(calendar_urls=[drip.url], calendar_fetch_seconds=600)
    build_agenda(services.settings).refresh()  # an earlier run kept a good copy
    drip.drip = True
    services.background = True  # as `python -m bot run` sets it
    member = emulator.chat(MEMBER_ID)
    async with running_bot(services):
        await member.command("/agenda")
        agenda = await member.reply()
        await member.say("Qu'est-ce que le groupe-pays Mali ?")
        answer = await member.reply()
        assert services.agenda.fetching  # the feed still hangs
    assert "Réunion du groupe-pays Mali" in agenda.text
    assert "Sources" in answer.text
