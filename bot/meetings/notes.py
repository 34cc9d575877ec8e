"""Meeting notes (``knowledge/notes/*.md``) attached to the meeting they report on.

A note says which meeting it belongs to in its front matter (``title``, ``date``,
``group``); it attaches to the occurrence of that group on that calendar day.
The question-answering index reads the same files on its own (ingest).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from bot.ingest.documents import DocumentError
from bot.ingest.frontmatter import split_front_matter
from bot.meetings.groups import GroupDirectory
from bot.meetings.sources import CalendarError

logger = logging.getLogger(__name__)

NOTE_SUFFIXES = (".md", ".markdown", ".txt")


@dataclass(frozen=True)
class MeetingNote:
    """A note about one meeting of one group."""

    title: str
    date: date
    group: str
    path: Path


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def load_notes(
    directory: Path, groups: GroupDirectory
) -> tuple[list[MeetingNote], list[CalendarError]]:
    """Notes that name a known group and a date; others are skipped (reported when wrong)."""
    notes: list[MeetingNote] = []
    errors: list[CalendarError] = []
    if not directory.is_dir():
        return notes, errors
    for path in sorted(directory.rglob("*")):
        if path.suffix.lower() not in NOTE_SUFFIXES or not path.is_file():
            continue
        try:
            meta, _body = split_front_matter(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, DocumentError) as error:
            errors.append(CalendarError(path.name, f"note skipped: {error}"))
            continue
        except Exception as error:  # any other problem of this one note: skip it, name it
            reason = f"{type(error).__name__}: {error}"
            errors.append(CalendarError(path.name, f"note skipped: {reason}"))
            continue
        if "group" not in meta:
            continue  # a general note, not about a meeting
        group = groups.resolve(str(meta["group"]))
        when = _as_date(meta.get("date"))
        if group is None or when is None:
            reason = "unknown group" if group is None else "missing or invalid date"
            errors.append(CalendarError(path.name, f"note not attached: {reason}"))
            continue
        notes.append(MeetingNote(str(meta.get("title") or path.stem), when, group.id, path))
    for problem in errors:
        logger.warning("meeting note problem: %s", problem)
    return notes, errors
