"""``CUF_SENTENCE_VECTORS=late``: sentence vectors pooled from their passage's forward pass."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from ingest_helpers import (
    RecordingEmbeddings,
    chroma_contents,
    open_retriever,
    stored_chunks,
    top_hit,
)

from bot.index import layout
from bot.index.reader import IndexReader
from bot.index.writer import Manifest
from bot.ingest import versions
from bot.ingest.chunker import passage_parts
from bot.ingest.pipeline import run_ingest

GUIDE = "publications/guide.pdf"


def late() -> RecordingEmbeddings:
    embeddings = RecordingEmbeddings()
    embeddings.late_sentences = True
    return embeddings


def test_late_sentences_embed_each_passage_once_and_store_a_vector_per_sentence(
    knowledge: Path, index_dir: Path
) -> None:
    embeddings = late()

    report = run_ingest(knowledge, index_dir, embeddings)

    chunks = stored_chunks(index_dir)
    assert report.chunks_embedded == len(chunks)
    # One call, passages only: no sentence is embedded on its own.
    assert sorted(embeddings.embedded) == sorted(
        " ".join(passage_parts(chunk) or []) for chunk in chunks
    )
    with IndexReader.open(index_dir) as index:
        vectors = index.vectors()
    assert vectors.pair_with(chunks)
    assert np.allclose(np.linalg.norm(vectors.sentences, axis=1), 1.0, atol=1e-5)
    _, sentences = chroma_contents(index_dir)
    assert len(sentences) == sum(len(chunk.sentences) for chunk in chunks)
    generation = layout.current_generation(index_dir)
    assert Manifest.read(generation).format_key == versions.index_format_key(late_sentences=True)
    retriever = open_retriever(index_dir, embeddings)
    assert top_hit(retriever, "Qui préside le groupe pays Mali ?") == (GUIDE, 1)


def test_changing_how_sentences_are_embedded_rebuilds_the_index(
    knowledge: Path, index_dir: Path
) -> None:
    run_ingest(knowledge, index_dir, RecordingEmbeddings())
    total = len(stored_chunks(index_dir))

    report = run_ingest(knowledge, index_dir, late())

    assert report.published and report.chunks_embedded == total
    assert versions.index_format_key(late_sentences=True) != versions.index_format_key()
