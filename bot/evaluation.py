"""Measure the assistant on a question set (``tests/data/bank/*.json`` or the dev set).

A case is answerable (``expect_all``), a question the documents cannot answer
(``abstain``) or small talk (``smalltalk``); ``turns`` asks a conversation and checks
its last answer; ``now`` is the moment an agenda question is asked. The figures:

- fact in answer: every group of ``expect_all`` has one alternative in the answer
  (accents, case and spaces ignored) and the answer is not a refusal;
- unanswerable refused: ``abstain`` cases answered with ``answered=false``;
- answerable answered: the share of answerable cases not refused (its complement is the
  over-refusal rate);
- small talk: answered without any passage;
- retrieval top-1 / top-4: a retrieved passage holds the case's ``evidence``;
- the fact rate by category and by language (English must fare as well as French).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.answers import Answer
from bot.assistant import Assistant
from bot.conversation import ConversationStore
from bot.retrieval.retriever import Retriever
from bot.text import fold

FACT = "fact in answer"
ABSTAIN = "unanswerable refused"
ANSWERED = "answerable answered"
SMALLTALK = "small talk without passages"
EVIDENCE = "evidence in a passage"  # about the bank and the index, not the answers


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
class CaseResult:
    """What the assistant said to one case, kept to explain a failure."""

    case_id: str
    question: str
    answer: Answer


@dataclass
class EvalReport:
    scores: dict[str, Score] = field(default_factory=dict)
    results: dict[str, CaseResult] = field(default_factory=dict)

    def score(self, name: str) -> Score:
        return self.scores.setdefault(name, Score())

    def rate(self, name: str) -> float:
        return self.scores[name].rate if name in self.scores else 0.0

    def lines(self, show_failures: bool = True) -> list[str]:
        return [
            f"{name:<32} {score.rate:6.2f}  ({score.passed}/{score.total})"
            + (f"  failed: {', '.join(score.failures)}" if show_failures and score.failures else "")
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
    passages = squashed_passages(retriever)
    for case in cases:
        case_id = str(case["id"])
        turns: list[str] = case.get("turns") or [case["q"]]
        if "evidence" in case:
            _score_retrieval(report, case_id, case, turns[-1], retriever, passages)
        answerable = "expect_all" in case
        if not (answerable or case.get("abstain") or case.get("smalltalk")):
            continue
        answer = _ask(assistant, conversations, case_id, turns, case.get("now"))
        report.results[case_id] = CaseResult(case_id, " / ".join(turns), answer)
        if case.get("abstain"):
            report.score(ABSTAIN).add(case_id, not answer.answered)
        elif case.get("smalltalk"):
            report.score(SMALLTALK).add(case_id, not answer.sources and answer.kind == "smalltalk")
        else:
            ok = answer.answered and has_facts(answer.text, case["expect_all"])
            report.score(FACT).add(case_id, ok)
            report.score(ANSWERED).add(case_id, answer.answered)
            category = case.get("category") or ("follow-up" if "turns" in case else "answer")
            report.score(f"  fact: {category}").add(case_id, ok)
            language = case.get("lang", "fr")
            report.score(f"  fact: language {language}").add(case_id, ok)
            report.score(f"  answered: language {language}").add(case_id, answer.answered)
        if quote_evidence and "evidence" in case:
            quoted = squash(case["evidence"]) in squash(answer.text)
            report.score("evidence quoted").add(case_id, quoted)
    return report


def has_facts(text: str, expect_all: list[list[str]]) -> bool:
    """Every group of alternatives has one member in ``text`` (accents, case, spaces ignored)."""
    squashed = squash(text)
    return all(any(squash(option) in squashed for option in group) for group in expect_all)


def _ask(
    assistant: Assistant,
    conversations: ConversationStore,
    case_id: str,
    turns: list[str],
    now: str | None,
) -> Answer:
    chat_id = f"eval-{case_id}"
    conversations.forget(chat_id)
    moment = datetime.fromisoformat(now) if now else None
    answers = [assistant.answer(turn, chat_id, now=moment) for turn in turns]
    conversations.forget(chat_id)
    return answers[-1]


def _score_retrieval(
    report: EvalReport,
    case_id: str,
    case: dict[str, Any],
    question: str,
    retriever: Retriever,
    passages: list[str],
) -> None:
    """Top-1 and top-4 retrieval of single questions (a follow-up needs its context).

    Only questions whose evidence some passage holds are scored: a calendar line or a
    fiche's raw field is answered by the agenda or the fiches, never retrieved.
    """
    if "turns" in case:
        return
    evidence = squash(case["evidence"])
    indexed = any(evidence in passage for passage in passages)
    report.score(EVIDENCE).add(case_id, indexed)
    if not indexed:
        return
    hits = retriever.search(question, k=4)
    found = [evidence in squash(hit.chunk.indexed_text) for hit in hits]
    report.score("retrieval top-1").add(case_id, bool(found) and found[0])
    report.score("retrieval top-4").add(case_id, any(found))


def squashed_passages(retriever: Retriever) -> list[str]:
    """Every passage's text as evidence is looked for in it, in the retriever's order."""
    return [squash(chunk.indexed_text) for chunk in retriever.chunks]


def squash(text: str) -> str:
    """Folded text without any space: how facts and evidence are compared."""
    return re.sub(r"\s+", "", fold(text))
