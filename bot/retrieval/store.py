"""On-disk index generations: each ingest writes a complete new generation, then publishes it.

Layout of ``state/index``::

    CURRENT            name of the published generation (replaced atomically)
    PREVIOUS           name of the generation published before it (kept as a fallback)
    gen-<n>/chroma/    Chroma persistent collection (dense vectors)
    gen-<n>/chunks.jsonl   every chunk, for the lexical index and citations
    gen-<n>/manifest.json  file hashes → chunk ids, skipped files, pipeline version

Readers only ever open the generation named in ``CURRENT``, so a crash while a
new generation is being written leaves the previous one fully usable. A
generation named by neither ``CURRENT`` nor ``PREVIOUS`` was never published
(an ingest killed while writing it): the next ingest deletes it, and never the
published ones, whatever the order of their names.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import chromadb
from chromadb.api.models.Collection import Collection

from bot.ingest.chunker import Chunk

CURRENT_FILE = "CURRENT"
PREVIOUS_FILE = "PREVIOUS"
CHUNKS_FILE = "chunks.jsonl"
MANIFEST_FILE = "manifest.json"
CHROMA_DIR = "chroma"
CHUNK_COLLECTION = "cuf_chunks"
SENTENCE_COLLECTION = "cuf_sentences"


class IndexMissingError(Exception):
    """No index has been built yet: run the ingest first."""


@dataclass
class FileRecord:
    sha256: str
    chunk_ids: list[str] = field(default_factory=list)
    skipped_reason: str | None = None


@dataclass
class Manifest:
    pipeline_version: str = ""
    files: dict[str, FileRecord] = field(default_factory=dict)

    @classmethod
    def read(cls, generation: Path | None) -> Manifest:
        if generation is None or not (generation / MANIFEST_FILE).exists():
            return cls()
        data = json.loads((generation / MANIFEST_FILE).read_text(encoding="utf-8"))
        files = {path: FileRecord(**record) for path, record in data["files"].items()}
        return cls(pipeline_version=data["pipeline_version"], files=files)

    def write(self, generation: Path) -> None:
        data = {
            "pipeline_version": self.pipeline_version,
            "files": {path: asdict(record) for path, record in sorted(self.files.items())},
        }
        _write_durably(generation / MANIFEST_FILE, json.dumps(data, ensure_ascii=False, indent=1))


def current_generation(index_dir: Path) -> Path | None:
    """The published generation, or ``None`` when nothing was ever published."""
    return _pointed(index_dir, CURRENT_FILE)


def previous_generation(index_dir: Path) -> Path | None:
    """The generation published before the current one, if still there."""
    return _pointed(index_dir, PREVIOUS_FILE)


def _pointed(index_dir: Path, pointer_name: str) -> Path | None:
    try:
        name = (index_dir / pointer_name).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not name.startswith("gen-") or "/" in name:
        return None
    generation = index_dir / name
    return generation if generation.is_dir() else None


def new_generation(index_dir: Path, base: Path | None) -> Path:
    """A fresh generation folder, starting as a copy of ``base`` when there is one."""
    index_dir.mkdir(parents=True, exist_ok=True)
    generation = index_dir / f"gen-{time.time_ns()}"
    if base is not None:
        shutil.copytree(base, generation)
    else:
        generation.mkdir()
    return generation


def publish_generation(index_dir: Path, generation: Path) -> None:
    """Point ``CURRENT`` at ``generation`` in one atomic rename (``PREVIOUS`` at the old one)."""
    current = current_generation(index_dir)
    if current is not None and current != generation:
        _write_durably(index_dir / PREVIOUS_FILE, current.name)
    _write_durably(index_dir / CURRENT_FILE, generation.name)


def remove_stale_generations(index_dir: Path) -> None:
    """Delete every generation but the current and the previous published ones."""
    keep = {current_generation(index_dir), previous_generation(index_dir)}
    for generation in index_dir.glob("gen-*"):
        if generation not in keep and generation.is_dir():
            shutil.rmtree(generation, ignore_errors=True)


def discard_unfinished_generations(index_dir: Path) -> list[str]:
    """Delete generations that were never published (call with the ingest lock held)."""
    if current_generation(index_dir) is None:
        return []  # nothing published: leave the folder as it is
    keep = {current_generation(index_dir), previous_generation(index_dir)}
    removed = []
    for generation in sorted(index_dir.glob("gen-*")):
        if generation not in keep and generation.is_dir():
            shutil.rmtree(generation, ignore_errors=True)
            removed.append(generation.name)
    return removed


def discard_generation(generation: Path) -> None:
    shutil.rmtree(generation, ignore_errors=True)


@dataclass(frozen=True)
class Collections:
    """A generation's two Chroma collections: whole passages, and their sentences."""

    chunks: Collection
    sentences: Collection


def open_collections(generation: Path) -> Collections:
    """The generation's Chroma collections (embedded, persistent, cosine distance)."""
    client = chromadb.PersistentClient(
        path=str(generation / CHROMA_DIR),
        settings=chromadb.Settings(anonymized_telemetry=False, allow_reset=False),
    )

    def collection(name: str) -> Collection:
        return client.get_or_create_collection(
            name, embedding_function=None, metadata={"hnsw:space": "cosine"}
        )

    return Collections(collection(CHUNK_COLLECTION), collection(SENTENCE_COLLECTION))


def write_chunks(generation: Path, chunks: list[Chunk]) -> None:
    lines = (json.dumps(asdict(chunk), ensure_ascii=False) for chunk in chunks)
    _write_durably(generation / CHUNKS_FILE, "\n".join(lines) + "\n")


def read_chunks(generation: Path) -> list[Chunk]:
    path = generation / CHUNKS_FILE
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as lines:
        return [Chunk(**json.loads(line)) for line in lines if line.strip()]


def _write_durably(path: Path, text: str) -> None:
    """Write to a temporary file, flush it to disk, then rename over ``path``."""
    temporary = path.with_suffix(path.suffix + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
