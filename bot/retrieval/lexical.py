"""French BM25 (Snowball stems, sparse numpy scoring) with acronyms canonicalised and word pairs.

Acronyms and their spelled-out forms are rewritten to one canonical term on both
sides (passages and questions), so "président de Cités Unies France" and
"président de CUF" index alike; adjacent word pairs reward phrases.

Scores are Lucene's BM25 as ``bm25s`` (``method="lucene"``) computed them, to the
last bit: idf = ln(1 + (N − df + 0.5) / (df + 0.5)) rounded to float32; a chunk's
length counts its terms with repeats; each (term, chunk) score is rounded to
float32, and a question's terms (repeats included) are added in float32 one after
the other. Only term frequencies are stored (:class:`bot.index.postings.Postings`):
a question's scores are computed from the columns of its terms.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Set
from pathlib import Path

import numpy as np

from bot import text
from bot.index.postings import Postings
from bot.index.records import Chunk
from bot.retrieval.aliases import AliasTable
from bot.text import stems

# BM25's saturation of repeated terms and normalisation by length (bm25s's defaults).
K1 = 1.5
B = 0.75


def aliases_fingerprint(aliases: AliasTable) -> str:
    """Changes whenever the analysis of a text may: other aliases, or other analysing code.

    Saved lexical files are tagged with it (``bot.index.writer.write_lexical``).
    """
    digest = hashlib.sha256(repr(aliases).encode())
    for module in (__file__, text.__file__):
        digest.update(Path(str(module)).read_bytes())
    return digest.hexdigest()[:16]


class LexicalIndex:
    """BM25 over the chunks' indexed text (document and section titles included)."""

    def __init__(
        self,
        chunks: list[Chunk],
        aliases: AliasTable,
        analysed: list[list[str]] | None = None,
        *,
        postings: Postings | None = None,
    ) -> None:
        """``analysed``: :meth:`analyze_chunk` of each chunk when already known;
        ``postings``: the chunks' term frequencies when saved (then nothing is analysed).
        """
        self._aliases = aliases
        if postings is None:
            corpus = analysed if analysed is not None else [self.analyze_chunk(c) for c in chunks]
            postings = Postings.of([chunk.id for chunk in chunks], corpus)
        self.postings = postings
        self._size = len(postings.chunk_ids)
        self._terms = dict(zip(postings.terms, range(len(postings.terms)), strict=True))
        self._starts = np.asarray(postings.starts)
        self._rows = np.asarray(postings.rows)  # memory-mapped when saved: read when asked
        self._counts = np.asarray(postings.counts)
        frequencies = np.diff(self._starts).astype(np.float64)  # chunks holding each term
        self._idf = np.log(1 + (self._size - frequencies + 0.5) / (frequencies + 0.5))
        self.unknown_term_idf = math.log(1 + (self._size + 0.5) / 0.5)
        lengths = np.asarray(postings.lengths, np.float64)
        average = lengths.mean() if self._size else 1.0
        # Each chunk's k1 · (1 − b + b · dl / avgdl), in bm25s's order of operations.
        self._norms = K1 * ((1 - B) + B * lengths / average)

    @property
    def vocabulary(self) -> Set[str]:
        """Every term of the corpus."""
        return self._terms.keys()

    def analyze_chunk(self, chunk: Chunk) -> list[str]:
        """The terms BM25 indexes for ``chunk`` (never empty)."""
        return self.analyze(chunk.indexed_text) or ["_"]

    def analyze(self, text: str) -> list[str]:
        """Stems of ``text`` (acronyms canonicalised) followed by adjacent stem pairs."""
        words = stems(self._aliases.canonicalize(text))
        pairs = [f"{first}_{second}" for first, second in zip(words, words[1:], strict=False)]
        return words + pairs

    def idf(self, term: str) -> float:
        """How rare ``term`` is in the corpus; unknown terms are the rarest of all."""
        index = self._terms.get(term)
        if index is None:
            return self.unknown_term_idf
        return float(self._idf[index])

    def coverage(self, query: str) -> np.ndarray:
        """The share of ``query``'s word rarity (idf, repeats counted) each chunk holds.

        Unlike BM25, a chunk's length does not dilute it: a long table holding the
        question's one rare word (« trésorier ») covers it as fully as a short sentence.
        """
        words = [term for term in self.analyze(query) if "_" not in term]
        covered = np.zeros(self._size, dtype=np.float32)
        total = sum(self.idf(term) for term in words)
        if not total:
            return covered
        for term in set(words):
            index = self._terms.get(term)
            if index is not None:
                covered[self._holders(index)] += self.idf(term) * words.count(term)
        return covered / np.float32(total)

    def all_scores(self, query: str) -> np.ndarray:
        """The BM25 score of every chunk, in chunk order (zeros when no term is known)."""
        scores = np.zeros(self._size, dtype=np.float32)
        for term in self.analyze(query):
            index = self._terms.get(term)
            if index is not None:
                rows, weights = self._column(index)
                scores[rows] += weights  # a chunk holds a term once: no repeated row
        return scores

    def _holders(self, index: int) -> np.ndarray:
        """The chunks holding term ``index``."""
        return self._rows[int(self._starts[index]) : int(self._starts[index + 1])]

    def _column(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """The chunks holding term ``index`` and the term's float32 score in each."""
        start, stop = int(self._starts[index]), int(self._starts[index + 1])
        rows = self._holders(index)
        frequencies = self._counts[start:stop].astype(np.float64)
        idf = float(np.float32(_lucene_idf(stop - start, self._size)))
        weights = idf * (frequencies / (self._norms[rows] + frequencies))
        return rows, weights.astype(np.float32)


def _lucene_idf(frequency: int, size: int) -> float:
    """Lucene's idf of a term held by ``frequency`` of ``size`` chunks (never negative)."""
    return math.log(1 + (size - frequency + 0.5) / (frequency + 0.5))
