"""Reading a published generation: ``with IndexReader.open(index_dir) as index: ...``.

Opening copies nothing out of Chroma: vectors are memory-mapped from the
generation's ``.npy`` files. Only a generation written without them is read
from Chroma, whose client the ``with`` block closes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType

import numpy as np

from bot.index import layout
from bot.index.chroma import Collections, open_collections, vectors_from_chroma
from bot.index.layout import (
    CHUNKS_FILE,
    LEXICAL_DIR,
    LEXICAL_FORMAT,
    LEXICAL_TERMS,
    QUANTISED_SCALES,
    QUANTISED_VALUES,
    VECTOR_FILES,
    VECTORS_DIR,
    IndexMissingError,
)
from bot.index.postings import ARRAY_NAMES, Postings
from bot.index.quantised import QuantisedRows
from bot.index.records import Chunk, RecordError, Vectors

logger = logging.getLogger(__name__)

_OUTDATED = "the index in {} was written by an older version: run `python ingest.py`"


class IndexReader:
    """One generation's chunks, vectors and saved BM25 term frequencies."""

    def __init__(self, generation: Path) -> None:
        self.generation = generation
        self._stack = ExitStack()
        self._collections: Collections | None = None
        self._chunks: list[Chunk] | None = None

    @classmethod
    def open(cls, index_dir: Path) -> IndexReader:
        """The published generation; raises :class:`IndexMissingError` if there is none."""
        generation = layout.current_generation(index_dir)
        if generation is None:
            raise IndexMissingError(f"no index in {index_dir}: run `python ingest.py`")
        return cls(generation)

    def __enter__(self) -> IndexReader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close Chroma if it was opened (what was read stays usable)."""
        self._stack.close()
        self._collections = None

    def chunks(self) -> list[Chunk]:
        """Every chunk in ``chunks.jsonl`` order (an outdated format: ``IndexMissingError``)."""
        if self._chunks is None:
            try:
                self._chunks = read_chunks(self.generation)
            except RecordError as error:
                raise IndexMissingError(_OUTDATED.format(self.generation.parent)) from error
        return self._chunks

    def collections(self) -> Collections:
        """The generation's Chroma collections, open until :meth:`close`."""
        if self._collections is None:
            self._collections = self._stack.enter_context(open_collections(self.generation))
        return self._collections

    def vectors(self) -> Vectors:
        """The vectors of :meth:`chunks`, one per chunk and one per stored sentence."""
        chunks = self.chunks()
        vectors = read_vectors(self.generation, len(chunks))
        if vectors is None:
            vectors = vectors_from_chroma(self.collections(), chunks)
        if not vectors.pair_with(chunks):
            raise IndexMissingError(_OUTDATED.format(self.generation.parent))
        return vectors

    def quantised_vectors(self) -> tuple[QuantisedRows, QuantisedRows] | None:
        """The int8 copies of the passage and sentence vectors; ``None`` if not saved."""
        return read_quantised(self.generation, len(self.chunks()))

    def lexical_postings(self, fingerprint: str) -> Postings | None:
        """The saved BM25 term frequencies when analysed under ``fingerprint``, else ``None``."""
        return read_lexical(self.generation, fingerprint)


def readable_generation(index_dir: Path) -> Path | None:
    """The published generation if this version can read it, else ``None`` (ingest again)."""
    generation = layout.current_generation(index_dir)
    if generation is None:
        return None
    try:
        with (generation / CHUNKS_FILE).open(encoding="utf-8") as lines:
            first = next((line for line in lines if line.strip()), None)
        if first is not None:
            Chunk.from_json(json.loads(first))
    except (OSError, ValueError, TypeError):
        return None
    return generation


def read_chunks(generation: Path) -> list[Chunk]:
    return [chunk for chunk, _ in _stored_chunks(generation)]


def read_chunk_lines(generation: Path) -> list[tuple[Chunk, str]]:
    """Every chunk with its line of ``chunks.jsonl`` (a re-ingest writes the lines of the
    chunks it keeps as they were)."""
    return list(_stored_chunks(generation))


def _stored_chunks(generation: Path) -> Iterator[tuple[Chunk, str]]:
    """Each chunk of ``chunks.jsonl`` with its line, one at a time (serving keeps only the
    chunks: every line as well added 44 MB to its peak memory at 66×)."""
    path = generation / CHUNKS_FILE
    if not path.exists():
        return
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield Chunk.from_json(json.loads(line)), line.rstrip("\n")


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


def read_quantised(
    generation: Path, chunk_count: int
) -> tuple[QuantisedRows, QuantisedRows] | None:
    """The int8 copies of the passage and sentence vectors, memory-mapped, if saved."""
    folder = generation / VECTORS_DIR
    try:
        chunks, sentences = (
            QuantisedRows(
                _load_array(folder / f"{name}{QUANTISED_VALUES}.npy"),
                _load_array(folder / f"{name}{QUANTISED_SCALES}.npy"),
            )
            for name in ("chunks", "sentences")
        )
    except (OSError, ValueError):
        return None
    if len(chunks.values) != chunk_count or len(chunks.scales) != chunk_count:
        return None
    if len(sentences.values) != len(sentences.scales):
        return None
    return chunks, sentences


def _load_array(path: Path) -> np.ndarray:
    """Memory-mapped (pages are read when used, and shared between processes)."""
    try:
        return np.load(path, mmap_mode="r")
    except ValueError:  # an empty array cannot be mapped
        return np.asarray(np.load(path))


def read_lexical(generation: Path | None, fingerprint: str) -> Postings | None:
    """The saved BM25 term frequencies, memory-mapped, if saved under ``fingerprint``.

    ``None`` when there are none, when they were analysed under another fingerprint
    or written in another format, or when their arrays do not fit together.
    """
    if generation is None:
        return None
    folder = generation / LEXICAL_DIR
    try:
        described = json.loads((folder / LEXICAL_TERMS).read_text(encoding="utf-8"))
        if described.get("format") != LEXICAL_FORMAT or described.get("fingerprint") != fingerprint:
            return None
        arrays = [_load_array(folder / f"{name}.npy") for name in ARRAY_NAMES]
        postings = Postings(described["terms"], described["chunk_ids"], *arrays)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    if not postings.consistent():
        logger.warning("Ignoring the saved BM25 files of %s: they do not fit together", generation)
        return None
    return postings
