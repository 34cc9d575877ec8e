"""The ingest pipeline: discover files, load the changed ones, chunk, embed, publish.

Incremental: a file whose bytes did not change is not read again; a changed file
replaces only its own chunks; a deleted file leaves the index. All writes go to
a new index generation that is published atomically at the very end, so a
crash or Ctrl-C mid-ingest leaves the previous index untouched.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from bot.index import layout, reader, writer
from bot.index.chroma import open_collections, vectors_from_chroma
from bot.index.chroma_writer import writing_chroma
from bot.index.gathered import Gathered
from bot.index.postings import Postings
from bot.index.quantised import QuantisedRows
from bot.index.records import DIMENSION, Chunk, Vectors
from bot.index.writer import FileRecord, Manifest
from bot.ingest.chunker import chunk_document, passage_parts
from bot.ingest.documents import DocumentError, SourceDocument
from bot.ingest.fiches import load_fiche_document
from bot.ingest.loaders import load_note, load_pdf
from bot.ingest.office import OFFICE_LOADERS
from bot.ingest.versions import index_format_key
from bot.private_folder import make_private_folder
from bot.retrieval.aliases import AliasTable
from bot.retrieval.embeddings import E5Embeddings, Embeddings
from bot.retrieval.lexical import LexicalIndex, aliases_fingerprint

logger = logging.getLogger(__name__)

Loader = Callable[[Path, str], SourceDocument]

_EMBED_BATCH = 128

# Which files of the knowledge folder are indexed, and how each is read.
LOADERS: dict[tuple[str, str], Loader] = {
    ("publications", ".pdf"): load_pdf,
    ("notes", ".pdf"): load_pdf,
    ("notes", ".md"): load_note,
    ("notes", ".txt"): load_note,
    ("funding", ".yaml"): load_fiche_document,
    ("funding", ".yml"): load_fiche_document,
    **OFFICE_LOADERS,  # Word and OpenDocument notes and publications
}


@dataclass
class IngestReport:
    """What an ingest did, for the summary printed at the end."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # path → reason
    chunks_total: int = 0
    chunks_embedded: int = 0
    published: bool = False
    # Published only because BM25's saved terms were stale (aliases.yaml edited, upgrade).
    terms_reanalysed: bool = False
    seconds: float = 0.0
    # The passages of the added and changed files: the only ones with words not seen before.
    new_chunks: list[Chunk] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped; "
            f"{self.chunks_total} chunks in the index ({self.chunks_embedded} embedded now); "
            f"{self.seconds:.1f} s."
        ]
        lines += [f"skipped {path}: {reason}" for path, reason in sorted(self.skipped.items())]
        if not self.published:
            lines.append("Nothing changed: the index was left as it was.")
        elif self.terms_reanalysed:
            lines.append(
                "Every passage's BM25 terms analysed again: aliases.yaml was edited,"
                " or an upgrade saves them differently."
            )
        return "\n".join(lines)


def discover(knowledge_dir: Path) -> dict[str, tuple[Path, Loader]]:
    """Every indexable file, keyed by its path relative to the knowledge folder."""
    found: dict[str, tuple[Path, Loader]] = {}
    for (folder, suffix), loader in LOADERS.items():
        for path in sorted((knowledge_dir / folder).rglob(f"*{suffix}")):
            if path.is_file() and not path.name.startswith("."):
                found[path.relative_to(knowledge_dir).as_posix()] = (path, loader)
    return found


