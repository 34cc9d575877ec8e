"""The calibrated decisions, as data: ranking weights, the quote model, the answer model.

``calibration.json`` beside this module is written by ``python -m bot calibrate`` from
the question bank's tuning half (never the held-out half) and read at start-up.
Without it, hand-set defaults apply.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from importlib import resources
from typing import Any

from bot.answering.logistic import LogisticModel

logger = logging.getLogger(__name__)

CALIBRATION_FILE = "calibration.json"


@dataclass(frozen=True)
class Calibration:
    """Everything fitted on the tuning half; ``None`` parts fall back to defaults."""

    retrieval_weights: dict[str, float] | None = None
    quote_model: LogisticModel | None = None
    answer_model: LogisticModel | None = None
    answer_threshold: float = 0.5
    # Below this E5 similarity nothing retrieved is about the question: a low quantile of
    # what answerable tuning questions reach. Default measured on the dev set.
    min_similarity: float = 0.815
    # Below this share of the question's word rarity in any passage retrieved, the
    # documents hold nothing of what it says (« la recette de la blanquette de veau »):
    # the least any answerable tuning question reaches.
    min_coverage: float = 0.0
    # A runner-up quote joins the best one when at least this share as likely to hold
    # the fact (and the answer stays short): the largest share that quotes as many of
    # the tuning half's facts as any.
    second_ratio: float = 0.8
    # Quotes are taken from this many of the best passages: the number that answers or
    # refuses the most tuning questions rightly (more candidates also mean more close
    # but wrong sentences for questions the documents cannot answer).
    passages_quoted: int = 5
    fitted_on: str = ""  # SHA-256 of the question file the models were fitted on

    def to_dict(self) -> dict[str, Any]:
        return {
            "fitted_on": self.fitted_on,
            "retrieval_weights": self.retrieval_weights,
            "quote_model": self.quote_model.to_dict() if self.quote_model else None,
            "answer_model": self.answer_model.to_dict() if self.answer_model else None,
            "answer_threshold": self.answer_threshold,
            "min_similarity": self.min_similarity,
            "min_coverage": self.min_coverage,
            "second_ratio": self.second_ratio,
            "passages_quoted": self.passages_quoted,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibration:
        quote = data.get("quote_model")
        answer = data.get("answer_model")
        return cls(
            retrieval_weights=data.get("retrieval_weights"),
            quote_model=LogisticModel.from_dict(quote) if quote else None,
            answer_model=LogisticModel.from_dict(answer) if answer else None,
            answer_threshold=float(data.get("answer_threshold", 0.5)),
            min_similarity=float(data.get("min_similarity", 0.815)),
            min_coverage=float(data.get("min_coverage", 0.0)),
            second_ratio=float(data.get("second_ratio", 0.8)),
            passages_quoted=int(data.get("passages_quoted", 5)),
            fitted_on=str(data.get("fitted_on", "")),
        )


def load_calibration() -> Calibration:
    """The shipped calibration, or the defaults when the package has none."""
    resource = resources.files("bot.answering").joinpath(CALIBRATION_FILE)
    if not resource.is_file():
        logger.info("No calibration shipped: default ranking and decisions")
        return Calibration()
    return Calibration.from_dict(json.loads(resource.read_text(encoding="utf-8")))
