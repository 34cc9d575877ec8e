"""A calendar feed on loopback that can hang: it serves its body at once, or one byte at a time."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FeedServer:
    """Serves ``body`` at once, or (``drip``) one byte every ``byte_seconds`` until stopped."""

    def __init__(self, body: bytes = b"", byte_seconds: float = 0.2, path: str = "/") -> None:
        self.body = body
        self.drip = False
        self.stop = threading.Event()
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                server.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                if not server.drip:
                    self.wfile.write(server.body)
                    return
                for index in range(len(server.body)):  # never done before the test stops it
                    if server.stop.wait(byte_seconds):
                        return
                    try:
                        self.wfile.write(server.body[index : index + 1])
                        self.wfile.flush()
                    except OSError:
                        return

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"


@contextmanager
def serving(server: FeedServer) -> Iterator[FeedServer]:
    """``server`` running in a thread; a dripping response is cut short on the way out."""
    threading.Thread(target=server.httpd.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.stop.set()
        server.httpd.shutdown()
        server.httpd.server_close()