def run_ingest(
    knowledge_dir: Path,
    index_dir: Path,
    embeddings: Embeddings | None = None,
    show_progress: bool = False,
) -> IngestReport:
    """Bring the index in ``index_dir`` up to date with ``knowledge_dir``."""
    started = time.perf_counter()
    report = IngestReport()
    with _exclusive_lock(index_dir):
        layout.discard_unfinished_generations(index_dir)  # leftovers of a killed ingest
        base = layout.current_generation(index_dir)
        previous = Manifest.read(base)
        key = index_format_key(_late_sentences(embeddings))
        if previous.format_key != key:
            previous, base = Manifest(), None  # other code made it: rebuild from scratch
        files = discover(knowledge_dir)
        hashes: dict[str, str] = {}
        for relative, (path, _loader) in list(files.items()):
            try:
                hashes[relative] = _sha256(path)
            except OSError as error:  # unreadable: named, skipped, never fatal
                reason = f"cannot read the file ({error.strerror})"
                logger.warning("Skipped %s: %s", relative, reason)
                report.skipped[relative] = reason
                del files[relative]
        manifest = Manifest(format_key=key)
        to_load: list[str] = []
        for relative, digest in hashes.items():
            record = previous.files.get(relative)
            if record is not None and record.sha256 == digest:
                manifest.files[relative] = record
                if record.skipped_reason:
                    report.skipped[relative] = record.skipped_reason
                else:
                    report.unchanged.append(relative)
            else:
                to_load.append(relative)
        report.removed = sorted(set(previous.files) - set(files))
        aliases = AliasTable.load(knowledge_dir / "aliases.yaml")
        # Edited aliases (or a new BM25 format) change every chunk's terms: rewritten even
        # when no file changed, else every start would analyse the whole corpus again.
        if not to_load and not report.removed and base is not None:
            if reader.read_lexical(base, aliases_fingerprint(aliases)) is not None:
                report.chunks_total = sum(len(file.chunk_ids) for file in manifest.files.values())
                report.seconds = time.perf_counter() - started
                return report
            report.terms_reanalysed = True

        new_chunks: list[Chunk] = []
        for relative in tqdm(to_load, desc="Reading", unit="file", disable=not show_progress):
            path, loader = files[relative]
            try:
                chunks = chunk_document(loader(path, relative))
            except Exception as error:  # one bad file never stops the ingest
                reason = (
                    str(error)
                    if isinstance(error, DocumentError)
                    else (f"unreadable ({type(error).__name__}: {error})")
                )
                logger.warning("Skipped %s: %s", relative, reason)
                report.skipped[relative] = reason
                manifest.files[relative] = FileRecord(hashes[relative], [], reason)
                continue
            (report.changed if relative in previous.files else report.added).append(relative)
            new_chunks.extend(chunks)
            manifest.files[relative] = FileRecord(hashes[relative], [chunk.id for chunk in chunks])

        with writer.writing(index_dir, base) as generation:
            report.chunks_embedded, report.chunks_total = _write_generation(
                generation,
                base,
                previous,
                manifest,
                new_chunks,
                embeddings or E5Embeddings(cache_dir=layout.models_dir(index_dir)),
                aliases,
                show_progress,
            )
        report.published = True
        report.new_chunks = new_chunks
    report.seconds = time.perf_counter() - started
    return report


