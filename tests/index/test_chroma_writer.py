"""The child process that writes a generation's Chroma collections for the ingest."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from passages import passage

from bot.index import chroma_writer
from bot.index.chroma import open_collections
from bot.index.chroma_writer import ChromaWriteError, _serve, writing_chroma
from bot.index.layout import CHROMA_DIR
from bot.index.records import DIMENSION, Chunk


def chunk(number: int) -> Chunk:
    return passage(
        f"Première phrase {number}.",
        f"Seconde phrase {number}.",
        id=f"c{number}",
        path="notes/bureau.md",
        kind="note",
        page=None,
        position=number,
    )


def unit_rows(count: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((count, DIMENSION)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def stored(generation: Path) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Passage id → its stored vector, and sentence id → its passage's id."""
    with open_collections(generation) as collections:
        passages = collections.chunks.get(include=["embeddings"])
        sentences = collections.sentences.get(include=["metadatas"])
    vectors = dict(zip(passages["ids"], np.asarray(passages["embeddings"]), strict=True))
    owners = {
        sentence_id: str(metadata["chunk_id"])
        for sentence_id, metadata in zip(
            sentences["ids"], sentences["metadatas"] or [], strict=True
        )
    }
    return vectors, owners


def test_passages_and_sentences_are_stored_and_stale_ones_deleted(tmp_path: Path) -> None:
    first, second = chunk(1), chunk(2)
    vectors = unit_rows(2, seed=1)
    with writing_chroma(tmp_path, []) as writer:
        writer.add([first, second], vectors, [unit_rows(2, seed=2), unit_rows(2, seed=3)])

    passages, owners = stored(tmp_path)
    assert sorted(passages) == ["c1", "c2"]
    assert np.allclose(passages["c1"], vectors[0], atol=1e-6)
    assert owners == {"c1:0": "c1", "c1:1": "c1", "c2:0": "c2", "c2:1": "c2"}

    with writing_chroma(tmp_path, ["c1"]) as writer:
        writer.add([chunk(3)], unit_rows(1, seed=4), [unit_rows(2, seed=5)])

    passages, owners = stored(tmp_path)
    assert sorted(passages) == ["c2", "c3"]
    assert sorted(owners) == ["c2:0", "c2:1", "c3:0", "c3:1"]


def unsaved_writes(generation: Path) -> int:
    """Logged writes that each vector index has not saved yet, that its next load replays."""
    database = sqlite3.connect(generation / CHROMA_DIR / "chroma.sqlite3")
    try:
        rows = database.execute(
            "SELECT count(*) FROM segments s LEFT JOIN max_seq_id m ON m.segment_id = s.id "
            "JOIN embeddings_queue q ON q.topic LIKE '%' || s.collection "
            "WHERE s.scope = 'VECTOR' AND q.seq_id > coalesce(m.seq_id, 0)"
        ).fetchone()
    finally:
        database.close()
    return int(rows[0])


def test_each_write_is_saved_in_the_vector_index_leaving_nothing_to_replay(
    tmp_path: Path,
) -> None:
    for number in range(3):
        with writing_chroma(tmp_path, []) as writer:
            writer.add([chunk(number)], unit_rows(1, seed=number), [unit_rows(2, seed=9)])
        assert unsaved_writes(tmp_path) == 0


def test_a_writer_that_cannot_write_is_reported(tmp_path: Path) -> None:
    (tmp_path / CHROMA_DIR).write_text("not a folder", encoding="utf-8")

    with pytest.raises(ChromaWriteError), writing_chroma(tmp_path, []) as writer:
        writer.add([chunk(1)], unit_rows(1, seed=1), [unit_rows(2, seed=2)])


def test_a_block_that_fails_kills_the_writer(tmp_path: Path) -> None:
    with (
        pytest.raises(RuntimeError, match="embedding failed"),
        writing_chroma(tmp_path, []) as writer,
    ):
        writer.add([chunk(1)], unit_rows(1, seed=1), [unit_rows(2, seed=2)])
        raise RuntimeError("embedding failed")

    assert writer.exit_code is not None and writer.exit_code != 0


def test_the_writer_stops_quietly_when_the_ingest_is_gone(tmp_path: Path) -> None:
    replies = io.BytesIO()

    _serve(tmp_path, io.BytesIO(b""), replies)  # a killed ingest: no request, no close

    assert replies.getvalue() == b""  # nothing said closed: the generation is never published


def test_a_write_meeting_a_locked_database_is_made_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Chroma's background work may hold its SQLite file a moment: the child waits."""
    monkeypatch.setattr(chroma_writer, "_LOCKED_PAUSE", 0.0)
    calls: list[dict[str, object]] = []

    def flaky(**arguments: object) -> None:
        calls.append(arguments)
        if len(calls) < 3:
            raise RuntimeError("Database error: (code: 5) database is locked")

    chroma_writer._while_locked(flaky, ids=["a"])
    assert calls == [{"ids": ["a"]}] * 3

    def broken(**arguments: object) -> None:
        calls.append(arguments)
        raise RuntimeError("no such collection")

    calls.clear()
    with pytest.raises(RuntimeError, match="no such collection"):
        chroma_writer._while_locked(broken)
    assert len(calls) == 1  # any other error is the writer's failure, at once
