"""The plain data types every front end renders: an answer and its sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from bot.understanding.question import Question


@dataclass(frozen=True)
class Source:
    """Where a statement comes from: a document (and page) the assistant actually read."""

    title: str
    file: str
    page: int | None = None
    excerpt: str = ""
    url: str | None = None

    def label(self) -> str:
        """Short human label, e.g. ``Rapport d'activités 2023, p. 12``."""
        return f"{self.title}, p. {self.page}" if self.page else self.title

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "file": self.file,
            "page": self.page,
            "excerpt": self.excerpt,
            "url": self.url,
        }


@dataclass(frozen=True)
class Answer:
    """What the assistant says; ``answered`` is false when the documents do not say."""

    text: str
    answered: bool
    sources: tuple[Source, ...] = ()
    kind: str = "documents"  # documents | funding | agenda | abstain
    attachments: tuple[Attachment, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.text,
            "answered": self.answered,
            "kind": self.kind,
            "sources": [source.to_dict() for source in self.sources],
        }


@dataclass(frozen=True)
class Attachment:
    """A file to hand back with an answer (e.g. an ``.ics`` to add to one's calendar)."""

    filename: str
    content: bytes
    mime_type: str = "text/calendar"


class Responder(Protocol):
    """A specialised answerer (funding, agenda) tried before document retrieval."""

    def try_answer(self, question: Question, now: datetime) -> Answer | None:
        """Return an answer when the question is for this responder, else ``None``."""
        ...
