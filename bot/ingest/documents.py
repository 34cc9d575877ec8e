"""What loaders produce: a document's text page by page, with its title and metadata."""

from __future__ import annotations

from dataclasses import dataclass, field


class DocumentError(Exception):
    """A knowledge file that cannot be indexed; the message says why, in plain words."""


@dataclass(frozen=True)
class PageText:
    """The text of one page (``number`` is ``None`` for documents without pages)."""

    number: int | None
    text: str


@dataclass(frozen=True)
class SourceDocument:
    """A loaded knowledge file, ready to chunk.

    ``path`` is relative to the knowledge folder (``publications/x.pdf``) and is
    the document's identity in the index; ``kind`` is ``publication``, ``note``
    or ``funding``.
    """

    path: str
    title: str
    kind: str
    pages: tuple[PageText, ...]
    metadata: dict[str, str] = field(default_factory=dict)