def _write_generation(
    generation: Path,
    base: Path | None,
    copied: Manifest,
    manifest: Manifest,
    new_chunks: list[Chunk],
    embeddings: Embeddings,
    aliases: AliasTable,
    show_progress: bool,
) -> tuple[int, int]:
    """Fill ``generation`` (a copy of ``base``, whose manifest is ``copied``) so that it
    matches ``manifest``."""
    wanted_ids = {chunk_id for record in manifest.files.values() for chunk_id in record.chunk_ids}
    # The copied generation's Chroma holds exactly the chunks its manifest lists (asking
    # Chroma for every id instead costs a second at 20x the shipped knowledge). The child
    # process writing Chroma starts first: it works while this one reads and embeds.
    stored_ids = {chunk_id for record in copied.files.values() for chunk_id in record.chunk_ids}
    saved, stored = _copied_vectors(generation, len(stored_ids))
    quantised = _copied_quantised(generation, saved)
    progress = tqdm(desc="Embedding", unit="chunk", disable=not show_progress)
    with writing_chroma(generation, sorted(stored_ids - wanted_ids)) as chroma, progress as bar:
        lines: dict[str, str] = {}  # a kept chunk's line is written again as it was
        if stored is None:
            stored_lines = reader.read_chunk_lines(generation)
            stored = [chunk for chunk, _ in stored_lines]
            lines = {chunk.id: line for chunk, line in stored_lines}
        reread = {chunk.id: chunk for chunk in new_chunks}
        # A stored chunk is kept only if its file, when re-read, gave it back unchanged:
        # the same text under a new title or section must be stored (and embedded) anew.
        kept = [
            chunk
            for chunk in stored
            if chunk.id in wanted_ids and reread.get(chunk.id, chunk) == chunk
        ]
        kept_ids = {chunk.id for chunk in kept}
        to_embed = [chunk for chunk in new_chunks if chunk.id not in kept_ids]
        # Written first, while the child loads Chroma's indexes on the other core.
        all_chunks = sorted(kept + to_embed, key=lambda chunk: (chunk.path, chunk.position))
        kept_lines = {chunk.id: lines[chunk.id] for chunk in kept if chunk.id in lines}
        writer.write_chunks(generation, all_chunks, kept_lines)
        _write_lexical(generation, base, all_chunks, {chunk.id for chunk in to_embed}, aliases)
        bar.reset(total=len(to_embed))
        vectors = _StoredVectors(saved, stored, quantised)
        known = {} if _late_sentences(embeddings) else vectors.by_text(stored, kept_ids)
        for start in range(0, len(to_embed), _EMBED_BATCH):
            batch = to_embed[start : start + _EMBED_BATCH]
            passage_vectors, sentence_rows = _embed(batch, embeddings, known)
            chroma.add(batch, passage_vectors, sentence_rows)
            for chunk, vector, rows in zip(batch, passage_vectors, sentence_rows, strict=True):
                vectors.add(chunk, vector, rows)
            bar.update(len(batch))
        # Written while the child makes its last writes and closes the collections.
        vectors.write(generation, all_chunks)
    manifest.write(generation)
    return len(to_embed), len(all_chunks)


def _copied_vectors(generation: Path, count: int) -> tuple[Vectors, list[Chunk] | None]:
    """The copied generation's ``count`` chunks' vectors, and the chunks if they had to be
    read for them (a generation written before its vectors were saved beside Chroma)."""
    saved = reader.read_vectors(generation, count) if count else Vectors.empty()
    if saved is not None:
        return saved, None
    stored = reader.read_chunks(generation)
    with open_collections(generation) as collections:
        return vectors_from_chroma(collections, stored), stored


def _copied_quantised(
    generation: Path, saved: Vectors
) -> tuple[QuantisedRows, QuantisedRows] | None:
    """The int8 copies of the copied generation's vectors, if saved and matching them."""
    quantised = reader.read_quantised(generation, len(saved.chunks)) if len(saved.chunks) else None
    if quantised is None or len(quantised[1].values) != len(saved.sentences):
        return None
    return quantised


