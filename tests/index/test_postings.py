"""BM25's term frequencies by term: re-used rows equal rows built from scratch."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from bot.index.postings import Postings
from bot.text import stems

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


@pytest.fixture(scope="module")
def corpus() -> dict[str, list[str]]:
    """Chunk id → terms: the stems of each paragraph of the funding fiches (real text)."""
    paragraphs = [
        line
        for path in sorted((KNOWLEDGE / "funding").glob("*.yaml"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if len(line) > 60
    ]
    return {f"c{number:04d}": stems(text) for number, text in enumerate(paragraphs)}


def frequencies(postings: Postings) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    """(chunk id, term) → count, and chunk id → length: what the arrays mean."""
    assert postings.consistent()
    counts: dict[tuple[str, str], int] = {}
    starts = np.asarray(postings.starts)
    for term_id, term in enumerate(postings.terms):
        for posting in range(int(starts[term_id]), int(starts[term_id + 1])):
            chunk_id = postings.chunk_ids[int(postings.rows[posting])]
            assert (chunk_id, term) not in counts  # one posting per chunk and term
            counts[chunk_id, term] = int(postings.counts[posting])
    lengths = dict(zip(postings.chunk_ids, np.asarray(postings.lengths).tolist(), strict=True))
    return counts, lengths


def expected(corpus: dict[str, list[str]], chunk_ids: list[str]) -> tuple[dict, dict]:
    counts = {
        (chunk_id, term): count
        for chunk_id in chunk_ids
        for term, count in Counter(corpus[chunk_id]).items()
    }
    return counts, {chunk_id: len(corpus[chunk_id]) for chunk_id in chunk_ids}


def test_postings_hold_each_chunks_term_frequencies(corpus: dict[str, list[str]]) -> None:
    ids = list(corpus)
    assert len(ids) > 100 and any(len(set(t)) < len(t) for t in corpus.values())

    postings = Postings.of(ids, [corpus[chunk_id] for chunk_id in ids])

    assert frequencies(postings) == expected(corpus, ids)
    assert sorted(postings.terms) == sorted({term for terms in corpus.values() for term in terms})


def test_re_used_rows_with_new_chunks_equal_postings_built_from_scratch(
    corpus: dict[str, list[str]],
) -> None:
    ids = list(corpus)
    before = ids[: len(ids) // 2 + 10]
    previous = Postings.of(before, [corpus[chunk_id] for chunk_id in before])
    # Some chunks removed (their rare terms with them), new ones added, all reordered.
    after = sorted(ids[15 : len(ids) // 2] + ids[len(ids) // 2 + 5 :], reverse=True)
    kept = set(before)
    fresh = {after[0], after[-1]} & kept  # stored anew though the previous index had them
    terms = [
        None if chunk_id in kept and chunk_id not in fresh else corpus[chunk_id]
        for chunk_id in after
    ]
    assert fresh and terms.count(None) > 20 and any(terms)

    merged = Postings.of(after, terms, previous)
    rebuilt = Postings.of(after, [corpus[chunk_id] for chunk_id in after])

    assert frequencies(merged) == frequencies(rebuilt) == expected(corpus, after)
    assert set(merged.terms) == set(rebuilt.terms)  # terms only removed chunks held are gone
    removed_only = set().union(*(corpus[i] for i in ids[:15])) - set().union(
        *(corpus[i] for i in after)
    )
    assert removed_only and not removed_only & set(merged.terms)


def test_a_chunk_given_without_terms_must_be_in_the_previous_postings(
    corpus: dict[str, list[str]],
) -> None:
    ids = list(corpus)[:5]
    previous = Postings.of(ids[:3], [corpus[i] for i in ids[:3]])
    with pytest.raises(KeyError):
        Postings.of(ids, [None] * 5, previous)
    with pytest.raises(ValueError):
        Postings.of([ids[0], ids[0]], [None, None], previous)
