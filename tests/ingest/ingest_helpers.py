"""Helpers for ingest tests: recording embeddings, the index as stored on disk."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.index import layout
from bot.index.chroma import open_collections
from bot.index.reader import read_chunks
from bot.index.records import Chunk
from bot.retrieval.aliases import AliasTable
from bot.retrieval.embeddings import E5Embeddings
from bot.retrieval.retriever import Retriever

BUREAU_NOTE = """---
title: Bureau de mars
date: 2024-03-12
group: bureau
---
# Décisions
Le bureau adopte la motion sur les archives municipales de Tombouctou.
"""


class RecordingEmbeddings(E5Embeddings):
    """The real embeddings, keeping every text they were asked to embed as a passage.

    A passage embedded in parts (its sentences pooled from its own forward pass) is
    kept as its parts joined by spaces. With ``fail_on_call`` set, that call of
    ``embed_documents`` or ``embed_in_parts`` (1-based) raises ``error`` instead: a
    crash or a Ctrl-C in the middle of an ingest.
    """

    def __init__(self, fail_on_call: int | None = None, error: BaseException | None = None):
        self.calls: list[list[str]] = []
        self.fail_on_call = fail_on_call
        self.error = error or RuntimeError("embedding backend crashed")

    @property
    def embedded(self) -> list[str]:
        return [text for call in self.calls for text in call]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if self.fail_on_call is not None and len(self.calls) + 1 == self.fail_on_call:
            raise self.error
        self.calls.append(list(texts))
        return super().embed_documents(texts)

    def embed_in_parts(self, texts: list[list[str]]) -> tuple[np.ndarray, list[np.ndarray]]:
        if self.fail_on_call is not None and len(self.calls) + 1 == self.fail_on_call:
            raise self.error
        self.calls.append([" ".join(parts) for parts in texts])
        return super().embed_in_parts(texts)


def current_name(index_dir: Path) -> str:
    """What ``CURRENT`` says: the name of the published generation."""
    return (index_dir / layout.CURRENT_FILE).read_text(encoding="utf-8")


def generations(index_dir: Path) -> list[str]:
    return sorted(path.name for path in index_dir.glob("gen-*"))


def stored_chunks(index_dir: Path) -> list[Chunk]:
    """The chunks of the published generation's ``chunks.jsonl``."""
    generation = layout.current_generation(index_dir)
    assert generation is not None
    return read_chunks(generation)


def chroma_contents(index_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Published Chroma collections: passage id → path, and sentence id → its text."""
    generation = layout.current_generation(index_dir)
    assert generation is not None
    with open_collections(generation) as collections:
        passages = collections.chunks.get(include=["metadatas"])
        sentences = collections.sentences.get(include=["documents"])
    metadatas = passages["metadatas"] or []
    return (
        {id_: str(meta["path"]) for id_, meta in zip(passages["ids"], metadatas, strict=True)},
        dict(zip(sentences["ids"], sentences["documents"] or [], strict=True)),
    )


def open_retriever(index_dir: Path, embeddings: E5Embeddings) -> Retriever:
    return Retriever.open(index_dir, AliasTable(()), embeddings)


def top_hit(retriever: Retriever, question: str) -> tuple[str, int | None]:
    """(path, page) of the best passage for ``question``."""
    chunk = retriever.search(question, k=1)[0].chunk
    return chunk.path, chunk.page
