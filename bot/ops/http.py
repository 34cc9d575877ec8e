"""A small HTTP listener on the bot's event loop (tornado, which PTB's webhooks use too).

:func:`start_server` serves a route table: ``/healthz`` (JSON, 200 or 503) and
``/metrics`` (Prometheus text format) from :func:`ops_routes`, and whatever else
the caller adds (the Telegram webhook). Running on the bot's own loop means a
blocked loop fails its health check, as it should.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

from bot.ops import metrics
from bot.ops.health import HealthMonitor

logger = logging.getLogger(__name__)

# (status, content type, body) for one request.
Response = tuple[int, str, bytes]
GetHandler = Callable[[], Awaitable[Response]]
PostHandler = Callable[[dict[str, str], bytes], Awaitable[Response]]

MAX_BODY_BYTES = 1_000_000  # a Telegram update is a few kilobytes


@dataclass
class Route:
    path: str
    get: GetHandler | None = None
    post: PostHandler | None = None


class _Handler(RequestHandler):
    """Dispatch GET and POST to the route's coroutines; nothing else is allowed."""

    def initialize(self, route: Route) -> None:
        self.route = route

    async def get(self) -> None:
        if self.route.get is None:
            self._send(405, "text/plain; charset=utf-8", b"method not allowed\n")
            return
        self._send(*(await self.route.get()))

    async def post(self) -> None:
        if self.route.post is None:
            self._send(405, "text/plain; charset=utf-8", b"method not allowed\n")
            return
        headers = {name.lower(): value for name, value in self.request.headers.get_all()}
        self._send(*(await self.route.post(headers, self.request.body)))

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.set_status(status)
        self.set_header("Content-Type", content_type)
        self.set_header("Cache-Control", "no-store")
        self.finish(body)

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        logger.error("HTTP handler failed on %s", self.request.path, exc_info=(typ, value, tb))


def json_response(status: int, body: object) -> Response:
    payload = json.dumps(body, ensure_ascii=False, indent=1).encode() + b"\n"
    return status, "application/json; charset=utf-8", payload


def ops_routes(monitor: HealthMonitor) -> list[Route]:
    """``/healthz`` and ``/metrics``."""

    async def healthz() -> Response:
        status, body = await monitor.report()
        return json_response(status, body)

    async def metrics_page() -> Response:
        return 200, metrics.CONTENT_TYPE, metrics.exposition()

    return [Route("/healthz", get=healthz), Route("/metrics", get=metrics_page)]


def start_server(routes: list[Route], host: str, port: int) -> tuple[HTTPServer, int]:
    """Listen on ``host:port`` (0: a free port) on the running loop; the port in use."""
    application = Application(
        [(route.path, _Handler, {"route": route}) for route in routes],
        default_handler_class=_NotFound,
        log_function=_quiet_access_log,
    )
    server = HTTPServer(application, max_body_size=MAX_BODY_BYTES, xheaders=True)
    sockets = _bind(host, port)
    server.add_sockets(sockets)
    bound: int = sockets[0].getsockname()[1]
    return server, bound


def _bind(host: str, port: int) -> list[Any]:
    from tornado.netutil import bind_sockets

    return bind_sockets(port, address=host)


async def stop_server(server: HTTPServer) -> None:
    server.stop()
    await server.close_all_connections()


class _NotFound(RequestHandler):
    def prepare(self) -> None:
        self.set_status(404)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(b"not found\n")


def _quiet_access_log(handler: RequestHandler) -> None:
    """Access lines at DEBUG (health checks every few seconds would flood INFO)."""
    request = handler.request
    logger.debug(
        "%s %s %d %.1f ms",
        request.method,
        request.path,
        handler.get_status(),
        1000 * request.request_time(),
    )
