"""One bad file never stops an ingest: each is named with its reason, the rest loads.

Regression tests for issue 14: impossible dates in fiches and notes, a YAML anchor
bomb, a PDF pypdf cannot decode, crash leftovers, and a running process that must
see an index published by another process.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from ingest_helpers import RecordingEmbeddings, current_name, generations, stored_chunks
from pdfs import Page, text_pdf, unsupported_filter_pdf

from bot.app import Services
from bot.index import layout as store
from bot.ingest.pipeline import run_ingest
from bot.settings import Settings

REPO = Path(__file__).resolve().parents[2]
FICHE = REPO / "knowledge" / "funding" / "afd_ficol.yaml"

ANCHOR_BOMB = """---
title: Bombe
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
---
# Bombe
Texte.
"""


def bad_date_fiche(folder: Path, name: str = "afd_ficol.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = FICHE.read_text(encoding="utf-8")
    lines = [
        "last_verified: 2024-02-30" if line.startswith("last_verified:") else line
        for line in text.splitlines()
    ]
    target = folder / name
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def cli_env(knowledge: Path, state: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CUF_")}
    return env | {"CUF_KNOWLEDGE_DIR": str(knowledge), "CUF_STATE_DIR": str(state)}


def run_ingest_cli(knowledge: Path, state: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "ingest.py"), "--quiet"],
        cwd=cwd,
        env=cli_env(knowledge, state),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_impossible_dates_and_undecodable_pdf_are_skipped_by_name(
    knowledge: Path, tmp_path: Path
) -> None:
    bad_date_fiche(knowledge / "funding")
    (knowledge / "notes" / "date-impossible.md").write_text(
        "---\ntitle: CR\ndate: 2024-02-30\ngroup: mali\n---\n# CR\nUn compte rendu.\n",
        encoding="utf-8",
    )
    (knowledge / "notes" / "bombe.md").write_text(ANCHOR_BOMB, encoding="utf-8")
    unsupported_filter_pdf(knowledge / "publications" / "filtre.pdf")

    result = run_ingest_cli(knowledge, tmp_path / "state", tmp_path)

    assert result.returncode == 0, result.stderr
    skipped = {
        line.split(": ", 1)[0].removeprefix("skipped "): line.split(": ", 1)[1]
        for line in result.stdout.splitlines()
        if line.startswith("skipped ")
    }
    assert set(skipped) == {
        "funding/afd_ficol.yaml",
        "notes/date-impossible.md",
        "notes/bombe.md",
        "publications/filtre.pdf",
    }
    assert "day is out of range for month" in skipped["funding/afd_ficol.yaml"]
    assert "day is out of range for month" in skipped["notes/date-impossible.md"]
    assert "expands to more than" in skipped["notes/bombe.md"]
    assert "FooDecode" in skipped["publications/filtre.pdf"]
    assert result.stdout.startswith("2 added, 0 changed, 0 removed, 0 unchanged, 4 skipped;")
    state = tmp_path / "state" / "index"
    paths = {chunk.path for chunk in stored_chunks(state)}
    assert paths == {"publications/guide.pdf", "notes/bureau.md"}


def test_a_killed_ingest_leaves_the_published_generations_and_its_leftover_is_discarded(
    knowledge: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    index_dir = state / "index"
    assert run_ingest_cli(knowledge, state, tmp_path).returncode == 0
    first = current_name(index_dir)
    (knowledge / "notes" / "bureau.md").write_text("# Bureau\nLe bureau se réunit.\n")
    assert run_ingest_cli(knowledge, state, tmp_path).returncode == 0
    published = current_name(index_dir)
    assert generations(index_dir) == sorted([first, published])

    # A third ingest, killed with SIGKILL while it writes its new generation.
    text_pdf(
        knowledge / "publications" / "long.pdf",
        [Page([f"Ligne {n} sur la coopération décentralisée." for n in range(40)])] * 30,
    )
    process = subprocess.Popen(
        [sys.executable, str(REPO / "ingest.py"), "--quiet"],
        cwd=tmp_path,
        env=cli_env(knowledge, state),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while len(generations(index_dir)) < 3 and process.poll() is None:
        assert time.monotonic() < deadline, "the ingest never started a new generation"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert current_name(index_dir) == published
    leftovers = set(generations(index_dir)) - {first, published}
    assert len(leftovers) == 1

    # The next ingest discards the leftover and keeps the two published generations.
    (knowledge / "publications" / "long.pdf").unlink()
    (knowledge / "notes" / "bureau.md").write_text("# Bureau\nLe bureau a siégé.\n")
    assert run_ingest_cli(knowledge, state, tmp_path).returncode == 0
    newest = current_name(index_dir)
    assert generations(index_dir) == sorted([published, newest])
    assert (index_dir / store.PREVIOUS_FILE).read_text() == published


def test_leftover_with_a_newer_name_never_costs_the_previous_generation(
    knowledge: Path, index_dir: Path
) -> None:
    embeddings = RecordingEmbeddings()
    run_ingest(knowledge, index_dir, embeddings)
    (knowledge / "notes" / "bureau.md").write_text("# Bureau\nDeux.\n")
    run_ingest(knowledge, index_dir, embeddings)
    previous, published = store.previous_generation(index_dir), store.current_generation(index_dir)
    assert previous is not None and published is not None
    # What a kill -9 in the middle of an ingest leaves: a copy never published.
    leftover = store.new_generation(index_dir, published)
    (knowledge / "notes" / "bureau.md").write_text("# Bureau\nTrois.\n")

    report = run_ingest(knowledge, index_dir, embeddings)

    assert report.published
    assert not leftover.exists()
    assert store.previous_generation(index_dir) == published
    assert set(generations(index_dir)) == {published.name, current_name(index_dir)}


def test_a_running_process_answers_from_an_index_published_by_another(
    knowledge: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    (knowledge / "meetings").mkdir()
    shutil.copy(REPO / "knowledge" / "meetings" / "groups.yaml", knowledge / "meetings")
    assert run_ingest_cli(knowledge, state, tmp_path).returncode == 0
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        knowledge_dir=knowledge,
        state_dir=state,
        calendar_urls=[],
        llm_base_url=None,
        index_check_seconds=0,
    )
    services = Services(settings)
    question = "Que dit la note sur le jumelage avec Ouagadougou ?"
    before = services.assistant.answer(question, "c1")
    assert all(source.file != "notes/jumelage.md" for source in before.sources)

    (knowledge / "notes" / "jumelage.md").write_text(
        "---\ntitle: Jumelage avec Ouagadougou\n---\n# Jumelage avec Ouagadougou\n"
        "Le jumelage avec Ouagadougou est renouvelé pour cinq ans par la commission.\n",
        encoding="utf-8",
    )
    assert run_ingest_cli(knowledge, state, tmp_path).returncode == 0  # another process

    after = services.assistant.answer(question, "c1")
    assert "notes/jumelage.md" in {source.file for source in after.sources}
    assert services.retriever.generation == store.current_generation(state / "index")


def test_the_index_check_waits_its_delay(knowledge: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    run_ingest(knowledge, state / "index", RecordingEmbeddings())
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        knowledge_dir=knowledge,
        state_dir=state,
        index_check_seconds=3600,
    )
    services = Services(settings)
    loaded = services.retriever.generation
    (knowledge / "notes" / "autre.md").write_text("# Autre\nUne autre note.\n")
    run_ingest(knowledge, state / "index", RecordingEmbeddings())
    services.refresh_index()  # first check: due at once
    assert services.retriever.generation != loaded
    newer = services.retriever.generation
    (knowledge / "notes" / "autre.md").write_text("# Autre\nChangée.\n")
    run_ingest(knowledge, state / "index", RecordingEmbeddings())
    assert services.refresh_index() is False  # within the delay: no check
    assert services.retriever.generation == newer
    assert services.refresh_index(force=True) is True
