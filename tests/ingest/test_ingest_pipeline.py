"""run_ingest on a real knowledge folder: incremental, crash-safe, bad files skipped."""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from ingest_helpers import (
    BUREAU_NOTE,
    RecordingEmbeddings,
    chroma_contents,
    current_name,
    generations,
    open_retriever,
    stored_chunks,
    top_hit,
)
from pdfs import SAMPLE_PAGES, Page, encrypted_pdf, sample_pdf, text_pdf, truncated_pdf

from bot.index import layout
from bot.index.reader import IndexReader
from bot.index.writer import Manifest
from bot.ingest import chunker, pipeline, versions
from bot.ingest.chunker import chunk_document
from bot.ingest.loaders import load_note, load_pdf
from bot.ingest.pipeline import IngestReport, run_ingest
from bot.text import split_sentences

GUIDE = "publications/guide.pdf"
BUREAU = "notes/bureau.md"
OLD_MOTION = "les archives municipales de Tombouctou"
SHIPPED_FUNDING = Path(__file__).resolve().parents[2] / "knowledge" / "funding"
NEW_MOTION = "le jumelage avec la ville de Ouagadougou"


def expected_texts(knowledge: Path, *relative_paths: str) -> list[str]:
    """What ingesting these files must embed: each passage, then each of its sentences."""
    texts: list[str] = []
    for relative in relative_paths:
        loader = load_pdf if relative.endswith(".pdf") else load_note
        for chunk in chunk_document(loader(knowledge / relative, relative)):
            texts += [chunk.indexed_text, *chunk.sentence_texts()]
    return sorted(texts)


def rewrite_motion(knowledge: Path) -> None:
    note = knowledge / BUREAU
    note.write_text(BUREAU_NOTE.replace(OLD_MOTION, NEW_MOTION), encoding="utf-8")


def test_first_ingest_adds_every_file_and_makes_them_searchable(
    knowledge: Path, index_dir: Path
) -> None:
    embeddings = RecordingEmbeddings()

    report = run_ingest(knowledge, index_dir, embeddings)

    assert (sorted(report.added), report.changed, report.removed, report.skipped) == (
        [BUREAU, GUIDE],
        [],
        [],
        {},
    )
    assert report.published
    chunks = stored_chunks(index_dir)
    assert sorted({(chunk.path, chunk.page) for chunk in chunks}) == [
        (BUREAU, None),
        (GUIDE, 1),
        (GUIDE, 2),
        (GUIDE, 3),
    ]
    assert report.chunks_total == report.chunks_embedded == len(chunks)
    assert sorted(embeddings.embedded) == expected_texts(knowledge, GUIDE, BUREAU)
    guide = next(chunk for chunk in chunks if chunk.path == GUIDE)
    note = next(chunk for chunk in chunks if chunk.path == BUREAU)
    assert (guide.title, guide.kind, guide.section) == (
        "Guide des groupes pays",
        "publication",
        "Groupe pays Mali",
    )
    assert (note.title, note.kind, note.section) == ("Bureau de mars", "note", "Décisions")
    passages, _ = chroma_contents(index_dir)
    assert passages == {chunk.id: chunk.path for chunk in chunks}
    manifest = json.loads((index_dir / current_name(index_dir) / "manifest.json").read_text())
    assert manifest["format_key"] == versions.index_format_key()
    assert {path: record["chunk_ids"] for path, record in manifest["files"].items()} == {
        path: [chunk.id for chunk in chunks if chunk.path == path] for path in (BUREAU, GUIDE)
    }

    retriever = open_retriever(index_dir, embeddings)
    assert top_hit(retriever, "Qui préside le groupe pays Mali ?") == (GUIDE, 1)
    assert top_hit(retriever, "Que dit la loi Oudin-Santini sur l'eau ?") == (GUIDE, 2)
    assert top_hit(retriever, "Quand les dossiers JSI sont-ils instruits ?") == (GUIDE, 3)
    assert top_hit(retriever, "Quelle motion sur les archives de Tombouctou ?") == (BUREAU, None)


