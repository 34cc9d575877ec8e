"""Keep the bot token out of logs, whatever logs it (httpx URLs, exceptions, libraries)."""

from __future__ import annotations

import logging

_REDACTED = "<telegram-token>"


class TokenRedactor(logging.Filter):
    """Replace the token in a record's message and arguments before any handler sees it."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.token:
            return True
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, _REDACTED), None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if self.token in text:
                record.exc_text = text.replace(self.token, _REDACTED)
        return True


def protect_logs(token: str) -> None:
    """Quiet httpx (its INFO lines carry request URLs, hence the token) and redact the rest."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    redactor = TokenRedactor(token)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, TokenRedactor) and f.token == token for f in handler.filters):
            handler.addFilter(redactor)
