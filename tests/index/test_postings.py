"""BM25's term frequencies: re-used rows equal rebuilt ones, and they are saved as plain arrays."""

from __future__ import annotations

import json
import pickle
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from bot.index import layout
from bot.index.postings import Postings
from bot.index.reader import read_lexical
from bot.index.writer import write_lexical
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


def test_saved_postings_are_plain_arrays_read_back_memory_mapped(
    corpus: dict[str, list[str]], tmp_path: Path
) -> None:
    ids = list(corpus)
    postings = Postings.of(ids, [corpus[chunk_id] for chunk_id in ids])
    generation = layout.new_generation(tmp_path / "index", None)

    write_lexical(generation, postings, "fingerprint-a")

    folder = generation / layout.LEXICAL_DIR
    assert sorted(path.name for path in folder.iterdir()) == [
        "counts.npy",
        "lengths.npy",
        "rows.npy",
        "starts.npy",
        layout.LEXICAL_TERMS,
    ]
    read = read_lexical(generation, "fingerprint-a")
    assert read is not None
    assert not read.rows.flags.owndata  # memory-mapped, not copied
    assert frequencies(read) == frequencies(postings)
    assert read.terms == postings.terms and read.chunk_ids == ids
    assert read_lexical(generation, "fingerprint-b") is None  # analysed with other aliases


def test_saved_postings_that_do_not_fit_together_are_not_read(
    corpus: dict[str, list[str]], tmp_path: Path
) -> None:
    ids = list(corpus)
    generation = layout.new_generation(tmp_path / "index", None)
    write_lexical(generation, Postings.of(ids, [corpus[i] for i in ids]), "f")
    folder = generation / layout.LEXICAL_DIR
    described = json.loads((folder / layout.LEXICAL_TERMS).read_text(encoding="utf-8"))

    described["terms"] = described["terms"][:-1]
    (folder / layout.LEXICAL_TERMS).write_text(json.dumps(described), encoding="utf-8")
    assert read_lexical(generation, "f") is None

    (folder / "rows.npy").write_bytes(b"truncated")
    assert read_lexical(generation, "f") is None


def test_writing_replaces_an_older_format_without_touching_the_copied_generation(
    corpus: dict[str, list[str]], tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    base = layout.new_generation(index_dir, None)
    (base / layout.LEXICAL_DIR).mkdir()
    old = base / layout.LEXICAL_DIR / "index.pickle"
    old.write_bytes(pickle.dumps(("f", {"an": "index"})))
    assert read_lexical(base, "f") is None  # the pickled format is not read any more

    generation = layout.new_generation(index_dir, base)  # shares base's files as links
    ids = list(corpus)
    write_lexical(generation, Postings.of(ids, [corpus[i] for i in ids]), "f")

    assert not (generation / layout.LEXICAL_DIR / "index.pickle").exists()
    assert not (generation / f"{layout.LEXICAL_DIR}.tmp").exists()
    assert pickle.loads(old.read_bytes()) == ("f", {"an": "index"})
    assert read_lexical(generation, "f") is not None