def test_re_ingesting_unchanged_files_embeds_nothing_and_publishes_nothing(
    knowledge: Path, index_dir: Path
) -> None:
    run_ingest(knowledge, index_dir, RecordingEmbeddings())
    published = current_name(index_dir)
    chunks = stored_chunks(index_dir)
    embeddings = RecordingEmbeddings()

    report = run_ingest(knowledge, index_dir, embeddings)

    assert not report.published
    assert (sorted(report.unchanged), report.added, report.changed, report.removed) == (
        [BUREAU, GUIDE],
        [],
        [],
        [],
    )
    assert (report.chunks_total, report.chunks_embedded) == (len(chunks), 0)
    assert embeddings.calls == []
    assert current_name(index_dir) == published
    assert generations(index_dir) == [published]
    assert stored_chunks(index_dir) == chunks
    assert report.summary().endswith("Nothing changed: the index was left as it was.")


def test_a_changed_note_replaces_only_its_own_chunks(knowledge: Path, index_dir: Path) -> None:
    run_ingest(knowledge, index_dir, RecordingEmbeddings())
    guide_before = [chunk for chunk in stored_chunks(index_dir) if chunk.path == GUIDE]
    rewrite_motion(knowledge)
    embeddings = RecordingEmbeddings()

    report = run_ingest(knowledge, index_dir, embeddings)

    assert (report.changed, report.unchanged, report.added, report.removed) == (
        [BUREAU],
        [GUIDE],
        [],
        [],
    )
    assert sorted(embeddings.embedded) == expected_texts(knowledge, BUREAU)
    chunks = stored_chunks(index_dir)
    assert [chunk for chunk in chunks if chunk.path == GUIDE] == guide_before
    note_texts = [chunk.text for chunk in chunks if chunk.path == BUREAU]
    assert note_texts == [f"Décisions — Le bureau adopte la motion sur {NEW_MOTION}."]
    passages, sentences = chroma_contents(index_dir)
    assert passages == {chunk.id: chunk.path for chunk in chunks}
    assert not [text for text in sentences.values() if OLD_MOTION in text]
    assert [text for text in sentences.values() if NEW_MOTION in text] == [
        f"Décisions: Décisions — Le bureau adopte la motion sur {NEW_MOTION}."
    ]
    retriever = open_retriever(index_dir, embeddings)
    assert not [chunk for chunk in retriever.chunks if OLD_MOTION in chunk.text]
    hits = retriever.search("Quelle motion sur les archives de Tombouctou ?")
    assert all(OLD_MOTION not in hit.chunk.text for hit in hits)
    assert top_hit(retriever, "Quelle motion sur le jumelage avec Ouagadougou ?") == (BUREAU, None)


def test_a_changed_pdf_page_re_embeds_that_page_only(knowledge: Path, index_dir: Path) -> None:
    run_ingest(knowledge, index_dir, RecordingEmbeddings())
    before = {chunk.page: chunk for chunk in stored_chunks(index_dir) if chunk.path == GUIDE}
    new_page = Page(
        heading="Eau et assainissement",
        lines=("La loi Oudin-Santini finance aussi l'assainissement des eaux usées.",),
    )
    text_pdf(
        knowledge / GUIDE,
        [SAMPLE_PAGES[0], new_page, SAMPLE_PAGES[2]],
        title="Guide des groupes pays",
    )
    embeddings = RecordingEmbeddings()

    report = run_ingest(knowledge, index_dir, embeddings)

    assert report.changed == [GUIDE]
    after = {chunk.page: chunk for chunk in stored_chunks(index_dir) if chunk.path == GUIDE}
    assert (after[1], after[3]) == (before[1], before[3])
    assert after[2].text == (
        "Eau et assainissement — La loi Oudin-Santini finance aussi l'assainissement "
        "des eaux usées."
    )
    assert report.chunks_embedded == 1
    assert sorted(embeddings.embedded) == sorted(
        [after[2].indexed_text, *after[2].sentence_texts()]
    )
    passages, _ = chroma_contents(index_dir)
    assert before[2].id not in passages
    assert after[2].id in passages


