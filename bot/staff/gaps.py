"""Knowledge gaps: the questions the assistant left unanswered or that members rated 👎.

Read from the answer log of the state database, SQLite or PostgreSQL (and from
the anonymised ratings kept after a purge), grouped by meaning with the E5
embeddings already loaded, and shown with the passages that came closest, so
staff see what the documents lack (``/lacunes``, ``python -m bot gaps``, and the
optional weekly digest).

Grouping is greedy: each question joins the first group whose first question it
is close to: the same names (when both name something), and at least one content
word in common with a close E5 vector, or a near-identical vector. E5's cosines
are compressed (unrelated French questions score 0.8), so the vector alone
would merge « la cotisation » with « le siège ».
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import func, select

from bot.db.schema import answer_log, feedback, feedback_archive
from bot.messages import message
from bot.text import content_stems, fold

if TYPE_CHECKING:
    from bot.retrieval.retriever import Hit
    from bot.storage import Database

UNANSWERED, THUMBS_DOWN = "unanswered", "thumbs_down"
# The implicit subject of every question: sharing it says nothing.
_SUBJECT_STEMS = frozenset({"cuf", "cit", "cite", "uni", "unies", "franc", "france"})
CLOSE = 0.84  # cosine of E5 query vectors, with a common content word
SAME = 0.95  # cosine of near-identical wordings


@dataclass(frozen=True)
class GapQuestion:
    """One question the assistant did not answer well, and when."""

    question: str
    asked_at: datetime
    reason: str  # UNANSWERED or THUMBS_DOWN


@dataclass(frozen=True)
class ClosePassage:
    """A passage that came close to a gap's example question."""

    title: str
    page: int | None
    excerpt: str
    score: float


@dataclass
class GapGroup:
    """Similar questions: how many, the last time, an example wording, the closest passages."""

    questions: list[GapQuestion]
    passages: list[ClosePassage] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.questions)

    @property
    def last(self) -> datetime:
        return max(question.asked_at for question in self.questions)

    @property
    def example(self) -> str:
        return self.questions[0].question

    @property
    def unanswered(self) -> int:
        return sum(question.reason == UNANSWERED for question in self.questions)

    @property
    def thumbs_down(self) -> int:
        return sum(question.reason == THUMBS_DOWN for question in self.questions)

    def to_dict(self) -> dict[str, object]:
        return {
            "count": self.count,
            "last": self.last.isoformat(),
            "example": self.example,
            "unanswered": self.unanswered,
            "thumbs_down": self.thumbs_down,
            "questions": sorted({question.question for question in self.questions}),
            "passages": [
                {"title": p.title, "page": p.page, "excerpt": p.excerpt, "score": round(p.score, 3)}
                for p in self.passages
            ],
        }


def collect(database: Database, since: datetime) -> list[GapQuestion]:
    """Unanswered and 👎-rated questions asked since ``since``, newest first."""
    found: list[GapQuestion] = []
    with database.transaction() as connection:
        rows = connection.execute(
            select(answer_log.c.question, answer_log.c.created_at).where(answer_log.c.answered == 0)
        ).all()
        found += [GapQuestion(q, _parse(at), UNANSWERED) for q, at in rows]
        rows = connection.execute(
            select(answer_log.c.question, func.max(feedback.c.rated_at))
            .join(answer_log, answer_log.c.id == feedback.c.answer_id)
            .where(feedback.c.rating == -1, answer_log.c.answered == 1)
            .group_by(answer_log.c.id, answer_log.c.question)
        ).all()
        found += [GapQuestion(q, _parse(at), THUMBS_DOWN) for q, at in rows]
        # anonymised ratings kept after a purge
        rows = connection.execute(
            select(feedback_archive.c.question, feedback_archive.c.rated_at).where(
                feedback_archive.c.rating == -1
            )
        ).all()
        found += [GapQuestion(q, _parse(at), THUMBS_DOWN) for q, at in rows]
    recent = [gap for gap in found if gap.asked_at >= since]
    return sorted(recent, key=lambda gap: gap.asked_at, reverse=True)


def _parse(moment: str) -> datetime:
    parsed = datetime.fromisoformat(moment)
    if parsed.tzinfo is None:  # stored without a zone: taken as UTC
        from datetime import UTC

        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def group_questions(
    questions: Sequence[GapQuestion],
    embed: Callable[[list[str]], list[list[float]]],
    names: Callable[[str], Sequence[str]] = lambda _text: (),
) -> list[GapGroup]:
    """Group similar questions (see the module's docstring), biggest then latest first."""
    if not questions:
        return []
    vectors = np.asarray(embed([question.question for question in questions]), dtype=np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    words = [_words(question.question) for question in questions]
    named = [frozenset(fold(name) for name in names(question.question)) for question in questions]
    leaders: list[int] = []
    groups: list[GapGroup] = []
    for index, question in enumerate(questions):
        for number, leader in enumerate(leaders):
            if _close(index, leader, vectors, words, named):
                groups[number].questions.append(question)
                break
        else:
            leaders.append(index)
            groups.append(GapGroup([question]))
    return sorted(groups, key=lambda group: (-group.count, -group.last.timestamp()))


def _words(text: str) -> frozenset[str]:
    return frozenset(content_stems(text)) - _SUBJECT_STEMS


def _close(
    a: int,
    b: int,
    vectors: np.ndarray,
    words: list[frozenset[str]],
    named: list[frozenset[str]],
) -> bool:
    if named[a] and named[b] and not named[a] & named[b]:
        return False  # « groupe-pays Pérou » and « groupe-pays Chili » are two gaps
    similarity = float(vectors[a] @ vectors[b])
    if similarity >= SAME:
        return True
    return similarity >= CLOSE and bool(words[a] & words[b])


def knowledge_gaps(
    questions: list[GapQuestion],
    embed_query: Callable[[str], list[float]],
    names_of: Callable[[str], Sequence[str]],
    search: Callable[[str], list[Hit]] | None,
    limit: int = 10,
) -> list[GapGroup]:
    """The largest groups of ``questions`` (at most ``limit``), each with the passages
    that came closest (``search``; ``None`` without an index yet)."""
    groups = group_questions(
        questions, lambda texts: [embed_query(text) for text in texts], names_of
    )[:limit]
    if search is None:
        return groups
    for group in groups:
        group.passages = [
            ClosePassage(hit.chunk.title, hit.chunk.page, _excerpt(hit.chunk.text), hit.similarity)
            for hit in search(group.example)
        ]
    return groups


def _excerpt(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def render(groups: Sequence[GapGroup], timezone: object | None = None) -> list[str]:
    """Plain French lines for the staff (command line and Telegram)."""
    lines: list[str] = []
    for number, group in enumerate(groups, start=1):
        reasons = []
        if group.unanswered:
            reasons.append(message("gaps_unanswered", count=group.unanswered))
        if group.thumbs_down:
            reasons.append(f"{group.thumbs_down} 👎")
        last = group.last.astimezone(timezone) if timezone else group.last  # type: ignore[arg-type]
        lines.append(
            message(
                "gaps_line",
                number=number,
                example=group.example,
                count=group.count,
                reasons=", ".join(reasons),
                last=f"{last:%d/%m/%Y}",
            )
        )
        others = sorted({q.question for q in group.questions} - {group.example})[:2]
        lines += ["   " + message("gaps_also", question=other) for other in others]
        for passage in group.passages:
            where = f"{passage.title}, p. {passage.page}" if passage.page else passage.title
            lines.append("   " + message("gaps_closest", where=where, excerpt=passage.excerpt))
    return lines
