"""What an index generation stores: passages (with their sentences) and their vectors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

DIMENSION = 384
# Bump when the fields of a stored record change (part of the index's format key).
RECORD_VERSION = "chunk-v5"


class RecordError(ValueError):
    """A stored record this version cannot read (written by an older one)."""


@dataclass(frozen=True)
class Chunk:
    """A passage of a document, the unit that is retrieved and cited.

    ``sentences`` are the passage's sentences as the ingest split them; the
    sentence vectors of the index were computed from exactly these, one each, in
    this order, so reading never splits a passage again.
    """

    id: str
    path: str
    title: str
    kind: str
    page: int | None
    section: str
    text: str
    position: int
    sentences: tuple[str, ...] = ()

    @property
    def indexed_text(self) -> str:
        """What search engines see: the passage under its document and section titles."""
        heading = f"{self.title} — {self.section}" if self.section else self.title
        return f"{heading}\n{self.text}"

    def sentence_texts(self) -> list[str]:
        """What the sentence index sees: each sentence under its section title."""
        prefix = f"{self.section}: " if self.section else ""
        return [prefix + sentence for sentence in self.sentences]

    def metadata(self) -> dict[str, str | int]:
        """Flat metadata for Chroma (no ``None`` values allowed there)."""
        return {
            "path": self.path,
            "title": self.title,
            "kind": self.kind,
            "page": self.page or 0,
            "section": self.section,
            "position": self.position,
        }

    def to_json(self) -> dict[str, Any]:
        # Field by field: ``dataclasses.asdict`` deep-copies, several times slower.
        return {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "kind": self.kind,
            "page": self.page,
            "section": self.section,
            "text": self.text,
            "position": self.position,
            "sentences": list(self.sentences),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Chunk:
        """A stored chunk; raises :class:`RecordError` if it has no stored sentences."""
        if "sentences" not in data:
            raise RecordError("chunk stored without its sentences (older index format)")
        return cls(**{**data, "sentences": tuple(data["sentences"])})


@dataclass(frozen=True)
class Vectors:
    """A generation's vectors in ``chunks.jsonl`` order.

    ``sentences`` lists every chunk's sentences in order, chunk after chunk;
    ``owners[i]`` is the position of the chunk sentence ``i`` belongs to.
    """

    chunks: np.ndarray
    sentences: np.ndarray
    owners: np.ndarray

    @classmethod
    def empty(cls) -> Vectors:
        return cls(
            np.zeros((0, DIMENSION), np.float32),
            np.zeros((0, DIMENSION), np.float32),
            np.zeros(0, np.int64),
        )

    def pair_with(self, chunks: list[Chunk]) -> bool:
        """True when there is one vector per chunk and one per stored sentence of each."""
        if len(self.chunks) != len(chunks) or len(self.sentences) != len(self.owners):
            return False
        counts = np.bincount(np.asarray(self.owners, np.int64), minlength=len(chunks))
        return len(counts) == len(chunks) and all(
            int(count) == len(chunk.sentences) for count, chunk in zip(counts, chunks, strict=True)
        )
