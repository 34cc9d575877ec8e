"""Play Telegram users against the emulator's client API (``tests/e2e/emulator/launch.js``).

A :class:`Chat` sends messages, commands and button presses as one user in one
chat, and collects what the bot sent to that chat (new and edited messages).
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from telegram.ext import Application

#: How long a test waits for the bot before failing with what it has seen so far.
REPLY_TIMEOUT_SECONDS = 30.0
_POLL_SECONDS = 0.05
_IDLE_CHECKS = 3  # consecutive polls that must find the bot idle

# The bots running in this process (``tests/e2e/conftest.running_bot`` registers them).
_running: list[Application[Any, Any, Any, Any, Any, Any]] = []


@contextmanager
def watching(application: Application[Any, Any, Any, Any, Any, Any]) -> Iterator[None]:
    """Let :meth:`Chat.silence` ask ``application`` whether it still has work."""
    _running.append(application)
    try:
        yield
    finally:
        _running.remove(application)


def _has_work(application: Application[Any, Any, Any, Any, Any, Any]) -> bool:
    """Updates queued or being handled, or a job (a reminder) due and not yet run."""
    if not application.update_queue.empty():
        return True
    if application.update_processor.current_concurrent_updates:
        return True
    jobs = application.job_queue.jobs() if application.job_queue is not None else ()
    now = datetime.now(UTC)
    return any(job.next_t is not None and job.next_t <= now for job in jobs)


@dataclass
class BotMessage:
    """One message the bot sent (its latest version when it was edited)."""

    message_id: int
    chat_id: int
    text: str
    parse_mode: str | None
    buttons: list[list[tuple[str, str]]]
    document_name: str | None = None
    document: bytes | None = None
    edited: bool = False

    @classmethod
    def from_stored(cls, stored: dict[str, Any]) -> BotMessage:
        message = stored["message"]
        markup = message.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
        document = message.get("document") or {}
        content = message.get("document_content")
        return cls(
            message_id=int(stored["messageId"]),
            chat_id=int(message["chat_id"]),
            text=message.get("text") or message.get("caption") or "",
            parse_mode=message.get("parse_mode"),
            buttons=[
                [(button["text"], button.get("callback_data", "")) for button in row]
                for row in rows
            ],
            document_name=document.get("file_name"),
            document=base64.b64decode(content) if content else None,
            edited=bool(stored.get("edited")),
        )

    def button(self, label: str) -> str:
        """The callback data of the first button whose label contains ``label``."""
        for row in self.buttons:
            for text, data in row:
                if label in text:
                    return data
        raise AssertionError(f"no button {label!r} in {self.buttons}")

    @property
    def labels(self) -> list[str]:
        return [text for row in self.buttons for text, _ in row]


class Emulator:
    """The emulator's address, one bot token, and an HTTP client for the user side."""

    def __init__(self, base_url: str, token: str, client: httpx.AsyncClient) -> None:
        self.base_url = base_url
        self.token = token
        self.client = client
        self._ids = itertools.count(1)

    @property
    def bot_api_url(self) -> str:
        """What python-telegram-bot gets as ``base_url``."""
        return f"{self.base_url}/bot"

    async def post(self, path: str, payload: dict[str, Any]) -> Any:
        response = await self.client.post(f"{self.base_url}{path}", json=payload)
        response.raise_for_status()
        body = response.json()
        assert body.get("ok", True), body
        return body.get("result")

    def chat(
        self,
        user_id: int,
        *,
        chat_id: int | None = None,
        group: str | None = None,
        language_code: str | None = None,
    ) -> Chat:
        """User ``user_id`` in their private chat, or in the group chat ``chat_id``."""
        chat = chat_id if chat_id is not None else user_id
        return Chat(self, user_id, chat, group, language_code=language_code)

    async def pending_updates(self) -> int:
        """Updates sent to the bot that it has not taken yet (``getWebhookInfo``)."""
        response = await self.client.get(f"{self.bot_api_url}{self.token}/getWebhookInfo")
        response.raise_for_status()
        return int(response.json()["result"]["pending_update_count"])

    async def inject_fault(self, method: str, status: int | str, **extra: Any) -> None:
        """Make the next call(s) of a Bot API method fail (429, 500, ``"disconnect"``)."""
        await self.post("/_test/fault", {"method": method, "status": status, **extra})

    async def callback_answers(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self.post(
            "/_test/callbackAnswers", {"token": self.token}
        )
        return result

    async def commands(self, language_code: str | None = None) -> list[dict[str, Any]]:
        payload: dict[str, Any] = {"token": self.token}
        if language_code:
            payload["language_code"] = language_code
        result: list[dict[str, Any]] = await self.post("/_test/commands", payload)
        return result

    async def sent_texts(self) -> list[tuple[int, str]]:
        """Every message the bot sent so far, in every chat: ``(chat_id, text)``."""
        history = await self.post("/getUpdatesHistory", {"token": self.token})
        return [
            (int(item["message"]["chat_id"]), str(item["message"].get("text", "")))
            for item in history or []
            if "message" in item
        ]

    async def chat_actions(self) -> list[dict[str, Any]]:
        """The sendChatAction calls made (« typing… »): ``chat_id``, ``action``, ``at`` (ms)."""
        result: list[dict[str, Any]] = await self.post("/_test/chatActions", {"token": self.token})
        return result


@dataclass
class Chat:
    """One user in one chat, as seen through the emulator."""

    emulator: Emulator
    user_id: int
    chat_id: int
    group: str | None = None
    language_code: str | None = None
    seen: dict[int, BotMessage] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)

    def _common(self) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": self.user_id,
            "is_bot": False,
            "first_name": f"Élu {self.user_id}",
        }
        if self.language_code:
            user["language_code"] = self.language_code
        chat: dict[str, Any]
        if self.group:
            chat = {"id": self.chat_id, "type": "group", "title": self.group}
        else:
            chat = {"id": self.chat_id, "type": "private", "first_name": user["first_name"]}
        return {"botToken": self.emulator.token, "from": user, "chat": chat, "date": 1_700_000_000}

    async def say(self, text: str, *, reply_to: BotMessage | None = None) -> None:
        """Send a plain text message."""
        payload = {**self._common(), "text": text}
        entities = [
            {"type": "mention", "offset": offset, "length": len("@TestNameBot")}
            for offset in _find_all(text, "@TestNameBot")
        ]
        if entities:
            payload["entities"] = entities
        if reply_to is not None:
            payload["reply_to_message"] = {
                "message_id": reply_to.message_id,
                "date": 1_700_000_000,
                "chat": payload["chat"],
                "from": {"id": 666, "is_bot": True, "first_name": "CUF Test Bot"},
                "text": reply_to.text,
            }
        await self.emulator.post("/sendMessage", payload)

    async def edit(self, message_id: int, text: str) -> None:
        """Edit one of the user's earlier messages (an ``edited_message`` update)."""
        payload = {
            **self._common(),
            "text": text,
            "message_id": message_id,
            "edit_date": 1_700_000_100,
        }
        await self.emulator.post("/sendMessage", payload)

    async def send_media(self, kind: str) -> None:
        """Send a voice note, a sticker, a photo or a document (no text)."""
        media: dict[str, Any] = {
            "voice": {"file_id": "voice-1", "file_unique_id": "v1", "duration": 3},
            "sticker": {
                "file_id": "sticker-1",
                "file_unique_id": "s1",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            },
            "photo": [{"file_id": "photo-1", "file_unique_id": "p1", "width": 90, "height": 90}],
            "document": {"file_id": "doc-1", "file_unique_id": "d1", "file_name": "cr.docx"},
        }
        await self.emulator.post("/sendMessage", {**self._common(), kind: media[kind]})

    async def send_document(self, file_name: str, content: bytes) -> None:
        """Send a file (its bytes are then served to the bot by getFile and a download)."""
        file_id = f"upload-{next(self.emulator._ids)}-{file_name}"
        encoded = base64.b64encode(content).decode()
        await self.emulator.post("/_test/file", {"file_id": file_id, "content": encoded})
        document = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": file_name,
            "file_size": len(content),
        }
        await self.emulator.post("/sendMessage", {**self._common(), "document": document})

    async def command(self, text: str) -> None:
        """Send a command such as ``/start`` or ``/suivre mali``."""
        command = text.split(" ", 1)[0]
        payload = {
            **self._common(),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
        }
        await self.emulator.post("/sendCommand", payload)

    async def press(self, message: BotMessage, label: str) -> None:
        """Press the inline button whose label contains ``label`` under ``message``."""
        data = message.button(label)
        common = self._common()
        payload = {
            "botToken": self.emulator.token,
            "from": common["from"],
            "data": data,
            "message": {"message_id": message.message_id, "chat": common["chat"]},
        }
        await self.emulator.post("/sendCallback", payload)

    async def press_data(self, message_id: int, data: str) -> None:
        """Send a callback with arbitrary data (as a forged or stale button would)."""
        common = self._common()
        payload = {
            "botToken": self.emulator.token,
            "from": common["from"],
            "data": data,
            "message": {"message_id": message_id, "chat": common["chat"]},
        }
        await self.emulator.post("/sendCallback", payload)

    async def _fetch(self) -> list[BotMessage]:
        stored = await self.emulator.post(
            "/getUpdates", {"token": self.emulator.token, "chatId": self.chat_id}
        )
        fresh = []
        for item in stored or []:
            message = BotMessage.from_stored(item)
            if message.message_id not in self.seen:
                self.order.append(message.message_id)
            self.seen[message.message_id] = message
            fresh.append(message)
        return fresh

    async def replies(
        self, count: int = 1, timeout: float = REPLY_TIMEOUT_SECONDS
    ) -> list[BotMessage]:
        """Wait for ``count`` new (or edited) messages from the bot in this chat."""
        received: list[BotMessage] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(received) < count:
            received.extend(await self._fetch())
            if len(received) >= count:
                break
            if loop.time() > deadline:
                raise AssertionError(
                    f"chat {self.chat_id}: expected {count} bot message(s), got "
                    f"{[m.text[:80] for m in received]}"
                )
            await asyncio.sleep(_POLL_SECONDS)
        return received

    async def reply(self, timeout: float = REPLY_TIMEOUT_SECONDS) -> BotMessage:
        """Wait for exactly one new (or edited) message from the bot."""
        (message,) = await self.replies(1, timeout)
        return message

    async def silence(self, timeout: float = REPLY_TIMEOUT_SECONDS) -> list[BotMessage]:
        """What the bot sent by the time it has nothing left to do (expected: nothing).

        Idle means: the emulator holds no update the bot has not taken, and no running
        bot has an update queued or being handled or a job due, on several polls in a
        row. No fixed delay: a slow machine waits longer, a fast one not at all.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        idle_checks = 0
        while idle_checks < _IDLE_CHECKS:
            await asyncio.sleep(_POLL_SECONDS)
            busy = await self.emulator.pending_updates() or any(map(_has_work, _running))
            idle_checks = 0 if busy else idle_checks + 1
            if loop.time() > deadline:
                raise AssertionError(f"chat {self.chat_id}: the bot never became idle")
        return await self._fetch()


def _find_all(text: str, needle: str) -> list[int]:
    offsets, start = [], text.find(needle)
    while start != -1:
        offsets.append(start)
        start = text.find(needle, start + 1)
    return offsets
