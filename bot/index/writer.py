"""Writing a generation: its manifest, chunks, vectors and lexical files; then publishing it."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from bot.index import layout
from bot.index.gathered import Gathered
from bot.index.layout import (
    CHUNKS_FILE,
    LEXICAL_DIR,
    LEXICAL_FORMAT,
    LEXICAL_TERMS,
    MANIFEST_FILE,
    QUANTISED_SCALES,
    QUANTISED_VALUES,
    VECTOR_FILES,
    VECTORS_DIR,
)
from bot.index.postings import Postings
from bot.index.quantised import QuantisedRows
from bot.index.records import Chunk


@dataclass
class FileRecord:
    sha256: str
    chunk_ids: list[str] = field(default_factory=list)
    skipped_reason: str | None = None


@dataclass
class Manifest:
    """Which file gave which chunks, under which format key (see :mod:`bot.index.format`)."""

    format_key: str = ""
    files: dict[str, FileRecord] = field(default_factory=dict)

    @classmethod
    def read(cls, generation: Path | None) -> Manifest:
        if generation is None or not (generation / MANIFEST_FILE).exists():
            return cls()
        data = json.loads((generation / MANIFEST_FILE).read_text(encoding="utf-8"))
        files = {path: FileRecord(**record) for path, record in data["files"].items()}
        return cls(format_key=data.get("format_key", ""), files=files)

    def write(self, generation: Path) -> None:
        data = {
            "format_key": self.format_key,
            "files": {path: asdict(record) for path, record in sorted(self.files.items())},
        }
        layout.write_durably(
            generation / MANIFEST_FILE, json.dumps(data, ensure_ascii=False, indent=1)
        )


@contextmanager
def writing(index_dir: Path, base: Path | None) -> Iterator[Path]:
    """A new generation (a copy of ``base``), published if the block ends without error.

    Any exception, Ctrl-C included, deletes the unfinished generation and leaves
    the published one as it was; after publishing, generations older than the
    previous one are deleted.
    """
    generation = layout.new_generation(index_dir, base)
    try:
        yield generation
        layout.publish_generation(index_dir, generation)
    except BaseException:
        layout.discard_generation(generation)
        raise
    layout.remove_stale_generations(index_dir)


def write_chunks(
    generation: Path, chunks: list[Chunk], stored_lines: Mapping[str, str] | None = None
) -> None:
    """``chunks.jsonl``; a chunk in ``stored_lines`` (by id) is written as that line."""
    known = stored_lines or {}
    lines = (
        known.get(chunk.id) or json.dumps(chunk.to_json(), ensure_ascii=False) for chunk in chunks
    )
    layout.write_durably(generation / CHUNKS_FILE, "\n".join(lines) + "\n")


def write_vectors(
    generation: Path,
    chunks: Gathered,
    sentences: Gathered,
    owners: np.ndarray,
    quantised: tuple[tuple[Gathered, Gathered], tuple[Gathered, Gathered]] | None = None,
) -> None:
    """The float32 vectors, and their int8 copies that every question scans.

    ``quantised`` gives the int8 values and scales of the passages and of the sentences
    when they can be gathered too (else the vectors are quantised here).
    """
    folder = generation / VECTORS_DIR
    folder.mkdir(exist_ok=True)
    arrays: dict[str, np.ndarray | Gathered] = dict(
        zip(VECTOR_FILES, (chunks, sentences, np.asarray(owners, np.int64)), strict=True)
    )
    pairs: Sequence[tuple[np.ndarray | Gathered, np.ndarray | Gathered]]
    if quantised is None:
        made = [QuantisedRows.of(rows.array()) for rows in (chunks, sentences)]
        pairs = [(rows.values, rows.scales) for rows in made]
    else:
        pairs = quantised
    for name, (values, scales) in zip(("chunks", "sentences"), pairs, strict=True):
        arrays[f"{name}{QUANTISED_VALUES}"] = values
        arrays[f"{name}{QUANTISED_SCALES}"] = scales
    for name, array in arrays.items():
        _save_array(folder / f"{name}.npy", array)


def write_lexical(generation: Path, postings: Postings, fingerprint: str) -> None:
    """Save the BM25 term frequencies: ``.npy`` arrays and a JSON of terms and chunk ids.

    ``fingerprint`` names what the chunks were analysed with; a reader asking with
    another one gets nothing back. The files are written to a folder of their own,
    which then replaces ``lexical/`` whole (the copied generation's files, an older
    format's included, are only unlinked: ``base`` keeps them).
    """
    folder = generation / LEXICAL_DIR
    staging = generation / f"{LEXICAL_DIR}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    for name, array in postings.arrays().items():
        _save_array(staging / f"{name}.npy", array)
    described = {
        "format": LEXICAL_FORMAT,
        "fingerprint": fingerprint,
        "chunk_ids": postings.chunk_ids,
        "terms": postings.terms,
    }
    layout.write_durably(staging / LEXICAL_TERMS, json.dumps(described, ensure_ascii=False))
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(staging, folder)


def _save_array(path: Path, array: np.ndarray | Gathered) -> None:
    """Write ``array`` aside, flush it to disk, then rename it to ``path``."""
    temporary = path.with_name(f"{path.stem}.tmp.npy")
    with temporary.open("wb") as handle:
        if isinstance(array, Gathered):
            array.save(handle)
        else:
            np.save(handle, array)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
