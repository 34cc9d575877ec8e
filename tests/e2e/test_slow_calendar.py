"""A calendar URL that sends a byte every few seconds never freezes the bot (issue 14).

The feed hangs for the whole test; members still get answers to plain questions
and to /agenda (from the last good copy), and the fetch is still running meanwhile.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.meetings.agenda import Agenda

from .conftest import MEMBER_ID, ClockedServices, running_bot
from .driver import Emulator

FEED = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Tests//Lent//FR\r\n"
    "BEGIN:VEVENT\r\nUID:slow@test\r\nDTSTAMP:20250101T000000Z\r\n"
    "DTSTART;TZID=Europe/Paris:20250305T100000\r\nDURATION:PT2H\r\n"
    "SUMMARY:Réunion du groupe-pays Mali\r\nCATEGORIES:Groupe-pays Mali\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
).encode()


class DripServer:
    """Serves FEED at once (``drip`` off), or one byte every second until stopped."""

    def __init__(self) -> None:
        self.drip = False
        self.stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                self.send_response(200)
                self.send_header("Content-Length", str(len(FEED)))
                self.end_headers()
                if not server.drip:
                    self.wfile.write(FEED)
                    return
                for index in range(len(FEED)):
                    if server.stop.wait(1.0):
                        return
                    try:
                        self.wfile.write(FEED[index : index + 1])
                        self.wfile.flush()
                    except OSError:
                        return

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/agenda.ics"


@pytest.fixture
def drip() -> Iterator[DripServer]:
    server = DripServer()
    threading.Thread(target=server.httpd.serve_forever, daemon=True).start()
    yield server
    server.stop.set()
    server.httpd.shutdown()
    server.httpd.server_close()


async def test_members_are_answered_while_a_calendar_feed_hangs(
    emulator: Emulator, answering_services: Callable[..., ClockedServices], drip: DripServer
) -> None:
    services = answering_services(calendar_urls=[drip.url], calendar_fetch_seconds=600)
    Agenda.from_settings(services.settings).refresh()  # an earlier run kept a good copy
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