class _StoredVectors:
    """Every chunk's vector and its sentences' vectors: the copied generation's, then new ones.

    Rows are gathered by index when the generation is written (:mod:`bot.index.gathered`),
    instead of copying each chunk's rows one by one (a second at 66× the shipped knowledge).
    """

    def __init__(
        self,
        saved: Vectors,
        chunks: list[Chunk],
        quantised: tuple[QuantisedRows, QuantisedRows] | None = None,
    ) -> None:
        self._quantised = quantised
        # ``asanyarray``: a memory-mapped file stays one, for its rows to be copied from it.
        self._chunk_parts: list[np.ndarray] = [np.asanyarray(saved.chunks, np.float32)]
        self._sentence_parts: list[np.ndarray] = [np.asanyarray(saved.sentences, np.float32)]
        self._chunk_count = len(chunks)
        self._sentence_count = len(saved.sentences)
        owners = np.asarray(saved.owners, np.int64)
        starts = np.searchsorted(owners, np.arange(len(chunks) + 1))
        # chunk id → (its row in the chunk vectors, its first and end rows in the sentences)
        self._rows: dict[str, tuple[int, int, int]] = {
            chunk.id: (index, int(starts[index]), int(starts[index + 1]))
            for index, chunk in enumerate(chunks)
        }

    def add(self, chunk: Chunk, vector: np.ndarray, sentences: np.ndarray) -> None:
        self._chunk_parts.append(np.asarray(vector, np.float32).reshape(1, DIMENSION))
        self._sentence_parts.append(np.asarray(sentences, np.float32).reshape(-1, DIMENSION))
        first = self._sentence_count
        self._sentence_count += len(sentences)
        self._rows[chunk.id] = (self._chunk_count, first, self._sentence_count)
        self._chunk_count += 1

    def chunk_vector(self, chunk_id: str) -> np.ndarray:
        row, _, _ = self._rows[chunk_id]
        return self._all_chunks()[row]

    def sentence_vectors(self, chunk_id: str) -> np.ndarray:
        _, first, end = self._rows[chunk_id]
        return self._all_sentences()[first:end]

    def _all_chunks(self) -> np.ndarray:
        if len(self._chunk_parts) > 1:
            self._chunk_parts = [np.concatenate(self._chunk_parts)]
        return self._chunk_parts[0]

    def _all_sentences(self) -> np.ndarray:
        if len(self._sentence_parts) > 1:
            self._sentence_parts = [np.concatenate(self._sentence_parts)]
        return self._sentence_parts[0]

    def by_text(self, chunks: list[Chunk], kept_ids: set[str]) -> dict[str, np.ndarray]:
        """The vectors of the texts of chunks that are being replaced, by text.

        A changed file mostly brings back sentences it had (under a new title, or
        beside an edited one): each is embedded exactly as before, so its vector is
        re-used instead of computed again (not with late sentences, whose vectors
        depend on their passage).
        """
        known: dict[str, np.ndarray] = {}
        for chunk in chunks:
            if chunk.id in kept_ids:
                continue
            known[chunk.indexed_text] = self.chunk_vector(chunk.id)
            sentences = self.sentence_vectors(chunk.id)
            known.update(zip(chunk.sentence_texts(), sentences, strict=True))
        return known

    def write(self, generation: Path, chunks: list[Chunk]) -> None:
        """Save the vectors of ``chunks``, in their order, to ``generation``.

        The copied generation's rows are gathered from its files, and so are their int8
        copies when saved: only new rows are quantised (quantising every row again took
        0.2 s at 66× the shipped knowledge).
        """
        rows = np.array([self._rows[chunk.id] for chunk in chunks], dtype=np.int64).reshape(-1, 3)
        counts = rows[:, 2] - rows[:, 1]
        # Each chunk's sentence rows, chunk after chunk: first + 0, first + 1, … end - 1.
        offsets = np.repeat(rows[:, 1] - (np.cumsum(counts) - counts), counts)
        sentence_rows = offsets + np.arange(int(counts.sum()))
        chunk_vectors = Gathered(_in_two(self._chunk_parts), rows[:, 0])
        sentence_vectors = Gathered(_in_two(self._sentence_parts), sentence_rows)
        quantised = None
        if self._quantised is not None:
            base_chunks, base_sentences = self._quantised
            quantised = (
                _quantised_rows(base_chunks, chunk_vectors),
                _quantised_rows(base_sentences, sentence_vectors),
            )
        owners = np.repeat(np.arange(len(chunks)), counts)
        writer.write_vectors(generation, chunk_vectors, sentence_vectors, owners, quantised)


def _quantised_rows(base: QuantisedRows, vectors: Gathered) -> tuple[Gathered, Gathered]:
    """The int8 values and scales of ``vectors``, whose first rows ``base`` quantises
    already: only the rows after them are quantised."""
    copied = len(base.values)
    everything = sum(len(part) for part in vectors.parts)
    new = QuantisedRows.of(Gathered(vectors.parts, np.arange(copied, everything)).array())
    return (
        Gathered([base.values, new.values], vectors.rows),
        Gathered([base.scales, new.scales], vectors.rows),
    )


def _in_two(parts: list[np.ndarray]) -> list[np.ndarray]:
    """The copied generation's rows, then every new row in one array."""
    return parts[:1] + [np.concatenate(parts[1:])] if len(parts) > 2 else parts


def _late_sentences(embeddings: Embeddings | None) -> bool:
    return isinstance(embeddings, E5Embeddings) and embeddings.late_sentences


