"""``python -m bot eval FILE``: score retrieval and answers on a question set."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from bot.evaluation import evaluate, load_cases

if TYPE_CHECKING:
    from bot.app import Services


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "eval", help="score the assistant on a question set (dev_questions.json format)"
    )
    parser.add_argument("file", type=Path, help="e.g. ../shared/eval/dev_questions.json")
    parser.add_argument(
        "--quotes", action="store_true", help="also check that answers quote the evidence"
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace, services: Services) -> int:
    report = evaluate(
        load_cases(args.file),
        services.assistant,
        services.retriever,
        services.conversations,
        quote_evidence=args.quotes,
    )
    print("\n".join(report.lines()))
    return 0
