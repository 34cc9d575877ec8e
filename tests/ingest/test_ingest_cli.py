"""``python ingest.py``: run as a user would, on folders named by the environment."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
from pdfs import image_only_pdf

REPO = Path(__file__).resolve().parents[2]
SCAN_REASON = "the PDF has no extractable text (scanned or image-only?)"


def run_cli(knowledge: Path, state: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CUF_")}
    env |= {"CUF_KNOWLEDGE_DIR": str(knowledge), "CUF_STATE_DIR": str(state)}
    return subprocess.run(
        [sys.executable, str(REPO / "ingest.py"), "--quiet"],
        cwd=cwd,  # no .env there: only the environment configures the run
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_ingest_cli_prints_the_summary_with_skipped_reasons(
    knowledge: Path, tmp_path: Path
) -> None:
    image_only_pdf(knowledge / "publications" / "scan.pdf")
    state = tmp_path / "state"

    first = run_cli(knowledge, state, tmp_path)

    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert re.fullmatch(
        r"2 added, 0 changed, 0 removed, 0 unchanged, 1 skipped; "
        r"(\d+) chunks in the index \(\1 embedded now\); \d+\.\d s\.",
        lines[0],
    ), lines[0]
    assert lines[1:] == [f"skipped publications/scan.pdf: {SCAN_REASON}"]
    assert f"Skipped publications/scan.pdf: {SCAN_REASON}" in first.stderr
    assert (state / "index" / "CURRENT").exists()
    # The name table's vectors are cached with the index (the first « Japan » costs nothing).
    assert (state / "index" / "term-vectors.npz").exists()

    second = run_cli(knowledge, state, tmp_path)

    assert second.returncode == 0, second.stderr
    lines = second.stdout.splitlines()
    assert re.fullmatch(
        r"0 added, 0 changed, 0 removed, 2 unchanged, 1 skipped; "
        r"\d+ chunks in the index \(0 embedded now\); \d+\.\d s\.",
        lines[0],
    ), lines[0]
    assert lines[1:] == [
        f"skipped publications/scan.pdf: {SCAN_REASON}",
        "Nothing changed: the index was left as it was.",
    ]


def test_ingest_cli_on_an_empty_knowledge_folder_publishes_an_empty_index(
    tmp_path: Path,
) -> None:
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()

    result = run_cli(knowledge, tmp_path / "state", tmp_path)

    assert result.returncode == 0, result.stderr
    assert re.fullmatch(
        r"0 added, 0 changed, 0 removed, 0 unchanged, 0 skipped; "
        r"0 chunks in the index \(0 embedded now\); \d+\.\d s\.\n",
        result.stdout,
    ), result.stdout


def test_a_re_ingest_caches_the_words_of_the_new_passages_and_keeps_the_others(
    knowledge: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    assert run_cli(knowledge, state, tmp_path).returncode == 0
    before = set(np.load(state / "index" / "term-vectors.npz")["terms"].tolist())
    note = knowledge / "notes" / "bureau-zanzibar.md"
    note.write_text(
        "---\ntitle: Bureau\ndate: 2024-03-12\n---\nLe bureau salue la délégation zanzibarite.\n",
        encoding="utf-8",
    )

    again = run_cli(knowledge, state, tmp_path)

    assert again.returncode == 0, again.stderr
    after = set(np.load(state / "index" / "term-vectors.npz")["terms"].tolist())
    assert "zanzibarite" in after - before
    assert before <= after
