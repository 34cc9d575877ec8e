"""Measure the assistant on a question set (format of ``shared/eval/dev_questions.json``).

- retrieval: hit@1 / hit@5 = a retrieved passage contains the case's ``evidence``,
  reported separately for lexical and paraphrased questions;
- answers: every group of ``expect_all`` has one alternative in the answer
  (accents, case and spaces ignored);
- abstention: ``abstain`` cases must be answered with ``answered=false``;
- follow-ups: ``turns`` are asked in one conversation, the last answer is checked;
- optionally, whether the answer itself quotes the ``evidence`` (a stricter measure).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.assistant import Assistant
from bot.conversation import ConversationStore
from bot.retrieval.retriever import Retriever
from bot.text import fold


@dataclass
class Score:
    passed: int = 0
    total: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, case_id: str, ok: bool) -> None:
        self.total += 1
        self.passed += ok
        if not ok:
            self.failures.append(case_id)

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 0.0


@dataclass
class EvalReport:
    scores: dict[str, Score] = field(default_factory=dict)

    def score(self, name: str) -> Score:
        return self.scores.setdefault(name, Score())

    def lines(self) -> list[str]:
        return [
            f"{name:<28} {score.rate:6.2f}  ({score.passed}/{score.total})"
            + (f"  failed: {', '.join(score.failures)}" if score.failures else "")
            for name, score in self.scores.items()
        ]


def load_cases(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    cases: list[dict[str, Any]] = data["cases"] if isinstance(data, dict) else data
    return cases


def evaluate(
    cases: Iterable[dict[str, Any]],
    assistant: Assistant,
    retriever: Retriever,
    conversations: ConversationStore,
    quote_evidence: bool = False,
) -> EvalReport:
    """Score ``cases``; ``quote_evidence`` also checks that answers quote the evidence."""
    report = EvalReport()
    for case in cases:
        case_id = str(case["id"])
        if "evidence" in case:
            kind = "paraphrase" if case.get("paraphrase") else "lexical"
            evidence = _squash(case["evidence"])
            hits = retriever.search(case["q"], k=5)
            found = [evidence in _squash(hit.chunk.text) for hit in hits]
            report.score(f"retrieval {kind} hit@1").add(case_id, bool(found[:1]) and found[0])
            report.score(f"retrieval {kind} hit@5").add(case_id, any(found))
            if quote_evidence:
                answer = assistant.answer(case["q"], f"eval-{case_id}")
                conversations.forget(f"eval-{case_id}")
                quoted = evidence in _squash(answer.text)
                report.score(f"evidence quoted ({kind})").add(case_id, quoted)
        if "expect_all" not in case and not case.get("abstain"):
            continue
        chat_id = f"eval-{case_id}"
        conversations.forget(chat_id)
        turns: list[str] = case.get("turns") or [case["q"]]
        answers = [assistant.answer(turn, chat_id) for turn in turns]
        conversations.forget(chat_id)
        answer = answers[-1]
        if case.get("abstain"):
            report.score("abstains when it should").add(case_id, not answer.answered)
            continue
        ok = answer.answered and all(
            any(_squash(option) in _squash(answer.text) for option in group)
            for group in case["expect_all"]
        )
        name = "follow-up answers" if "turns" in case else f"answers ({answer.kind})"
        report.score(name).add(case_id, ok)
    return report


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", fold(text))
