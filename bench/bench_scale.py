"""Benchmark: the assistant at 1×, 10× and 50× the shipped knowledge.

Run: .venv/bin/python bench/bench_scale.py [--factors 1 10 50]
For each factor, a knowledge folder holds the shipped knowledge plus generated
meeting notes with distinct facts, so that the index has about ``factor`` times
the shipped number of passages. Printed, per factor:

- cold ingest: ``python ingest.py`` on an empty state folder (wall and CPU seconds);
- one-note re-ingest: one generated note changed, ``python ingest.py`` again, four
  times: the first (which also builds the model's cache), then the median of three;
- start-up: ``python -m bot ask QUESTION`` (interpreter, imports, index, model,
  one answer), its wall seconds and peak RSS, median of three;
- serving: one process opens the index, loads the model, then answers the dev
  questions one at a time: first-answer and warm p50/p95 latency, peak RSS.

With ``--random-vectors`` the cold ingest embeds nothing: every text gets a random
unit vector (Chroma, ``.npy`` and BM25 are written as usual), which builds a 50×
index in minutes instead of an hour. The other figures do not depend on the vectors'
values (the one-note re-ingest embeds with the real model); answers are then
meaningless, their cost is not.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHIPPED_PASSAGES = 363  # passages of the shipped knowledge (``python ingest.py`` says so)
PASSAGES_PER_NOTE = 12
QUESTION = "Qui préside le groupe-pays Mali ?"

_COUNTRIES = "Mali Sénégal Madagascar Bénin Togo Niger Maroc Tunisie Liban Arménie Haïti Vietnam"
_TOPICS = "eau assainissement déchets énergie mobilité culture jeunesse santé agriculture"
_CITIES = "Lyon Rennes Nantes Lille Grenoble Dijon Tours Angers Metz Brest Nancy Poitiers Pau"
_NAMES = "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent"
_FIRST = "Claire Jean Sophie Karim Amadou Fatou Louis Inès Marc Aïcha Paul Nadia Hugo Léa"

RUN_SERVING = r"""
import json, resource, statistics, sys, time
from pathlib import Path
from bot.app import build_services
from bot.evaluation import load_cases
from bot.settings import Settings

started = time.perf_counter()
services = build_services(Settings())
services.warm_up()
loaded = time.perf_counter() - started
questions = [t for c in load_cases(Path(sys.argv[1])) for t in (c.get("turns") or [c["q"]])]
questions += json.loads(sys.argv[2])
started = time.perf_counter()
services.assistant.answer(questions[0], "first")
first = 1000 * (time.perf_counter() - started)
timings = []
for number, question in enumerate(questions):
    started = time.perf_counter()
    services.assistant.answer(question, f"bench-{number // 2}")
    timings.append(1000 * (time.perf_counter() - started))
