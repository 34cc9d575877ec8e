"""Index generations in ``state/index``: each ingest writes a complete new one, then publishes it.

Layout::

    CURRENT            name of the published generation (replaced atomically)
    PREVIOUS           name of the generation published before it (kept as a fallback)
    gen-<n>/chroma/    Chroma persistent collections: passages and sentences, with
                       their vectors, texts and metadata (the store of record)
    gen-<n>/chunks.jsonl   every chunk with its sentences, for search and citations
    gen-<n>/vectors/   the same vectors as ``.npy`` in ``chunks.jsonl`` order, memory-
                       mapped at start-up instead of being copied out of Chroma, and
                       their int8 copies (what each question scans)
    gen-<n>/lexical/   BM25's term frequencies by term (``.npy``), the terms and the chunk
                       ids (``terms.json``), tagged with what the chunks were analysed with
    gen-<n>/manifest.json  file hashes → chunk ids, skipped files, format key

Readers only ever open the generation named in ``CURRENT``, so a crash while a
new generation is being written leaves the previous one fully usable. A
generation without ``vectors/`` or ``lexical/`` is still readable: the vectors
then come out of Chroma and BM25 is rebuilt. A generation named by neither
``CURRENT`` nor ``PREVIOUS`` was never published (an ingest killed while writing
it): the next ingest deletes it, and never the published ones, whatever the
order of their names.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

CURRENT_FILE = "CURRENT"
PREVIOUS_FILE = "PREVIOUS"
CHUNKS_FILE = "chunks.jsonl"
MANIFEST_FILE = "manifest.json"
CHROMA_DIR = "chroma"
CHUNK_COLLECTION = "cuf_chunks"
SENTENCE_COLLECTION = "cuf_sentences"
VECTORS_DIR = "vectors"
LEXICAL_DIR = "lexical"
# In ``lexical/``: the terms and chunk ids of the saved ``Postings`` (``bot.index.postings``),
# beside one ``.npy`` per array; the format number changes whenever their layout does.
LEXICAL_TERMS = "terms.json"
LEXICAL_FORMAT = 2
VECTOR_FILES = ("chunks", "sentences", "owners")
# The int8 copies of ``chunks`` and ``sentences`` (``chunks-int8.npy``, ``chunks-scales.npy``).
QUANTISED_VALUES = "-int8"
QUANTISED_SCALES = "-scales"


class IndexMissingError(Exception):
    """No readable index has been built yet: run the ingest first."""


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
    """A fresh generation folder, starting as a copy of ``base`` when there is one.

    Chroma's files are copied (Chroma changes them in place); every other file is
    only ever replaced whole (written aside, then renamed over), so the new
    generation shares it with ``base`` as a hard link until it is replaced.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    generation = index_dir / f"gen-{time.time_ns()}"
    if base is not None:
        chroma = base / CHROMA_DIR

        def link_or_copy(source: str, target: str) -> object:
            if Path(source).is_relative_to(chroma):
                return shutil.copy2(source, target)
            try:
                os.link(source, target)
            except OSError:  # another file system, or links unsupported
                return shutil.copy2(source, target)
            return target

        shutil.copytree(base, generation, copy_function=link_or_copy)
    else:
        generation.mkdir()
    return generation


def publish_generation(index_dir: Path, generation: Path) -> None:
    """Point ``CURRENT`` at ``generation`` in one atomic rename (``PREVIOUS`` at the old one)."""
    current = current_generation(index_dir)
    if current is not None and current != generation:
        write_durably(index_dir / PREVIOUS_FILE, current.name)
    write_durably(index_dir / CURRENT_FILE, generation.name)


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


def write_durably(path: Path, text: str) -> None:
    """Write to a temporary file, flush it to disk, then rename over ``path``."""
    temporary = path.with_suffix(path.suffix + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
