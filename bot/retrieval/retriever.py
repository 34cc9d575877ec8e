"""Hybrid retrieval over one index generation.

Five signals are fused on standardised scores (z-scores over all passages):
E5 similarity of the question to each passage and to each passage's best
sentence, and French BM25, each computed on the question as asked and on the
question without the implicit subject (``CUF``), aliases expanded. Vectors are
stored in Chroma and searched exhaustively in memory: a CUF corpus is a few thousand
passages, where a full scan is both fast and better than an approximate index. The
scan reads int8 copies of the vectors (a quarter of the memory); the passages it
ranks first are then scored again on their float32 vectors.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.index.layout import models_dir
from bot.index.postings import Postings
from bot.index.quantised import ExactRows, QuantisedRows
from bot.index.reader import IndexReader
from bot.index.records import Chunk
from bot.retrieval.aliases import AliasTable
from bot.retrieval.embeddings import E5Embeddings, Embeddings
from bot.retrieval.lexical import LexicalIndex, aliases_fingerprint

logger = logging.getLogger(__name__)

# Weights of the ranking signals before any calibration (``python -m bot calibrate``
# learns them on the question bank's tuning half). Funding fiches summarise what
# publications and official pages say: on a tie, the primary source is the better citation.
DEFAULT_WEIGHTS = {
    "dense_asked": 0.5,
    "dense_subject": 0.5,
    "lexical_asked": 0.5,
    "lexical_subject": 1.0,
    "sentence_subject": 1.5,
    "summary": -1.0,
    "coverage": 1.0,
}
# Passages whose vector similarities are computed exactly (the first on the int8 scan),
# at least four times the passages asked for: the scan is within about 0.002 of them.
_EXACT = 64


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its fused score and the signals behind it."""

    chunk: Chunk
    score: float
    similarity: float  # best E5 cosine similarity of the question and the passage
    sentence_similarities: tuple[float, ...]  # per sentence of ``chunk.sentences``
    coverage: float = 0.0  # the share of the question's word rarity the passage holds
    row: int = -1  # the passage's place in ``Retriever.chunks`` (-1: not known)


@dataclass(frozen=True)
class _Query:
    asked: str
    subject: str  # without the implicit subject; equal to ``asked`` when nothing was dropped


