"""Passages (``Chunk``) for tests that need one without an index: a default for each field."""

from __future__ import annotations

from bot.index.records import Chunk


def passage(
    *sentences: str,
    id: str = "p1",
    path: str = "publications/rapport.pdf",
    title: str = "Rapport",
    kind: str = "publication",
    page: int | None = 1,
    section: str = "Section",
    position: int = 0,
) -> Chunk:
    """A passage whose text is ``sentences`` joined, each stored as one of its sentences."""
    return Chunk(
        id=id,
        path=path,
        title=title,
        kind=kind,
        page=page,
        section=section,
        text=" ".join(sentences),
        position=position,
        sentences=sentences,
    )
