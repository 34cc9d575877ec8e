"""JSON logs (``CUF_LOG_FORMAT=json``): one object per line, for a log collector.

Each line has ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message`` and,
when an exception is logged, ``exception``. Filters run before formatting, so
the token redaction of ``bot/telegram/logs.py`` applies to JSON lines too.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


def formatter_for(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


def use_format(log_format: str) -> None:
    """Give every handler of the root logger the chosen format."""
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter_for(log_format))
