"""On-disk index generations: each ingest writes a complete new generation, then publishes it.

Layout of ``state/index``::

    CURRENT            name of the published generation (replaced atomically)
    PREVIOUS           name of the generation published before it (kept as a fallback)
    gen-<n>/chroma/    Chroma persistent collections: passages and sentences, with
                       their vectors, texts and metadata (the store of record)
    gen-<n>/chunks.jsonl   every chunk, for the lexical index and citations
    gen-<n>/vectors/   the same vectors as ``.npy`` in ``chunks.jsonl`` order, memory-
                       mapped at start-up instead of being copied out of Chroma
    gen-<n>/lexical/   the analysed BM25 corpus (terms of each chunk) and the built
                       BM25 index, with the alias table they were analysed with
    gen-<n>/manifest.json  file hashes → chunk ids, skipped files, pipeline version

Readers only ever open the generation named in ``CURRENT``, so a crash while a
new generation is being written leaves the previous one fully usable. A
generation without ``vectors/`` or ``lexical/`` (written by an older version) is
still readable: the vectors then come out of Chroma and BM25 is rebuilt. A
generation named by neither ``CURRENT`` nor ``PREVIOUS`` was never published
(an ingest killed while writing it): the next ingest deletes it, and never the
published ones, whatever the order of their names.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.ingest.chunker import Chunk

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

    from bot.retrieval.aliases import AliasTable
    from bot.retrieval.lexical import LexicalIndex

logger = logging.getLogger(__name__)

CURRENT_FILE = "CURRENT"
PREVIOUS_FILE = "PREVIOUS"
CHUNKS_FILE = "chunks.jsonl"
MANIFEST_FILE = "manifest.json"
CHROMA_DIR = "chroma"
CHUNK_COLLECTION = "cuf_chunks"
SENTENCE_COLLECTION = "cuf_sentences"
VECTORS_DIR = "vectors"
LEXICAL_DIR = "lexical"
VECTOR_FILES = ("chunks", "sentences", "owners")
DIMENSION = 384


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


def models_dir(index_dir: Path) -> Path:
    """Where the dequantised embedding model is cached: beside the index, in the state."""
    return index_dir.parent / "models"


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
    import chromadb  # heavy: only the ingest and old generations need it

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


@dataclass(frozen=True)
class Vectors:
    """A generation's vectors in ``chunks.jsonl`` order.

    ``sentences`` lists every chunk's sentences in order, chunk after chunk;
    ``owners[i]`` is the position of the chunk sentence ``i`` belongs to.
    """

    chunks: np.ndarray
    sentences: np.ndarray
    owners: np.ndarray

    @classmethod
    def empty(cls) -> Vectors:
        return cls(
            np.zeros((0, DIMENSION), np.float32),
            np.zeros((0, DIMENSION), np.float32),
            np.zeros(0, np.int64),
        )


def write_vectors(generation: Path, vectors: Vectors) -> None:
    folder = generation / VECTORS_DIR
    folder.mkdir(exist_ok=True)
    arrays: tuple[np.ndarray, ...] = (
        np.asarray(vectors.chunks, np.float32),
        np.asarray(vectors.sentences, np.float32),
        np.asarray(vectors.owners, np.int64),
    )
    for name, array in zip(VECTOR_FILES, arrays, strict=True):
        temporary = folder / f"{name}.tmp.npy"
        with temporary.open("wb") as handle:
            np.save(handle, array)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, folder / f"{name}.npy")


def read_vectors(generation: Path, chunk_count: int) -> Vectors | None:
    """The generation's vectors, memory-mapped; ``None`` when they were not saved."""
    folder = generation / VECTORS_DIR
    try:
        vectors = Vectors(*(_load_array(folder / f"{name}.npy") for name in VECTOR_FILES))
    except (OSError, ValueError):
        return None
    if len(vectors.chunks) != chunk_count or len(vectors.sentences) != len(vectors.owners):
        logger.warning("Ignoring the saved vectors of %s: they do not match its chunks", generation)
        return None
    return vectors


