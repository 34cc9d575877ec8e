"""A new generation starts as a copy of the published one that costs little to make."""

from __future__ import annotations

from pathlib import Path

from bot.index import layout


def test_a_new_generation_shares_whole_files_and_copies_chroma(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    base = layout.new_generation(index_dir, None)
    (base / layout.CHROMA_DIR).mkdir()
    (base / layout.CHROMA_DIR / "chroma.sqlite3").write_text("base database")
    (base / layout.CHUNKS_FILE).write_text("base chunks\n")

    generation = layout.new_generation(index_dir, base)
    chunks, database = (
        generation / layout.CHUNKS_FILE,
        generation / layout.CHROMA_DIR / "chroma.sqlite3",
    )

    assert chunks.stat().st_ino == (base / layout.CHUNKS_FILE).stat().st_ino
    assert database.stat().st_ino != (base / layout.CHROMA_DIR / "chroma.sqlite3").stat().st_ino
    layout.write_durably(chunks, "new chunks\n")  # how every file outside Chroma is written
    with database.open("a") as handle:  # Chroma changes its files in place
        handle.write(", changed")
    assert (base / layout.CHUNKS_FILE).read_text() == "base chunks\n"
    assert (base / layout.CHROMA_DIR / "chroma.sqlite3").read_text() == "base database"
    assert chunks.read_text() == "new chunks\n"
