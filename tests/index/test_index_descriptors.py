"""Re-indexing in a long-running process leaves no descriptor on deleted index files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from bot.app import Services
from bot.index import layout
from bot.index.chroma import open_collections
from bot.index.reader import IndexReader
from bot.retrieval.embeddings import E5Embeddings
from bot.settings import Settings

REPO = Path(__file__).resolve().parents[2]
NOTE = "---\ntitle: Bureau {n}\n---\n# Décisions\nLe bureau {n} adopte la motion numéro {n}.\n"


def deleted_descriptors() -> list[str]:
    """Targets of this process's open descriptors that point at deleted files."""
    found = []
    for descriptor in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{descriptor}")
        except OSError:
            continue  # closed meanwhile (the listing's own descriptor)
        if target.endswith("(deleted)"):
            found.append(target)
    return found


def knowledge_with_a_note(root: Path) -> Path:
    knowledge = root / "knowledge"
    (knowledge / "notes").mkdir(parents=True)
    (knowledge / "meetings").mkdir()
    # A real groups file: a logged error would keep its traceback's frames, and with
    # them the first assistant, in the test's captured log records.
    shutil.copy(REPO / "knowledge" / "meetings" / "groups.yaml", knowledge / "meetings")
    (knowledge / "notes" / "bureau.md").write_text(NOTE.format(n=1), encoding="utf-8")
    return knowledge


def services_on(knowledge: Path, state: Path) -> Services:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        knowledge_dir=knowledge,
        state_dir=state,
        calendar_urls=[],
        llm_base_url=None,
    )
    return Services(settings, embeddings=E5Embeddings())


def test_reindexing_in_the_bot_keeps_no_descriptor_on_deleted_generations(
    tmp_path: Path,
) -> None:
    knowledge = knowledge_with_a_note(tmp_path)
    services = services_on(knowledge, tmp_path / "state")
    index_dir = services.settings.index_dir
    before = deleted_descriptors()
    published = []
    for n in range(1, 5):
        (knowledge / "notes" / "bureau.md").write_text(NOTE.format(n=n), encoding="utf-8")
        assert services.reindex().published
        published.append(layout.current_generation(index_dir))
        answer = services.assistant.answer(f"Quelle motion le bureau {n} adopte-t-il ?", "c1")
        assert f"motion numéro {n}" in answer.text

    assert not any(generation.exists() for generation in published[:2])  # deleted since
    assert deleted_descriptors() == before


def test_reading_a_generation_out_of_chroma_closes_it(tmp_path: Path) -> None:
    services = services_on(knowledge_with_a_note(tmp_path), tmp_path / "state")
    services.reindex()
    generation = layout.current_generation(services.settings.index_dir)
    assert generation is not None
    copy = tmp_path / "copy"
    shutil.copytree(generation, copy)
    shutil.rmtree(copy / layout.VECTORS_DIR)  # as written before the .npy files existed
    before = deleted_descriptors()

    with IndexReader(copy) as index:
        vectors = index.vectors()  # read out of Chroma
        assert vectors.pair_with(index.chunks())
        assert len(vectors.sentences) == len(index.chunks()[0].sentences) > 0
    shutil.rmtree(copy)

    assert deleted_descriptors() == before
    with open_collections(generation) as collections:  # the published one still reads
        assert collections.chunks.count() == len(vectors.chunks)