class Retriever:
    """Searches one published index generation."""

    def __init__(
        self,
        chunks: list[Chunk],
        chunk_vectors: np.ndarray,
        sentence_vectors: np.ndarray,
        sentence_owner: np.ndarray,
        embeddings: Embeddings,
        aliases: AliasTable,
        generation: Path | None = None,
        weights: dict[str, float] | None = None,
        lexical: LexicalIndex | None = None,
        quantised: tuple[QuantisedRows, QuantisedRows] | None = None,
    ) -> None:
        self.chunks = chunks
        self.weights = weights or DEFAULT_WEIGHTS
        self.generation = generation
        self.aliases = aliases
        self.lexical = lexical if lexical is not None else LexicalIndex(chunks, aliases)
        if quantised is None or len(quantised[1].values) != len(sentence_vectors):
            quantised = (QuantisedRows.of(chunk_vectors), QuantisedRows.of(sentence_vectors))
        self._scanned_chunks, self._scanned_sentences = quantised
        self._exact_chunks = ExactRows(chunk_vectors)
        self._exact_sentences = ExactRows(sentence_vectors)
        # Each passage's sentences are consecutive rows (``Vectors`` keeps them in order).
        counts = np.bincount(np.asarray(sentence_owner, np.int64), minlength=len(chunks))
        self._sentence_stops = np.cumsum(counts)
        self._sentence_starts = self._sentence_stops - counts
        self.embeddings = embeddings
        self._is_summary = np.array([chunk.kind == "funding" for chunk in chunks], dtype=np.float32)

    @classmethod
    def open(
        cls,
        index_dir: Path,
        aliases: AliasTable,
        embeddings: Embeddings | None = None,
        weights: dict[str, float] | None = None,
    ) -> Retriever:
        """Open the published generation; raises ``IndexMissingError`` if none is readable.

        Vectors and BM25's term frequencies are memory-mapped from the generation's
        ``.npy`` files, so opening costs little whatever the corpus size; a generation
        written before they were saved is read from Chroma instead (BM25 is rebuilt).
        """
        with IndexReader.open(index_dir) as index:
            chunks = index.chunks()
            vectors = index.vectors()
            quantised = index.quantised_vectors()
            postings = index.lexical_postings(aliases_fingerprint(aliases))
        return cls(
            chunks,
            vectors.chunks,
            vectors.sentences,
            vectors.owners,
            embeddings or E5Embeddings(cache_dir=models_dir(index_dir)),
            aliases,
            index.generation,
            weights,
            lexical=_saved_lexical(postings, chunks, aliases),
            quantised=quantised,
        )

    def previous_passage(self, hit: Hit) -> Chunk | None:
        """The passage just before ``hit``'s in its document, if any.

        An index lists each document's passages in order, one after the other: the
        previous passage is the row before (a dictionary of every passage's place cost
        the first answer 84 ms at 66× the shipped knowledge).
        """
        if hit.row <= 0:
            return None
        before = self.chunks[hit.row - 1]
        same_document = before.path == hit.chunk.path
        return before if same_document and before.position == hit.chunk.position - 1 else None

    def signals(self, question: str, exact: int = _EXACT) -> dict[str, np.ndarray]:
        """Every passage's standardised signals for ``question`` (the features of ranking).

        The vector similarities come from the int8 scan, except for the ``exact``
        passages that rank first on them, whose similarities are then computed from
        the float32 vectors (and the signals standardised again).
        """
        query = _Query(
            asked=self.aliases.expand(question),
            subject=self.aliases.expand(self.aliases.without_implicit(question)),
        )
        asked_vector = np.asarray(self.embeddings.embed_query(query.asked), dtype=np.float32)
        subject_vector = (
            asked_vector
            if query.subject == query.asked
            else np.asarray(self.embeddings.embed_query(query.subject), dtype=np.float32)
        )
        questions = np.stack([asked_vector, subject_vector], axis=1)
        dense = self._scanned_chunks.products(questions)
        sentence_similarity = self._scanned_sentences.products(subject_vector)
        best_sentence = self._best_sentences(sentence_similarity)
        raw = {
            "dense_asked": dense[:, 0],
            "dense_subject": dense[:, 1],
            "lexical_asked": self.lexical.all_scores(query.asked),
            "lexical_subject": self.lexical.all_scores(query.subject),
            "sentence_subject": best_sentence,
        }
        coverage = self.lexical.coverage(question)
        first = np.argsort(-self._fused(self._standardised(raw, coverage)))[:exact]
        dense[first] = self._exact_chunks.take(first, first + 1) @ questions
        starts, stops = self._sentence_starts[first], self._sentence_stops[first]
        exact_sentences = self._exact_sentences.take(starts, stops) @ subject_vector
        sentence_similarity[_ranges(starts, stops)] = exact_sentences
        best_sentence[first] = _segment_maxima(exact_sentences, stops - starts)
        signals = self._standardised(raw, coverage)
        # Not ranking features: what hits report about themselves.
        signals["_similarity"] = np.maximum(dense.max(axis=1), best_sentence)
        signals["_sentence_similarity"] = sentence_similarity
        return signals

    def _best_sentences(self, sentence_similarity: np.ndarray) -> np.ndarray:
        """Each passage's best sentence similarity (-1 for a passage without sentences)."""
        return _segment_maxima(sentence_similarity, self._sentence_stops - self._sentence_starts)

    def _standardised(
        self, raw: dict[str, np.ndarray], coverage: np.ndarray
    ) -> dict[str, np.ndarray]:
        """The scores standardised within the question; kinds and shares kept as they are."""
        signals = {name: _standardise(values) for name, values in raw.items()}
        signals["summary"] = self._is_summary
        signals["coverage"] = coverage
        return signals

    def _fused(self, signals: dict[str, np.ndarray]) -> np.ndarray:
        fused = sum(weight * signals[name] for name, weight in self.weights.items())
        assert isinstance(fused, np.ndarray)
        return fused

    def search(self, question: str, k: int = 8) -> list[Hit]:
        """The ``k`` best passages for ``question``, best first."""
        if not self.chunks:
            return []
        signals = self.signals(question, exact=max(_EXACT, 4 * k))
        fused = self._fused(signals)
        best = np.argsort(-fused)[:k].tolist()
        sentence_similarity = signals["_sentence_similarity"]
        return [
            Hit(
                row=index,
                chunk=self.chunks[index],
                score=float(fused[index]),
                similarity=float(signals["_similarity"][index]),
                coverage=float(signals["coverage"][index]),
                sentence_similarities=tuple(
                    float(value)
                    for value in sentence_similarity[
                        self._sentence_starts[index] : self._sentence_stops[index]
                    ]
                ),
            )
            for index in best
        ]


def _ranges(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """The integers of every ``range(starts[i], stops[i])``, concatenated."""
    lengths = stops - starts
    shifts = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return np.arange(int(lengths.sum()), dtype=np.int64) + shifts


def _segment_maxima(values: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The maximum of each run of ``lengths[i]`` consecutive ``values`` (-1 for an empty run)."""
    maxima = np.full(len(lengths), -1.0, dtype=np.float32)
    filled = lengths > 0
    if filled.any():
        starts = (np.cumsum(lengths) - lengths)[filled]
        maxima[filled] = np.maximum.reduceat(values, starts)
    return maxima


def _standardise(values: np.ndarray) -> np.ndarray:
    spread = float(values.std())
    return (values - values.mean()) / spread if spread > 0 else np.zeros_like(values)


def _saved_lexical(
    saved: Postings | None, chunks: list[Chunk], aliases: AliasTable
) -> LexicalIndex | None:
    """BM25 over the saved term frequencies if they cover exactly ``chunks``, else ``None``."""
    if saved is None or saved.chunk_ids != [chunk.id for chunk in chunks]:
        return None
    return LexicalIndex(chunks, aliases, postings=saved)
