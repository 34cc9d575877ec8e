"""A generation's Chroma collections, opened for one block and closed after it.

Chroma keeps its SQLite database and segment files open as long as its client
lives; a client left open on a generation that a later ingest deletes holds
descriptors on deleted files for the life of the process. Every use here is a
``with`` block that closes the client.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.index.layout import CHROMA_DIR, CHUNK_COLLECTION, SENTENCE_COLLECTION
from bot.index.records import DIMENSION, Chunk, Vectors

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection


@dataclass(frozen=True)
class Collections:
    """A generation's two Chroma collections: whole passages, and their sentences."""

    chunks: Collection
    sentences: Collection


@contextmanager
def open_collections(generation: Path) -> Iterator[Collections]:
    """The generation's Chroma collections (embedded, persistent, cosine distance)."""
    import chromadb  # heavy: only the ingest and old generations need it

    client = chromadb.PersistentClient(
        path=str(generation / CHROMA_DIR),
        settings=chromadb.Settings(anonymized_telemetry=False, allow_reset=False),
    )

    def collection(name: str) -> Collection:
        return client.get_or_create_collection(
            name, embedding_function=None, metadata={"hnsw:space": "cosine"}
        )

    try:
        yield Collections(collection(CHUNK_COLLECTION), collection(SENTENCE_COLLECTION))
    finally:
        client.close()  # type: ignore[attr-defined]  # (Client has it, ClientAPI does not)


def vectors_from_chroma(collections: Collections, chunks: list[Chunk]) -> Vectors:
    """The vectors of ``chunks`` copied out of a generation's Chroma collections."""
    if not chunks:
        return Vectors.empty()
    position = {chunk.id: index for index, chunk in enumerate(chunks)}
    chunk_vectors = np.zeros((len(chunks), DIMENSION), dtype=np.float32)
    ids, vectors = _all_vectors(collections.chunks)
    for chunk_id, vector in zip(ids, vectors, strict=True):
        if chunk_id in position:
            chunk_vectors[position[chunk_id]] = vector
    ids, vectors = _all_vectors(collections.sentences)
    keys = [(position.get(chunk_id, -1), int(n)) for chunk_id, n in (i.rsplit(":", 1) for i in ids)]
    order = sorted((key, row) for row, key in enumerate(keys) if key[0] >= 0)
    rows = [row for _, row in order]
    return Vectors(
        chunk_vectors,
        vectors[rows] if rows else np.zeros((0, DIMENSION), np.float32),
        np.array([key[0] for key, _ in order], dtype=np.int64),
    )


def _all_vectors(collection: Collection) -> tuple[list[str], np.ndarray]:
    result = collection.get(include=["embeddings"])
    vectors = result["embeddings"]
    if vectors is None or len(vectors) == 0:
        return [], np.zeros((0, DIMENSION), dtype=np.float32)
    return list(result["ids"]), np.asarray(vectors, dtype=np.float32)