def _load_array(path: Path) -> np.ndarray:
    """Memory-mapped (pages are read when used, and shared between processes)."""
    try:
        return np.asarray(np.load(path, mmap_mode="r"))
    except ValueError:  # an empty array cannot be mapped
        return np.asarray(np.load(path))


def vectors_from_chroma(generation: Path, chunks: list[Chunk]) -> Vectors:
    """The vectors of ``chunks`` copied out of the generation's Chroma collections."""
    if not chunks:
        return Vectors.empty()
    collections = open_collections(generation)
    position = {chunk.id: index for index, chunk in enumerate(chunks)}
    chunk_vectors = np.zeros((len(chunks), DIMENSION), dtype=np.float32)
    ids, vectors = _all_vectors(collections.chunks)
    for chunk_id, vector in zip(ids, vectors, strict=True):
        if chunk_id in position:
            chunk_vectors[position[chunk_id]] = vector
    ids, vectors = _all_vectors(collections.sentences)
    keys = [(position.get(chunk_id, -1), int(n)) for chunk_id, n in (i.rsplit(":", 1) for i in ids)]
    order = sorted((key, row) for row, key in enumerate(keys) if key[0] >= 0)
    rows = [row for _, row in order]
    return Vectors(
        chunk_vectors,
        vectors[rows] if rows else np.zeros((0, DIMENSION), np.float32),
        np.array([key[0] for key, _ in order], dtype=np.int64),
    )


def _all_vectors(collection: Collection) -> tuple[list[str], np.ndarray]:
    result = collection.get(include=["embeddings"])
    vectors = result["embeddings"]
    if vectors is None or len(vectors) == 0:
        return [], np.zeros((0, DIMENSION), dtype=np.float32)
    return list(result["ids"]), np.asarray(vectors, dtype=np.float32)


def aliases_fingerprint(aliases: AliasTable) -> str:
    """Changes whenever the analysis of a text may: other aliases, or other analysing code."""
    from bot import text
    from bot.retrieval import lexical

    digest = hashlib.sha256(repr(aliases).encode())
    for module in (lexical, text):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:16]


def write_lexical(
    generation: Path, terms: dict[str, list[str]], index: LexicalIndex, fingerprint: str
) -> None:
    """Save the analysed corpus (chunk id → terms) and the built BM25 index."""
    folder = generation / LEXICAL_DIR
    folder.mkdir(exist_ok=True)
    for name, payload in (("terms.pickle", terms), ("index.pickle", index)):
        temporary = folder / f"{name}.tmp"
        with temporary.open("wb") as handle:
            pickle.dump((fingerprint, payload), handle, protocol=pickle.HIGHEST_PROTOCOL)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, folder / name)


def read_lexical_terms(generation: Path | None, fingerprint: str) -> dict[str, list[str]]:
    """The analysed terms saved with ``generation`` under the same aliases, else nothing."""
    found = _read_pickle(generation, "terms.pickle", fingerprint)
    return found if isinstance(found, dict) else {}


def read_lexical_index(generation: Path, fingerprint: str) -> object:
    """The saved BM25 index when it was built under the same aliases, else ``None``."""
    return _read_pickle(generation, "index.pickle", fingerprint)


def _read_pickle(generation: Path | None, name: str, fingerprint: str) -> object:
    """Our own file from our own state folder (never user input), or ``None``."""
    if generation is None:
        return None
    path = generation / LEXICAL_DIR / name
    try:
        with path.open("rb") as handle:
            saved_fingerprint, payload = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, AttributeError, ImportError):
        return None
    return payload if saved_fingerprint == fingerprint else None


def _write_durably(path: Path, text: str) -> None:
    """Write to a temporary file, flush it to disk, then rename over ``path``."""
    temporary = path.with_suffix(path.suffix + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
