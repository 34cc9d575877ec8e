"""How often each term occurs in each chunk: BM25's input, stored by term.

A :class:`Postings` is a sparse chunk × term matrix of term frequencies in
column (term-major) layout: the postings of term ``t`` are
``rows[starts[t]:starts[t + 1]]`` (the chunks holding it) and the same slice of
``counts`` (how often it occurs there). Frequencies, not scores, are stored, so
that chunks added or removed elsewhere (which change BM25's idf and average
length) never make an unchanged chunk's row stale: a new generation re-uses the
previous one's rows and only adds those of new chunks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

# The arrays of a saved ``Postings``, each a ``.npy`` of that name.
ARRAY_NAMES = ("lengths", "starts", "rows", "counts")


@dataclass(frozen=True)
class Postings:
    """Term frequencies of every chunk, by term (see the module's docstring)."""

    terms: list[str]  # term id → term; every term occurs in at least one chunk
    chunk_ids: list[str]  # row → chunk id
    lengths: np.ndarray  # row → number of terms of the chunk, repeats counted (int32)
    starts: np.ndarray  # term id → first posting; one more entry at the end (int64)
    rows: np.ndarray  # posting → the row of a chunk holding the term (int32)
    counts: np.ndarray  # posting → how often the term occurs in that chunk (int32)

    def consistent(self) -> bool:
        """Whether the arrays fit together (cheap: reads no posting)."""
        return (
            len(self.lengths) == len(self.chunk_ids)
            and len(self.starts) == len(self.terms) + 1
            and int(self.starts[0]) == 0
            and int(self.starts[-1]) == len(self.rows) == len(self.counts)
        )

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in ARRAY_NAMES}

    @classmethod
    def of(
        cls,
        chunk_ids: Sequence[str],
        terms: Sequence[Sequence[str] | None],
        previous: Postings | None = None,
    ) -> Postings:
        """The postings of ``chunk_ids``, whose terms are ``terms[i]``.

        ``terms[i] is None``: chunk ``i``'s row is the one ``previous`` holds for the
        same chunk id (``KeyError`` if it holds none), re-used without its terms.
        """
        vocabulary = {} if previous is None else {term: i for i, term in enumerate(previous.terms)}
        lengths = np.zeros(len(chunk_ids), np.int32)
        parts = [_fresh(terms, vocabulary, lengths)]
        reused = [index for index, analysed in enumerate(terms) if analysed is None]
        if reused:
            if previous is None:
                raise KeyError("a chunk given without its terms, and no previous postings")
            old_rows = previous.row_numbers([chunk_ids[index] for index in reused])
            parts.insert(0, _moved(previous, old_rows, np.array(reused, np.int64)))
            lengths[reused] = previous.lengths[old_rows]
        term_ids, rows, counts = (np.concatenate(column) for column in zip(*parts, strict=True))
        # Each part is in term order already: the stable sort only merges them.
        order = np.argsort(term_ids, kind="stable")
        used_terms, starts = _columns(list(vocabulary), term_ids[order])
        return cls(
            used_terms,
            list(chunk_ids),
            lengths,
            starts,
            rows[order].astype(np.int32),
            counts[order].astype(np.int32),
        )

    def row_numbers(self, chunk_ids: Iterable[str]) -> np.ndarray:
        """The rows of ``chunk_ids`` (``KeyError`` for a chunk these postings lack)."""
        rows = {chunk_id: row for row, chunk_id in enumerate(self.chunk_ids)}
        return np.array([rows[chunk_id] for chunk_id in chunk_ids], dtype=np.int64)


def _fresh(
    terms: Sequence[Sequence[str] | None], vocabulary: dict[str, int], lengths: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The postings of the chunks given with their terms, in term order.

    Terms not yet in ``vocabulary`` are added to it; ``lengths`` gets these chunks' lengths.
    """
    analysed = [(row, words) for row, words in enumerate(terms) if words is not None]
    ids = [vocabulary.setdefault(term, len(vocabulary)) for _, words in analysed for term in words]
    for row, words in analysed:
        lengths[row] = len(words)
    if not ids:
        return np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int32)
    occurrence_rows = np.repeat(
        np.array([row for row, _ in analysed], np.int64),
        np.array([len(words) for _, words in analysed], np.int64),
    )
    # One key per occurrence, term-major: its distinct values, sorted, are the postings.
    keys, counts = np.unique(
        np.array(ids, np.int64) * len(terms) + occurrence_rows, return_counts=True
    )
    term_ids, rows = np.divmod(keys, len(terms))
    return term_ids.astype(np.int32), rows.astype(np.int32), counts.astype(np.int32)


def _moved(
    previous: Postings, old_rows: np.ndarray, new_rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``previous``'s postings of ``old_rows``, renumbered ``new_rows``, in term order."""
    if len(np.unique(old_rows)) != len(old_rows):
        raise ValueError("a chunk id occurs twice among the chunks to index")
    destination = np.full(len(previous.chunk_ids), -1, np.int64)
    destination[old_rows] = new_rows
    rows = destination[np.asarray(previous.rows)]
    kept = rows >= 0
    term_ids = np.repeat(
        np.arange(len(previous.terms), dtype=np.int32), np.diff(np.asarray(previous.starts))
    )
    return term_ids[kept], rows[kept].astype(np.int32), np.asarray(previous.counts)[kept]


def _columns(terms: list[str], term_ids: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The terms that sorted ``term_ids`` use, and where each one's postings start."""
    frequencies = np.bincount(term_ids, minlength=len(terms))
    used = frequencies > 0
    if not used.all():  # terms only removed chunks held
        terms = [term for term, keep in zip(terms, used.tolist(), strict=True) if keep]
        frequencies = frequencies[used]
    starts = np.zeros(len(terms) + 1, np.int64)
    np.cumsum(frequencies, out=starts[1:])
    return terms, starts
