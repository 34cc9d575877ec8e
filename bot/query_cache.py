"""Question vectors remembered across runs, for evaluations that replay the same questions."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from bot.retrieval.embeddings import Embeddings

logger = logging.getLogger(__name__)


class CachedQueryEmbeddings:
    """Wraps an embedding model; query vectors are kept in a JSON file between runs."""

    def __init__(self, inner: Embeddings, path: Path) -> None:
        self._inner = inner
        self._path = path
        self._vectors: dict[str, list[float]] = {}
        if path.exists():
            try:
                self._vectors = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                logger.warning("Ignoring an unreadable query cache: %s", path)
        self._dirty = False

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        if text not in self._vectors:
            self._vectors[text] = self._inner.embed_query(text)
            self._dirty = True
        return self._vectors[text]

    def save(self) -> None:
        """Write the cache (atomically) if it learnt new vectors."""
        if not self._dirty:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self._vectors), encoding="utf-8")
        temporary.replace(self._path)
        self._dirty = False