def test_a_note_retitled_in_its_front_matter_is_cited_under_its_new_title(
    knowledge: Path, index_dir: Path
) -> None:
    run_ingest(knowledge, index_dir, RecordingEmbeddings())
    before = _sentence_vectors(index_dir, BUREAU)
    note = knowledge / BUREAU
    note.write_text(BUREAU_NOTE.replace("Bureau de mars", "Bureau du 12 mars 2024"), "utf-8")
    embeddings = RecordingEmbeddings()

    report = run_ingest(knowledge, index_dir, embeddings)

    assert report.changed == [BUREAU]
    retriever = open_retriever(index_dir, embeddings)
    retitled = [chunk for chunk in retriever.chunks if chunk.path == BUREAU]
    assert [chunk.title for chunk in retitled] == ["Bureau du 12 mars 2024"]
    # The passage is embedded under its new title; its sentence, the same text as
    # before, keeps the vector it had (stored again with the new passage).
    assert embeddings.embedded == [retitled[0].indexed_text]
    old_sentence = [retitled[0].sentence_texts()[0]]
    assert np.array_equal(_sentence_vectors(index_dir, BUREAU), before)
    _, sentences = chroma_contents(index_dir)
    assert list(sentences.values()).count(old_sentence[0]) == 1


def test_a_deleted_file_leaves_the_index_entirely(knowledge: Path, index_dir: Path) -> None:
    run_ingest(knowledge, index_dir, RecordingEmbeddings())
    guide_ids = {chunk.id for chunk in stored_chunks(index_dir) if chunk.path == GUIDE}
    (knowledge / GUIDE).unlink()
    embeddings = RecordingEmbeddings()

    report = run_ingest(knowledge, index_dir, embeddings)

    assert (report.removed, report.unchanged, report.published) == ([GUIDE], [BUREAU], True)
    assert embeddings.calls == []
    retriever = open_retriever(index_dir, embeddings)
    assert {chunk.path for chunk in retriever.chunks} == {BUREAU}
    assert {hit.chunk.path for hit in retriever.search("Qui préside le groupe pays Mali ?")} == {
        BUREAU
    }
    passages, sentences = chroma_contents(index_dir)
    assert set(passages.values()) == {BUREAU}
    assert not [id_ for id_ in sentences if id_.split(":")[0] in guide_ids]
    manifest = Manifest.read(layout.current_generation(index_dir))
    assert set(manifest.files) == {BUREAU}


def test_bad_pdfs_are_skipped_with_their_reason_and_indexed_once_fixed(
    knowledge: Path, index_dir: Path
) -> None:
    encrypted_pdf(knowledge / "publications" / "verrouille.pdf")
    truncated_pdf(knowledge / "notes" / "coupe.pdf")

    report = run_ingest(knowledge, index_dir, RecordingEmbeddings())

    assert report.skipped == {
        "publications/verrouille.pdf": "the PDF is encrypted (password-protected)",
        "notes/coupe.pdf": "the PDF is corrupt or unreadable (Stream has ended unexpectedly)",
    }
    assert sorted(report.added) == [BUREAU, GUIDE]  # the skipped ones were not added
    assert {chunk.path for chunk in stored_chunks(index_dir)} == {BUREAU, GUIDE}
    assert "skipped publications/verrouille.pdf: the PDF is encrypted" in report.summary()

    again = run_ingest(knowledge, index_dir, RecordingEmbeddings())

    assert (again.published, again.skipped) == (False, report.skipped)

    sample_pdf(knowledge / "publications" / "verrouille.pdf", title="Guide déverrouillé")
    embeddings = RecordingEmbeddings()
    fixed = run_ingest(knowledge, index_dir, embeddings)

    assert fixed.changed == ["publications/verrouille.pdf"]
    assert fixed.skipped == {"notes/coupe.pdf": report.skipped["notes/coupe.pdf"]}
    assert sorted(embeddings.embedded) == expected_texts(knowledge, "publications/verrouille.pdf")
    assert {chunk.title for chunk in stored_chunks(index_dir)} == {
        "Bureau de mars",
        "Guide des groupes pays",
        "Guide déverrouillé",
    }


def _sentence_vectors(index_dir: Path, path: str) -> np.ndarray:
    """The stored sentence vectors of the one passage of ``path``."""
    with IndexReader.open(index_dir) as reader:
        index = [i for i, chunk in enumerate(reader.chunks()) if chunk.path == path][0]
        vectors = reader.vectors()
        return np.array(np.asarray(vectors.sentences)[np.asarray(vectors.owners) == index])


