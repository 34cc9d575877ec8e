"""ICS URLs: fetched from a real loopback HTTP server; a failed fetch keeps the last good copy."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from meetings_helpers import FIXTURES, paris

from bot.app import build_agenda
from bot.meetings.agenda import Agenda
from bot.settings import Settings


class CalendarServer:
    """A tiny HTTP server on 127.0.0.1 whose response the test changes at will."""

    def __init__(self) -> None:
        self.status = 200
        self.body = b""
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                server.requests += 1
                self.send_response(server.status)
                self.send_header("Content-Type", "text/calendar; charset=utf-8")
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = (
            f"http://127.0.0.1:{self.httpd.server_address[1]}/private/agenda.ics?token=s3cret"
        )

    def __enter__(self) -> CalendarServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[CalendarServer]:
    with CalendarServer() as running:
        yield running


def url_settings(settings: Settings, url: str) -> Settings:
    return settings.model_copy(update={"calendar_urls": [url]})


def uids(agenda: Agenda) -> set[str]:
    return {item.uid for item in agenda.upcoming(paris(2027, 3, 1, 9, 0), days=40)}


def test_url_calendar_is_fetched_and_cached(settings, server):
    server.body = (FIXTURES / "cases.ics").read_bytes()
    agenda = build_agenda(url_settings(settings, server.url))

    assert "mali-weekly@test" in uids(agenda)
    assert agenda.errors == []
    cached = list((settings.state_dir / "calendars").glob("*.ics"))
    assert [path.read_bytes() for path in cached] == [server.body]


def test_failed_fetch_keeps_last_good_copy_and_is_logged(settings, server, caplog):
    server.body = (FIXTURES / "cases.ics").read_bytes()
    agenda = build_agenda(url_settings(settings, server.url))
    before = uids(agenda)

    server.status = 503
    server.body = b"Service Unavailable"
    errors = agenda.refresh()

    assert uids(agenda) == before
    assert len(errors) == 1 and "fetch failed" in errors[0].reason
    assert agenda.complete is True  # the cached copy stands in for the feed
    assert "fetch failed" in caplog.text
    assert "s3cret" not in caplog.text and "s3cret" not in str(errors[0])

    # A 200 with a body that is not iCalendar is a failure too, not a new "good" copy.
    server.status = 200
    server.body = b"<html>maintenance</html>"
    agenda.refresh()
    assert uids(agenda) == before

    # A new restart (new Agenda, same state dir) with the server down still has the copy.
    server.status = 500
    restarted = build_agenda(url_settings(settings, server.url))
    assert uids(restarted) == before
    assert server.requests == 4


def test_refresh_picks_up_a_changed_feed(settings, server):
    server.body = (FIXTURES / "one-broken-event.ics").read_bytes()
    agenda = build_agenda(url_settings(settings, server.url))
    assert uids(agenda) == {"good@test"}

    server.body = (FIXTURES / "cases.ics").read_bytes()
    agenda.refresh()
    assert "good@test" not in uids(agenda) and "mali-weekly@test" in uids(agenda)


def test_unreachable_url_without_copy_is_reported(settings):
    agenda = build_agenda(url_settings(settings, "http://127.0.0.1:9/agenda.ics"))
    assert uids(agenda) == set()
    reasons = [error.reason for error in agenda.errors]
    assert reasons[0].startswith("fetch failed")
    assert reasons[1] == "no copy cached from an earlier fetch"
    assert agenda.complete is False
