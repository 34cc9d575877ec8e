"""Benchmark: answer latency (p50, p95) over the dev question set, and peak memory.

Run: .venv/bin/python bench/bench_answers.py [QUESTIONS.json]
The index is built first in a temporary folder (not timed); latency is measured
with the index loaded, one question at a time, as a user would ask them.
"""

from __future__ import annotations

import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.app import build_services
from bot.evaluation import load_cases
from bot.ingest.pipeline import run_ingest
from bot.settings import Settings

REPO = Path(__file__).resolve().parents[1]
DEFAULT_QUESTIONS = REPO / "tests" / "data" / "dev_questions.json"


def main() -> None:
    questions_file = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_QUESTIONS
    questions = [
        turn for case in load_cases(questions_file) for turn in (case.get("turns") or [case["q"]])
    ]
    with tempfile.TemporaryDirectory() as state:
        settings = Settings(_env_file=None, knowledge_dir=REPO / "knowledge", state_dir=Path(state))
        run_ingest(settings.knowledge_dir, settings.index_dir)
        services = build_services(settings)
        started = time.perf_counter()
        services.assistant.answer("Qui préside le groupe-pays Mali ?", "bench-warm-up")
        print(
            f"first answer (loads index and model): {1000 * (time.perf_counter() - started):.0f} ms"
        )
        # What the bot also loads before it says it is ready (the corpus's names, which
        # an English question needs): without it, the first English question pays for it.
        print(f"rest of the bot's warm-up: {1000 * services.warm_up():.0f} ms")
        timings = []
        for number, question in enumerate(questions):
            started = time.perf_counter()
            services.assistant.answer(question, f"bench-{number // 2}")
            timings.append(1000 * (time.perf_counter() - started))
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]
    print(f"questions:  {len(timings)}")
    print(f"latency p50: {statistics.median(timings):6.1f} ms")
    print(f"latency p95: {p95:6.1f} ms")
    print(f"latency max: {timings[-1]:6.1f} ms")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS:    {peak:6.0f} MB")


if __name__ == "__main__":
    main()