timings.sort()
p95 = timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]
print(json.dumps({"loaded_s": loaded, "first_ms": first, "p50_ms": statistics.median(timings),
    "p95_ms": p95, "questions": len(timings),
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

RUN_ASK = r"""
import resource, runpy, sys
sys.argv = ["bot", "ask", sys.argv[1]]
try:
    runpy.run_module("bot", run_name="__main__")
except SystemExit:
    pass
print("RSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, file=sys.stderr)
"""


def generated_note(number: int, variant: int = 0) -> str:
    """A meeting note of ``PASSAGES_PER_NOTE`` + 1 passages, every fact its own."""
    pick = random.Random(number)
    country = pick.choice(_COUNTRIES.split())
    lines = [
        "---",
        f"title: Groupe-pays {country} n° {number}, réunion {variant}",
        f"date: 2024-{1 + number % 12:02d}-{1 + number % 28:02d}",
        f"group: {country.lower()}-{number}",
        "---",
    ]
    for section in range(PASSAGES_PER_NOTE):
        key = number * 100 + section
        topic = pick.choice(_TOPICS.split())
        city = pick.choice(_CITIES.split())
        person = f"{pick.choice(_FIRST.split())} {pick.choice(_NAMES.split())}"
        lines += [
            f"## Point {section + 1} : projet {topic} {key}",
            f"Le groupe-pays {country} (réunion {number}) a examiné le projet {topic} {key} "
            f"porté par la ville de {city}. Le comité a désigné {person} comme référent du "
            f"projet {key}. Le budget voté s'élève à {1000 + key * 7 % 90000} euros, dont "
            f"{10 + key % 40} % à la charge de la collectivité partenaire. La prochaine étape "
            f"du projet {key} est prévue pour le {1 + key % 28} {pick.choice(['mars', 'mai'])} "
            f"{2025 + key % 3}. Les partenaires locaux ont demandé un appui technique sur la "
            f"gestion du volet {topic} et un rapport d'étape sera présenté en séance plénière.",
            "",
        ]
    return "\n".join(lines)


def knowledge_at(factor: int, root: Path) -> Path:
    """The shipped knowledge plus generated notes, about ``factor`` times as many passages."""
    knowledge = root / "knowledge"
    shutil.copytree(REPO / "knowledge", knowledge)
    notes = knowledge / "notes"
    notes.mkdir(exist_ok=True)
    count = max(0, round((factor - 1) * SHIPPED_PASSAGES / (PASSAGES_PER_NOTE + 1)))
    for number in range(count):
        (notes / f"genere-{number:05d}.md").write_text(generated_note(number), encoding="utf-8")
    return knowledge


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, str, str]:
    """Wall and CPU seconds of one child process, and what it printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, result.stdout, result.stderr


RANDOM_INGEST = r"""
import sys
from pathlib import Path
import numpy as np
from langchain_core.embeddings import Embeddings
from bot.app import name_table
from bot.ingest.pipeline import run_ingest

class RandomEmbeddings(Embeddings):
    def __init__(self):
        self.generator = np.random.default_rng(0)
    def embed_documents(self, texts):
        vectors = self.generator.standard_normal((len(texts), 384)).astype(np.float32)
        return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).tolist()
    def embed_query(self, text):
        return self.embed_documents([text])[0]

embeddings = RandomEmbeddings()
report = run_ingest(Path(sys.argv[1]), Path(sys.argv[2]), embeddings)
print(report.summary())
# As ``ingest.py`` does: the new passages' term vectors are cached with the index.
name_table(report.new_chunks, embeddings, Path(sys.argv[2]))
"""


def measure(factor: int, random_vectors: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        knowledge = knowledge_at(factor, root)
        env = {key: value for key, value in os.environ.items() if not key.startswith("CUF_")}
        env.update(
            PYTHONPATH=str(REPO), CUF_KNOWLEDGE_DIR=str(knowledge), CUF_STATE_DIR=str(root / "s")
        )
        ingest = [sys.executable, str(REPO / "ingest.py"), "--quiet"]
        cold = ingest
        if random_vectors:
            cold = [sys.executable, "-c", RANDOM_INGEST, str(knowledge), str(root / "s" / "index")]
        wall, cpu, said, _ = run(cold, env)
        summary = said.strip().splitlines()[0]
        kind = "random vectors, no model" if random_vectors else "real model"
        print(f"[{factor}x] cold ingest ({kind}): {wall:.1f} s wall, {cpu:.1f} s CPU — {summary}")

        note = knowledge / "notes" / "genere-00000.md"
        if not note.exists():
            note = knowledge / "notes" / "bench-one-note.md"
        timings = []
        for variant in range(1, 5):
            note.write_text(generated_note(0, variant=variant), encoding="utf-8")
            timings.append(run(ingest, env)[:2])
        (wall, cpu), rest = timings[0], timings[1:]
        # The first one also builds the model's float32 cache, which a cold ingest with
        # the real model builds instead (a random-vector one never loads the model).
        print(
            f"[{factor}x] first re-ingest after a cold ingest: {wall:.2f} s wall, {cpu:.2f} s CPU"
        )
        print(
            f"[{factor}x] one-note re-ingest, median of {len(rest)}: "
            f"{statistics.median(w for w, _ in rest):.2f} s wall "
            f"({', '.join(f'{w:.2f}' for w, _ in rest)}), "
            f"{statistics.median(c for _, c in rest):.2f} s CPU"
        )

        starts, peaks = [], []
        for _ in range(3):
            wall, _cpu, _said, errors = run([sys.executable, "-c", RUN_ASK, QUESTION], env)
            starts.append(wall)
            peaks.append(float(errors.rsplit("RSS", 1)[1]))
        print(
            f"[{factor}x] start-up (`python -m bot ask`, one answer): "
            f"{statistics.median(starts):.2f} s, peak RSS {statistics.median(peaks):.0f} MB"
        )

        extra = [f"Qui est le référent du projet {key} ?" for key in (5, 1203, 4411)]
        questions = str(REPO / "tests" / "data" / "dev_questions.json")
        _wall, _cpu, said, _ = run(
            [sys.executable, "-c", RUN_SERVING, questions, json.dumps(extra)], env
        )
        figures = json.loads(said.strip().splitlines()[-1])
        print(
            f"[{factor}x] serving: index+model loaded in {figures['loaded_s']:.2f} s, "
            f"first answer {figures['first_ms']:.0f} ms, warm p50 {figures['p50_ms']:.0f} ms, "
            f"p95 {figures['p95_ms']:.0f} ms over {figures['questions']} questions, "
            f"peak RSS {figures['rss_mb']:.0f} MB"
        )
        sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument(
        "--random-vectors", action="store_true", help="cold ingest without the model (fast)"
    )
    args = parser.parse_args()
    from bench_tutorial import blas_kernel

    print(
        f"load average at the start: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} cores); "
        f"OpenBLAS kernel: {blas_kernel()}"
    )
    for factor in args.factors:
        measure(factor, args.random_vectors)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
