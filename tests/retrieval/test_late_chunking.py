"""Sentence vectors pooled from their passage's forward pass ("late chunking")."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.index.records import Chunk
from bot.ingest.chunker import chunk_document, passage_parts
from bot.ingest.loaders import load_pdf
from bot.retrieval.embeddings import E5Embeddings

REPO = Path(__file__).resolve().parents[2]
PUBLICATION = "publications/cuf-rapport-activites-2023.pdf"


@pytest.fixture(scope="module")
def chunks() -> list[Chunk]:
    return chunk_document(load_pdf(REPO / "knowledge" / PUBLICATION, PUBLICATION))[:16]


@pytest.fixture(scope="module")
def embeddings(tmp_path_factory: pytest.TempPathFactory) -> E5Embeddings:
    return E5Embeddings(cache_dir=tmp_path_factory.mktemp("models"), threads=2)


def test_parts_cut_a_passage_at_its_sentences_without_changing_its_tokens(
    chunks: list[Chunk], embeddings: E5Embeddings
) -> None:
    tokenizer = embeddings._model.tokenizer
    for chunk in chunks:
        parts = passage_parts(chunk)
        assert parts is not None
        assert len(parts) == len(chunk.sentences) + 1
        assert all(p.startswith(s) for p, s in zip(parts[1:], chunk.sentences, strict=True))
        whole = tokenizer.encode("passage: " + chunk.indexed_text)
        pieces = [tokenizer.encode(part) for part in ["passage: " + parts[0], *parts[1:]]]
        assert [token for piece in pieces for token in piece] == whole


def test_a_passage_in_parts_gets_its_own_vector_and_one_per_sentence(
    chunks: list[Chunk], embeddings: E5Embeddings
) -> None:
    parts = [passage_parts(chunk) or [] for chunk in chunks]

    passages, sentences = embeddings.embed_in_parts(parts)

    alone = np.asarray(embeddings.embed_documents([c.indexed_text for c in chunks]), np.float32)
    assert (passages * alone).sum(axis=1).min() >= 0.99999
    assert [len(rows) for rows in sentences] == [len(chunk.sentences) + 1 for chunk in chunks]
    # A pooled sentence is close to the same sentence embedded on its own (measured: 0.88
    # on average), and nearer to it than to most others: its own text ranks about 2nd
    # among 59 (the passage's vector in its place ranks 8th, its neighbour's 15th).
    pooled = np.concatenate([rows[1:] for rows in sentences])
    texts = [sentence for chunk in chunks for sentence in chunk.sentence_texts()]
    separate = np.asarray(embeddings.embed_documents(texts), np.float32)
    similarities = pooled @ separate.T
    own = np.diag(similarities)
    assert own.mean() >= 0.85 and own.min() >= 0.7
    assert np.median((similarities > own[:, None]).sum(axis=1)) <= 4
    assert np.allclose(np.linalg.norm(pooled, axis=1), 1.0, atol=1e-5)


def test_a_sentence_missing_from_its_passage_has_no_parts() -> None:
    chunk = Chunk("x", "notes/n.md", "Note", "note", None, "", "Une phrase. Deux.", 0, ("Trois.",))
    assert passage_parts(chunk) is None
    glued = Chunk("y", "notes/n.md", "Note", "note", None, "", "Un.Deux.", 0, ("Un.", "Deux."))
    assert passage_parts(glued) is None  # « Deux. » does not begin a word
