"""``python -m bot eval [FILE…]``: score the assistant on question sets.

Without a file it scores both halves of the question bank shipped in the repository
(``tests/data/bank``): the tuning half, and the held-out half that nothing is tuned on.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.app import Services
from bot.evaluation import ABSTAIN, ANSWERED, EVIDENCE, FACT, EvalReport, evaluate, load_cases
from bot.query_cache import CachedQueryEmbeddings
from bot.retrieval.embeddings import MODEL_NAME, E5Embeddings

BANK = Path(__file__).resolve().parents[2] / "tests" / "data" / "bank"
DEFAULT_FILES = (BANK / "tuning.json", BANK / "heldout.json")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "eval", help="score the assistant on question sets (default: both halves of the bank)"
    )
    parser.add_argument("files", type=Path, nargs="*", help="question sets (JSON)")
    parser.add_argument(
        "--quotes", action="store_true", help="also check that answers quote the evidence"
    )
    parser.add_argument(
        "--failures", action="store_true", help="print each failed case with its answer"
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace, services: Services) -> int:
    with cached_services(services) as cached:
        _report_files(args, cached)
    return 0


@contextmanager
def cached_services(services: Services) -> Iterator[Services]:
    """Services whose question vectors are kept between runs (replaying the same questions)."""
    cache_name = f"eval-query-vectors-{MODEL_NAME.replace('/', '-')}.json"
    cache = CachedQueryEmbeddings(E5Embeddings(), services.settings.state_dir / cache_name)
    try:
        yield Services(services.settings, embeddings=cache)
    finally:
        cache.save()


def _report_files(args: argparse.Namespace, services: Services) -> None:
    for path in args.files or DEFAULT_FILES:
        report = evaluate(
            load_cases(path),
            services.assistant,
            services.retriever,
            services.conversations,
            quote_evidence=args.quotes,
        )
        print(f"== {path.name}")
        print("\n".join(report.lines(show_failures=not args.failures)))
        print(summary(report))
        if args.failures:
            print(failures(report))
        print()


def summary(report: EvalReport) -> str:
    """The three headline figures, as the acceptance criteria state them."""
    refused = 1 - report.rate(ANSWERED)
    return (
        f"-- fact in answer {report.rate(FACT):.2f} · unanswerable refused "
        f"{report.rate(ABSTAIN):.2f} · answerable refused {refused:.1%}"
    )


def failures(report: EvalReport) -> str:
    failed = dict.fromkeys(
        case_id
        for name, score in report.scores.items()
        if name != EVIDENCE and not name.startswith(("retrieval", " "))
        for case_id in score.failures
    )
    blocks = []
    for case_id in failed:
        result = report.results.get(case_id)
        if result is None:
            continue
        state = "answered" if result.answer.answered else "refused"
        blocks.append(
            f"[{case_id}] {result.question}\n  ({result.answer.kind}, {state}) "
            + " ".join(result.answer.text.split())[:400]
        )
    return "\n".join(blocks)
