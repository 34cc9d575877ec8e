"""``python -m bot calibrate``: fit the calibrated decisions on the tuning half.

It refuses the held-out half: what gates CI must never be what the models learnt from.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from bot.answering.calibration import CALIBRATION_FILE
from bot.answering.fit import DEFAULT_MAX_OVER_REFUSAL, fit_calibration
from bot.app import Services
from bot.cli.evaluate import BANK, cached_services
from bot.evaluation import load_cases

_OUTPUT = Path(__file__).resolve().parents[1] / "answering" / CALIBRATION_FILE


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "calibrate", help="fit ranking, quoting and refusing on the tuning half of the bank"
    )
    parser.add_argument("file", type=Path, nargs="?", default=BANK / "tuning.json")
    parser.add_argument(
        "--max-over-refusal",
        type=float,
        default=DEFAULT_MAX_OVER_REFUSAL,
        help="highest share of answerable tuning questions the threshold may refuse",
    )
    parser.add_argument("--output", type=Path, default=_OUTPUT)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace, services: Services) -> int:
    data = json.loads(args.file.read_text(encoding="utf-8"))
    if isinstance(data, dict) and data.get("split") == "heldout":
        print("Refused: the held-out half is never fitted on. Use the tuning half.")
        return 2
    digest = hashlib.sha256(args.file.read_bytes()).hexdigest()
    with cached_services(services) as tuned:
        calibration, report = fit_calibration(
            load_cases(args.file),
            tuned.assistant,
            tuned.retriever,
            tuned.now,
            fitted_on=digest,
            max_over_refusal=args.max_over_refusal,
        )
    args.output.write_text(
        json.dumps(calibration.to_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print("\n".join(report.lines))
    print(f"Written: {args.output}")
    return 0
