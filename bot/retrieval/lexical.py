"""French BM25 (``bm25s`` + Snowball stems) with acronym canonicalisation and word pairs.

Acronyms and their spelled-out forms are rewritten to one canonical term on both
sides (passages and questions), so "président de Cités Unies France" and
"président de CUF" index alike; adjacent word pairs reward phrases.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Set
from pathlib import Path

import bm25s
import numpy as np

from bot import text
from bot.index.records import Chunk
from bot.retrieval.aliases import AliasTable
from bot.text import stems

# bm25s sets its own logger to DEBUG when imported, which prints index-building
# chatter on every start; restore the default threshold.
logging.getLogger("bm25s").setLevel(logging.WARNING)


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
        self, chunks: list[Chunk], aliases: AliasTable, analysed: list[list[str]] | None = None
    ) -> None:
        """``analysed``: :meth:`analyze_chunk` of each chunk when already known (saved)."""
        self._aliases = aliases
        corpus = analysed if analysed is not None else [self.analyze_chunk(c) for c in chunks]
        self._size = len(chunks)
        self._bm25 = bm25s.BM25()
        self._terms: dict[str, int] = {}
        # How many chunks hold each term, by term id: the columns of BM25's score matrix
        # (a term scores above zero in every chunk holding it, whatever its frequency).
        frequencies = np.zeros(0, dtype=np.float64)
        if chunks:
            self._bm25.index(corpus, show_progress=False)
            self._terms = self._bm25.vocab_dict  # one term table, shared with BM25
            frequencies = np.diff(np.asarray(self._bm25.scores["indptr"])).astype(np.float64)
        self._idf = np.log(1 + (self._size - frequencies + 0.5) / (frequencies + 0.5))
        self.unknown_term_idf = math.log(1 + (self._size + 0.5) / 0.5)

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
        if index is None or index >= len(self._idf):
            return self.unknown_term_idf
        return float(self._idf[index])

    def all_scores(self, query: str) -> np.ndarray:
        """The BM25 score of every chunk, in chunk order (zeros when no term is known)."""
        terms = [term for term in self.analyze(query) if term in self._terms]
        if not terms:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(terms), dtype=np.float32)
