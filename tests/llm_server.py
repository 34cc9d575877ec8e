"""A scripted OpenAI-compatible server on a free loopback port (stdlib ``http.server``).

It speaks what ``ChatOpenAI`` and the start-up probe use: ``GET /v1/models`` and
``POST /v1/chat/completions``. Like a real endpoint it answers 401 to a wrong key
and 404 to a model it does not serve; what it replies to a chat request is
scripted per test (a text, an HTTP status, an HTML page, a dropped connection, a
reply slower than the client's timeout). Every request is recorded.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

GOOD_KEY = "test-key"
MODEL = "scripted-model"


@dataclass(frozen=True)
class Reply:
    """What the server does with one chat request."""

    content: str = ""
    status: int = 200
    finish_reason: str = "stop"
    delay: float = 0.0  # seconds before replying (interrupted when the server stops)
    html: bool = False  # a 200 text/html page instead of JSON (a proxy's login page…)
    drop: bool = False  # close the connection without a response

    @classmethod
    def text(cls, content: str, **options: Any) -> Reply:
        return cls(content=content, **options)

    @classmethod
    def error(cls, status: int) -> Reply:
        return cls(status=status)


Script = Callable[[dict[str, Any]], Reply]


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: dict[str, Any] | None


@dataclass
class ScriptedLLM:
    """The server's state: the script, the recorded requests, the replies still pending."""

    script: Script = field(default=lambda _body: Reply.text("NON_DOCUMENTÉ"))
    models: tuple[str, ...] = (MODEL, "other-model")
    api_key: str = GOOD_KEY
    requests: list[Recorded] = field(default_factory=list)
    base_url: str = ""
    pending: int = 0  # chat replies started but not yet sent (a slow reply in progress)
    stopping: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reply_with(self, *replies: Reply | str) -> None:
        """Reply to successive chat requests in order (the last one repeats)."""
        queue = [Reply.text(r) if isinstance(r, str) else r for r in replies]

        def next_reply(_body: dict[str, Any]) -> Reply:
            return queue.pop(0) if len(queue) > 1 else queue[0]

        self.script = next_reply

    @property
    def chat_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def record(self, request: Recorded) -> None:
        with self._lock:
            self.requests.append(request)


def _user_message(body: dict[str, Any]) -> str:
    return str(next(m["content"] for m in body["messages"] if m["role"] == "user"))


def question_of(body: dict[str, Any]) -> str:
    """The question a chat request asks the model to answer."""
    return _user_message(body).rsplit("\n\nQuestion : ", 1)[1].strip()


def passages_of(body: dict[str, Any]) -> dict[int, str]:
    """The numbered passages ``[n] …`` of a chat request's user message."""
    extracts = _user_message(body).split("\n\n", 1)[1].rsplit("\n\nQuestion : ", 1)[0]
    blocks = re.split(r"\n\n(?=\[\d+\] )", extracts)
    passages = {}
    for block in blocks:
        match = re.match(r"\[(\d+)\] (.*)", block, re.DOTALL)
        if match:
            passages[int(match.group(1))] = match.group(2)
    return passages


def passage_number(body: dict[str, Any], *needles: str) -> int:
    """The number of the first passage shown to the model that contains every needle."""
    for number, text in passages_of(body).items():
        if all(needle in text for needle in needles):
            return number
    raise AssertionError(f"no passage contains {needles}")


def _completion(content: str, finish_reason: str, model: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }


def _handler(state: ScriptedLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _send(self, status: int, payload: Any, content_type: str = "application/json") -> None:
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, message: str) -> None:
            self._send(status, {"error": {"message": message, "type": "invalid_request_error"}})

        def _authorised(self) -> bool:
            if self.headers.get("Authorization") == f"Bearer {state.api_key}":
                return True
            self._error(401, "Incorrect API key provided")
            return False

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            state.record(Recorded("GET", self.path, _lower(self.headers), None))
            if not self._authorised():
                return
            if self.path.rstrip("/") == "/v1/models":
                data = [
                    {"id": name, "object": "model", "owned_by": "test"} for name in state.models
                ]
                self._send(200, {"object": "list", "data": data})
            else:
                self._error(404, f"no route {self.path}")

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            state.record(Recorded("POST", self.path, _lower(self.headers), body))
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._error(404, f"no route {self.path}")
                return
            if not self._authorised():
                return
            if body.get("model") not in state.models:
                self._error(404, f"The model `{body.get('model')}` does not exist.")
                return
            reply = state.script(body)
            if reply.delay:
                state.pending += 1
                state.stopping.wait(reply.delay)
                state.pending -= 1
            if reply.drop:
                self.close_connection = True
                self.connection.shutdown(2)  # socket.SHUT_RDWR: no response at all
            elif reply.html:
                page = b"<!DOCTYPE html><html><body><h1>Sign in</h1></body></html>"
                self._send(200, page, "text/html; charset=utf-8")
            elif reply.status != 200:
                self._error(reply.status, f"scripted HTTP {reply.status}")
            else:
                self._send(200, _completion(reply.content, reply.finish_reason, body["model"]))

        def handle_one_request(self) -> None:
            try:
                super().handle_one_request()
            except (BrokenPipeError, ConnectionResetError, OSError):
                self.close_connection = True  # the client gave up (its timeout): fine

    return Handler


@contextmanager
def scripted_llm(**options: Any) -> Iterator[ScriptedLLM]:
    """A running server on 127.0.0.1 and a free port; stopped on exit."""
    state = ScriptedLLM(**options)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield state
    finally:
        state.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join()


def _lower(headers: Any) -> dict[str, str]:
    """Header names in lower case (HTTP names are case-insensitive)."""
    return {name.lower(): value for name, value in headers.items()}
