"""Each generation saves its vectors and BM25's term frequencies (.npy); opening reads them."""

from __future__ import annotations

import json
import shutil
from dataclasses import astuple
from pathlib import Path

import numpy as np
import pytest
from ingest_helpers import BUREAU_NOTE, RecordingEmbeddings, open_retriever

from bot.index import layout
from bot.index.quantised import QuantisedRows
from bot.index.reader import (
    IndexReader,
    read_lexical,
    read_quantised,
    read_vectors,
    readable_generation,
)
from bot.index.records import DIMENSION, Vectors
from bot.ingest.pipeline import run_ingest
from bot.retrieval.aliases import AliasTable
from bot.retrieval.lexical import LexicalIndex, aliases_fingerprint
from bot.retrieval.retriever import Retriever

QUESTIONS = [
    "Qui préside le groupe pays Mali ?",
    "Quelle motion le bureau a-t-il adoptée ?",
    "archives municipales de Tombouctou",
]


def ranking(retriever: Retriever, question: str) -> list[tuple[str, float]]:
    return [(hit.chunk.id, hit.score) for hit in retriever.search(question, k=5)]


def same_ranking(first: list[tuple[str, float]], second: list[tuple[str, float]]) -> bool:
    """The same passages in the same order, with scores equal up to float32 rounding."""
    return [key for key, _ in first] == [key for key, _ in second] and np.allclose(
        [score for _, score in first], [score for _, score in second], atol=1e-4
    )


@pytest.fixture
def embeddings() -> RecordingEmbeddings:
    return RecordingEmbeddings()


def ingest_then_edit_the_note(
    knowledge: Path, index_dir: Path, embeddings: RecordingEmbeddings, old: str, new: str
) -> None:
    """Ingest, write ``new`` for ``old`` in the bureau's note, ingest again."""
    run_ingest(knowledge, index_dir, embeddings)
    note = knowledge / "notes" / "bureau.md"
    note.write_text(BUREAU_NOTE.replace(old, new), encoding="utf-8")
    run_ingest(knowledge, index_dir, embeddings)


def test_the_index_opens_from_its_saved_files_without_chroma(
    knowledge: Path, index_dir: Path, embeddings: RecordingEmbeddings
) -> None:
    run_ingest(knowledge, index_dir, embeddings)
    before = open_retriever(index_dir, embeddings)
    generation = layout.current_generation(index_dir)
    assert generation is not None
    saved = read_vectors(generation, len(before.chunks))
    assert saved is not None
    assert not saved.chunks.flags.owndata  # memory-mapped, not copied
    assert saved.chunks.shape == (len(before.chunks), DIMENSION)
    assert len(saved.sentences) == sum(len(c.sentence_texts()) for c in before.chunks)

    quantised = read_quantised(generation, len(before.chunks))
    assert quantised is not None and quantised[0].values.dtype == np.int8
    assert len(quantised[1].values) == len(saved.sentences)

    shutil.rmtree(generation / layout.CHROMA_DIR)  # nothing may need Chroma to answer
    after = open_retriever(index_dir, embeddings)

    for question in QUESTIONS:
        assert ranking(after, question) == ranking(before, question)


def test_a_generation_without_saved_files_is_read_from_chroma_as_before(
    knowledge: Path, index_dir: Path, embeddings: RecordingEmbeddings
) -> None:
    run_ingest(knowledge, index_dir, embeddings)
    saved = open_retriever(index_dir, embeddings)
    generation = layout.current_generation(index_dir)
    assert generation is not None
    with IndexReader.open(index_dir) as index:
        saved_vectors = index.vectors()
        saved_vectors = Vectors(*(np.array(array) for array in astuple(saved_vectors)))

    shutil.rmtree(generation / layout.VECTORS_DIR)
    shutil.rmtree(generation / layout.LEXICAL_DIR)
    from_chroma = open_retriever(index_dir, embeddings)
    with IndexReader.open(index_dir) as index:
        chroma_vectors = index.vectors()
        assert index.quantised_vectors() is None

    assert np.allclose(chroma_vectors.chunks, saved_vectors.chunks)
    assert np.allclose(chroma_vectors.sentences, saved_vectors.sentences)
    assert list(chroma_vectors.owners) == list(saved_vectors.owners)
    for question in QUESTIONS:
        assert same_ranking(ranking(from_chroma, question), ranking(saved, question))


