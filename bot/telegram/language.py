"""Which language the bot's own texts use for one update.

The question's language first (when the message says enough to tell), then the
user's Telegram ``language_code``, then French.
"""

from __future__ import annotations

import re

from telegram import Update, User

from bot.language import detect_language

# Enough to call a message French even when it is short (« Bonjour », « merci »).
_FRENCH_HINT = re.compile(
    r"[éèêàçùœâîôû]|\b(?:bonjour|bonsoir|merci|salut|le|la|les|des|du|est|sont|quoi|quand|"
    r"comment|pourquoi|quel|quelle|je|vous|nous|une|pour|avec|svp|oui|non)\b",
    re.IGNORECASE,
)


def _from_code(user: User | None) -> str:
    code = (user.language_code or "") if user is not None else ""
    return "en" if code.lower().startswith("en") else "fr"


def language_of(text: str | None, user: User | None) -> str:
    """``"en"`` or ``"fr"`` for a reply to ``text`` written by ``user``."""
    if text and text.strip():
        if detect_language(text) == "en":
            return "en"
        if _FRENCH_HINT.search(text):
            return "fr"
    return _from_code(user)


def update_language(update: Update) -> str:
    """The language for replying to this update (message text, else ``language_code``)."""
    message = update.effective_message
    text = None
    if message is not None and update.callback_query is None:
        text = message.text or message.caption
        if text and text.startswith("/"):
            text = None  # a command says nothing about the language
    return language_of(text, update.effective_user)