@pytest.mark.parametrize(
    "error", [RuntimeError("embedding backend crashed"), KeyboardInterrupt()], ids=repr
)
def test_a_crash_mid_ingest_leaves_the_previous_index_usable(
    knowledge: Path, index_dir: Path, error: BaseException, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_ingest(knowledge, index_dir, RecordingEmbeddings())
    published, kept = current_name(index_dir), generations(index_dir)
    chunks = stored_chunks(index_dir)
    rewrite_motion(knowledge)
    sample_pdf(knowledge / "publications" / "second.pdf")
    # One passage a batch: call 1 embeds the first and stores it in the new generation;
    # call 2 fails.
    monkeypatch.setattr(pipeline, "_EMBED_BATCH", 1)
    crashing = RecordingEmbeddings(fail_on_call=2, error=error)

    with pytest.raises(type(error)):
        run_ingest(knowledge, index_dir, crashing)

    assert len(crashing.calls) == 1
    assert current_name(index_dir) == published
    assert generations(index_dir) == kept
    assert stored_chunks(index_dir) == chunks
    retriever = open_retriever(index_dir, RecordingEmbeddings())
    assert top_hit(retriever, "Quelle motion sur les archives de Tombouctou ?") == (BUREAU, None)
    assert top_hit(retriever, "Qui préside le groupe pays Mali ?") == (GUIDE, 1)

    report = run_ingest(knowledge, index_dir, RecordingEmbeddings())

    assert (report.changed, report.added, report.published) == (
        [BUREAU],
        ["publications/second.pdf"],
        True,
    )
    assert current_name(index_dir) != published
    assert not [chunk for chunk in stored_chunks(index_dir) if OLD_MOTION in chunk.text]


def test_a_crash_during_the_first_ingest_leaves_no_index_behind(
    knowledge: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "_EMBED_BATCH", 1)  # the crash comes after a stored batch
    with pytest.raises(KeyboardInterrupt):
        run_ingest(knowledge, index_dir, RecordingEmbeddings(2, KeyboardInterrupt()))

    assert generations(index_dir) == []
    assert layout.current_generation(index_dir) is None
    with pytest.raises(layout.IndexMissingError):
        open_retriever(index_dir, RecordingEmbeddings())


class _HoldingEmbeddings(RecordingEmbeddings):
    """Stops in its first call until released: an ingest caught while holding the lock."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = threading.Event()
        self.release = threading.Event()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.inside.set()
        assert self.release.wait(timeout=60), "the test never released the first ingest"
        return super().embed_documents(texts)


def _waiting_on_lock(lock_file: Path) -> bool:
    """Whether some process or thread is blocked on ``lock_file`` (Linux /proc/locks)."""
    inode = lock_file.stat().st_ino
    return any(
        "->" in line and "FLOCK" in line and line.split()[-3].endswith(f":{inode}")
        for line in Path("/proc/locks").read_text().splitlines()
    )


def _wait_until(condition: object, what: str) -> None:
    deadline = time.monotonic() + 60  # a safety net against hanging, not an assertion on time
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.005)


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux /proc/locks")
def test_a_second_ingest_waits_for_the_first_then_finds_nothing_to_do(
    knowledge: Path, index_dir: Path
) -> None:
    first, second = _HoldingEmbeddings(), RecordingEmbeddings()
    reports: dict[str, IngestReport] = {}
    errors: list[BaseException] = []

    def ingest(name: str, embeddings: RecordingEmbeddings) -> None:
        try:
            reports[name] = run_ingest(knowledge, index_dir, embeddings)
        except BaseException as error:  # reported to the test thread below
            errors.append(error)

    threads = {
        "first": threading.Thread(target=ingest, args=("first", first)),
        "second": threading.Thread(target=ingest, args=("second", second)),
    }
    threads["first"].start()
    assert first.inside.wait(timeout=60)
    threads["second"].start()
    _wait_until(lambda: _waiting_on_lock(index_dir / ".lock"), "the second ingest waits")
    assert "second" not in reports
    first.release.set()
    for thread in threads.values():
        thread.join(timeout=120)

    assert errors == []
    assert reports["first"].published and sorted(reports["first"].added) == [BUREAU, GUIDE]
    assert not reports["second"].published
    assert sorted(reports["second"].unchanged) == [BUREAU, GUIDE]
    assert second.calls == []
    assert generations(index_dir) == [current_name(index_dir)]
    passages, _ = chroma_contents(index_dir)
    assert passages == {chunk.id: chunk.path for chunk in stored_chunks(index_dir)}


def _split_in_halves(text: str) -> list[str]:
    """Another sentence splitter: each sentence cut in two at its middle space."""
    halves = []
    for sentence in split_sentences(text):
        middle = sentence.find(" ", len(sentence) // 2)
        halves += [sentence] if middle < 0 else [sentence[:middle], sentence[middle + 1 :]]
    return halves


def test_a_changed_sentence_splitter_rebuilds_everything_and_sentences_pair_with_vectors(
    knowledge: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_ingest(knowledge, index_dir, RecordingEmbeddings())
    published, before = current_name(index_dir), stored_chunks(index_dir)
    key = versions.index_format_key()
    monkeypatch.setattr(chunker, "split_sentences", _split_in_halves)
    embeddings = RecordingEmbeddings()

    report = run_ingest(knowledge, index_dir, embeddings)

    assert versions.index_format_key() != key
    assert report.published, report.summary()
    assert sorted(report.added) == [BUREAU, GUIDE]
    assert report.chunks_embedded == report.chunks_total == len(before)
    assert current_name(index_dir) != published
    after = stored_chunks(index_dir)
    assert sum(map(len, (c.sentences for c in after))) > sum(
        map(len, (c.sentences for c in before))
    )
    for chunk in after:  # the new splitter's pieces, which make up the passage
        assert " ".join(chunk.sentences) == chunk.text
        assert all(len(piece) < len(chunk.text) for piece in chunk.sentences[1:])
    with IndexReader.open(index_dir) as index:
        assert index.vectors().pair_with(index.chunks())
    assert Manifest.read(layout.current_generation(index_dir)).format_key != key
    assert run_ingest(knowledge, index_dir, RecordingEmbeddings()).published is False


def test_a_changed_passage_size_rebuilds_everything(
    knowledge: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_ingest(knowledge, index_dir, RecordingEmbeddings())
    published = current_name(index_dir)
    monkeypatch.setattr(chunker, "TARGET_CHARS", 300)
    embeddings = RecordingEmbeddings()

    report = run_ingest(knowledge, index_dir, embeddings)

    assert report.published
    assert sorted(report.added) == [BUREAU, GUIDE]
    assert report.chunks_embedded == report.chunks_total
    assert sorted(embeddings.embedded) == expected_texts(knowledge, GUIDE, BUREAU)
    assert current_name(index_dir) != published
    assert run_ingest(knowledge, index_dir, RecordingEmbeddings()).published is False


def test_funding_fiches_are_indexed_and_a_malformed_one_is_skipped_naming_its_field(
    knowledge: Path, index_dir: Path
) -> None:
    funding = knowledge / "funding"
    funding.mkdir()
    shutil.copy(SHIPPED_FUNDING / "cncd.yaml", funding)
    broken = (SHIPPED_FUNDING / "platforma.yaml").read_text(encoding="utf-8")
    broken = re.sub(r"(?m)^last_verified: .*$", "last_verified: bientôt", broken)
    (funding / "platforma.yaml").write_text(broken, encoding="utf-8")
    embeddings = RecordingEmbeddings()

    report = run_ingest(knowledge, index_dir, embeddings)

    assert list(report.skipped) == ["funding/platforma.yaml"]
    assert report.skipped["funding/platforma.yaml"].startswith(
        "platforma.yaml: field 'last_verified': "
    )
    assert "skipped funding/platforma.yaml: platforma.yaml: field 'last_verified'" in (
        report.summary()
    )
    fiche_chunks = [chunk for chunk in stored_chunks(index_dir) if chunk.kind == "funding"]
    assert {(chunk.path, chunk.title) for chunk in fiche_chunks} == {
        ("funding/cncd.yaml", "CNCD – Commission nationale de la coopération décentralisée")
    }
    assert {chunk.path for chunk in stored_chunks(index_dir)} == {
        BUREAU,
        GUIDE,
        "funding/cncd.yaml",
    }
    retriever = open_retriever(index_dir, embeddings)
    hits = retriever.search("Qui préside la Commission nationale de la coopération décentralisée ?")
    assert hits[0].chunk.path == "funding/cncd.yaml"
