"""Stored records: what a chunk writes is every field, and reads back the same."""

from __future__ import annotations

import dataclasses
import json

from bot.index.records import Chunk


def test_a_chunk_is_stored_with_every_field_and_read_back_equal() -> None:
    chunk = Chunk(
        id="abc",
        path="notes/bureau.md",
        title="Bureau de mars",
        kind="note",
        page=None,
        section="Décisions",
        text="Le bureau adopte la motion. Elle est votée.",
        position=3,
        sentences=("Le bureau adopte la motion.", "Elle est votée."),
    )

    stored = json.loads(json.dumps(chunk.to_json(), ensure_ascii=False))

    assert stored == json.loads(json.dumps(dataclasses.asdict(chunk)))
    assert Chunk.from_json(stored) == chunk
