"""Benchmark: cold ingest of the shipped knowledge, then a no-change re-ingest.

Run: .venv/bin/python bench/bench_ingest.py
Prints seconds for a cold ingest (in-process), a no-change re-ingest in-process,
and a no-change re-ingest as users run it (``python ingest.py``, interpreter
start-up included), plus the peak memory of this process.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.ingest.pipeline import run_ingest

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    with tempfile.TemporaryDirectory() as state:
        index_dir = Path(state) / "index"
        started = time.perf_counter()
        report = run_ingest(REPO / "knowledge", index_dir)
        cold = time.perf_counter() - started
        print(f"cold ingest:                 {cold:6.2f} s  ({report.chunks_total} chunks)")

        started = time.perf_counter()
        report = run_ingest(REPO / "knowledge", index_dir)
        warm = time.perf_counter() - started
        print(f"no-change re-ingest:         {warm:6.2f} s  (published: {report.published})")

        environment = dict(
            os.environ, CUF_KNOWLEDGE_DIR=str(REPO / "knowledge"), CUF_STATE_DIR=state
        )
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, str(REPO / "ingest.py"), "--quiet"],
            check=True,
            env=environment,
            capture_output=True,
        )
        command = time.perf_counter() - started
        print(f"no-change `python ingest.py`: {command:6.2f} s  (start-up included)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS (ingest process):   {peak:6.0f} MB")


if __name__ == "__main__":
    main()