def _embed(
    chunks: list[Chunk], embeddings: Embeddings, known: dict[str, np.ndarray] | None = None
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Each passage's vector and its sentences' vectors (one row per sentence).

    A text found in ``known`` (text → vector, embedded the same way) is not embedded again.

    By default each sentence is embedded as a text of its own. With late sentences
    (``CUF_SENTENCE_VECTORS=late``), a sentence's vector is pooled from its passage's
    forward pass: half the tokens, the sentence read in its context; a passage whose
    sentences cannot be located in its text is still embedded the default way.
    """
    late = _late_sentences(embeddings)
    parts = [passage_parts(chunk) if late else None for chunk in chunks]
    passage_vectors = np.zeros((len(chunks), DIMENSION), np.float32)
    sentence_rows = [np.zeros((0, DIMENSION), np.float32) for _ in chunks]
    in_parts = [index for index, split in enumerate(parts) if split is not None]
    if in_parts:
        assert isinstance(embeddings, E5Embeddings)
        late_vectors, part_rows = embeddings.embed_in_parts([parts[i] or [] for i in in_parts])
        for index, vector, rows in zip(in_parts, late_vectors, part_rows, strict=True):
            passage_vectors[index] = vector
            sentence_rows[index] = rows[1:]  # part 0 is the heading
    apart = [index for index, split in enumerate(parts) if split is None]
    if apart:
        # Passages and sentences in one call, so that its batches share the cores.
        sentences = [(i, text) for i in apart for text in chunks[i].sentence_texts()]
        texts = [chunks[index].indexed_text for index in apart] + [text for _, text in sentences]
        embedded = _embed_unknown(texts, embeddings, known or {})
        passage_vectors[apart] = embedded[: len(apart)]
        sentence_vectors = embedded[len(apart) :]
        owners = np.array([index for index, _ in sentences], dtype=np.int64)
        for index in apart:
            sentence_rows[index] = sentence_vectors[owners == index]
    return passage_vectors, sentence_rows


def _embed_unknown(
    texts: list[str], embeddings: Embeddings, known: dict[str, np.ndarray]
) -> np.ndarray:
    """The vectors of ``texts``, embedding only those ``known`` lacks."""
    vectors = np.zeros((len(texts), DIMENSION), np.float32)
    unknown = [index for index, text in enumerate(texts) if text not in known]
    for index, text in enumerate(texts):
        if text in known:
            vectors[index] = known[text]
    if unknown:
        vectors[unknown] = _vectors(embeddings.embed_documents([texts[i] for i in unknown]))
    return vectors


def _write_lexical(
    generation: Path,
    base: Path | None,
    chunks: list[Chunk],
    fresh: set[str],
    aliases: AliasTable,
) -> None:
    """Save BM25's term frequencies: ``base``'s rows for unchanged chunks, new rows for the rest.

    Only the ``fresh`` chunks (stored anew) and those ``base`` lacks are analysed.
    """
    fingerprint = aliases_fingerprint(aliases)
    previous = reader.read_lexical(base, fingerprint)
    saved = set(previous.chunk_ids) if previous is not None else set()
    analyser = LexicalIndex([], aliases)
    terms = [
        None if chunk.id in saved and chunk.id not in fresh else analyser.analyze_chunk(chunk)
        for chunk in chunks
    ]
    ids = [chunk.id for chunk in chunks]
    try:
        postings = Postings.of(ids, terms, previous)
    except (IndexError, ValueError) as error:  # saved files that do not fit: analyse all
        logger.warning("Rebuilding BM25 from every chunk: %s", error)
        postings = Postings.of(ids, [analyser.analyze_chunk(chunk) for chunk in chunks])
    writer.write_lexical(generation, postings, fingerprint)


def _vectors(vectors: list[list[float]]) -> np.ndarray:
    return np.asarray(vectors, dtype=np.float32).reshape(-1, DIMENSION)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextmanager
def _exclusive_lock(index_dir: Path) -> Iterator[None]:
    """One ingest at a time per index folder (a second one waits)."""
    make_private_folder(index_dir)
    with (index_dir / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