def test_an_index_written_before_sentences_were_stored_is_refused_then_rebuilt(
    knowledge: Path, index_dir: Path, embeddings: RecordingEmbeddings
) -> None:
    run_ingest(knowledge, index_dir, embeddings)
    generation = layout.current_generation(index_dir)
    assert generation is not None
    chunks_file = generation / layout.CHUNKS_FILE
    old_records = []
    for line in chunks_file.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        del record["sentences"]  # the format before bot/index
        old_records.append(json.dumps(record, ensure_ascii=False))
    chunks_file.write_text("\n".join(old_records) + "\n", encoding="utf-8")
    manifest = json.loads((generation / layout.MANIFEST_FILE).read_text(encoding="utf-8"))
    manifest["pipeline_version"] = manifest.pop("format_key")
    (generation / layout.MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")

    with pytest.raises(layout.IndexMissingError, match="older version"):
        open_retriever(index_dir, embeddings)
    assert readable_generation(index_dir) is None  # `python -m bot run` ingests again

    report = run_ingest(knowledge, index_dir, RecordingEmbeddings())

    assert report.published and report.chunks_embedded == report.chunks_total
    assert readable_generation(index_dir) == layout.current_generation(index_dir)
    assert open_retriever(index_dir, embeddings).search(QUESTIONS[2], k=1)


def same_bm25(saved: LexicalIndex, rebuilt: LexicalIndex, questions: list[str]) -> bool:
    """The same vocabulary, and scores equal to the last bit."""
    return saved.vocabulary == rebuilt.vocabulary and all(
        np.array_equal(saved.all_scores(question), rebuilt.all_scores(question))
        for question in questions
    )


def test_after_a_note_changes_the_saved_bm25_equals_one_built_from_scratch(
    knowledge: Path, index_dir: Path, embeddings: RecordingEmbeddings
) -> None:
    ingest_then_edit_the_note(knowledge, index_dir, embeddings, "Tombouctou", "Ouagadougou")

    retriever = open_retriever(index_dir, embeddings)
    rebuilt = LexicalIndex(retriever.chunks, AliasTable(()))
    assert retriever.lexical.postings.rows.base is not None  # read from the saved files
    assert same_bm25(retriever.lexical, rebuilt, [*QUESTIONS, "archives de Ouagadougou"])
    assert "ouagadougou" in retriever.lexical.vocabulary
    assert "tombouctou" not in retriever.lexical.vocabulary


def test_after_a_note_changes_the_int8_copies_equal_the_vectors_quantised_anew(
    knowledge: Path, index_dir: Path, embeddings: RecordingEmbeddings
) -> None:
    ingest_then_edit_the_note(knowledge, index_dir, embeddings, "Tombouctou", "Ouagadougou")

    generation = layout.current_generation(index_dir)
    assert generation is not None
    chunk_count = len(IndexReader.open(index_dir).chunks())
    saved = read_vectors(generation, chunk_count)
    quantised = read_quantised(generation, chunk_count)
    assert saved is not None and quantised is not None
    for rows, matrix in zip(quantised, (saved.chunks, saved.sentences), strict=True):
        anew = QuantisedRows.of(np.asarray(matrix))
        assert np.array_equal(rows.values, anew.values)
        assert np.array_equal(rows.scales, anew.scales)


def test_a_retitled_note_is_analysed_again_though_its_passages_keep_their_ids(
    knowledge: Path, index_dir: Path, embeddings: RecordingEmbeddings
) -> None:
    """A passage's id hashes its text, not its title: the saved row must not be re-used."""
    run_ingest(knowledge, index_dir, embeddings)
    before = {chunk.id for chunk in open_retriever(index_dir, embeddings).chunks}
    note = knowledge / "notes" / "bureau.md"
    note.write_text(BUREAU_NOTE.replace("Bureau de mars", "Conseil de Zanzibar"), "utf-8")
    run_ingest(knowledge, index_dir, embeddings)

    retriever = open_retriever(index_dir, embeddings)
    assert {chunk.id for chunk in retriever.chunks} == before
    assert "zanzibar" in retriever.lexical.vocabulary
    rebuilt = LexicalIndex(retriever.chunks, AliasTable(()))
    assert same_bm25(retriever.lexical, rebuilt, [*QUESTIONS, "conseil de Zanzibar"])


def test_bm25_files_analysed_under_other_aliases_are_rebuilt_by_the_next_ingest(
    knowledge: Path, index_dir: Path, embeddings: RecordingEmbeddings
) -> None:
    run_ingest(knowledge, index_dir, embeddings)
    (knowledge / "aliases.yaml").write_text(
        "acronyms:\n  - [GPM, groupe pays Mali]\n", encoding="utf-8"
    )
    aliases = AliasTable.load(knowledge / "aliases.yaml")
    assert "gpm" in aliases.canonicalize("le groupe pays Mali")
    note = knowledge / "notes" / "bureau.md"
    note.write_text(BUREAU_NOTE.replace("motion", "motion urgente"), encoding="utf-8")
    run_ingest(knowledge, index_dir, embeddings)

    generation = layout.current_generation(index_dir)
    assert read_lexical(generation, aliases_fingerprint(aliases)) is not None
    assert read_lexical(generation, aliases_fingerprint(AliasTable(()))) is None
    retriever = Retriever.open(index_dir, aliases, embeddings)
    assert "gpm" in retriever.lexical.vocabulary  # the unchanged guide was analysed again
    rebuilt = LexicalIndex(retriever.chunks, aliases)
    assert same_bm25(retriever.lexical, rebuilt, [*QUESTIONS, "Qui préside le GPM ?"])


def test_edited_aliases_alone_make_the_next_ingest_rewrite_bm25(
    knowledge: Path, index_dir: Path, embeddings: RecordingEmbeddings
) -> None:
    """No document changed, but every start would analyse the corpus again: rewritten."""
    run_ingest(knowledge, index_dir, embeddings)
    before = layout.current_generation(index_dir)
    (knowledge / "aliases.yaml").write_text(
        "acronyms:\n  - [GPM, groupe pays Mali]\n", encoding="utf-8"
    )
    aliases = AliasTable.load(knowledge / "aliases.yaml")

    report = run_ingest(knowledge, index_dir, embeddings)

    generation = layout.current_generation(index_dir)
    assert report.published and generation != before
    assert "BM25 terms analysed again: aliases.yaml was edited" in report.summary()
    assert read_lexical(generation, aliases_fingerprint(aliases)) is not None
    assert not run_ingest(knowledge, index_dir, embeddings).published  # now up to date


def test_saved_bm25_files_of_other_chunks_are_not_used(
    knowledge: Path, index_dir: Path, embeddings: RecordingEmbeddings
) -> None:
    ingest_then_edit_the_note(knowledge, index_dir, embeddings, "Tombouctou", "Ouagadougou")
    current, previous = layout.current_generation(index_dir), layout.previous_generation(index_dir)
    assert current is not None and previous is not None
    shutil.rmtree(current / layout.LEXICAL_DIR)  # the files of the generation before
    shutil.copytree(previous / layout.LEXICAL_DIR, current / layout.LEXICAL_DIR)

    retriever = open_retriever(index_dir, embeddings)

    assert "ouagadougou" in retriever.lexical.vocabulary  # built from the chunks instead
    rebuilt = LexicalIndex(retriever.chunks, AliasTable(()))
    assert same_bm25(retriever.lexical, rebuilt, [*QUESTIONS, "archives de Ouagadougou"])


def test_bm25_saved_under_other_aliases_is_rebuilt_with_the_current_ones(
    knowledge: Path, index_dir: Path, embeddings: RecordingEmbeddings
) -> None:
    run_ingest(knowledge, index_dir, embeddings)  # no aliases.yaml in this folder
    aliases = AliasTable(groups=(), canonical=(("archives municipales", "amx"),))

    retriever = Retriever.open(index_dir, aliases, embeddings)

    assert "amx" in retriever.lexical.vocabulary  # analysed with the table given now
    assert retriever.search("amx de Tombouctou", k=1)[0].chunk.path == "notes/bureau.md"


def test_the_int8_scan_ranks_as_the_float32_vectors_do(
    knowledge: Path, index_dir: Path, embeddings: RecordingEmbeddings
) -> None:
    """Hits and their scores match a scan of the float32 vectors; hits report exact similarities."""
    run_ingest(knowledge, index_dir, embeddings)
    scanned = open_retriever(index_dir, embeddings)
    with IndexReader.open(index_dir) as index:
        vectors = index.vectors()
        chunks = index.chunks()
        unscaled = [
            QuantisedRows(np.array(matrix), np.ones(len(matrix), np.float32))
            for matrix in (vectors.chunks, vectors.sentences)
        ]
        exact = Retriever(
            chunks,
            vectors.chunks,
            vectors.sentences,
            vectors.owners,
            embeddings,
            scanned.aliases,
            quantised=(unscaled[0], unscaled[1]),
        )
        for question in QUESTIONS:
            assert same_ranking(ranking(scanned, question), ranking(exact, question))
            query = np.asarray(embeddings.embed_query(question), np.float32)
            for hit in scanned.search(question, k=5):
                rows = np.asarray(vectors.owners) == chunks.index(hit.chunk)
                expected = np.asarray(vectors.sentences)[rows] @ query
                assert np.allclose(hit.sentence_similarities, expected, atol=1e-6)
