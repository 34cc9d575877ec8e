"""The operational log: one INFO line per reply, without the question or the chat id.

``reply chat=3f9a1c2e7b kind=documents answered latency_ms=412``
``reply chat=3f9a1c2e7b kind=documents refused reason=not in the documents latency_ms=95``

Chats are shown as a keyed hash (HMAC-SHA256, cut to 10 hex digits): the same chat
always gets the same hash, so a conversation can be followed in the log, but the
hash cannot be turned back into a Telegram id without the key. The question's
text is only ever logged at DEBUG.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets

from telegram import Update

from bot.ops import metrics

logger = logging.getLogger(__name__)

_key = secrets.token_bytes(32)


def set_hash_key(key: bytes) -> None:
    """Use a stable key (derived from the bot's secret) so hashes survive restarts."""
    global _key
    _key = hashlib.sha256(b"cuf-chat-hash:" + key).digest()


def chat_hash(chat_id: int | str) -> str:
    """A short keyed hash of a chat (or user) id."""
    return hmac.new(_key, str(chat_id).encode(), hashlib.sha256).hexdigest()[:10]


def log_reply(update: Update, kind: str, outcome: str, reason: str | None, seconds: float) -> None:
    """``outcome`` is ``answered`` or ``refused``; ``reason`` says why it was refused.

    The same reply is counted in the metrics (``/metrics``).
    """
    metrics.record_reply(kind, outcome, reason, seconds)
    chat = update.effective_chat
    user = update.effective_user
    who = chat.id if chat is not None else (user.id if user is not None else "?")
    why = f" reason={reason}" if reason else ""
    logger.info(
        "reply chat=%s kind=%s %s%s latency_ms=%d",
        chat_hash(who),
        kind,
        outcome,
        why,
        round(seconds * 1000),
    )
